#include "backlint/app/demo_mode.h"

#include <chrono>
#include <optional>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "backlint/app/event_summary.h"
#include "backlint/pipeline/processor_setup.h"
#include "backlint/metrics/metrics_server.h"
#include "backlint/publish/kafka_pipeline.h"
#include "backlint/publish/mock_cluster.h"
#include "backlint/publish/topic_reader.h"

namespace backlint {
namespace {

constexpr int kPartitions = 3;
constexpr int kKafkaTimeoutMs = 30000;
constexpr auto kPipelineDeadline = std::chrono::seconds(60);

std::vector<std::string> Lines(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    const auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty()) lines.emplace_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

int Fail(const Failure& failure) {
  spdlog::error("demo: {}: {}", failure.stage, failure.reason);
  return 1;
}

}  // namespace

int RunDemo(const DemoOptions& options, const std::atomic<bool>& stop, std::ostream& out) {
  auto registry = std::make_shared<prometheus::Registry>();
  PipelineMetrics metrics(*registry);
  auto server = MetricsServer::Start(options.metrics_listen, registry, [&metrics] { return metrics.ready(); });
  if (!server) return Fail(server.failure());
  out << "metrics: http://127.0.0.1:" << server.value()->port() << "/metrics" << std::endl;

  auto cluster = MockCluster::Start(1);
  if (!cluster) return Fail(cluster.failure());
  PublishConfig config;
  config.input_topic = "crawled-pages";
  for (const std::string& topic : {config.input_topic, config.output_topic, config.dead_letter_topic}) {
    auto created = cluster.value()->CreateTopic(topic, kPartitions);
    if (!created) return Fail(created.failure());
  }
  const KafkaProperties brokers = {{"bootstrap.servers", cluster.value()->bootstrap_servers()}};
  config.consumer_properties = brokers;
  config.consumer_properties["group.id"] = "backlint-demo";
  config.producer_properties = brokers;
  config.commit_interval = std::chrono::milliseconds(200);

  const std::vector<std::string> pages = Lines(kDemoPages);
  auto produced = ProduceAll(brokers, config.input_topic, pages, kKafkaTimeoutMs);
  if (!produced) return Fail(produced.failure());
  out << "demo: produced " << pages.size() << " sample crawled pages to '" << config.input_topic << "' on "
      << brokers.at("bootstrap.servers") << " (in-process Kafka cluster)" << std::endl;

  auto processor = MakePageProcessor(options.rules_path, EventFormat::kProtobuf, metrics);
  if (!processor) return Fail(processor.failure());
  auto pipeline = KafkaPipeline::Create(config, *processor.value(), metrics);
  if (!pipeline) return Fail(pipeline.failure());

  const auto started = std::chrono::steady_clock::now();
  // Throughput counts from the first page consumed: joining the consumer group is not processing.
  std::optional<std::chrono::steady_clock::time_point> first_page;
  bool timed_out = false;
  auto stats = pipeline.value()->Run([&](const PublishStats& current) {
    const auto now = std::chrono::steady_clock::now();
    if (!first_page && current.consumed > 0) first_page = now;
    timed_out = now - started > kPipelineDeadline;
    return stop.load() || timed_out || (current.consumed == pages.size() && current.in_flight == 0);
  });
  const auto finished = std::chrono::steady_clock::now();
  const double seconds = std::chrono::duration<double>(finished - first_page.value_or(started)).count();
  const double group_join_seconds = std::chrono::duration<double>(first_page.value_or(started) - started).count();
  if (!stats) return Fail(stats.failure());
  if (timed_out) return Fail({"demo", "the pipeline did not finish within 60 s"});

  // Read the results back through Kafka, as a downstream consumer would.
  EventSummary summary;
  auto events = ReadWholeTopic(brokers, config.output_topic, kPartitions, kKafkaTimeoutMs);
  if (!events) return Fail(events.failure());
  for (const ConsumedRecord& record : events.value()) {
    v1::BacklinkEvent event;
    if (!event.ParseFromString(record.value)) return Fail({"demo", "an output event is not a BacklinkEvent"});
    summary.AddEvent(event);
  }
  auto dead_letters = ReadWholeTopic(brokers, config.dead_letter_topic, kPartitions, kKafkaTimeoutMs);
  if (!dead_letters) return Fail(dead_letters.failure());
  for (ConsumedRecord& record : dead_letters.value()) {
    summary.AddDeadLetter(record.headers["backlint.stage"], record.headers["backlint.error"]);
  }

  out << "\nbacklint demo summary\n"
      << "  pages consumed         " << stats.value().consumed << "\n"
      << "  links (http/https)     " << metrics.links_seen(true) + metrics.links_seen(false) << " ("
      << metrics.links_seen(true) << " backlinks, " << metrics.links_seen(false) << " internal)\n";
  summary.Print(out);
  out << "  throughput             " << static_cast<int>(stats.value().consumed / seconds) << " pages/s, "
      << static_cast<int>(stats.value().events_produced / seconds) << " events/s over " << seconds
      << " s, after " << group_join_seconds << " s joining the consumer group\n"
      << "  offsets committed      after " << stats.value().delivered << " acknowledged deliveries, "
      << stats.value().delivery_failures << " failures" << std::endl;

  if (options.hold) {
    out << "holding: metrics at http://127.0.0.1:" << server.value()->port() << "/metrics; Ctrl-C to stop"
        << std::endl;
    while (!stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return stats.value().delivery_failures == 0 ? 0 : 1;
}

}  // namespace backlint
