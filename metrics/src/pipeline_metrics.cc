#include "backlint/metrics/pipeline_metrics.h"

#include <string>

#include "backlint/metrics/dead_letter_reason.h"

namespace backlint {
namespace {

prometheus::Family<prometheus::Counter>& CounterFamily(prometheus::Registry& registry, const std::string& name,
                                                       const std::string& help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(registry);
}

prometheus::Family<prometheus::Gauge>& GaugeFamily(prometheus::Registry& registry, const std::string& name,
                                                   const std::string& help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry);
}

prometheus::Histogram& UnlabelledHistogram(prometheus::Registry& registry, const std::string& name,
                                           const std::string& help, prometheus::Histogram::BucketBoundaries buckets) {
  return prometheus::BuildHistogram().Name(name).Help(help).Register(registry).Add({}, std::move(buckets));
}

// Quality scores are integers 0..100; a bucket per tenth shows where the mass sits.
prometheus::Histogram::BucketBoundaries QualityScoreBuckets() { return {10, 20, 30, 40, 50, 60, 70, 80, 90}; }

// A page takes around a millisecond to extract and score; the tail reaches into seconds for huge pages.
prometheus::Histogram::BucketBoundaries ProcessingSecondsBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
}

std::string CompilerName() {
#if defined(__clang__)
  return "clang " __clang_version__;
#elif defined(__GNUC__)
  return "gcc " __VERSION__;
#else
  return "unknown";
#endif
}

}  // namespace

PipelineMetrics::PipelineMetrics(prometheus::Registry& registry)
    : pages_(CounterFamily(registry, "backlint_pages_total", "Crawled-page messages consumed, by result.")),
      links_(CounterFamily(registry, "backlint_links_total", "http(s) links found on pages, by kind.")),
      backlinks_(CounterFamily(registry, "backlint_backlinks_total", "Scored backlink events emitted, by verdict.")),
      flags_(CounterFamily(registry, "backlint_flags_total", "Rule flags raised on backlinks, by category.")),
      flags_by_rule_(CounterFamily(registry, "backlint_rule_flags_total", "Rule flags raised on backlinks, by rule id.")),
      dead_letters_(CounterFamily(registry, "backlint_dead_letters_total", "Messages sent to the dead-letter topic, by stage and reason code.")),
      delivery_failures_(CounterFamily(registry, "backlint_delivery_failures_total",
                                       "Output or dead-letter messages the brokers did not acknowledge.")
                             .Add({})),
      limits_hit_(CounterFamily(registry, "backlint_extract_limits_hit_total",
                                "Pages that reached an extraction limit (and were extracted up to it), by limit.")),
      mentions_(CounterFamily(registry, "backlint_mentions_total",
                              "Unlinked mentions of watched domains and brands emitted as mention events.")
                    .Add({})),
      ruleset_info_(GaugeFamily(registry, "backlint_ruleset_info",
                                "The loaded rule set (value 1), named and hashed in labels.")),
      quality_scores_(UnlabelledHistogram(registry, "backlint_quality_score",
                                          "Quality score (0-100) of each scored backlink.", QualityScoreBuckets())),
      processing_seconds_(UnlabelledHistogram(registry, "backlint_page_processing_seconds",
                                              "Seconds from consuming a page to handing its outputs to the producer.",
                                              ProcessingSecondsBuckets())),
      consumer_lag_(GaugeFamily(registry, "backlint_consumer_lag_messages",
                                "Messages behind the partition's high watermark, per assigned input partition.")),
      in_flight_(GaugeFamily(registry, "backlint_in_flight_pages",
                             "Consumed pages whose outputs are not all acknowledged yet.")
                     .Add({})),
      producer_queue_(GaugeFamily(registry, "backlint_producer_queue_messages",
                                  "Messages in the producer's local queue, awaiting delivery.")
                          .Add({})),
      ready_gauge_(GaugeFamily(registry, "backlint_ready",
                               "1 while a member of the consumer group, with or without partitions, else 0.")
                       .Add({})),
      rule_reloads_(CounterFamily(registry, "backlint_rule_reloads_total",
                                  "Rule file reloads, by result: success (swapped in) or failure (old set kept).")),
      assigned_partitions_(GaugeFamily(registry, "backlint_assigned_partitions",
                                       "Input partitions the consumer group assigned this instance.")
                               .Add({})) {
  GaugeFamily(registry, "backlint_build_info", "The running build (value 1), versioned in labels.")
      .Add({{"version", BACKLINT_VERSION}, {"compiler", CompilerName()}})
      .Set(1);
  // Series that alerts divide by exist from the start, at zero.
  for (const char* result : {"scored", "dead_letter", "skipped"}) pages_.Add({{"result", result}});
  for (const char* kind : {"backlink", "internal"}) links_.Add({{"kind", kind}});
  for (Verdict verdict : {Verdict::kClean, Verdict::kSuspicious, Verdict::kToxic}) {
    backlinks_.Add({{"verdict", std::string(ToString(verdict))}});
  }
  for (Category category : {Category::kPaid, Category::kForcedKeyword, Category::kSpammy}) {
    flags_.Add({{"category", std::string(ToString(category))}});
  }
  for (std::string_view limit : kLimitNames) limits_hit_.Add({{"limit", std::string(limit)}});
  // So are dead letters of every stage and reason: rate() over a series born at its first dead letter
  // misses that first increase, so a new kind of bad input would go unseen until it repeated.
  for (std::string_view stage : kDeadLetterStages) {
    for (std::string_view reason : kDeadLetterReasons) {
      dead_letters_.Add({{"stage", std::string(stage)}, {"reason", std::string(reason)}});
    }
  }
  for (const char* result : {"success", "failure"}) rule_reloads_.Add({{"result", result}});
}

