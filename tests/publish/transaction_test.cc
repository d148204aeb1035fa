// Exactly-once delivery (delivery: exactly_once) on the mock cluster: outputs and input offsets commit in
// one Kafka transaction. A read_committed reader must see every expected event exactly once.
//
// librdkafka 2.0.2's mock cluster accepts the whole transaction protocol but neither writes abort markers
// nor stores offsets sent in a transaction: records of an aborted transaction stay visible to
// read_committed readers, and a restarted consumer does not resume from transactional offsets. The tests
// here are built around those two gaps, and say where.
#include <gtest/gtest.h>

#include "backlint/publish/topic_reader.h"
#include "kafka_test_support.h"

namespace backlint {
namespace {

using testing::CountByEventId;
using testing::GroupMember;
using testing::KafkaTestBed;
using testing::WaitFor;

constexpr int kPages = 200;

class ExactlyOnceTest : public ::testing::Test {
 protected:
  void SetUp() override { StartBed(1); }

  // A fresh cluster of `brokers` brokers holding kPages inputs, and the pipeline set to exactly-once.
  void StartBed(int brokers) {
    bed_ = KafkaTestBed::Start(testing::kTestPartitions, brokers);
    bed_.config.delivery = DeliveryGuarantee::kExactlyOnce;
    bed_.config.producer_properties["transactional.id"] = "backlint-test-txn";
    ASSERT_TRUE(ProduceAll(bed_.brokers, bed_.config.input_topic, testing::OneBacklinkPages(0, kPages), 10000).ok());
  }

  std::vector<ConsumedRecord> ReadCommittedOutput() {
    KafkaProperties reader = bed_.brokers;
    reader["isolation.level"] = "read_committed";
    auto events = ReadWholeTopic(reader, bed_.config.output_topic, testing::kTestPartitions, 30000);
    EXPECT_TRUE(events.ok()) << (events.ok() ? "" : events.failure().reason);
    return events.ok() ? std::move(events).value() : std::vector<ConsumedRecord>{};
  }

