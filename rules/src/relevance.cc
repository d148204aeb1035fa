#include "backlint/score/relevance.h"

#include <emmintrin.h>  // SSE2, part of x86-64

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <bitset>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "text_bytes.h"
#include "url_parts.h"

namespace backlint {
namespace {

using StemKey = uint64_t;

// Words that say nothing about a topic: English function words, web furniture ("click here", "www",
// "html") and the commercial modifiers link sellers wrap around any keyword ("best", "cheap", "buy").
constexpr std::array<std::string_view, 98> kNonTopicalWords = {
    "about",  "after",   "again", "all",    "also",   "and",     "any",    "are",    "asp",    "aspx",
    "best",   "but",     "buy",   "can",    "cheap",  "click",   "com",    "could",  "deal",   "deals",
    "der",    "des",     "die",   "discount", "does", "download", "each",  "for",    "free",   "from",
    "get",    "had",     "has",   "have",   "her",    "here",    "his",    "home",   "how",    "htm",
    "html",   "http",    "https", "index",  "info",   "into",    "its",    "jsp",    "les",    "link",
    "links",  "more",    "near",  "net",    "new",    "not",     "now",    "official", "one",  "online",
    "only",   "order",   "org",   "our",    "out",    "over",    "page",   "php",    "post",   "price",
    "read",   "sale",    "see",   "shop",   "site",   "some",    "than",   "that",   "the",    "their",
    "them",   "then",    "there", "these",  "they",   "this",    "top",    "und",    "very",   "was",
    "website", "were",   "what",  "when",   "which",  "who",     "with",   "www",
};

// Up to eight bytes as an integer, little-endian and zero-padded: a whole word of eight bytes or fewer
// (words have no zero bytes, so different short words give different integers).
constexpr uint64_t HeadOf(std::string_view text) {
  uint64_t head = 0;
  for (size_t i = 0; i < text.size() && i < 8; ++i) head |= uint64_t{static_cast<unsigned char>(text[i])} << 8 * i;
  return head;
}

// The eight bytes of `text` from `at` on as HeadOf packs them, in one or two loads, never past its end.
[[gnu::always_inline]] inline uint64_t EightBytesAt(std::string_view text, size_t at) {
  constexpr size_t kEight = sizeof(uint64_t);
  if (at + kEight <= text.size()) return LoadEightBytes(text.data() + at);
  // The text's last eight bytes, shifted down to start at `at`.
  if (text.size() >= kEight) {
    return LoadEightBytes(text.data() + text.size() - kEight) >> 8 * (at + kEight - text.size());
  }
  return HeadOf(text.substr(at));
}

// A topical word as relevance compares it: its first eight and last four bytes, lower-cased and packed, so
// that non-topical words and stems are compared as integers and nothing is copied.
struct Word {
  std::string_view text;  // ASCII lower-cased; lower-cased in every script when it has bytes outside ASCII
  uint64_t head;          // the first eight bytes (HeadOf)
  uint32_t tail;          // the last four bytes, the last one in the top byte; 0 for words under four bytes
  size_t size() const { return text.size(); }
};

// Every word is checked against kNonTopicalWords by the word's head (0 marks none: a word of three bytes or
// more never has head 0) at an index found from a slot per head, in which no two words share a slot: one
// compare, without a branch on whether the word is there, which is unpredictable. The slots hold one-byte
// indexes into the heads rather than the heads themselves: the tables are 1.3 KB rather than 4 KB, and
// between two pages' links, parsing evicts them from the caches.
constexpr size_t kNonTopicalSlots = 512;  // a power of two

// The multiplier was searched for to leave every word its own slot; the table's construction checks it.
constexpr size_t NonTopicalSlot(uint64_t head) { return (head * 0x35a35fa367741713ull) >> 55; }  // top 9 bits

struct NonTopicalTable {
  std::array<uint8_t, kNonTopicalSlots> index_of_slot;      // 0 for a slot without a word
  std::array<uint64_t, kNonTopicalWords.size() + 1> heads;  // heads[0] is 0, matching no word
};
constexpr NonTopicalTable kNonTopicalTable = [] {
  std::array<uint64_t, kNonTopicalSlots> head_of_slot{};
  for (std::string_view word : kNonTopicalWords) {
    uint64_t& slot = head_of_slot[NonTopicalSlot(HeadOf(word))];
    if (slot != 0) throw "two non-topical words share a slot: search NonTopicalSlot another multiplier";
    slot = HeadOf(word);
  }
  NonTopicalTable table{};
  size_t next = 1;
  for (size_t slot = 0; slot < kNonTopicalSlots; ++slot) {
    if (head_of_slot[slot] == 0) continue;
    table.index_of_slot[slot] = static_cast<uint8_t>(next);
    table.heads[next++] = head_of_slot[slot];
  }
  return table;
}();

bool IsNonTopical(const Word& word) {
  const uint8_t index = kNonTopicalTable.index_of_slot[NonTopicalSlot(word.head)];
  return (kNonTopicalTable.heads[index] == word.head) & (word.size() <= 8);
}

constexpr size_t kStemBytes = 6;

// Up to kStemBytes leading bytes of `head` packed with their count in the top byte: a key that compares
// and hashes without allocating. Never 0 (the count is at least 1).
StemKey KeyOf(uint64_t head, size_t length) {
  return (head & ((uint64_t{1} << 8 * length) - 1)) | uint64_t{length} << 56;
}
size_t StemLength(StemKey key) { return key >> 56; }

// The length of the common English suffix `word` ends with and can lose (three bytes must remain), or 0:
// the longest of "ings", "ing", "ers", "ies", "er", "es", "ed", "s", "e", "y" that it ends with. Which one a
// word ends with is unpredictable: the packed tail is compared with all of them at once, without a branch.
consteval uint32_t Suffix(std::string_view suffix) {
  return static_cast<uint32_t>(HeadOf(suffix)) << 8 * (4 - suffix.size());  // its bytes at the top, as in a tail
}
consteval uint32_t SuffixMask(size_t length) { return ~uint32_t{0} << 8 * (4 - length); }
[[gnu::always_inline]] inline size_t SuffixLength(const Word& word) {
  // Three suffixes of each length from one to three bytes and one of four, in that order: the compare
  // result for lane i is bit i, so a suffix's length is its bit's index / 3 + 1. The last two lanes never match.
  const __m128i kShortMasks = _mm_setr_epi32(SuffixMask(1), SuffixMask(1), SuffixMask(1), SuffixMask(2));
  const __m128i kShort = _mm_setr_epi32(Suffix("s"), Suffix("e"), Suffix("y"), Suffix("er"));
  const __m128i kMiddleMasks = _mm_setr_epi32(SuffixMask(2), SuffixMask(2), SuffixMask(3), SuffixMask(3));
  const __m128i kMiddle = _mm_setr_epi32(Suffix("es"), Suffix("ed"), Suffix("ing"), Suffix("ers"));
  const __m128i kLongMasks = _mm_setr_epi32(SuffixMask(3), SuffixMask(4), 0, 0);
  const __m128i kLong = _mm_setr_epi32(Suffix("ies"), Suffix("ings"), 1, 1);
  const __m128i tail = _mm_set1_epi32(static_cast<int>(word.tail));
  const auto lanes = [&](__m128i masks, __m128i suffixes) {
    return static_cast<unsigned>(_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(_mm_and_si128(tail, masks), suffixes))));
  };
  const unsigned ends_with = lanes(kShortMasks, kShort) | lanes(kMiddleMasks, kMiddle) << 4 | lanes(kLongMasks, kLong) << 8;
  // The suffixes that leave three bytes: three more lanes for each byte over three.
  const unsigned can_lose = (1u << 3 * (std::clamp<size_t>(word.size(), 3, 7) - 3)) - 1;
  // bit_width(x) as bit_width(2x + 1) - 1: std::bit_width branches on zero, and most words end with no suffix.
  const unsigned bit_width = 31 - static_cast<unsigned>(__builtin_clz((ends_with & can_lose) << 1 | 1));
  return (bit_width + 2) / 3;
}

