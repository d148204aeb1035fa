#include "backlint/score/rule_set.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace backlint {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

constexpr char kDefaultRules[] = BACKLINT_SOURCE_DIR "/rules/default.yaml";

PageFacts BlogPage() {
  PageFacts page;
  page.url = "https://blog.example.com/2024/05/hiking-the-alps";
  page.host = "blog.example.com";
  page.registrable_domain = "example.com";
  page.title = "Hiking the Alps in May";
  page.lang = "en";
  page.meta_robots = "index, follow";
  page.outbound_links = 12;
  return page;
}

// A link an editor chose: descriptive anchor, in the article body, no rel.
Link EditorialLink() {
  Link link;
  link.url = "https://www.alpenverein.de/touren/zugspitze";
  link.host = "www.alpenverein.de";
  link.registrable_domain = "alpenverein.de";
  link.is_backlink = true;
  link.anchor_text = "the Alpine Club's route guide";
  link.anchor_kind = AnchorKind::kText;
  link.snippet = "On the second day we followed the Alpine Club's route guide up to the hut.";
  link.region = Region::kContent;
  link.position = 4;
  return link;
}

std::shared_ptr<const RuleSet> MustParse(std::string_view yaml) {
  auto result = RuleSet::Parse(yaml, "test.yaml");
  if (!result.ok()) {
    ADD_FAILURE() << result.failure().reason;
    return nullptr;
  }
  return result.value();
}

// The failure reason, or "loaded" when the file is valid.
std::string ErrorOf(std::string_view yaml) {
  auto result = RuleSet::Parse(yaml, "test.yaml");
  if (result.ok()) return "loaded";
  EXPECT_EQ(result.failure().stage, "rules");
  return result.failure().reason;
}

std::vector<std::string> FiredIds(const Score& score) {
  std::vector<std::string> ids;
  for (const Flag& flag : score.flags) ids.push_back(flag.rule_id);
  return ids;
}

// A one-rule file; `when` is the predicate in YAML flow style, and the file defines two lists.
std::string OneRuleFile(std::string_view when, std::string_view evidence = "\"fired\"") {
  std::ostringstream yaml;
  yaml << "name: test\n"
          "lists:\n"
          "  phrases: [cheap payday loans, Buy  Viagra Online]\n"
          "  spam_tlds: [.xyz, .top]\n"
          "  plain_http: [\"http://\"]\n"
          "  qualifiers: [sponsored, ugc]\n"
          "rules:\n"
          "  - id: probe\n"
          "    category: spammy\n"
          "    weight: 10\n"
          "    when: "
       << when << "\n    evidence: " << evidence << "\n";
  return yaml.str();
}

bool Fires(std::string_view when, const Link& link, const PageFacts& page = BlogPage()) {
  const auto rules = MustParse(OneRuleFile(when));
  return rules != nullptr && !rules->Evaluate(link, page).flags.empty();
}

// ---------------------------------------------------------------------------------------------------------
// The default rule set.

class DefaultRulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto result = RuleSet::LoadFile(kDefaultRules);
    ASSERT_TRUE(result.ok()) << result.failure().reason;
    rules_ = result.value();
  }

  Score Evaluate(const Link& link, const PageFacts& page = BlogPage()) const {
    return rules_->Evaluate(link, page);
  }

  std::shared_ptr<const RuleSet> rules_;
};

TEST_F(DefaultRulesTest, LoadsWithNameAndHash) {
  EXPECT_EQ(rules_->name(), "backlint-default");
  EXPECT_THAT(rules_->hash(), MatchesRegex("[0-9a-f]{32}"));
}

TEST_F(DefaultRulesTest, EditorialLinkIsClean) {
  const Score score = Evaluate(EditorialLink());
  EXPECT_THAT(score.flags, IsEmpty());
  EXPECT_EQ(score.quality_score, 100);
  EXPECT_EQ(score.verdict, Verdict::kClean);
}