void PipelineMetrics::PageScored() { pages_.Add({{"result", "scored"}}).Increment(); }

void PipelineMetrics::DeadLetter(const Failure& failure) {
  pages_.Add({{"result", "dead_letter"}}).Increment();
  dead_letters_.Add({{"stage", failure.stage}, {"reason", std::string(DeadLetterReason(failure))}}).Increment();
}


void PipelineMetrics::LinkSeen(bool is_backlink) {
  links_.Add({{"kind", is_backlink ? "backlink" : "internal"}}).Increment();
}

uint64_t PipelineMetrics::links_seen(bool is_backlink) {
  return static_cast<uint64_t>(links_.Add({{"kind", is_backlink ? "backlink" : "internal"}}).Value());
}

void PipelineMetrics::BacklinkScored(const Score& score) {
  backlinks_.Add({{"verdict", std::string(ToString(score.verdict))}}).Increment();
  quality_scores_.Observe(score.quality_score);
  for (const Flag& flag : score.flags) {
    flags_.Add({{"category", std::string(ToString(flag.category))}}).Increment();
    flags_by_rule_.Add({{"rule", flag.rule_id}}).Increment();
  }
}

void PipelineMetrics::DeliveryFailed() { delivery_failures_.Increment(); }

void PipelineMetrics::LimitHit(std::string_view limit) {
  limits_hit_.Add({{"limit", std::string(limit)}}).Increment();
}

void PipelineMetrics::MentionFound() { mentions_.Increment(); }

void PipelineMetrics::PageSkipped() { pages_.Add({{"result", "skipped"}}).Increment(); }

void PipelineMetrics::RuleSetLoaded(const RuleSet& rules) {
  // One series at a time: the replaced rule set's series goes, so the info join stays unambiguous.
  if (current_ruleset_ != nullptr) ruleset_info_.Remove(current_ruleset_);
  current_ruleset_ = &ruleset_info_.Add({{"name", rules.name()}, {"hash", rules.hash()}});
  current_ruleset_->Set(1);
}

void PipelineMetrics::SetConsumerLag(int32_t partition, int64_t lag) {
  consumer_lag_.Add({{"partition", std::to_string(partition)}}).Set(static_cast<double>(lag));
}

void PipelineMetrics::ForgetPartition(int32_t partition) {
  consumer_lag_.Remove(&consumer_lag_.Add({{"partition", std::to_string(partition)}}));
}

void PipelineMetrics::SetInFlight(std::size_t pages) { in_flight_.Set(static_cast<double>(pages)); }

void PipelineMetrics::SetProducerQueueDepth(std::size_t messages) {
  producer_queue_.Set(static_cast<double>(messages));
}

void PipelineMetrics::SetReady(bool ready) {
  ready_.store(ready, std::memory_order_relaxed);
  ready_gauge_.Set(ready ? 1 : 0);
}

void PipelineMetrics::ObserveProcessingSeconds(double seconds) { processing_seconds_.Observe(seconds); }

void PipelineMetrics::RuleReload(bool success) {
  rule_reloads_.Add({{"result", success ? "success" : "failure"}}).Increment();
}

void PipelineMetrics::LoopAlive(std::chrono::steady_clock::time_point now) {
  loop_alive_.store(now.time_since_epoch().count(), std::memory_order_relaxed);
}

std::chrono::steady_clock::duration PipelineMetrics::SinceLoopAlive(
    std::chrono::steady_clock::time_point now) const {
  const std::chrono::steady_clock::duration last_beat(loop_alive_.load(std::memory_order_relaxed));
  return now.time_since_epoch() - last_beat;
}

void PipelineMetrics::SetAssignedPartitions(std::size_t partitions) {
  assigned_partitions_.Set(static_cast<double>(partitions));
}

}  // namespace backlint
