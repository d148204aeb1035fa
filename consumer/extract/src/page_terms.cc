#include "backlint/extract/page_terms.h"

#include <emmintrin.h>  // SSE2, part of x86-64

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace backlint {
namespace {

constexpr std::size_t kMaxVocabulary = 20000;

// Function words of English that carry no topic.
constexpr std::array<std::string_view, 121> kStopWords = {
    "about", "above", "after", "again", "against", "all", "also", "and", "any", "are", "because", "been",
    "before", "being", "below", "between", "both", "but", "can", "could", "did", "does", "doing", "down",
    "during", "each", "even", "every", "few", "for", "from", "further", "get", "got", "had", "has", "have",
    "having", "her", "here", "hers", "herself", "him", "himself", "his", "how", "however", "into", "its",
    "itself", "just", "like", "may", "more", "most", "much", "must", "myself", "new", "nor", "not", "now",
    "off", "once", "one", "only", "other", "our", "ours", "ourselves", "out", "over", "own", "said", "same",
    "see", "she", "should", "since", "some", "such", "than", "that", "the", "their", "theirs", "them",
    "themselves", "then", "there", "these", "they", "this", "those", "through", "too", "two", "under",
    "until", "upon", "use", "very", "was", "way", "well", "were", "what", "when", "where", "which", "while",
    "who", "whom", "why", "will", "with", "would", "yet", "you", "your", "yours"};

constexpr std::size_t kLongestStopWord = 10;  // "themselves"

// A word of up to eight bytes as one integer (no word holds a NUL byte, so the packing is one-to-one).
constexpr uint64_t Packed(std::string_view word) {
  uint64_t packed = 0;
  if (!std::is_constant_evaluated()) {
    std::memcpy(&packed, word.data(), word.size());  // the same bytes in the same places, on little-endian x86
    return packed;
  }
  for (std::size_t i = 0; i < word.size(); ++i) packed |= static_cast<uint64_t>(static_cast<unsigned char>(word[i])) << (8 * i);
  return packed;
}

// The stop-words in an open-addressing table keyed by their first eight bytes, packed: a word is looked up
// in a few instructions, with no byte compared unless it is longer than eight bytes.
struct StopWordSlot {
  uint64_t head = 0;  // the stop-word's first eight bytes, packed
  uint8_t word = 0;   // 1 + its index into kStopWords, 0 for an empty slot
};
constexpr std::size_t kStopWordSlots = 256;  // a power of two, about twice the stop-words
constexpr std::size_t StopWordSlotOf(uint64_t head) { return (head * 0x9E3779B97F4A7C15ULL) >> 56; }
constexpr std::array<StopWordSlot, kStopWordSlots> kStopWordTable = [] {
  std::array<StopWordSlot, kStopWordSlots> table{};
  for (std::size_t word = 0; word < kStopWords.size(); ++word) {
    const uint64_t head = Packed(kStopWords[word].substr(0, 8));
    std::size_t slot = StopWordSlotOf(head);
    while (table[slot].word != 0) slot = (slot + 1) % kStopWordSlots;
    table[slot] = {head, static_cast<uint8_t>(word + 1)};
  }
  return table;
}();
static_assert(kStopWords.size() < 255 && kStopWords.size() * 2 <= kStopWordSlots);

// `head` is the word's first eight bytes, packed, zero past its end.
bool IsStopWord(std::string_view word, uint64_t head) {
  if (word.size() > kLongestStopWord) return false;
  for (std::size_t slot = StopWordSlotOf(head); kStopWordTable[slot].word != 0; slot = (slot + 1) % kStopWordSlots) {
    if (kStopWordTable[slot].head != head) continue;
    const std::string_view stop_word = kStopWords[kStopWordTable[slot].word - 1];
    if (word.size() <= 8 ? stop_word.size() == word.size() : stop_word == word) return true;
  }
  return false;
}

// Each word byte (ASCII letters and digits, non-ASCII bytes) lower-cased (ASCII only); 0 for the bytes
// that separate words. One lookup both finds a word's end and lowers it.
constexpr std::array<char, 256> kLoweredWordByte = [] {
  std::array<char, 256> table{};
  for (int c = 0; c < 256; ++c) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) table[c] = static_cast<char>(c);
    if (c >= 'A' && c <= 'Z') table[c] = static_cast<char>(c - 'A' + 'a');
  }
  return table;
}();

