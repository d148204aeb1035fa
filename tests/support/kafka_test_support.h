#pragma once
// Helpers for tests that run the pipeline against librdkafka's mock cluster (real protocol, loopback TCP).
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "backlint/pipeline/processor_setup.h"
#include "backlint/publish/kafka_pipeline.h"
#include "backlint/publish/mock_cluster.h"
#include "backlint/publish/topic_reader.h"
#include "backlink_event.pb.h"

namespace backlint::testing {

inline constexpr int kTestPartitions = 2;

// Kafka protocol API keys, for the mock cluster's request error injection.
inline constexpr int16_t kProduceApi = 0;
inline constexpr int16_t kFetchApi = 1;
inline constexpr int16_t kOffsetCommitApi = 8;
inline constexpr int16_t kAddOffsetsToTxnApi = 25;
inline constexpr int16_t kEndTxnApi = 26;
inline constexpr int16_t kTxnOffsetCommitApi = 28;

// A mock cluster with the pipeline's four topics, and a pipeline configuration pointing at it.
struct KafkaTestBed {
  std::unique_ptr<MockCluster> cluster;
  PublishConfig config;
  KafkaProperties brokers;

  static KafkaTestBed Start(int partitions = kTestPartitions, int brokers = 1) {
    KafkaTestBed bed;
    auto cluster = MockCluster::Start(brokers);
    EXPECT_TRUE(cluster.ok()) << (cluster.ok() ? "" : cluster.failure().reason);
    bed.cluster = std::move(cluster).value();
    for (const std::string& topic : {bed.config.input_topic, bed.config.output_topic,
                                     bed.config.mention_topic, bed.config.dead_letter_topic}) {
      EXPECT_TRUE(bed.cluster->CreateTopic(topic, partitions).ok());
    }
    bed.brokers = {{"bootstrap.servers", bed.cluster->bootstrap_servers()}};
    bed.config.consumer_properties = bed.brokers;
    bed.config.consumer_properties["group.id"] = "backlint-test";
    // The mock coordinator waits out a departed member's session before a new member's join completes.
    bed.config.consumer_properties["session.timeout.ms"] = "6000";
    bed.config.consumer_properties["heartbeat.interval.ms"] = "500";
    bed.config.producer_properties = bed.brokers;
    bed.config.commit_interval = std::chrono::milliseconds(100);
    return bed;
  }
};

// Runs until `messages` inputs are consumed and every output is settled, or 30 s pass.
inline Result<PublishStats> RunUntilSettled(KafkaPipeline& pipeline, uint64_t messages) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  return pipeline.Run([&](const PublishStats& stats) {
    return std::chrono::steady_clock::now() > deadline || (stats.consumed >= messages && stats.in_flight == 0);
  });
}

// The group's committed offset per partition (RD_KAFKA_OFFSET_INVALID where nothing is committed).
inline std::map<int32_t, int64_t> CommittedOffsets(const KafkaProperties& brokers, const std::string& group,
                                                   const std::string& topic, int partitions = kTestPartitions) {
  KafkaProperties properties = brokers;
  properties["group.id"] = group;
  auto consumer = MakeKafkaClient(RD_KAFKA_CONSUMER, MakeKafkaConf(properties).value());
  EXPECT_TRUE(consumer.ok());
  KafkaPartitionList list(rd_kafka_topic_partition_list_new(partitions));
  for (int partition = 0; partition < partitions; ++partition) {
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition);
  }
  EXPECT_EQ(rd_kafka_committed(consumer.value().get(), list.get(), 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
  std::map<int32_t, int64_t> offsets;
  for (int i = 0; i < list->cnt; ++i) offsets[list->elems[i].partition] = list->elems[i].offset;
  rd_kafka_consumer_close(consumer.value().get());
  return offsets;
}

// Standard output of a shell command; fails the test when it exits non-zero.
inline std::string RunCommand(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  EXPECT_NE(pipe, nullptr) << command;
  std::string output;
  std::array<char, 4096> buffer;
  while (pipe && fgets(buffer.data(), buffer.size(), pipe.get()) != nullptr) output += buffer.data();
  const int status = pclose(pipe.release());
  EXPECT_EQ(status, 0) << command;
  return output;
}

// Pages numbered [first, first + count), each with exactly one backlink of its own: one event per page.
inline std::vector<std::string> OneBacklinkPages(int first, int count) {
  std::vector<std::string> pages;
  for (int i = first; i < first + count; ++i) {
    const std::string n = std::to_string(i);
    pages.push_back(R"({"url":"https://blog.example.com/p)" + n + R"(","html":"<p><a href='https://site)" + n +
                    R"(.example.org/'>see</a></p>"})");
  }
  return pages;
}

// How many times each event_id occurs among Protobuf BacklinkEvents.
inline std::map<std::string, int> CountByEventId(const std::vector<ConsumedRecord>& records) {
  std::map<std::string, int> counts;
  for (const ConsumedRecord& record : records) {
    v1::BacklinkEvent event;
    EXPECT_TRUE(event.ParseFromString(record.value));
    ++counts[event.event_id()];
  }
  return counts;
}

// A pipeline instance running on its own thread until stopped, as one member of a consumer group.
class GroupMember {
 public:
  explicit GroupMember(const PublishConfig& config, PipelineMetrics& metrics) {
    auto processor = MakePageProcessor("", EventFormat::kProtobuf, metrics);
    EXPECT_TRUE(processor.ok());
    processor_ = std::move(processor).value();
    auto pipeline = KafkaPipeline::Create(config, *processor_, metrics);
    EXPECT_TRUE(pipeline.ok()) << (pipeline.ok() ? "" : pipeline.failure().reason);
    pipeline_ = std::move(pipeline).value();
    thread_ = std::thread([this] {
      result_ = pipeline_->Run([this](const PublishStats& stats) {
        consumed_.store(stats.consumed);
        assigned_.store(stats.assigned_partitions);
        settled_.store(stats.in_flight == 0);
        return stop_.load();
      });
      finished_.store(true);
    });
  }
  ~GroupMember() { Stop(); }

  // Stops consuming and waits for the ordered shutdown; the run's outcome.
  Result<PublishStats> Stop() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
    return result_;
  }

  uint64_t consumed() const { return consumed_.load(); }
  std::size_t assigned() const { return assigned_.load(); }
  bool settled() const { return settled_.load(); }
  // The run ended on its own (a fatal error), without being stopped.
  bool finished() const { return finished_.load(); }

 private:
  std::unique_ptr<PageProcessor> processor_;
  std::unique_ptr<KafkaPipeline> pipeline_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> consumed_{0};
  std::atomic<std::size_t> assigned_{0};
  std::atomic<bool> settled_{false};
  std::atomic<bool> finished_{false};
  Result<PublishStats> result_ = Failure{"test", "not stopped"};
  std::thread thread_;
};

// Polls `condition` every 50 ms until it holds or `limit` passes; whether it held.
template <typename Condition>
bool WaitFor(Condition condition, std::chrono::seconds limit = std::chrono::seconds(60)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

}  // namespace backlint::testing
