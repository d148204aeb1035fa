#include "backlint/app/run_mode.h"

#include <spdlog/spdlog.h>

#include "backlint/pipeline/processor_setup.h"
#include "backlint/app/progress_log.h"
#include "backlint/app/reload_signal.h"
#include "backlint/app/rule_reloader.h"
#include "backlint/metrics/metrics_server.h"

namespace backlint {

int RunKafka(const AppConfig& config, const std::atomic<bool>& stop) {
  auto registry = std::make_shared<prometheus::Registry>();
  PipelineMetrics metrics(*registry);
  auto server = MetricsServer::Start(config.metrics_listen, registry, [&metrics] { return metrics.ready(); });
  if (!server) {
    spdlog::error("{}", server.failure().reason);
    return 1;
  }
  auto processor = MakePageProcessor(config.rules_path, config.output_format, metrics, config.input_format,
                                     config.extract);
  if (!processor) {
    spdlog::error("{}", processor.failure().reason);
    return 1;
  }
  auto pipeline = KafkaPipeline::Create(config.publish, *processor.value(), metrics);
  if (!pipeline) {
    spdlog::error("{}", pipeline.failure().reason);
    return 1;
  }
  spdlog::info("consuming '{}' -> '{}' (dead letters: '{}'), metrics on port {}", config.publish.input_topic,
               config.publish.output_topic, config.publish.dead_letter_topic, server.value()->port());
  ProgressLog progress(std::chrono::seconds(30));
  // Reloading on the consumer thread, between messages, keeps the swap trivially ordered with scoring;
  // loading and compiling a rule file takes milliseconds.
  RuleReloader reloader(config.rules_path, *processor.value(), metrics, config.rules_reload_interval);
  auto stats = pipeline.value()->Run([&](const PublishStats& current) {
    progress.Observe(current);
    reloader.Tick(TakeReloadRequest());
    return stop.load();
  });
  if (!stats) {
    spdlog::error("{}", stats.failure().reason);
    return 1;
  }
  spdlog::info("stopped cleanly: {} pages, {} backlink events, {} dead letters, {} delivery failures",
               stats.value().consumed, stats.value().events_produced, stats.value().dead_letters,
               stats.value().delivery_failures);
  return stats.value().delivery_failures == 0 ? 0 : 1;
}

}  // namespace backlint
