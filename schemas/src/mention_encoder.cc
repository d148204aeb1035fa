#include "backlint/encode/mention_encoder.h"

#include <string>
#include <utility>

#include "event_serialization.h"

namespace backlint {

std::string MentionEventId(const PageFacts& page, const Mention& mention) {
  // "mention" keeps these ids apart from backlink ids built from the same page.
  return StableId({"mention", page.url, page.fetched_at, std::to_string(mention.position), mention.term});
}

v1::MentionEvent BuildMentionEvent(const PageFacts& page, const Mention& mention, MentionKind kind) {
  v1::MentionEvent event;
  event.set_event_id(MentionEventId(page, mention));
  FillSource(page, *event.mutable_source());
  event.set_term(mention.term);
  event.set_kind(kind == MentionKind::kDomain ? v1::MENTION_KIND_DOMAIN : v1::MENTION_KIND_BRAND);
  event.set_snippet(mention.snippet);
  event.set_position(mention.position);
  return event;
}

Result<EncodedEvent> Encode(const v1::MentionEvent& event, EventFormat format) {
  // Watch-list terms are matched ignoring ASCII case, so the key is too: one term, one partition.
  std::string key = event.term();
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  EncodedEvent encoded{.key = std::move(key), .value = {}, .kind = EventKind::kMention};
  return Serialize(event, event.event_id(), std::move(encoded), format);
}

}  // namespace backlint
