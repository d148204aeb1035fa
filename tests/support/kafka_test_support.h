#pragma once
// Helpers for tests that run the pipeline against librdkafka's mock cluster (real protocol, loopback TCP).
#include <array>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "backlint/pipeline/processor_setup.h"
#include "backlint/publish/kafka_pipeline.h"
#include "backlint/publish/mock_cluster.h"

namespace backlint::testing {

inline constexpr int kTestPartitions = 2;

// A mock cluster with the pipeline's four topics, and a pipeline configuration pointing at it.
struct KafkaTestBed {
  std::unique_ptr<MockCluster> cluster;
  PublishConfig config;
  KafkaProperties brokers;

  static KafkaTestBed Start() {
    KafkaTestBed bed;
    auto cluster = MockCluster::Start(1);
    EXPECT_TRUE(cluster.ok()) << (cluster.ok() ? "" : cluster.failure().reason);
    bed.cluster = std::move(cluster).value();
    for (const std::string& topic : {bed.config.input_topic, bed.config.output_topic,
                                     bed.config.mention_topic, bed.config.dead_letter_topic}) {
      EXPECT_TRUE(bed.cluster->CreateTopic(topic, kTestPartitions).ok());
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
                                                   const std::string& topic) {
  KafkaProperties properties = brokers;
  properties["group.id"] = group;
  auto consumer = MakeKafkaClient(RD_KAFKA_CONSUMER, MakeKafkaConf(properties).value());
  EXPECT_TRUE(consumer.ok());
  KafkaPartitionList list(rd_kafka_topic_partition_list_new(kTestPartitions));
  for (int partition = 0; partition < kTestPartitions; ++partition) {
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

}  // namespace backlint::testing
