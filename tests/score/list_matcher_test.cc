#include "backlint/score/list_matcher.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace backlint {
namespace {

// The plain definition the matcher must agree with: normalise value and entry the same way (lower-case
// ASCII, separator runs to one space, ends trimmed), then compare the strings.
std::string Normalise(std::string_view text, bool words_only) {
  std::string out;
  bool pending_space = false;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool word_byte = std::isalnum(byte) || byte >= 0x80;
    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    if (words_only ? !word_byte : space) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return out;
}

bool PlainMatch(MatchMode mode, const std::vector<std::string>& entries, std::string_view value) {
  const std::string text = Normalise(value, mode == MatchMode::kWord);
  for (const std::string& raw_entry : entries) {
    const std::string entry = Normalise(raw_entry, mode == MatchMode::kWord);
    if (entry.empty()) continue;
    const bool found = mode == MatchMode::kExact    ? text == entry
                       : mode == MatchMode::kPrefix ? text.starts_with(entry)
                       : mode == MatchMode::kSuffix ? text.ends_with(entry)
                                                    : (" " + text + " ").find(" " + entry + " ") != std::string::npos;
    if (found) return true;
  }
  return false;
}

// Up to `max_pieces` pieces drawn at random, joined.
std::string RandomText(std::mt19937& random, std::span<const std::string_view> pieces, size_t max_pieces) {
  std::string text;
  for (size_t count = random() % (max_pieces + 1); count > 0; --count) text += pieces[random() % pieces.size()];
  return text;
}

ListMatcher Matcher(MatchMode mode, const std::vector<std::string>& entries) {
  return ListMatcher(mode, entries, std::make_shared<ListIndex>());
}

TEST(ListMatcherTest, ExactMatchIgnoresCaseAndSpacing) {
  const ListMatcher matcher = Matcher(MatchMode::kExact, {"payday loans", "casino"});
  EXPECT_TRUE(matcher.Matches(ListValue("  Payday \n LOANS ")));
  EXPECT_FALSE(matcher.Matches(ListValue("payday loans now")));
  EXPECT_FALSE(matcher.Matches(ListValue("payday-loans")));
}

TEST(ListMatcherTest, WordMatchNeedsWholeWordsInOrder) {
  const ListMatcher matcher = Matcher(MatchMode::kWord, {"cheap payday loans", "casino"});
  EXPECT_TRUE(matcher.Matches(ListValue("Get Cheap-Payday-Loans!")));
  EXPECT_TRUE(matcher.Matches(ListValue("online casino, 24/7")));
  EXPECT_FALSE(matcher.Matches(ListValue("cheap payday loansharks")));
  EXPECT_FALSE(matcher.Matches(ListValue("payday loans cheap")));
  EXPECT_FALSE(matcher.Matches(ListValue("casinos")));
}

TEST(ListMatcherTest, FoldsCaseInEveryCasedScript) {
  // Entries and values meet in lower case whichever side was written with capitals.
  const ListMatcher words = Matcher(MatchMode::kWord, {"купить диплом", "ΦΘΗΝΆ", "olcsó repülőjegy", "ａｂｃ"});
  EXPECT_TRUE(words.Matches(ListValue("Купить Диплом недорого")));                 // Cyrillic
  EXPECT_TRUE(words.Matches(ListValue("φθηνά εισιτήρια")));                        // Greek, entry in capitals
  EXPECT_TRUE(words.Matches(ListValue("OLCSÓ REPÜLŐJEGY online")));                // Latin with diacritics
  EXPECT_TRUE(words.Matches(ListValue("ABC")));                                     // full-width Latin
  EXPECT_FALSE(words.Matches(ListValue("Купить дипломат")));                        // still whole words
  EXPECT_TRUE(Matcher(MatchMode::kExact, {"günstig kaufen"}).Matches(ListValue(" GÜNSTIG  Kaufen")));
  EXPECT_TRUE(Matcher(MatchMode::kPrefix, {"ставки"}).Matches(ListValue("СТАВКИ на спорт")));
  // Invalid UTF-8 is compared byte for byte rather than dropped.
  EXPECT_TRUE(Matcher(MatchMode::kExact, {"a\xC3"}).Matches(ListValue("A\xC3")));
  EXPECT_FALSE(Matcher(MatchMode::kExact, {"a\xC3"}).Matches(ListValue("A")));
}

TEST(ListValueTest, FoldsWellFormedSequencesAndKeepsMalformedOnesByteForByte) {
  // Two- and three-byte sequences at the edges of their ranges, folded or kept as they are.
  EXPECT_EQ(ListValue("\u0080 \u00C0 \u07FF \u0800 \u2C65 \uFF21 \uFFFD").Text(), "\u0080 \u00E0 \u07FF \u0800 \u2C65 a \uFFFD");
  EXPECT_EQ(ListValue("\u023A").Text(), "\u2C65");  // folding lengthens it from two bytes to three
  // Four-byte sequences: folded to one byte, folded to four, kept.
  EXPECT_EQ(ListValue("\U0001D400 \U00010400 \U0001F600").Text(), "a \U00010428 \U0001F600");
  EXPECT_EQ(ListValue(" \u023A  \u023A\u023A\u023A x\u023A ").Text(), "\u2C65 \u2C65\u2C65\u2C65 x\u2C65");
  // Overlong forms, a surrogate, a stray continuation byte and cut-short sequences stay as they are.
  for (const std::string_view malformed : {"\xC0\xAF", "\xC1\x81", "\xE0\x80\xAF", "\xED\xA0\x80", "\x80", "\xC3", "\xE2\x82"}) {
    EXPECT_EQ(ListValue(malformed).Text(), malformed);
  }
  EXPECT_EQ(ListValue("\xC3" "A").Text(), "\xC3" "a");  // a lead byte without its continuation byte
}

TEST(ListValueTest, ANormalisedValueIsItsOwnText) {
  const ListValue host("casino.example.xyz");
  EXPECT_EQ(host.Text().data(), host.value().data());  // not copied
  const ListValue anchor("Casino  Bonus");
  EXPECT_EQ(anchor.Text(), "casino bonus");
  EXPECT_NE(anchor.Text().data(), anchor.value().data());
}

TEST(ListMatcherTest, PrefixAndSuffixCompareTheEnds) {
  EXPECT_TRUE(Matcher(MatchMode::kSuffix, {".xyz", ".top"}).Matches(ListValue("casino.example.XYZ")));
  EXPECT_FALSE(Matcher(MatchMode::kSuffix, {".xyz"}).Matches(ListValue("xyz.example")));
  EXPECT_TRUE(Matcher(MatchMode::kPrefix, {"http", "www."}).Matches(ListValue("WWW.example.com")));
  EXPECT_FALSE(Matcher(MatchMode::kPrefix, {"www."}).Matches(ListValue("example.www.com")));
}

TEST(ListMatcherTest, EntriesWithoutWordsNeverMatch) {
  EXPECT_FALSE(Matcher(MatchMode::kWord, {"--", "!"}).Matches(ListValue("-- ! --")));
}

TEST(ListMatcherTest, ListsSharingAWordIndexKeepTheirOwnEntries) {
  const auto words = std::make_shared<ListIndex>();
  const ListMatcher casino(MatchMode::kWord, std::vector<std::string>{"online casino"}, words);
  const ListMatcher loans(MatchMode::kWord, std::vector<std::string>{"payday loans", "online"}, words);
  const ListValue value("best online casino");
  EXPECT_TRUE(casino.Matches(value));
  EXPECT_TRUE(loans.Matches(value));  // "online" alone is loans' entry
  EXPECT_FALSE(casino.Matches(ListValue("online payday loans")));
}

TEST(WordIndexTest, FindsEveryAddedWordInAnyCaseAndNothingElse) {
  // Words of 2 to 29 bytes: told apart by their first 8 bytes, their first 16, or their whole text.
  const auto word = [](int i, char v) {
    return std::string(static_cast<size_t>(i % 24), v) + "w" + std::to_string(i);
  };
  ListIndex words;
  std::vector<ListIndex::Id> ids;
  for (int i = 0; i < 5000; ++i) ids.push_back(words.Add(word(i, 'v')));  // the table grows often
  EXPECT_EQ(words.Add(word(42, 'v')), ids[42]);                            // no duplicate ids
  for (int i = 0; i < 5000; ++i) {
    ASSERT_EQ(words.Find(word(i, 'V')), ids[i]);
    ASSERT_NE(ids[i], ListIndex::kUnlisted);
  }
  EXPECT_EQ(words.Find("w5000"), ListIndex::kUnlisted);
  EXPECT_EQ(words.Find(word(5000, 'v')), ListIndex::kUnlisted);
  EXPECT_EQ(words.Find("w"), ListIndex::kUnlisted);
  EXPECT_EQ(ListIndex().Find("w1"), ListIndex::kUnlisted);
}

TEST(WordIndexTest, KeysBlindOnlyTheCaseOfAsciiLetters) {
  // A word's key sets the case bit of its ASCII bytes only: words whose UTF-8 differs in that bit alone, of
  // a lower-case letter outside ASCII (U+0451 against U+0471, after the same first four bytes, which the
  // hash and the folded-prefix filter do not tell apart), stay apart; digits match only themselves.
  ListIndex words;
  const ListIndex::Id cyrillic = words.Add("\xD1\x91\xD1\x91\xD1\x91");
  const ListIndex::Id digits = words.Add("a1b2");
  EXPECT_EQ(words.Find("\xD1\x91\xD1\x91\xD1\x91"), cyrillic);
  EXPECT_EQ(words.Find("\xD1\x91\xD1\x91\xD1\xB1"), ListIndex::kUnlisted);
  EXPECT_EQ(words.Find("A1B2"), digits);
  EXPECT_EQ(words.Find("a1b3"), ListIndex::kUnlisted);
  EXPECT_EQ(words.Find("aqbr"), ListIndex::kUnlisted);
}

TEST(ListMatcherTest, WordsOnlyInsideLongerEntriesMatchWithinThem) {
  // "to", "of" and "art" begin no entry: after a word in no list they are not looked up.
  const auto words = std::make_shared<ListIndex>();
  const ListMatcher phrases(MatchMode::kWord, std::vector<std::string>{"pay to play", "state of the art"}, words);
  const ListMatcher single(MatchMode::kWord, std::vector<std::string>{"the", "Wholesalers"}, words);
  EXPECT_TRUE(phrases.Matches(ListValue("we pay to play")));
  EXPECT_TRUE(phrases.Matches(ListValue("to pay to play to")));
  EXPECT_TRUE(phrases.Matches(ListValue("State-of-the-ART")));
  EXPECT_FALSE(phrases.Matches(ListValue("go to play")));
  EXPECT_FALSE(phrases.Matches(ListValue("pay x to play")));
  EXPECT_FALSE(phrases.Matches(ListValue("state of the")));
  EXPECT_TRUE(single.Matches(ListValue("of the art")));
  EXPECT_TRUE(single.Matches(ListValue("WHOLESALERS")));  // 11 bytes: the slot's first and second 8
  EXPECT_FALSE(single.Matches(ListValue("wholesaler")));
  EXPECT_FALSE(single.Matches(ListValue("wholesalersx")));
}

// The four modes' matchers over one set of entries, sharing a word index as a rule set's lists do.
class MatchersOfEveryMode {
 public:
  explicit MatchersOfEveryMode(const std::vector<std::string>& entries)
      : words_(std::make_shared<ListIndex>()),
        matchers_{{MatchMode::kExact, entries, words_},
                  {MatchMode::kWord, entries, words_},
                  {MatchMode::kPrefix, entries, words_},
                  {MatchMode::kSuffix, entries, words_}} {}