// A crude stem: common English suffixes off, then at most six bytes, so "hiking", "hikes" and "hike" agree.
[[gnu::always_inline]] inline StemKey StemOf(const Word& word) { return KeyOf(word.head, std::min(word.size() - SuffixLength(word), kStemBytes)); }

// Stems and host labels are screened by their first two bytes in tables of 1,024 bits before the dearer
// lookups. Pairs of ASCII letters each have their own bit, whatever their case (the bit ignores 0x20);
// other bytes may share one, which only costs a lookup.
size_t PairBit(unsigned char first, unsigned char second) { return (first & 31u) << 5 | (second & 31u); }
size_t PairBit(std::string_view bytes) {
  return PairBit(static_cast<unsigned char>(bytes[0]), static_cast<unsigned char>(bytes[1]));
}
size_t PairBit(StemKey key) { return PairBit(key & 0xff, key >> 8 & 0xff); }

// A set of PairBit()s, added to and tested without a branch.
class PairSet {
 public:
  // Emptied in eight 16-byte stores: GCC would otherwise use `rep stos`, which is slow to start.
  PairSet() {
#pragma GCC unroll 8
    for (size_t chunk = 0; chunk < sizeof words_ / 16; ++chunk) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(words_.data()) + chunk, _mm_setzero_si128());
    }
  }
  void Add(size_t bit, bool add = true) { words_[bit / 64] |= uint64_t{add} << bit % 64; }
  bool Has(size_t bit) const { return (words_[bit / 64] >> bit % 64 & 1) != 0; }

 private:
  std::array<uint64_t, 1024 / 64> words_;
};

