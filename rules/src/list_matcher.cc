#include "backlint/score/list_matcher.h"

#include <algorithm>
#include <bit>

#include "text_bytes.h"

namespace backlint {
namespace {

// Lower-cases `word` into `out` in every cased script, reusing its buffer.
std::string_view LowerInto(std::string_view word, std::string& out) {
  FoldCaseInto(word, out);
  return out;
}

}  // namespace

uint64_t WordIndex::HashByte(uint64_t hash, char c) {
  return (hash ^ static_cast<unsigned char>(Lower(c))) * 1099511628211ull;
}

uint64_t WordIndex::CaseBlindHash(std::string_view word) {
  uint64_t hash = kHashStart;
  for (char c : word) hash = HashByte(hash, c);
  return hash;
}

void WordIndex::Place(uint64_t hash, Id id) {
  const size_t mask = slots_.size() - 1;
  size_t at = hash & mask;
  while (slots_[at].id != kUnlisted) at = (at + 1) & mask;
  slots_[at] = {hash, id};
}

WordIndex::Id WordIndex::Add(std::string_view lower_case_word) {
  if (const Id known = Find(lower_case_word); known != kUnlisted) return known;
  words_.emplace_back(lower_case_word);
  const auto id = static_cast<Id>(words_.size());
  if (2 * words_.size() > slots_.size()) {  // grow, and place every word again
    slots_.assign(std::bit_ceil(4 * words_.size()), Slot{});
    for (size_t i = 0; i < words_.size(); ++i) Place(CaseBlindHash(words_[i]), static_cast<Id>(i + 1));
  } else {
    Place(CaseBlindHash(lower_case_word), id);
  }
  return id;
}

WordIndex::Id WordIndex::Find(std::string_view word) const { return Find(word, CaseBlindHash(word)); }

WordIndex::Id WordIndex::Find(std::string_view word, uint64_t hash) const {
  if (slots_.empty()) return kUnlisted;
  const size_t mask = slots_.size() - 1;
  for (size_t at = hash & mask; slots_[at].id != kUnlisted; at = (at + 1) & mask) {
    if (slots_[at].hash != hash) continue;
    const std::string& listed = words_[slots_[at].id - 1];
    if (std::equal(word.begin(), word.end(), listed.begin(), listed.end(),
                   [](char a, char b) { return Lower(a) == b; })) {
      return slots_[at].id;
    }
  }
  return kUnlisted;
}

const std::string& ListValue::Text() const {
  if (!has_text_) {
    NormaliseInto(value_, text_);
    has_text_ = true;
  }
  return text_;
}

HashedText ListValue::HashedForm() const {
  const std::string& text = Text();
  if (!has_hash_) {
    text_hash_ = std::hash<std::string_view>{}(text);
    has_hash_ = true;
  }
  return {text, text_hash_};
}

void ListValue::Reset(std::string_view value) {
  value_ = value;
  has_text_ = false;
  has_hash_ = false;
  words_index_ = nullptr;
}

std::span<const WordIndex::Id> ListValue::WordIds(const WordIndex& words) const {
  if (words_index_ != &words) {
    word_ids_.clear();
    word_ids_.reserve(value_.size() / 2 + 1);  // the most words the value can have: one allocation
    thread_local std::string folded;           // reused: values are split for most backlinks
    // Words as ForEachWord finds them; one pass over each word's bytes finds its end, hashes it and notes
    // whether it has bytes outside ASCII.
    for (size_t at = 0; at < value_.size();) {
      if (!IsWordByte(value_[at])) {
        ++at;
        continue;
      }
      const size_t start = at;
      uint64_t hash = WordIndex::kHashStart;
      bool has_non_ascii = false;
      for (; at < value_.size() && IsWordByte(value_[at]); ++at) {
        hash = WordIndex::HashByte(hash, value_[at]);
        has_non_ascii |= static_cast<unsigned char>(value_[at]) >= 0x80;
      }
      const std::string_view word = value_.substr(start, at - start);
      // The index hashes ASCII case-blind; any other cased letter is folded first.
      word_ids_.push_back(has_non_ascii ? words.Find(LowerInto(word, folded)) : words.Find(word, hash));
    }
    words_index_ = &words;
  }
  return word_ids_;
}

ListMatcher::ListMatcher(MatchMode mode, std::span<const std::string> entries, std::shared_ptr<WordIndex> words)
    : mode_(mode), words_(std::move(words)) {
  std::string lower;
  for (const std::string& entry : entries) {
    if (mode != MatchMode::kWord) {
      std::string key = ListValue(entry).Text();
      if (key.empty()) continue;  // blank: would match every value by prefix or suffix
      entry_lengths_.push_back(key.size());
      affix_outer_bytes_[static_cast<unsigned char>(mode == MatchMode::kPrefix ? key.back() : key.front())] = true;
      entries_.insert(std::move(key));
      continue;
    }
    std::u32string sequence;
    ForEachWord(entry, [&](std::string_view word) { sequence.push_back(words_->Add(LowerInto(word, lower))); });
    if (sequence.empty()) continue;  // punctuation only: no whole word to match
    max_words_ = std::max(max_words_, sequence.size());
    if (starts_entry_.size() <= sequence.front()) starts_entry_.resize(sequence.front() + 1);
    starts_entry_[sequence.front()] |= sequence.size() == 1 ? kOneWordEntry : kLongerEntry;
    word_sequences_.insert(std::move(sequence));
  }
  std::sort(entry_lengths_.begin(), entry_lengths_.end());
  entry_lengths_.erase(std::unique(entry_lengths_.begin(), entry_lengths_.end()), entry_lengths_.end());
}

bool ListMatcher::Matches(const ListValue& value) const {
  switch (mode_) {
    case MatchMode::kExact:
      return entries_.contains(value.HashedForm());
    case MatchMode::kWord:
      return ContainsWordSequence(value.WordIds(*words_));
    case MatchMode::kPrefix:
    case MatchMode::kSuffix:
      return HasAffix(value.Text());
  }
  return false;
}

// Looks up the runs of up to max_words_ words that start with the first word of an entry: at most
// max_words_ lookups per word of the value, so the cost is linear in the value whatever it contains.
bool ListMatcher::ContainsWordSequence(std::span<const WordIndex::Id> words) const {
  for (size_t start = 0; start < words.size(); ++start) {
    const WordIndex::Id first = words[start];
    if (first >= starts_entry_.size() || starts_entry_[first] == 0) continue;
    if ((starts_entry_[first] & kOneWordEntry) != 0) return true;
    const size_t longest = std::min(max_words_, words.size() - start);
    for (size_t count = 2; count <= longest; ++count) {
      if (word_sequences_.contains(std::u32string_view(&words[start], count))) return true;
    }
  }
  return false;
}

bool ListMatcher::HasAffix(std::string_view text) const {
  for (size_t length : entry_lengths_) {
    if (length > text.size()) break;
    const size_t offset = mode_ == MatchMode::kPrefix ? 0 : text.size() - length;
    // Most candidates are ruled out by their outer byte, without hashing them.
    const unsigned char outer = mode_ == MatchMode::kPrefix ? text[offset + length - 1] : text[offset];
    if (!affix_outer_bytes_[outer]) continue;
    if (entries_.contains(text.substr(offset, length))) return true;
  }
  return false;
}

}  // namespace backlint
