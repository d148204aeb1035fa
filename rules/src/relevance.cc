#include "backlint/score/relevance.h"

#include <algorithm>
#include <array>
#include <bitset>
#include <cmath>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

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

// A word of up to eight bytes as an integer; words have no zero bytes, so different words give different
// integers. Longer words give nullopt.
std::optional<uint64_t> PackShortWord(std::string_view word) {
  if (word.size() > 8) return std::nullopt;
  // Little-endian byte order, as the loop `packed |= byte << 8 * i` would give, in one copy.
  uint64_t packed = 0;
  std::memcpy(&packed, word.data(), word.size());
  return packed;
}

// Every word is checked against kNonTopicalWords: one probe, usually, of an open-addressing table of the
// packed words (0 marks an empty slot: a packed word of three bytes or more is never 0).
constexpr size_t kNonTopicalSlots = 512;  // a power of two, under a fifth full

size_t NonTopicalSlot(uint64_t packed) { return (packed * 0x9e3779b97f4a7c15ull) >> 55; }  // top 9 bits

const std::array<uint64_t, kNonTopicalSlots> kNonTopicalTable = [] {
  std::array<uint64_t, kNonTopicalSlots> table{};
  for (std::string_view word : kNonTopicalWords) {
    const uint64_t packed = PackShortWord(word).value();
    size_t slot = NonTopicalSlot(packed);
    while (table[slot] != 0) slot = (slot + 1) % kNonTopicalSlots;
    table[slot] = packed;
  }
  return table;
}();

bool IsNonTopical(std::string_view lower_case_word) {
  const std::optional<uint64_t> packed = PackShortWord(lower_case_word);
  if (!packed) return false;
  for (size_t slot = NonTopicalSlot(*packed); kNonTopicalTable[slot] != 0; slot = (slot + 1) % kNonTopicalSlots) {
    if (kNonTopicalTable[slot] == *packed) return true;
  }
  return false;
}

constexpr size_t kStemBytes = 6;

// Up to kStemBytes bytes packed into an integer: the length, then the bytes.
StemKey Pack(std::string_view bytes) {
  StemKey key = bytes.size();
  for (char c : bytes) key = key << 8 | static_cast<unsigned char>(c);
  return key;
}

// The length of the common English suffix `word` ends with and can lose (three bytes must remain), or 0.
// Chosen by the word's last letter, then longest first: "ings", "ing", "ers", "er", "ies", "es", "ed", "s",
// "e", "y".
size_t SuffixLength(std::string_view word) {
  const auto loses = [&](std::string_view suffix) {
    return word.size() >= suffix.size() + 3 && word.ends_with(suffix);
  };
  if (word.empty()) return 0;
  switch (word.back()) {
    case 's':
      for (std::string_view suffix : {"ings", "ers", "ies", "es", "s"}) {
        if (loses(suffix)) return suffix.size();
      }
      return 0;
    case 'g':
      return loses("ing") ? 3 : 0;
    case 'r':
      return loses("er") ? 2 : 0;
    case 'd':
      return loses("ed") ? 2 : 0;
    case 'e':
    case 'y':
      return loses(word.substr(word.size() - 1)) ? 1 : 0;
    default:
      return 0;
  }
}

// A crude stem: common English suffixes off, then at most six bytes, so "hiking", "hikes" and "hike" agree.
// Packed into an integer so stems compare and sort without allocating.
std::string_view StemBytes(std::string_view word) {
  word.remove_suffix(SuffixLength(word));
  return word.substr(0, kStemBytes);
}
StemKey Stem(std::string_view word) { return Pack(StemBytes(word)); }

// Host labels are searched for stems of four bytes or more, which is dear (every substring of four to six
// bytes, looked up in two sorted lists), so the first two bytes of those stems are noted in a table of
// 1,024 bits and only label positions that start with a noted pair are looked up. Pairs of ASCII letters
// each have their own bit; other bytes may share one, which only costs a lookup.
size_t PairBit(std::string_view bytes) {
  return (static_cast<unsigned char>(bytes[0]) & 31u) << 5 | (static_cast<unsigned char>(bytes[1]) & 31u);
}
void NoteLongStem(std::string_view stem, std::bitset<1024>& starts) {
  if (stem.size() >= 4) starts.set(PairBit(stem));
}

// Calls `visit(lower_case_word)` for each topical word of `text`: three to 64 bytes, not only digits,
// not a non-topical word. Words with letters outside ASCII are lower-cased in every cased script, so
// "Ország" in a title meets "ország" in the text.
template <typename Visit>
void ForEachTopicalWord(std::string_view text, Visit visit) {
  char lower[64];  // longer runs are tokens or encoded data, not words
  thread_local std::string folded;  // reused: relevance splits several texts of every backlink
  ForEachWord(text, [&](std::string_view word) {
    if (word.size() < 3 || word.size() > sizeof lower) return;
    // One pass lower-cases ASCII and notes whether the word is all digits or has other bytes.
    bool only_digits = true, has_non_ascii = false;
    for (size_t i = 0; i < word.size(); ++i) {
      const char c = word[i];
      lower[i] = Lower(c);
      only_digits &= static_cast<unsigned char>(c - '0') < 10;
      has_non_ascii |= static_cast<unsigned char>(c) >= 0x80;
    }
    if (only_digits) return;
    std::string_view found(lower, word.size());
    if (has_non_ascii) {
      FoldCaseInto(word, folded);
      found = folded;
    }
    if (!IsNonTopical(found)) visit(found);
  });
}