TEST_F(DefaultRulesTest, DeclaredSponsoredLinkIsFlaggedButClean) {
  Link link = EditorialLink();
  link.rel = {"nofollow", "sponsored"};
  const Score score = Evaluate(link);
  ASSERT_THAT(FiredIds(score), ElementsAre("paid.rel-sponsored"));
  EXPECT_EQ(score.flags[0].category, Category::kPaid);
  EXPECT_EQ(score.flags[0].weight, 15);
  EXPECT_EQ(score.flags[0].evidence,
            "rel=\"nofollow sponsored\" declares a paid placement to www.alpenverein.de");
  EXPECT_EQ(score.quality_score, 85);
  EXPECT_EQ(score.verdict, Verdict::kClean);
}

TEST_F(DefaultRulesTest, SponsorshipInTextWithoutRelIsSuspicious) {
  Link link = EditorialLink();
  link.snippet = "Sponsored post. Book your tour with our partner today!";
  const Score score = Evaluate(link);
  EXPECT_THAT(FiredIds(score), ElementsAre("paid.disclosed-in-text-without-rel"));
  EXPECT_EQ(score.quality_score, 65);
  EXPECT_EQ(score.verdict, Verdict::kSuspicious);

  link.rel = {"nofollow"};
  EXPECT_THAT(Evaluate(link).flags, IsEmpty());
}

TEST_F(DefaultRulesTest, ExactMoneyAnchorIsForcedKeyword) {
  Link link = EditorialLink();
  link.anchor_text = "Cheap  Payday Loans ";
  const Score score = Evaluate(link);
  ASSERT_THAT(FiredIds(score), ElementsAre("forced_keyword.exact-money-anchor"));
  EXPECT_EQ(score.flags[0].category, Category::kForcedKeyword);
  EXPECT_EQ(score.flags[0].evidence,
            "anchor \"Cheap  Payday Loans \" is an exact-match money keyword pointing to www.alpenverein.de");
  EXPECT_EQ(score.quality_score, 55);
  EXPECT_EQ(score.verdict, Verdict::kSuspicious);
}

TEST_F(DefaultRulesTest, MoneyKeywordInsideAnchorScoresLower) {
  Link link = EditorialLink();
  link.anchor_text = "where to find cheap payday loans, fast";
  const Score score = Evaluate(link);
  EXPECT_THAT(FiredIds(score), ElementsAre("forced_keyword.money-keyword-in-anchor"));
  EXPECT_EQ(score.quality_score, 75);
}

TEST_F(DefaultRulesTest, NaturalAndUrlAnchorsAreNotMoneyAnchors) {
  for (const char* anchor : {"https://pharmacy.example.net/buy-viagra-online", "www.cheap-flights.example",
                             "Payday lending rules, explained", "a replica of the Rolex Submariner",
                             "Casino Royale (2006)", "SEO"}) {
    Link link = EditorialLink();
    link.anchor_text = anchor;
    EXPECT_THAT(Evaluate(link).flags, IsEmpty()) << anchor;
  }
}

TEST_F(DefaultRulesTest, HiddenLinkIsToxic) {
  Link link = EditorialLink();
  link.hidden = true;
  const Score score = Evaluate(link);
  ASSERT_THAT(FiredIds(score), ElementsAre("spammy.hidden-link"));
  EXPECT_EQ(score.flags[0].category, Category::kSpammy);
  EXPECT_EQ(score.flags[0].evidence,
            "hidden link to https://www.alpenverein.de/touren/zugspitze with anchor \"the Alpine Club's "
            "route guide\"");
  EXPECT_EQ(score.quality_score, 30);
  EXPECT_EQ(score.verdict, Verdict::kToxic);
}

TEST_F(DefaultRulesTest, CommentLinkNeedsUgcOrNofollow) {
  Link link = EditorialLink();
  link.region = Region::kComments;
  EXPECT_THAT(FiredIds(Evaluate(link)), ElementsAre("spammy.comment-link-without-ugc"));
  link.rel = {"ugc"};
  EXPECT_THAT(Evaluate(link).flags, IsEmpty());
  link.rel = {"nofollow"};
  EXPECT_THAT(Evaluate(link).flags, IsEmpty());
}