// Open-addressing hash set of stem keys, its home slots at most half full; 0 marks an empty slot. Keys
// displaced past the last home slot go to slots appended after it, so a lookup never wraps around and
// compares a fixed number of slots from the key's home slot, the most any key was displaced: without a
// branch on whether the key is there, which is unpredictable.
size_t StemSlot(StemKey key, int shift) { return (key * 0x9e3779b97f4a7c15ull) >> shift; }
TopicalRelevance::StemSet StemSetOf(const std::vector<StemKey>& keys) {
  const size_t home_slots = std::max<size_t>(8, std::bit_ceil(2 * keys.size()));
  TopicalRelevance::StemSet set{std::vector<StemKey>(home_slots), 64 - std::countr_zero(home_slots), 1};
  for (StemKey key : keys) {
    const size_t home = StemSlot(key, set.shift);
    size_t slot = home;
    while (slot < set.slots.size() && set.slots[slot] != 0 && set.slots[slot] != key) ++slot;
    if (slot == set.slots.size()) set.slots.push_back(0);
    set.slots[slot] = key;
    set.probes = std::max(set.probes, slot - home + 1);
  }
  // Every home slot's lookup compares `probes` slots, the last home slot's too.
  if (set.slots.size() < home_slots + set.probes - 1) set.slots.resize(home_slots + set.probes - 1, 0);
  return set;
}
[[gnu::always_inline]] inline bool Contains(const TopicalRelevance::StemSet& set, StemKey key) {
  const StemKey* const slots = set.slots.data() + StemSlot(key, set.shift);
  bool found = false;
  for (size_t probe = 0; probe < set.probes; ++probe) found |= slots[probe] == key;
  return found;
}

// Whether the lower-cased host label contains a stem of four bytes or more of `stems` (a StemSetOf): whether
// one of its substrings of four to kStemBytes bytes that starts with a pair noted in `starts` is in it.
bool ContainsLongStem(const TopicalRelevance::StemSet& stems, const std::bitset<1024>& starts, std::string_view label) {
  for (size_t start = 0; start + 4 <= label.size(); ++start) {
    if (!starts.test(PairBit(label.substr(start)))) continue;
    const uint64_t head = EightBytesAt(label, start);
    for (size_t length = 4; length <= kStemBytes && start + length <= label.size(); ++length) {
      if (Contains(stems, KeyOf(head, length))) return true;
    }
  }
  return false;
}

// The word `raw` lower-cased in every cased script, so "Ország" in a title meets "ország" in the text.
// Kept out of line: most words are ASCII.
[[gnu::noinline]] Word FoldedWord(std::string_view raw) {
  // Reused: relevance splits several texts of every backlink. Only grown, so that it is not filled with
  // zeros for every word as a string resized to fit would be.
  thread_local std::vector<char> folded;
  if (folded.size() < FoldedSizeBound(raw.size()) + sizeof(uint64_t)) folded.resize(FoldedSizeBound(raw.size()) + sizeof(uint64_t));
  const size_t size = FoldCase(raw, folded.data());
  // Head and tail loaded as for ASCII words, over eight zero bytes after the word.
  std::memset(folded.data() + size, 0, sizeof(uint64_t));
  const uint64_t head = LoadEightBytes(folded.data());
  const uint32_t tail = static_cast<uint32_t>(LoadEightBytes(folded.data() + (size >= 4 ? size - 4 : 0))) & (size >= 4 ? ~uint32_t{0} : 0);
  return {std::string_view(folded.data(), size), head, tail};
}

