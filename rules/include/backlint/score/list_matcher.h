#pragma once
// `in_list` matching: does a value match an entry of a named list, as a whole (exact), as whole words
// (word), or at its start or end (prefix, suffix)? Values and entries are compared lower-cased in every
// cased script, with whitespace runs collapsed and the ends trimmed; in word mode every run of non-letters
// and non-digits separates words. A value is normalised once into a ListValue and then tested against any number of lists,
// since a rule set tests the same anchor, snippet or host against many.
#include <bitset>
#include <cstdint>
#include <map>
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
  size_t operator()(const HashedText& key) const { return key.hash; }
};

enum class MatchMode { kExact, kWord, kPrefix, kSuffix };

// Every word-mode list of one rule set, indexed together so that one pass over a value's words answers all
// of them (ListValue::HasWordListHit). Each distinct word of the lists has an id; the entries form a trie of
// words whose nodes carry a bit per list that has an entry ending there. Filled while lists are compiled,
// then read-only.
class WordIndex {
 public:
  using Id = char32_t;  // a word's id is its node in the trie
  static constexpr Id kUnlisted = 0;  // a word that is in no list

  // Adds a list's entries (any case; words as ListValue splits them) and returns the list's number, the
  // number of an earlier list with the same entries if there is one.
  size_t AddList(std::span<const std::string> entries);
  Id Add(std::string_view lower_case_word);
  Id Find(std::string_view word) const;  // `word` in any case
  // Appends the id of each word of `text` (each run of word bytes, in any case) to `ids`, in order.
  void FindWords(std::string_view text, std::vector<Id>& ids) const;

  // Sets bit n of `hits` (MaskWords() of them) for each list n with an entry that occurs in `words` (ids in
  // order). Linear in `words`: the walk from each word ends after as many words as the longest entry has.
  void FindLists(std::span<const Id> words, std::span<uint64_t> hits) const;
  size_t MaskWords() const { return mask_words_; }

 private:
  static constexpr uint8_t kEndsEntry = 1, kStartsLonger = 2;  // node flags
  // Words, in an open-addressing table keyed by a case-blind hash read from the text 8 bytes at a time, so
  // a word of a value costs one hash and, usually, one probe of an empty slot, without lower-casing it into
  // a buffer first. A word of up to 8 bytes is told apart by its lower-cased bytes in `head` alone.
  struct WordKey {
    uint64_t hash = 0;  // of the bytes as they are, each with its case bit set
    uint64_t head = 0;  // the first 8 bytes, ASCII lower-cased, zero past the end
    uint32_t size = 0;
  };
  struct WordSlot {
    WordKey key;
    Id id = kUnlisted;  // kUnlisted: empty slot
    uint32_t text = 0;  // in words_
  };
  // The key of the `size` bytes at `word`, within the readable bytes [begin, end); `first` is the 8 bytes
  // at `word` as LoadUpTo8 reads them. Sets `has_non_ascii` when a byte is outside ASCII.
  static WordKey KeyOf(const char* word, size_t size, uint64_t first, const char* begin, const char* end,
                       bool& has_non_ascii);
  Id FindKey(const WordKey& key, const char* word) const;  // `word`: lower-cased in ASCII
  Id FindShort(uint64_t bytes, size_t size) const;
  // The id of the `size` bytes at `word`, in any case; `first` and [begin, end) as for KeyOf.
  Id FindWord(const char* word, size_t size, uint64_t first, const char* begin, const char* end) const;
  // Trie edges below the first word, keyed by (parent node, next word id).
  struct EdgeSlot {
    uint64_t key = 0;
    Id child = kUnlisted;  // kUnlisted: empty slot
  };
  static uint64_t EdgeKey(Id parent, Id word) { return uint64_t{parent} << 32 | word; }
  Id Child(Id parent, Id word) const;
  Id AddNode();
  void PlaceWord(const WordSlot& slot);
  void PlaceEdge(const EdgeSlot& slot);
  void Widen();  // one more 64-bit word per node mask

  std::vector<std::string> words_;  // lower-cased, in the order added
  size_t longest_word_ = 0;         // in bytes
  // Folding shortens a word at most this many times (a 4-byte letter such as U+1D400 can fold to 'a'), so a
  // word longer than this many times the longest listed one is in no list.
  static constexpr size_t kLongestFold = 4;
  std::vector<WordSlot> word_slots_ = std::vector<WordSlot>(4);  // size a power of two, at most half full
  std::vector<EdgeSlot> edge_slots_ = std::vector<EdgeSlot>(4);  // the same
  std::vector<uint8_t> node_flags_;   // by node
  std::vector<uint64_t> node_lists_;  // by node, MaskWords() each: the lists with an entry ending there
  size_t mask_words_ = 1;
  std::map<std::vector<std::u32string>, size_t> list_numbers_;  // a list's sorted entries as ids -> number
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
  // Whether list `list` of `words` has an entry that occurs in the value. The first call for an index finds
  // the hits of all its lists at once (WordIndex::FindLists); the others read a bit.
  bool HasWordListHit(const WordIndex& words, size_t list) const {
    if (hits_index_ != &words) FindWordListHits(words);
    return (word_list_hits_[list / 64] >> (list % 64) & 1) != 0;
  }
  // Makes this the value `value` as if newly constructed, keeping the buffers' capacity for reuse.
  void Reset(std::string_view value);

 private:
  void FindWordListHits(const WordIndex& words) const;

  std::string_view value_;
  mutable bool has_text_ = false;
  mutable std::string text_;
  mutable bool has_hash_ = false;
  mutable size_t text_hash_ = 0;
  mutable const WordIndex* words_index_ = nullptr;  // the index word_ids_ were computed with, if any
  mutable std::vector<WordIndex::Id> word_ids_;
  mutable const WordIndex* hits_index_ = nullptr;  // the index word_list_hits_ were computed with, if any
  mutable std::vector<uint64_t> word_list_hits_;
};

class ListMatcher {
 public:
  // `entries` are normalised like ListValue::Text(); word mode adds their words to `words`, which every
  // word-mode matcher of a rule set shares and which must be complete before the first match.
  ListMatcher(MatchMode mode, std::span<const std::string> entries, std::shared_ptr<WordIndex> words);

  bool Matches(const ListValue& value) const {
    return mode_ == MatchMode::kWord ? value.HasWordListHit(*words_, word_list_) : MatchesText(value);
  }

 private:
  bool MatchesText(const ListValue& value) const;  // exact, prefix, suffix
  bool HasAffix(std::string_view text) const;

  MatchMode mode_;
  std::shared_ptr<WordIndex> words_;
  std::unordered_set<std::string, ListKeyHash, std::equal_to<>> entries_;  // exact, prefix, suffix
  std::vector<size_t> entry_lengths_;                                   // prefix, suffix: distinct, ascending
  std::bitset<256> affix_outer_bytes_;  // prefix: the last bytes of entries; suffix: their first bytes
  size_t word_list_ = 0;                // word: the list's number in words_
};

}  // namespace backlint