TEST_F(DefaultRulesTest, LinkFarmPageAddsWeight) {
  PageFacts page = BlogPage();
  page.outbound_links = 400;
  const Score score = Evaluate(EditorialLink(), page);
  ASSERT_THAT(FiredIds(score), ElementsAre("spammy.link-farm-page"));
  EXPECT_EQ(score.flags[0].evidence, "blog.example.com has 400 outbound links");
  EXPECT_EQ(score.verdict, Verdict::kClean);
}

TEST_F(DefaultRulesTest, SignalsAddUpAndClampAtZero) {
  Link link = EditorialLink();
  link.hidden = true;
  link.anchor_text = "buy viagra online";
  const Score score = Evaluate(link);
  EXPECT_THAT(FiredIds(score), ElementsAre("forced_keyword.exact-money-anchor", "spammy.hidden-link"));
  EXPECT_EQ(score.quality_score, 0);
  EXPECT_EQ(score.verdict, Verdict::kToxic);
}

// ---------------------------------------------------------------------------------------------------------
// Scoring arithmetic.

// Rules "a" and "b" always fire (hidden is false on the editorial link).
std::string TwoRuleFile(std::string_view scoring, double weight_a, double weight_b) {
  std::ostringstream yaml;
  yaml << "name: arithmetic\n" << scoring;
  yaml << "rules:\n";
  for (auto [id, weight] : {std::pair{"a", weight_a}, std::pair{"b", weight_b}}) {
    yaml << "  - {id: " << id << ", category: paid, weight: " << weight
         << ", when: {field: hidden, equals: false}, evidence: x}\n";
  }
  return yaml.str();
}

Score ScoreWith(std::string_view scoring, double weight_a, double weight_b) {
  const auto rules = MustParse(TwoRuleFile(scoring, weight_a, weight_b));
  return rules == nullptr ? Score{} : rules->Evaluate(EditorialLink(), BlogPage());
}

TEST(ScoringTest, SubtractsWeightsFromStartAndRounds) {
  const std::string scoring = "scoring: {start: 90, suspicious_below: 70, toxic_below: 30}\n";
  EXPECT_EQ(ScoreWith(scoring, 2.4, 2.4).quality_score, 85);    // 85.2
  EXPECT_EQ(ScoreWith(scoring, 2.25, 2.25).quality_score, 86);  // 85.5 rounds half away from zero
  EXPECT_EQ(ScoreWith(scoring, 0, 0).quality_score, 90);
  EXPECT_EQ(ScoreWith(scoring, 80, 80).quality_score, 0);
  EXPECT_EQ(ScoreWith(scoring, 1000, 0).quality_score, 0);
}

TEST(ScoringTest, VerdictThresholdsAreExclusive) {
  const std::string scoring = "scoring: {suspicious_below: 80, toxic_below: 40}\n";
  EXPECT_EQ(ScoreWith(scoring, 10, 10).verdict, Verdict::kClean);       // 80
  EXPECT_EQ(ScoreWith(scoring, 10, 11).verdict, Verdict::kSuspicious);  // 79
  EXPECT_EQ(ScoreWith(scoring, 30, 30).verdict, Verdict::kSuspicious);  // 40
  EXPECT_EQ(ScoreWith(scoring, 30, 31).verdict, Verdict::kToxic);       // 39
}

TEST(ScoringTest, DefaultsWithoutScoringSection) {
  const Score score = ScoreWith("", 10, 11);
  EXPECT_EQ(score.quality_score, 79);
  EXPECT_EQ(score.verdict, Verdict::kSuspicious);
}

TEST(ScoringTest, DisabledRuleDoesNotFire) {
  const auto rules = MustParse(R"(name: t
rules:
  - {id: off, category: paid, weight: 50, enabled: false, when: {field: hidden, equals: false}, evidence: x}
  - {id: on, category: paid, weight: 5, enabled: true, when: {field: hidden, equals: false}, evidence: x}
)");
  ASSERT_NE(rules, nullptr);
  const Score score = rules->Evaluate(EditorialLink(), BlogPage());
  EXPECT_THAT(FiredIds(score), ElementsAre("on"));
  EXPECT_EQ(score.quality_score, 95);
}

