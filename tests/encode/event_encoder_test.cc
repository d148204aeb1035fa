#include "backlint/encode/event_encoder.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace backlint {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

constexpr std::string_view kRules = R"(name: test-rules
scoring: {start: 100, suspicious_below: 80, toxic_below: 40}
lists: {}
rules: []
)";

PageFacts SamplePage() {
  return PageFacts{.url = "https://blog.example.com/post",
                   .host = "blog.example.com",
                   .registrable_domain = "example.com",
                   .title = "A post",
                   .lang = "en",
                   .fetched_at = "2024-05-01T12:00:00Z",
                   .meta_robots = "noindex, nofollow",
                   .canonical_url = "https://blog.example.com/post",
                   .nofollow = true,
                   .outbound_links = 7,
                   .external_domains = 2,
                   .other_schemes = {{"mailto", 1}, {"javascript", 3}},
                   .body_words = 250,
                   .link_text_ratio = 0.125,
                   .main_terms = {"watches", "cheap"},
                   .site = {.https = true,
                            .has_canonical = true,
                            .has_contact = true,
                            .tracking_ids = {"UA-1234-1", "ca-pub-1234567890123456"}}};
}

Link SampleLink() {
  return Link{.url = "https://shop.target.co.uk/buy",
              .host = "shop.target.co.uk",
              .registrable_domain = "target.co.uk",
              .is_backlink = true,
              .anchor_text = "cheap watches",
              .anchor_kind = AnchorKind::kText,
              .rel = {"nofollow", "noopener", "sponsored", "external"},
              .snippet = "buy cheap watches here",
              .region = Region::kFooter,
              .hidden = true,
              .position = 3,
              .section_heading = "Sponsors › Gold",
              .article_label = "Advertisement",
              .list_item_links = 2,
              .image_from_target = true};
}

Score SampleScore() {
  return Score{.flags = {{.rule_id = "paid-footer",
                          .category = Category::kPaid,
                          .weight = 30,
                          .evidence = "footer link with rel=sponsored"},
                         {.rule_id = "money-anchor",
                          .category = Category::kForcedKeyword,
                          .weight = 35,
                          .evidence = "anchor 'cheap watches'"}},
               .quality_score = 35,
               .verdict = Verdict::kToxic};
}

class EventEncoderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::shared_ptr<const RuleSet>> parsed = RuleSet::Parse(kRules, "test-rules.yaml");
    ASSERT_TRUE(parsed.ok()) << parsed.failure().reason;
    rules_ = parsed.value();
  }

  v1::BacklinkEvent SampleEvent() const {
    return BuildEvent(SamplePage(), SampleLink(), SampleScore(), *rules_);
  }

  std::shared_ptr<const RuleSet> rules_;
};

TEST(ParseEventFormatTest, KnowsProtobufAndJson) {
  ASSERT_TRUE(ParseEventFormat("protobuf").ok());
  EXPECT_EQ(ParseEventFormat("protobuf").value(), EventFormat::kProtobuf);
  ASSERT_TRUE(ParseEventFormat("json").ok());
  EXPECT_EQ(ParseEventFormat("json").value(), EventFormat::kJson);
}

TEST(ParseEventFormatTest, RejectsOthers) {
  for (std::string_view name : {"avro", "JSON", ""}) {
    Result<EventFormat> format = ParseEventFormat(name);
    ASSERT_FALSE(format.ok()) << name;
    EXPECT_EQ(format.failure().stage, "encode");
    EXPECT_EQ(format.failure().reason,
              "unknown output format '" + std::string(name) + "' (expected protobuf or json)");
  }
}

TEST(EventIdTest, IsDeterministicLowerCaseHex) {
  const std::string id = EventId(SamplePage(), SampleLink());
  EXPECT_THAT(id, MatchesRegex("[0-9a-f]{32}"));
  EXPECT_EQ(id, EventId(SamplePage(), SampleLink()));
}

TEST(EventIdTest, DependsOnlyOnIdentityFields) {
  const std::string id = EventId(SamplePage(), SampleLink());

  Link other_position = SampleLink();
  other_position.position = 4;
  EXPECT_NE(EventId(SamplePage(), other_position), id);

  Link other_url = SampleLink();
  other_url.url = "https://shop.target.co.uk/sell";
  EXPECT_NE(EventId(SamplePage(), other_url), id);

  PageFacts other_page = SamplePage();
  other_page.url = "https://blog.example.com/other";
  EXPECT_NE(EventId(other_page, SampleLink()), id);

  PageFacts refetched = SamplePage();
  refetched.fetched_at = "2024-05-02T12:00:00Z";
  EXPECT_NE(EventId(refetched, SampleLink()), id);

  Link rescored = SampleLink();  // context and anchor are not part of the identity
  rescored.anchor_text = "watches";
  rescored.hidden = false;
  EXPECT_EQ(EventId(SamplePage(), rescored), id);
}

