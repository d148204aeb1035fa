#pragma once
// The pipeline's Prometheus series. Label values come from closed sets (verdicts, categories, stages,
// rule ids of the loaded rule set), never from URLs or domains, so cardinality stays bounded.
#include <cstdint>
#include <string_view>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "backlint/score/rule_set.h"

namespace backlint {

class PipelineMetrics {
 public:
  explicit PipelineMetrics(prometheus::Registry& registry);

  void PageScored();
  void DeadLetter(std::string_view stage);
  void LinkSeen(bool is_backlink);
  void BacklinkScored(const Score& score);
  void RuleSetLoaded(const RuleSet& rules);
  void DeliveryFailed();
  // An extraction limit a page reached (one of kLimitNames: page_bytes, links, depth, anchor_text).
  void LimitHit(std::string_view limit);
  // An unlinked mention of a watched domain or brand. Unlabelled: terms are configuration, not a closed set.
  void MentionFound();

  // Totals for end-of-run summaries.
  uint64_t links_seen(bool is_backlink);

  // A message that holds no page to score (a WAT record of a request, metadata or warcinfo).
  void PageSkipped();

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
};

}  // namespace backlint