TEST(ScoringTest, CategoryAndVerdictNames) {
  EXPECT_EQ(ToString(Category::kPaid), "paid");
  EXPECT_EQ(ToString(Category::kForcedKeyword), "forced_keyword");
  EXPECT_EQ(ToString(Category::kSpammy), "spammy");
  EXPECT_EQ(ToString(Verdict::kClean), "clean");
  EXPECT_EQ(ToString(Verdict::kSuspicious), "suspicious");
  EXPECT_EQ(ToString(Verdict::kToxic), "toxic");
}

// ---------------------------------------------------------------------------------------------------------
// Predicates.

TEST(PredicateTest, EqualsComparesTextCaseInsensitively) {
  const Link link = EditorialLink();
  EXPECT_TRUE(Fires("{field: target.host, equals: WWW.Alpenverein.DE}", link));
  EXPECT_FALSE(Fires("{field: target.host, equals: alpenverein.de}", link));
  EXPECT_TRUE(Fires("{field: page.lang, equals: EN}", link));
  EXPECT_TRUE(Fires("{field: anchor.kind, equals: text}", link));
  EXPECT_TRUE(Fires("{field: region, equals: content}", link));
  EXPECT_FALSE(Fires("{field: region, equals: footer}", link));
}

TEST(PredicateTest, PageFactsFieldsFromExtraction) {
  Link link = EditorialLink();
  link.region = Region::kSponsored;
  PageFacts page = BlogPage();
  page.nofollow = true;
  page.external_domains = 3;
  page.body_words = 420;
  page.link_text_ratio = 0.256;
  page.canonical_url = "https://blog.example.com/hiking";
  page.main_terms = {"alps", "hiking"};
  page.site = {.https = true, .has_canonical = true, .has_contact = false, .tracking_ids = {"UA-1234-1"}};
  EXPECT_TRUE(Fires("{field: region, equals: sponsored}", link, page));
  EXPECT_TRUE(Fires("{field: page.nofollow, equals: true}", link, page));
  EXPECT_TRUE(Fires("{field: page.external_domains, greater_than: 2}", link, page));
  EXPECT_TRUE(Fires("{field: page.body_words, less_than: 500}", link, page));
  EXPECT_TRUE(Fires("{field: page.link_text_percent, equals: 26}", link, page));
  EXPECT_TRUE(Fires("{field: page.canonical_url, contains: /hiking}", link, page));
  EXPECT_TRUE(Fires("{field: page.main_terms, contains: alps}", link, page));
  EXPECT_TRUE(Fires("{field: page.https, equals: true}", link, page));
  EXPECT_TRUE(Fires("{field: page.has_canonical, equals: true}", link, page));
  EXPECT_FALSE(Fires("{field: page.has_contact, equals: true}", link, page));
  EXPECT_TRUE(Fires("{field: page.tracking_ids, contains: UA-1234-1}", link, page));
}

TEST(PredicateTest, EqualsOnBooleanAndIntegerFields) {
  const Link link = EditorialLink();
  EXPECT_TRUE(Fires("{field: hidden, equals: false}", link));
  EXPECT_FALSE(Fires("{field: hidden, equals: true}", link));
  EXPECT_TRUE(Fires("{field: position, equals: 4}", link));
  EXPECT_FALSE(Fires("{field: page.outbound_links, equals: 4}", link));
}

TEST(PredicateTest, ContainsIsTokenMembershipOnRelAndSubstringOnText) {
  Link link = EditorialLink();
  link.rel = {"nofollow", "ugc"};
  EXPECT_TRUE(Fires("{field: rel, contains: UGC}", link));
  EXPECT_FALSE(Fires("{field: rel, contains: follow}", link));
  EXPECT_TRUE(Fires("{field: snippet, contains: ROUTE guide}", link));
  EXPECT_TRUE(Fires("{field: page.url, contains: hiking}", link));
  EXPECT_FALSE(Fires("{field: page.title, contains: winter}", link));
}

TEST(PredicateTest, InListExactNormalisesCaseAndWhitespace) {
  Link link = EditorialLink();
  link.anchor_text = "  BUY viagra\tonline ";
  EXPECT_TRUE(Fires("{field: anchor.text, in_list: phrases}", link));
  EXPECT_TRUE(Fires("{field: anchor.text, in_list: phrases, match: exact}", link));
  link.anchor_text = "buy viagra online now";
  EXPECT_FALSE(Fires("{field: anchor.text, in_list: phrases}", link));
}