// Bytes of 64 bytes of text by class (ClassesOfSixteen's), one bit per byte, the first byte's bit 0.
struct ByteClasses {
  uint64_t word = 0, high = 0, digit = 0;
};

// The classes of the 64 bytes at `bytes`, whose ASCII letters it lower-cases in place: a word's bytes
// are then loaded as they are compared, without lower-casing each word's head and tail on its own.
[[gnu::always_inline]] inline ByteClasses ClassifyAndLower(char* bytes) {
  ByteClasses classes;
#pragma GCC unroll 4
  for (size_t chunk = 0; chunk < 4; ++chunk) {
    const SixteenByteClasses sixteen = ClassesOfSixteen(bytes + 16 * chunk);
    LowerAsciiSixteen(bytes + 16 * chunk);
    classes.word |= uint64_t{sixteen.word} << 16 * chunk;
    classes.high |= uint64_t{sixteen.high} << 16 * chunk;
    classes.digit |= uint64_t{sixteen.digit} << 16 * chunk;
  }
  return classes;
}

// Texts copied one after the other into a buffer, each followed by a zero byte (not a word byte, so no
// word runs from one into the next), with the classes of each 64 bytes. Zero bytes follow the last text
// up to the end of its block and eight bytes beyond, so that classes are made a whole 64 bytes at a time
// and words' bytes loaded eight at a time, never past the buffer's end. Texts are classified together,
// rather than one by one, for fewer copies and calls.
class ClassifiedText {
 public:
  // Always inlined: each caller's texts differ in number and size, and so do its loops' branches.
  template <typename Texts>
  [[gnu::always_inline]] explicit ClassifiedText(const Texts& texts) {
    // The loops over the texts are unrolled: a link's texts are two or three, and the loops' ends would
    // be mispredicted.
#pragma GCC unroll 4
    for (std::string_view text : texts) size_ += text.size() + 1;
    const size_t blocks = (size_ + 63) / 64;
    if (byte_buffer_.size() < 64 * blocks + 64) byte_buffer_.resize(64 * blocks + 64);
    // The buffers are only grown: growing value-initialises the new blocks, and the texts of one call and
    // the next differ in size.
    if (class_buffer_.size() < blocks + 2) class_buffer_.resize(blocks + 2);
    bytes_ = byte_buffer_.data();
    classes_ = class_buffer_.data();
    size_t at = 0;
#pragma GCC unroll 4
    for (std::string_view text : texts) {
      if (!text.empty()) std::memcpy(bytes_ + at, text.data(), text.size());  // an empty view's data may be null
      at += text.size();
      // 64 zero bytes in four stores rather than a memset of a varying length (the next text overwrites them).
#pragma GCC unroll 4
      for (size_t chunk = 0; chunk < 4; ++chunk) {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(bytes_ + at + 16 * chunk), _mm_setzero_si128());
      }
      ++at;
    }
    // A block of no bytes on either side, so that the blocks around any block can be read.
    classes_[0] = classes_[blocks + 1] = {};
    for (size_t block = 0; block < blocks; ++block) classes_[block + 1] = ClassifyAndLower(bytes_ + 64 * block);
  }

  // The texts' bytes, ASCII lower-cased (the rest as written), and the zero byte after each.
  size_t size() const { return size_; }
  // The word bytes of `block`; none for the block after the last.
  uint64_t WordBytes(size_t block) const { return classes_[block + 1].word; }
  // Whether the last byte before `block` is a word byte.
  uint64_t WordByteBefore(size_t block) const { return classes_[block].word >> 63; }
  const char* data() const { return bytes_; }

  // The classes of the 64 bytes from byte `offset` of `block` on, and whether the byte 64 bytes on is a
  // word byte. By block and offset, as the word scan finds them, rather than recomputed from a position.
  ByteClasses From(size_t block, size_t offset, bool& word_byte_after) const {
    const ByteClasses &low = classes_[block + 1], &high = classes_[block + 2];
    // Shifted in two steps so that offset 0 shifts `high` out entirely.
    const auto join = [&](uint64_t low_bits, uint64_t high_bits) { return low_bits >> offset | high_bits << 1 << (63 - offset); };
    word_byte_after = (high.word >> offset & 1) != 0;
    return {join(low.word, high.word), join(low.high, high.high), join(low.digit, high.digit)};
  }

 private:
  // Reused: relevance classifies texts of every backlink. Only one ClassifiedText is alive at a time.
  static thread_local std::vector<char> byte_buffer_;
  static thread_local std::vector<ByteClasses> class_buffer_;
  // Their data, read through plain pointers: every access to a thread_local checks that it is constructed.
  char* bytes_;
  ByteClasses* classes_;
  size_t size_ = 0;
};
thread_local std::vector<char> ClassifiedText::byte_buffer_;
thread_local std::vector<ByteClasses> ClassifiedText::class_buffer_;

