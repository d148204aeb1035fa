#include "backlint/decode/page_decoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "crawled_page.pb.h"
#include "crawled_page_text.h"

namespace backlint {
namespace {

TEST(PageDecoderTest, ParsesTheThreeFormatNames) {
  EXPECT_EQ(ParseInputFormat("json").value(), InputFormat::kJson);
  EXPECT_EQ(ParseInputFormat("protobuf").value(), InputFormat::kProtobuf);
  EXPECT_EQ(ParseInputFormat("wat").value(), InputFormat::kWat);
  for (const char* name : {"xml", "JSON", "", "wat "}) {
    Result<InputFormat> format = ParseInputFormat(name);
    ASSERT_FALSE(format.ok()) << name;
    EXPECT_EQ(format.failure().stage, "decode");
    EXPECT_EQ(format.failure().reason,
              "unknown input format '" + std::string(name) + "' (expected json, protobuf or wat)");
  }
}

TEST(PageDecoderTest, DispatchesOnTheFormat) {
  PageDecoder decoder;
  const std::string json = R"({"url": "https://json.example/"})";
  v1::CrawledPage proto;
  proto.set_url("https://protobuf.example/");
  const std::string wat = R"({"Envelope":{"WARC-Header-Metadata":{"WARC-Target-URI":"https://wat.example/"},)"
                          R"("Payload-Metadata":{"HTTP-Response-Metadata":{}}}})";

  EXPECT_EQ(decoder.Decode(json, InputFormat::kJson).value()->url, "https://json.example/");
  EXPECT_EQ(decoder.Decode(proto.SerializeAsString(), InputFormat::kProtobuf).value()->url,
            "https://protobuf.example/");
  EXPECT_EQ(decoder.Decode(wat, InputFormat::kWat).value()->url, "https://wat.example/");

  // The same bytes in another format are a decode failure, not a misread page.
  EXPECT_FALSE(decoder.Decode(wat, InputFormat::kJson).ok() &&
               decoder.Decode(wat, InputFormat::kJson).value()->url == "https://wat.example/");
  EXPECT_EQ(decoder.Decode(json, InputFormat::kWat).failure().reason, "field 'Envelope': missing");
  EXPECT_EQ(decoder.Decode(proto.SerializeAsString(), InputFormat::kJson).failure().stage, "decode");
}

TEST(PageDecoderTest, DecodeIntoOnePageAcrossFormatsEqualsAFreshDecode) {
  v1::CrawledPage proto;
  proto.set_url("https://protobuf.example/");
  proto.set_html("<p>from Protobuf</p>");
  proto.add_headers()->set_name("X-From");
  const std::vector<std::pair<std::string, InputFormat>> stream = {
      {R"({"url": "https://json.example/", "html": "\u003cp\u003elong )" + std::string(2000, 'j') +
           R"(", "links": [{"href": "/a"}]})",
       InputFormat::kJson},
      {R"({"Envelope":{"WARC-Header-Metadata":{"WARC-Type":"request"}}})", InputFormat::kWat},  // no page
      {R"({"Envelope":{"WARC-Header-Metadata":{"WARC-Target-URI":"https://wat.example/"},)"
       R"("Payload-Metadata":{"HTTP-Response-Metadata":{"HTML-Metadata":{"Head":{"Title":"T"}}}}}})",
       InputFormat::kWat},
      {proto.SerializeAsString(), InputFormat::kProtobuf},
      {"not a page", InputFormat::kProtobuf},
      {R"({"url": "https://json.example/short"})", InputFormat::kJson},
  };
  PageDecoder decoder;
  CrawledPage page;
  for (int round = 0; round < 2; ++round) {
    for (const auto& [message, format] : stream) {
      const Result<std::optional<CrawledPage>> expected = PageDecoder().Decode(message, format);
      const Result<bool> holds_page = decoder.DecodeInto(message, format, page);
      ASSERT_EQ(holds_page.ok(), expected.ok()) << message;
      if (!expected.ok()) {
        EXPECT_EQ(holds_page.failure().reason, expected.failure().reason);
        continue;
      }
      ASSERT_EQ(holds_page.value(), expected.value().has_value()) << message;
      if (holds_page.value()) {
        EXPECT_EQ(PageText(page), PageText(*expected.value()));
      }
    }
  }
}

}  // namespace
}  // namespace backlint