TEST(PredicateTest, InListWordMatchesWholeWords) {
  Link link = EditorialLink();
  const char* when = "{field: anchor.text, in_list: phrases, match: word}";
  for (const char* anchor :
       {"cheap payday loans", "Get Cheap-Payday-Loans!", "where to buy viagra online today"}) {
    link.anchor_text = anchor;
    EXPECT_TRUE(Fires(when, link)) << anchor;
  }
  for (const char* anchor : {"cheap payday loansharks", "supercheap payday loans", "cheap loans", ""}) {
    link.anchor_text = anchor;
    EXPECT_FALSE(Fires(when, link)) << anchor;
  }
}

TEST(PredicateTest, InListPrefixAndSuffix) {
  Link link = EditorialLink();
  link.url = "http://casino.example.xyz/bonus";
  link.host = "casino.example.xyz";
  EXPECT_TRUE(Fires("{field: target.host, in_list: spam_tlds, match: suffix}", link));
  EXPECT_FALSE(Fires("{field: target.host, in_list: spam_tlds, match: prefix}", link));
  EXPECT_TRUE(Fires("{field: target.url, in_list: plain_http, match: prefix}", link));
  EXPECT_FALSE(Fires("{field: target.host, in_list: spam_tlds, match: suffix}", EditorialLink()));
}

TEST(PredicateTest, InListOnRelMatchesAnyToken) {
  Link link = EditorialLink();
  link.rel = {"noopener", "ugc"};
  EXPECT_TRUE(Fires("{field: rel, in_list: qualifiers}", link));
  link.rel = {"noopener"};
  EXPECT_FALSE(Fires("{field: rel, in_list: qualifiers}", link));
}

TEST(PredicateTest, NumericBounds) {
  const Link link = EditorialLink();  // position 4, page.outbound_links 12
  EXPECT_TRUE(Fires("{field: position, greater_than: 3}", link));
  EXPECT_FALSE(Fires("{field: position, greater_than: 4}", link));
  EXPECT_TRUE(Fires("{field: position, less_than: 4.5}", link));
  EXPECT_FALSE(Fires("{field: page.outbound_links, less_than: 12}", link));
}

TEST(PredicateTest, Combinators) {
  const Link link = EditorialLink();
  EXPECT_TRUE(Fires("{all: [{field: hidden, equals: false}, {field: position, equals: 4}]}", link));
  EXPECT_FALSE(Fires("{all: [{field: hidden, equals: false}, {field: position, equals: 5}]}", link));
  EXPECT_TRUE(Fires("{any: [{field: hidden, equals: true}, {field: position, equals: 4}]}", link));
  EXPECT_FALSE(Fires("{any: [{field: hidden, equals: true}, {field: position, equals: 5}]}", link));
  EXPECT_TRUE(Fires("{not: {field: hidden, equals: true}}", link));
  EXPECT_TRUE(
      Fires("{not: {any: [{field: region, equals: nav}, {all: [{not: {field: position, less_than: 0}}, "
            "{field: rel, contains: ugc}]}]}}",
            link));
}

// ---------------------------------------------------------------------------------------------------------
// Evidence.

TEST(EvidenceTest, FillsPlaceholdersOfEveryType) {
  Link link = EditorialLink();
  link.rel = {"nofollow", "ugc"};
  const auto rules = MustParse(OneRuleFile("{field: hidden, equals: false}",
                                           "\"{anchor.text}|{rel}|{hidden}|{position}|{region}|{anchor.kind}|"
                                           "{page.outbound_links}|{target.registrable_domain}\""));
  ASSERT_NE(rules, nullptr);
  const Score score = rules->Evaluate(link, BlogPage());
  ASSERT_EQ(score.flags.size(), 1u);
  EXPECT_EQ(score.flags[0].evidence,
            "the Alpine Club's route guide|nofollow ugc|false|4|content|text|12|alpenverein.de");
}