  // Asserts that every mode answers for `text` as the plain definition does for `plain_text` over
  // `plain_entries` (the texts as they read once folded).
  void ExpectPlainAnswers(std::string_view text, std::string_view plain_text,
                          const std::vector<std::string>& plain_entries) const {
    const ListValue value(text);
    ASSERT_EQ(value.Text(), Normalise(plain_text, false)) << "value '" << text << "'";
    for (const MatchMode mode : {MatchMode::kExact, MatchMode::kWord, MatchMode::kPrefix, MatchMode::kSuffix}) {
      ASSERT_EQ(matchers_[static_cast<int>(mode)].Matches(value), PlainMatch(mode, plain_entries, plain_text))
          << "mode " << static_cast<int>(mode) << ", value '" << text << "', first entry '" << plain_entries[0]
          << "'";
    }
  }

 private:
  std::shared_ptr<ListIndex> words_;
  ListMatcher matchers_[4];
};

// Random lists and values over a few words, separators, cases and a UTF-8 letter, so entries and values
// overlap often; every mode must agree with the plain definition.
TEST(ListMatcherTest, AgreesWithThePlainDefinitionOnRandomInput) {
  constexpr std::string_view kPieces[] = {"buy", "Buy", "cheap", "loans", "lo", "ans", "é", "x1", " ", "  ",
                                          "-",   ".",   "\t",    "!",     "a",  "A",   "."};
  std::mt19937 random(20261130);
  const auto random_text = [&](size_t max_pieces) { return RandomText(random, kPieces, max_pieces); };
  for (int round = 0; round < 2000; ++round) {
    std::vector<std::string> entries(1 + random() % 5);
    for (std::string& entry : entries) entry = random_text(4);
    const MatchersOfEveryMode matchers(entries);
    for (int sample = 0; sample < 20; ++sample) {
      const std::string text = random_text(8);
      ASSERT_NO_FATAL_FAILURE(matchers.ExpectPlainAnswers(text, text, entries));
    }
  }
}

// Prefix and suffix entries and values of 0 to about 70 bytes, so that entries are found both within the
// 32 bytes at a value's matched end and past them, in values shorter and longer than those 32 bytes.
TEST(ListMatcherTest, AffixesOfAnyLengthAgreeWithThePlainDefinition) {
  constexpr std::string_view kPieces[] = {".gov", ".uk", "example", "X", ".", "-", "abcdefghij", "a"};
  std::mt19937 random(20261201);
  for (int round = 0; round < 1000; ++round) {
    std::vector<std::string> entries(1 + random() % 6);
    for (std::string& entry : entries) entry = RandomText(random, kPieces, 8);
    const MatchersOfEveryMode matchers(entries);
    for (int sample = 0; sample < 20; ++sample) {
      // Often an entry with more before or after it, so that the ends meet.
      std::string text = RandomText(random, kPieces, 8);
      if (random() % 2 == 0) text += entries[random() % entries.size()];
      if (random() % 3 == 0) text += RandomText(random, kPieces, 2);
      if (random() % 2 == 0) text = entries[random() % entries.size()] + text;
      ASSERT_NO_FATAL_FAILURE(matchers.ExpectPlainAnswers(text, text, entries));
    }
  }
}

// Values of up to 60 words over a few, so that entries of several words start and end at any place among
// the more than 16 ids that the walk reads at a time.
TEST(ListMatcherTest, LongValuesAgreeWithThePlainDefinition) {
  constexpr std::string_view kPieces[] = {"pay ", "to ", "play ", "x ", "Pay-", "TO.", "the "};
  std::mt19937 random(20261203);
  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> entries(1 + random() % 3);
    for (std::string& entry : entries) entry = RandomText(random, kPieces, 3);
    const MatchersOfEveryMode matchers(entries);
    for (int sample = 0; sample < 10; ++sample) {
      const std::string text = RandomText(random, kPieces, 60);
      ASSERT_NO_FATAL_FAILURE(matchers.ExpectPlainAnswers(text, text, entries));
    }
  }
}

