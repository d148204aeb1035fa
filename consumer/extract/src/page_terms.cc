#include "backlint/extract/page_terms.h"

#include <algorithm>
#include <array>

#include "backlint/extract/ascii.h"

namespace backlint {
namespace {

constexpr std::size_t kMaxVocabulary = 20000;

// Function words of English that carry no topic, sorted for binary search.
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

bool IsStopWord(std::string_view word) {
  return std::binary_search(kStopWords.begin(), kStopWords.end(), word);
}

bool IsWordByte(char c) { return ascii::IsAlnum(c) || static_cast<unsigned char>(c) >= 0x80; }

bool IsNumber(std::string_view word) {
  return std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

void PageTerms::Add(std::string_view text, int weight) {
  text = text.substr(0, std::min(text.size(), budget_bytes_));
  budget_bytes_ -= text.size();
  std::string lowered;
  ascii::ForEachToken(text, [](char c) { return !IsWordByte(c); }, [&](std::string_view word) {
    if (word.size() < 3 || IsNumber(word)) return;
    lowered.assign(word);
    std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](char c) { return ascii::Lower(c); });
    if (IsStopWord(lowered)) return;
    if (auto found = weights_.find(lowered); found != weights_.end()) {
      found->second += weight;
    } else if (weights_.size() < kMaxVocabulary) {
      weights_.emplace(lowered, weight);
    }
  });
}

std::vector<std::string> PageTerms::Top(std::size_t count) const {
  std::vector<std::pair<std::string_view, int>> ranked(weights_.begin(), weights_.end());
  const auto before = [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  };
  const std::size_t kept = std::min(count, ranked.size());
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(kept), ranked.end(), before);
  std::vector<std::string> top;
  for (std::size_t i = 0; i < kept; ++i) top.emplace_back(ranked[i].first);
  return top;
}

}  // namespace backlint
