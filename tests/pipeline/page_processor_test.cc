#include "backlint/pipeline/page_processor.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "backlink_event.pb.h"
#include "crawled_page.pb.h"
#include "mention_event.pb.h"
#include "backlint/pipeline/processor_setup.h"

namespace backlint {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

// A crawled-page JSON message for https://www.example.com/post with `body` as its HTML body.
std::string PageWithBody(const std::string& body) {
  return R"({"url": "https://www.example.com/post", "fetched_at": "2024-05-01T12:00:00Z", "html": )"
         R"("<!doctype html><html><head><title>Post</title></head><body>)" +
         body + R"(</body></html>"})";
}

// The value of `family`'s series with label `label`=`value`, or -1 when there is no such series.
double SeriesValue(prometheus::Registry& registry, const std::string& family, const std::string& label,
                   const std::string& value) {
  for (const prometheus::MetricFamily& metric_family : registry.Collect()) {
    if (metric_family.name != family) continue;
    for (const prometheus::ClientMetric& metric : metric_family.metric) {
      for (const prometheus::ClientMetric::Label& pair : metric.label) {
        if (pair.name == label && pair.value == value) return metric.counter.value;
      }
    }
  }
  return -1;
}

class PageProcessorTest : public ::testing::TestWithParam<EventFormat> {
 protected:
  void SetUp() override {
    auto processor = MakePageProcessor("", GetParam(), metrics_);
    ASSERT_TRUE(processor.ok()) << processor.failure().reason;
    processor_ = std::move(processor).value();
  }

  std::vector<EncodedEvent> ProcessOk(const std::string& message) {
    auto events = processor_->Process(message);
    EXPECT_TRUE(events.ok()) << events.failure().stage << ": " << events.failure().reason;
    return events.ok() ? std::move(events).value() : std::vector<EncodedEvent>{};
  }

  // Decodes an event in the format under test.
  static v1::BacklinkEvent Decode(const EncodedEvent& encoded) {
    v1::BacklinkEvent event;
    if (GetParam() == EventFormat::kProtobuf) {
      EXPECT_TRUE(event.ParseFromString(encoded.value));
    } else {
      EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(encoded.value, &event).ok()) << encoded.value;
    }
    return event;
  }

  // The one event a page with a single backlink `anchor_html` yields.
  v1::BacklinkEvent SingleEvent(const std::string& anchor_html) {
    const std::vector<EncodedEvent> events =
        ProcessOk(PageWithBody("<p>Read " + anchor_html + " today.</p>"));
    EXPECT_THAT(events, SizeIs(1));
    return events.empty() ? v1::BacklinkEvent{} : Decode(events.front());
  }

  static std::vector<std::string> RuleIds(const v1::BacklinkEvent& event) {
    std::vector<std::string> ids;
    for (const v1::Flag& flag : event.flags()) ids.push_back(flag.rule_id());
    return ids;
  }

  double Counter(const std::string& family, const std::string& label, const std::string& value) {
    return SeriesValue(registry_, family, label, value);
  }

  prometheus::Registry registry_;
  PipelineMetrics metrics_{registry_};
  std::unique_ptr<PageProcessor> processor_;
};

TEST_P(PageProcessorTest, OneEventPerBacklinkKeyedByTargetRegistrableDomain) {
  const std::vector<EncodedEvent> events = ProcessOk(PageWithBody(
      "<p><a href='https://news.bbc.co.uk/story'>BBC</a> <a href='/about'>about</a> "
      "<a href='https://blog.example.com/x'>our blog</a> <a href='https://other.org/a'>other</a></p>"));
  ASSERT_THAT(events, SizeIs(2));
  EXPECT_EQ(events[0].key, "bbc.co.uk");
  EXPECT_EQ(events[1].key, "other.org");
  const v1::BacklinkEvent first = Decode(events[0]);
  EXPECT_EQ(first.target().url(), "https://news.bbc.co.uk/story");
  EXPECT_EQ(first.target().host(), "news.bbc.co.uk");
  EXPECT_EQ(first.target().registrable_domain(), "bbc.co.uk");
  EXPECT_EQ(first.source().url(), "https://www.example.com/post");
  EXPECT_EQ(first.source().registrable_domain(), "example.com");
  EXPECT_EQ(first.source().title(), "Post");
  EXPECT_EQ(first.anchor().text(), "BBC");
  EXPECT_THAT(first.event_id(), ::testing::Not(IsEmpty()));
  EXPECT_EQ(Decode(events[1]).target().url(), "https://other.org/a");
}

