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
  };
  constexpr std::string_view kPieces[] = {"casino", "CASINO", "xn--", "ad", "ads", "clk", ".", "?", "&", "=",
                                          "tag",    "aff_id", "affid", "ref", "#", "sponsored", " ", "guest",
                                          "post",   "press",  "release", "1", "12", "123", "1234", "[",
                                          "bcdfgh", "utm_source", "cpc", "affiliate", "Partner", "x", "_"};
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
