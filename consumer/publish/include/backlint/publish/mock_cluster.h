#pragma once
// An in-process Kafka cluster (librdkafka's mock API) serving the real protocol on loopback TCP:
// the demo's broker and the integration tests' broker. Any Kafka client, kcat included, can use it.
#include <memory>
#include <string>

// rdkafka_mock.h requires rdkafka.h first.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "backlint/publish/kafka_client.h"
#include "backlint/result.h"

namespace backlint {

class MockCluster {
 public:
  static Result<std::unique_ptr<MockCluster>> Start(int brokers);
  ~MockCluster();

  std::string bootstrap_servers() const;
  Result<bool> CreateTopic(const std::string& topic, int partitions);
  rd_kafka_mock_cluster_t* get() const { return cluster_; }

 private:
  MockCluster(KafkaHandle owner, rd_kafka_mock_cluster_t* cluster) : owner_(std::move(owner)), cluster_(cluster) {}
  KafkaHandle owner_;  // the mock cluster runs on this client's threads and must not outlive it
  rd_kafka_mock_cluster_t* cluster_;
};

}  // namespace backlint
