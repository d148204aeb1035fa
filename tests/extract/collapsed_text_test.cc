#include "backlint/extract/collapsed_text.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace backlint {
namespace {

const std::string kNbsp = "\xC2\xA0";

TEST(CollapsedTextTest, CollapsesEveryWhitespaceRunToOneSpaceAndTrimsTheEnds) {
  EXPECT_EQ(Collapse("  one\t\ttwo \n\r\f three  "), "one two three");
  EXPECT_EQ(Collapse(kNbsp + "a" + kNbsp + kNbsp + " b" + kNbsp), "a b");
  EXPECT_EQ(Collapse(" \n\t "), "");
  EXPECT_EQ(Collapse(""), "");
}

TEST(CollapsedTextTest, KeepsOtherBytesIncludingOtherCharactersThatStartWithC2) {
  // U+00A9 (C2 A9) is no space; a 0xC2 at the very end is a broken character, kept as it is.
  EXPECT_EQ(Collapse("caf\xC3\xA9 \xC2\xA9 2024 \xC2"), "caf\xC3\xA9 \xC2\xA9 2024 \xC2");
  // Control bytes other than whitespace are text.
  EXPECT_EQ(Collapse("a\x01 b\x0B"), "a\x01 b\x0B");
}

TEST(CollapsedTextTest, RunsSpanningSixteenByteBlocksCollapseTheSame) {
  // Long words, long indentation and spaces at every offset around the block edges.
  const std::string word(37, 'w');
  EXPECT_EQ(Collapse(word + std::string(40, ' ') + word + "\n" + std::string(33, '\t') + word),
            word + " " + word + " " + word);
  for (std::size_t offset = 0; offset < 40; ++offset) {
    const std::string text = std::string(offset, 'x') + "  " + kNbsp + "\ny" + std::string(offset, 'z');
    EXPECT_EQ(Collapse(text), std::string(offset, 'x') + (offset > 0 ? " " : "") + "y" + std::string(offset, 'z'))
        << offset;
  }
}

// Whitespace collapsing done the obvious way, one character at a time, over pieces appended in turn (a
// no-break space split between two pieces is no space, as it would be split between two text nodes).
std::string CollapsedOneByOne(const std::vector<std::string>& pieces) {
  std::string out;
  bool pending = false;
  for (const std::string& text : pieces) {
    for (std::size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r') {
        pending = true;
      } else if (c == '\xC2' && i + 1 < text.size() && text[i + 1] == '\xA0') {
        pending = true;
        ++i;
      } else {
        if (pending && !out.empty()) out += ' ';
        pending = false;
        out += c;
      }
    }
  }
  return out;
}

TEST(CollapsedTextTest, AgreesWithCollapsingOneCharacterAtATime) {
  // Texts built from the bytes that matter, appended in pieces as a DOM walk appends text nodes.
  const std::string_view alphabet[] = {" ", "  ", "\t", "\n", "\r", "\f", "\xC2\xA0", "\xC2", "\xA0", "\xC2\xA9",
                                       "a", "word", "\x01", "longerwordthanablock"};
  std::mt19937 random(20261130);
  for (int round = 0; round < 5000; ++round) {
    std::vector<std::string> pieces(1 + random() % 4);
    CollapsedText text;
    for (std::string& piece : pieces) {
      const std::size_t tokens = random() % 30;
      for (std::size_t token = 0; token < tokens; ++token) piece += alphabet[random() % std::size(alphabet)];
      text.Append(piece);
    }
    ASSERT_EQ(text.str(), CollapsedOneByOne(pieces)) << "round " << round;
  }
}

TEST(CollapsedTextTest, CountsCharactersAndSpacesOfAnyLength) {
  EXPECT_EQ(CountCharactersAndSpaces("").characters, 0U);
  EXPECT_EQ(CountCharactersAndSpaces("caf\xC3\xA9 au lait").characters, 12U);
  EXPECT_EQ(CountCharactersAndSpaces("caf\xC3\xA9 au lait").spaces, 2U);
  // Counted sixteen bytes at a time in lanes summed every 255 blocks: lengths around both edges.
  const std::string piece = "\xE2\x82\xAC a";  // a three-byte character, a space, a letter: 5 bytes, 3 characters
  for (const std::size_t pieces : {1, 3, 4, 5, 815, 816, 817, 1632, 2000}) {
    std::string text;
    for (std::size_t i = 0; i < pieces; ++i) text += piece;
    const Utf8Counts counts = CountCharactersAndSpaces(text);
    EXPECT_EQ(counts.characters, 3 * pieces) << pieces;
    EXPECT_EQ(counts.spaces, pieces) << pieces;
    EXPECT_EQ(Utf8Length(text), 3 * pieces) << pieces;
  }
}

TEST(CollapsedTextTest, TruncateUtf8CutsOnlyPastTheCharacterLimit) {
  std::string ascii = "abcde";
  EXPECT_FALSE(TruncateUtf8(ascii, 5));
  EXPECT_EQ(ascii, "abcde");
  std::string accents = "\xC3\xA9\xC3\xA9\xC3\xA9";  // three characters in six bytes
  EXPECT_FALSE(TruncateUtf8(accents, 3));
  EXPECT_EQ(accents, "\xC3\xA9\xC3\xA9\xC3\xA9");
  EXPECT_TRUE(TruncateUtf8(accents, 2));
  EXPECT_EQ(accents, "\xC3\xA9\xC3\xA9");
  EXPECT_TRUE(TruncateUtf8(ascii, 4));
  EXPECT_EQ(ascii, "abcd");
}

}  // namespace
}  // namespace backlint