char LoweredWordByte(char c) { return kLoweredWordByte[static_cast<unsigned char>(c)]; }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Eight bytes at `data`, those from `size` on zeroed (so a word's last chunk packs as Packed would).
uint64_t LoadPacked(const char* data, std::size_t size) {
  uint64_t chunk;
  std::memcpy(&chunk, data, sizeof chunk);
  return size >= 8 ? chunk : chunk & ((1ULL << (8 * size)) - 1);
}

// Hashes eight bytes at a time: the words of a page are mostly shorter, so a word costs one multiply.
// `head` is the word's first eight bytes, packed; eight bytes past the word's end must be readable.
uint64_t HashOf(std::string_view word, uint64_t head) {
  constexpr uint64_t kMultiplier = 0x9E3779B97F4A7C15ULL;
  uint64_t hash = (word.size() ^ head) * kMultiplier;
  for (std::size_t i = 8; i < word.size(); i += 8) {
    hash = (hash ^ LoadPacked(word.data() + i, word.size() - i)) * kMultiplier;
  }
  return hash ^ (hash >> 29);
}

// Whether every byte of the packed `head` (bytes past the word's end are zero) is an ASCII digit.
bool AllDigits(uint64_t head, std::size_t size) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  const uint64_t used = size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
  // A digit is 0x30..0x39: its high nibble is 3 and its low nibble, plus 6, stays below 0x10.
  const uint64_t high_nibble_3 = ((head & (kOnes * 0xF0)) ^ (kOnes * 0x30)) & used;
  const uint64_t low_over_9 = ((head & (kOnes * 0x0F)) + kOnes * 0x06) & (kOnes * 0x10) & used;
  return high_nibble_3 == 0 && low_over_9 == 0;
}

// Writes up to 64 bytes of `text` to `lowered`, ASCII letters lower-cased, and returns a bit per byte, set
// for word bytes. Sixteen bytes at a time: letters are the bytes that become 'a'..'z' once bit 0x20 is set,
// digits those in '0'..'9', and non-ASCII bytes carry their own top bit.
uint64_t LowerBlock(std::string_view text, char* lowered) {
  // x < n as unsigned bytes, with SSE2's signed compare: flipping the top bit of both keeps the order.
  const auto below = [](__m128i x, char n) {
    const __m128i top = _mm_set1_epi8(static_cast<char>(0x80));
    return _mm_cmplt_epi8(_mm_xor_si128(x, top), _mm_xor_si128(_mm_set1_epi8(n), top));
  };
  uint64_t word_bytes = 0;
  std::size_t i = 0;
  for (; i + 16 <= text.size(); i += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
    const __m128i letter = below(_mm_sub_epi8(_mm_or_si128(bytes, _mm_set1_epi8(0x20)), _mm_set1_epi8('a')), 26);
    const __m128i digit = below(_mm_sub_epi8(bytes, _mm_set1_epi8('0')), 10);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(lowered + i),
                     _mm_or_si128(bytes, _mm_and_si128(letter, _mm_set1_epi8(0x20))));
    const auto marks = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(letter, digit), bytes)));
    word_bytes |= static_cast<uint64_t>(marks) << i;
  }
  for (; i < text.size(); ++i) {
    const char c = LoweredWordByte(text[i]);
    lowered[i] = c == 0 ? text[i] : c;
    word_bytes |= static_cast<uint64_t>(c != 0) << i;
  }
  return word_bytes;
}

}  // namespace

std::string_view PageTerms::KeyOf(const Entry& entry) const {
  return std::string_view(keys_).substr(entry.offset, entry.length);
}

void PageTerms::Grow() {
  slots_.assign(slots_.empty() ? 2048 : slots_.size() * 2, 0);
  // The table grows again when half full: the entries (and, at about eight bytes a word, their keys) get
  // that room now, rather than reallocating on their own schedule in between.
  entries_.reserve(slots_.size() / 2);
  keys_.reserve(slots_.size() * 4);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t entry = 0; entry < entries_.size(); ++entry) {
    std::size_t i = entries_[entry].hash & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = static_cast<uint32_t>(entry + 1);
  }
}