// The word of three bytes or more that starts at `start` in `text` as a Word if it is topical: at most 64
// bytes (longer runs are tokens or encoded data), not only digits, not a non-topical word. Inlined into the
// word scan: it runs for every such word of every backlink's texts.
[[gnu::always_inline]] inline std::optional<Word> TopicalWord(const ClassifiedText& text, size_t block, size_t offset) {
  bool word_byte_after;
  const ByteClasses classes = text.From(block, offset, word_byte_after);
  // 65 stands for any longer word.
  const size_t size = static_cast<size_t>(std::countr_one(classes.word)) + (classes.word == ~uint64_t{0} && word_byte_after);
  // Whether the word is topical is decided by one branch, at the end: it is unpredictable.
  const bool topical_size = size <= 64;
  const uint64_t in_word = ~uint64_t{0} >> (64 - std::min<size_t>(size, 64));
  const bool only_digits = (classes.digit & in_word) == in_word;
  const char* const bytes = text.data() + 64 * block + offset;
  const std::string_view raw(bytes, size);
  Word word;
  if ((classes.high & in_word) == 0) {
    // Loaded straight from the text (lower-cased already); bytes past the word are masked off. A word of
    // three bytes has no tail: its load (of its own bytes) is masked off too.
    const size_t tail_at = size >= 4 ? size - 4 : 0;
    word = {raw, LoadEightBytes(bytes) & ~uint64_t{0} >> 8 * (8 - std::min<size_t>(size, 8)),
            static_cast<uint32_t>(LoadEightBytes(bytes + tail_at)) & (size >= 4 ? ~uint32_t{0} : 0)};
  } else {
    word = FoldedWord(raw);
  }
  if (!topical_size | only_digits | IsNonTopical(word)) return std::nullopt;
  return word;
}

// Calls `visit(block, offset)` for each word of three bytes or more in `text`, by the 64-byte block it
// starts in and its offset there: shorter words are never topical, and are skipped without a look at their bytes.
template <typename Visit>
void ForEachLongWordStart(const ClassifiedText& text, Visit visit) {
  for (size_t block = 0; 64 * block < text.size(); ++block) {
    const uint64_t word_bytes = text.WordBytes(block), next_word_bytes = text.WordBytes(block + 1);
    const uint64_t second_is_word_byte = word_bytes >> 1 | next_word_bytes << 63;
    const uint64_t third_is_word_byte = word_bytes >> 2 | next_word_bytes << 62;
    const uint64_t starts = word_bytes & ~(word_bytes << 1 | text.WordByteBefore(block));
    for (uint64_t long_starts = starts & second_is_word_byte & third_is_word_byte; long_starts != 0; long_starts &= long_starts - 1) {
      visit(block, static_cast<size_t>(std::countr_zero(long_starts)));
    }
  }
}

// Calls `visit(word, start)` for each topical word (TopicalWord) of `text` and where it starts.
template <typename Visit>
void ForEachTopicalWord(const ClassifiedText& text, Visit visit) {
  ForEachLongWordStart(text, [&](size_t block, size_t offset) __attribute__((always_inline)) {
    if (const std::optional<Word> word = TopicalWord(text, block, offset)) visit(*word, 64 * block + offset);
  });
}

