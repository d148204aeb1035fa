#include "backlint/score/rule_set.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <re2/re2.h>

#include <cctype>
#include <fstream>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "score_fixtures.h"

namespace backlint {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

template <typename... Parts>
std::string Cat(const Parts&... parts) {
  std::string out;
  (out.append(std::string_view(parts)), ...);
  return out;
}

constexpr char kDefaultRules[] = BACKLINT_SOURCE_DIR "/rules/default.yaml";

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

// Closed fields compare their value's position among the names they print: every name must select exactly
// the links printed with it.
TEST(PredicateTest, EqualsOnClosedFieldsSelectsExactlyThatValue) {
  constexpr Region kRegions[] = {Region::kContent, Region::kNavigation, Region::kHeader, Region::kFooter,
                                 Region::kSidebar, Region::kComments,   Region::kRelated, Region::kSponsored};
  constexpr AnchorKind kKinds[] = {AnchorKind::kText, AnchorKind::kImage, AnchorKind::kEmpty};
  Link link = EditorialLink();
  for (Region asked : kRegions) {
    for (Region actual : kRegions) {
      link.region = actual;
      EXPECT_EQ(Fires(Cat("{field: region, equals: ", ToString(asked), "}"), link), asked == actual)
          << ToString(asked) << " on " << ToString(actual);
    }
  }
  for (AnchorKind asked : kKinds) {
    for (AnchorKind actual : kKinds) {
      link.anchor_kind = actual;
      EXPECT_EQ(Fires(Cat("{field: anchor.kind, equals: ", ToString(asked), "}"), link), asked == actual)
          << ToString(asked) << " on " << ToString(actual);
    }
  }
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

TEST(PredicateTest, MatchesIsAnRe2SearchIgnoringCase) {
  Link link = EditorialLink();
  link.url = "https://www.amazon.com/dp/B00X?tag=hikerblog-20&th=1";
  EXPECT_TRUE(Fires(R"({field: target.url, matches: '[?&]tag=[a-z0-9-]+-2[0-9]\b'})", link));
  EXPECT_TRUE(Fires("{field: target.url, matches: 'AMAZON\\.com/dp/'}", link));
  EXPECT_FALSE(Fires("{field: target.url, matches: '^amazon'}", link));
  EXPECT_FALSE(Fires("{field: anchor.text, matches: '^route guide$'}", link));
  link.rel = {"noopener", "sponsored"};
  EXPECT_TRUE(Fires("{field: rel, matches: '^spons'}", link));
  EXPECT_FALSE(Fires("{field: rel, matches: '^ugc$'}", link));
}

// A backtracking engine never finishes this pattern on this input; RE2 answers in linear time.
TEST(PredicateTest, MatchesStaysLinearOnHostileInput) {
  Link link = EditorialLink();
  link.anchor_text = std::string(200000, 'a') + "!";
  EXPECT_FALSE(Fires("{field: anchor.text, matches: '^(a+)+$'}", link));
  EXPECT_TRUE(Fires("{field: anchor.text, matches: '(a|aa)+!$'}", link));
}

TEST(PredicateTest, InListWordStaysCorrectOnLongRepetitiveInput) {
  Link link = EditorialLink();
  std::string repeated;
  for (int i = 0; i < 20000; ++i) repeated += "cheap payday ";
  link.snippet = repeated;
  EXPECT_FALSE(Fires("{field: snippet, in_list: phrases, match: word}", link));
  link.snippet = repeated + "loans";
  EXPECT_TRUE(Fires("{field: snippet, in_list: phrases, match: word}", link));
}

// anchor.target_echo searches the host labels 16 positions at a time: on random anchors and hosts, with
// words at every offset and near the labels' ends, it must agree with a plain reading of its definition.
TEST(PredicateTest, AnchorTargetEchoAgreesWithItsDefinition) {
  constexpr std::string_view kWords[] = {"cheap", "Flights", "fli", "ght", "eap", "rome", "ro", "xx",
                                         "loans", "CHEAPFLIGHTS", "a1b", "to", "ccheap", "hts"};
  const auto lower = [](std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  };
  std::mt19937 random(20261201);
  for (int round = 0; round < 2000; ++round) {
    std::string anchor, labels;
    for (size_t count = random() % 6; count > 0; --count) anchor += Cat(kWords[random() % std::size(kWords)], " ");
    for (size_t count = 1 + random() % 8; count > 0; --count) {
      labels += Cat(kWords[random() % std::size(kWords)], random() % 3 == 0 ? "-" : random() % 2 == 0 ? "." : "");
    }
    if (labels.back() == '.' || labels.back() == '-') labels.pop_back();
    Link link = EditorialLink();
    link.anchor_text = anchor;
    link.host = labels + ".example";
    link.registrable_domain = "labels.example";
    std::string joined;  // the labels' letters and digits, lower-cased
    for (char c : labels) {
      if (std::isalnum(static_cast<unsigned char>(c))) joined += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    int words = 0, long_words = 0, echoed = 0;
    std::istringstream anchor_words(anchor);
    for (std::string word; anchor_words >> word;) {
      ++words;
      if (word.size() < 3) continue;
      ++long_words;
      echoed += joined.find(lower(word)) != std::string::npos ? 1 : 0;
    }
    const int expected = long_words == 0 ? 0 : echoed * 100 / long_words;
    // The words are counted along with the echo: asked after it, anchor.words must still be right.
    ASSERT_TRUE(Fires(Cat("{all: [{field: anchor.target_echo, equals: ", std::to_string(expected),
                          "}, {field: anchor.words, equals: ", std::to_string(words), "}]}"),
                      link))
        << "anchor '" << anchor << "', host '" << link.host << "'";
  }
}

// Words are runs of ASCII letters and digits and bytes outside ASCII, found 16 bytes at a time: anchors of
// every length around those steps, with words across them and separators of every kind.
TEST(PredicateTest, AnchorWordsAgreesWithItsDefinition) {
  constexpr std::string_view kPieces[] = {"a", "Zz9", " ", "  ", "-", "'", ".", "\xc3\xa9t\xc3\xa9", "\t", "word",
                                          "longerwordthansixteen", "\xe2\x80\x94", "_", "0"};
  const auto is_word_byte = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || (c & 0x80) != 0; };
  std::mt19937 random(20261202);
  for (int round = 0; round < 3000; ++round) {
    std::string anchor;
    for (size_t count = random() % 24; count > 0; --count) anchor += kPieces[random() % std::size(kPieces)];
    int words = 0;
    for (size_t i = 0; i < anchor.size(); ++i) {
      words += is_word_byte(anchor[i]) && (i == 0 || !is_word_byte(anchor[i - 1])) ? 1 : 0;
    }
    Link link = EditorialLink();
    link.anchor_text = anchor;
    ASSERT_TRUE(Fires(Cat("{field: anchor.words, equals: ", std::to_string(words), "}"), link))
        << "anchor '" << anchor << "'";
  }
}

TEST(PredicateTest, DerivedAnchorFields) {
  Link link = EditorialLink();  // "the Alpine Club's route guide": the, alpine, club, s, route, guide
  EXPECT_TRUE(Fires("{field: anchor.words, equals: 6}", link));
  EXPECT_TRUE(Fires("{field: anchor.target_echo, equals: 0}", link));
  link.anchor_text = "Cheap Flights to Rome";
  link.host = "www.cheap-flights.co.uk";
  link.registrable_domain = "cheap-flights.co.uk";
  // cheap, flights, rome (three letters or more): two of three are spelled in the host labels.
  EXPECT_TRUE(Fires("{field: anchor.target_echo, equals: 66}", link));
  link.text_chars_before = 17;
  EXPECT_TRUE(Fires("{field: text_chars_before, equals: 17}", link));
}

// ---------------------------------------------------------------------------------------------------------
// Cross-link fields and predicates: they see every link of the page.

Link BacklinkTo(std::string_view domain, std::string_view anchor, int text_chars_before = 40) {
  Link link = EditorialLink();
  link.host = std::string(domain);
  link.registrable_domain = std::string(domain);
  link.url = "https://" + std::string(domain) + "/";
  link.anchor_text = std::string(anchor);
  link.text_chars_before = text_chars_before;
  return link;
}

ExtractedPage PageWith(std::vector<Link> links) {
  ExtractedPage page;
  page.page = BlogPage();
  for (size_t i = 0; i < links.size(); ++i) links[i].position = static_cast<int>(i);
  page.links = std::move(links);
  return page;
}

// Per link of the page: did the one rule fire?
std::vector<bool> FiresOnPage(std::string_view when, const ExtractedPage& page) {
  std::vector<bool> fired;
  const auto rules = MustParse(OneRuleFile(when));
  if (rules == nullptr) return fired;
  for (const Score& score : rules->Evaluate(page)) fired.push_back(!score.flags.empty());
  return fired;
}

TEST(PageRulesTest, EvaluateScoresBacklinksOnlyIndexAligned) {
  Link internal = BacklinkTo("example.com", "About us");
  internal.is_backlink = false;
  const auto page = PageWith({BacklinkTo("a.example", "x"), internal, BacklinkTo("b.example", "y")});
  EXPECT_THAT(FiresOnPage("{field: hidden, equals: false}", page), ElementsAre(true, false, true));
}

// A field's patterns are searched once per distinct value of the page: links to the same host share the
// search, whether or not they follow each other, and every link gets its own value's answer.
TEST(PageRulesTest, MatchesSeesEachLinksOwnValueAlongThePage) {
  Link internal = BacklinkTo("casino.example", "About us");
  internal.is_backlink = false;
  const auto page = PageWith({BacklinkTo("casino.example", "a"), BacklinkTo("casino.example", "b"),
                              BacklinkTo("huts.example", "c"), BacklinkTo("huts.example", "d"), internal,
                              BacklinkTo("casino.example", "e"), BacklinkTo("Casino.example", "f")});
  EXPECT_THAT(FiresOnPage("{field: target.host, matches: casino}", page),
              ElementsAre(true, true, false, false, false, true, true));
  EXPECT_THAT(FiresOnPage("{all: [{field: anchor.text, matches: '^[bdf]$'}, {field: target.host, matches: casino}]}",
                          page),
              ElementsAre(false, true, false, false, false, false, true));
}

// A field's patterns run in two ways: whole-value shapes (^...$) alone, the others screened together in
// groups of at most 63, each answered at most once per distinct value of the page. Whatever the mix, every rule must fire
// exactly where an RE2 search of its own pattern finds it, on every link of randomised pages.
TEST(PageRulesTest, MatchesAgreesWithOneSearchPerPatternWhateverTheMix) {
  std::vector<std::string> patterns = {
      "^a",        "b$",           "^ab*$",     "(?-i)^[A-Z][a-z]*( [A-Z][a-z]*)*$", "a b",
      "^\\W*\\d+", "(x|yy)+$",     "^(a|b)+ $", "\\bba\\b",                      "(?i)^B",
      "\\$$",      "^\\[",          "c",         "^$",                                "(?-i)A"};
  // The same patterns again in groups, (?:...) once to five times: not whole-value shapes, so that each
  // field has more patterns than one set holds.
  for (size_t depth = 1, base = patterns.size(); depth <= 5; ++depth) {
    for (size_t i = 0; i < base; ++i) {
      std::string grouped = "(?:" + patterns[(depth - 1) * base + i] + ")";
      patterns.push_back(std::move(grouped));
    }
  }
  std::ostringstream yaml;
  yaml << "name: mix\nrules:\n";
  for (size_t i = 0; i < patterns.size(); ++i) {
    for (const char* field : {"anchor.text", "target.host"}) {
      yaml << "  - {id: '" << field << i << "', category: spammy, weight: 1, evidence: x, when: {field: " << field
           << ", matches: '" << patterns[i] << "'}}\n";
    }
  }
  const auto rules = MustParse(yaml.str());
  ASSERT_NE(rules, nullptr);
  RE2::Options options;
  options.set_case_sensitive(false);
  std::vector<std::unique_ptr<RE2>> regexes;
  for (const std::string& pattern : patterns) regexes.push_back(std::make_unique<RE2>(pattern, options));

  constexpr std::string_view kPieces[] = {"a", "A", "b", "B", " ", "x", "yy", "1", "$", "[", "c", "Ab", "ba"};
  std::mt19937 random(20261130);
  const auto random_text = [&] {
    std::string text;
    for (size_t count = random() % 6; count > 0; --count) text += kPieces[random() % std::size(kPieces)];
    return text;
  };
  for (int round = 0; round < 300; ++round) {
    std::vector<Link> links;
    for (size_t count = 1 + random() % 8; count > 0; --count) {
      // Repeat the previous link's values now and then, as consecutive links to one site do.
      links.push_back(!links.empty() && random() % 3 == 0 ? links.back() : BacklinkTo(random_text(), random_text()));
    }
    const ExtractedPage page = PageWith(links);
    const std::vector<Score> scores = rules->Evaluate(page);
    ASSERT_EQ(scores.size(), links.size());
    for (size_t link = 0; link < links.size(); ++link) {
      std::vector<std::string> expected;
      for (size_t i = 0; i < patterns.size(); ++i) {
        if (RE2::PartialMatch(links[link].anchor_text, *regexes[i])) expected.push_back("anchor.text" + std::to_string(i));
        if (RE2::PartialMatch(links[link].host, *regexes[i])) expected.push_back("target.host" + std::to_string(i));
      }
      std::vector<std::string> fired;
      for (const Flag& flag : scores[link].flags) fired.push_back(flag.rule_id);
      ASSERT_EQ(fired, expected) << "anchor '" << links[link].anchor_text << "', host '" << links[link].host << "'";
    }
  }
}

// A value is searched for a pattern only when a rule first asks about it for a link with that value: here
// each pattern is asked only for the links whose other field passed the rule's first test, in either order,
// and links of one value spread over several blocks. Every rule must still fire exactly where RE2 searches
// of its two patterns find both, whichever link asked first.
TEST(PageRulesTest, MatchesAnswersEveryLinkWhicheverLinkAskedFirst) {
  const std::vector<std::string> anchor_patterns = {"win", "\\bbig\\b", "^\\d", "free (spins|bets)", "(?-i)[A-Z]{2}"};
  const std::vector<std::string> host_patterns = {"casino", "^bet", "\\d{3}", "(x|q)[a-z]*\\.", "club$", "(?-i)[A-Z]"};
  std::ostringstream yaml;
  yaml << "name: asked\nrules:\n";
  for (size_t a = 0; a < anchor_patterns.size(); ++a) {
    for (size_t h = 0; h < host_patterns.size(); ++h) {
      const std::string anchor_test = "{field: anchor.text, matches: '" + anchor_patterns[a] + "'}";
      const std::string host_test = "{field: target.host, matches: '" + host_patterns[h] + "'}";
      yaml << "  - {id: ah" << a << h << ", category: spammy, weight: 1, evidence: x, when: {all: [" << anchor_test
           << ", " << host_test << "]}}\n";
      yaml << "  - {id: ha" << a << h << ", category: spammy, weight: 1, evidence: x, when: {all: [" << host_test
           << ", " << anchor_test << "]}}\n";
    }
  }
  const auto rules = MustParse(yaml.str());
  ASSERT_NE(rules, nullptr);
  RE2::Options options;
  options.set_case_sensitive(false);
  const auto compile = [&](const std::vector<std::string>& patterns) {
    std::vector<std::unique_ptr<RE2>> regexes;
    for (const std::string& pattern : patterns) regexes.push_back(std::make_unique<RE2>(pattern, options));
    return regexes;
  };
  const auto anchor_regexes = compile(anchor_patterns), host_regexes = compile(host_patterns);

  constexpr std::string_view kHosts[] = {"casino.example", "bet365.example", "xq.club",       "Big.Club",
                                         "plain.example",  "777casino.net",  "betting.example"};
  constexpr std::string_view kAnchorPieces[] = {"win", "big", "free spins", "7", "OK", " ", "bets", "x"};
  std::mt19937 random(20261202);
  for (int round = 0; round < 40; ++round) {
    std::vector<Link> links;
    for (size_t count = 1 + random() % 150; count > 0; --count) {
      std::string anchor;
      for (size_t pieces = random() % 4; pieces > 0; --pieces) anchor += kAnchorPieces[random() % std::size(kAnchorPieces)];
      links.push_back(BacklinkTo(kHosts[random() % std::size(kHosts)], anchor));
    }
    const std::vector<Score> scores = rules->Evaluate(PageWith(links));
    ASSERT_EQ(scores.size(), links.size());
    for (size_t link = 0; link < links.size(); ++link) {
      std::vector<std::string> expected;
      for (size_t a = 0; a < anchor_patterns.size(); ++a) {
        for (size_t h = 0; h < host_patterns.size(); ++h) {
          if (RE2::PartialMatch(links[link].anchor_text, *anchor_regexes[a]) &&
              RE2::PartialMatch(links[link].host, *host_regexes[h])) {
            expected.push_back("ah" + std::to_string(a) + std::to_string(h));
            expected.push_back("ha" + std::to_string(a) + std::to_string(h));
          }
        }
      }
      std::vector<std::string> fired;
      for (const Flag& flag : scores[link].flags) fired.push_back(flag.rule_id);
      ASSERT_EQ(fired, expected) << "link " << link << ", anchor '" << links[link].anchor_text << "', host '"
                                 << links[link].host << "'";
    }
  }
}

// The same for list tests: equal values share one normalised value, different ones do not.
TEST(PageRulesTest, InListSeesEachLinksOwnValueAlongThePage) {
  const auto page = PageWith({BacklinkTo("a.example", "Cheap payday loans"), BacklinkTo("a.example", "Cheap payday loans"),
                              BacklinkTo("a.example", "cheap hats"), BacklinkTo("a.example", "cheap hats"),
                              BacklinkTo("a.example", "buy viagra online now"), BacklinkTo("a.example", "cheap hats")});
  EXPECT_THAT(FiresOnPage("{field: anchor.text, in_list: phrases, match: word}", page),
              ElementsAre(true, true, false, false, true, false));
}

// Normalised values are kept in buffers reused from page to page: a page sees only its own values.
TEST(PageRulesTest, InListSeesNoValueOfTheEarlierPage) {
  const auto earlier = PageWith({BacklinkTo("a.example", "Cheap payday loans"), BacklinkTo("b.example", "cheap hats"),
                                 BacklinkTo("c.example", "buy viagra online now")});
  const auto later = PageWith({BacklinkTo("a.example", "cheap hats"), BacklinkTo("b.example", "Cheap payday loans")});
  const std::string_view when = "{field: anchor.text, in_list: phrases, match: word}";
  EXPECT_THAT(FiresOnPage(when, earlier), ElementsAre(true, false, true));
  EXPECT_THAT(FiresOnPage(when, later), ElementsAre(false, true));
  EXPECT_THAT(FiresOnPage(when, earlier), ElementsAre(true, false, true));
}

// Text analyses (list values, pattern sets, whole-value patterns) and the facts drawn from a link's texts
// are worked out once per distinct value of the page and shared by every link with that value. On random
// pages whose links draw host, URL, anchor and snippet apart from small pools (so that values repeat, far
// apart as often as not, and links to one host differ in URL), every rule must fire exactly where a plain
// reading of its test on that link's own values says.
TEST(PageRulesTest, SharedValuesGiveEachLinkItsOwnAnswer) {
  const auto rules = MustParse(R"(name: shared
lists:
  hosts: [a.example, " B.example "]
  words: [casino, cheap loans]
rules:
  - {id: host-set, category: spammy, weight: 1, evidence: x, when: {field: target.host, matches: 'b\.|c\.'}}
  - {id: host-whole, category: spammy, weight: 1, evidence: x, when: {field: target.host, matches: '^a\.example$'}}
  - {id: host-list, category: spammy, weight: 1, evidence: x, when: {field: target.host, in_list: hosts}}
  - {id: domain-list, category: spammy, weight: 1, evidence: "{target.page_links}",
     when: {field: target.registrable_domain, in_list: hosts}}
  - {id: url-set, category: spammy, weight: 1, evidence: x, when: {field: target.url, matches: '[?&]ref='}}
  - {id: url-whole, category: spammy, weight: 1, evidence: x, when: {field: target.url, matches: '^https://[^/]*/$'}}
  - {id: anchor-set, category: spammy, weight: 1, evidence: x, when: {field: anchor.text, matches: 'casino|huts'}}
  - {id: anchor-list, category: spammy, weight: 1, evidence: x, when: {field: anchor.text, in_list: words, match: word}}
  - {id: snippet-set, category: spammy, weight: 1, evidence: x, when: {field: snippet, matches: 'loans'}}
  - {id: facts, category: spammy, weight: 1, evidence: "{anchor.words} {anchor.target_echo} {relevance}",
     when: {field: hidden, equals: false}}
)");
  ASSERT_NE(rules, nullptr);
  constexpr std::string_view kHosts[] = {"a.example", "b.example", "B.example", "c.example", "casino.example"};
  constexpr std::string_view kPaths[] = {"/", "/?ref=1", "/huts", "/a?x=1&ref=2", "/casino/"};
  constexpr std::string_view kAnchors[] = {"casino", "Cheap  loans", "cheap loans", "alpine huts", "route", ""};
  constexpr std::string_view kSnippets[] = {"", "cheap loans here", "hiking the alpine huts route", "casino"};
  RE2::Options options;
  options.set_case_sensitive(false);
  const auto found = [&](std::string_view text, std::string_view pattern) {
    return RE2::PartialMatch(text, RE2(std::string(pattern), options));
  };
  // The facts' expected values come from scoring each link alone, which shares nothing with other links.
  std::mt19937 random(20261203);
  for (int round = 0; round < 120; ++round) {
    std::vector<Link> links;
    for (size_t count = 1 + random() % 90; count > 0; --count) {
      const std::string_view host = kHosts[random() % std::size(kHosts)];
      Link link = BacklinkTo(host, kAnchors[random() % std::size(kAnchors)]);
      link.url = Cat("https://", host, kPaths[random() % std::size(kPaths)]);
      link.snippet = std::string(kSnippets[random() % std::size(kSnippets)]);
      link.is_backlink = random() % 8 != 0;
      links.push_back(std::move(link));
    }
    const std::vector<Score> scores = rules->Evaluate(PageWith(links));
    ASSERT_EQ(scores.size(), links.size());
    for (size_t i = 0; i < links.size(); ++i) {
      if (!links[i].is_backlink) continue;
      const Link& link = links[i];
      std::string lower_host = link.host;
      for (char& c : lower_host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::vector<std::string> expected;
      if (found(link.host, "b\\.|c\\.")) expected.push_back("host-set");
      if (found(link.host, "^a\\.example$")) expected.push_back("host-whole");
      if (lower_host == "a.example" || lower_host == "b.example") expected.push_back("host-list");
      if (lower_host == "a.example" || lower_host == "b.example") expected.push_back("domain-list");
      if (found(link.url, "[?&]ref=")) expected.push_back("url-set");
      if (found(link.url, "^https://[^/]*/$")) expected.push_back("url-whole");
      if (found(link.anchor_text, "casino|huts")) expected.push_back("anchor-set");
      if (found(link.anchor_text, "casino") || found(link.anchor_text, "cheap +loans")) expected.push_back("anchor-list");
      if (found(link.snippet, "loans")) expected.push_back("snippet-set");
      expected.push_back("facts");
      ASSERT_EQ(FiredIds(scores[i]), expected) << "link " << i << ": " << link.url << " '" << link.anchor_text << "'";
      // Registrable domains are numbered once for list tests and per-domain counts alike.
      const auto same_domain = [&](const Link& other) {
        return other.is_backlink && other.registrable_domain == link.registrable_domain;
      };
      for (const Flag& flag : scores[i].flags) {
        if (flag.rule_id != "domain-list") continue;
        EXPECT_EQ(flag.evidence, std::to_string(std::count_if(links.begin(), links.end(), same_domain))) << "link " << i;
      }
      const Score alone = rules->Evaluate(link, BlogPage());
      ASSERT_EQ(scores[i].flags.back().evidence, alone.flags.back().evidence) << "link " << i;
      ASSERT_EQ(scores[i].relevance, alone.relevance) << "link " << i;
    }
  }
}

TEST(PageRulesTest, AnchorRepeatsCountsOtherBacklinksWithTheSameText) {
  Link image = BacklinkTo("e.example", "cheap payday loans");
  image.anchor_kind = AnchorKind::kImage;
  const auto page = PageWith({BacklinkTo("a.example", "Cheap Payday Loans"), BacklinkTo("b.example", "Alpine huts"),
                              BacklinkTo("c.example", " cheap  payday loans"), BacklinkTo("d.example", "cheap payday loans"),
                              image});
  EXPECT_THAT(FiresOnPage("{field: anchor.repeats, equals: 2}", page), ElementsAre(true, false, true, true, false));
  EXPECT_THAT(FiresOnPage("{field: anchor.repeats, equals: 0}", page), ElementsAre(false, true, false, false, true));
  // Repeats are counted on the anchors' list values, which list tests of anchor.text share.
  EXPECT_THAT(FiresOnPage("{all: [{field: anchor.text, in_list: phrases}, {field: anchor.repeats, equals: 2}]}", page),
              ElementsAre(true, false, true, true, false));
  EXPECT_THAT(FiresOnPage("{all: [{field: anchor.repeats, equals: 2}, {field: anchor.text, in_list: phrases}]}", page),
              ElementsAre(true, false, true, true, false));
}

// Folding can lengthen an anchor (Ⱥ, two bytes, folds to ⱥ, three): the counts must not depend on the
// folded anchors fitting in the bytes of the original ones.
TEST(PageRulesTest, AnchorRepeatsHoldForAnchorsThatFoldingLengthens) {
  std::string grows;
  for (int i = 0; i < 200; ++i) grows += "\u023A";
  std::string folded;
  for (int i = 0; i < 200; ++i) folded += "\u2C65";
  const auto page = PageWith({BacklinkTo("a.example", grows), BacklinkTo("b.example", folded),
                              BacklinkTo("c.example", grows + " x"), BacklinkTo("d.example", grows)});
  EXPECT_THAT(FiresOnPage("{field: anchor.repeats, equals: 2}", page), ElementsAre(true, true, false, true));
  EXPECT_THAT(FiresOnPage("{field: anchor.repeats, equals: 0}", page), ElementsAre(false, false, true, false));
}

TEST(PageRulesTest, LinkRunsAreBacklinksWithoutTextBetweenThem) {
  Link internal = BacklinkTo("example.com", "Home", 0);
  internal.is_backlink = false;
  // Links 0-2 follow each other with at most " | " between them; 3 comes after a paragraph; 4 is internal
  // and ends the run that 3 starts; 5-6 form a run of two links to one domain.
  const auto page = PageWith({BacklinkTo("a.example", "A", 120), BacklinkTo("b.example", "B", 3),
                              BacklinkTo("c.example", "C", 2), BacklinkTo("d.example", "D", 80), internal,
                              BacklinkTo("e.example", "E", 0), BacklinkTo("e.example", "E2", 1)});
  EXPECT_THAT(FiresOnPage("{field: link_run.length, equals: 3}", page),
              ElementsAre(true, true, true, false, false, false, false));
  EXPECT_THAT(FiresOnPage("{field: link_run.length, equals: 1}", page),
              ElementsAre(false, false, false, true, false, false, false));
  EXPECT_THAT(FiresOnPage("{all: [{field: link_run.length, equals: 2}, {field: link_run.domains, equals: 1}]}", page),
              ElementsAre(false, false, false, false, false, true, true));
}

TEST(PageRulesTest, NeighboursCountsOtherBacklinksWithinTheDistance) {
  Link internal = BacklinkTo("example.com", "casino", 40);
  internal.is_backlink = false;  // internal links never count as neighbours
  const auto page = PageWith({BacklinkTo("a.example", "best online casino"), BacklinkTo("b.example", "Alpine huts"),
                              internal, BacklinkTo("c.example", "casino bonus"), BacklinkTo("d.example", "Route map"),
                              BacklinkTo("e.example", "Weather"), BacklinkTo("f.example", "Trail guide")});
  const char* near_casino = "{neighbours: {field: anchor.text, contains: casino}, within: 2, at_least: 1}";
  EXPECT_THAT(FiresOnPage(near_casino, page), ElementsAre(false, true, false, false, true, true, false));
  const char* two_casinos = "{neighbours: {field: anchor.text, contains: casino}, within: 3, at_least: 2}";
  EXPECT_THAT(FiresOnPage(two_casinos, page), ElementsAre(false, true, false, false, false, false, false));
  // Nested in the usual combinators, and evaluated once per page even when several rules reuse it.
  EXPECT_THAT(FiresOnPage(Cat("{all: [{not: {field: anchor.text, contains: casino}}, ", near_casino, "]}"), page),
              ElementsAre(false, true, false, false, true, true, false));
}

TEST(PageRulesTest, SameTargetNeighboursAndTargetPageLinks) {
  const auto page = PageWith({BacklinkTo("sponsor.example", "Sponsor"), BacklinkTo("wiki.example", "cheap tricks"),
                              BacklinkTo("sponsor.example", "cheap sponsor deals"), BacklinkTo("sponsor.example", "brochure"),
                              BacklinkTo("other.example", "Other")});
  EXPECT_THAT(FiresOnPage("{field: target.page_links, equals: 3}", page), ElementsAre(true, false, true, true, false));
  // Another link to the same site has a "cheap" anchor: true for the sponsor's other links, not for the
  // cheap-anchored link itself (no *other* such link) nor for links to other sites.
  EXPECT_THAT(FiresOnPage("{neighbours: {field: anchor.text, contains: cheap}, same_target: true, at_least: 1}", page),
              ElementsAre(true, false, false, true, false));
  EXPECT_EQ(ErrorOf(OneRuleFile("{neighbours: {field: hidden, equals: true}, within: 2, same_target: true, at_least: 1}")),
            "test.yaml:11:11: a neighbours predicate needs exactly one of 'within: N' (positions) and 'same_target: true'");
  EXPECT_EQ(ErrorOf(OneRuleFile("{neighbours: {field: hidden, equals: true}, same_target: false, at_least: 1}")),
            "test.yaml:11:68: 'same_target' must be true; use 'within: N' to count by position");
}

// The page's registrable domains and text anchors are numbered through a hash table, and runs count their
// domains by stamps: on random pages, anchor.repeats, target.page_links and link_run.* must agree with a plain
// reading of their definitions.
TEST(PageRulesTest, CrossLinkFactsAgreeWithTheirDefinitions) {
  const auto rules = MustParse(OneRuleFile(
      "{field: hidden, equals: false}", "\"{anchor.repeats} {target.page_links} {link_run.length} {link_run.domains}\""));
  ASSERT_NE(rules, nullptr);
  constexpr std::string_view kAnchors[] = {"Cheap Loans", "cheap  loans", " cheap loans ", "huts", "Huts", "route"};
  constexpr std::string_view kDomains[] = {"a.example", "b.example", "c.example", "d.example", "e.example"};
  const auto normalised = [](std::string_view text) {
    std::string out;
    for (char c : text) {
      if (c == ' ') {
        if (!out.empty() && out.back() != ' ') out += ' ';
      } else {
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
    }
    if (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
  };
  std::mt19937 random(20261202);
  for (int round = 0; round < 60; ++round) {
    std::vector<Link> links;
    for (size_t count = 1 + random() % 150; count > 0; --count) {
      Link link = BacklinkTo(kDomains[random() % std::size(kDomains)], kAnchors[random() % std::size(kAnchors)],
                             static_cast<int>(random() % 6));
      link.is_backlink = random() % 5 != 0;
      link.anchor_kind = random() % 4 == 0 ? AnchorKind::kImage : AnchorKind::kText;
      links.push_back(std::move(link));
    }
    const std::vector<Score> scores = rules->Evaluate(PageWith(links));
    for (size_t i = 0; i < links.size(); ++i) {
      if (!links[i].is_backlink) continue;
      const auto text_anchor = [&](size_t j) { return links[j].anchor_kind == AnchorKind::kText; };
      int repeats = 0, page_links = 0;
      for (size_t j = 0; j < links.size(); ++j) {
        if (!links[j].is_backlink) continue;
        const bool same_anchor = text_anchor(i) && text_anchor(j) &&
                                 normalised(links[j].anchor_text) == normalised(links[i].anchor_text);
        repeats += j != i && same_anchor ? 1 : 0;
        page_links += links[j].registrable_domain == links[i].registrable_domain ? 1 : 0;
      }
      size_t begin = i, end = i + 1;
      while (begin > 0 && links[begin - 1].is_backlink && links[begin].text_chars_before <= 3) --begin;
      while (end < links.size() && links[end].is_backlink && links[end].text_chars_before <= 3) ++end;
      std::set<std::string> run_domains;
      for (size_t j = begin; j < end; ++j) run_domains.insert(links[j].registrable_domain);
      ASSERT_EQ(scores[i].flags.size(), 1u);
      EXPECT_EQ(scores[i].flags[0].evidence, Cat(std::to_string(repeats), " ", std::to_string(page_links), " ",
                                                 std::to_string(end - begin), " ", std::to_string(run_domains.size())))
          << "link " << i << " of " << links.size();
    }
  }
}

// Rules run on a page's backlinks in blocks of 64, each combinator narrowing the links it asks its operands
// about, and `within` counts positions among all the page's links. On randomised pages of up to 200 links
// (several blocks, internal links among them, from one in two to one in six), every rule must fire exactly
// where a direct reading of its predicate, one link at a time, says it holds.
TEST(PageRulesTest, BlocksOfLinksAgreeWithOneLinkAtATime) {
  const auto rules = MustParse(R"(name: blocks
predicates:
  casino: {field: anchor.text, contains: casino}
  hidden_or_x: {any: [{field: hidden, equals: true}, {field: target.host, matches: '^x'}]}
rules:
  - {id: casino-shown, category: spammy, weight: 1, evidence: x,
     when: {all: [{predicate: casino}, {not: {predicate: hidden_or_x}}]}}
  - {id: near-casino, category: spammy, weight: 1, evidence: x,
     when: {any: [{predicate: hidden_or_x}, {neighbours: {predicate: casino}, within: 2, at_least: 1}]}}
  - {id: same-site-shown-casino, category: spammy, weight: 1, evidence: x,
     when: {neighbours: {all: [{predicate: casino}, {field: hidden, equals: false}]}, same_target: true, at_least: 1}}
  - {id: neither, category: spammy, weight: 1, evidence: x,
     when: {not: {any: [{predicate: casino}, {field: anchor.text, contains: huts}, {field: page.title, contains: zzz}]}}}
  - {id: page-and-link, category: spammy, weight: 1, evidence: x,
     when: {all: [{field: page.title, contains: hik}, {predicate: hidden_or_x}, {field: position, greater_than: 70}]}}
  - {id: two-hidden-near, category: spammy, weight: 1, evidence: x,
     when: {neighbours: {field: hidden, equals: true}, within: 5, at_least: 2}}
  - {id: near-casino-again, category: spammy, weight: 1, evidence: x,
     when: {neighbours: {predicate: casino}, within: 2, at_least: 1}}
  - {id: two-near-casinos, category: spammy, weight: 1, evidence: x,
     when: {neighbours: {predicate: casino}, within: 2, at_least: 2}}
)");
  ASSERT_NE(rules, nullptr);
  constexpr std::string_view kAnchors[] = {"casino", "huts", "best casino bonus", "route", ""};
  constexpr std::string_view kHosts[] = {"x.example", "a.example", "xa.example", "b.example"};
  std::mt19937 random(20261201);
  for (int round = 0; round < 60; ++round) {
    std::vector<Link> links;
    const unsigned internal_one_in = 2 + round % 5;
    for (size_t count = 1 + random() % 200; count > 0; --count) {
      Link link = BacklinkTo(kHosts[random() % std::size(kHosts)], kAnchors[random() % std::size(kAnchors)]);
      link.hidden = random() % 4 == 0;
      link.is_backlink = random() % internal_one_in != 0;
      links.push_back(std::move(link));
    }
    const ExtractedPage page = PageWith(links);
    const auto backlink = [&](size_t i) { return links[i].is_backlink; };
    const auto casino = [&](size_t i) { return links[i].anchor_text.find("casino") != std::string::npos; };
    const auto hidden_or_x = [&](size_t i) { return links[i].hidden || links[i].host.starts_with("x"); };
    const auto others = [&](size_t i, auto near, auto holds) {
      int count = 0;
      for (size_t j = 0; j < links.size(); ++j) count += j != i && backlink(j) && near(j) && holds(j) ? 1 : 0;
      return count;
    };
    const std::vector<Score> scores = rules->Evaluate(page);
    ASSERT_EQ(scores.size(), links.size());
    for (size_t i = 0; i < links.size(); ++i) {
      std::vector<std::string> expected;
      if (backlink(i)) {
        const auto within_two = [&](size_t j) { return (j > i ? j - i : i - j) <= 2; };
        const auto same_site = [&](size_t j) { return links[j].registrable_domain == links[i].registrable_domain; };
        if (casino(i) && !hidden_or_x(i)) expected.push_back("casino-shown");
        if (hidden_or_x(i) || others(i, within_two, casino) >= 1) expected.push_back("near-casino");
        if (others(i, same_site, [&](size_t j) { return casino(j) && !links[j].hidden; }) >= 1) {
          expected.push_back("same-site-shown-casino");
        }
        if (!casino(i) && links[i].anchor_text != "huts") expected.push_back("neither");
        if (hidden_or_x(i) && i > 70) expected.push_back("page-and-link");
        const auto within_five = [&](size_t j) { return (j > i ? j - i : i - j) <= 5; };
        if (others(i, within_five, [&](size_t j) { return links[j].hidden; }) >= 2) expected.push_back("two-hidden-near");
        // Written as in near-casino, so compiled once; with another count, not.
        if (others(i, within_two, casino) >= 1) expected.push_back("near-casino-again");
        if (others(i, within_two, casino) >= 2) expected.push_back("two-near-casinos");
      }
      ASSERT_EQ(FiredIds(scores[i]), expected) << "link " << i << " of " << links.size();
    }
  }
}

// `in_list` tests of one field read a block's hits in every list the field's tests use once, on the first
// test of the block's links, and keep them as a mask per list: later tests, on other lists or on links the
// first one did not ask about, must each still answer for their own list and links.
TEST(PageRulesTest, ListTestsOfOneFieldEachAnswerForTheirOwnListAndLinks) {
  const auto rules = MustParse(R"(name: lists
lists:
  gambling: [casino, poker]
  outdoors: [hiking, alpine huts]
  exact_names: [route, best casino bonus]
  prefixes: [best]
rules:
  - {id: hidden-gambling, category: spammy, weight: 1, evidence: x,
     when: {all: [{field: hidden, equals: true}, {field: anchor.text, in_list: gambling, match: word}]}}
  - {id: outdoors, category: spammy, weight: 1, evidence: x, when: {field: anchor.text, in_list: outdoors, match: word}}
  - {id: gambling, category: spammy, weight: 1, evidence: x, when: {field: anchor.text, in_list: gambling, match: word}}
  - {id: exact-name, category: spammy, weight: 1, evidence: x, when: {field: anchor.text, in_list: exact_names}}
  - {id: best-prefix, category: spammy, weight: 1, evidence: x,
     when: {field: anchor.text, in_list: prefixes, match: prefix}}
)");
  ASSERT_NE(rules, nullptr);
  constexpr std::string_view kAnchors[] = {"casino",      "Best Casino Bonus", "hiking boots", "route",
                                           "alpine huts", "poker and hiking",  "bestseller",   ""};
  std::mt19937 random(20261202);
  for (int round = 0; round < 40; ++round) {
    std::vector<Link> links;
    for (size_t count = 1 + random() % 150; count > 0; --count) {
      Link link = BacklinkTo("a.example", kAnchors[random() % std::size(kAnchors)]);
      link.hidden = random() % 3 == 0;
      link.is_backlink = random() % 5 != 0;
      links.push_back(std::move(link));
    }
    const std::vector<Score> scores = rules->Evaluate(PageWith(links));
    ASSERT_EQ(scores.size(), links.size());
    for (size_t i = 0; i < links.size(); ++i) {
      const std::string& anchor = links[i].anchor_text;
      const auto has = [&](std::string_view word) { return anchor.find(word) != std::string::npos; };
      const bool gambling = has("casino") || has("Casino") || has("poker");
      std::vector<std::string> expected;
      if (links[i].is_backlink) {
        if (links[i].hidden && gambling) expected.push_back("hidden-gambling");
        if (has("hiking") || anchor == "alpine huts") expected.push_back("outdoors");
        if (gambling) expected.push_back("gambling");
        if (anchor == "route" || anchor == "Best Casino Bonus") expected.push_back("exact-name");
        if (anchor.starts_with("Best") || anchor.starts_with("best")) expected.push_back("best-prefix");
      }
      ASSERT_EQ(FiredIds(scores[i]), expected) << "link " << i << " (\"" << anchor << "\") of " << links.size();
    }
  }
}

// Enough rules that their predicates' states fill several of the rule set's blocks of them: each rule still
// answers with its own operands and bounds.
TEST(PageRulesTest, ManyRulesEachAnswerWithTheirOwnPredicates) {
  constexpr int kRules = 600;
  std::ostringstream yaml;
  yaml << "name: many\nrules:\n";
  for (int rule = 0; rule < kRules; ++rule) {
    yaml << "  - {id: at-" << rule << ", category: spammy, weight: 1, evidence: x, when: {all: [{field: position, "
         << "greater_than: " << rule - 1 << "}, {not: {any: [{field: position, greater_than: " << rule
         << "}, {field: anchor.text, equals: never-" << rule << "}]}}]}}\n";
  }
  const auto rules = MustParse(yaml.str());
  ASSERT_NE(rules, nullptr);
  std::vector<Link> links;
  for (int link = 0; link < kRules + 10; ++link) links.push_back(BacklinkTo("a.example", "anchor"));
  const std::vector<Score> scores = rules->Evaluate(PageWith(links));
  ASSERT_EQ(scores.size(), links.size());
  for (size_t i = 0; i < links.size(); ++i) {
    std::vector<std::string> expected;
    if (i < kRules) expected.push_back(Cat("at-", std::to_string(i)));
    ASSERT_EQ(FiredIds(scores[i]), expected) << "link " << i;
  }
}

TEST(PageRulesTest, RelevanceFieldAndScore) {
  PageFacts facts = BlogPage();
  facts.main_terms = {"hiking", "alps", "alpine", "trail", "hut", "route"};
  ExtractedPage page = PageWith({EditorialLink(), BacklinkTo("casino-royal.example", "best online casino")});
  page.page = facts;
  const auto rules = MustParse(OneRuleFile("{field: relevance, less_than: 20}", "\"relevance {relevance}\""));
  ASSERT_NE(rules, nullptr);
  const std::vector<Score> scores = rules->Evaluate(page);
  EXPECT_GE(scores[0].relevance, 60);
  EXPECT_THAT(scores[0].flags, IsEmpty());
  EXPECT_EQ(scores[1].relevance, 0);
  ASSERT_EQ(scores[1].flags.size(), 1u);
  EXPECT_EQ(scores[1].flags[0].evidence, "relevance 0");
}

TEST(PageRulesTest, SingleLinkEvaluateSeesOnlyThatLink) {
  Link link = EditorialLink();
  link.is_backlink = false;
  const auto rules = MustParse(OneRuleFile("{field: anchor.repeats, equals: 0}"));
  ASSERT_NE(rules, nullptr);
  EXPECT_EQ(rules->Evaluate(link, BlogPage()).flags.size(), 1u);
}

TEST(NamedPredicateTest, RulesReuseANamedPredicate) {
  const auto rules = MustParse(R"(name: t
lists:
  money: [cheap payday loans]
predicates:
  keyword_anchor: {any: [{field: anchor.text, in_list: money, match: word}, {field: anchor.text, contains: casino}]}
  hidden_keyword: {all: [{predicate: keyword_anchor}, {field: hidden, equals: true}]}
rules:
  - {id: keyword, category: forced_keyword, weight: 1, when: {predicate: keyword_anchor}, evidence: x}
  - {id: hidden, category: spammy, weight: 1, when: {predicate: hidden_keyword}, evidence: x}
)");
  ASSERT_NE(rules, nullptr);
  Link link = EditorialLink();
  EXPECT_THAT(FiredIds(rules->Evaluate(link, BlogPage())), IsEmpty());
  link.anchor_text = "Cheap Payday Loans today";
  EXPECT_THAT(FiredIds(rules->Evaluate(link, BlogPage())), ElementsAre("keyword"));
  link.hidden = true;
  EXPECT_THAT(FiredIds(rules->Evaluate(link, BlogPage())), ElementsAre("keyword", "hidden"));
}

// A field test written the same way in several rules is compiled once and shares its answers; one that
// differs in any operand (the match mode, the list, the field) is a test of its own, and a malformed copy of
// a valid test is still rejected.
TEST(NamedPredicateTest, RepeatedFieldTestsShareOnlyWhenWrittenTheSame) {
  const auto rules = MustParse(R"(name: t
lists:
  money: [cheap payday loans]
  hats: [cheap hats]
rules:
  - {id: word, category: spammy, weight: 1, evidence: x, when: {field: anchor.text, in_list: money, match: word}}
  - {id: word-again, category: spammy, weight: 1, evidence: x,
     when: {all: [{field: hidden, equals: false}, {field: anchor.text, in_list: money, match: word}]}}
  - {id: exact, category: spammy, weight: 1, evidence: x, when: {field: anchor.text, in_list: money}}
  - {id: other-list, category: spammy, weight: 1, evidence: x, when: {field: anchor.text, in_list: hats, match: word}}
  - {id: other-field, category: spammy, weight: 1, evidence: x, when: {field: snippet, in_list: money, match: word}}
  - {id: not-word, category: spammy, weight: 1, evidence: x, when: {not: {field: anchor.text, in_list: money, match: word}}}
)");
  ASSERT_NE(rules, nullptr);
  Link link = EditorialLink();
  link.anchor_text = "Cheap Payday Loans today";
  EXPECT_THAT(FiredIds(rules->Evaluate(link, BlogPage())), ElementsAre("word", "word-again"));
  link.anchor_text = "cheap payday loans";
  EXPECT_THAT(FiredIds(rules->Evaluate(link, BlogPage())), ElementsAre("word", "word-again", "exact"));
  link.anchor_text = "two cheap hats";
  EXPECT_THAT(FiredIds(rules->Evaluate(link, BlogPage())), ElementsAre("other-list", "not-word"));
  EXPECT_THAT(ErrorOf(OneRuleFile("{any: [{field: rel, contains: ugc}, {field: rel, contains: [ugc]}]}")),
              HasSubstr("'contains' must be a string, got a list"));
}

TEST(NamedPredicateTest, Validation) {
  EXPECT_EQ(ErrorOf("name: t\npredicates: {a: {field: hidden, equals: true}}\nrules:\n"
                    "  - {id: r, category: paid, weight: 1, when: {predicate: b}, evidence: e}\n"),
            "test.yaml:4:58: unknown predicate 'b'; defined predicates: a");
  EXPECT_EQ(ErrorOf("name: t\npredicates: {a: {not: {predicate: a}}}\nrules: []\n"),
            "test.yaml:2:17: predicate 'a' uses itself");
  EXPECT_THAT(ErrorOf("name: t\npredicates: {a: {field: nope, equals: true}}\nrules: []\n"),
              StartsWith("test.yaml:2:25: unknown field 'nope'"));
}

// ---------------------------------------------------------------------------------------------------------
// Severity and trust lists.

TEST(SeverityTest, DefaultsToMediumAndIsCarriedOnTheFlag) {
  const auto rules = MustParse(R"(name: t
rules:
  - {id: plain, category: paid, weight: 1, when: {field: hidden, equals: false}, evidence: x}
  - {id: low, category: paid, weight: 1, severity: low, when: {field: hidden, equals: false}, evidence: x}
  - {id: high, category: paid, weight: 1, severity: high, when: {field: hidden, equals: false}, evidence: x}
)");
  ASSERT_NE(rules, nullptr);
  const Score score = rules->Evaluate(EditorialLink(), BlogPage());
  ASSERT_EQ(score.flags.size(), 3u);
  EXPECT_EQ(score.flags[0].severity, Severity::kMedium);
  EXPECT_EQ(score.flags[1].severity, Severity::kLow);
  EXPECT_EQ(score.flags[2].severity, Severity::kHigh);
  EXPECT_EQ(ToString(Severity::kHigh), "high");
  EXPECT_EQ(ErrorOf("name: t\nrules:\n  - {id: r, category: paid, weight: 1, severity: urgent, "
                    "when: {field: hidden, equals: true}, evidence: e}\n"),
            "test.yaml:3:50: unknown severity 'urgent'; allowed: low, medium, high");
}

std::string TrustFile(std::string_view trust) {
  return Cat(R"(name: t
lists:
  partners: [Alpenverein.de]
  networks: [spam-network.example, alpenverein.de]
  sources: [example.com]
)",
             trust, R"(
rules:
  - {id: r, category: spammy, weight: 30, when: {field: hidden, equals: false}, evidence: x}
)");
}

TEST(TrustTest, AllowListSilencesAKnownGoodTarget) {
  const auto rules = MustParse(TrustFile("trust: {allow: [{list: partners, reason: contracted partner}]}"));
  ASSERT_NE(rules, nullptr);
  const Score score = rules->Evaluate(EditorialLink(), BlogPage());
  EXPECT_THAT(score.flags, IsEmpty());
  EXPECT_EQ(score.quality_score, 100);
  EXPECT_EQ(score.verdict, Verdict::kClean);
  EXPECT_EQ(score.trust.action, TrustAction::kAllow);
  EXPECT_EQ(score.trust.domain, "alpenverein.de");
  EXPECT_EQ(score.trust.reason, "contracted partner");
}

TEST(TrustTest, BlockListPinsTheVerdictAndWinsOverAllow) {
  const auto rules = MustParse(TrustFile(
      "trust:\n  allow: [{list: partners, reason: partner}]\n  block: [{list: networks, reason: known PBN}]"));
  ASSERT_NE(rules, nullptr);
  const Score score = rules->Evaluate(EditorialLink(), BlogPage());
  EXPECT_THAT(FiredIds(score), ElementsAre("r"));
  EXPECT_EQ(score.quality_score, 0);
  EXPECT_EQ(score.verdict, Verdict::kToxic);
  EXPECT_EQ(score.trust.action, TrustAction::kBlock);
  EXPECT_EQ(score.trust.reason, "known PBN");
}

TEST(TrustTest, MatchesTheSourcePageDomainToo) {
  const auto rules = MustParse(TrustFile("trust: {block: [{list: sources, reason: our own network}]}"));
  ASSERT_NE(rules, nullptr);
  const Score score = rules->Evaluate(EditorialLink(), BlogPage());
  EXPECT_EQ(score.trust.action, TrustAction::kBlock);
  EXPECT_EQ(score.trust.domain, "example.com");
  Link unlisted = EditorialLink();
  PageFacts other = BlogPage();
  other.registrable_domain = "other.example";
  EXPECT_EQ(rules->Evaluate(unlisted, other).trust.action, TrustAction::kNone);
  EXPECT_EQ(rules->Evaluate(unlisted, other).verdict, Verdict::kSuspicious);
}

TEST(TrustTest, Validation) {
  EXPECT_EQ(ErrorOf(TrustFile("trust: {allow: [{list: friends, reason: x}]}")),
            "test.yaml:6:24: unknown list 'friends'; defined lists: networks, partners, sources");
  EXPECT_EQ(ErrorOf(TrustFile("trust: {allow: [{list: partners}]}")),
            "test.yaml:6:17: an entry of 'allow' is missing required key 'reason'");
  EXPECT_THAT(ErrorOf(TrustFile("trust: {deny: []}")),
              StartsWith("test.yaml:6:9: unknown key 'deny' in 'trust'; allowed keys: allow, block"));
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
            "description, when, evidence, severity");
}

TEST(ValidationTest, UnknownKeysAtEveryLevel) {
  EXPECT_EQ(ErrorOf("name: t\nrule: []\n"),
            "test.yaml:2:1: unknown key 'rule' in the rule file; allowed keys: name, scoring, lists, predicates, trust, "
            "rules");
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
            "test.yaml:1:1: the rule file is empty; expected a map with keys name, scoring, lists, predicates, trust, "
            "rules");
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
      "equals, contains, in_list, matches");
  EXPECT_EQ(
      ErrorOf(OneRuleFile("{field: rel, equals: sponsored}")),
      "test.yaml:11:24: operator 'equals' does not apply to token list field 'rel'; use one of: contains, "
      "in_list, matches");
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
      "less_than, matches");
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

TEST(ValidationTest, BadRegularExpression) {
  EXPECT_EQ(ErrorOf(OneRuleFile("{field: anchor.text, matches: '(unclosed'}")),
            "test.yaml:11:41: 'matches' is not a valid regular expression (RE2 syntax): missing ): (unclosed");
  EXPECT_EQ(ErrorOf(OneRuleFile("{field: position, matches: '1+'}")),
            "test.yaml:11:29: operator 'matches' does not apply to integer field 'position'; use one of: equals, "
            "greater_than, less_than");
}

TEST(ValidationTest, BadNeighbours) {
  EXPECT_EQ(ErrorOf(OneRuleFile("{neighbours: {field: hidden, equals: true}, within: 0, at_least: 1}")),
            "test.yaml:11:63: 'within' must be at least 1, got 0");
  EXPECT_EQ(ErrorOf(OneRuleFile("{neighbours: {field: hidden, equals: true}, within: 3}")),
            "test.yaml:11:11: a neighbours predicate is missing required key 'at_least'");
  EXPECT_THAT(ErrorOf(OneRuleFile("{neighbours: {field: hidden, equals: true}, within: 3, at_least: 1, field: x}")),
              StartsWith("test.yaml:11:79: unknown key 'field' in a neighbours predicate; allowed keys: neighbours,"));
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

// A directory opens like a file and reads as nothing: it was reported as "DIR:1:1: the rule file is empty".
TEST(ValidationTest, DirectoryIsReportedAsADirectoryNotAsAnEmptyRuleFile) {
  const std::string dir = ::testing::TempDir();
  auto result = RuleSet::LoadFile(dir);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure().reason, dir + ": cannot read the rule file: Is a directory");
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


TEST(PredicateTest, SectionHeadingIsATextField) {
  Link link = EditorialLink();
  EXPECT_FALSE(Fires("{field: section_heading, contains: sponsor}", link));
  link.section_heading = "Our Sponsors › Gold";
  EXPECT_TRUE(Fires("{field: section_heading, contains: sponsor}", link));
  EXPECT_TRUE(Fires("{field: section_heading, matches: '^our sponsors\\b'}", link));
  link.section_heading = "Cheap payday loans compared";
  EXPECT_TRUE(Fires("{field: section_heading, in_list: phrases, match: word}", link));
}

}  // namespace
}  // namespace backlint
