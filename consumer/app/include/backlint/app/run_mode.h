#pragma once
// `backlint run`: Kafka in, Kafka out, metrics served, until `stop` (SIGINT/SIGTERM). The rule file is
// reloaded on SIGHUP (see reload_signal.h) and when it changes.
#include <atomic>

#include "backlint/app/app_config.h"

namespace backlint {

// Exit code: 0 after a clean shutdown, 1 when setup failed or the shutdown was not clean.
int RunKafka(const AppConfig& config, const std::atomic<bool>& stop);

}  // namespace backlint
