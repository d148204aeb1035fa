#include "backlint/decode/wat_record_decoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace backlint {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::Pair;

// A Common Crawl WAT metadata record for an HTML response, shaped as ia-web-commons writes it (numbers
// as strings, a repeated header as an array, every link kind the extractor records).
const std::string kResponseRecord =
    R"({"Container":{"Filename":"CC-MAIN-20240517233122-20240518023122-00000.warc.gz",)"
    R"("Compressed":true,"Offset":"80610731","Gzip-Metadata":{"Deflate-Length":"9871","Inflated-Length":"31102"}},)"
    R"("Envelope":{"Format":"WARC","WARC-Header-Length":"594","Actual-Content-Length":"30508",)"
    R"("WARC-Header-Metadata":{"WARC-Type":"response","WARC-Date":"2024-05-18T01:58:10Z",)"
    R"("WARC-Record-ID":"<urn:uuid:8b0bb8b0-7e0a-4b1c-9e37-5a7f1a0d1c55>","Content-Length":"30508",)"
    R"("Content-Type":"application/http; msgtype=response","WARC-IP-Address":"208.80.154.224",)"
    R"("WARC-Target-URI":"https://an.wikipedia.org/wiki/Escopete","WARC-Identified-Payload-Type":"text/html"},)"
    R"("Payload-Metadata":{"Actual-Content-Type":"application/http; msgtype=response",)"
    R"("HTTP-Response-Metadata":{"Response-Message":{"Version":"HTTP/1.1","Status":"200","Reason":"OK"},)"
    R"("Headers-Length":"1071","Headers":{"date":"Sat, 18 May 2024 01:58:10 GMT",)"
    R"("content-type":"text/html; charset=UTF-8","set-cookie":["WMF-Last-Access=18-May-2024","GeoIP=US"]},)"
    R"("Entity-Length":"29437","Entity-Trailing-Slop-Length":"0",)"
    R"("HTML-Metadata":{"Head":{"Title":"Escopete - Wikipedia","Base":"https://an.wikipedia.org/wiki/",)"
    R"("Metas":[{"charset":"UTF-8"},{"name":"viewport","content":"width=1000"}],)"
    R"("Link":[{"path":"LINK@/href","url":"/w/load.php?lang=an","rel":"stylesheet"}]},)"
    R"("Links":[{"path":"LINK@/href","url":"https://an.m.wikipedia.org/wiki/Escopete","rel":"alternate"},)"
    R"({"path":"A@/href","url":"/wiki/Aragón","text":"Aragón"},)"
    R"({"path":"IMG@/src","url":"//upload.wikimedia.org/escopete.jpg","alt":"Escopete"},)"
    R"({"path":"A@/href","url":"https://www.wikidata.org/wiki/Q1769","text":"Wikidata","rel":"nofollow"},)"
    R"({"path":"A@/data-href","url":"https://tracker.example/x"},)"
    R"({"path":"AREA@/href","url":"https://maps.example.org/guadalajara","text":""},)"
    R"({"path":"SCRIPT@/src","url":"/w/load.php?modules=startup"}]}},)"
    R"("Trailing-Slop-Length":"0"}}})";

// The page of a record that holds one; a failure, or an empty page for a record that holds none.
Result<CrawledPage> Decode(const std::string& record) {
  WatRecordDecoder decoder;
  Result<std::optional<CrawledPage>> page = decoder.Decode(record);
  if (!page) return page.failure();
  EXPECT_TRUE(page.value().has_value()) << "the record holds no page";
  return page.value().value_or(CrawledPage{});
}

std::string FailureReason(const std::string& record) {
  WatRecordDecoder decoder;
  Result<std::optional<CrawledPage>> page = decoder.Decode(record);
  if (page.ok()) return "<decoded>";
  EXPECT_EQ(page.failure().stage, "decode");
  return page.failure().reason;
}

// Whether the record decodes to "no page here" (rather than to a page or a failure).
bool HoldsNoPage(const std::string& record) {
  WatRecordDecoder decoder;
  Result<std::optional<CrawledPage>> page = decoder.Decode(record);
  EXPECT_TRUE(page.ok()) << page.failure().reason;
  return page.ok() && !page.value().has_value();
}

