#include "backlint/publish/kafka_pipeline.h"

#include <atomic>
#include <set>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "backlink_event.pb.h"
#include "mention_event.pb.h"
#include "backlint/metrics/metrics_server.h"
#include "backlint/publish/topic_reader.h"
#include "http_get.h"
#include "kafka_test_support.h"

namespace backlint {
namespace {

using ::testing::StartsWith;
using testing::CommittedOffsets;
using testing::HttpGet;
using testing::KafkaTestBed;
using testing::RunUntilSettled;

const std::vector<std::string> kPages = {
    R"({"url":"https://blog.example.com/a","html":"<p><a href='https://www.rhs.org.uk/x'>RHS</a> and <a href='https://en.wikipedia.org/wiki/Compost'>compost</a></p>"})",
    R"({"url":"https://blog.example.com/b","html":"<p><a href='/internal'>home</a></p>"})",
    R"({"url":"https://blog.example.com/c","html":"<p>unterminated)",
};

// Produces `value` with a `backlint.format` header of `format`, and waits until it is acknowledged.
void ProduceWithFormatHeader(const KafkaProperties& brokers, const std::string& topic, const std::string& value,
                             const std::string& format) {
  auto producer = MakeKafkaClient(RD_KAFKA_PRODUCER, MakeKafkaConf(brokers).value());
  ASSERT_TRUE(producer.ok()) << producer.failure().reason;
  ASSERT_EQ(rd_kafka_producev(producer.value().get(), RD_KAFKA_V_TOPIC(topic.c_str()),
                              RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                              RD_KAFKA_V_HEADER("backlint.format", format.data(), format.size()),
                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END),
            RD_KAFKA_RESP_ERR_NO_ERROR);
  ASSERT_EQ(rd_kafka_flush(producer.value().get(), 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
}

class KafkaPipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bed_ = KafkaTestBed::Start();
    auto processor = MakePageProcessor("", EventFormat::kProtobuf, metrics_);
    ASSERT_TRUE(processor.ok()) << processor.failure().reason;
    processor_ = std::move(processor).value();
  }

  uint64_t TotalCommitted() {
    uint64_t total = 0;
    for (auto [partition, offset] : CommittedOffsets(bed_.brokers, "backlint-test", bed_.config.input_topic)) {
      if (offset >= 0) total += offset;
    }
    return total;
  }

  // Every input ends up committed, the member stops cleanly, and the output holds each input's event.
  void ExpectEveryInputCommittedAndPublished(testing::GroupMember& member, uint64_t inputs) {
    ASSERT_TRUE(testing::WaitFor([&] { return TotalCommitted() == inputs; })) << "committed " << TotalCommitted();
    auto stats = member.Stop();
    ASSERT_TRUE(stats.ok()) << stats.failure().reason;
    auto events = ReadWholeTopic(bed_.brokers, bed_.config.output_topic, testing::kTestPartitions, 30000);
    ASSERT_TRUE(events.ok()) << events.failure().reason;
    EXPECT_EQ(testing::CountByEventId(events.value()).size(), inputs);
  }

  KafkaTestBed bed_;
  prometheus::Registry registry_;
  PipelineMetrics metrics_{registry_};
  std::unique_ptr<PageProcessor> processor_;
};

TEST_F(KafkaPipelineTest, PublishesOneEventPerBacklinkAndDeadLettersTheMalformedPage) {
  ASSERT_TRUE(ProduceAll(bed_.brokers, bed_.config.input_topic, kPages, 10000).ok());
  auto pipeline = KafkaPipeline::Create(bed_.config, *processor_, metrics_);
  ASSERT_TRUE(pipeline.ok()) << pipeline.failure().reason;
  auto stats = RunUntilSettled(*pipeline.value(), kPages.size());
  ASSERT_TRUE(stats.ok()) << stats.failure().reason;
  EXPECT_EQ(stats.value().consumed, 3u);
  EXPECT_EQ(stats.value().events_produced, 2u);
  EXPECT_EQ(stats.value().dead_letters, 1u);
  EXPECT_EQ(stats.value().delivery_failures, 0u);

  auto events = ReadWholeTopic(bed_.brokers, bed_.config.output_topic, testing::kTestPartitions, 10000);
  ASSERT_TRUE(events.ok());
  std::set<std::pair<std::string, std::string>> keyed_targets;
  for (const ConsumedRecord& record : events.value()) {
    v1::BacklinkEvent event;
    ASSERT_TRUE(event.ParseFromString(record.value));
    keyed_targets.emplace(record.key, event.target().url());
  }
  EXPECT_EQ(keyed_targets, (std::set<std::pair<std::string, std::string>>{
                               {"rhs.org.uk", "https://www.rhs.org.uk/x"},
                               {"wikipedia.org", "https://en.wikipedia.org/wiki/Compost"}}));

  auto dead_letters = ReadWholeTopic(bed_.brokers, bed_.config.dead_letter_topic, testing::kTestPartitions, 10000);
  ASSERT_TRUE(dead_letters.ok());
  ASSERT_EQ(dead_letters.value().size(), 1u);
  const ConsumedRecord& letter = dead_letters.value()[0];
  EXPECT_EQ(letter.value, kPages[2]);  // original bytes, unchanged
  EXPECT_EQ(letter.headers.at("backlint.stage"), "decode");
  EXPECT_FALSE(letter.headers.at("backlint.error").empty());
  EXPECT_EQ(letter.headers.at("backlint.source.topic"), bed_.config.input_topic);
  EXPECT_TRUE(letter.headers.count("backlint.source.partition"));
  EXPECT_TRUE(letter.headers.count("backlint.source.offset"));

  EXPECT_EQ(TotalCommitted(), kPages.size());  // every input offset committed after its outputs
  EXPECT_EQ(metrics_.links_seen(true), 2u);
  EXPECT_EQ(metrics_.links_seen(false), 1u);
}

TEST_F(KafkaPipelineTest, FormatHeaderOverridesTheConfiguredFormatPerMessage) {
  const std::string wat_record =
      R"({"Envelope":{"WARC-Header-Metadata":{"WARC-Target-URI":"https://blog.example.com/d",)"
      R"("WARC-Date":"2024-05-18T01:58:10Z"},"Payload-Metadata":{"HTTP-Response-Metadata":{)"
      R"("Response-Message":{"Status":"200"},"HTML-Metadata":{"Links":[)"
      R"({"path":"A@/href","url":"https://www.rhs.org.uk/wat","text":"RHS"},)"
      R"({"path":"IMG@/src","url":"https://cdn.example.net/i.png"}]}}}}})";
  ProduceWithFormatHeader(bed_.brokers, bed_.config.input_topic, wat_record, "wat");
  ProduceWithFormatHeader(bed_.brokers, bed_.config.input_topic, kPages[0], "xml");
  ASSERT_TRUE(ProduceAll(bed_.brokers, bed_.config.input_topic, {kPages[0]}, 10000).ok());  // default: json

  auto pipeline = KafkaPipeline::Create(bed_.config, *processor_, metrics_);
  ASSERT_TRUE(pipeline.ok()) << pipeline.failure().reason;
  auto stats = RunUntilSettled(*pipeline.value(), 3);
  ASSERT_TRUE(stats.ok()) << stats.failure().reason;
  EXPECT_EQ(stats.value().consumed, 3u);
  EXPECT_EQ(stats.value().events_produced, 3u);  // one from the WAT record, two from the JSON page
  EXPECT_EQ(stats.value().dead_letters, 1u);

  auto events = ReadWholeTopic(bed_.brokers, bed_.config.output_topic, testing::kTestPartitions, 10000);
  ASSERT_TRUE(events.ok());
  std::set<std::string> targets;
  for (const ConsumedRecord& record : events.value()) {
    v1::BacklinkEvent event;
    ASSERT_TRUE(event.ParseFromString(record.value));
    targets.insert(event.target().url());
  }
  EXPECT_TRUE(targets.count("https://www.rhs.org.uk/wat"));

  auto dead_letters = ReadWholeTopic(bed_.brokers, bed_.config.dead_letter_topic, testing::kTestPartitions, 10000);
  ASSERT_TRUE(dead_letters.ok());
  ASSERT_EQ(dead_letters.value().size(), 1u);
  const ConsumedRecord& letter = dead_letters.value()[0];
  EXPECT_EQ(letter.value, kPages[0]);
  EXPECT_EQ(letter.headers.at("backlint.stage"), "decode");
  EXPECT_EQ(letter.headers.at("backlint.error"),
            "header 'backlint.format': unknown input format 'xml' (expected json, protobuf or wat)");
  EXPECT_EQ(TotalCommitted(), 3u);
}

TEST_F(KafkaPipelineTest, MentionEventsGoToTheMentionTopicKeyedByTerm) {
  LinkExtractor::Options options;
  options.watch_brands = {"Acme"};
  auto processor = MakePageProcessor("", EventFormat::kProtobuf, metrics_, InputFormat::kJson, options);
  ASSERT_TRUE(processor.ok()) << processor.failure().reason;
  const std::vector<std::string> pages = {
      R"({"url":"https://blog.example.com/m",)"
      R"("html":"<p>Ask ACME. <a href='https://www.rhs.org.uk/x'>RHS</a></p>"})"};
  ASSERT_TRUE(ProduceAll(bed_.brokers, bed_.config.input_topic, pages, 10000).ok());
  auto pipeline = KafkaPipeline::Create(bed_.config, *processor.value(), metrics_);
  ASSERT_TRUE(pipeline.ok()) << pipeline.failure().reason;
  auto stats = RunUntilSettled(*pipeline.value(), pages.size());
  ASSERT_TRUE(stats.ok()) << stats.failure().reason;
  EXPECT_EQ(stats.value().events_produced, 2u);

  auto backlinks = ReadWholeTopic(bed_.brokers, bed_.config.output_topic, testing::kTestPartitions, 10000);
  ASSERT_TRUE(backlinks.ok());
  ASSERT_EQ(backlinks.value().size(), 1u);
  EXPECT_EQ(backlinks.value()[0].key, "rhs.org.uk");

  auto mentions = ReadWholeTopic(bed_.brokers, bed_.config.mention_topic, testing::kTestPartitions, 10000);
  ASSERT_TRUE(mentions.ok());
  ASSERT_EQ(mentions.value().size(), 1u);
  EXPECT_EQ(mentions.value()[0].key, "acme");
  v1::MentionEvent mention;
  ASSERT_TRUE(mention.ParseFromString(mentions.value()[0].value));
  EXPECT_EQ(mention.term(), "Acme");
  EXPECT_EQ(mention.source().url(), "https://blog.example.com/m");
  EXPECT_EQ(TotalCommitted(), 1u);
}

TEST_F(KafkaPipelineTest, DoesNotCommitOffsetsWhoseOutputWasNotAcknowledged) {
  // Both pages produce output (events, a dead letter), and every produce request is refused with a
  // non-retriable error: nothing is acknowledged, so nothing may be committed.
  const std::vector<std::string> pages = {kPages[0], kPages[2]};
  ASSERT_TRUE(ProduceAll(bed_.brokers, bed_.config.input_topic, pages, 10000).ok());
  std::vector<rd_kafka_resp_err_t> refusals(50, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
  rd_kafka_mock_push_request_errors_array(bed_.cluster->get(), testing::kProduceApi, refusals.size(), refusals.data());
  {
    auto pipeline = KafkaPipeline::Create(bed_.config, *processor_, metrics_);
    ASSERT_TRUE(pipeline.ok()) << pipeline.failure().reason;
    auto stats = RunUntilSettled(*pipeline.value(), pages.size());
    ASSERT_FALSE(stats.ok());  // the shutdown says the inputs stay uncommitted
    EXPECT_EQ(stats.failure().reason,
              "unclean shutdown: 3 outputs not delivered (their inputs stay uncommitted); ");  // 2 events, 1 dead letter
  }
  EXPECT_EQ(TotalCommitted(), 0u);

  // At-least-once: once the brokers accept writes again, the next instance of the group gets the same pages again, and this time commits them.
  rd_kafka_mock_clear_request_errors(bed_.cluster->get(), testing::kProduceApi);
  auto retry = KafkaPipeline::Create(bed_.config, *processor_, metrics_);
  ASSERT_TRUE(retry.ok()) << retry.failure().reason;
  auto stats = RunUntilSettled(*retry.value(), pages.size());
  ASSERT_TRUE(stats.ok()) << stats.failure().reason;
  EXPECT_EQ(stats.value().consumed, 2u);
  EXPECT_EQ(stats.value().delivery_failures, 0u);
  EXPECT_EQ(TotalCommitted(), 2u);
}

TEST_F(KafkaPipelineTest, RequestErrorsAndABrokerOutageLoseNothing) {
  constexpr int kCount = 300;
  ASSERT_TRUE(ProduceAll(bed_.brokers, bed_.config.input_topic, testing::OneBacklinkPages(0, kCount), 10000).ok());
  rd_kafka_mock_cluster_t* cluster = bed_.cluster->get();
  rd_kafka_mock_push_request_errors(cluster, testing::kProduceApi, 3, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
                                    RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION);
  rd_kafka_mock_push_request_errors(cluster, testing::kFetchApi, 2, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
                                    RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT);
  rd_kafka_mock_push_request_errors(cluster, testing::kOffsetCommitApi, 2, RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE,
                                    RD_KAFKA_RESP_ERR_NOT_COORDINATOR);

  testing::GroupMember member(bed_.config, metrics_);
  ASSERT_TRUE(testing::WaitFor([&] { return member.consumed() >= kCount / 2; }));
  ASSERT_EQ(rd_kafka_mock_broker_set_down(cluster, 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  ASSERT_EQ(rd_kafka_mock_broker_set_up(cluster, 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  ExpectEveryInputCommittedAndPublished(member, kCount);
}

TEST_F(KafkaPipelineTest, GroupCoordinatorMovingMidStreamLosesNothing) {
  constexpr int kCount = 300;
  bed_ = KafkaTestBed::Start(testing::kTestPartitions, 3);  // three brokers, so the coordinator can move
  ASSERT_TRUE(ProduceAll(bed_.brokers, bed_.config.input_topic, testing::OneBacklinkPages(0, kCount), 10000).ok());
  rd_kafka_mock_cluster_t* cluster = bed_.cluster->get();
  const char* group = "backlint-test";
  ASSERT_EQ(rd_kafka_mock_coordinator_set(cluster, "group", group, 1), RD_KAFKA_RESP_ERR_NO_ERROR);

  testing::GroupMember member(bed_.config, metrics_);
  ASSERT_TRUE(testing::WaitFor([&] { return member.consumed() >= kCount / 3; }));
  ASSERT_EQ(rd_kafka_mock_coordinator_set(cluster, "group", group, 2), RD_KAFKA_RESP_ERR_NO_ERROR);
  ASSERT_TRUE(testing::WaitFor([&] { return member.consumed() >= 2 * kCount / 3; }));
  ASSERT_EQ(rd_kafka_mock_coordinator_set(cluster, "group", group, 3), RD_KAFKA_RESP_ERR_NO_ERROR);
  // Commits follow the group to whichever broker coordinates it now: every input ends up committed.
  ExpectEveryInputCommittedAndPublished(member, kCount);
}

TEST_F(KafkaPipelineTest, ReportsReadinessProcessingTimeAndLagToTheMetrics) {
  constexpr int kCount = 20;
  // Unkeyed messages all go to one partition under this partitioner: the other one stays empty.
  KafkaProperties one_partition = bed_.brokers;
  one_partition["partitioner"] = "consistent";
  ASSERT_TRUE(ProduceAll(one_partition, bed_.config.input_topic, testing::OneBacklinkPages(0, kCount), 10000).ok());
  auto samples = [&](const std::string& name) {
    for (const prometheus::MetricFamily& family : registry_.Collect()) {
      if (family.name == name) return family.metric;
    }
    return std::vector<prometheus::ClientMetric>{};
  };
  EXPECT_FALSE(metrics_.ready());
  testing::GroupMember member(bed_.config, metrics_);
  ASSERT_TRUE(testing::WaitFor([&] { return metrics_.ready(); }));
  ASSERT_TRUE(testing::WaitFor([&] { return member.consumed() >= kCount && member.settled(); }));
  // Both partitions at their end, the busy one and the empty one: one lag series each, at zero.
  ASSERT_TRUE(testing::WaitFor([&] { return samples("backlint_consumer_lag_messages").size() == 2u; }));
  for (const prometheus::ClientMetric& lag : samples("backlint_consumer_lag_messages")) EXPECT_EQ(lag.gauge.value, 0);
  ASSERT_EQ(samples("backlint_page_processing_seconds").size(), 1u);
  EXPECT_EQ(samples("backlint_page_processing_seconds")[0].histogram.sample_count, static_cast<uint64_t>(kCount));
  ASSERT_TRUE(member.Stop().ok());
  EXPECT_FALSE(metrics_.ready());
  EXPECT_TRUE(samples("backlint_consumer_lag_messages").empty());  // revoked partitions are forgotten
}

// The real loop beats on every turn, idle ones included (no input at all here): its heartbeat keeps moving
// past any moment, so /healthz, bounded as `run` bounds it, answers 200 while the loop runs, and 503 once
// it has stopped.
TEST_F(KafkaPipelineTest, TheRunningLoopKeepsItsHeartbeatFreshForHealthz) {
  std::atomic<std::chrono::milliseconds::rep> health_timeout_ms{60000};
  auto server = MetricsServer::Start(
      "127.0.0.1:0", std::make_shared<prometheus::Registry>(), [] { return true; },
      [&] { return metrics_.LoopAliveWithin(std::chrono::milliseconds(health_timeout_ms.load())); });
  ASSERT_TRUE(server.ok()) << server.failure().reason;
  const int port = server.value()->port();
  testing::GroupMember member(bed_.config, metrics_);
  for (int beat = 1; beat <= 3; ++beat) {
    const auto now = std::chrono::steady_clock::now();
    ASSERT_TRUE(testing::WaitFor([&] { return metrics_.SinceLoopAlive(now) < std::chrono::nanoseconds::zero(); }))
        << "no heartbeat since " << beat - 1 << " beats";
  }
  EXPECT_THAT(HttpGet(port, "/healthz"), StartsWith("HTTP/1.1 200 OK\r\n"));
  ASSERT_TRUE(member.Stop().ok());
  health_timeout_ms = 1;
  EXPECT_TRUE(testing::WaitFor([&] { return HttpGet(port, "/healthz").starts_with("HTTP/1.1 503 "); }));
}

TEST_F(KafkaPipelineTest, ABusyWorkerDoesNotHoldBackTheOthers) {
  constexpr int kPerPartition = 100;  // more than a worker's queue holds
  ASSERT_TRUE(ProduceAll(bed_.brokers, bed_.config.input_topic, testing::OneBacklinkPages(0, 2 * kPerPartition),
                         10000, testing::kTestPartitions)
                  .ok());
  std::atomic<bool> released{false};
  std::atomic<int> second_worker_handled{0};
  const auto no_events = [] { return Result<std::vector<EncodedEvent>>(std::vector<EncodedEvent>{}); };
  std::vector<PageTransform> transforms;
  // Worker 0 (partition 0) is stuck on its first page until released.
  transforms.emplace_back([&](std::string_view, std::optional<InputFormat>) {
    released.wait(false);
    return no_events();
  });
  transforms.emplace_back([&](std::string_view, std::optional<InputFormat>) {
    ++second_worker_handled;
    return no_events();
  });
  auto pipeline = KafkaPipeline::Create(bed_.config, std::move(transforms), metrics_);
  ASSERT_TRUE(pipeline.ok()) << pipeline.failure().reason;
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> consumed{0};
  std::thread run([&] {
    auto stats = pipeline.value()->Run([&](const PublishStats& current) {
      consumed.store(current.consumed);
      return stop.load();
    });
    EXPECT_TRUE(stats.ok()) << stats.failure().reason;
  });

  EXPECT_TRUE(testing::WaitFor([&] { return second_worker_handled.load() == kPerPartition; }))
      << "worker 1 handled " << second_worker_handled.load() << " of its " << kPerPartition << " pages";
  released.store(true);
  released.notify_all();
  EXPECT_TRUE(testing::WaitFor([&] { return consumed.load() == 2 * kPerPartition; }));
  stop.store(true);
  run.join();
}

}  // namespace
}  // namespace backlint
