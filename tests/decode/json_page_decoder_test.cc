#include "backlint/decode/json_page_decoder.h"

#include <gmock/gmock.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "crawled_page_text.h"

namespace backlint {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;
using ::testing::StartsWith;

// The decode failure reason for `message`, or a marker when it decoded.
std::string FailureReason(JsonPageDecoder& decoder, std::string_view message) {
  Result<CrawledPage> result = decoder.Decode(message);
  if (result.ok()) return "<decoded>";
  EXPECT_EQ(result.failure().stage, "decode");
  return result.failure().reason;
}

CrawledPage DecodeOk(JsonPageDecoder& decoder, std::string_view message) {
  Result<CrawledPage> result = decoder.Decode(message);
  EXPECT_TRUE(result.ok()) << result.failure().reason;
  return result.ok() ? std::move(result).value() : CrawledPage{};
}

TEST(JsonPageDecoderTest, MapsEveryField) {
  JsonPageDecoder decoder;
  const CrawledPage page = DecodeOk(decoder, R"({
    "url": "https://blog.example.com/post?id=1",
    "fetched_at": "2024-05-01T12:00:00Z",
    "status": 200,
    "content_type": "text/html; charset=utf-8",
    "html": "<p>caf\u00e9 \"quoted\"</p>",
    "links": [{"href": "https://a.example/", "text": "A", "rel": "nofollow ugc"}, {"href": "/b"}],
    "headers": {"Server": "nginx", "Content-Type": "text/html", "X-Trace": "1"},
    "metadata": {"crawler": "storm", "depth": [1, {"x": null}]}
  })");
  EXPECT_EQ(page.url, "https://blog.example.com/post?id=1");
  EXPECT_EQ(page.fetched_at, "2024-05-01T12:00:00Z");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(page.html, "<p>caf\xC3\xA9 \"quoted\"</p>");
  ASSERT_EQ(page.links.size(), 2u);
  EXPECT_EQ(page.links[0].href, "https://a.example/");
  EXPECT_EQ(page.links[0].text, "A");
  EXPECT_EQ(page.links[0].rel, "nofollow ugc");
  EXPECT_EQ(page.links[1].href, "/b");
  EXPECT_EQ(page.links[1].text, "");
  EXPECT_EQ(page.links[1].rel, "");
  EXPECT_THAT(page.headers,
              ElementsAre(Pair("Server", "nginx"), Pair("Content-Type", "text/html"), Pair("X-Trace", "1")));
  EXPECT_EQ(page.metadata_json, R"({"crawler": "storm", "depth": [1, {"x": null}]})");
}

TEST(JsonPageDecoderTest, OnlyUrlIsRequired) {
  JsonPageDecoder decoder;
  const CrawledPage page = DecodeOk(decoder, R"({"url":"http://example.com/"})");
  EXPECT_EQ(page.url, "http://example.com/");
  EXPECT_EQ(page.status, 0);
  EXPECT_TRUE(page.fetched_at.empty());
  EXPECT_TRUE(page.html.empty());
  EXPECT_TRUE(page.links.empty());
  EXPECT_TRUE(page.headers.empty());
  EXPECT_TRUE(page.metadata_json.empty());
}

TEST(JsonPageDecoderTest, NullOptionalFieldsAreAbsent) {
  JsonPageDecoder decoder;
  const CrawledPage page = DecodeOk(decoder, R"({"url": "http://example.com/", "fetched_at": null,
      "status": null, "content_type": null, "html": null, "html_base64": "aGk=", "links": null,
      "headers": {"A": null, "B": "b"}, "metadata": null})");
  EXPECT_EQ(page.status, 0);
  EXPECT_EQ(page.html, "hi");  // a null html does not conflict with html_base64
  EXPECT_THAT(page.headers, ElementsAre(Pair("B", "b")));
  EXPECT_TRUE(page.metadata_json.empty());
}

TEST(JsonPageDecoderTest, UnknownFieldsAreIgnored) {
  JsonPageDecoder decoder;
  const CrawledPage page = DecodeOk(decoder, R"({"schema_version": 2, "url": "http://example.com/",
      "extra": {"nested": [1, 2, {"deep": true}]}, "links": [{"href": "http://x.example/", "weight": 0.5}],
      "status": 301})");
  EXPECT_EQ(page.url, "http://example.com/");
  EXPECT_EQ(page.status, 301);
  ASSERT_EQ(page.links.size(), 1u);
  EXPECT_EQ(page.links[0].href, "http://x.example/");
}

