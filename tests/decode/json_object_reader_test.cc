#include "backlint/decode/json_object_reader.h"

#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <string>
#include <vector>

namespace backlint {
namespace {

// A string's result: its unescaped text, or simdjson's error.
struct Unescaped {
  simdjson::error_code error = simdjson::SUCCESS;
  std::string text;
  bool operator==(const Unescaped&) const = default;
};

// The straightforward way: get_string() through the parser's own buffer.
Unescaped ThroughGetString(const std::string& message) {
  simdjson::ondemand::parser parser;
  const simdjson::padded_string padded(message);
  Unescaped result;
  simdjson::ondemand::document document;
  std::string_view text;
  result.error = parser.iterate(padded).get(document);
  if (!result.error) result.error = document["s"].get_string().get(text);
  if (!result.error) result.text = text;
  return result;
}

// ReadLongString into `out`, which holds whatever it held before; also checks that the member after the
// string is still read.
Unescaped ThroughReadLongString(JsonObjectReader& reader, const std::string& message, std::string& out) {
  Unescaped result;
  bool read_after = false;
  std::optional<Failure> failure =
      reader.Read(message, [&](std::string_view key, simdjson::ondemand::value& value) -> std::optional<Failure> {
        if (key == "s") {
          result.error = reader.ReadLongString(value, out);
          if (result.error) return Failure{"decode", "string"};
        }
        if (key == "after") read_after = true;
        return std::nullopt;
      });
  if (!result.error) {
    EXPECT_EQ(failure, std::nullopt);
    EXPECT_TRUE(read_after);
    result.text = out;
  }
  return result;
}

// A random JSON string body: text, multi-byte characters and every kind of escape, valid and not, in runs
// long and short enough to start and end anywhere in simdjson's blocks.
std::string RandomStringBody(std::mt19937& random) {
  static const std::vector<std::string> kPieces = {
      "a", "<p class=x>", " ", "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", "\xC3\xA9",
      "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u003c",
      "\\u003E", "\\u00e9", "\\u20AC", "\\ud83d\\ude00", "\\u0000", "\\uffff",
      // invalid: a lone surrogate, a bad escape letter, a bad hex digit
      "\\ud83d", "\\ude00", "\\x", "\\u12G4"};
  const bool allow_invalid = random() % 4 == 0;
  const size_t valid_pieces = kPieces.size() - 4;
  std::string body;
  const size_t pieces = random() % 200;
  for (size_t i = 0; i < pieces; ++i) {
    body += kPieces[random() % (allow_invalid ? kPieces.size() : valid_pieces)];
  }
  return body;
}

TEST(JsonObjectReaderTest, ReadLongStringAgreesWithGetString) {
  std::mt19937 random(20241130);
  JsonObjectReader reader;
  std::string out;  // reused across messages, as a decoded page's html is
  int errors = 0;
  for (int round = 0; round < 5000; ++round) {
    const std::string message = R"({"s": ")" + RandomStringBody(random) + R"(" , "after": 1})";
    const Unescaped expected = ThroughGetString(message);
    EXPECT_EQ(ThroughReadLongString(reader, message, out), expected) << message;
    errors += expected.error != simdjson::SUCCESS;
  }
  EXPECT_GT(errors, 100);  // invalid escapes were tried, yet most strings were valid
  EXPECT_LT(errors, 2000);
}

TEST(JsonObjectReaderTest, ReadLongStringOverwritesLongerAndShorterContent) {
  JsonObjectReader reader;
  std::string out(10000, 'x');
  EXPECT_EQ(ThroughReadLongString(reader, R"({"s": "a\u003cb", "after": 1})", out).text, "a<b");
  EXPECT_EQ(out, "a<b");
  const std::string longer(5000, 'y');
  EXPECT_EQ(ThroughReadLongString(reader, R"({"s": ")" + longer + R"(", "after": 1})", out).text, longer);
  EXPECT_EQ(ThroughReadLongString(reader, R"({"s": "", "after": 1})", out).text, "");
}

TEST(JsonObjectReaderTest, ReadLongStringRejectsANonString) {
  JsonObjectReader reader;
  std::string out;
  EXPECT_EQ(ThroughReadLongString(reader, R"({"s": 12, "after": 1})", out).error, simdjson::INCORRECT_TYPE);
}

std::optional<Failure> ReadIgnoringMembers(JsonObjectReader& reader, const std::string& message) {
  return reader.Read(message, [](std::string_view, simdjson::ondemand::value&) -> std::optional<Failure> {
    return std::nullopt;
  });
}

// On Demand types a document by its first character, so "not json" looked like null and was reported as
// a JSON value of the wrong type; it is no JSON at all.
TEST(JsonObjectReaderTest, InvalidJsonIsReportedAsInvalidWhateverItsFirstCharacter) {
  JsonObjectReader reader;
  for (const std::string message : {"not json", "hello", "nul", "tru", "falsy", "12x", "-", "\"oops", "[1,"}) {
    const std::optional<Failure> failure = ReadIgnoringMembers(reader, message);
    ASSERT_TRUE(failure.has_value()) << message;
    EXPECT_TRUE(failure->reason.starts_with("invalid JSON: ")) << message << ": " << failure->reason;
  }
}

TEST(JsonObjectReaderTest, ValidJsonThatIsNoObjectIsReportedWithItsType) {
  JsonObjectReader reader;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"null", "null"}, {"true", "boolean"}, {"12", "number"}, {"\"text\"", "string"}, {"[1, 2]", "array"}};
  for (const auto& [message, type] : cases) {
    const std::optional<Failure> failure = ReadIgnoringMembers(reader, message);
    ASSERT_TRUE(failure.has_value()) << message;
    EXPECT_EQ(failure->reason, "expected a JSON object, got " + type) << message;
  }
}

}  // namespace
}  // namespace backlint
