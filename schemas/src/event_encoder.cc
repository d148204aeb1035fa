#include "backlint/encode/event_encoder.h"

#include <google/protobuf/util/json_util.h>
#include <xxhash.h>

#include <string>
#include <utility>
#include <vector>

namespace backlint {
namespace {

Failure EncodeFailure(std::string reason) { return Failure{"encode", std::move(reason)}; }

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

void FillFacts(const PageFacts& page, v1::PageFacts& facts) {
  facts.set_canonical_url(page.canonical_url);
  facts.set_nofollow(page.nofollow);
  facts.set_meta_robots(page.meta_robots);
  facts.set_external_domains(page.external_domains);
  for (const auto& [scheme, count] : page.other_schemes) (*facts.mutable_other_schemes())[scheme] = count;
  facts.set_body_words(page.body_words);
  facts.set_link_text_ratio(page.link_text_ratio);
  for (const std::string& term : page.main_terms) facts.add_main_terms(term);
  v1::SiteMarkers& site = *facts.mutable_site();
  site.set_https(page.site.https);
  site.set_has_canonical(page.site.has_canonical);
  site.set_has_contact(page.site.has_contact);
  for (const std::string& id : page.site.tracking_ids) site.add_tracking_ids(id);
}

}  // namespace

Result<EventFormat> ParseEventFormat(std::string_view name) {
  if (name == "protobuf") return EventFormat::kProtobuf;
  if (name == "json") return EventFormat::kJson;
  return EncodeFailure("unknown output format '" + std::string(name) + "' (expected protobuf or json)");
}

std::string EventId(const PageFacts& page, const Link& link) {
  // '\0' separators keep field boundaries unambiguous ("ab"+"c" differs from "a"+"bc").
  const std::string position = std::to_string(link.position);
  std::string identity;
  for (std::string_view part : {std::string_view(page.url), std::string_view(page.fetched_at),
                                std::string_view(position), std::string_view(link.url)}) {
    identity.append(part).push_back('\0');
  }
  XXH128_canonical_t canonical;  // big-endian bytes, so the id is the same on every platform
  XXH128_canonicalFromHash(&canonical, XXH3_128bits(identity.data(), identity.size()));
  constexpr char kHexDigits[] = "0123456789abcdef";
  std::string id;
  id.reserve(2 * sizeof(canonical.digest));
  for (const unsigned char byte : canonical.digest) {
    id.push_back(kHexDigits[byte >> 4]);
    id.push_back(kHexDigits[byte & 0x0f]);
  }
  return id;
}

v1::BacklinkEvent BuildEvent(const PageFacts& page, const Link& link, const Score& score,
                             const RuleSet& rules) {
  v1::BacklinkEvent event;
  event.set_event_id(EventId(page, link));

  v1::Source& source = *event.mutable_source();
  source.set_url(page.url);
  source.set_host(page.host);
  source.set_registrable_domain(page.registrable_domain);
  source.set_title(page.title);
  source.set_lang(page.lang);
  source.set_fetched_at(page.fetched_at);
  FillFacts(page, *source.mutable_facts());

  v1::Target& target = *event.mutable_target();
  target.set_url(link.url);
  target.set_host(link.host);
  target.set_registrable_domain(link.registrable_domain);

  v1::Anchor& anchor = *event.mutable_anchor();
  anchor.set_text(link.anchor_text);
  anchor.set_kind(ToProto(link.anchor_kind));

  FillRel(link.rel, *event.mutable_rel());

  v1::Context& context = *event.mutable_context();
  context.set_snippet(link.snippet);
  context.set_region(ToProto(link.region));
  context.set_hidden(link.hidden);
  context.set_position(link.position);
  context.set_page_outbound_links(page.outbound_links);

  for (const Flag& flag : score.flags) {
    v1::Flag& event_flag = *event.add_flags();
    event_flag.set_rule_id(flag.rule_id);
    event_flag.set_category(ToProto(flag.category));
    event_flag.set_weight(flag.weight);
    event_flag.set_evidence(flag.evidence);
  }
  event.set_quality_score(score.quality_score);
  event.set_verdict(ToProto(score.verdict));

  v1::RuleSetInfo& ruleset = *event.mutable_ruleset();
  ruleset.set_name(rules.name());
  ruleset.set_hash(rules.hash());
  return event;
}

Result<EncodedEvent> Encode(const v1::BacklinkEvent& event, EventFormat format) {
  EncodedEvent encoded{.key = event.target().registrable_domain(), .value = {}};
  switch (format) {
    case EventFormat::kProtobuf:
      if (!event.SerializeToString(&encoded.value)) {
        return EncodeFailure("protobuf serialisation failed for event " + event.event_id());
      }
      return encoded;
    case EventFormat::kJson: {
      google::protobuf::util::JsonPrintOptions options;
      options.preserve_proto_field_names = true;
      options.always_print_primitive_fields = true;  // a clean link still says "hidden": false
      const google::protobuf::util::Status status =
          google::protobuf::util::MessageToJsonString(event, &encoded.value, options);
      if (!status.ok()) {
        return EncodeFailure("JSON serialisation failed for event " + event.event_id() + ": " +
                             std::string(status.message()));
      }
      return encoded;
    }
  }
  return EncodeFailure("unknown output format");
}

}  // namespace backlint
