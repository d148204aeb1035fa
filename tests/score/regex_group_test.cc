#include "backlint/score/regex_group.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace backlint {
namespace {

std::vector<int> Found(const RegexGroup& group, std::string_view value) {
  std::vector<int> found;
  group.Match(value, found);
  return found;
}

TEST(RegexGroupTest, ReportsEveryPatternFoundIgnoringCase) {
  RegexGroup group;
  EXPECT_EQ(group.Add("casino"), 0u);
  EXPECT_EQ(group.Add("^www\\."), 1u);
  EXPECT_EQ(group.Add("\\.xyz$"), 2u);
  group.Compile();
  EXPECT_EQ(Found(group, "WWW.Casino.example.xyz"), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(Found(group, "casino.www.example"), (std::vector<int>{0}));
  EXPECT_TRUE(Found(group, "example.xyz.org").empty());
}

// URL parameter patterns all need a '?' or '&': a URL without either is ruled out before the automaton
// runs, one with either is searched as before.
TEST(RegexGroupTest, RulesOutValuesWithoutAByteEveryPatternNeeds) {
  RegexGroup group;
  group.Add("[?&](tag|aff_?id)(=|&|$)");
  group.Add("/(signup|join)/?\\?([^#]*&)?ref=");
  group.Compile();
  EXPECT_TRUE(group.RulesOut("https://shop.example/signup/tag=1/ref=2"));
  EXPECT_TRUE(Found(group, "https://shop.example/signup/tag=1/ref=2").empty());
  EXPECT_FALSE(group.RulesOut("https://shop.example/item?colour=red"));
  EXPECT_FALSE(group.RulesOut("https://shop.example/item#a&b"));
  EXPECT_EQ(Found(group, "https://shop.example/item?TAG=x"), (std::vector<int>{0}));
  EXPECT_EQ(Found(group, "https://shop.example/join?ref=dave"), (std::vector<int>{1}));
}

TEST(RegexGroupTest, RulesOutByAnyOfTheBytesThePatternsNeed) {
  RegexGroup group;
  group.Add("\\?ref=");
  group.Add("\\b20\\d\\d\\b");
  group.Compile();
  EXPECT_TRUE(group.RulesOut("best offers this year"));
  EXPECT_FALSE(group.RulesOut("best offers of 2026"));
  EXPECT_EQ(Found(group, "best offers of 2026"), (std::vector<int>{1}));
  EXPECT_FALSE(group.RulesOut("page?ref=x"));
}

// A pattern that needs only letters, or can match the empty value, leaves nothing to rule out by bytes.
TEST(RegexGroupTest, RulesOutNothingWhenAPatternNeedsNoSuchByte) {
  RegexGroup letters;
  letters.Add("[?&]ref=");
  letters.Add("partner");
  letters.Compile();
  EXPECT_FALSE(letters.RulesOut("plain words"));
  RegexGroup empty;
  empty.Add("[?&]ref=");
  empty.Add("x*");
  empty.Compile();
  EXPECT_FALSE(empty.RulesOut(""));
  EXPECT_EQ(Found(empty, ""), (std::vector<int>{1}));
}

// The default rule file's kinds of pattern (alternations, anchors, word boundaries, classes, repeats) on
// random values built from pieces they look for: the group must report exactly the patterns that
// RE2::PartialMatch finds one by one.
TEST(RegexGroupTest, AgreesWithPartialMatchOnRandomValues) {
  const std::vector<std::string> patterns = {
      "(viagra|casino|payday|xxx)",
      "[?&](tag|aff_?id|ref)(=|&|$)",
      "^(clk|ad|ads)\\.",
      "^(\\d{1,3}\\.){3}\\d{1,3}$|^\\[",
      "(^|\\.)xn--",
      "#(ad|sponsored)\\b",
      "\\b(guest post|press release)\\b",
      "^([^.]*\\d{4,}[^.]*\\.|[b-df-hj-np-tv-z0-9]{6,}\\.)",
      "utm_(source|medium)=[^&#]*(affiliate|cpc)",
      "partner",
      "(?-i:code=[A-Z]{3})(&|$)",
      "/(signup|r)/?\\?([^#]*&)?(ref|code)=",
      "\\b20\\d\\d\\b",
      "\\.[a-z]{2,}\\b",
      "[?&]ſid=",  // long s: matches "sid" and "SID" ignoring case
  };
  constexpr std::string_view kPieces[] = {"casino", "CASINO", "xn--", "ad", "ads", "clk", ".", "?", "&", "=",
                                          "tag",    "aff_id", "affid", "ref", "#", "sponsored", " ", "guest",
                                          "post",   "press",  "release", "1", "12", "123", "1234", "[",
                                          "bcdfgh", "utm_source", "cpc", "affiliate", "Partner", "x", "_",
                                          "code=ABC", "/signup", "/r/", "SID", "ſ", "\u212A", "2026", "."};
  std::mt19937 random(20261130);
  for (int round = 0; round < 200; ++round) {
    RegexGroup group;
    std::vector<std::unique_ptr<RE2>> singles;
    for (const std::string& pattern : patterns) {
      if (random() % 2 != 0) continue;
      group.Add(pattern);
      singles.push_back(std::make_unique<RE2>(pattern, RegexGroup::PatternOptions()));
    }
    group.Compile();
    for (int sample = 0; sample < 100; ++sample) {
      std::string value;
      for (size_t count = random() % 9; count > 0; --count) value += kPieces[random() % std::size(kPieces)];
      std::vector<int> expected;
      for (size_t i = 0; i < singles.size(); ++i) {
        if (RE2::PartialMatch(value, *singles[i])) expected.push_back(static_cast<int>(i));
      }
      ASSERT_EQ(Found(group, value), expected) << "value '" << value << "'";
    }
  }
}

}  // namespace
}  // namespace backlint
