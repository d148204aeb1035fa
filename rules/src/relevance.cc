#include "backlint/score/relevance.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

#include "url_parts.h"

namespace backlint {
namespace {

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
std::string Stem(std::string word) {
  static constexpr std::string_view kSuffixes[] = {"ings", "ing", "ers", "er", "ies", "es", "ed", "s", "e", "y"};
  for (std::string_view suffix : kSuffixes) {
    if (word.size() >= suffix.size() + 3 && word.ends_with(suffix)) {
      word.resize(word.size() - suffix.size());
      break;
    }
  }
  if (word.size() > 6) word.resize(6);
  return word;
}

// Calls `visit(lower_case_word)` for each topical word of `text`: three bytes or more, not only digits,
// not a non-topical word.
template <typename Visit>
void ForEachTopicalWord(std::string_view text, Visit visit) {
  std::string word;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && IsWordByte(text[i])) {
      const char c = text[i];
      word += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
      continue;
    }
    if (word.size() >= 3 && !std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
        !std::binary_search(kNonTopicalWords.begin(), kNonTopicalWords.end(), word)) {
      visit(word);
    }
    word.clear();
  }
}

void SortUnique(std::vector<std::string>& words) {
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
}

// The snippet without the anchor's own words, which would otherwise always match themselves.
std::string ContextOf(const Link& link) {
  std::string context = link.snippet;
  if (const size_t at = link.anchor_text.empty() ? std::string::npos : context.find(link.anchor_text);
      at != std::string::npos) {
    context.erase(at, link.anchor_text.size());
  }
  return context;
}

}  // namespace

TopicalRelevance::TopicalRelevance(const PageFacts& page) {
  for (const std::string& term : page.main_terms) {
    ForEachTopicalWord(term, [&](const std::string& word) { page_stems_.push_back(Stem(word)); });
  }
  ForEachTopicalWord(page.title, [&](const std::string& word) { page_stems_.push_back(Stem(word)); });
  SortUnique(page_stems_);
}

int TopicalRelevance::Of(const Link& link) const {
  std::vector<std::string> context_stems;
  ForEachTopicalWord(ContextOf(link), [&](const std::string& word) { context_stems.push_back(Stem(word)); });
  SortUnique(context_stems);
  if (page_stems_.empty() && context_stems.empty()) return kUnknown;
  const auto known = [&](const std::string& stem) {
    return std::binary_search(page_stems_.begin(), page_stems_.end(), stem) ||
           std::binary_search(context_stems.begin(), context_stems.end(), stem);
  };
  const auto inside = [](const std::vector<std::string>& stems, const std::string& label) {
    return std::any_of(stems.begin(), stems.end(), [&](const std::string& stem) {
      return stem.size() >= 4 && label.find(stem) != std::string::npos;
    });
  };

  std::vector<std::string> matched, unmatched;  // link term stems
  const auto add = [&](const std::string& word, bool is_host_label) {
    std::string stem = Stem(word);
    const bool match =
        known(stem) || (is_host_label && (inside(page_stems_, word) || inside(context_stems, word)));
    (match ? matched : unmatched).push_back(std::move(stem));
  };
  ForEachTopicalWord(link.anchor_text, [&](const std::string& word) { add(word, false); });
  ForEachTopicalWord(HostLabels(link), [&](const std::string& word) { add(word, true); });
  ForEachTopicalWord(PathOf(link.url), [&](const std::string& word) { add(word, false); });
  SortUnique(matched);
  SortUnique(unmatched);
  // A stem counts once: matched if any of its occurrences matched.
  std::erase_if(unmatched, [&](const std::string& stem) { return std::binary_search(matched.begin(), matched.end(), stem); });
  const size_t terms = matched.size() + unmatched.size();
  if (terms == 0) return kUnknown;
  const double share = static_cast<double>(matched.size()) / static_cast<double>(std::min<size_t>(terms, 3));
  return static_cast<int>(std::lround(100 * std::min(share, 1.0)));
}

}  // namespace backlint
