#pragma once
// publish stage and Kafka I/O: consume crawled pages, run them through the PageProcessor, produce one
// event per backlink (keyed by target registrable domain) or a dead letter, and commit an input offset
// only after everything it produced is acknowledged (at-least-once), or together with its outputs in
// one Kafka transaction (exactly-once).
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "backlint/metrics/pipeline_metrics.h"
#include "backlint/pipeline/page_processor.h"
#include "backlint/publish/kafka_client.h"
#include "backlint/publish/offset_tracker.h"
#include "backlint/result.h"

namespace backlint {

enum class DeliveryGuarantee { kAtLeastOnce, kExactlyOnce };

// "at_least_once" or "exactly_once".
Result<DeliveryGuarantee> ParseDeliveryGuarantee(std::string_view name);

struct PublishConfig {
  std::string input_topic = "crawled-pages";
  std::string output_topic = "backlinks";
  std::string mention_topic = "backlink-mentions";  // MentionEvents (unlinked mentions of watched names)
  std::string dead_letter_topic = "backlinks-dead-letters";
  KafkaProperties consumer_properties;  // bootstrap.servers, group.id, security, tuning...
  KafkaProperties producer_properties;
  std::chrono::milliseconds commit_interval{1000};
  std::chrono::milliseconds shutdown_timeout{10000};
  // kExactlyOnce needs producer_properties["transactional.id"], unique and stable per instance.
  DeliveryGuarantee delivery = DeliveryGuarantee::kAtLeastOnce;
};

struct PublishStats {
  uint64_t consumed = 0;
  uint64_t events_produced = 0;
  uint64_t dead_letters = 0;
  uint64_t delivered = 0;
  uint64_t delivery_failures = 0;
  uint64_t commits = 0;
  std::size_t in_flight = 0;
  std::size_t assigned_partitions = 0;
  // Exactly-once only. consumed, events_produced and dead_letters count committed work and the open
  // transaction; an abort takes its share back out.
  uint64_t transactions = 0;
  uint64_t aborted_transactions = 0;
  uint64_t events_aborted = 0;
};

class KafkaPipeline {
 public:
  static Result<std::unique_ptr<KafkaPipeline>> Create(const PublishConfig& config, PageProcessor& processor,
                                                       PipelineMetrics& metrics);
  ~KafkaPipeline();

  // Consumes until `should_stop` says so, then stops consuming, flushes the producer, commits what is
  // acknowledged and leaves the group. A Failure means the shutdown was not clean.
  Result<PublishStats> Run(const std::function<bool(const PublishStats&)>& should_stop);

 private:
  struct DeliveryTag;
  // Exactly-once: what the open transaction holds.
  struct OpenTransaction {
    std::map<int32_t, int64_t> first_offsets;  // where to rewind to if it aborts
    std::map<int32_t, int64_t> positions;      // the next offsets, committed with it
    uint64_t consumed = 0;
    uint64_t events = 0;
    uint64_t dead_letters = 0;
    bool produce_failed = false;  // an output never reached the producer: it must not commit
  };
  KafkaPipeline(const PublishConfig& config, PageProcessor& processor, PipelineMetrics& metrics)
      : config_(config), processor_(processor), metrics_(metrics) {}

  void Handle(const rd_kafka_message_t& message);
  void Produce(const std::string& topic, const std::string& key, const std::string& value, int32_t partition,
               int64_t offset, rd_kafka_headers_t* headers);
  void DeadLetter(const rd_kafka_message_t& message, const Failure& failure);
  bool Commit();
  bool exactly_once() const { return config_.delivery == DeliveryGuarantee::kExactlyOnce; }
  // Inputs whose outputs are not settled: unacknowledged (at-least-once) or uncommitted (exactly-once).
  std::size_t InFlight() const;
  // Adds the message to the open transaction, opening one if needed; false when none can be opened.
  bool JoinTransaction(const rd_kafka_message_t& message);
  bool EndTransaction();
  void Rewind(const std::map<int32_t, int64_t>& first_offsets);
  static void OnDelivery(rd_kafka_t* producer, const rd_kafka_message_t* message, void* opaque);
  // Rebalances (eager or cooperative): a revoke first settles and commits what was done for the revoked
  // partitions, so their next owner starts exactly after it, then forgets them.
  static void OnRebalance(rd_kafka_t* consumer, rd_kafka_resp_err_t reason,
                          rd_kafka_topic_partition_list_t* partitions, void* opaque);
  void Assign(rd_kafka_topic_partition_list_t* partitions, bool cooperative);
  void Revoke(rd_kafka_topic_partition_list_t* partitions, bool cooperative);

  PublishConfig config_;
  PageProcessor& processor_;
  PipelineMetrics& metrics_;
  KafkaHandle consumer_;
  KafkaHandle producer_;
  OffsetTracker offsets_;
  // Bumped when a partition is revoked: delivery reports tagged with an older generation belong to the
  // previous ownership and must not settle offsets consumed again after a re-assignment.
  std::map<int32_t, uint32_t> generations_;
  PublishStats stats_;
  std::optional<OpenTransaction> transaction_;
  std::string fatal_;  // why the process must stop (a fenced producer, ...); empty while healthy
};

}  // namespace backlint