// Many word and exact lists sharing one index (more than 64, so some lists' bits are past the first word of
// the masks, and in some rounds more than the 128 a value keeps in itself; some lists repeat another's
// entries), with words shorter and longer than the 8 and 16 bytes read at a time, values longer than the 64
// bytes classified at a time, words ending exactly at the value's end and non-ASCII words: each list must
// answer as if alone.
TEST(ListMatcherTest, ListsSharingAnIndexAgreeWithThePlainDefinition) {
  constexpr std::string_view kPieces[] = {"payday", "PAYDAY", "loans", "bestsellers", "BestSellerS", "wholesaler",
                                          "12345678", "grüße", "x", " ", "-", ", ", "\xC3", "abcdefghijklmnopq"};
  std::mt19937 random(20261201);
  const auto random_text = [&](size_t max_pieces) { return RandomText(random, kPieces, max_pieces); };
  for (int round = 0; round < 20; ++round) {
    const auto words = std::make_shared<ListIndex>();
    std::vector<std::vector<std::string>> lists(70 + random() % 100);
    std::vector<MatchMode> modes;
    std::vector<ListMatcher> matchers;
    for (auto& entries : lists) {
      entries.resize(1 + random() % 4);
      for (std::string& entry : entries) entry = random_text(3);
      if (random() % 4 == 0) entries = lists[0];  // the same entries as another list: one number for both
      modes.push_back(random() % 2 == 0 ? MatchMode::kWord : MatchMode::kExact);
      matchers.emplace_back(modes.back(), entries, words);
    }
    for (int sample = 0; sample < 50; ++sample) {
      const std::string text = random() % 3 == 0 ? lists[random() % lists.size()][0] : random_text(10);
      const ListValue value(text);
      for (size_t list = 0; list < lists.size(); ++list) {
        ASSERT_EQ(matchers[list].Matches(value), PlainMatch(modes[list], lists[list], text))
            << "list " << list << ", value '" << text << "', first entry '" << lists[list][0] << "'";
      }
    }
  }
}