// Whether `wanted` accepts the first two bytes of the word at `start`, folded as FoldedWord folds the
// whole word (a code point's folding depends on it alone); true when the word folds to fewer bytes. Only
// for words that start outside ASCII: folding them whole costs far more.
template <typename Wanted>
bool WantsFolded(const ClassifiedText& text, size_t start, Wanted wanted) {
  thread_local std::string folded;  // reused: never longer than a few bytes
  folded.clear();
  const std::string_view bytes(text.data(), text.size());
  for (size_t at = start; folded.size() < 2 && IsWordByte(bytes[at]);) {
    if (static_cast<unsigned char>(bytes[at]) < 0x80) {
      folded += bytes[at++];  // lower-cased already
    } else {
      at += AppendFoldedCodePoint(bytes, at, folded);
    }
  }
  return folded.size() < 2 || wanted(folded[0], folded[1]);
}

// ForEachTopicalWord for the words whose first two bytes, folded, `wanted(first, second)` accepts; the
// others are skipped before a look at the rest of their letters.
template <typename Wanted, typename Visit>
void ForEachWantedTopicalWord(const ClassifiedText& text, Wanted wanted, Visit visit) {
  ForEachLongWordStart(text, [&](size_t block, size_t offset) __attribute__((always_inline)) {
    const size_t start = 64 * block + offset;
    const char first = text.data()[start], second = text.data()[start + 1];
    if (static_cast<unsigned char>(first | second) < 0x80 ? !wanted(first, second) : !WantsFolded(text, start, wanted)) return;
    if (const std::optional<Word> word = TopicalWord(text, block, offset)) visit(*word, start);
  });
}

// The first occurrence of `anchor` (not empty) in `snippet`, or nullptr. memchr finds each candidate's
// first byte many bytes at a time and its last byte is checked before the whole is compared: cheaper, for
// these short texts, than memmem, which first builds a table from the anchor.
const char* FindAnchor(std::string_view snippet, std::string_view anchor) {
  if (anchor.size() >= snippet.size()) {
    // Most snippets are the anchor alone: one comparison, without a search for candidates.
    return anchor.size() == snippet.size() && std::memcmp(snippet.data(), anchor.data(), anchor.size()) == 0 ? snippet.data() : nullptr;
  }
  const char* const last_start = snippet.data() + (snippet.size() - anchor.size());
  for (const char* at = snippet.data(); at <= last_start; ++at) {
    at = static_cast<const char*>(std::memchr(at, anchor.front(), static_cast<size_t>(last_start - at) + 1));
    if (at == nullptr) return nullptr;
    if (at[anchor.size() - 1] == anchor.back() && std::memcmp(at, anchor.data(), anchor.size()) == 0) return at;
  }
  return nullptr;
}

// The snippet without the anchor's own words, which would otherwise always match themselves.
std::pair<std::string_view, std::string_view> ContextOf(const Link& link) {
  const std::string_view snippet = link.snippet;
  if (link.anchor_text.empty()) return {snippet, {}};
  const char* found = FindAnchor(snippet, link.anchor_text);
  if (found == nullptr) return {snippet, {}};
  const size_t at = static_cast<size_t>(found - snippet.data());
  return {snippet.substr(0, at), snippet.substr(at + link.anchor_text.size())};
}

// Six bits of a stem, by which a link's terms are found.
unsigned TermHash(StemKey stem) { return static_cast<unsigned>(stem * 0x9e3779b97f4a7c15ull >> 58); }

// A link term: a distinct stem of the link's words, matched once one of its words matches.
struct Term {
  StemKey stem;
  bool matched;
  bool page_has_stem;  // for the screen of context words, made only when there are context words
};

// A host label of an unmatched term, kept (lower-cased) for the context's stems.
struct Label {
  std::string_view text;
  size_t term;
};

}  // namespace

TopicalRelevance::TopicalRelevance(const PageFacts& page) {
  static std::atomic<uint64_t> pages_numbered{0};
  page_number_ = ++pages_numbered;
  // Reused: a page's scratch, allocated per page, costs more by wall clock than its instructions show.
  thread_local std::vector<StemKey> stems;
  thread_local std::vector<std::string_view> texts;
  stems.clear();
  const auto add = [&](const Word& word, size_t) {
    const StemKey stem = StemOf(word);
    stems.push_back(stem);
    if (StemLength(stem) >= 4) long_stem_starts_.set(PairBit(stem));
  };
  texts.assign(page.main_terms.begin(), page.main_terms.end());
  texts.push_back(page.title);
  const ClassifiedText classified(texts);
  ForEachTopicalWord(classified, add);
  has_page_stems_ = !stems.empty();
  page_stems_ = StemSetOf(stems);
}

