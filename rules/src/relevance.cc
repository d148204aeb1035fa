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

// Up to eight bytes as an integer, little-endian and zero-padded: a whole word of eight bytes or fewer
// (words have no zero bytes, so different short words give different integers).
constexpr uint64_t HeadOf(std::string_view text) {
  uint64_t head = 0;
  for (size_t i = 0; i < text.size() && i < 8; ++i) head |= uint64_t{static_cast<unsigned char>(text[i])} << 8 * i;
  return head;
}

// The eight bytes of `text` from `at` on as HeadOf packs them, in one or two loads, never past its end.
[[gnu::always_inline]] inline uint64_t EightBytesAt(std::string_view text, size_t at) {
  uint64_t bytes = 0;
  if (at + sizeof bytes <= text.size()) {
    std::memcpy(&bytes, text.data() + at, sizeof bytes);
  } else if (text.size() >= sizeof bytes) {
    // The text's last eight bytes, shifted down to start at `at`.
    std::memcpy(&bytes, text.data() + text.size() - sizeof bytes, sizeof bytes);
    bytes >>= 8 * (at + sizeof bytes - text.size());
  } else {
    bytes = HeadOf(text.substr(at));
  }
  return bytes;
}

// A topical word as relevance compares it: its first eight and last four bytes, lower-cased and packed, so
// that non-topical words and stems are compared as integers and nothing is copied.
struct Word {
  std::string_view text;  // as written; lower-cased in every script when it has bytes outside ASCII
  uint64_t head;          // the first eight bytes (HeadOf)
  uint32_t tail;          // the last four bytes, the last one in the top byte; 0 for words under four bytes
  size_t size() const { return text.size(); }
};

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
  if (word.size() > 8) return false;
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
[[gnu::always_inline]] inline size_t SuffixLength(const Word& word) {
  // The suffix's bytes against the top bytes of the packed tail: one shift and one compare.
  const auto loses = [&]<size_t kSize>(const char (&suffix)[kSize]) {
    constexpr size_t kBytes = kSize - 1;
    return word.size() >= kBytes + 3 && word.tail >> 8 * (4 - kBytes) == HeadOf(suffix);
  };
  switch (word.tail >> 24) {
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
[[gnu::always_inline]] inline StemKey StemOf(const Word& word) { return KeyOf(word.head, std::min(word.size() - SuffixLength(word), kStemBytes)); }

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
[[gnu::always_inline]] inline bool Contains(const std::vector<StemKey>& slots, StemKey key) {
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
    const uint64_t head = EightBytesAt(label, start);
    for (size_t length = 4; length <= kStemBytes && start + length <= label.size(); ++length) {
      if (Contains(stems, KeyOf(head, length))) return true;
    }
  }
  return false;
}

// The word's text lower-cased (its ASCII letters: the rest is folded already) into `out`, replacing it.
void LowerInto(const Word& word, std::string& out) {
  out.assign(word.text);
  for (char& c : out) c = Lower(c);
}

bool IsAscii(char c) { return static_cast<unsigned char>(c) < 0x80; }
bool IsDigit(char c) { return static_cast<unsigned char>(c - '0') < 10; }

// The word `raw` lower-cased in every cased script, so "Ország" in a title meets "ország" in the text.
// Kept out of line: most words are ASCII.
[[gnu::noinline]] Word FoldedWord(std::string_view raw) {
  thread_local std::string folded;  // reused: relevance splits several texts of every backlink
  FoldCaseInto(raw, folded);
  return {folded, HeadOf(folded), folded.size() >= 4 ? static_cast<uint32_t>(EightBytesAt(folded, folded.size() - 4)) : 0};
}

// The word of `text` at [start, end) as a Word if it is topical: three to 64 bytes (longer runs are tokens
// or encoded data), not only digits, not a non-topical word. `ascii` says whether all its bytes are ASCII.
// Inlined into the word scan: it runs for every word of every backlink's texts.
[[gnu::always_inline]] inline std::optional<Word> TopicalWord(std::string_view text, size_t start, size_t end,
                                                              bool ascii) {
  const std::string_view raw = text.substr(start, end - start);
  if (raw.size() < 3 || raw.size() > 64) return std::nullopt;
  if (IsDigit(raw[0]) && std::all_of(raw.begin(), raw.end(), IsDigit)) return std::nullopt;
  Word word;
  if (ascii) {
    // Loaded straight from the text; bytes past the word are masked off.
    const uint64_t head = LowerAscii(EightBytesAt(text, start));
    word = {raw, raw.size() < 8 ? head & ((uint64_t{1} << 8 * raw.size()) - 1) : head,
            raw.size() >= 4 ? static_cast<uint32_t>(LowerAscii(EightBytesAt(text, end - 4))) : 0};
  } else {
    word = FoldedWord(raw);
  }
  if (IsNonTopical(word)) return std::nullopt;
  return word;
}

// Calls `visit(word)` for each topical word of `text` (TopicalWord) whose first two bytes, when both are
// ASCII, `wanted(first, second)` accepts; the others are skipped without a look at their letters.
template <typename Wanted, typename Visit>
void ForEachTopicalWord(std::string_view text, Wanted wanted, Visit visit) {
  for (size_t at = 0; at < text.size();) {
    if (!IsWordByte(text[at])) {
      ++at;
      continue;
    }
    const size_t start = at;
    const bool screened = at + 1 < text.size() && IsAscii(text[at]) && IsAscii(text[at + 1]);
    if (screened && !wanted(text[at], text[at + 1])) {
      while (at < text.size() && IsWordByte(text[at])) ++at;
      continue;
    }
    unsigned char bytes_seen = 0;
    for (; at < text.size() && IsWordByte(text[at]); ++at) bytes_seen |= static_cast<unsigned char>(text[at]);
    if (const std::optional<Word> word = TopicalWord(text, start, at, IsAscii(static_cast<char>(bytes_seen)))) {
      visit(*word);
    }
  }
}
template <typename Visit>
void ForEachTopicalWord(std::string_view text, Visit visit) {
  ForEachTopicalWord(text, [](char, char) { return true; }, visit);
}

// The first occurrence of `anchor` (not empty) in `snippet`, or nullptr. memchr finds each candidate's
// first byte many bytes at a time and its last byte is checked before the whole is compared: cheaper, for
// these short texts, than memmem, which first builds a table from the anchor.
const char* FindAnchor(std::string_view snippet, std::string_view anchor) {
  if (anchor.size() > snippet.size()) return nullptr;
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
  // Inlined into each of its three word scans: it runs for every word of the link.
  const auto add = [&](const Word& word, bool is_host_label) __attribute__((always_inline)) {
    const StemKey stem = StemOf(word);
    size_t term = 0;
    while (term < terms.size() && terms[term].stem != stem) ++term;
    if (term == terms.size()) terms.push_back({stem, false});
    if (terms[term].matched) return;
    if (Contains(page_stems_, stem)) {
      terms[term].matched = true;
      ++matched;
      return;
    }
    if (!is_host_label) return;
    thread_local std::string label;
    LowerInto(word, label);
    if (ContainsLongStem(page_stems_, long_stem_starts_, label)) {
      terms[term].matched = true;
      ++matched;
      return;
    }
    labels.push_back({label_bytes.size(), label.size(), term});
    label_bytes += label;
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
    // Without page stems, every word counts until one is topical. Enough matches (some from the context,
    // when the page has no stems) settle the score.
    const auto wanted = [&](char first, char second) {
      return !(has_page_stems_ || context_has_words) ||
             (matched < enough && candidate_starts.test(PairBit(first, second)));
    };
    const auto visit = [&](const Word& word) {
      context_has_words = true;
      if (matched >= enough) return;
      const StemKey stem = StemOf(word);
      for (Term& term : terms) {
        if (!term.matched && term.stem == stem) {
          term.matched = true;
          ++matched;
        }
      }
      if (StemLength(stem) < 4) return;
      char stem_bytes[sizeof word.head];
      std::memcpy(stem_bytes, &word.head, sizeof stem_bytes);
      for (const Label& label : labels) {
        Term& term = terms[label.term];
        if (!term.matched && std::string_view(label_bytes)
                                     .substr(label.offset, label.size)
                                     .find(std::string_view(stem_bytes, StemLength(stem))) != std::string_view::npos) {
          term.matched = true;
          ++matched;
        }
      }
    };
    const auto [before, after] = ContextOf(link);
    ForEachTopicalWord(before, wanted, visit);
    ForEachTopicalWord(after, wanted, visit);
  }
  if (!has_page_stems_ && !context_has_words) return kUnknown;
  const double share = static_cast<double>(matched) / static_cast<double>(enough);
  return static_cast<int>(std::lround(100 * std::min(share, 1.0)));
}

}  // namespace backlint
