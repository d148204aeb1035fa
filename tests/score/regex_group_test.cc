#include "backlint/score/regex_group.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <iterator>

#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace backlint {
namespace {

// The indices of the group's patterns found in `value`, ascending, as the rule set finds them: each pattern
// the screen leaves possible is searched. Past a mask's patterns, the screen leaves all or none.
std::vector<int> Found(const RegexGroup& group, std::string_view value) {
  const RegexGroup::PatternMask possible = group.PossiblePatterns(value);
  std::vector<int> found;
  for (size_t pattern = 0; pattern < group.size(); ++pattern) {
    const bool may_hold = pattern < 64 ? (possible >> pattern & 1) != 0 : possible == ~RegexGroup::PatternMask{0};
    if (may_hold && group.Found(value, pattern)) found.push_back(static_cast<int>(pattern));
  }
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
  EXPECT_EQ(group.PossiblePatterns("https://shop.example/signup/tag=1/ref=2"), 0u);
  EXPECT_TRUE(Found(group, "https://shop.example/signup/tag=1/ref=2").empty());
  EXPECT_EQ(Found(group, "https://shop.example/item?TAG=x"), (std::vector<int>{0}));
  EXPECT_EQ(Found(group, "https://shop.example/join?ref=dave"), (std::vector<int>{1}));
}

// Each pattern needs one of its literals, ignoring case: a value is searched only for the patterns whose
// literals it holds, and not at all when it holds none.
TEST(RegexGroupTest, NarrowsToThePatternsWhoseLiteralsAValueHolds) {
  RegexGroup group;
  group.Add("\\?ref=");
  group.Add("\\b20\\d\\d\\b");
  group.Add("\\b(best|cheapest) (deals?|offers?)\\b");
  group.Add("(广告|推广)");
  group.Compile();
  EXPECT_EQ(group.PossiblePatterns("offers this year"), 0u);
  EXPECT_EQ(group.PossiblePatterns("offers of 2026"), 0b10u);
  EXPECT_EQ(Found(group, "offers of 2026"), (std::vector<int>{1}));
  EXPECT_EQ(group.PossiblePatterns("BEST Deals"), 0b100u);
  EXPECT_EQ(Found(group, "BEST Deals"), (std::vector<int>{2}));
  EXPECT_EQ(group.PossiblePatterns("page?REF=x"), 0b1u);
  EXPECT_EQ(group.PossiblePatterns("夏季广告"), 0b1000u);
  EXPECT_EQ(group.PossiblePatterns("夏季新品"), 0u);
}

// A literal that holds a shorter literal of the same patterns is left out of the tables ("sponsored" beside
// "sponso"), but not when it stands for a pattern the shorter one does not: a value with "Sponsorship" may
// hold both patterns, one with "sponso" alone only the first.
TEST(RegexGroupTest, KeepsTheLongerLiteralsOfOtherPatterns) {
  RegexGroup group;
  group.Add("(sponso|sponsored|unsponsored)");
  group.Add("\\bsponsorship\\b");
  group.Compile();
  EXPECT_EQ(group.PossiblePatterns("UnSponsored"), 0b1u);
  EXPECT_EQ(group.PossiblePatterns("our Sponsorship"), 0b11u);
  EXPECT_EQ(Found(group, "our Sponsorship"), (std::vector<int>{0, 1}));
  EXPECT_EQ(group.PossiblePatterns("sponsorshi"), 0b1u);
  EXPECT_EQ(group.PossiblePatterns("spons"), 0u);
}

// A literal with a cased letter outside ASCII may be held in another case, so the value is searched when it
// has such a letter; "ſ" and the Kelvin sign match "s" and "k".
TEST(RegexGroupTest, KeepsValuesThatMayHoldALiteralInAnotherCase) {
  RegexGroup group;
  group.Add("купить");
  group.Add("kasino");
  group.Compile();
  EXPECT_EQ(group.PossiblePatterns("best offers"), 0u);
  EXPECT_EQ(Found(group, "КУПИТЬ"), (std::vector<int>{0}));
  EXPECT_EQ(Found(group, "\u212aASINO"), (std::vector<int>{1}));
  RegexGroup long_s;
  long_s.Add("sponsor");
  long_s.Compile();
  EXPECT_EQ(Found(long_s, "\u017fPONSOR"), (std::vector<int>{0}));
}

// An atom whose only long enough exact part is too short needs one of the cases of its first cased letter,
// every case RE2 matches for it: "д" also matches the old-style "ᲁ" (U+1C81), "φ" the symbol "ϕ". A value
// with other letters of the same scripts ("ñ", "н") is ruled out.
TEST(RegexGroupTest, RequiresACaseOfTheFirstCasedLetter) {
  RegexGroup group;
  group.Add("(köp|дешево|φθηνά)");
  group.Add("\\b20\\d\\d\\b");
  group.Compile();
  EXPECT_EQ(group.PossiblePatterns("Español"), 0u);
  EXPECT_EQ(group.PossiblePatterns("Русский нож"), 0u);
  EXPECT_EQ(group.PossiblePatterns("2 x 12"), 0u);
  EXPECT_EQ(group.PossiblePatterns("KÖP"), 0b1u);
  EXPECT_EQ(Found(group, "KÖP"), (std::vector<int>{0}));
  EXPECT_EQ(Found(group, "\u1C81ЕШЕВО"), (std::vector<int>{0}));
  EXPECT_EQ(Found(group, "\u03D5ΘΗΝΆ"), (std::vector<int>{0}));
  EXPECT_EQ(Found(group, "in 2026"), (std::vector<int>{1}));
}

// RE2 folds only these two code points outside ASCII to ASCII letters: the literals' other letters need
// their own bytes.
TEST(RegexGroupTest, OnlyTwoCodePointsFoldToAsciiLetters) {
  const RE2 ascii_letter("[a-z]", RegexGroup::PatternOptions());
  std::vector<char32_t> folding;
  for (char32_t code_point = 0x80; code_point <= 0x10FFFF; ++code_point) {
    if (code_point >= 0xD800 && code_point <= 0xDFFF) continue;
    std::string text;
    if (code_point < 0x800) {
      text = {static_cast<char>(0xC0 | code_point >> 6), static_cast<char>(0x80 | (code_point & 0x3F))};
    } else if (code_point < 0x10000) {
      text = {static_cast<char>(0xE0 | code_point >> 12), static_cast<char>(0x80 | (code_point >> 6 & 0x3F)),
              static_cast<char>(0x80 | (code_point & 0x3F))};
    } else {
      text = {static_cast<char>(0xF0 | code_point >> 18), static_cast<char>(0x80 | (code_point >> 12 & 0x3F)),
              static_cast<char>(0x80 | (code_point >> 6 & 0x3F)), static_cast<char>(0x80 | (code_point & 0x3F))};
    }
    if (RE2::FullMatch(text, ascii_letter)) folding.push_back(code_point);
  }
  EXPECT_EQ(folding, (std::vector<char32_t>{0x17F, 0x212A}));
}

// A pattern that needs no literal, or can match the empty value, is searched in every value.
TEST(RegexGroupTest, SearchesEveryValueForAPatternWithoutLiterals) {
  RegexGroup group;
  group.Add("[?&]ref=");
  group.Add("x*");
  group.Add("\\S");
  group.Compile();
  EXPECT_EQ(group.PossiblePatterns(""), 0b110u);
  EXPECT_EQ(Found(group, ""), (std::vector<int>{1}));
  EXPECT_EQ(Found(group, "a?ref=b"), (std::vector<int>{0, 1, 2}));
}

// A group of more patterns than a mask holds has no literal prefilter (only the bytes all its patterns need
// one of, here a digit): every value with such a byte is searched.
TEST(RegexGroupTest, SearchesEveryValueWhenThePatternsOutnumberAMask) {
  RegexGroup group;
  for (int i = 0; i < 70; ++i) group.Add("w" + std::to_string(i) + "x");
  group.Compile();
  EXPECT_EQ(group.PossiblePatterns("none"), 0u);
  EXPECT_EQ(group.PossiblePatterns("n0ne"), ~RegexGroup::PatternMask{0});
  EXPECT_EQ(Found(group, "a W65X and w3x, then more text past the first block: w69x"), (std::vector<int>{3, 65, 69}));
}

// Groups of a random half of `patterns` on random values built from `pieces`: each group must report
// exactly the patterns that RE2::PartialMatch finds one by one.
void ExpectAgreesWithPartialMatch(const std::vector<std::string>& patterns, const std::vector<std::string>& pieces,
                                  uint32_t seed, int rounds) {
  std::mt19937 random(seed);
  for (int round = 0; round < rounds; ++round) {
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
      for (size_t count = random() % 9; count > 0; --count) value += pieces[random() % pieces.size()];
      std::vector<int> expected;
      for (size_t i = 0; i < singles.size(); ++i) {
        if (RE2::PartialMatch(value, *singles[i])) expected.push_back(static_cast<int>(i));
      }
      ASSERT_EQ(Found(group, value), expected) << "value '" << value << "'";
    }
  }
}

