#include "backlint/metrics/pipeline_metrics.h"

#include <string>

namespace backlint {
namespace {

prometheus::Family<prometheus::Counter>& CounterFamily(prometheus::Registry& registry, const std::string& name,
                                                       const std::string& help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(registry);
}

}  // namespace

PipelineMetrics::PipelineMetrics(prometheus::Registry& registry)
    : pages_(CounterFamily(registry, "backlint_pages_total", "Crawled-page messages consumed, by result.")),
      links_(CounterFamily(registry, "backlint_links_total", "http(s) links found on pages, by kind.")),
      backlinks_(CounterFamily(registry, "backlint_backlinks_total", "Scored backlink events emitted, by verdict.")),
      flags_(CounterFamily(registry, "backlint_flags_total", "Rule flags raised on backlinks, by category.")),
      flags_by_rule_(CounterFamily(registry, "backlint_rule_flags_total", "Rule flags raised on backlinks, by rule id.")),
      dead_letters_(CounterFamily(registry, "backlint_dead_letters_total", "Messages sent to the dead-letter topic, by stage.")),
      delivery_failures_(CounterFamily(registry, "backlint_delivery_failures_total",
                                       "Output or dead-letter messages the brokers did not acknowledge.")
                             .Add({})),
      limits_hit_(CounterFamily(registry, "backlint_extract_limits_hit_total",
                                "Pages that reached an extraction limit (and were extracted up to it), by limit.")),
      mentions_(CounterFamily(registry, "backlint_mentions_total",
                              "Unlinked mentions of watched domains and brands emitted as mention events.")
                    .Add({})),
      ruleset_info_(prometheus::BuildGauge()
                        .Name("backlint_ruleset_info")
                        .Help("The loaded rule set (value 1), named and hashed in labels.")
                        .Register(registry)) {
  // Series that alerts divide by exist from the start, at zero.
  for (const char* result : {"scored", "dead_letter"}) pages_.Add({{"result", result}});
  for (const char* kind : {"backlink", "internal"}) links_.Add({{"kind", kind}});
  for (Verdict verdict : {Verdict::kClean, Verdict::kSuspicious, Verdict::kToxic}) {
    backlinks_.Add({{"verdict", std::string(ToString(verdict))}});
  }
  for (Category category : {Category::kPaid, Category::kForcedKeyword, Category::kSpammy}) {
    flags_.Add({{"category", std::string(ToString(category))}});
  }
  for (std::string_view limit : kLimitNames) limits_hit_.Add({{"limit", std::string(limit)}});
}

void PipelineMetrics::PageScored() { pages_.Add({{"result", "scored"}}).Increment(); }

void PipelineMetrics::DeadLetter(std::string_view stage) {
  pages_.Add({{"result", "dead_letter"}}).Increment();
  dead_letters_.Add({{"stage", std::string(stage)}}).Increment();
}

void PipelineMetrics::LinkSeen(bool is_backlink) {
  links_.Add({{"kind", is_backlink ? "backlink" : "internal"}}).Increment();
}

uint64_t PipelineMetrics::links_seen(bool is_backlink) {
  return static_cast<uint64_t>(links_.Add({{"kind", is_backlink ? "backlink" : "internal"}}).Value());
}

void PipelineMetrics::BacklinkScored(const Score& score) {
  backlinks_.Add({{"verdict", std::string(ToString(score.verdict))}}).Increment();
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

}  // namespace backlint
