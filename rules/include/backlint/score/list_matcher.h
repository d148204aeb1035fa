#pragma once
// `in_list` matching: does a value match an entry of a named list, as a whole (exact), as whole words
// (word), or at its start or end (prefix, suffix)? Values and entries are compared lower-cased in every
// cased script, with whitespace runs collapsed and the ends trimmed; in word mode every run of non-letters
// and non-digits separates words. A value is normalised once into a ListValue and then tested against any number of lists,
// since a rule set tests the same anchor, snippet or host against many.
#include <bitset>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace backlint {

// A text to look up with its hash already known: a value tested against several lists is hashed once.
struct HashedText {
  std::string_view text;
  size_t hash;  // std::hash<std::string_view> of text
  friend bool operator==(const HashedText& key, const std::string& entry) { return key.text == entry; }
};

// Hashes std::string keys and looks them up by view, without building a string per lookup.
struct ListKeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  size_t operator()(std::u32string_view ids) const { return std::hash<std::u32string_view>{}(ids); }
  size_t operator()(const HashedText& key) const { return key.hash; }
};

enum class MatchMode { kExact, kWord, kPrefix, kSuffix };

// Every word of the word-mode lists of one rule set, numbered from 1, so a value's words are looked up
// once, whatever the number of lists they are tested against. Filled while lists are compiled, then
// read-only.
class WordIndex {
 public:
  using Id = char32_t;
  static constexpr Id kUnlisted = 0;  // a word that is in no list

  Id Add(std::string_view lower_case_word);
  Id Find(std::string_view word) const;  // `word` in any case
  // The same, given CaseBlindHash(word), for a caller that hashed the word while finding its end.
  Id Find(std::string_view word, uint64_t case_blind_hash) const;

  // FNV-1a over the ASCII-lower-cased bytes, one byte at a time from kHashStart.
  static constexpr uint64_t kHashStart = 14695981039346656037ull;
  static uint64_t HashByte(uint64_t hash, char c);
  static uint64_t CaseBlindHash(std::string_view word);

 private:
  // An open-addressing table keyed by a case-blind hash computed straight from the value's bytes: a word
  // of a text costs one pass over its bytes and, usually, one probe of an empty slot, without lower-casing
  // it into a buffer first.
  struct Slot {
    uint64_t hash = 0;
    Id id = kUnlisted;  // kUnlisted: empty slot
  };
  void Place(uint64_t hash, Id id);

  std::vector<std::string> words_;  // by id - 1, lower-cased
  std::vector<Slot> slots_;         // size a power of two, at most half full
};

// A value as the matchers compare it; each form is computed on first use. The viewed text must outlive it.
class ListValue {
 public:
  explicit ListValue(std::string_view value = {}) : value_(value) {}

  std::string_view value() const { return value_; }
  // Lower-cased, whitespace runs collapsed to one space, ends trimmed.
  const std::string& Text() const;
  // Text() with its hash, computed once.
  HashedText HashedForm() const;
  // The value's words in order, each as its id in `words` (WordIndex::kUnlisted when in no list).
  std::span<const WordIndex::Id> WordIds(const WordIndex& words) const;
  // Makes this the value `value` as if newly constructed, keeping the buffers' capacity for reuse.
  void Reset(std::string_view value);

 private:
  std::string_view value_;
  mutable bool has_text_ = false;
  mutable std::string text_;
  mutable bool has_hash_ = false;
  mutable size_t text_hash_ = 0;
  mutable const WordIndex* words_index_ = nullptr;  // the index word_ids_ were computed with, if any
  mutable std::vector<WordIndex::Id> word_ids_;
};

class ListMatcher {
 public:
  // `entries` are normalised like ListValue::Text(); word mode adds their words to `words`, which every
  // word-mode matcher of a rule set shares and which must be complete before the first match.
  ListMatcher(MatchMode mode, std::span<const std::string> entries, std::shared_ptr<WordIndex> words);

  bool Matches(const ListValue& value) const;

 private:
  bool ContainsWordSequence(std::span<const WordIndex::Id> words) const;
  bool HasAffix(std::string_view text) const;

  MatchMode mode_;
  std::shared_ptr<WordIndex> words_;
  std::unordered_set<std::string, ListKeyHash, std::equal_to<>> entries_;             // exact, prefix, suffix
  std::vector<size_t> entry_lengths_;                                          // prefix, suffix: distinct, ascending
  std::bitset<256> affix_outer_bytes_;  // prefix: the last bytes of entries; suffix: their first bytes
  std::unordered_set<std::u32string, ListKeyHash, std::equal_to<>> word_sequences_;  // word: each entry's word ids
  // word: by word id, whether an entry is that word alone and whether a longer entry starts with it
  static constexpr uint8_t kOneWordEntry = 1, kLongerEntry = 2;
  std::vector<uint8_t> starts_entry_;
  size_t max_words_ = 0;                                                       // word: of the longest entry
};

}  // namespace backlint
