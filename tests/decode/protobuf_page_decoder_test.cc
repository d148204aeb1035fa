#include "backlint/decode/protobuf_page_decoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crawled_page.pb.h"
#include "crawled_page_text.h"

namespace backlint {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;
using ::testing::StartsWith;

v1::CrawledPage FullPage() {
  v1::CrawledPage page;
  page.set_url("https://blog.example.com/post");
  page.set_fetched_at("2024-05-01T12:00:00Z");
  page.set_status(200);
  page.set_content_type("text/html; charset=windows-1252");
  page.set_html("<p>Caf\xE9 <a href='https://other.org/'>x</a></p>");
  v1::PreExtractedLink* link = page.add_links();
  link->set_href("https://a.example/");
  link->set_text("A");
  link->set_rel("nofollow");
  v1::HttpHeader* header = page.add_headers();
  header->set_name("Server");
  header->set_value("nginx");
  page.set_metadata_json(R"({"crawl":"2024-18"})");
  return page;
}

TEST(ProtobufPageDecoderTest, RoundTripsEveryFieldWithHtmlAsUtf8) {
  Result<CrawledPage> page = ProtobufPageDecoder().Decode(FullPage().SerializeAsString());
  ASSERT_TRUE(page.ok()) << page.failure().reason;
  EXPECT_EQ(page.value().url, "https://blog.example.com/post");
  EXPECT_EQ(page.value().fetched_at, "2024-05-01T12:00:00Z");
  EXPECT_EQ(page.value().status, 200);
  EXPECT_EQ(page.value().content_type, "text/html; charset=windows-1252");
  EXPECT_EQ(page.value().html, "<p>Caf\xC3\xA9 <a href='https://other.org/'>x</a></p>");
  ASSERT_EQ(page.value().links.size(), 1u);
  EXPECT_EQ(page.value().links[0].href, "https://a.example/");
  EXPECT_EQ(page.value().links[0].text, "A");
  EXPECT_EQ(page.value().links[0].rel, "nofollow");
  EXPECT_THAT(page.value().headers, ElementsAre(Pair("Server", "nginx")));
  EXPECT_EQ(page.value().metadata_json, R"({"crawl":"2024-18"})");
}

TEST(ProtobufPageDecoderTest, UrlIsValidatedAsForJson) {
  v1::CrawledPage proto = FullPage();
  proto.set_url("mailto:someone@example.com");
  Result<CrawledPage> page = ProtobufPageDecoder().Decode(proto.SerializeAsString());
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.failure().stage, "decode");
  EXPECT_EQ(page.failure().reason, "field 'url': not an absolute http(s) URL: 'mailto:someone@example.com'");

  proto.clear_url();
  page = ProtobufPageDecoder().Decode(proto.SerializeAsString());
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.failure().reason, "field 'url': missing");
}

TEST(ProtobufPageDecoderTest, GarbageBytesFail) {
  // A truncated varint, a field number 0, and a length prefix longer than the message.
  for (const std::string& garbage : {std::string("\xFF\xFF\xFF"), std::string("\x00\x01", 2),
                                     std::string("\x0A\x7F"
                                                 "abc"),
                                     std::string("{\"url\": \"https://e.com/\"}")}) {
    Result<CrawledPage> page = ProtobufPageDecoder().Decode(garbage);
    ASSERT_FALSE(page.ok()) << garbage;
    EXPECT_EQ(page.failure().stage, "decode");
    EXPECT_THAT(page.failure().reason, StartsWith("invalid Protobuf: "));
  }
}

TEST(ProtobufPageDecoderTest, DecodeIntoAReusedPageEqualsAFreshDecode) {
  std::vector<v1::CrawledPage> stream(6, FullPage());
  stream[0].set_html(std::string(5000, 'x'));  // a long page first, then shorter ones
  stream[1].clear_html();
  stream[1].clear_links();
  stream[1].clear_headers();
  stream[2].set_html("\xEF\xBB\xBF<p>UTF-8 after a byte order mark</p>");
  stream[2].clear_content_type();
  stream[3].clear_url();  // fails
  stream[4].set_html("<p>valid UTF-8: caf\xC3\xA9</p>");
  stream[4].set_content_type("text/html; charset=utf-8");
  ProtobufPageDecoder decoder;
  CrawledPage page;
  for (int round = 0; round < 3; ++round) {
    for (const v1::CrawledPage& proto : stream) {
      const std::string message = proto.SerializeAsString();
      const Result<CrawledPage> expected = ProtobufPageDecoder().Decode(message);
      const std::optional<Failure> failure = decoder.DecodeInto(message, page);
      ASSERT_EQ(failure.has_value(), !expected.ok());
      if (failure) {
        EXPECT_EQ(failure->reason, expected.failure().reason);
      } else {
        EXPECT_EQ(PageText(page), PageText(expected.value()));
      }
    }
  }
}

}  // namespace
}  // namespace backlint