TEST(EventIdTest, SeparatesFieldBoundaries) {
  PageFacts page = SamplePage();
  page.url = "https://a.example/x";
  page.fetched_at = "1";
  PageFacts shifted = page;
  shifted.url = "https://a.example/x1";
  shifted.fetched_at = "";
  EXPECT_NE(EventId(page, SampleLink()), EventId(shifted, SampleLink()));
}

TEST_F(EventEncoderTest, BuildEventFillsEveryField) {
  const v1::BacklinkEvent event = SampleEvent();
  EXPECT_EQ(event.event_id(), EventId(SamplePage(), SampleLink()));

  EXPECT_EQ(event.source().url(), "https://blog.example.com/post");
  EXPECT_EQ(event.source().host(), "blog.example.com");
  EXPECT_EQ(event.source().registrable_domain(), "example.com");
  EXPECT_EQ(event.source().title(), "A post");
  EXPECT_EQ(event.source().lang(), "en");
  EXPECT_EQ(event.source().fetched_at(), "2024-05-01T12:00:00Z");

  EXPECT_EQ(event.target().url(), "https://shop.target.co.uk/buy");
  EXPECT_EQ(event.target().host(), "shop.target.co.uk");
  EXPECT_EQ(event.target().registrable_domain(), "target.co.uk");

  EXPECT_EQ(event.anchor().text(), "cheap watches");
  EXPECT_EQ(event.anchor().kind(), v1::ANCHOR_KIND_TEXT);
  EXPECT_TRUE(event.anchor().image_from_target());

  EXPECT_TRUE(event.rel().nofollow());
  EXPECT_TRUE(event.rel().sponsored());
  EXPECT_FALSE(event.rel().ugc());
  EXPECT_THAT(event.rel().other(), ::testing::ElementsAre("noopener", "external"));

  EXPECT_EQ(event.context().snippet(), "buy cheap watches here");
  EXPECT_EQ(event.context().region(), v1::REGION_FOOTER);
  EXPECT_TRUE(event.context().hidden());
  EXPECT_EQ(event.context().position(), 3);
  EXPECT_EQ(event.context().page_outbound_links(), 7);
  EXPECT_EQ(event.context().section_heading(), "Sponsors › Gold");
  EXPECT_EQ(event.context().article_label(), "Advertisement");
  EXPECT_EQ(event.context().list_item_links(), 2);

  ASSERT_EQ(event.flags_size(), 2);
  EXPECT_EQ(event.flags(0).rule_id(), "paid-footer");
  EXPECT_EQ(event.flags(0).category(), v1::CATEGORY_PAID);
  EXPECT_EQ(event.flags(0).weight(), 30);
  EXPECT_EQ(event.flags(0).evidence(), "footer link with rel=sponsored");
  EXPECT_EQ(event.flags(1).rule_id(), "money-anchor");
  EXPECT_EQ(event.flags(1).category(), v1::CATEGORY_FORCED_KEYWORD);

  EXPECT_EQ(event.quality_score(), 35);
  EXPECT_EQ(event.verdict(), v1::VERDICT_TOXIC);
  EXPECT_EQ(event.ruleset().name(), "test-rules");
  EXPECT_EQ(event.ruleset().name(), rules_->name());
  EXPECT_EQ(event.ruleset().hash(), rules_->hash());
}

TEST_F(EventEncoderTest, BuildEventFillsPageFactsAndSiteMarkers) {
  const v1::BacklinkEvent event = SampleEvent();
  const v1::PageFacts& facts = event.source().facts();
  EXPECT_EQ(facts.canonical_url(), "https://blog.example.com/post");
  EXPECT_TRUE(facts.nofollow());
  EXPECT_EQ(facts.meta_robots(), "noindex, nofollow");
  EXPECT_EQ(facts.external_domains(), 2);
  EXPECT_EQ(facts.other_schemes().size(), 2u);
  EXPECT_EQ(facts.other_schemes().at("javascript"), 3);
  EXPECT_EQ(facts.other_schemes().at("mailto"), 1);
  EXPECT_EQ(facts.body_words(), 250);
  EXPECT_DOUBLE_EQ(facts.link_text_ratio(), 0.125);
  EXPECT_THAT(facts.main_terms(), ElementsAre("watches", "cheap"));
  EXPECT_TRUE(facts.site().https());
  EXPECT_TRUE(facts.site().has_canonical());
  EXPECT_TRUE(facts.site().has_contact());
  EXPECT_THAT(facts.site().tracking_ids(), ElementsAre("UA-1234-1", "ca-pub-1234567890123456"));
}

