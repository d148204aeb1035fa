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

TEST(AsciiTest, ContainsIgnoreCaseFindsLongNeedlesAtEveryPlaceAsACaseFoldedSearch) {
  // Needles of up to twelve bytes cut from the haystack, its case flipped, or with one byte changed: the
  // candidates after the last whole sixteen bytes are looked for in one window, wherever it starts.
  std::mt19937 random(11);
  const std::string alphabet = "cCoOnNtTaA@[";
  for (int round = 0; round < 20000; ++round) {
    std::string haystack;
    for (std::size_t i = random() % 48; i > 0; --i) haystack.push_back(alphabet[random() % alphabet.size()]);
    const std::size_t begin = haystack.empty() ? 0 : random() % haystack.size();
    std::string needle = haystack.substr(begin, 1 + random() % 12);
    for (char& c : needle) c = (random() % 2 != 0 && ascii::IsAlpha(c)) ? static_cast<char>(c ^ 0x20) : c;
    if (!needle.empty() && random() % 3 == 0) needle[random() % needle.size()] = '{';
    std::string folded_haystack = haystack, folded_needle = needle;
    for (char& c : folded_haystack) c = ascii::Lower(c);
    for (char& c : folded_needle) c = ascii::Lower(c);
    EXPECT_EQ(ascii::ContainsIgnoreCase(haystack, needle), folded_haystack.find(folded_needle) != std::string::npos)
        << haystack << " / " << needle;
  }
}

}  // namespace
}  // namespace backlint