// Random values and entries of letters that fold (two bytes to two, two to three, three to one, four to
// one and to four), caseless and ASCII letters, malformed sequences and separators, in words shorter and
// longer than the 16 bytes read at once: every mode must agree with the plain definition over the texts
// folded piece by piece.
TEST(ListMatcherTest, FoldedTextsAgreeWithThePlainDefinitionOnRandomInput) {
  struct Piece {
    std::string_view text, folded;
  };
  constexpr Piece kPieces[] = {{"Ж", "ж"},   {"ж", "ж"},         {"Ⱥ", "ⱥ"}, {"Ａ", "a"}, {"É", "é"},
                               {"\U0001D400", "a"}, {"\U00010400", "\U00010428"}, {"漢", "漢"}, {"Q", "q"},
                               {"x", "x"},   {"\xC3", "\xC3"},   {"\xE2\x82", "\xE2\x82"}, {" ", " "}, {"-", "-"}};
  std::mt19937 random(20261202);
  const auto random_texts = [&](size_t max_pieces) {
    std::pair<std::string, std::string> texts;  // as written, folded
    for (size_t count = random() % (max_pieces + 1); count > 0; --count) {
      const Piece& piece = kPieces[random() % std::size(kPieces)];
      texts.first += piece.text;
      texts.second += piece.folded;
    }
    return texts;
  };
  for (int round = 0; round < 500; ++round) {
    std::vector<std::string> entries, folded_entries;
    for (size_t count = 1 + random() % 4; count > 0; --count) {
      auto [entry, folded] = random_texts(6);
      entries.push_back(std::move(entry));
      folded_entries.push_back(std::move(folded));
    }
    const MatchersOfEveryMode matchers(entries);
    for (int sample = 0; sample < 20; ++sample) {
      const auto [text, folded] = sample % 4 == 0 ? std::pair(entries[0], folded_entries[0]) : random_texts(12);
      ASSERT_NO_FATAL_FAILURE(matchers.ExpectPlainAnswers(text, folded, folded_entries));
    }
  }
}

