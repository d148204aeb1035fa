#include "backlint/score/relevance.h"

#include <algorithm>
#include <array>
#include <bit>
#include <bitset>
#include <cmath>
#include <cstring>
#include <optional>
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

// A lower-cased word and its first eight bytes as an integer, little-endian and zero-padded: the whole
// word when it has eight bytes or fewer (words have no zero bytes, so different short words give different
// integers). Non-topical words and stems are compared through that integer, without a copy.
struct Word {
  std::string_view text;
  uint64_t head = 0;
};

constexpr uint64_t HeadOf(std::string_view text) {
  uint64_t head = 0;
  for (size_t i = 0; i < text.size() && i < 8; ++i) head |= uint64_t{static_cast<unsigned char>(text[i])} << 8 * i;
  return head;
}

// Every word is checked against kNonTopicalWords: one probe, usually, of an open-addressing table of the
// words' heads (0 marks an empty slot: a word of three bytes or more never has head 0).
constexpr size_t kNonTopicalSlots = 512;  // a power of two, under a fifth full

size_t NonTopicalSlot(uint64_t head) { return (head * 0x9e3779b97f4a7c15ull) >> 55; }  // top 9 bits

const std::array<uint64_t, kNonTopicalSlots> kNonTopicalTable = [] {
  std::array<uint64_t, kNonTopicalSlots> table{};
  for (std::string_view word : kNonTopicalWords) {
    const uint64_t head = HeadOf(word);
    size_t slot = NonTopicalSlot(head);
    while (table[slot] != 0) slot = (slot + 1) % kNonTopicalSlots;
    table[slot] = head;
  }
  return table;
}();

bool IsNonTopical(const Word& word) {
  if (word.text.size() > 8) return false;
  for (size_t slot = NonTopicalSlot(word.head); kNonTopicalTable[slot] != 0; slot = (slot + 1) % kNonTopicalSlots) {
    if (kNonTopicalTable[slot] == word.head) return true;
  }
  return false;
}

constexpr size_t kStemBytes = 6;

// Up to kStemBytes leading bytes of `head` packed with their count in the top byte: a key that compares
// and hashes without allocating. Never 0 (the count is at least 1).
StemKey KeyOf(uint64_t head, size_t length) {
  return (head & ((uint64_t{1} << 8 * length) - 1)) | uint64_t{length} << 56;
}
size_t StemLength(StemKey key) { return key >> 56; }

// The length of the common English suffix `word` ends with and can lose (three bytes must remain), or 0.
// Chosen by the word's last letter, then longest first: "ings", "ing", "ers", "er", "ies", "es", "ed", "s",
// "e", "y".
size_t SuffixLength(std::string_view word) {
  // Each suffix is a literal, so the comparison is a load and a compare rather than a memcmp call.
  const auto loses = [&]<size_t kSize>(const char (&suffix)[kSize]) {
    return word.size() >= kSize - 1 + 3 && std::memcmp(word.data() + word.size() - (kSize - 1), suffix, kSize - 1) == 0;
  };
  if (word.empty()) return 0;
  switch (word.back()) {
    case 's':
      if (loses("ings")) return 4;
      if (loses("ers") || loses("ies")) return 3;
      if (loses("es")) return 2;
      return loses("s") ? 1 : 0;
    case 'g':
      return loses("ing") ? 3 : 0;
    case 'r':
      return loses("er") ? 2 : 0;
    case 'd':
      return loses("ed") ? 2 : 0;
    case 'e':
    case 'y':
      return word.size() >= 4 ? 1 : 0;
    default:
      return 0;
  }
}

// A crude stem: common English suffixes off, then at most six bytes, so "hiking", "hikes" and "hike" agree.
StemKey StemOf(const Word& word) {
  return KeyOf(word.head, std::min(word.text.size() - SuffixLength(word.text), kStemBytes));
}

// Stems and host labels are screened by their first two bytes in tables of 1,024 bits before the dearer
// lookups. Pairs of ASCII letters each have their own bit, whatever their case (the bit ignores 0x20);
// other bytes may share one, which only costs a lookup.
size_t PairBit(unsigned char first, unsigned char second) { return (first & 31u) << 5 | (second & 31u); }
size_t PairBit(std::string_view bytes) {
  return PairBit(static_cast<unsigned char>(bytes[0]), static_cast<unsigned char>(bytes[1]));
}
size_t PairBit(StemKey key) { return PairBit(key & 0xff, key >> 8 & 0xff); }

