#include "backlint/pipeline/page_processor.h"

#include <cstddef>
#include <utility>

#include "backlint/encode/mention_encoder.h"

namespace backlint {

PageProcessor::PageProcessor(RegistrableDomains domains, LinkExtractor::Options extract,
                             std::shared_ptr<const RuleSet> rules, EventFormat format,
                             PipelineMetrics& metrics, InputFormat input_format)
    : input_format_(input_format),
      extractor_(std::move(domains), extract),
      rules_(std::move(rules)),
      format_(format),
      metrics_(metrics) {
  metrics_.RuleSetLoaded(*rules_.load());
}

void PageProcessor::ReplaceRules(std::shared_ptr<const RuleSet> rules) {
  metrics_.RuleSetLoaded(*rules);
  rules_.store(std::move(rules));
}

Result<std::vector<EncodedEvent>> PageProcessor::Process(std::string_view message,
                                                        std::optional<InputFormat> format) {
  const Result<bool> holds_page = decoder_.DecodeInto(message, format.value_or(input_format_), page_);
  if (!holds_page) return holds_page.failure();
  if (!holds_page.value()) {
    metrics_.PageSkipped();
    return std::vector<EncodedEvent>();
  }
  auto extracted = extractor_.Extract(page_);
  if (!extracted) return extracted.failure();
  const std::shared_ptr<const RuleSet> rules = rules_.load();

  // Encode everything before reporting anything: a page either yields all its events or is a dead letter.
  std::vector<EncodedEvent> events;
  const std::vector<Score> scores = rules->Evaluate(extracted.value());  // one per link
  for (std::size_t i = 0; i < extracted.value().links.size(); ++i) {
    const Link& link = extracted.value().links[i];
    if (!link.is_backlink) continue;
    auto encoded = Encode(BuildEvent(extracted.value().page, link, scores[i], *rules), format_);
    if (!encoded) return encoded.failure();
    events.push_back(std::move(encoded).value());
  }
  for (const Mention& mention : extracted.value().mentions) {
    const MentionKind kind = mention.is_domain ? MentionKind::kDomain : MentionKind::kBrand;
    auto encoded = Encode(BuildMentionEvent(extracted.value().page, mention, kind), format_);
    if (!encoded) return encoded.failure();
    events.push_back(std::move(encoded).value());
  }
  metrics_.PageScored();
  for (const Link& link : extracted.value().links) metrics_.LinkSeen(link.is_backlink);
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (extracted.value().links[i].is_backlink) metrics_.BacklinkScored(scores[i]);
  }
  for (std::string_view limit : extracted.value().limits_hit.names()) metrics_.LimitHit(limit);
  for (std::size_t i = 0; i < extracted.value().mentions.size(); ++i) metrics_.MentionFound();
  return events;
}

}  // namespace backlint