void PageTerms::AddNewWord(std::size_t slot, std::string_view lowered, uint64_t head, uint64_t hash, int weight) {
  const bool number = AllDigits(head, lowered.size()) &&
                      (lowered.size() <= 8 || std::all_of(lowered.begin() + 8, lowered.end(), IsDigit));
  const bool ignored = number || IsStopWord(lowered, head);
  if (number ? numbers_ >= kMaxVocabulary : !ignored && count_ >= kMaxVocabulary) return;
  entries_.push_back({hash, head, static_cast<uint32_t>(keys_.size()), static_cast<uint32_t>(lowered.size()),
                      ignored ? 0 : weight, ignored});
  slots_[slot] = static_cast<uint32_t>(entries_.size());
  keys_.append(lowered);
  if (number) ++numbers_;
  if (!ignored) ++count_;
}

void PageTerms::AddWordAt(std::size_t begin, std::size_t end, int weight) {
  const std::size_t size = end - begin;
  if (size < 3) return;
  // The bytes past a short word's end (separators, or the spare bytes) are masked off.
  const uint64_t head = LoadPacked(lowered_.data() + begin, size);
  const std::string_view word(lowered_.data() + begin, size);
  const uint64_t hash = HashOf(word, head);
  if ((entries_.size() + 1) * 2 > slots_.size()) Grow();
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = hash & mask;
  for (; slots_[i] != 0; i = (i + 1) & mask) {
    Entry& entry = entries_[slots_[i] - 1];
    // Words of up to eight bytes are equal when their packed heads are; longer ones compare the rest.
    if (entry.hash == hash && entry.head == head && entry.length == size &&
        (size <= 8 || std::memcmp(keys_.data() + entry.offset + 8, word.data() + 8, size - 8) == 0)) {
      if (!entry.ignored) entry.weight += weight;
      return;
    }
  }
  AddNewWord(i, word, head, hash, weight);
}

void PageTerms::Add(std::string_view text, int weight) {
  text = text.substr(0, std::min(text.size(), budget_bytes_));
  budget_bytes_ -= text.size();
  // The whole text is lowered at once, with eight spare bytes so that any word's first eight bytes can be
  // loaded at once; its words are then views into the lowered copy.
  if (lowered_.size() < text.size() + 8) lowered_.resize(text.size() + 8);
  std::size_t word_begin = 0;
  bool in_word = false;
  for (std::size_t block = 0; block < text.size(); block += 64) {
    const uint64_t word_bytes = LowerBlock(text.substr(block, 64), lowered_.data() + block);
    // Words are the runs of set bits; one may have begun in an earlier block or go on into the next.
    const std::size_t block_size = std::min<std::size_t>(64, text.size() - block);
    std::size_t at = 0;
    while (at < block_size) {
      const uint64_t ahead = (in_word ? ~word_bytes : word_bytes) >> at;
      if (ahead == 0) break;
      at += static_cast<std::size_t>(std::countr_zero(ahead));
      if (at >= block_size) break;
      if (in_word) {
        AddWordAt(word_begin, block + at, weight);
      } else {
        word_begin = block + at;
      }
      in_word = !in_word;
    }
  }
  if (in_word) AddWordAt(word_begin, text.size(), weight);
}

std::vector<std::string> PageTerms::Top(std::size_t count) const {
  // The best `count` so far, best first. Most terms weigh less than the last of them, so a page's whole
  // vocabulary is ranked at about one compare a term, and nothing is copied for the rest.
  std::vector<std::pair<std::string_view, int>> best;
  best.reserve(count + 1);
  const auto before = [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  };
  for (const Entry& entry : entries_) {
    if (entry.ignored || count == 0) continue;
    const std::pair<std::string_view, int> term(KeyOf(entry), entry.weight);
    if (best.size() == count && !before(term, best.back())) continue;
    best.insert(std::upper_bound(best.begin(), best.end(), term, before), term);
    if (best.size() > count) best.pop_back();
  }
  std::vector<std::string> top;
  top.reserve(best.size());
  for (const auto& [term, weight] : best) top.emplace_back(term);
  return top;
}

}  // namespace backlint