TEST(WatRecordDecoderTest, MapsAResponseRecord) {
  Result<CrawledPage> page = Decode(kResponseRecord);
  ASSERT_TRUE(page.ok()) << page.failure().reason;
  EXPECT_EQ(page.value().url, "https://an.wikipedia.org/wiki/Escopete");
  EXPECT_EQ(page.value().fetched_at, "2024-05-18T01:58:10Z");
  EXPECT_EQ(page.value().status, 200);
  EXPECT_EQ(page.value().title, "Escopete - Wikipedia");
  EXPECT_EQ(page.value().base_url, "https://an.wikipedia.org/wiki/");
  EXPECT_TRUE(page.value().html.empty());
  EXPECT_THAT(page.value().headers,
              ElementsAre(Pair("date", "Sat, 18 May 2024 01:58:10 GMT"),
                          Pair("content-type", "text/html; charset=UTF-8"),
                          Pair("set-cookie", "WMF-Last-Access=18-May-2024"), Pair("set-cookie", "GeoIP=US")));
}

TEST(WatRecordDecoderTest, KeepsOnlyAnchorLinks) {
  Result<CrawledPage> page = Decode(kResponseRecord);
  ASSERT_TRUE(page.ok()) << page.failure().reason;
  EXPECT_THAT(page.value().links,
              ElementsAre(AllOf(Field(&PreExtractedLink::href, "/wiki/Aragón"),
                                Field(&PreExtractedLink::text, "Aragón"), Field(&PreExtractedLink::rel, "")),
                          AllOf(Field(&PreExtractedLink::href, "https://www.wikidata.org/wiki/Q1769"),
                                Field(&PreExtractedLink::rel, "nofollow")),
                          Field(&PreExtractedLink::href, "https://maps.example.org/guadalajara")));
}

TEST(WatRecordDecoderTest, ResponseWithoutHtmlMetadataHasNoLinks) {
  Result<CrawledPage> page =
      Decode(R"({"Envelope":{"WARC-Header-Metadata":{"WARC-Target-URI":"http://example.com/doc.pdf"},)"
             R"("Payload-Metadata":{"HTTP-Response-Metadata":{"Response-Message":{"Status":404}}}}})");
  ASSERT_TRUE(page.ok()) << page.failure().reason;
  EXPECT_EQ(page.value().status, 404);
  EXPECT_TRUE(page.value().links.empty());
  EXPECT_TRUE(page.value().fetched_at.empty());
}

