#include "decode_failure.h"

#include <utility>

namespace backlint {
namespace {

constexpr size_t kMaxQuotedBytes = 200;

}  // namespace

Failure DecodeFailure(std::string reason) { return Failure{"decode", std::move(reason)}; }

Failure FieldFailure(std::string_view field, std::string_view problem) {
  return DecodeFailure("field '" + std::string(field) + "': " + std::string(problem));
}

std::string Quoted(std::string_view text) {
  if (text.size() <= kMaxQuotedBytes) return "'" + std::string(text) + "'";
  return "'" + std::string(text.substr(0, kMaxQuotedBytes)) + "...'";
}

}  // namespace backlint
