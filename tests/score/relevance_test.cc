#include "backlint/score/relevance.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace backlint
