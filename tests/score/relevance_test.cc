#include "backlint/score/relevance.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace backlint {
namespace {

PageFacts HikingPage() {
  PageFacts page;
  page.title = "Hiking the Alps in May";
  page.main_terms = {"hiking", "trail", "hut", "alpine", "route", "snow", "zugspitze"};
  return page;
}

Link LinkTo(std::string_view url, std::string_view host, std::string_view domain, std::string_view anchor,
            std::string_view snippet = "") {
  Link link;
  link.url = std::string(url);
  link.host = std::string(host);
  link.registrable_domain = std::string(domain);
  link.anchor_text = std::string(anchor);
  link.snippet = std::string(snippet);
  link.anchor_kind = anchor.empty() ? AnchorKind::kEmpty : AnchorKind::kText;
  return link;
}

TEST(TopicalRelevanceTest, OnTopicEditorialLinkScoresHigh) {
  const TopicalRelevance relevance(HikingPage());
  // Anchor words (alpine, route) and a path word (zugspitze) are the page's terms.
  EXPECT_EQ(relevance.Of(LinkTo("https://www.alpenverein.de/touren/zugspitze", "www.alpenverein.de",
                                "alpenverein.de", "the Alpine Club's route guide")),
            100);
  // Word forms agree through the stem: "hikes" and "trails" are the page's "hiking" and "trail"; the host
  // label "maps" is not a page term.
  EXPECT_EQ(relevance.Of(LinkTo("https://maps.example/", "maps.example", "maps.example", "Hikes and trails")), 67);
}

TEST(TopicalRelevanceTest, UnrelatedKeywordLinkScoresZero) {
  const TopicalRelevance relevance(HikingPage());
  EXPECT_EQ(relevance.Of(LinkTo("https://casino-royal.example/bonus", "casino-royal.example",
                                "casino-royal.example", "best online casino bonus")),
            0);
}

TEST(TopicalRelevanceTest, SurroundingTextCountsButNotTheAnchorItself) {
  const TopicalRelevance relevance(PageFacts{});
  const Link in_context = LinkTo("https://shop.example/boots", "shop.example", "shop.example", "leather boots",
                                 "For wet days I wear leather boots, waterproofed twice a season.");
  // "leather" (and "boots") match only themselves in the snippet, which does not count: no page terms.
  EXPECT_EQ(relevance.Of(in_context), 0);
  const Link described = LinkTo("https://shop.example/boots", "shop.example", "shop.example", "this shop",
                                "For wet days I wear leather boots from this shop.");
  // Link terms: "shop" is non-topical; "boots" (path) matches the snippet's "boots".
  EXPECT_EQ(relevance.Of(described), 100);
}

TEST(TopicalRelevanceTest, HostLabelsContainingAPageTermMatch) {
  const TopicalRelevance relevance(HikingPage());
  // "alpinehuts" contains "alpin"; "booking" does not match: one of two terms.
  EXPECT_EQ(relevance.Of(LinkTo("https://alpinehuts.example/booking", "alpinehuts.example", "alpinehuts.example",
                                "")),
            100 * 1 / 2);
}

TEST(TopicalRelevanceTest, ThreeMatchesAreEnoughForFullRelevance) {
  const TopicalRelevance relevance(HikingPage());
  EXPECT_EQ(relevance.Of(LinkTo("https://x.example/", "x.example", "x.example",
                                "alpine hut route along the lakes near villages with bakeries")),
            100);
  EXPECT_EQ(relevance.Of(LinkTo("https://x.example/", "x.example", "x.example",
                                "snow reports for skiers and climbers")),
            33);
}

TEST(TopicalRelevanceTest, UnknownWithoutTopicalWordsOrPageText) {
  const TopicalRelevance relevance(HikingPage());
  EXPECT_EQ(relevance.Of(LinkTo("https://www.com/", "www.com", "www.com", "click here")),
            TopicalRelevance::kUnknown);
  const TopicalRelevance empty_page{PageFacts{}};
  EXPECT_EQ(empty_page.Of(LinkTo("https://casino.example/", "casino.example", "casino.example", "casino")),
            TopicalRelevance::kUnknown);
}

// A page of one term and a link whose only term is its host label, both random over letters no stem
// suffix ends in (so a word's stem is its first six letters): the label matches exactly when its stem is
// the term's, or when it contains the term's stem of four letters or more.
TEST(TopicalRelevanceTest, HostLabelMatchAgreesWithThePlainDefinitionOnRandomWords) {
  std::mt19937 random(20261130);
  const auto random_word = [&](size_t min_length, size_t max_length) {
    std::string word(min_length + random() % (max_length - min_length + 1), 'a');
    for (char& letter : word) letter = "abck"[random() % 4];
    return word;
  };
  int matches = 0;
  for (int round = 0; round < 5000; ++round) {
    PageFacts page;
    page.main_terms = {random_word(3, 9)};
    // Often embeds a piece of the term, so matches and near misses are frequent.
    const std::string piece = random() % 2 == 0 ? page.main_terms[0].substr(0, 3 + random() % 5) : "";
    const std::string label = random_word(0, 4) + piece + random_word(3, 5);
    const std::string term_stem = page.main_terms[0].substr(0, 6);
    const bool expected = label.substr(0, 6) == term_stem ||
                          (term_stem.size() >= 4 && label.find(term_stem) != std::string::npos);
    matches += expected ? 1 : 0;
    const std::string host = label + ".example";
    ASSERT_EQ(TopicalRelevance(page).Of(LinkTo("https://" + host + "/", host, host, "")), expected ? 100 : 0)
        << "term '" << page.main_terms[0] << "', host label '" << label << "'";
  }
  EXPECT_GT(matches, 1000);  // both outcomes are exercised
}

}  // namespace
}  // namespace backlint
