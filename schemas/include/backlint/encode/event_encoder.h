#pragma once
// encode stage: one scored backlink -> a BacklinkEvent keyed by the target's registrable domain.
#include <string>
#include <string_view>

#include "backlint/link.h"
#include "backlint/result.h"
#include "backlint/score/rule_set.h"
#include "backlink_event.pb.h"

namespace backlint {

enum class EventFormat { kProtobuf, kJson };  // JSON is Protobuf's JSON mapping, proto field names

// Parses "protobuf" | "json".
Result<EventFormat> ParseEventFormat(std::string_view name);

// Which event an EncodedEvent holds; each kind goes to its own topic.
enum class EventKind { kBacklink, kMention };

struct EncodedEvent {
  // Backlinks: the target's registrable domain, so per-target aggregation stays partition-local.
  // Mentions: the term, lower-cased.
  std::string key;
  std::string value;  // the serialised BacklinkEvent or MentionEvent
  EventKind kind = EventKind::kBacklink;
};

// Stable across redeliveries of the same crawl: a hash of source url, fetched_at, link position and
// target url, so warehouses can dedupe.
std::string EventId(const PageFacts& page, const Link& link);

v1::BacklinkEvent BuildEvent(const PageFacts& page, const Link& link, const Score& score,
                             const RuleSet& rules);

// Failure.stage is "encode".
Result<EncodedEvent> Encode(const v1::BacklinkEvent& event, EventFormat format);

}  // namespace backlint
