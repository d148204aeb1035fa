#include "backlint/metrics/dead_letter_reason.h"

#include <utility>

namespace backlint {
namespace {

// How the stages word their failures (the decoders' DecodeFailure/FieldFailure, the extractor, the Kafka
// loop's header check), by the reason's opening words. tests/pipeline checks these against real failures.
constexpr std::pair<std::string_view, std::string_view> kReasonOpenings[] = {
    {"invalid JSON", "invalid_json"},
    {"expected a JSON object", "invalid_json"},
    {"invalid Protobuf", "invalid_protobuf"},
    {"unknown input format", "unknown_format"},
    {"header '", "invalid_header"},
    {"out of memory", "too_large"},
    {"page URL does not parse", "invalid_url"},
    {"lexbor could not parse", "unparsable_html"},
    {"cannot allocate an HTML document", "unparsable_html"},
    {"field '", "invalid_field"},
    {"fields '", "invalid_field"},
};

}  // namespace

std::string_view DeadLetterReason(const Failure& failure) {
  if (failure.stage == "encode") return "encode_failed";
  const std::string_view reason = failure.reason;
  if (reason.starts_with("field '") && reason.ends_with(": missing")) return "missing_field";
  for (const auto& [opening, code] : kReasonOpenings) {
    if (reason.starts_with(opening)) return code;
  }
  return "other";
}

}  // namespace backlint
