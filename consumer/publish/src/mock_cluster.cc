#include "backlint/publish/mock_cluster.h"

namespace backlint {

Result<std::unique_ptr<MockCluster>> MockCluster::Start(int brokers) {
  auto conf = MakeKafkaConf({{"log_level", "3"}});
  if (!conf) return conf.failure();
  auto owner = MakeKafkaClient(RD_KAFKA_PRODUCER, std::move(conf).value());
  if (!owner) return owner.failure();
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(owner.value().get(), brokers);
  if (cluster == nullptr) return Failure{"kafka", "cannot start the in-process mock Kafka cluster"};
  return std::unique_ptr<MockCluster>(new MockCluster(std::move(owner).value(), cluster));
}

MockCluster::~MockCluster() { rd_kafka_mock_cluster_destroy(cluster_); }

std::string MockCluster::bootstrap_servers() const { return rd_kafka_mock_cluster_bootstraps(cluster_); }

Result<bool> MockCluster::CreateTopic(const std::string& topic, int partitions) {
  rd_kafka_resp_err_t error = rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, 1);
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Failure{"kafka", "cannot create topic '" + topic + "': " + rd_kafka_err2str(error)};
  }
  return true;
}

}  // namespace backlint
