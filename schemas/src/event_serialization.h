#pragma once
// What every output event shares: a stable id, the source page, and serialisation to the output format.
#include <initializer_list>
#include <string>
#include <string_view>

#include <google/protobuf/message.h>

#include "backlint/encode/event_encoder.h"
#include "backlint/link.h"
#include "backlink_event.pb.h"

namespace backlint {

// A hex XXH3-128 of `parts`, the same on every platform, so ids survive redeliveries for deduplication.
std::string StableId(std::initializer_list<std::string_view> parts);

void FillSource(const PageFacts& page, v1::Source& source);

// `encoded` with its value set to `event` in `format`. Failure.stage is "encode"; `event_id` names the event.
Result<EncodedEvent> Serialize(const google::protobuf::Message& event, const std::string& event_id,
                               EncodedEvent encoded, EventFormat format);

}  // namespace backlint