// Values of 0 to about 100 bytes, ASCII or not, normalised already or not, one ListValue reused through
// Reset: Text() must be the plain normalisation whether it is the value, a copy short enough for the cache
// line after the value's, or a longer one.
TEST(ListValueTest, TextAgreesWithThePlainDefinitionAtAnyLength) {
  constexpr std::string_view kPieces[] = {"pay", "DAY", " ", "  ", "\t", "é", "loans", "X", "0123456789"};
  std::mt19937 random(20261204);
  ListValue value;
  for (int sample = 0; sample < 20000; ++sample) {
    const std::string text = RandomText(random, kPieces, 24);
    value.Reset(text);
    ASSERT_EQ(value.Text(), Normalise(text, false)) << text;
  }
}

TEST(ListValueTest, TextAgreesWithThePlainDefinitionWhereverASeparatorFalls) {
  // Values are checked 16 bytes at a time, the last 16 overlapping the ones before: a space run, a tab or a
  // byte outside ASCII at every place of every length, chunk boundaries included.
  constexpr std::string_view kInserts[] = {"  ", " ", "\t", "\xC3\xA9", "Z"};
  ListValue value;
  for (size_t size = 1; size <= 100; ++size) {
    for (size_t at = 0; at < size; ++at) {
      for (const std::string_view insert : kInserts) {
        std::string text(size, 'q');
        text.replace(at, std::min(insert.size(), size - at), insert.substr(0, size - at));
        value.Reset(text);
        ASSERT_EQ(value.Text(), Normalise(text, false)) << text;
      }
    }
  }
}

TEST(ListValueTest, ResetForgetsTheFormsOfThePreviousValue) {
  const auto words = std::make_shared<ListIndex>();
  const std::vector<std::string> entries = {"payday loans"};
  const ListMatcher word(MatchMode::kWord, entries, words);
  const ListMatcher exact(MatchMode::kExact, entries, words);
  ListValue value("Fast  PAYDAY loans");
  ASSERT_EQ(value.Text(), "fast payday loans");
  ASSERT_TRUE(word.Matches(value));

  value.Reset("  Payday   Loans ");
  EXPECT_EQ(value.value(), "  Payday   Loans ");
  EXPECT_EQ(value.Text(), "payday loans");
  EXPECT_TRUE(word.Matches(value));
  EXPECT_TRUE(exact.Matches(value));

  value.Reset("loans for payday");
  EXPECT_EQ(value.Text(), "loans for payday");
  EXPECT_FALSE(word.Matches(value));
  EXPECT_FALSE(exact.Matches(value));
}

}  // namespace
}  // namespace backlint
