#pragma once
// `backlint demo`: an in-process Kafka cluster (librdkafka's mock API), the bundled sample pages
// produced into it, the same consumer pipeline as `run`, the output read back and summarised.
#include <atomic>
#include <ostream>
#include <string>

namespace backlint {

extern const std::string_view kDemoPages;  // consumer/app/demo/pages.jsonl, embedded at build time

struct DemoOptions {
  std::string rules_path;                         // empty: built-in default
  std::string metrics_listen = "127.0.0.1:9464";  // port 0 picks a free port
  bool hold = false;                              // keep serving /metrics until `stop`
};

// Exit code: 0 when every sample page went through and the summary was printed, 1 otherwise.
int RunDemo(const DemoOptions& options, const std::atomic<bool>& stop, std::ostream& out);

}  // namespace backlint