TEST(EvidenceTest, LiteralTextAndEmptyValues) {
  Link link = EditorialLink();
  link.rel.clear();
  const auto literal = MustParse(OneRuleFile("{field: hidden, equals: false}", "\"no placeholders }\""));
  const auto empty_rel = MustParse(OneRuleFile("{field: hidden, equals: false}", "\"rel=[{rel}]\""));
  ASSERT_NE(literal, nullptr);
  ASSERT_NE(empty_rel, nullptr);
  EXPECT_EQ(literal->Evaluate(link, BlogPage()).flags[0].evidence, "no placeholders }");
  EXPECT_EQ(empty_rel->Evaluate(link, BlogPage()).flags[0].evidence, "rel=[]");
}

// ---------------------------------------------------------------------------------------------------------
// Validation: every error names the file, line and column and says what is allowed.

TEST(ValidationTest, UnknownRuleKey) {
  EXPECT_EQ(ErrorOf(R"(name: t
rules:
  - id: r
    category: spammy
    weight: 10
    when: {field: hidden, equals: true}
    colour: red
    evidence: e
)"),
            "test.yaml:7:5: unknown key 'colour' in a rule; allowed keys: id, category, weight, enabled, "
            "description, "
            "when, evidence");
}

TEST(ValidationTest, UnknownKeysAtEveryLevel) {
  EXPECT_EQ(ErrorOf("name: t\nrule: []\n"),
            "test.yaml:2:1: unknown key 'rule' in the rule file; allowed keys: name, scoring, lists, rules");
  EXPECT_EQ(
      ErrorOf("name: t\nscoring: {start: 100, toxic: 30}\nrules: []\n"),
      "test.yaml:2:23: unknown key 'toxic' in 'scoring'; allowed keys: start, suspicious_below, toxic_below");
  EXPECT_THAT(
      ErrorOf(OneRuleFile("{field: hidden, equal: true}")),
      StartsWith("test.yaml:11:27: unknown key 'equal' in a predicate; allowed keys: field, equals,"));
}

TEST(ValidationTest, SyntaxError) {
  EXPECT_EQ(ErrorOf("name: t\nrules: [\n  {id: r\n"), "test.yaml:4:1: end of map flow not found");
}

TEST(ValidationTest, EmptyFileAndWrongTopLevel) {
  EXPECT_EQ(ErrorOf(""),
            "test.yaml:1:1: the rule file is empty; expected a map with keys name, scoring, lists, rules");
  EXPECT_EQ(ErrorOf("- a\n"),
            "test.yaml:1:1: the rule file must be a map like {name: ..., rules: [...]}, got a list");
}

TEST(ValidationTest, MissingRequiredKeys) {
  EXPECT_EQ(ErrorOf("rules: []\n"), "test.yaml:1:1: the rule file is missing required key 'name'");
  EXPECT_EQ(ErrorOf("name: t\n"), "test.yaml:1:1: the rule file is missing required key 'rules'");
  EXPECT_EQ(
      ErrorOf("name: t\nrules:\n  - id: r\n    category: paid\n    when: {field: hidden, equals: true}\n"
              "    evidence: e\n"),
      "test.yaml:3:5: rule 'r' is missing required key 'weight'");
}

TEST(ValidationTest, WrongTypes) {
  EXPECT_EQ(ErrorOf("name: t\nrules: {}\n"), "test.yaml:2:8: 'rules' must be a list of rules, got a map");
  EXPECT_EQ(ErrorOf("name: [a]\nrules: []\n"), "test.yaml:1:7: 'name' must be a string, got a list");
  EXPECT_EQ(
      ErrorOf(
          "name: t\nrules:\n  - {id: r, category: paid, weight: heavy, when: {field: hidden, equals: true}, "
          "evidence: e}\n"),
      "test.yaml:3:37: 'weight' must be a number, got 'heavy'");
  EXPECT_EQ(ErrorOf("name: t\nrules:\n  - id: r\n    category: paid\n    weight:\n"),
            "test.yaml:5:5: 'weight' must be a number, got nothing");
  EXPECT_EQ(ErrorOf(OneRuleFile("{field: hidden, equals: maybe}")),
            "test.yaml:11:35: 'equals' must be true or false, got 'maybe'");
  EXPECT_EQ(ErrorOf(OneRuleFile("{field: position, equals: 1.5}")),
            "test.yaml:11:37: 'equals' must be an integer, got '1.5'");
  EXPECT_EQ(ErrorOf("name: t\nlists: {words: cheap}\nrules: []\n"),
            "test.yaml:2:16: list 'words' must be a list of strings, got 'cheap'");
}

