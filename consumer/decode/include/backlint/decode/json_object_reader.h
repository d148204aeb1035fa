#pragma once
// One Kafka message as a single top-level JSON object, member by member (simdjson On Demand).
#include <simdjson.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "backlint/result.h"

namespace backlint {

// Reuses simdjson's buffers across messages; one reader per thread.
class JsonObjectReader {
 public:
  // nullopt to go on, or the Failure that rejects the message.
  using Visit = std::function<std::optional<Failure>(std::string_view key, simdjson::ondemand::value& value)>;

  // Calls `visit` for each top-level member in order. Failure.stage is "decode": invalid JSON, a
  // top-level value that is no object, trailing content, or the first Failure `visit` returns.
  std::optional<Failure> Read(std::string_view message, const Visit& visit);

  // The JSON string `value` (of the message being read) unescaped straight into `out`, which keeps its
  // capacity and is overwritten. A long string (a page's HTML) then skips the copy that get_string() makes
  // through the parser's own buffer. simdjson's STRING_ERROR on a bad escape, INCORRECT_TYPE on a non-string.
  simdjson::error_code ReadLongString(simdjson::ondemand::value& value, std::string& out) const;

 private:
  // Copies `message` into the padded buffer simdjson needs; false when it cannot be allocated.
  bool LoadMessage(std::string_view message);

  simdjson::ondemand::parser parser_;
  simdjson::padded_string buffer_;
};

}  // namespace backlint