TEST_F(EventEncoderTest, BuildEventMapsEveryEnumValue) {
  Link link = SampleLink();
  Score score = SampleScore();

  link.anchor_kind = AnchorKind::kImage;
  link.region = Region::kNavigation;
  link.rel = {"ugc"};
  score.verdict = Verdict::kClean;
  score.flags = {{.rule_id = "spam", .category = Category::kSpammy, .weight = 1, .evidence = ""}};
  v1::BacklinkEvent event = BuildEvent(SamplePage(), link, score, *rules_);
  EXPECT_EQ(event.anchor().kind(), v1::ANCHOR_KIND_IMAGE);
  EXPECT_EQ(event.context().region(), v1::REGION_NAV);
  EXPECT_TRUE(event.rel().ugc());
  EXPECT_FALSE(event.rel().nofollow());
  EXPECT_TRUE(event.rel().other().empty());
  EXPECT_EQ(event.verdict(), v1::VERDICT_CLEAN);
  EXPECT_EQ(event.flags(0).category(), v1::CATEGORY_SPAMMY);

  link.anchor_kind = AnchorKind::kEmpty;
  score.verdict = Verdict::kSuspicious;
  event = BuildEvent(SamplePage(), link, score, *rules_);
  EXPECT_EQ(event.anchor().kind(), v1::ANCHOR_KIND_EMPTY);
  EXPECT_EQ(event.verdict(), v1::VERDICT_SUSPICIOUS);

  const std::pair<Region, v1::Region> regions[] = {{Region::kContent, v1::REGION_CONTENT},
                                                   {Region::kHeader, v1::REGION_HEADER},
                                                   {Region::kSidebar, v1::REGION_SIDEBAR},
                                                   {Region::kComments, v1::REGION_COMMENTS},
                                                   {Region::kRelated, v1::REGION_RELATED},
                                                   {Region::kSponsored, v1::REGION_SPONSORED}};
  for (const auto& [region, expected] : regions) {
    link.region = region;
    EXPECT_EQ(BuildEvent(SamplePage(), link, score, *rules_).context().region(), expected);
  }
}

TEST_F(EventEncoderTest, BuildEventCarriesRelevanceSeverityAndTrust) {
  Score score = SampleScore();
  score.relevance = 42;
  score.flags[0].severity = Severity::kLow;
  score.flags[1].severity = Severity::kHigh;
  v1::BacklinkEvent event = BuildEvent(SamplePage(), SampleLink(), score, *rules_);
  EXPECT_EQ(event.context().relevance(), 42);
  EXPECT_EQ(event.flags(0).severity(), v1::SEVERITY_LOW);
  EXPECT_EQ(event.flags(1).severity(), v1::SEVERITY_HIGH);
  EXPECT_FALSE(event.has_trust());

  score.flags[0].severity = Severity::kMedium;
  score.trust = {.action = TrustAction::kBlock, .domain = "target.co.uk", .reason = "known link network"};
  event = BuildEvent(SamplePage(), SampleLink(), score, *rules_);
  EXPECT_EQ(event.flags(0).severity(), v1::SEVERITY_MEDIUM);
  EXPECT_EQ(event.trust().action(), v1::TRUST_ACTION_BLOCK);
  EXPECT_EQ(event.trust().domain(), "target.co.uk");
  EXPECT_EQ(event.trust().reason(), "known link network");
  score.trust.action = TrustAction::kAllow;
  EXPECT_EQ(BuildEvent(SamplePage(), SampleLink(), score, *rules_).trust().action(), v1::TRUST_ACTION_ALLOW);
}

TEST_F(EventEncoderTest, ProtobufRoundTrips) {
  const v1::BacklinkEvent event = SampleEvent();
  Result<EncodedEvent> encoded = Encode(event, EventFormat::kProtobuf);
  ASSERT_TRUE(encoded.ok()) << encoded.failure().reason;
  EXPECT_EQ(encoded.value().key, "target.co.uk");

  v1::BacklinkEvent decoded;
  ASSERT_TRUE(decoded.ParseFromString(encoded.value().value));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(decoded, event)) << decoded.DebugString();
}