TEST(ValidationTest, UnknownCategory) {
  EXPECT_EQ(
      ErrorOf("name: t\nrules:\n  - {id: r, category: spam, weight: 1, when: {field: hidden, equals: true}, "
              "evidence: e}\n"),
      "test.yaml:3:23: unknown category 'spam'; allowed: paid, forced_keyword, spammy");
}

TEST(ValidationTest, UnknownField) {
  EXPECT_THAT(
      ErrorOf(OneRuleFile("{field: anchor.txt, equals: x}")),
      StartsWith("test.yaml:11:19: unknown field 'anchor.txt'; allowed fields: target.url, target.host,"));
}

TEST(ValidationTest, OperatorNotValidForField) {
  EXPECT_EQ(
      ErrorOf(OneRuleFile("{field: anchor.text, greater_than: 3}")),
      "test.yaml:11:32: operator 'greater_than' does not apply to text field 'anchor.text'; use one of: "
      "equals, contains, in_list");
  EXPECT_EQ(
      ErrorOf(OneRuleFile("{field: rel, equals: sponsored}")),
      "test.yaml:11:24: operator 'equals' does not apply to token list field 'rel'; use one of: contains, "
      "in_list");
  EXPECT_EQ(
      ErrorOf(OneRuleFile("{field: hidden, in_list: phrases}")),
      "test.yaml:11:27: operator 'in_list' does not apply to boolean field 'hidden'; use one of: equals");
  EXPECT_EQ(
      ErrorOf(OneRuleFile("{field: region, equals: comment}")),
      "test.yaml:11:35: 'region' is never 'comment'; its values are: content, nav, header, footer, sidebar, "
      "comments, related, sponsored");
}

TEST(ValidationTest, MalformedPredicates) {
  EXPECT_EQ(ErrorOf(OneRuleFile("{field: position, greater_than: 1, less_than: 9}")),
            "test.yaml:11:46: a predicate takes one operator, found 'greater_than' and 'less_than'; combine "
            "conditions with all or any");
  EXPECT_EQ(
      ErrorOf(OneRuleFile("{field: position}")),
      "test.yaml:11:11: predicate on 'position' needs one operator: equals, contains, in_list, greater_than, "
      "less_than");
  EXPECT_EQ(
      ErrorOf(OneRuleFile("{all: [], field: hidden}")),
      "test.yaml:11:12: 'all' must be the only key of its predicate; put the other conditions inside it");
  EXPECT_EQ(ErrorOf(OneRuleFile("{any: []}")),
            "test.yaml:11:17: 'any' must be a non-empty list of predicates, got a list");
  EXPECT_EQ(ErrorOf(OneRuleFile("{field: rel, contains: ugc, match: word}")),
            "test.yaml:11:39: 'match' only applies to in_list");
  EXPECT_EQ(ErrorOf(OneRuleFile("{field: anchor.text, in_list: phrases, match: fuzzy}")),
            "test.yaml:11:57: unknown match 'fuzzy'; allowed: exact, word, prefix, suffix");
  EXPECT_EQ(ErrorOf(OneRuleFile("sponsored")),
            "test.yaml:11:11: a predicate must be a map like {field: rel, contains: sponsored} or {all: "
            "[...]}, got "
            "'sponsored'");
}

TEST(ValidationTest, UnknownList) {
  EXPECT_EQ(
      ErrorOf(OneRuleFile("{field: anchor.text, in_list: money}")),
      "test.yaml:11:41: unknown list 'money'; defined lists: phrases, plain_http, qualifiers, spam_tlds");
}