  KafkaTestBed bed_;
  prometheus::Registry registry_;
  PipelineMetrics metrics_{registry_};
};

TEST_F(ExactlyOnceTest, RetriableFaultsAndABrokerOutageNeitherLoseNorDuplicate) {
  rd_kafka_mock_push_request_errors(bed_.cluster->get(), testing::kProduceApi, 2, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
                                    RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT);
  rd_kafka_mock_push_request_errors(bed_.cluster->get(), testing::kAddOffsetsToTxnApi, 1,
                                    RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE);
  rd_kafka_mock_push_request_errors(bed_.cluster->get(), testing::kTxnOffsetCommitApi, 1,
                                    RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS);
  rd_kafka_mock_push_request_errors(bed_.cluster->get(), testing::kEndTxnApi, 1, RD_KAFKA_RESP_ERR_NOT_COORDINATOR);
  rd_kafka_mock_push_request_errors(bed_.cluster->get(), testing::kFetchApi, 1, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION);

  GroupMember member(bed_.config, metrics_);
  ASSERT_TRUE(WaitFor([&] { return member.consumed() >= kPages / 2; }));
  ASSERT_EQ(rd_kafka_mock_broker_set_down(bed_.cluster->get(), 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  ASSERT_EQ(rd_kafka_mock_broker_set_up(bed_.cluster->get(), 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  ASSERT_TRUE(WaitFor([&] { return member.consumed() >= kPages && member.settled(); }));
  auto stats = member.Stop();
  ASSERT_TRUE(stats.ok()) << stats.failure().reason;
  EXPECT_EQ(stats.value().aborted_transactions, 0u);

  const auto events = ReadCommittedOutput();
  const auto counts = CountByEventId(events);
  EXPECT_EQ(counts.size(), static_cast<std::size_t>(kPages));
  EXPECT_EQ(events.size(), counts.size());  // dedupe changes nothing: exactly once
}

TEST_F(ExactlyOnceTest, AbortedTransactionIsRewoundAndItsPagesCommittedOnce) {
  // A refused produce makes the open transaction abortable: the pipeline aborts, rewinds its consumer to
  // the batch's first offsets and processes those pages again in a new transaction.
  rd_kafka_mock_push_request_errors(bed_.cluster->get(), testing::kProduceApi, 1,
                                    RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
  GroupMember member(bed_.config, metrics_);
  ASSERT_TRUE(WaitFor([&] { return member.consumed() >= kPages && member.settled(); }));
  auto stats = member.Stop();
  ASSERT_TRUE(stats.ok()) << stats.failure().reason;
  EXPECT_GE(stats.value().aborted_transactions, 1u);
  EXPECT_EQ(stats.value().consumed, static_cast<uint64_t>(kPages));  // committed work only
  EXPECT_EQ(stats.value().events_produced, static_cast<uint64_t>(kPages));

  const auto events = ReadCommittedOutput();
  EXPECT_EQ(CountByEventId(events).size(), static_cast<std::size_t>(kPages));
  // The mock keeps aborted records visible (no abort markers); a real broker hides them from
  // read_committed readers. All extra records must come from aborted transactions.
  EXPECT_LE(events.size(), kPages + stats.value().events_aborted);
}

TEST_F(ExactlyOnceTest, CoordinatorsMovingMidStreamNeitherLoseNorDuplicate) {
  StartBed(3);  // three brokers, so the group's and the transaction's coordinators can move
  rd_kafka_mock_cluster_t* cluster = bed_.cluster->get();
  const std::string transactional_id = bed_.config.producer_properties["transactional.id"];
  const auto move_coordinators = [&](int32_t broker) {
    ASSERT_EQ(rd_kafka_mock_coordinator_set(cluster, "group", "backlint-test", broker), RD_KAFKA_RESP_ERR_NO_ERROR);
    ASSERT_EQ(rd_kafka_mock_coordinator_set(cluster, "transaction", transactional_id.c_str(), broker),
              RD_KAFKA_RESP_ERR_NO_ERROR);
  };
  move_coordinators(1);
  GroupMember member(bed_.config, metrics_);
  ASSERT_TRUE(WaitFor([&] { return member.consumed() >= kPages / 3; }));
  move_coordinators(2);
  ASSERT_TRUE(WaitFor([&] { return member.consumed() >= 2 * kPages / 3; }));
  move_coordinators(3);
  ASSERT_TRUE(WaitFor([&] { return member.consumed() >= kPages && member.settled(); }));
  auto stats = member.Stop();
  ASSERT_TRUE(stats.ok()) << stats.failure().reason;
  EXPECT_EQ(stats.value().consumed, static_cast<uint64_t>(kPages));  // committed work only

  const auto events = ReadCommittedOutput();
  EXPECT_EQ(CountByEventId(events).size(), static_cast<std::size_t>(kPages));
  EXPECT_LE(events.size(), kPages + stats.value().events_aborted);  // the mock keeps aborted records visible
}

TEST_F(ExactlyOnceTest, FencedProducerStopsWithAFatalError) {
  // What the transaction coordinator answers once another instance with the same transactional.id has
  // started. (The mock cluster does not fence by itself: it gives each InitProducerId a new producer id.)
  rd_kafka_mock_push_request_errors(bed_.cluster->get(), testing::kEndTxnApi, 1, RD_KAFKA_RESP_ERR_PRODUCER_FENCED);
  GroupMember member(bed_.config, metrics_);
  ASSERT_TRUE(WaitFor([&] { return member.finished(); }));
  auto stats = member.Stop();
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.failure().stage, "fatal");
  EXPECT_NE(stats.failure().reason.find("exactly-once delivery cannot continue: commit: "), std::string::npos)
      << stats.failure().reason;
}

}  // namespace
}  // namespace backlint