TEST_P(PageProcessorTest, PageWithOnlyInternalLinksYieldsNoEvents) {
  EXPECT_THAT(ProcessOk(PageWithBody("<a href='/a'>a</a> <a href='https://shop.example.com/'>shop</a> "
                                     "<a href='http://example.com/b'>b</a>")),
              IsEmpty());
}

TEST_P(PageProcessorTest, EditorialLinkIsClean) {
  const v1::BacklinkEvent event = SingleEvent("<a href='https://docs.python.org/3/'>the Python docs</a>");
  EXPECT_THAT(event.flags(), IsEmpty());
  EXPECT_EQ(event.quality_score(), 100);
  EXPECT_EQ(event.verdict(), v1::VERDICT_CLEAN);
  EXPECT_EQ(event.ruleset().name(), "backlint-default");
}

TEST_P(PageProcessorTest, HiddenLinkIsFlaggedSpammyAndToxic) {
  const v1::BacklinkEvent event =
      SingleEvent("<span style='display:none'><a href='https://pills.example.net/'>pills</a></span>");
  EXPECT_TRUE(event.context().hidden());
  EXPECT_THAT(RuleIds(event), ElementsAre("spammy.hidden-link"));
  EXPECT_EQ(event.flags(0).category(), v1::CATEGORY_SPAMMY);
  EXPECT_THAT(event.flags(0).evidence(), HasSubstr("https://pills.example.net/"));
  EXPECT_EQ(event.quality_score(), 30);
  EXPECT_EQ(event.verdict(), v1::VERDICT_TOXIC);
}

TEST_P(PageProcessorTest, ExactMoneyKeywordAnchorIsFlaggedForcedKeywordAndSuspicious) {
  const v1::BacklinkEvent event =
      SingleEvent("<a href='https://insurance.example.net/'>Cheap  Car Insurance</a>");
  EXPECT_THAT(RuleIds(event), ElementsAre("forced_keyword.exact-money-anchor"));
  EXPECT_EQ(event.flags(0).category(), v1::CATEGORY_FORCED_KEYWORD);
  EXPECT_EQ(event.flags(0).weight(), 45);
  EXPECT_EQ(event.quality_score(), 55);
  EXPECT_EQ(event.verdict(), v1::VERDICT_SUSPICIOUS);
}

TEST_P(PageProcessorTest, BadJsonFailsInDecode) {
  auto events = processor_->Process("{\"url\": ");
  ASSERT_FALSE(events.ok());
  EXPECT_EQ(events.failure().stage, "decode");
}

TEST_P(PageProcessorTest, NonHttpPageUrlFailsInDecodeNamingTheField) {
  auto events = processor_->Process(R"({"url": "mailto:someone@example.com"})");
  ASSERT_FALSE(events.ok());
  EXPECT_EQ(events.failure().stage, "decode");
  EXPECT_THAT(events.failure().reason, HasSubstr("url"));
}

