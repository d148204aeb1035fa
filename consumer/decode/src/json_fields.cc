#include "json_fields.h"

namespace backlint::json_fields {

using simdjson::ondemand::json_type;

Failure InvalidJson(simdjson::error_code error) {
  return DecodeFailure("invalid JSON: " + std::string(simdjson::error_message(error)));
}

std::string_view TypeName(json_type type) {
  switch (type) {
    case json_type::array: return "array";
    case json_type::object: return "object";
    case json_type::number: return "number";
    case json_type::string: return "string";
    case json_type::boolean: return "boolean";
    case json_type::null: return "null";
  }
  return "unknown";
}

Result<json_type> TypeOf(simdjson::ondemand::value& value) {
  json_type type;
  if (simdjson::error_code error = value.type().get(type)) return InvalidJson(error);
  if (type == json_type::null) {
    bool is_null = false;
    if (value.is_null().get(is_null) != simdjson::SUCCESS || !is_null)
      return InvalidJson(simdjson::N_ATOM_ERROR);
  }
  return type;
}

Status ReadString(simdjson::ondemand::value& value, std::string_view field, std::string& out, bool* present) {
  Result<std::optional<std::string_view>> text = ReadOptional<std::string_view>(value, field);
  if (!text) return text.failure();
  if (!text.value()) return std::nullopt;
  out.assign(*text.value());
  if (present != nullptr) *present = true;
  return std::nullopt;
}

}  // namespace backlint::json_fields