TopicalRelevance::HostTerms TopicalRelevance::LabelsOf(const Link& link, size_t host_number) const {
  // A host's topical labels in `labels`; kUnseen for a host not seen yet on the page.
  struct Host {
    uint32_t first_label, label_count;
  };
  constexpr Host kUnseen{~uint32_t{0}, 0};
  // Per thread rather than per page, so that its buffers are reused rather than allocated for each page.
  thread_local struct {
    uint64_t page_number = 0;
    std::string label_bytes;
    std::vector<Host> hosts;  // by host number
    std::vector<HostLabel> labels;
  } memo;
  if (memo.page_number != page_number_) {
    memo.page_number = page_number_;
    memo.label_bytes.clear();
    memo.hosts.clear();
    memo.labels.clear();
  }
  if (host_number >= memo.hosts.size()) memo.hosts.resize(host_number + 1, kUnseen);
  Host& host = memo.hosts[host_number];
  if (host.first_label == kUnseen.first_label) {
    host.first_label = static_cast<uint32_t>(memo.labels.size());
    const ClassifiedText classified(std::array{HostLabels(link)});
    ForEachTopicalWord(classified, [&](const Word& word, size_t) {
      HostLabel& label = memo.labels.emplace_back(HostLabel{StemOf(word), false, false, 0, 0});
      label.page_has_stem = label.matched = Contains(page_stems_, label.stem);
      if (label.matched) return;
      label.matched = ContainsLongStem(page_stems_, long_stem_starts_, word.text);
      if (label.matched) return;
      label.offset = static_cast<uint32_t>(memo.label_bytes.size());
      label.size = static_cast<uint32_t>(word.text.size());
      memo.label_bytes += word.text;
    });
    host.label_count = static_cast<uint32_t>(memo.labels.size()) - host.first_label;
  }
  return {std::span(memo.labels).subspan(host.first_label, host.label_count), memo.label_bytes};
}

std::span<const std::string_view> TopicalRelevance::NonTopicalWords() { return kNonTopicalWords; }

