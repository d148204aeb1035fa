#include "backlint/extract/page_terms.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>


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

// Hashes eight bytes at a time: the words of a page are mostly shorter, so a word costs one multiply.
uint64_t HashOf(std::string_view word) {
  constexpr uint64_t kMultiplier = 0x9E3779B97F4A7C15ULL;
  uint64_t hash = word.size();
  std::size_t i = 0;
  for (; i + 8 <= word.size(); i += 8) {
    uint64_t chunk;
    std::memcpy(&chunk, word.data() + i, sizeof chunk);
    hash = (hash ^ chunk) * kMultiplier;
  }
  if (i < word.size()) hash = (hash ^ Packed(word.substr(i))) * kMultiplier;
  return hash ^ (hash >> 29);
}

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
  const char* const data = text.data();
  const std::size_t size = text.size();
  std::size_t i = 0;
  while (i < size) {
    while (i < size && LoweredWordByte(data[i]) == 0) ++i;
    // Lower the word into lowered_ while finding its end.
    std::size_t length = 0;
    bool all_digits = true;
    for (; i < size; ++i, ++length) {
      const char c = LoweredWordByte(data[i]);
      if (c == 0) break;
      if (length == lowered_.size()) lowered_.resize(std::max<std::size_t>(2 * length, 64));
      lowered_[length] = c;
      all_digits = all_digits && IsDigit(c);
    }
    if (length >= 3 && !all_digits) {
      const std::string_view word(lowered_.data(), length);
      AddWord(word, HashOf(word), weight);
    }
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