TEST(ValidationTest, DuplicateRuleIdAndDuplicateKey) {
  EXPECT_EQ(
      ErrorOf("name: t\nrules:\n"
              "  - {id: r, category: paid, weight: 1, when: {field: hidden, equals: true}, evidence: e}\n"
              "  - {id: r, category: paid, weight: 2, when: {field: hidden, equals: true}, evidence: e}\n"),
      "test.yaml:4:10: duplicate rule id 'r' (first defined on line 3)");
  EXPECT_EQ(ErrorOf("name: t\nname: u\nrules: []\n"), "test.yaml:2:1: duplicate key 'name' in the rule file");
}

TEST(ValidationTest, NegativeWeight) {
  EXPECT_EQ(
      ErrorOf("name: t\nrules:\n  - {id: r, category: paid, weight: -5, when: {field: hidden, equals: true}, "
              "evidence: e}\n"),
      "test.yaml:3:37: 'weight' must be >= 0, got -5");
}

TEST(ValidationTest, BadThresholds) {
  EXPECT_EQ(ErrorOf("name: t\nscoring: {suspicious_below: 50, toxic_below: 60}\nrules: []\n"),
            "test.yaml:2:46: 'toxic_below' (60) must not exceed 'suspicious_below' (50)");
  EXPECT_EQ(ErrorOf("name: t\nscoring: {start: 120}\nrules: []\n"),
            "test.yaml:2:18: 'start' must be between 0 and 100, got 120");
}

TEST(ValidationTest, BadPlaceholders) {
  EXPECT_THAT(
      ErrorOf(OneRuleFile("{field: hidden, equals: true}", "\"to {target.hots}\"")),
      StartsWith("test.yaml:12:15: unknown placeholder '{target.hots}' in 'evidence'; allowed fields: "
                 "target.url,"));
  EXPECT_EQ(
      ErrorOf(OneRuleFile("{field: hidden, equals: true}", "\"to {target.host\"")),
      "test.yaml:12:15: 'evidence' has a '{' without a closing '}'; placeholders look like {anchor.text}");
}

TEST(ValidationTest, DisabledRulesAreStillValidated) {
  EXPECT_THAT(ErrorOf("name: t\nrules:\n  - {id: r, category: paid, weight: 1, enabled: false, "
                      "when: {field: nope, equals: true}, evidence: e}\n"),
              StartsWith("test.yaml:3:70: unknown field 'nope'"));
}

TEST(ValidationTest, UnreadableFileNamesThePath) {
  auto result = RuleSet::LoadFile("/nonexistent/rules.yaml");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure().stage, "rules");
  EXPECT_THAT(result.failure().reason, StartsWith("/nonexistent/rules.yaml: cannot open the rule file: "));
}

TEST(ValidationTest, LoadFileUsesThePathAsSourceName) {
  const std::string path = ::testing::TempDir() + "/bad_rules.yaml";
  std::ofstream(path) << "name: t\nrules: 3\n";
  auto result = RuleSet::LoadFile(path);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure().reason, path + ":2:8: 'rules' must be a list of rules, got '3'");
}

// ---------------------------------------------------------------------------------------------------------
// Hash.

TEST(HashTest, IsADigestOfTheBytes) {
  const std::string yaml = "name: t\nrules: []\n";
  const auto first = MustParse(yaml);
  const auto same = MustParse(yaml);
  const auto commented = MustParse(yaml + "# a comment changes the bytes\n");
  ASSERT_NE(first, nullptr);
  ASSERT_NE(same, nullptr);
  ASSERT_NE(commented, nullptr);
  EXPECT_THAT(first->hash(), MatchesRegex("[0-9a-f]{32}"));
  EXPECT_EQ(first->hash(), same->hash());
  EXPECT_NE(first->hash(), commented->hash());
}

TEST(HashTest, LoadFileHashesTheFileContent) {
  std::ifstream file(kDefaultRules, std::ios::binary);
  std::ostringstream bytes;
  bytes << file.rdbuf();
  const auto parsed = MustParse(bytes.str());
  auto loaded = RuleSet::LoadFile(kDefaultRules);
  ASSERT_NE(parsed, nullptr);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(parsed->hash(), loaded.value()->hash());
}

}  // namespace
}  // namespace backlint
