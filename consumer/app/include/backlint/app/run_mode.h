#pragma once
// `backlint run`: Kafka in, Kafka out, metrics served, until `stop` (SIGINT/SIGTERM). The rule file is
// reloaded on SIGHUP (see reload_signal.h) and when it changes.
#include <atomic>

#include "backlint/app/app_config.h"

namespace backlint {

// The process exit codes of `backlint run` (2, a bad command line or configuration, comes from main).
enum RunExitCode : int {
  kExitClean = 0,        // stopped on request: drained, flushed, committed and left the group in time
  kExitSetupFailed = 1,  // could not start (metrics port, rule file, Kafka client settings)
  kExitUnclean = 3,      // stopped, but some inputs stay uncommitted and will be consumed again
  kExitFatal = 4,        // a fatal Kafka error stopped the pipeline (e.g. a fenced transactional producer)
};

int RunKafka(const AppConfig& config, const std::atomic<bool>& stop);

}  // namespace backlint