// The default rule file's kinds of pattern (alternations, anchors, word boundaries, classes, repeats,
// literals outside ASCII with and without cases) on values built from pieces they look for, in other cases
// and with the code points that fold to ASCII letters.
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
      "(günstig|köp|купить|дешево|φθηνά|广告|광고|\\[PR\\])",
      "^\\W*(sponsors?|anzeige|реклама)(\\s*[:|]|\\s+(?-i:[\\p{Lu}\\d]))",
      "kasino",
      "\\S",
  };
  const std::vector<std::string> pieces = {
      "casino", "CASINO", "xn--", "ad", "ads", "clk", ".", "?", "&", "=", "tag", "aff_id", "affid", "ref", "#",
      "sponsored", " ", "guest", "post", "press", "release", "1", "12", "123", "1234", "[", "bcdfgh", "utm_source",
      "cpc", "affiliate", "Partner", "x", "_", "code=ABC", "/signup", "/r/", "SID", "ſ", "\u212A", "2026", ".",
      "GÜNSTIG", "günstig", "KÖP", "КУПИТЬ", "купить", "ΦΘΗΝΆ", "广告", "광고", "[PR]", "[pr]", "Sponsors",
      "РЕКЛАМА", ":", "|", "Acme", "asino", "ponsor", "İ", "ı", "夏季", "K", "\u1C81ЕШЕВО", "ДЕШЕВО",
      "дешево", "\u03D5θηνά", "Español", "ÖP", "k", "2", "20"};
  ExpectAgreesWithPartialMatch(patterns, pieces, 20261130, 200);
}

