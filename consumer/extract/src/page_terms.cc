#include "backlint/extract/page_terms.h"

#include <emmintrin.h>  // SSE2, part of x86-64

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>

namespace backlint {
namespace {

constexpr std::size_t kMaxVocabulary = 20000;
constexpr std::size_t kFirstWords = 1024;  // room for a typical page's words, so that the table seldom grows

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

// Eight bytes at `data`, those from `size` on zeroed.
uint64_t LoadPacked(const char* data, std::size_t size) {
  uint64_t chunk;
  std::memcpy(&chunk, data, sizeof chunk);
  return size >= 8 ? chunk : chunk & ((1ULL << (8 * size)) - 1);
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

const FlatTextTable<PageTerms::Term>& PageTerms::StopWords() {
  static const FlatTextTable<Term> stop_words = [] {
    FlatTextTable<Term> table;
    table.Reserve(kFirstWords);
    for (const std::string_view word : kStopWords) table.FindOrInsert(word, [] { return Term{.ignored = true}; });
    return table;
  }();
  return stop_words;
}

// The copy brings the stop-words' slots, already sized; Reserve gives the entries the same room.
PageTerms::PageTerms() : vocabulary_(StopWords()) { vocabulary_.Reserve(kFirstWords); }

// A page's text has about one new word in every sixteen bytes.
void PageTerms::Expect(std::size_t text_bytes) {
  vocabulary_.Reserve(std::min(std::min(text_bytes, budget_bytes_) / 16, 2 * kMaxVocabulary));
}

void PageTerms::AddWord(std::string_view word, int weight) {
  const std::size_t size = word.size();
  Term* term = vocabulary_.FindOrInsert(word, [&]() -> std::optional<Term> {
    // lowered_ has eight bytes to spare past any word.
    const bool number = AllDigits(LoadPacked(word.data(), size), size) &&
                        (size <= 8 || std::all_of(word.begin() + 8, word.end(), IsDigit));
    std::size_t& entered = number ? numbers_ : count_;
    if (entered >= kMaxVocabulary) return std::nullopt;
    ++entered;
    return Term{.ignored = number};
  });
  if (term != nullptr && !term->ignored) term->weight += weight;
}

void PageTerms::Add(std::string_view text, int weight) {
  text = text.substr(0, std::min(text.size(), budget_bytes_));
  budget_bytes_ -= text.size();
  // The whole text is lowered at once, with eight spare bytes so that any word's first eight bytes can be
  // loaded at once; its words are then views into the lowered copy.
  if (lowered_bytes_ < text.size() + 8) {
    // Not zero-filled: every byte a word is read from is written first, and the spare ones are masked off.
    lowered_bytes_ = text.size() + 8;
    lowered_ = std::make_unique_for_overwrite<char[]>(lowered_bytes_);
  }
  // Words under three bytes are skipped here, without a call.
  const auto add_word_at = [&](std::size_t begin, std::size_t end) {
    if (end - begin >= 3) AddWord(std::string_view(lowered_.get() + begin, end - begin), weight);
  };
  std::size_t word_begin = 0;
  bool in_word = false;
  uint64_t runs_on = 0;  // 1 when the last block ended inside a word
  for (std::size_t block = 0; block < text.size(); block += 64) {
    const uint64_t word_bytes = LowerBlock(text.substr(block, 64), lowered_.get() + block);
    // Words are the runs of set bits; one may have begun in an earlier block or go on into the next. A
    // bit is set here where a word begins and where one ends (past the text's end too, in a short block).
    uint64_t edges = word_bytes ^ ((word_bytes << 1) | runs_on);
    runs_on = word_bytes >> 63;
    for (; edges != 0; edges &= edges - 1) {
      const std::size_t at = block + static_cast<std::size_t>(std::countr_zero(edges));
      if (in_word) {
        add_word_at(word_begin, at);
      } else {
        word_begin = at;
      }
      in_word = !in_word;
    }
  }
  if (in_word) add_word_at(word_begin, text.size());
}

std::vector<std::string> PageTerms::Top(std::size_t count) const {
  // The best `count` so far, best first. Most terms weigh less than the last of them, so a page's whole
  // vocabulary is ranked at about one compare a term, and nothing is copied for the rest.
  std::vector<std::pair<std::string_view, int>> best;
  best.reserve(count + 1);
  const auto before = [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  };
  vocabulary_.ForEach([&](std::string_view word, const Term& entry) {
    if (entry.ignored || count == 0) return;
    const std::pair<std::string_view, int> term(word, entry.weight);
    if (best.size() == count && !before(term, best.back())) return;
    best.insert(std::upper_bound(best.begin(), best.end(), term, before), term);
    if (best.size() > count) best.pop_back();
  });
  std::vector<std::string> top;
  top.reserve(best.size());
  for (const auto& [term, weight] : best) top.emplace_back(term);
  return top;
}

}  // namespace backlint
