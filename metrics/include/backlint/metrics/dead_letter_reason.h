#pragma once
// Why a message was dead-lettered, as a code from a closed set: the failure's reason text names fields and
// quotes input, so it goes into the dead-letter headers, while the code is what a metric label can carry.
#include <array>
#include <string_view>

#include "backlint/result.h"

namespace backlint {

inline constexpr std::array<std::string_view, 11> kDeadLetterReasons = {
    "invalid_json",    // not JSON, or not a JSON object
    "invalid_protobuf",
    "unknown_format",  // an input format name backlint does not know
    "invalid_header",  // a Kafka header backlint reads has a bad value
    "missing_field",   // a required field is absent
    "invalid_field",   // a field is present with a bad value
    "too_large",       // the message does not fit in memory
    "invalid_url",     // the page URL does not parse
    "unparsable_html",
    "encode_failed",
    "other",
};

// The pipeline stages a dead letter names (its `backlint.stage` header). With kDeadLetterReasons they label
// backlint_dead_letters_total, every pair exported at zero from start-up: a series that appeared only on its
// first dead letter would hide that increase from rate().
inline constexpr std::array<std::string_view, 4> kDeadLetterStages = {"decode", "extract", "score", "encode"};

// One of kDeadLetterReasons; "other" for a failure none of the codes describes.
std::string_view DeadLetterReason(const Failure& failure);

}  // namespace backlint