// Open-addressing hash set of stem keys, at most half full; 0 marks an empty slot.
size_t StemSlot(StemKey key, size_t slots) {
  return (key * 0x9e3779b97f4a7c15ull) >> (64 - std::countr_zero(slots));
}
std::vector<StemKey> StemSetOf(const std::vector<StemKey>& keys) {
  std::vector<StemKey> slots(std::max<size_t>(8, std::bit_ceil(2 * keys.size())));
  for (StemKey key : keys) {
    size_t slot = StemSlot(key, slots.size());
    while (slots[slot] != 0 && slots[slot] != key) slot = (slot + 1) & (slots.size() - 1);
    slots[slot] = key;
  }
  return slots;
}
bool Contains(const std::vector<StemKey>& slots, StemKey key) {
  for (size_t slot = StemSlot(key, slots.size()); slots[slot] != 0; slot = (slot + 1) & (slots.size() - 1)) {
    if (slots[slot] == key) return true;
  }
  return false;
}

// Whether the lower-cased host label contains a stem of four bytes or more of `stems` (a StemSetOf): whether
// one of its substrings of four to kStemBytes bytes that starts with a pair noted in `starts` is in it.
bool ContainsLongStem(const std::vector<StemKey>& stems, const std::bitset<1024>& starts, std::string_view label) {
  for (size_t start = 0; start + 4 <= label.size(); ++start) {
    if (!starts.test(PairBit(label.substr(start)))) continue;
    const uint64_t head = HeadOf(label.substr(start));
    for (size_t length = 4; length <= kStemBytes && start + length <= label.size(); ++length) {
      if (Contains(stems, KeyOf(head, length))) return true;
    }
  }
  return false;
}

// The topical word `raw` is, lower-cased into `lower` (zeroed by the caller), or nullopt: a topical word has three to 64 bytes, is
// not only digits and is not a non-topical word. Words with letters outside ASCII are lower-cased in every
// cased script, so "Ország" in a title meets "ország" in the text.
std::optional<Word> TopicalWord(std::string_view raw, char (&lower)[64]) {
  if (raw.size() < 3 || raw.size() > sizeof lower) return std::nullopt;  // longer runs are tokens or data
  // One pass lower-cases ASCII and notes whether the word is all digits or has other bytes.
  bool only_digits = true, has_non_ascii = false;
  for (size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    lower[i] = Lower(c);
    only_digits &= static_cast<unsigned char>(c - '0') < 10;
    has_non_ascii |= static_cast<unsigned char>(c) >= 0x80;
  }
  if (only_digits) return std::nullopt;
  Word word{std::string_view(lower, raw.size()), 0};
  if (has_non_ascii) {
    thread_local std::string folded;  // reused: relevance splits several texts of every backlink
    FoldCaseInto(raw, folded);
    word.text = folded;
    word.head = HeadOf(folded);
  } else {
    // One load of the buffer's first eight bytes (its caller zeroes it), masked to the word.
    std::memcpy(&word.head, lower, sizeof word.head);
    if (raw.size() < sizeof word.head) word.head &= (uint64_t{1} << 8 * raw.size()) - 1;
  }
  if (IsNonTopical(word)) return std::nullopt;
  return word;
}

// Calls `visit(word)` for each topical word of `text` (TopicalWord).
template <typename Visit>
void ForEachTopicalWord(std::string_view text, Visit visit) {
  char lower[64] = {};
  ForEachWord(text, [&](std::string_view raw) {
    if (const std::optional<Word> word = TopicalWord(raw, lower)) visit(*word);
  });
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

// A link term: a distinct stem of the link's words, matched once one of its words matches.
struct Term {
  StemKey stem;
  bool matched;
};

// A host label of an unmatched term, kept (lower-cased, in a shared buffer) for the context's stems.
struct Label {
  size_t offset, size, term;
};

}  // namespace

