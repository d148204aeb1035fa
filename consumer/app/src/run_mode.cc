#include "backlint/app/run_mode.h"

#include <algorithm>
#include <thread>

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
  auto server = MetricsServer::Start(
      config.metrics_listen, registry, [&metrics] { return metrics.ready(); },
      [&metrics, bound = config.health_timeout] { return metrics.LoopAliveWithin(bound); });
  if (!server) {
    spdlog::error("{}", server.failure().reason);
    return kExitSetupFailed;
  }
  // One processor per worker: a PageProcessor is not shared between threads.
  const unsigned workers = config.workers > 0 ? config.workers : std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::unique_ptr<PageProcessor>> processors;
  std::vector<PageTransform> transforms;
  for (unsigned i = 0; i < workers; ++i) {
    auto processor = MakePageProcessor(config.rules_path, config.output_format, metrics, config.input_format,
                                       config.extract);
    if (!processor) {
      spdlog::error("{}", processor.failure().reason);
      return kExitSetupFailed;
    }
    transforms.emplace_back([raw = processor.value().get()](std::string_view message,
                                                            std::optional<InputFormat> format) {
      return raw->Process(message, format);
    });
    processors.push_back(std::move(processor).value());
  }
  auto pipeline = KafkaPipeline::Create(config.publish, std::move(transforms), metrics);
  if (!pipeline) {
    spdlog::error("{}", pipeline.failure().reason);
    return kExitSetupFailed;
  }
  spdlog::info("consuming '{}' -> '{}' (dead letters: '{}') with {} workers, {} delivery, metrics on port {}",
               config.publish.input_topic, config.publish.output_topic, config.publish.dead_letter_topic, workers,
               config.publish.delivery == DeliveryGuarantee::kExactlyOnce ? "exactly-once" : "at-least-once",
               server.value()->port());
  ProgressLog progress(std::chrono::seconds(30));
  // Reloading on the consumer thread, between messages, keeps the swap trivially ordered with scoring;
  // loading and compiling a rule file takes milliseconds.
  std::vector<PageProcessor*> reloaded;
  for (const std::unique_ptr<PageProcessor>& processor : processors) reloaded.push_back(processor.get());
  RuleReloader reloader(config.rules_path, std::move(reloaded), metrics, config.rules_reload_interval);
  auto stats = pipeline.value()->Run([&](const PublishStats& current) {
    progress.Observe(current);
    reloader.Tick(TakeReloadRequest());
    return stop.load();
  });
  if (!stats) {
    spdlog::error("{}", stats.failure().reason);
    return stats.failure().stage == "fatal" ? kExitFatal : kExitUnclean;
  }
  spdlog::info("stopped cleanly: {} pages, {} backlink events, {} dead letters, {} commits", stats.value().consumed,
               stats.value().events_produced, stats.value().dead_letters, stats.value().commits);
  return kExitClean;
}

}  // namespace backlint
