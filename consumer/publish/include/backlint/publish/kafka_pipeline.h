#pragma once
// publish stage and Kafka I/O: consume crawled pages, run them through the PageProcessor, produce one
// event per backlink (keyed by target registrable domain) or a dead letter, and commit an input offset
// only after everything it produced is acknowledged (at-least-once), or together with its outputs in
// one Kafka transaction (exactly-once). One poll loop feeds worker threads; a partition is handled by
// one worker, so its outputs keep their input order.
#include <chrono>
#include <cstdint>
#include <list>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "backlint/metrics/pipeline_metrics.h"
#include "backlint/pipeline/page_processor.h"
#include "backlint/publish/kafka_client.h"
#include "backlint/publish/offset_tracker.h"
#include "backlint/publish/partition_workers.h"
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
  // From the stop request: drain the workers, flush, commit; past it the shutdown is not clean.
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

// Turns one input message into its output events (a Failure: dead letter). `format` overrides the
// default input format. Each worker owns one: a PageProcessor is never shared between threads.
using PageTransform =
    std::function<Result<std::vector<EncodedEvent>>(std::string_view message, std::optional<InputFormat> format)>;

class KafkaPipeline {
 public:
  // One worker per transform.
  static Result<std::unique_ptr<KafkaPipeline>> Create(const PublishConfig& config,
                                                       std::vector<PageTransform> transforms,
                                                       PipelineMetrics& metrics);
  // One worker running `processor`.
  static Result<std::unique_ptr<KafkaPipeline>> Create(const PublishConfig& config, PageProcessor& processor,
                                                       PipelineMetrics& metrics);
  ~KafkaPipeline();

  // Consumes until `should_stop` says so, then stops consuming, drains the workers, flushes the producer,
  // commits what is done and leaves the group, all within config.shutdown_timeout. A Failure means the
  // shutdown was not clean (stage "publish": uncommitted inputs will be consumed again) or a fatal
  // error stopped the pipeline (stage "fatal").
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
  KafkaPipeline(const PublishConfig& config, std::vector<PageTransform> transforms, PipelineMetrics& metrics);

  // Poll loop side.
  void Dispatch(rd_kafka_message_t* message);
  void DispatchHeld();
  bool HasRoom() const;  // for more input: the held messages and unacknowledged outputs are below half their limits
  void ApplyBackpressure();
  void SetPaused(bool paused);
  enum class CommitMode { kAsync, kSync };
  bool Commit(CommitMode mode);
  void Committed(rd_kafka_resp_err_t error, const std::map<int32_t, int64_t>& offsets);
  static void OnCommit(rd_kafka_t* consumer, rd_kafka_resp_err_t error, rd_kafka_topic_partition_list_t* offsets,
                       void* opaque);
  bool EndTransaction();
  void Rewind(const std::map<int32_t, int64_t>& first_offsets);
  std::string Shutdown(std::chrono::steady_clock::time_point deadline);
  PublishStats Snapshot();
  void ReportLag();  // consumer lag per assigned partition, to the metrics

  // Worker side.
  void Handle(std::size_t worker, const rd_kafka_message_t& message);
  void DeadLetter(const rd_kafka_message_t& message, const Failure& failure, const DeliveryTag& origin);
  void Produce(const std::string& topic, const std::string& key, const std::string& value, const DeliveryTag& origin,
               rd_kafka_headers_t* headers);

  static void OnDelivery(rd_kafka_t* producer, const rd_kafka_message_t* message, void* opaque);
  // Rebalances (eager or cooperative): a revoke first finishes and commits what was done for the revoked
  // partitions, so their next owner starts exactly after it, then forgets them.
  static void OnRebalance(rd_kafka_t* consumer, rd_kafka_resp_err_t reason,
                          rd_kafka_topic_partition_list_t* partitions, void* opaque);
  void Assign(rd_kafka_topic_partition_list_t* partitions, bool cooperative);
  void Revoke(rd_kafka_topic_partition_list_t* partitions, bool cooperative);

  bool exactly_once() const { return config_.delivery == DeliveryGuarantee::kExactlyOnce; }
  std::size_t InFlight() const;  // requires mutex_

  PublishConfig config_;
  std::vector<PageTransform> transforms_;
  PipelineMetrics& metrics_;
  KafkaHandle consumer_;
  KafkaHandle producer_;
  std::unique_ptr<PartitionWorkers> workers_;
  std::list<rd_kafka_message_t*> held_;  // polled, waiting for room in a worker queue (owned)
  std::size_t held_bytes_ = 0;           // their payload
  std::map<int32_t, int64_t> end_offsets_;  // where each assigned partition last reported its end (poll thread)
  bool paused_ = false;
  bool leaving_ = false;  // the loop has ended: a revoke now is the group being left

  // Shared by the poll loop, the workers and delivery reports.
  std::mutex mutex_;
  OffsetTracker offsets_;
  // Bumped when a partition is revoked: delivery reports tagged with an older generation belong to the
  // previous ownership and must not settle offsets consumed again after a re-assignment.
  std::map<int32_t, uint32_t> generations_;
  PublishStats stats_;
  std::optional<OpenTransaction> transaction_;
  std::string fatal_;  // why the process must stop (a fenced producer, ...); empty while healthy
};

// The longest one turn of KafkaPipeline::Run's loop waits by design, so the least a bound on its heartbeat
// may be: a rebalance's revoke flushes the outputs for up to config.shutdown_timeout, and exactly-once
// then ends the open transaction, up to 30 s each for the workers to finish, the commit (or the abort)
// and the rewind after an abort.
std::chrono::milliseconds LongestLoopWait(const PublishConfig& config);

}  // namespace backlint
