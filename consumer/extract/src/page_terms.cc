#include "backlint/extract/page_terms.h"

#include <algorithm>
#include <array>
#include <cstdint>

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

constexpr std::size_t kLongestStopWord = 10;  // "themselves"

// A word of up to eight bytes as one integer (no word holds a NUL byte, so the packing is one-to-one).
constexpr uint64_t Packed(std::string_view word) {
  uint64_t packed = 0;
  for (std::size_t i = 0; i < word.size(); ++i) packed |= static_cast<uint64_t>(static_cast<unsigned char>(word[i])) << (8 * i);
  return packed;
}

constexpr std::size_t kShortStopWords = [] {
  std::size_t count = 0;
  for (std::string_view word : kStopWords) count += word.size() <= 8 ? 1 : 0;
  return count;
}();

// The stop-words of up to eight bytes, packed and sorted, searched without comparing bytes.
constexpr std::array<uint64_t, kShortStopWords> kPackedStopWords = [] {
  std::array<uint64_t, kShortStopWords> packed{};
  std::size_t next = 0;
  for (std::string_view word : kStopWords) {
    if (word.size() <= 8) packed[next++] = Packed(word);
  }
  std::sort(packed.begin(), packed.end());
  return packed;
}();

bool IsStopWord(std::string_view word) {
  if (word.size() > kLongestStopWord) return false;
  if (word.size() <= 8) {
    return std::binary_search(kPackedStopWords.begin(), kPackedStopWords.end(), Packed(word));
  }
  return std::binary_search(kStopWords.begin(), kStopWords.end(), word);
}

// Lookup table: 1 for word bytes (ASCII letters and digits, non-ASCII bytes), 0 otherwise.
constexpr std::array<bool, 256> kWordByte = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) {
    table[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
  }
  return table;
}();

bool IsWordByte(char c) { return kWordByte[static_cast<unsigned char>(c)]; }

bool IsNumber(std::string_view word) {
  return std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; });
}

constexpr uint64_t kHashSeed = 1469598103934665603ULL;  // FNV-1a
constexpr uint64_t kHashPrime = 1099511628211ULL;

}  // namespace

std::string_view PageTerms::KeyOf(const Slot& slot) const {
  return std::string_view(keys_).substr(slot.offset, slot.length);
}

void PageTerms::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
  const std::size_t mask = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.length == 0) continue;
    std::size_t i = slot.hash & mask;
    while (slots_[i].length != 0) i = (i + 1) & mask;
    slots_[i] = slot;
  }
}

void PageTerms::AddWord(std::string_view lowered, uint64_t hash, int weight) {
  if ((count_ + stop_words_ + 1) * 2 > slots_.size()) Grow();
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = hash & mask;
  while (slots_[i].length != 0) {
    if (slots_[i].hash == hash && KeyOf(slots_[i]) == lowered) {
      if (!slots_[i].stop_word) slots_[i].weight += weight;
      return;
    }
    i = (i + 1) & mask;
  }
  const bool stop_word = IsStopWord(lowered);
  if (!stop_word && count_ >= kMaxVocabulary) return;
  slots_[i] = Slot{hash, static_cast<uint32_t>(keys_.size()), static_cast<uint32_t>(lowered.size()),
                   stop_word ? 0 : weight, stop_word};
  keys_.append(lowered);
  ++(stop_word ? stop_words_ : count_);
}

void PageTerms::Add(std::string_view text, int weight) {
  text = text.substr(0, std::min(text.size(), budget_bytes_));
  budget_bytes_ -= text.size();
  std::string lowered;
  const char* const data = text.data();
  const std::size_t size = text.size();
  std::size_t i = 0;
  while (i < size) {
    while (i < size && !IsWordByte(data[i])) ++i;
    std::size_t end = i;
    while (end < size && IsWordByte(data[end])) ++end;
    if (end > i) {
      const std::string_view word(data + i, end - i);
      if (word.size() >= 3 && !IsNumber(word)) {
        if (lowered.size() < word.size()) lowered.resize(word.size());
        uint64_t hash = kHashSeed;
        for (std::size_t k = 0; k < word.size(); ++k) {
          const char c = ascii::Lower(word[k]);
          lowered[k] = c;
          hash = (hash ^ static_cast<unsigned char>(c)) * kHashPrime;
        }
        AddWord(std::string_view(lowered.data(), word.size()), hash ^ (hash >> 29), weight);
      }
    }
    i = end;
  }
}

std::vector<std::string> PageTerms::Top(std::size_t count) const {
  std::vector<std::pair<std::string_view, int>> ranked;
  ranked.reserve(count_);
  for (const Slot& slot : slots_) {
    if (slot.length != 0 && !slot.stop_word) ranked.emplace_back(KeyOf(slot), slot.weight);
  }
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
