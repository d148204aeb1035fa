#include "backlint/metrics/dead_letter_reason.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "backlint/decode/page_decoder.h"
#include "backlint/extract/link_extractor.h"

namespace backlint {
namespace {

// DeadLetterReason, checked to be a member of the closed set it promises.
std::string Code(const Failure& failure) {
  const std::string_view code = DeadLetterReason(failure);
  EXPECT_NE(std::find(kDeadLetterReasons.begin(), kDeadLetterReasons.end(), code), kDeadLetterReasons.end())
      << "'" << code << "' is not in kDeadLetterReasons";
  return std::string(code);
}

// The reason code of the failure the real decoder reports for `message` in `format`.
std::string DecodeReason(const std::string& message, InputFormat format = InputFormat::kJson) {
  PageDecoder decoder;
  auto page = decoder.Decode(message, format);
  EXPECT_FALSE(page.ok()) << "decoded without failure: " << message;
  if (page.ok()) return "";
  // A stage outside kDeadLetterStages would make a series at its first dead letter, unseen by rate().
  EXPECT_THAT(kDeadLetterStages, ::testing::Contains(page.failure().stage));
  return Code(page.failure());
}

TEST(DeadLetterReasonTest, DecoderFailuresMapToTheirCodes) {
  EXPECT_EQ(DecodeReason("{not json"), "invalid_json");
  EXPECT_EQ(DecodeReason(R"({"url": "https://a.example/"} trailing)"), "invalid_json");
  EXPECT_EQ(DecodeReason("[1, 2]"), "invalid_json");
  EXPECT_EQ(DecodeReason(R"({"html": "<p>no url</p>"})"), "missing_field");
  EXPECT_EQ(DecodeReason(R"({"url": "ftp://a.example/"})"), "invalid_field");
  EXPECT_EQ(DecodeReason(R"({"url": "https://a.example/", "status": 99999999999})"), "invalid_field");
  EXPECT_EQ(DecodeReason(R"({"url": "https://a.example/", "html": "x", "html_base64": "eA=="})"), "invalid_field");
  EXPECT_EQ(DecodeReason("\xff\xff\xff not a protobuf message", InputFormat::kProtobuf), "invalid_protobuf");
  EXPECT_EQ(DecodeReason(R"({"Envelope": {}})", InputFormat::kWat), "missing_field");
}

TEST(DeadLetterReasonTest, UnknownInputFormatNameMapsToUnknownFormat) {
  auto format = ParseInputFormat("xml");
  ASSERT_FALSE(format.ok());
  EXPECT_EQ(Code(format.failure()), "unknown_format");
  // The Kafka loop reports a bad `backlint.format` header as the header's name, then the parse failure.
  EXPECT_EQ(Code(Failure{"decode", "header 'backlint.format': " + format.failure().reason}),
            "invalid_header");
}

TEST(DeadLetterReasonTest, ExtractorFailureOnAnUnparsablePageUrlIsInvalidUrl) {
  auto domains = RegistrableDomains::LoadSystem();
  ASSERT_TRUE(domains.ok()) << domains.failure().reason;
  LinkExtractor extractor(std::move(domains).value(), {});
  CrawledPage page;
  page.url = "http://[not a host/";
  page.html = "<a href='https://b.example/'>b</a>";
  auto extracted = extractor.Extract(page);
  ASSERT_FALSE(extracted.ok());
  EXPECT_EQ(Code(extracted.failure()), "invalid_url");
  EXPECT_THAT(kDeadLetterStages, ::testing::Contains(extracted.failure().stage));
}

TEST(DeadLetterReasonTest, EveryEncodeFailureIsEncodeFailedAndUnknownWordingIsOther) {
  EXPECT_EQ(Code(Failure{"encode", "anything at all"}), "encode_failed");
  EXPECT_EQ(Code(Failure{"publish", "broker said no"}), "other");
  EXPECT_EQ(Code(Failure{"decode", ""}), "other");
}

TEST(DeadLetterReasonTest, CodesAreDistinct) {
  const std::set<std::string_view> codes(kDeadLetterReasons.begin(), kDeadLetterReasons.end());
  EXPECT_EQ(codes.size(), kDeadLetterReasons.size());
}

}  // namespace
}  // namespace backlint