TEST_P(PageProcessorTest, CountsPagesLinksVerdictsCategoriesAndRules) {
  ProcessOk(
      PageWithBody("<a href='/in'>in</a> <a href='https://clean.org/'>clean</a> "
                   "<a href='https://a.net/' rel='sponsored'>cheap car insurance</a> "
                   "<div hidden><a href='https://b.net/'>b</a></div>"));
  EXPECT_EQ(metrics_.links_seen(true), 3u);
  EXPECT_EQ(metrics_.links_seen(false), 1u);
  EXPECT_EQ(Counter("backlint_pages_total", "result", "scored"), 1);
  EXPECT_EQ(Counter("backlint_pages_total", "result", "dead_letter"), 0);
  EXPECT_EQ(Counter("backlint_backlinks_total", "verdict", "clean"), 1);
  EXPECT_EQ(Counter("backlint_backlinks_total", "verdict", "suspicious"), 1);  // 100 - 15 - 45 = 40
  EXPECT_EQ(Counter("backlint_backlinks_total", "verdict", "toxic"), 1);
  EXPECT_EQ(Counter("backlint_flags_total", "category", "paid"), 1);
  EXPECT_EQ(Counter("backlint_flags_total", "category", "forced_keyword"), 1);
  EXPECT_EQ(Counter("backlint_flags_total", "category", "spammy"), 1);
  EXPECT_EQ(Counter("backlint_rule_flags_total", "rule", "paid.rel-sponsored"), 1);
  EXPECT_EQ(Counter("backlint_rule_flags_total", "rule", "forced_keyword.exact-money-anchor"), 1);
  EXPECT_EQ(Counter("backlint_rule_flags_total", "rule", "spammy.hidden-link"), 1);
}

TEST_P(PageProcessorTest, CountsPagesThatHitAnExtractionLimit) {
  const std::string long_anchor(1500, 'x');  // over the default 1,000-character anchor text limit
  ProcessOk(PageWithBody("<a href='https://clean.org/'>" + long_anchor + "</a>"));
  EXPECT_EQ(Counter("backlint_extract_limits_hit_total", "limit", "anchor_text"), 1);
  EXPECT_EQ(Counter("backlint_extract_limits_hit_total", "limit", "links"), 0);
  ProcessOk(PageWithBody("<a href='https://clean.org/'>short</a>"));
  EXPECT_EQ(Counter("backlint_extract_limits_hit_total", "limit", "anchor_text"), 1);
}

