#include "backlint/extract/ascii.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

namespace backlint {
namespace {

TEST(AsciiTest, ContainsIgnoreCaseFindsTheNeedleInAnyCase) {
  EXPECT_TRUE(ascii::ContainsIgnoreCase("/Contact-Us", "contact"));
  EXPECT_TRUE(ascii::ContainsIgnoreCase("display:NONE", "none"));
  EXPECT_TRUE(ascii::ContainsIgnoreCase("x", ""));
  EXPECT_TRUE(ascii::ContainsIgnoreCase("a-1b", "-1B"));
  EXPECT_FALSE(ascii::ContainsIgnoreCase("contac", "contact"));
  EXPECT_FALSE(ascii::ContainsIgnoreCase("", "a"));
  // Bit 0x20 only folds letters: '@' is not '`', '[' is not '{'.
  EXPECT_FALSE(ascii::ContainsIgnoreCase("@x", "`x"));
  EXPECT_FALSE(ascii::ContainsIgnoreCase("{", "["));
  // Non-ASCII bytes match only themselves.
  EXPECT_TRUE(ascii::ContainsIgnoreCase("caf\xC3\xA9", "\xC3\xA9"));
  EXPECT_FALSE(ascii::ContainsIgnoreCase("caf\xE3\xA9", "\xC3\xA9"));
}

TEST(AsciiTest, ContainsIgnoreCaseAgreesWithACaseFoldedSearch) {
  // Random texts over a small alphabet of letters in both cases, the bytes around them in the table
  // ('@', '[', '`', '{') and a non-ASCII byte, so matches and near-misses are frequent.
  const std::string alphabet = "aAbB@[`{\xC3";
  std::mt19937 random(7);
  auto make = [&](std::size_t size) {
    std::string text;
    for (std::size_t i = 0; i < size; ++i) text.push_back(alphabet[random() % alphabet.size()]);
    return text;
  };
  auto fold = [](std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](char c) { return ascii::Lower(c); });
    return text;
  };
  for (int round = 0; round < 20000; ++round) {
    const std::string haystack = make(random() % 48);  // past sixteen bytes, the vector loop
    const std::string needle = make(random() % 4);
    EXPECT_EQ(ascii::ContainsIgnoreCase(haystack, needle), fold(haystack).find(fold(needle)) != std::string::npos)
        << haystack << " / " << needle;
  }
}

}  // namespace
}  // namespace backlint