TEST(JsonPageDecoderTest, MetadataPassesThroughVerbatim) {
  JsonPageDecoder decoder;
  const std::string metadata = "{ \"k\" :\t[1.50, \"\\u00e9\", {}] ,\n \"n\": null }";
  const CrawledPage page =
      DecodeOk(decoder, R"({"url": "http://example.com/", "metadata": )" + metadata + " \n , \"status\": 1}");
  EXPECT_EQ(page.metadata_json, metadata);
  EXPECT_EQ(page.status, 1);

  const CrawledPage last = DecodeOk(decoder, R"({"url": "http://example.com/", "metadata": {}  })");
  EXPECT_EQ(last.metadata_json, "{}");
}

TEST(JsonPageDecoderTest, HtmlBase64DecodesAllPaddingVariants) {
  JsonPageDecoder decoder;
  const std::vector<std::pair<std::string, std::string>> cases = {{"", ""},
                                                                  {"QQ==", "A"},
                                                                  {"QUI=", "AB"},
                                                                  {"QUJD", "ABC"},
                                                                  {"PGI+aGk8L2I+", "<b>hi</b>"},
                                                                  {"QUJDRA==", "ABCD"},
                                                                  {"QUJDREU=", "ABCDE"}};
  for (const auto& [encoded, decoded] : cases) {
    const CrawledPage page =
        DecodeOk(decoder, R"({"url": "http://e.com/", "html_base64": ")" + encoded + "\"}");
    EXPECT_EQ(page.html, decoded) << encoded;
  }
}

TEST(JsonPageDecoderTest, HtmlBase64BytesThatAreNotUtf8BecomeReplacementCharacters) {
  JsonPageDecoder decoder;
  // A NUL, 'a' (0x61) and bytes that are not UTF-8, with no charset declared.
  const CrawledPage page = DecodeOk(decoder, R"({"url": "http://e.com/", "html_base64": "AP/+YYA="})");
  EXPECT_EQ(page.html, std::string("\x00\xEF\xBF\xBD\xEF\xBF\xBD\x61\xEF\xBF\xBD", 11));
}

TEST(JsonPageDecoderTest, InvalidBase64NamesTheField) {
  JsonPageDecoder decoder;
  for (const char* encoded : {"QQ", "QQ=", "Q===", "QQ==QQ==", "QU=D", "QUJ!", " QUJD", "QUJD\\n", "QUJD-"}) {
    EXPECT_EQ(
        FailureReason(decoder, R"({"url": "http://e.com/", "html_base64": ")" + std::string(encoded) + "\"}"),
        "field 'html_base64': invalid base64")
        << encoded;
  }
}

TEST(JsonPageDecoderTest, HtmlAndHtmlBase64TogetherFail) {
  JsonPageDecoder decoder;
  EXPECT_EQ(FailureReason(decoder, R"({"url": "http://e.com/", "html": "<p>", "html_base64": "PHA+"})"),
            "fields 'html' and 'html_base64': both present, expected at most one");
}

TEST(JsonPageDecoderTest, UrlMustBePresentAbsoluteAndHttp) {
  JsonPageDecoder decoder;
  EXPECT_EQ(FailureReason(decoder, R"({"status": 200})"), "field 'url': missing");
  EXPECT_EQ(FailureReason(decoder, R"({"url": null})"), "field 'url': missing");
  EXPECT_EQ(FailureReason(decoder, R"({"url": "foo"})"), "field 'url': not an absolute http(s) URL: 'foo'");
  EXPECT_EQ(FailureReason(decoder, R"({"url": "/relative/path"})"),
            "field 'url': not an absolute http(s) URL: '/relative/path'");
  EXPECT_EQ(FailureReason(decoder, R"({"url": "ftp://example.com/"})"),
            "field 'url': not an absolute http(s) URL: 'ftp://example.com/'");
  EXPECT_EQ(FailureReason(decoder, R"({"url": ""})"), "field 'url': not an absolute http(s) URL: ''");
  EXPECT_EQ(FailureReason(decoder, R"({"url": 42})"), "field 'url': expected string, got number");
}

TEST(JsonPageDecoderTest, LongBadUrlIsQuotedBounded) {
  JsonPageDecoder decoder;
  const std::string reason = FailureReason(decoder, R"({"url": ")" + std::string(10000, 'x') + "\"}");
  EXPECT_THAT(reason, StartsWith("field 'url': not an absolute http(s) URL: 'xxx"));
  EXPECT_LT(reason.size(), 300u);
}

TEST(JsonPageDecoderTest, WrongTypesNameFieldAndTypes) {
  JsonPageDecoder decoder;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"("status": "200")", "field 'status': expected integer, got string"},
      {R"("status": 200.5)", "field 'status': expected integer, got non-integer or out-of-range number"},
      {R"("status": 99999999999999999999)",
       "field 'status': expected integer, got non-integer or out-of-range number"},
      {R"("status": 9999999999)", "field 'status': out of range: 9999999999"},
      {R"("fetched_at": 1)", "field 'fetched_at': expected string, got number"},
      {R"("content_type": true)", "field 'content_type': expected string, got boolean"},
      {R"("html": ["a"])", "field 'html': expected string, got array"},
      {R"("html_base64": {})", "field 'html_base64': expected string, got object"},
      {R"("links": {})", "field 'links': expected array, got object"},
      {R"("links": [{"href": "a"}, "b"])", "field 'links[1]': expected object, got string"},
      {R"("links": [null])", "field 'links[0]': expected object, got null"},
      {R"("links": [{"href": "a"}, {"href": "b"}, {"text": "c"}])", "field 'links[2].href': missing"},
      {R"("links": [{"href": null}])", "field 'links[0].href': missing"},
      {R"("links": [{"href": "a", "rel": 1}])", "field 'links[0].rel': expected string, got number"},
      {R"("headers": [])", "field 'headers': expected object, got array"},
      {R"("headers": {"Server": 1})", "field 'headers.Server': expected string, got number"},
      {R"("metadata": "x")", "field 'metadata': expected object, got string"},
  };
  for (const auto& [field, reason] : cases) {
    EXPECT_EQ(FailureReason(decoder, R"({"url": "http://e.com/", )" + field + "}"), reason) << field;
  }
}

TEST(JsonPageDecoderTest, MalformedJsonFails) {
  JsonPageDecoder decoder;
  for (const char* message :
       {"", "   ", "{", R"({"url": "http://e.com/")", R"({"url": "http://e.com/",})",
        R"({"url" "http://e.com/"})", R"({"url": "http://e.com/", "status": 2x})",
        R"({"url": "http://e.com/", "html": "unterminated})", R"({"url": "http://e.com/", "html": nul})",
        R"({"url": "http://e.com/", "links": [{"href": nulll}]})"}) {
    EXPECT_THAT(FailureReason(decoder, message), StartsWith("invalid JSON: ")) << message;
  }
}

TEST(JsonPageDecoderTest, TrailingContentFails) {
  JsonPageDecoder decoder;
  EXPECT_EQ(FailureReason(decoder, R"({"url": "http://e.com/"} {"url": "http://f.com/"})"),
            "invalid JSON: trailing content after the top-level object");
  EXPECT_TRUE(decoder.Decode("{\"url\": \"http://e.com/\"} \n\t").ok());
}

TEST(JsonPageDecoderTest, NonObjectJsonFails) {
  JsonPageDecoder decoder;
  EXPECT_EQ(FailureReason(decoder, R"(["url"])"), "expected a JSON object, got array");
  EXPECT_EQ(FailureReason(decoder, R"("http://e.com/")"), "expected a JSON object, got string");
  EXPECT_EQ(FailureReason(decoder, "42"), "expected a JSON object, got number");
  EXPECT_EQ(FailureReason(decoder, "null"), "expected a JSON object, got null");
}

TEST(JsonPageDecoderTest, InvalidUtf8Fails) {
  JsonPageDecoder decoder;
  EXPECT_THAT(FailureReason(decoder, "{\"url\": \"http://e.com/\", \"html\": \"\xC3\x28\"}"),
              StartsWith("invalid JSON: "));
  EXPECT_THAT(FailureReason(decoder, "{\"url\": \"http://e.com/\", \"unknown\xFF\": 1}"),
              StartsWith("invalid JSON: "));
}

TEST(JsonPageDecoderTest, DeeplyNestedGarbageDoesNotCrash) {
  JsonPageDecoder decoder;
  const std::string deep_unknown = R"({"url": "http://e.com/", "x": )" + std::string(100000, '[') + "}";
  EXPECT_FALSE(decoder.Decode(deep_unknown).ok());
  const std::string deep_metadata = R"({"url": "http://e.com/", "metadata": )" + std::string(100000, '{');
  EXPECT_FALSE(decoder.Decode(deep_metadata).ok());
  EXPECT_FALSE(decoder.Decode(std::string(100000, '[')).ok());
  EXPECT_FALSE(decoder.Decode(std::string(50000, '{') + std::string(50000, '}')).ok());
}

TEST(JsonPageDecoderTest, DecoderIsReusableAcrossMessages) {
  JsonPageDecoder decoder;
  for (int round = 0; round < 200; ++round) {
    const std::string url = "http://example.com/" + std::to_string(round);
    // Alternate sizes so the buffer holds stale bytes of a longer message.
    const std::string html(round % 7 == 0 ? 20000 : 10, 'h');
    const CrawledPage page = DecodeOk(decoder, R"({"url": ")" + url + R"(", "html": ")" + html + "\"}");
    EXPECT_EQ(page.url, url);
    EXPECT_EQ(page.html, html);
    EXPECT_THAT(FailureReason(decoder, R"({"url": ")" + url), StartsWith("invalid JSON: "));
    EXPECT_EQ(FailureReason(decoder, R"({"status": "x"})"), "field 'status': expected integer, got string");
  }
}

// A stream whose messages differ in every field, in size, and in success: a page decoded into again must
// forget everything of the message before.
std::vector<std::string> VariedMessages() {
  return {
      R"({"url": "https://a.example/p", "fetched_at": "2024-05-01T12:00:00Z", "status": 200,
          "content_type": "text/html", "html": "\u003cp\u003e)" + std::string(3000, 'x') + R"(\u003c/p\u003e",
          "links": [{"href": "https://l.example/", "text": "L", "rel": "ugc"}],
          "headers": {"Server": "nginx"}, "metadata": {"k": [1]}})",
      R"({"url": "http://only.example/"})",
      R"({"url": "http://b64.example/", "headers": {"Content-Type": "text/html; charset=windows-1252"},
          "html_base64": "Q2Fm6Q=="})",
      R"({"url": "http://bom.example/", "html_base64": "77u/aGk="})",
      R"({"url": "http://e.com/", "html": 5})",
      R"({"url": "http://short.example/", "html": "ab"})",
      R"({"url": "http://twice.example/", "html": "first", "html": null, "status": 404})",
      R"({"url": "http://e.com/", "links": [{"text": "no href"}]})",
      R"({"url": "http://e.com/", "html": "bad \x escape"})",
      R"({"url": "http://after-failures.example/", "links": [{"href": "/x"}]})",
  };
}

TEST(JsonPageDecoderTest, DecodeIntoAReusedPageEqualsAFreshDecode) {
  JsonPageDecoder decoder;
  CrawledPage page;
  for (int round = 0; round < 3; ++round) {
    for (const std::string& message : VariedMessages()) {
      const Result<CrawledPage> expected = JsonPageDecoder().Decode(message);
      const std::optional<Failure> failure = decoder.DecodeInto(message, page);
      ASSERT_EQ(failure.has_value(), !expected.ok()) << message;
      if (failure) {
        EXPECT_EQ(failure->reason, expected.failure().reason);
      } else {
        EXPECT_EQ(PageText(page), PageText(expected.value()));
      }
    }
  }
}

// Every real page, as Protobuf's JSON printer sends it (`<` and `>` as \u003c and \u003e), comes back
// byte for byte, into a page reused from the one before.
TEST(JsonPageDecoderTest, CorpusPagesRoundTripThroughThePrintersJson) {
  const std::filesystem::path directory = BACKLINT_CORPUS_DIR "/pages";
  if (!std::filesystem::is_directory(directory)) GTEST_SKIP() << "corpus pages not found at " << directory;
  JsonPageDecoder decoder;
  CrawledPage page;
  int round_trips = 0;
  for (const std::filesystem::directory_entry& file : std::filesystem::directory_iterator(directory)) {
    if (file.path().extension() != ".html") continue;
    std::stringstream html;
    html << std::ifstream(file.path(), std::ios::binary).rdbuf();
    google::protobuf::Struct message;
    (*message.mutable_fields())["url"].set_string_value("http://fakehost/test/page.html");
    (*message.mutable_fields())["html"].set_string_value(html.str());
    std::string json;
    if (!google::protobuf::util::MessageToJsonString(message, &json).ok()) continue;  // not UTF-8
    const std::optional<Failure> failure = decoder.DecodeInto(json, page);
    ASSERT_FALSE(failure) << file.path() << ": " << failure->reason;
    EXPECT_EQ(page.html, html.str()) << file.path();
    ++round_trips;
  }
  EXPECT_GT(round_trips, 100);
}

}  // namespace
}  // namespace backlint
