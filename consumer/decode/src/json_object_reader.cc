#include "backlint/decode/json_object_reader.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "json_fields.h"

namespace backlint {
namespace {

using json_fields::InvalidJson;
using simdjson::error_code;
using simdjson::ondemand::json_type;

constexpr size_t kMinBufferBytes = 4096;

// On Demand types a document by its first character only ("not json" reads as null), so the message is
// parsed in full to tell invalid JSON from a valid value of another type. Only rejected messages pay this.
Failure NotAnObject(std::string_view message, json_type type) {
  simdjson::dom::parser parser;
  if (error_code error = parser.parse(simdjson::padded_string(message)).error()) return InvalidJson(error);
  return DecodeFailure("expected a JSON object, got " + std::string(json_fields::TypeName(type)));
}

}  // namespace

bool JsonObjectReader::LoadMessage(std::string_view message) {
  if (buffer_.data() == nullptr || buffer_.size() < message.size()) {
    // Grow geometrically so a stream of slowly growing messages does not reallocate each time.
    buffer_ = simdjson::padded_string(std::max({message.size(), 2 * buffer_.size(), kMinBufferBytes}));
    if (buffer_.data() == nullptr) return false;
  }
  std::memcpy(buffer_.data(), message.data(), message.size());
  // Stale bytes of a longer previous message must not read as a continuation of this one.
  std::memset(buffer_.data() + message.size(), 0, simdjson::SIMDJSON_PADDING);
  return true;
}

std::optional<Failure> JsonObjectReader::Read(std::string_view message, const Visit& visit) {
  if (!LoadMessage(message)) {
    return DecodeFailure("out of memory for a message of " + std::to_string(message.size()) + " bytes");
  }
  simdjson::ondemand::document document;
  if (error_code error =
          parser_.iterate(buffer_.data(), message.size(), buffer_.size() + simdjson::SIMDJSON_PADDING)
              .get(document)) {
    return InvalidJson(error);
  }
  json_type type;
  if (error_code error = document.type().get(type)) return InvalidJson(error);
  if (type != json_type::object) return NotAnObject(message, type);
  simdjson::ondemand::object object;
  if (error_code error = document.get_object().get(object)) return InvalidJson(error);
  if (Status status = json_fields::ForEachMember(object, visit)) return status;
  // On Demand stops at the object's end; anything after it is not part of a single JSON document.
  if (document.current_location().error() != simdjson::OUT_OF_BOUNDS) {
    return DecodeFailure("invalid JSON: trailing content after the top-level object");
  }
  return std::nullopt;
}

simdjson::error_code JsonObjectReader::ReadLongString(simdjson::ondemand::value& value, std::string& out) const {
  const std::string_view token = value.raw_json_token();  // the string with its quotes, and whitespace after
  simdjson::ondemand::raw_json_string raw;
  if (error_code error = value.get_raw_json_string().get(raw)) return error;
  // Unescaping never lengthens a string, and simdjson may write up to SIMDJSON_PADDING bytes past its end.
  // Resizing keeps the bytes already there, so a reused `out` is only zero-filled where it grows.
  out.resize(token.size() + simdjson::SIMDJSON_PADDING);
  auto* end = reinterpret_cast<uint8_t*>(out.data());
  std::string_view unescaped;
  if (error_code error = parser_.unescape(raw, end).get(unescaped)) return error;
  out.resize(unescaped.size());
  return simdjson::SUCCESS;
}

}  // namespace backlint
