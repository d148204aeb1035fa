#pragma once
// Reading typed, optional fields of a simdjson On Demand document, with reasons that name the field.
// Shared by the decoders of JSON input formats (CrawledPage JSON, Common Crawl WAT records).
#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "decode_failure.h"

namespace backlint::json_fields {

Failure InvalidJson(simdjson::error_code error);

std::string_view TypeName(simdjson::ondemand::json_type type);

// The JSON type each C++ type is read from, and its name in "expected ..." reasons.
template <typename T>
struct JsonTypeOf;
template <>
struct JsonTypeOf<std::string_view> {
  static constexpr simdjson::ondemand::json_type kType = simdjson::ondemand::json_type::string;
  static constexpr std::string_view kName = "string";
};
template <>
struct JsonTypeOf<int64_t> {
  static constexpr simdjson::ondemand::json_type kType = simdjson::ondemand::json_type::number;
  static constexpr std::string_view kName = "integer";
};
template <>
struct JsonTypeOf<simdjson::ondemand::object> {
  static constexpr simdjson::ondemand::json_type kType = simdjson::ondemand::json_type::object;
  static constexpr std::string_view kName = "object";
};
template <>
struct JsonTypeOf<simdjson::ondemand::array> {
  static constexpr simdjson::ondemand::json_type kType = simdjson::ondemand::json_type::array;
  static constexpr std::string_view kName = "array";
};

// The JSON type of `value`; a present `null` is checked in full, since the type is peeked from the
// first byte only and "nul" must not pass as an absent field.
Result<simdjson::ondemand::json_type> TypeOf(simdjson::ondemand::value& value);

// Whether an optional field holds a T: false when it is null, which means absent, and a Failure naming
// the field when it holds another type.
template <typename T>
Result<bool> HoldsOptional(simdjson::ondemand::value& value, std::string_view field) {
  Result<simdjson::ondemand::json_type> type = TypeOf(value);
  if (!type) return type.failure();
  if (type.value() == simdjson::ondemand::json_type::null) return false;
  if (type.value() != JsonTypeOf<T>::kType) {
    return FieldFailure(field, "expected " + std::string(JsonTypeOf<T>::kName) + ", got " +
                                   std::string(TypeName(type.value())));
  }
  return true;
}

// Reads an optional field of type T; nullopt when it is null, which means absent.
template <typename T>
Result<std::optional<T>> ReadOptional(simdjson::ondemand::value& value, std::string_view field) {
  Result<bool> holds = HoldsOptional<T>(value, field);
  if (!holds) return holds.failure();
  if (!holds.value()) return std::optional<T>();
  T result;
  if (simdjson::error_code error = value.get(result)) {
    // The type matched, so a failure here is a number that is no int64 (fraction, exponent, too big).
    if (error == simdjson::INCORRECT_TYPE || error == simdjson::NUMBER_OUT_OF_RANGE) {
      return FieldFailure(field, "expected integer, got non-integer or out-of-range number");
    }
    return InvalidJson(error);
  }
  return std::optional<T>(std::move(result));
}

// Reads an optional string field into `out`, left untouched when absent; sets `*present` when given.
Status ReadString(simdjson::ondemand::value& value, std::string_view field, std::string& out,
                  bool* present = nullptr);

// Calls visit(key, value) for each member of `object`, stopping at the first failure.
template <typename Visit>
Status ForEachMember(simdjson::ondemand::object& object, Visit visit) {
  for (simdjson::simdjson_result<simdjson::ondemand::field> member : object) {
    simdjson::ondemand::field field;
    std::string_view key;
    if (simdjson::error_code error = std::move(member).get(field)) return InvalidJson(error);
    if (simdjson::error_code error = field.unescaped_key().get(key)) return InvalidJson(error);
    if (Status status = visit(key, field.value())) return status;
  }
  return std::nullopt;
}

// Calls visit(index, element) for each element of `array`, stopping at the first failure.
template <typename Visit>
Status ForEachElement(simdjson::ondemand::array& array, Visit visit) {
  size_t index = 0;
  for (simdjson::simdjson_result<simdjson::ondemand::value> element : array) {
    simdjson::ondemand::value element_value;
    if (simdjson::error_code error = std::move(element).get(element_value)) return InvalidJson(error);
    if (Status status = visit(index++, element_value)) return status;
  }
  return std::nullopt;
}

// Reads an optional object or array field and hands it to `decode`; absent does nothing.
template <typename T, typename Decode>
Status DecodeContainer(simdjson::ondemand::value& value, std::string_view field, Decode decode) {
  Result<std::optional<T>> container = ReadOptional<T>(value, field);
  if (!container) return container.failure();
  if (!container.value()) return std::nullopt;
  return decode(*container.value());
}

}  // namespace backlint::json_fields