template <typename T>
void SortUnique(std::vector<T>& items) {
  std::sort(items.begin(), items.end());
  items.erase(std::unique(items.begin(), items.end()), items.end());
}

// The snippet without the anchor's own words, which would otherwise always match themselves.
std::pair<std::string_view, std::string_view> ContextOf(const Link& link) {
  const std::string_view snippet = link.snippet;
  if (link.anchor_text.empty()) return {snippet, {}};
  // memmem finds the first occurrence like string_view::find, without a memchr call per candidate byte.
  const void* found = memmem(snippet.data(), snippet.size(), link.anchor_text.data(), link.anchor_text.size());
  if (found == nullptr) return {snippet, {}};
  const size_t at = static_cast<const char*>(found) - snippet.data();
  return {snippet.substr(0, at), snippet.substr(at + link.anchor_text.size())};
}

// Whether `label` contains a stem of four bytes or more of either list: whether one of its substrings of
// four to kStemBytes bytes is in one of the (sorted) lists. `starts` and `more_starts` note the lists' long
// stems' first two bytes (NoteLongStem). Each substring is packed once for both.
bool ContainsStem(const std::vector<StemKey>& stems, const std::bitset<1024>& starts,
                  const std::vector<StemKey>& more_stems, const std::bitset<1024>& more_starts,
                  std::string_view label) {
  for (size_t start = 0; start + 4 <= label.size(); ++start) {
    const size_t pair = PairBit(label.substr(start));
    if (!starts.test(pair) && !more_starts.test(pair)) continue;
    for (size_t length = 4; length <= kStemBytes && start + length <= label.size(); ++length) {
      const StemKey key = Pack(label.substr(start, length));
      if (std::binary_search(stems.begin(), stems.end(), key) ||
          std::binary_search(more_stems.begin(), more_stems.end(), key)) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

TopicalRelevance::TopicalRelevance(const PageFacts& page) {
  const auto add = [&](std::string_view word) {
    const std::string_view stem = StemBytes(word);
    page_stems_.push_back(Pack(stem));
    NoteLongStem(stem, long_stem_starts_);
  };
  for (const std::string& term : page.main_terms) ForEachTopicalWord(term, add);
  ForEachTopicalWord(page.title, add);
  SortUnique(page_stems_);
}

int TopicalRelevance::Of(const Link& link) const {
  // Reused across calls: relevance runs for every backlink.
  thread_local std::vector<StemKey> context_stems, matched, unmatched;
  context_stems.clear();
  matched.clear();
  unmatched.clear();
  std::bitset<1024> context_long_stem_starts;
  const auto [before, after] = ContextOf(link);
  for (std::string_view part : {before, after}) {
    ForEachTopicalWord(part, [&](std::string_view word) {
      const std::string_view stem = StemBytes(word);
      context_stems.push_back(Pack(stem));
      NoteLongStem(stem, context_long_stem_starts);
    });
  }
  SortUnique(context_stems);
  if (page_stems_.empty() && context_stems.empty()) return kUnknown;

  // Link term stems, by whether they match the page or the context.
  const auto add = [&](std::string_view word, bool is_host_label) {
    const StemKey stem = Stem(word);
    const bool match = std::binary_search(page_stems_.begin(), page_stems_.end(), stem) ||
                       std::binary_search(context_stems.begin(), context_stems.end(), stem) ||
                       (is_host_label && ContainsStem(page_stems_, long_stem_starts_, context_stems,
                                                       context_long_stem_starts, word));
    (match ? matched : unmatched).push_back(stem);
  };
  ForEachTopicalWord(link.anchor_text, [&](std::string_view word) { add(word, false); });
  ForEachTopicalWord(HostLabels(link), [&](std::string_view word) { add(word, true); });
  ForEachTopicalWord(PathOf(link.url), [&](std::string_view word) { add(word, false); });
  SortUnique(matched);
  SortUnique(unmatched);
  // A stem counts once: matched if any of its occurrences matched.
  std::erase_if(unmatched, [&](StemKey stem) { return std::binary_search(matched.begin(), matched.end(), stem); });
  const size_t terms = matched.size() + unmatched.size();
  if (terms == 0) return kUnknown;
  const double share = static_cast<double>(matched.size()) / static_cast<double>(std::min<size_t>(terms, 3));
  return static_cast<int>(std::lround(100 * std::min(share, 1.0)));
}

}  // namespace backlint
