#include "backlint/extract/page_terms.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace backlint {
namespace {

using ::testing::ElementsAre;

TEST(PageTermsTest, WeightedFrequenciesWithoutStopWordsOrNumbers) {
  // alps and hiking both weigh 3 + 2, so they tie and sort alphabetically.
  PageTerms terms;
  terms.Add("Hiking the Alps", 3);
  terms.Add("The alps in 2024: hiking, hiking and the glaciers of the Alps", 1);
  EXPECT_THAT(terms.Top(3), ElementsAre("alps", "hiking", "glaciers"));
  EXPECT_THAT(terms.Top(10), ElementsAre("alps", "hiking", "glaciers"));
}

TEST(PageTermsTest, TiesAreAlphabeticalAndShortWordsSkipped) {
  PageTerms terms;
  terms.Add("zebra apple an ox", 1);
  EXPECT_THAT(terms.Top(5), ElementsAre("apple", "zebra"));
}

TEST(PageTermsTest, StopWordsStayOutHoweverOftenAndInWhateverCase) {
  PageTerms terms;
  terms.Add("The THE the Because because themselves", 5);
  terms.Add("garden the gardens Themselves", 1);
  EXPECT_THAT(terms.Top(5), ElementsAre("garden", "gardens"));
}

TEST(PageTermsTest, StopWordsMatchWholeNotByTheirFirstEightBytes) {
  // "themselves" and "ourselves" are longer than eight bytes; words sharing their start are terms.
  PageTerms terms;
  terms.Add("themselves ourselves Ourselves themselv ourselve themselvez ourselvesx", 1);
  EXPECT_THAT(terms.Top(10), ElementsAre("ourselve", "ourselvesx", "themselv", "themselvez"));
}

TEST(PageTermsTest, NumbersOfAnyLengthAreSkippedButWordsWithDigitsCount) {
  PageTerms terms;
  terms.Add("123 12345678 123456789012 2024 4x4 mp3 12345678a 2024", 1);
  EXPECT_THAT(terms.Top(10), ElementsAre("12345678a", "4x4", "mp3"));
}

TEST(PageTermsTest, NewWordsPastTheVocabularyBoundAreIgnoredWhileKnownOnesCount) {
  PageTerms terms;
  std::string text = "early ";
  for (int word = 0; word < 20000; ++word) {
    std::string spelled = "qq";
    for (int n = word; n > 0; n /= 26) spelled.push_back(static_cast<char>('a' + n % 26));
    text += spelled + " " + std::to_string(word) + " ";  // numbers take no room from the terms
  }
  terms.Add(text, 1);
  terms.Add("late late late early early", 1);
  EXPECT_EQ(terms.Top(1), std::vector<std::string>{"early"});
  const std::vector<std::string> top = terms.Top(30000);
  EXPECT_EQ(top.size(), 20000U);
  EXPECT_EQ(std::count(top.begin(), top.end(), "late"), 0);
}

// The top terms of texts without stop-words, counted naively.
std::vector<std::string> NaiveTop(const std::vector<std::pair<std::string, int>>& texts, std::size_t count) {
  std::map<std::string, int> weights;
  for (const auto& [text, weight] : texts) {
    std::string word;
    for (const char c : text + " ") {
      if (std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80) {
        word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      } else if (!word.empty()) {
        if (word.size() >= 3 && !std::all_of(word.begin(), word.end(), [](char d) { return d >= '0' && d <= '9'; })) {
          weights[word] += weight;
        }
        word.clear();
      }
    }
  }
  std::vector<std::pair<std::string, int>> ranked(weights.begin(), weights.end());
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::string> top;
  for (std::size_t i = 0; i < count && i < ranked.size(); ++i) top.push_back(ranked[i].first);
  return top;
}

TEST(PageTermsTest, ManyDistinctWordsRankAsANaiveCount) {
  // Thousands of distinct words (the table grows several times), some past eight bytes and differing only
  // at their end, in mixed case and with non-ASCII bytes, repeated with skewed frequencies.
  std::vector<std::pair<std::string, int>> texts;
  for (int round = 0; round < 3; ++round) {
    std::string text;
    for (int i = 0; i < 5000; ++i) {
      const int word = (i * 7919 + round * 31) % (1500 + 900 * round);
      std::string spelled = "zq";
      for (int n = word; n > 0; n /= 26) spelled.push_back(static_cast<char>('a' + n % 26));
      if (word % 3 == 0) spelled = "Verylongprefix" + spelled;
      if (word % 5 == 0) spelled += "\xC3\xA9";
      if (word % 2 == 0) spelled[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(spelled[0])));
      text += spelled + (i % 11 == 0 ? ", " : " ");
    }
    texts.emplace_back(text, round + 1);
  }
  PageTerms terms;
  for (const auto& [text, weight] : texts) terms.Add(text, weight);
  EXPECT_EQ(terms.Top(50), NaiveTop(texts, 50));
}

TEST(PageTermsTest, WordsOfRandomBytesAreFoundAsByANaiveCount) {
  // Letters of no stop-word, digits, the bytes next to letters and digits in ASCII ('@' '[' '`' '{' '/' ':'),
  // whitespace and non-ASCII bytes, in texts of every length around the sixteen- and 64-byte blocks.
  const std::string alphabet = "qQzZx0919@[`{/: \n\x80\xC3\xFF";
  std::mt19937 random(11);
  std::vector<std::pair<std::string, int>> texts;
  for (std::size_t size = 0; size < 300; ++size) {
    std::string text;
    for (std::size_t i = 0; i < size; ++i) text.push_back(alphabet[random() % alphabet.size()]);
    texts.emplace_back(text, static_cast<int>(size % 3) + 1);
  }
  PageTerms terms;
  for (const auto& [text, weight] : texts) terms.Add(text, weight);
  EXPECT_EQ(terms.Top(100000), NaiveTop(texts, 100000));
}

}  // namespace
}  // namespace backlint