int TopicalRelevance::Of(const Link& link, size_t host_number) const {
  // Reused across calls: relevance runs for every backlink. `terms` only grows: its first `term_count`
  // are the link's terms, the rest is room for a term per word, written before it is known to be new.
  thread_local std::vector<Term> terms;
  thread_local std::vector<Label> labels;
  // The last term seen with each 6-bit stem hash, for the hashes set in `seen_hashes` (stale elsewhere).
  thread_local std::array<size_t, 64> term_of_hash{};
  labels.clear();

  // The link's terms, matched against the page first.
  size_t term_count = 0, matched = 0;
  // `collided_hashes`: the hashes that more than one term has, for which `term_of_hash` holds one of them.
  uint64_t seen_hashes = 0, collided_hashes = 0;
  // The term of a link word's stem, `matches` when the word matches the page. Inlined into the word scan:
  // it runs for every word of the link. Whether a word repeats a stem, and whether it matches, are
  // unpredictable: both are answered without a branch.
  const auto add = [&](StemKey stem, bool page_has_stem, bool matches) __attribute__((always_inline)) {
    const unsigned hash = TermHash(stem);
    const bool hash_seen = (seen_hashes >> hash & 1) != 0;
    const size_t last_with_hash = term_of_hash[hash];
    // As `repeats ? last_with_hash : term_count`, which GCC compiles to a branch.
    const bool repeats = hash_seen & (terms[last_with_hash].stem == stem);
    size_t term = term_count ^ ((term_count ^ last_with_hash) & -static_cast<size_t>(repeats));
    if (hash_seen & (term == term_count)) {
      // Another stem had this hash: stems are distinct, so at most one term has this one.
      for (size_t other = 0; other < term_count; ++other) term = terms[other].stem == stem ? other : term;
      collided_hashes |= uint64_t{1} << hash;
    }
    seen_hashes |= uint64_t{1} << hash;
    term_of_hash[hash] = term;
    terms[term_count] = {stem, false, page_has_stem};  // a new term, or room overwritten by the next
    term_count += term == term_count;
    Term& found = terms[term];
    matched += matches & !found.matched;
    found.matched |= matches;
    return term;
  };
  {
    // The host's labels are looked up before the link's texts are classified: one ClassifiedText at a time.
    const HostTerms host = LabelsOf(link, host_number);
    // The anchor's and path's words in one scan, then the host's labels. The order of the terms does not
    // change the score.
    const ClassifiedText classified(std::array{std::string_view(link.anchor_text), PathOf(link.url)});
    // A word of three bytes or more and the byte after it take four of the text's bytes.
    const size_t most_words = classified.size() / 4 + 1 + host.labels.size();
    if (terms.size() < most_words) terms.resize(most_words);
    ForEachTopicalWord(classified, [&](const Word& word, size_t) {
      const StemKey stem = StemOf(word);
      const bool page_has_stem = Contains(page_stems_, stem);
      add(stem, page_has_stem, page_has_stem);
    });
    for (const HostLabel& label : host.labels) {
      const size_t term = add(label.stem, label.page_has_stem, label.matched);
      if (terms[term].matched) continue;
      const std::string_view text = host.bytes.substr(label.offset, label.size);
      labels.push_back({text, term});
    }
  }
  if (term_count == 0) return kUnknown;
  const std::span<Term> link_terms(terms.data(), term_count);

  // The context matters while more matches would raise the score (always, for a page without stems: it
  // also tells whether there is anything to compare with at all).
  const size_t enough = std::min<size_t>(term_count, 3);
  bool context_has_words = false;
  if (matched < enough) {
    const auto [before, after] = ContextOf(link);
    // Words of fewer than three bytes are never topical: most snippets are the anchor alone, or nearly,
    // and leave nothing to classify.
    if (std::max(before.size(), after.size()) >= 3) {
      // Only context words that start like a stem the page does not have, or like a stem that an unmatched
      // host label could contain, can match: the others are skipped before they are lower-cased and stemmed.
      // (A host label matched by a page stem it contains leaves its pair: the set only screens.) A stem of
      // fewer than two bytes comes only from a word that folds to fewer, which is never skipped. Made only
      // here: most links leave no context words to screen.
      PairSet candidate_starts;
      for (const Term& term : link_terms) candidate_starts.Add(PairBit(term.stem), !term.page_has_stem & (StemLength(term.stem) >= 2));
      for (const Label& label : labels) {
        for (size_t start = 0; start + 4 <= label.text.size(); ++start) candidate_starts.Add(PairBit(label.text.substr(start)));
      }
      // Without page stems, every word counts until one is topical. Enough matches (some from the context,
      // when the page has no stems) settle the score.
      const auto wanted = [&](char first, char second) {
        return (!has_page_stems_ & !context_has_words) | ((matched < enough) & candidate_starts.Has(PairBit(first, second)));
      };
      const auto visit = [&](const Word& word, size_t) {
        context_has_words = true;
        if (matched >= enough) return;
        const StemKey stem = StemOf(word);
        const unsigned hash = TermHash(stem);
        if ((collided_hashes >> hash & 1) == 0) {
          // The term with this stem, if any, is the one `term_of_hash` holds (stale, but within `terms`,
          // when the hash is not seen).
          Term& term = terms[term_of_hash[hash]];
          const bool matches = (seen_hashes >> hash & 1) & !term.matched & (term.stem == stem);
          term.matched |= matches;
          matched += matches;
        } else {
          for (Term& term : link_terms) {
            const bool matches = !term.matched & (term.stem == stem);
            term.matched |= matches;
            matched += matches;
          }
        }
        if (StemLength(stem) < 4) return;
        char stem_bytes[sizeof word.head];
        std::memcpy(stem_bytes, &word.head, sizeof stem_bytes);
        for (const Label& label : labels) {
          Term& term = terms[label.term];
          if (!term.matched && label.text.find(std::string_view(stem_bytes, StemLength(stem))) != std::string_view::npos) {
            term.matched = true;
            ++matched;
          }
        }
      };
      const ClassifiedText classified(std::array{before, after});
      ForEachWantedTopicalWord(classified, wanted, visit);
    }
  }
  if (!has_page_stems_ && !context_has_words) return kUnknown;
  // 100 * matched / enough, capped at 100 and rounded to the nearest integer (no ties: enough is 1, 2 or 3).
  const auto percent = static_cast<unsigned>(200 * std::min(matched, enough) + enough) / static_cast<unsigned>(2 * enough);
  return static_cast<int>(percent);
}

}  // namespace backlint