TEST_P(PageProcessorTest, FailedPageChangesNoCounters) {
  ProcessOk(PageWithBody("<a href='/in'>in</a> <a href='https://clean.org/'>clean</a>"));
  ASSERT_FALSE(processor_->Process(R"({"url": "https://www.example.com/", "status": "oops"})").ok());
  ASSERT_FALSE(processor_->Process("not json at all").ok());
  EXPECT_EQ(metrics_.links_seen(true), 1u);
  EXPECT_EQ(metrics_.links_seen(false), 1u);
  EXPECT_EQ(Counter("backlint_pages_total", "result", "scored"), 1);
  EXPECT_EQ(Counter("backlint_backlinks_total", "verdict", "clean"), 1);
}

TEST_P(PageProcessorTest, ConstructionPublishesTheLoadedRuleSet) {
  auto rules = LoadRules("");
  ASSERT_TRUE(rules.ok());
  for (const prometheus::MetricFamily& family : registry_.Collect()) {
    if (family.name != "backlint_ruleset_info") continue;
    ASSERT_THAT(family.metric, SizeIs(1));
    EXPECT_EQ(family.metric[0].gauge.value, 1);
    EXPECT_THAT(family.metric[0].label,
                ::testing::UnorderedElementsAre(
                    ::testing::Field(&prometheus::ClientMetric::Label::value, rules.value()->hash()),
                    ::testing::Field(&prometheus::ClientMetric::Label::value, "backlint-default")));
    return;
  }
  ADD_FAILURE() << "no backlint_ruleset_info family";
}

INSTANTIATE_TEST_SUITE_P(Formats, PageProcessorTest,
                         ::testing::Values(EventFormat::kJson, EventFormat::kProtobuf),
                         [](const ::testing::TestParamInfo<EventFormat>& info) {
                           return info.param == EventFormat::kJson ? "Json" : "Protobuf";
                         });

TEST(ProcessorSetupTest, JsonFormatIsProtobufJsonMappingWithProtoFieldNames) {
  prometheus::Registry registry;
  PipelineMetrics metrics(registry);
  auto processor = MakePageProcessor("", EventFormat::kJson, metrics);
  ASSERT_TRUE(processor.ok());
  auto events = processor.value()->Process(PageWithBody("<a href='https://other.org/'>x</a>"));
  ASSERT_TRUE(events.ok());
  ASSERT_THAT(events.value(), SizeIs(1));
  EXPECT_THAT(events.value()[0].value, HasSubstr("\"registrable_domain\""));
}

// A WAT record for https://blog.example.com/post whose anchors are absolute, so they need no base URL.
const std::string kWatRecord =
    R"({"Envelope":{"WARC-Header-Metadata":{"WARC-Type":"response","WARC-Date":"2024-05-18T01:58:10Z",)"
    R"("WARC-Target-URI":"https://blog.example.com/post"},"Payload-Metadata":{"HTTP-Response-Metadata":{)"
    R"("Response-Message":{"Status":"200"},"HTML-Metadata":{"Head":{"Title":"Post"},"Links":[)"
    R"({"path":"A@/href","url":"https://news.bbc.co.uk/story","text":"the BBC story"},)"
    R"({"path":"IMG@/src","url":"https://cdn.other.net/photo.jpg"},)"
    R"({"path":"A@/href","url":"https://blog.example.com/about","text":"about"},)"
    R"({"path":"LINK@/href","url":"https://fonts.example.net/css","rel":"stylesheet"}]}}}}})";

// The JSON event for the one backlink `processor` finds in `message`.
v1::BacklinkEvent SingleJsonEvent(PageProcessor& processor, const std::string& message,
                                  std::optional<InputFormat> format = std::nullopt) {
  auto events = processor.Process(message, format);
  EXPECT_TRUE(events.ok()) << events.failure().reason;
  if (!events.ok()) return {};
  EXPECT_THAT(events.value(), SizeIs(1));
  v1::BacklinkEvent event;
  if (!events.value().empty()) {
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(events.value()[0].value, &event).ok());
  }
  return event;
}

TEST(ProcessorSetupTest, WatRecordsYieldEventsForTheirAnchorBacklinks) {
  prometheus::Registry registry;
  PipelineMetrics metrics(registry);
  auto processor = MakePageProcessor("", EventFormat::kJson, metrics, InputFormat::kWat);
  ASSERT_TRUE(processor.ok()) << processor.failure().reason;
  const v1::BacklinkEvent event = SingleJsonEvent(*processor.value(), kWatRecord);
  EXPECT_EQ(event.source().url(), "https://blog.example.com/post");
  EXPECT_EQ(event.source().fetched_at(), "2024-05-18T01:58:10Z");
  EXPECT_EQ(event.target().url(), "https://news.bbc.co.uk/story");
  EXPECT_EQ(event.anchor().text(), "the BBC story");
  EXPECT_EQ(metrics.links_seen(true), 1u);   // the image and the stylesheet are no links
  EXPECT_EQ(metrics.links_seen(false), 1u);
}

TEST(ProcessorSetupTest, WatRecordsOfRequestsAreSkippedAndCounted) {
  prometheus::Registry registry;
  PipelineMetrics metrics(registry);
  auto processor = MakePageProcessor("", EventFormat::kJson, metrics, InputFormat::kWat);
  ASSERT_TRUE(processor.ok()) << processor.failure().reason;
  auto events = processor.value()->Process(
      R"({"Envelope":{"WARC-Header-Metadata":{"WARC-Type":"request","WARC-Target-URI":"https://blog.example.com/post"},)"
      R"("Payload-Metadata":{"HTTP-Request-Metadata":{"Request-Message":{"Method":"GET"}}}}})");
  ASSERT_TRUE(events.ok()) << events.failure().reason;  // not a dead letter
  EXPECT_THAT(events.value(), IsEmpty());
  EXPECT_EQ(SeriesValue(registry, "backlint_pages_total", "result", "skipped"), 1);
  EXPECT_EQ(SeriesValue(registry, "backlint_pages_total", "result", "scored"), 0);
  EXPECT_EQ(SeriesValue(registry, "backlint_pages_total", "result", "dead_letter"), 0);
}

TEST(ProcessorSetupTest, ProtobufPagesYieldEventsWithHtmlInTheDeclaredCharset) {
  prometheus::Registry registry;
  PipelineMetrics metrics(registry);
  auto processor = MakePageProcessor("", EventFormat::kJson, metrics, InputFormat::kProtobuf);
  ASSERT_TRUE(processor.ok()) << processor.failure().reason;
  v1::CrawledPage page;
  page.set_url("https://www.example.com/post");
  page.set_html("<meta charset=windows-1252><p>Lisez <a href='https://other.org/'>le caf\xE9</a></p>");
  const v1::BacklinkEvent event = SingleJsonEvent(*processor.value(), page.SerializeAsString());
  EXPECT_EQ(event.target().url(), "https://other.org/");
  EXPECT_EQ(event.anchor().text(), "le caf\xC3\xA9");
}

TEST(ProcessorSetupTest, PreExtractedJsonLinksYieldEvents) {
  prometheus::Registry registry;
  PipelineMetrics metrics(registry);
  auto processor = MakePageProcessor("", EventFormat::kJson, metrics);
  ASSERT_TRUE(processor.ok()) << processor.failure().reason;
  const v1::BacklinkEvent event = SingleJsonEvent(
      *processor.value(), R"({"url": "https://www.example.com/post", "links": [{"href": "/about", "text": "us"},)"
                          R"( {"href": "https://other.org/a", "text": "other", "rel": "sponsored"}]})");
  EXPECT_EQ(event.target().url(), "https://other.org/a");
  EXPECT_EQ(event.anchor().text(), "other");
  EXPECT_TRUE(event.rel().sponsored());
}

TEST(ProcessorSetupTest, PerMessageFormatOverridesTheDefault) {
  prometheus::Registry registry;
  PipelineMetrics metrics(registry);
  auto processor = MakePageProcessor("", EventFormat::kJson, metrics);  // JSON by default
  ASSERT_TRUE(processor.ok()) << processor.failure().reason;
  EXPECT_EQ(SingleJsonEvent(*processor.value(), kWatRecord, InputFormat::kWat).target().url(),
            "https://news.bbc.co.uk/story");
  auto as_json = processor.value()->Process(kWatRecord);
  ASSERT_FALSE(as_json.ok());
  EXPECT_EQ(as_json.failure().stage, "decode");
  EXPECT_EQ(as_json.failure().reason, "field 'url': missing");
}

TEST(ProcessorSetupTest, ExtractOptionsReachTheExtractor) {
  prometheus::Registry registry;
  PipelineMetrics metrics(registry);
  const std::string page = PageWithBody("<a href='https://blog.example.com/x'>our blog</a>");
  auto by_default = MakePageProcessor("", EventFormat::kJson, metrics);
  ASSERT_TRUE(by_default.ok()) << by_default.failure().reason;
  auto events = by_default.value()->Process(page);
  ASSERT_TRUE(events.ok()) << events.failure().reason;
  EXPECT_THAT(events.value(), IsEmpty());  // a subdomain is the same site by default

  LinkExtractor::Options options;
  options.subdomains_are_internal = false;
  auto per_host = MakePageProcessor("", EventFormat::kJson, metrics, InputFormat::kJson, options);
  ASSERT_TRUE(per_host.ok()) << per_host.failure().reason;
  EXPECT_EQ(SingleJsonEvent(*per_host.value(), page).target().host(), "blog.example.com");
}

// A page with one backlink that names a watched domain and a watched brand in its text.
const std::string kPageWithMentions = PageWithBody(
    "<p>Gardeners trust Watched.org and ACME tools. <a href='https://other.org/'>other</a></p>");

TEST(ProcessorSetupTest, WatchedNamesYieldMentionEventsAfterTheBacklinkEvents) {
  prometheus::Registry registry;
  PipelineMetrics metrics(registry);
  LinkExtractor::Options options;
  options.watch_domains = {"watched.org"};
  options.watch_brands = {"Acme"};
  auto processor = MakePageProcessor("", EventFormat::kJson, metrics, InputFormat::kJson, options);
  ASSERT_TRUE(processor.ok()) << processor.failure().reason;
  auto events = processor.value()->Process(kPageWithMentions);
  ASSERT_TRUE(events.ok()) << events.failure().reason;
  ASSERT_THAT(events.value(), SizeIs(3));
  EXPECT_EQ(events.value()[0].kind, EventKind::kBacklink);
  EXPECT_EQ(events.value()[0].key, "other.org");

  std::vector<std::pair<std::string, v1::MentionKind>> mentions;
  for (std::size_t i = 1; i < events.value().size(); ++i) {
    const EncodedEvent& encoded = events.value()[i];
    EXPECT_EQ(encoded.kind, EventKind::kMention);
    v1::MentionEvent event;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(encoded.value, &event).ok()) << encoded.value;
    EXPECT_EQ(encoded.key, i == 1 ? "watched.org" : "acme");
    EXPECT_EQ(event.source().url(), "https://www.example.com/post");
    EXPECT_THAT(event.snippet(), HasSubstr("Gardeners trust"));
    EXPECT_THAT(event.event_id(), SizeIs(32));
    mentions.emplace_back(event.term(), event.kind());
  }
  EXPECT_THAT(mentions, ElementsAre(std::pair{std::string("watched.org"), v1::MENTION_KIND_DOMAIN},
                                    std::pair{std::string("Acme"), v1::MENTION_KIND_BRAND}));
  EXPECT_EQ(SeriesValue(registry, "backlint_backlinks_total", "verdict", "clean"), 1);
  double mentions_counted = -1;
  for (const prometheus::MetricFamily& family : registry.Collect()) {
    if (family.name == "backlint_mentions_total") mentions_counted = family.metric.at(0).counter.value;
  }
  EXPECT_EQ(mentions_counted, 2);
}

TEST(ProcessorSetupTest, WithoutAWatchListThereAreNoMentionEvents) {
  prometheus::Registry registry;
  PipelineMetrics metrics(registry);
  auto processor = MakePageProcessor("", EventFormat::kProtobuf, metrics);
  ASSERT_TRUE(processor.ok()) << processor.failure().reason;
  auto events = processor.value()->Process(kPageWithMentions);
  ASSERT_TRUE(events.ok()) << events.failure().reason;
  ASSERT_THAT(events.value(), SizeIs(1));
  EXPECT_EQ(events.value()[0].kind, EventKind::kBacklink);
}

TEST(ProcessorSetupTest, BuiltInRulesAreTheDefaultRuleFile) {
  auto built_in = LoadRules("");
  ASSERT_TRUE(built_in.ok()) << built_in.failure().reason;
  auto file = RuleSet::LoadFile(BACKLINT_SOURCE_DIR "/rules/default.yaml");
  ASSERT_TRUE(file.ok()) << file.failure().reason;
  EXPECT_EQ(built_in.value()->name(), "backlint-default");
  EXPECT_THAT(built_in.value()->hash(), ::testing::Not(IsEmpty()));
  EXPECT_EQ(built_in.value()->hash(), file.value()->hash());
}

TEST(ProcessorSetupTest, MissingRulesFileFails) {
  auto rules = LoadRules("/nonexistent");
  ASSERT_FALSE(rules.ok());
  EXPECT_EQ(rules.failure().stage, "rules");
  EXPECT_THAT(rules.failure().reason, HasSubstr("/nonexistent"));

  prometheus::Registry registry;
  PipelineMetrics metrics(registry);
  EXPECT_FALSE(MakePageProcessor("/nonexistent", EventFormat::kJson, metrics).ok());
}

}  // namespace
}  // namespace backlint