TopicalRelevance::TopicalRelevance(const PageFacts& page) {
  std::vector<StemKey> stems;
  const auto add = [&](const Word& word) {
    const StemKey stem = StemOf(word);
    stems.push_back(stem);
    if (StemLength(stem) >= 4) long_stem_starts_.set(PairBit(stem));
  };
  for (const std::string& term : page.main_terms) ForEachTopicalWord(term, add);
  ForEachTopicalWord(page.title, add);
  has_page_stems_ = !stems.empty();
  page_stems_ = StemSetOf(stems);
}

int TopicalRelevance::Of(const Link& link) const {
  // Reused across calls: relevance runs for every backlink.
  thread_local std::vector<Term> terms;
  thread_local std::vector<Label> labels;
  thread_local std::string label_bytes;
  terms.clear();
  labels.clear();
  label_bytes.clear();

  // The link's terms, matched against the page first.
  size_t matched = 0;
  const auto add = [&](const Word& word, bool is_host_label) {
    const StemKey stem = StemOf(word);
    auto term = std::find_if(terms.begin(), terms.end(), [&](const Term& known) { return known.stem == stem; });
    if (term == terms.end()) term = terms.insert(term, {stem, false});
    if (term->matched) return;
    term->matched = Contains(page_stems_, stem) || (is_host_label && ContainsLongStem(page_stems_, long_stem_starts_, word.text));
    if (term->matched) {
      ++matched;
    } else if (is_host_label) {
      labels.push_back({label_bytes.size(), word.text.size(), static_cast<size_t>(term - terms.begin())});
      label_bytes += word.text;
    }
  };
  ForEachTopicalWord(link.anchor_text, [&](const Word& word) { add(word, false); });
  ForEachTopicalWord(HostLabels(link), [&](const Word& word) { add(word, true); });
  ForEachTopicalWord(PathOf(link.url), [&](const Word& word) { add(word, false); });
  if (terms.empty()) return kUnknown;

  // The context matters while more matches would raise the score (always, for a page without stems: it
  // also tells whether there is anything to compare with at all).
  const size_t enough = std::min<size_t>(terms.size(), 3);
  bool context_has_words = false;
  if (matched < enough) {
    // Only context words that start like an unmatched stem, or like a stem that an unmatched host label
    // could contain, can match: the others are skipped before they are lower-cased and stemmed. A stem
    // of fewer than two bytes comes only from a word that starts outside ASCII, which is never skipped.
    std::bitset<1024> candidate_starts;
    for (const Term& term : terms) {
      if (!term.matched && StemLength(term.stem) >= 2) candidate_starts.set(PairBit(term.stem));
    }
    for (const Label& label : labels) {
      const std::string_view text = std::string_view(label_bytes).substr(label.offset, label.size);
      for (size_t start = 0; start + 4 <= text.size(); ++start) candidate_starts.set(PairBit(text.substr(start)));
    }
    char lower[64] = {};
    const auto visit = [&](std::string_view raw) {
      // Without page stems, every word counts until one is topical. Enough matches (some from the
      // context, when the page has no stems) settle the score.
      const bool screened = has_page_stems_ || context_has_words;
      if (matched >= enough || raw.size() < 3) return;
      if (screened && static_cast<unsigned char>(raw[0]) < 0x80 && static_cast<unsigned char>(raw[1]) < 0x80 &&
          !candidate_starts.test(PairBit(raw))) {
        return;
      }
      const std::optional<Word> word = TopicalWord(raw, lower);
      if (!word) return;
      context_has_words = true;
      const StemKey stem = StemOf(*word);
      for (Term& term : terms) {
        if (!term.matched && term.stem == stem) {
          term.matched = true;
          ++matched;
        }
      }
      if (StemLength(stem) < 4) return;
      const std::string_view stem_bytes = word->text.substr(0, StemLength(stem));
      for (const Label& label : labels) {
        Term& term = terms[label.term];
        if (!term.matched && std::string_view(label_bytes).substr(label.offset, label.size).find(stem_bytes) !=
                                 std::string_view::npos) {
          term.matched = true;
          ++matched;
        }
      }
    };
    const auto [before, after] = ContextOf(link);
    ForEachWord(before, visit);
    ForEachWord(after, visit);
  }
  if (!has_page_stems_ && !context_has_words) return kUnknown;
  const double share = static_cast<double>(matched) / static_cast<double>(enough);
  return static_cast<int>(std::lround(100 * std::min(share, 1.0)));
}

}  // namespace backlint
