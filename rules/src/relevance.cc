#include "backlint/score/relevance.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

#include "url_parts.h"

namespace backlint {
namespace {

using StemKey = uint64_t;

// Words that say nothing about a topic: English function words, web furniture ("click here", "www",
// "html") and the commercial modifiers link sellers wrap around any keyword ("best", "cheap", "buy").
// Sorted, for binary search.
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

bool IsWordByte(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return (byte >= '0' && byte <= '9') || (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
         byte >= 0x80;
}

// A crude stem: common English suffixes off, then at most six bytes, so "hiking", "hikes" and "hike" agree.
// Packed into an integer (length, then the bytes) so stems compare and sort without allocating.
StemKey Stem(std::string_view word) {
  static constexpr std::string_view kSuffixes[] = {"ings", "ing", "ers", "er", "ies", "es", "ed", "s", "e", "y"};
  for (std::string_view suffix : kSuffixes) {
    if (word.size() >= suffix.size() + 3 && word.ends_with(suffix)) {
      word.remove_suffix(suffix.size());
      break;
    }
  }
  word = word.substr(0, 6);
  StemKey key = word.size();
  for (char c : word) key = key << 8 | static_cast<unsigned char>(c);
  return key;
}

// The bytes of a stem, for substring tests: the length byte is the highest non-zero one.
std::string_view Unpack(StemKey key, char (&buffer)[8]) {
  size_t size = 0;
  while (size < 7 && (key >> (8 * (size + 1))) != 0) ++size;
  for (size_t i = 0; i < size; ++i) buffer[i] = static_cast<char>(key >> (8 * (size - 1 - i)));
  return {buffer, size};
}

// Calls `visit(lower_case_word)` for each topical word of `text`: three bytes or more, not only digits,
// not a non-topical word.
template <typename Visit>
void ForEachTopicalWord(std::string_view text, Visit visit) {
  char word[64];
  size_t length = 0;
  bool letters = false, overflow = false;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && IsWordByte(text[i])) {
      const char c = text[i];
      if (length < sizeof word) {
        word[length++] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
      } else {
        overflow = true;
      }
      letters = letters || c < '0' || c > '9';
      continue;
    }
    const std::string_view found(word, length);
    if (length >= 3 && letters && !overflow &&
        !std::binary_search(kNonTopicalWords.begin(), kNonTopicalWords.end(), found)) {
      visit(found);
    }
    length = 0;
    letters = overflow = false;
  }
}

template <typename T>
void SortUnique(std::vector<T>& items) {
  std::sort(items.begin(), items.end());
  items.erase(std::unique(items.begin(), items.end()), items.end());
}

// The snippet without the anchor's own words, which would otherwise always match themselves.
std::pair<std::string_view, std::string_view> ContextOf(const Link& link) {
  const std::string_view snippet = link.snippet;
  const size_t at = link.anchor_text.empty() ? std::string_view::npos : snippet.find(link.anchor_text);
  if (at == std::string_view::npos) return {snippet, {}};
  return {snippet.substr(0, at), snippet.substr(at + link.anchor_text.size())};
}

// Whether `label` contains a stem of four bytes or more.
bool ContainsStem(const std::vector<StemKey>& stems, std::string_view label) {
  char buffer[8];
  return std::any_of(stems.begin(), stems.end(), [&](StemKey stem) {
    const std::string_view text = Unpack(stem, buffer);
    return text.size() >= 4 && label.find(text) != std::string_view::npos;
  });
}

}  // namespace

TopicalRelevance::TopicalRelevance(const PageFacts& page) {
  const auto add = [&](std::string_view word) { page_stems_.push_back(Stem(word)); };
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
  const auto [before, after] = ContextOf(link);
  for (std::string_view part : {before, after}) {
    ForEachTopicalWord(part, [&](std::string_view word) { context_stems.push_back(Stem(word)); });
  }
  SortUnique(context_stems);
  if (page_stems_.empty() && context_stems.empty()) return kUnknown;

  // Link term stems, by whether they match the page or the context.
  const auto add = [&](std::string_view word, bool is_host_label) {
    const StemKey stem = Stem(word);
    const bool match = std::binary_search(page_stems_.begin(), page_stems_.end(), stem) ||
                       std::binary_search(context_stems.begin(), context_stems.end(), stem) ||
                       (is_host_label && (ContainsStem(page_stems_, word) || ContainsStem(context_stems, word)));
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