// Values are scanned 16 positions at a time, the last block of a long value overlapping the one before and a
// short value in a padded copy: a literal, or a byte some pattern needs, is found at every position of values
// of every length up to several blocks, across the blocks' edges.
TEST(RegexGroupTest, FindsLiteralsAtEveryPositionOfEveryLength) {
  const std::vector<std::string> patterns = {"casino", "\\bxyz", "q=\\d", "купить", "[#@]x", "ſid="};
  const std::vector<std::string> literals = {"CASINO", "xyz", "q=1", "КУПИТЬ", "#x", "SID=", "@X", "Kasino"};
  const std::string filler = "ab.-c d/?&é_";
  RegexGroup group;
  std::vector<std::unique_ptr<RE2>> singles;
  for (const std::string& pattern : patterns) {
    group.Add(pattern);
    singles.push_back(std::make_unique<RE2>(pattern, RegexGroup::PatternOptions()));
  }
  group.Compile();
  std::mt19937 random(20261201);
  for (size_t size = 0; size <= 70; ++size) {
    for (const std::string& literal : literals) {
      for (size_t at = 0; at + literal.size() <= size; ++at) {
        std::string value;
        while (value.size() < size) value += filler[random() % filler.size()];
        value.replace(at, literal.size(), literal);
        value.resize(size);
        std::vector<int> expected;
        for (size_t i = 0; i < singles.size(); ++i) {
          if (RE2::PartialMatch(value, *singles[i])) expected.push_back(static_cast<int>(i));
        }
        ASSERT_EQ(Found(group, value), expected) << "value '" << value << "'";
      }
    }
  }
}

// The `matches` patterns of the default rule file, on values built from their own words in random cases.
TEST(RegexGroupTest, AgreesWithPartialMatchOnTheDefaultPatterns) {
  std::ifstream file(BACKLINT_SOURCE_DIR "/rules/default.yaml");
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  std::vector<std::string> patterns;
  const std::string_view kKey = "matches: '";
  for (size_t at = text.find(kKey); at != std::string::npos; at = text.find(kKey, at)) {
    std::string pattern;
    for (at += kKey.size(); at < text.size(); ++at) {
      if (text[at] == '\'' && text.compare(at, 2, "''") != 0) break;
      if (text[at] == '\'') ++at;  // '' is a quote in a single-quoted YAML string
      pattern += text[at];
    }
    patterns.push_back(pattern);
  }
  ASSERT_GT(patterns.size(), 40u);
  std::mt19937 random(20261201);
  std::vector<std::string> pieces = {" ", ".", "/", "?", "&", "=", "#", ":", "-", "2026", "%", "\u212A", "ſ"};
  for (const std::string& pattern : patterns) {
    const RE2 word("([\\pL\\pN]+)", RegexGroup::PatternOptions());
    re2::StringPiece rest(pattern);
    std::string found;
    while (RE2::FindAndConsume(&rest, word, &found)) {
      std::string piece = found;
      for (char& c : piece) {
        if (random() % 3 == 0 && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      }
      pieces.push_back(found);
      pieces.push_back(piece);
    }
  }
  ExpectAgreesWithPartialMatch(patterns, pieces, 20261201, 20);
}

}  // namespace
}  // namespace backlint