TEST_F(EventEncoderTest, JsonUsesProtoNamesAndEnumNamesAndRoundTrips) {
  const v1::BacklinkEvent event = SampleEvent();
  Result<EncodedEvent> encoded = Encode(event, EventFormat::kJson);
  ASSERT_TRUE(encoded.ok()) << encoded.failure().reason;
  const std::string& json = encoded.value().value;
  EXPECT_EQ(encoded.value().key, "target.co.uk");

  EXPECT_THAT(json, HasSubstr(R"("event_id":")" + event.event_id() + "\""));
  EXPECT_THAT(json, HasSubstr(R"("quality_score":35)"));
  EXPECT_THAT(json, HasSubstr(R"("verdict":"VERDICT_TOXIC")"));
  EXPECT_THAT(json, HasSubstr(R"("registrable_domain":"target.co.uk")"));
  EXPECT_THAT(json, HasSubstr(R"("category":"CATEGORY_PAID")"));
  EXPECT_THAT(json, HasSubstr(R"("ugc":false)"));  // defaults are printed too
  EXPECT_THAT(json, Not(HasSubstr("qualityScore")));
  EXPECT_THAT(json, Not(HasSubstr("\n")));
  EXPECT_THAT(json, Not(HasSubstr(": ")));

  v1::BacklinkEvent decoded;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &decoded).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(decoded, event)) << decoded.DebugString();
}

TEST_F(EventEncoderTest, JsonPrintsDefaultsOfAnEmptyScore) {
  Link link = SampleLink();
  link.rel.clear();
  const v1::BacklinkEvent event = BuildEvent(SamplePage(), link, Score{}, *rules_);
  Result<EncodedEvent> encoded = Encode(event, EventFormat::kJson);
  ASSERT_TRUE(encoded.ok()) << encoded.failure().reason;
  EXPECT_THAT(encoded.value().value, HasSubstr(R"("flags":[])"));
  EXPECT_THAT(encoded.value().value, HasSubstr(R"("other":[])"));
  EXPECT_THAT(encoded.value().value, HasSubstr(R"("quality_score":100)"));
  EXPECT_THAT(encoded.value().value, HasSubstr(R"("verdict":"VERDICT_CLEAN")"));
}

// Maps are written in key order whatever their hash order, so a page always gives the same bytes.
TEST_F(EventEncoderTest, WritesMapKeysInOrderSoThatEqualEventsHaveEqualBytes) {
  PageFacts page = SamplePage();
  page.other_schemes.clear();
  std::string expected;
  for (char letter = 'a'; letter <= 'p'; ++letter) {
    const std::string scheme = std::string(1, letter) + "scheme";
    page.other_schemes[scheme] = letter - 'a' + 1;
    expected += (expected.empty() ? "" : ",") + ("\"" + scheme + "\":" + std::to_string(letter - 'a' + 1));
  }
  const v1::BacklinkEvent event = BuildEvent(page, SampleLink(), SampleScore(), *rules_);
  Result<EncodedEvent> json = Encode(event, EventFormat::kJson);
  ASSERT_TRUE(json.ok()) << json.failure().reason;
  EXPECT_THAT(json.value().value, HasSubstr("\"other_schemes\":{" + expected + "}"));

  const v1::BacklinkEvent same = BuildEvent(page, SampleLink(), SampleScore(), *rules_);
  for (EventFormat format : {EventFormat::kProtobuf, EventFormat::kJson}) {
    Result<EncodedEvent> first = Encode(event, format);
    Result<EncodedEvent> second = Encode(same, format);
    ASSERT_TRUE(first.ok() && second.ok());
    EXPECT_EQ(first.value().value, second.value().value);
  }
}

TEST(EncodeTest, KeyIsTargetRegistrableDomain) {
  v1::BacklinkEvent event;
  event.mutable_target()->set_registrable_domain("example.org");
  event.mutable_target()->set_host("www.example.org");
  for (EventFormat format : {EventFormat::kProtobuf, EventFormat::kJson}) {
    Result<EncodedEvent> encoded = Encode(event, format);
    ASSERT_TRUE(encoded.ok()) << encoded.failure().reason;
    EXPECT_EQ(encoded.value().key, "example.org");
    EXPECT_EQ(encoded.value().kind, EventKind::kBacklink);
  }
}

}  // namespace
}  // namespace backlint
