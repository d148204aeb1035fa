#pragma once
// The pipeline's Prometheus series. Label values come from closed sets (verdicts, categories, stages,
// rule ids of the loaded rule set), never from URLs or domains, so cardinality stays bounded.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "backlint/result.h"
#include "backlint/score/rule_set.h"

namespace backlint {

class PipelineMetrics {
 public:
  explicit PipelineMetrics(prometheus::Registry& registry);

  void PageScored();
  // A dead-lettered message, by the failure's stage and its reason code (DeadLetterReason).
  void DeadLetter(const Failure& failure);
  void LinkSeen(bool is_backlink);
  void BacklinkScored(const Score& score);
  void RuleSetLoaded(const RuleSet& rules);
  void DeliveryFailed();
  // An extraction limit a page reached (one of kLimitNames: page_bytes, links, depth, anchor_text).
  void LimitHit(std::string_view limit);
  // An unlinked mention of a watched domain or brand. Unlabelled: terms are configuration, not a closed set.
  void MentionFound();

  // The Kafka loop's state, set whenever it changes. Lag is per assigned partition; ForgetPartition drops
  // the series of a partition this instance no longer holds, so only another instance reports it.
  void SetConsumerLag(int32_t partition, int64_t lag);
  void ForgetPartition(int32_t partition);
  void SetInFlight(std::size_t pages);
  void SetProducerQueueDepth(std::size_t messages);
  // Ready = a member of the consumer group, holding partitions or not: a replica beyond the partition count
  // is idle by design, not faulty. /readyz answers 200 only then.
  void SetReady(bool ready);
  bool ready() const { return ready_.load(std::memory_order_relaxed); }
  // Wall time from a message's arrival to its outputs being handed to the producer.
  void ObserveProcessingSeconds(double seconds);

  // Totals for end-of-run summaries.
  uint64_t links_seen(bool is_backlink);

  // A rule file reload (SIGHUP or a changed file) that was swapped in, or rejected with the old set kept.
  void RuleReload(bool success);
  // A message that holds no page to score (a WAT record of a request, metadata or warcinfo).
  void PageSkipped();

  // The Kafka loop's heartbeat, given on each turn; /healthz fails when it is too old (a hung loop keeps
  // the process, and its HTTP threads, alive). Counted from construction until the first beat.
  void LoopAlive(std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());
  std::chrono::steady_clock::duration SinceLoopAlive(
      std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now()) const;

  // How many input partitions the group assigned this instance (0: idle, a spare replica).
  void SetAssignedPartitions(std::size_t partitions);
  // Whether the loop beat within `bound` (health_timeout_ms): what /healthz answers in `run`.
  bool LoopAliveWithin(std::chrono::milliseconds bound) const { return SinceLoopAlive() <= bound; }

 private:
  prometheus::Family<prometheus::Counter>& pages_;
  prometheus::Family<prometheus::Counter>& links_;
  prometheus::Family<prometheus::Counter>& backlinks_;
  prometheus::Family<prometheus::Counter>& flags_;
  prometheus::Family<prometheus::Counter>& flags_by_rule_;
  prometheus::Family<prometheus::Counter>& dead_letters_;
  prometheus::Counter& delivery_failures_;
  prometheus::Family<prometheus::Counter>& limits_hit_;
  prometheus::Counter& mentions_;
  prometheus::Family<prometheus::Gauge>& ruleset_info_;
  prometheus::Gauge* current_ruleset_ = nullptr;
  prometheus::Histogram& quality_scores_;
  prometheus::Histogram& processing_seconds_;
  prometheus::Family<prometheus::Gauge>& consumer_lag_;
  prometheus::Gauge& in_flight_;
  prometheus::Gauge& producer_queue_;
  prometheus::Gauge& ready_gauge_;
  prometheus::Family<prometheus::Counter>& rule_reloads_;
  std::atomic<bool> ready_{false};
  std::atomic<std::chrono::steady_clock::rep> loop_alive_{
      std::chrono::steady_clock::now().time_since_epoch().count()};
  prometheus::Gauge& assigned_partitions_;
};

}  // namespace backlint
