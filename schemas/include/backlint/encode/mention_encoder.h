#pragma once
// encode stage: one unlinked mention of a watched name -> a MentionEvent keyed by the term, lower-cased.
#include <string>

#include "backlint/encode/event_encoder.h"
#include "backlint/link.h"
#include "backlint/result.h"
#include "mention_event.pb.h"

namespace backlint {

enum class MentionKind { kDomain, kBrand };  // which watch list the term is on

// Stable across redeliveries, like EventId: a hash of source url, fetched_at, mention position and term.
std::string MentionEventId(const PageFacts& page, const Mention& mention);

v1::MentionEvent BuildMentionEvent(const PageFacts& page, const Mention& mention, MentionKind kind);

// EncodedEvent::kind is kMention. Failure.stage is "encode".
Result<EncodedEvent> Encode(const v1::MentionEvent& event, EventFormat format);

}  // namespace backlint
