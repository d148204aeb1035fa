#include "backlint/encode/event_encoder.h"

#include <string>
#include <utility>
#include <vector>

#include "event_serialization.h"

namespace backlint {
namespace {

v1::AnchorKind ToProto(AnchorKind kind) {
  switch (kind) {
    case AnchorKind::kText: return v1::ANCHOR_KIND_TEXT;
    case AnchorKind::kImage: return v1::ANCHOR_KIND_IMAGE;
    case AnchorKind::kEmpty: return v1::ANCHOR_KIND_EMPTY;
  }
  return v1::ANCHOR_KIND_UNSPECIFIED;
}

v1::Region ToProto(Region region) {
  switch (region) {
    case Region::kContent: return v1::REGION_CONTENT;
    case Region::kNavigation: return v1::REGION_NAV;
    case Region::kHeader: return v1::REGION_HEADER;
    case Region::kFooter: return v1::REGION_FOOTER;
    case Region::kSidebar: return v1::REGION_SIDEBAR;
    case Region::kComments: return v1::REGION_COMMENTS;
    case Region::kRelated: return v1::REGION_RELATED;
    case Region::kSponsored: return v1::REGION_SPONSORED;
  }
  return v1::REGION_UNSPECIFIED;
}

v1::Category ToProto(Category category) {
  switch (category) {
    case Category::kPaid: return v1::CATEGORY_PAID;
    case Category::kForcedKeyword: return v1::CATEGORY_FORCED_KEYWORD;
    case Category::kSpammy: return v1::CATEGORY_SPAMMY;
  }
  return v1::CATEGORY_UNSPECIFIED;
}

v1::Severity ToProto(Severity severity) {
  switch (severity) {
    case Severity::kLow: return v1::SEVERITY_LOW;
    case Severity::kMedium: return v1::SEVERITY_MEDIUM;
    case Severity::kHigh: return v1::SEVERITY_HIGH;
  }
  return v1::SEVERITY_UNSPECIFIED;
}

v1::TrustAction ToProto(TrustAction action) {
  switch (action) {
    case TrustAction::kNone: return v1::TRUST_ACTION_UNSPECIFIED;
    case TrustAction::kAllow: return v1::TRUST_ACTION_ALLOW;
    case TrustAction::kBlock: return v1::TRUST_ACTION_BLOCK;
  }
  return v1::TRUST_ACTION_UNSPECIFIED;
}

v1::Verdict ToProto(Verdict verdict) {
  switch (verdict) {
    case Verdict::kClean: return v1::VERDICT_CLEAN;
    case Verdict::kSuspicious: return v1::VERDICT_SUSPICIOUS;
    case Verdict::kToxic: return v1::VERDICT_TOXIC;
  }
  return v1::VERDICT_UNSPECIFIED;
}

void FillRel(const std::vector<std::string>& tokens, v1::Rel& rel) {
  for (const std::string& token : tokens) {
    if (token == "nofollow") {
      rel.set_nofollow(true);
    } else if (token == "sponsored") {
      rel.set_sponsored(true);
    } else if (token == "ugc") {
      rel.set_ugc(true);
    } else {
      rel.add_other(token);
    }
  }
}

}  // namespace

Result<EventFormat> ParseEventFormat(std::string_view name) {
  if (name == "protobuf") return EventFormat::kProtobuf;
  if (name == "json") return EventFormat::kJson;
  return Failure{"encode", "unknown output format '" + std::string(name) + "' (expected protobuf or json)"};
}

std::string EventId(const PageFacts& page, const Link& link) {
  return StableId({page.url, page.fetched_at, std::to_string(link.position), link.url});
}

v1::BacklinkEvent BuildEvent(const PageFacts& page, const Link& link, const Score& score,
                             const RuleSet& rules) {
  v1::BacklinkEvent event;
  event.set_event_id(EventId(page, link));

  FillSource(page, *event.mutable_source());

  v1::Target& target = *event.mutable_target();
  target.set_url(link.url);
  target.set_host(link.host);
  target.set_registrable_domain(link.registrable_domain);

  v1::Anchor& anchor = *event.mutable_anchor();
  anchor.set_text(link.anchor_text);
  anchor.set_kind(ToProto(link.anchor_kind));
  anchor.set_image_from_target(link.image_from_target);

  FillRel(link.rel, *event.mutable_rel());

  v1::Context& context = *event.mutable_context();
  context.set_snippet(link.snippet);
  context.set_region(ToProto(link.region));
  context.set_hidden(link.hidden);
  context.set_position(link.position);
  context.set_page_outbound_links(page.outbound_links);
  context.set_relevance(score.relevance);
  context.set_section_heading(link.section_heading);
  context.set_article_label(link.article_label);
  context.set_list_item_links(link.list_item_links);

  for (const Flag& flag : score.flags) {
    v1::Flag& event_flag = *event.add_flags();
    event_flag.set_rule_id(flag.rule_id);
    event_flag.set_category(ToProto(flag.category));
    event_flag.set_weight(flag.weight);
    event_flag.set_evidence(flag.evidence);
    event_flag.set_severity(ToProto(flag.severity));
  }
  event.set_quality_score(score.quality_score);
  event.set_verdict(ToProto(score.verdict));
  if (score.trust.action != TrustAction::kNone) {
    v1::TrustOverride& trust = *event.mutable_trust();
    trust.set_action(ToProto(score.trust.action));
    trust.set_domain(score.trust.domain);
    trust.set_reason(score.trust.reason);
  }

  v1::RuleSetInfo& ruleset = *event.mutable_ruleset();
  ruleset.set_name(rules.name());
  ruleset.set_hash(rules.hash());
  return event;
}

Result<EncodedEvent> Encode(const v1::BacklinkEvent& event, EventFormat format) {
  EncodedEvent encoded{.key = event.target().registrable_domain(), .value = {}, .kind = EventKind::kBacklink};
  return Serialize(event, event.event_id(), std::move(encoded), format);
}

}  // namespace backlint