TEST(WatRecordDecoderTest, MissingFieldsAreNamedByTheirPath) {
  EXPECT_EQ(FailureReason(R"({"Container":{}})"), "field 'Envelope': missing");
  EXPECT_EQ(FailureReason(R"({"Envelope":{"Payload-Metadata":{}}})"),
            "field 'Envelope.WARC-Header-Metadata': missing");
  EXPECT_EQ(FailureReason(R"({"Envelope":{"WARC-Header-Metadata":{"WARC-Date":"2024-05-18T01:58:10Z"}}})"),
            "field 'Envelope.WARC-Header-Metadata.WARC-Target-URI': missing");
  EXPECT_EQ(FailureReason(R"({"Envelope":{"WARC-Header-Metadata":{"WARC-Target-URI":"https://e.com/"}}})"),
            "field 'Envelope.Payload-Metadata': missing");
  EXPECT_EQ(FailureReason(R"({"Envelope":{"WARC-Header-Metadata":{"WARC-Target-URI":"https://e.com/"},)"
                          R"("Payload-Metadata":{"Links":[]}}})"),
            "field 'Envelope.Payload-Metadata.HTTP-Response-Metadata': missing");
}

TEST(WatRecordDecoderTest, RequestRecordFromWhirlwindHoldsNoPage) {
  // The WAT record whirlwind.warc.wat holds: the metadata of a request, so there is nothing to score.
  EXPECT_TRUE(HoldsNoPage(
      R"({"Container":{"Filename":"CC-MAIN-20240517233122-20240518023122-00000.warc.gz"},)"
      R"("Envelope":{"Payload-Metadata":{"Actual-Content-Type":"application/http; msgtype=request",)"
      R"("HTTP-Request-Metadata":{"Request-Message":{"Method":"GET","Path":"/wiki/Escopete"}}},)"
      R"("Format":"WARC/1.0","WARC-Header-Metadata":{"WARC-Type":"request",)"
      R"("WARC-Date":"2024-05-18T01:58:10Z","WARC-Target-URI":"https://an.wikipedia.org/wiki/Escopete"}}})"));
}

TEST(WatRecordDecoderTest, WarcinfoAndMetadataRecordsHoldNoPage) {
  // A warcinfo record has no target URI at all; a metadata record describes a fetch, not a response.
  EXPECT_TRUE(HoldsNoPage(
      R"({"Envelope":{"Format":"WARC","WARC-Header-Metadata":{"WARC-Type":"warcinfo",)"
      R"("WARC-Filename":"CC-MAIN-20240517233122-20240518023122-00000.warc.gz"},)"
      R"("Payload-Metadata":{"Actual-Content-Type":"application/warc-fields","WARC-Info-Metadata":{}}}})"));
  EXPECT_TRUE(HoldsNoPage(
      R"({"Envelope":{"WARC-Header-Metadata":{"WARC-Type":"metadata",)"
      R"("WARC-Target-URI":"https://an.wikipedia.org/wiki/Escopete"},)"
      R"("Payload-Metadata":{"Actual-Content-Type":"application/warc-fields","WARC-Metadata-Metadata":{}}}})"));
  // A response record keeps failing on what it lacks, and a mistyped type is still named by its path.
  EXPECT_EQ(FailureReason(R"({"Envelope":{"WARC-Header-Metadata":{"WARC-Type":"response",)"
                          R"("WARC-Target-URI":"https://e.com/"},"Payload-Metadata":{}}})"),
            "field 'Envelope.Payload-Metadata.HTTP-Response-Metadata': missing");
  EXPECT_EQ(FailureReason(R"({"Envelope":{"WARC-Header-Metadata":{"WARC-Type":1}}})"),
            "field 'Envelope.WARC-Header-Metadata.WARC-Type': expected string, got number");
}

TEST(WatRecordDecoderTest, BadValuesAreNamedByTheirPath) {
  const std::string head = R"({"Envelope":{"WARC-Header-Metadata":{"WARC-Target-URI":"https://e.com/"},)"
                           R"("Payload-Metadata":{"HTTP-Response-Metadata":)";
  EXPECT_EQ(FailureReason(R"({"Envelope":{"WARC-Header-Metadata":{"WARC-Target-URI":"dns:example.com"}}})"),
            "field 'Envelope.WARC-Header-Metadata.WARC-Target-URI': not an absolute http(s) URL: "
            "'dns:example.com'");
  EXPECT_EQ(FailureReason(head + R"({"Response-Message":{"Status":"OK"}}}}})"),
            "field 'Envelope.Payload-Metadata.HTTP-Response-Metadata.Response-Message.Status': "
            "expected an HTTP status code, got 'OK'");
  EXPECT_EQ(FailureReason(head + R"({"HTML-Metadata":{"Links":[{"path":"A@/href","text":"x"}]}}}})"),
            "field 'Envelope.Payload-Metadata.HTTP-Response-Metadata.HTML-Metadata.Links[0].url': missing");
  EXPECT_EQ(FailureReason(head + R"({"HTML-Metadata":{"Head":{"Title":7}}}}})"),
            "field 'Envelope.Payload-Metadata.HTTP-Response-Metadata.HTML-Metadata.Head.Title': "
            "expected string, got number");
  EXPECT_EQ(
      FailureReason(head + R"({"Headers":{"x":[1]}}}}})"),
      "field 'Envelope.Payload-Metadata.HTTP-Response-Metadata.Headers.x[0]': expected string, got number");
  EXPECT_THAT(FailureReason(R"({"Envelope": )"), ::testing::StartsWith("invalid JSON: "));
  EXPECT_EQ(FailureReason("[]"), "expected a JSON object, got array");
}

TEST(WatRecordDecoderTest, DecoderIsReusable) {
  WatRecordDecoder decoder;
  for (int round = 0; round < 20; ++round) {
    ASSERT_TRUE(decoder.Decode(kResponseRecord).ok());
    ASSERT_FALSE(decoder.Decode(R"({"Envelope":{}})").ok());
  }
}

}  // namespace
}  // namespace backlint
