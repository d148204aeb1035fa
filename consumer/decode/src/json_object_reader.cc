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
  if (type != json_type::object) {
    return DecodeFailure("expected a JSON object, got " + std::string(json_fields::TypeName(type)));
  }
  simdjson::ondemand::object object;
  if (error_code error = document.get_object().get(object)) return InvalidJson(error);
  if (Status status = json_fields::ForEachMember(object, visit)) return status;
  // On Demand stops at the object's end; anything after it is not part of a single JSON document.
  if (document.current_location().error() != simdjson::OUT_OF_BOUNDS) {
    return DecodeFailure("invalid JSON: trailing content after the top-level object");
  }
  return std::nullopt;
}

}  // namespace backlint
