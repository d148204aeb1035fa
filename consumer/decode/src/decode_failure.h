#pragma once
// How the decoders word a rejected message: stage "decode", and a reason that names the field.
#include <optional>
#include <string>
#include <string_view>

#include "backlint/result.h"

namespace backlint {

// nullopt on success.
using Status = std::optional<Failure>;

Failure DecodeFailure(std::string reason);

// "field '<field>': <problem>"; `field` is a path such as "links[2].href" or "Envelope.WARC-Header-Metadata".
Failure FieldFailure(std::string_view field, std::string_view problem);

// `text` in single quotes, cut short: reasons end up in dead-letter headers, so quoted input is bounded.
std::string Quoted(std::string_view text);

}  // namespace backlint
