#pragma once
// `in_list` matching: does a value match an entry of a named list, as a whole (exact), as whole words
// (word), or at its start or end (prefix, suffix)? Values and entries are compared lower-cased in every
// cased script, with whitespace runs collapsed and the ends trimmed; in word mode every run of non-letters
// and non-digits separates words. A value is normalised once into a ListValue and then tested against any
// number of lists, since a rule set tests the same anchor, snippet or host against many.
#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace backlint {

// Hashes std::string keys and looks them up by view, without building a string per lookup.
struct ListKeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

enum class MatchMode { kExact, kWord, kPrefix, kSuffix };

// The word-mode and exact-mode lists of one rule set, indexed together so that one pass over a value
// answers all lists of a mode (ListValue::HasWordListHit, HasExactListHit). Each distinct word of the word
// lists has an id; their entries form a trie of words whose nodes carry a bit per list that has an entry
// ending there. Each distinct normalised entry of the exact lists carries a bit per list that has it.
// Filled while lists are compiled, then read-only.
class ListIndex {
 public:
  using Id = char32_t;  // a word's id is its node in the trie
  static constexpr Id kUnlisted = 0;  // a word that is in no list

  // Adds a word-mode list's entries (any case; words as ListValue splits them) and returns the list's
  // number, the number of an earlier list with the same entries if there is one.
  size_t AddList(std::span<const std::string> entries);
  Id Add(std::string_view lower_case_word);
  Id Find(std::string_view word) const;  // `word` in any case, its bytes word bytes as ListValue splits them

  // Sets bit n of `hits` (MaskWords() of them) for each word list n with an entry that occurs in `text` as
  // whole words (each run of word bytes, in any case). Linear in the text: the walk from each word ends
  // after as many words as the longest entry has.
  void FindLists(std::string_view text, std::span<uint64_t> hits) const;
  size_t MaskWords() const { return mask_words_; }

  // The same for exact-mode lists, whose entries (normalised as ListValue::Text) are whole values.
  size_t AddExactList(std::span<const std::string> entries);
  void FindExactLists(std::string_view text, std::span<uint64_t> hits) const;  // `text` normalised
  size_t ExactMaskWords() const { return exact_mask_words_; }

 private:
  static constexpr uint8_t kStartsLonger = 1;  // node flag
  // In a word's id as its slot holds it and FindListedWords writes it: the word's node has kStartsLonger, so
  // that the walk from a word needs no load of its flags (nodes are numbered below it).
  static constexpr Id kStartsLongerTag = Id{1} << 31;
  static Id Untagged(Id id) { return id & ~kStartsLongerTag; }
  // Words, in an open-addressing table keyed by a case-blind hash read from the text 8 bytes at a time, so
  // a word of a value costs one hash and, usually, one probe of an empty slot, without lower-casing it into
  // a buffer first. A word of up to 16 bytes is told apart by its bytes in `head` and `second`, their case
  // blinded as its words' ASCII bytes allow (letters and digits: CaseBlind in list_matcher.cc).
  struct WordKey {
    uint64_t hash = 0;    // of the bytes as they are, each with its case bit set
    uint64_t head = 0;    // the first 8 bytes, the case bit of each ASCII byte set, 0x20 past the end
    uint64_t second = 0;  // the next 8 bytes, the same way
    uint32_t size = 0;
  };
  // 32 bytes, two to a cache line, where each listed word of a value reads one: all that a value's words
  // need of the index but for entries of several words. `check` holds the hash's top 24 bits (enough to
  // place the slot again when the table grows) and the word's size (255 for any longer): with `head` and
  // `second`, all of a word of up to 16 bytes.
  struct WordSlot {
    uint64_t head = 0;
    uint32_t check = 0;
    Id id = kUnlisted;  // kUnlisted: empty slot (or no word); with kStartsLongerTag
    uint64_t second = 0;
    uint64_t lists = 0;  // of the first 64 lists, those with the word alone as an entry
    bool IsFree() const { return id == kUnlisted; }
    uint64_t Hash() const { return uint64_t{check >> 8} << 40; }
  };
  static const WordSlot kNoWord;  // what a word in no list finds
  static uint32_t CheckOf(const WordKey& key) {
    return static_cast<uint32_t>(key.hash >> 40) << 8 |
           static_cast<uint32_t>(std::min<size_t>(key.size, 255));
  }
  // The key of the `size` bytes at `word`, within the readable bytes [begin, end); `first` is the 8 bytes
  // at `word` as LoadUpTo8 reads them. Sets `has_non_ascii` when a byte is outside ASCII.
  static WordKey KeyOf(const char* word, size_t size, uint64_t first, const char* begin, const char* end,
                       bool& has_non_ascii);
  // The slot of the word `key` is of (its text at `word`, lower-cased in ASCII), or kNoWord. Inline: it runs
  // for every word the filter does not rule out.
  [[gnu::always_inline]] inline const WordSlot& FindKey(const WordKey& key, const char* word,
                                                        bool as_start) const;
  WordSlot& WordSlotOf(Id word);  // of a word added
  // Bloom bits of keys' hashes, two in one 64-bit word of 2^kWordBits per hash: one load of a small table
  // rules out most keys before a hash table whose slots would miss the cache and whose probe loop
  // mispredicts.
  template <int kWordBits>
  struct HashFilter {
    std::array<uint64_t, size_t{1} << kWordBits> words{};
    static size_t WordOf(uint64_t hash) { return static_cast<size_t>(hash >> (64 - kWordBits)); }
    static uint64_t BitsOf(uint64_t hash) {
      return uint64_t{1} << (hash >> 48 & 63) | uint64_t{1} << (hash >> 42 & 63);
    }
    // One more bit, of a key marked as a start (from bits the others leave, all in a WordSlot's Hash()).
    static uint64_t StartBitOf(uint64_t hash) { return uint64_t{1} << ((hash >> 40 ^ hash >> 49) & 63); }
    void Add(uint64_t hash) { words[WordOf(hash)] |= BitsOf(hash); }
    void AddStart(uint64_t hash) { words[WordOf(hash)] |= StartBitOf(hash); }
    // `start`: whether the key may be one marked as a start.
    bool MayHave(uint64_t hash, bool start = false) const {
      const uint64_t bits = BitsOf(hash) | (start ? StartBitOf(hash) : 0);
      return (words[WordOf(hash)] & bits) == bits;
    }
  };
  // Most words of a text are in no list. 2 KB: parsing a page evicts the filter, and each line of it that a
  // page's values touch is a last-level miss, which costs more than the few more false hits of a smaller
  // filter (8 KB was evicted from L1 by the text scanned).
  // `as_start`: whether the word may begin an entry, a one-word one included; after a word in no list, one
  // that does not is of no use (no entry reaches it), so "to", "of" and "a", which only lists' longer
  // entries have, are looked up only after a listed word.
  bool MayBeListed(uint64_t hash, bool as_start) const { return word_filter_.MayHave(hash, as_start); }
  // The slot of the `size` bytes at `word`, in any case, which may be read 16 bytes past their start. Inline:
  // it runs for every word of every value.
  [[gnu::always_inline]] inline const WordSlot& FindPaddedWord(const char* word, size_t size,
                                                               bool as_start) const;
  // The slot of the `size` bytes at `word`, in any case; `first` and [begin, end) as for KeyOf.
  const WordSlot& FindWord(const char* word, size_t size, uint64_t first, const char* begin, const char* end,
                           bool as_start) const;
  // The slot of the `size` bytes at `word`, which are not all ASCII, in any case.
  const WordSlot& FindFoldedWord(const char* word, size_t size, bool as_start) const;
  // A thread's buffers for finding a value's words, reused and only grown (list_matcher.cc).
  struct WordScratch;
  // The ids of the words of `text` in order, as their slots hold them, with each run of words in no list
  // (which no entry spans) as one kUnlisted, and none before the first listed word: written to
  // `scratch.ids` from its start; returns how many. A word that begins no entry counts as in no list after
  // a word in no list. Sets in `word_lists` the bits of the slots' `lists`. Inline: FindLists, its one
  // caller, runs for every value, and the call would save and restore as many registers again.
  [[gnu::always_inline]] inline size_t FindListedWords(std::string_view text, WordScratch& scratch,
                                                       uint64_t& word_lists) const;
  // Few words outside ASCII are listed (1 in 50 of a corpus pass's): the first kFoldedPrefix bytes of a
  // word folded (all of a shorter one) rule most out by a filter, before the whole word is folded.
  static constexpr size_t kFoldedPrefix = 4;
  static uint64_t FoldedPrefixHash(const char* prefix);  // its kFoldedPrefix bytes, zeros past a shorter word
  // Trie edges below the first word, keyed by (parent node, next word id).
  struct EdgeSlot {
    uint64_t key = 0;
    Id child = kUnlisted;  // kUnlisted: empty slot
    bool IsFree() const { return child == kUnlisted; }
    uint64_t Hash() const { return key * 0x9E3779B97F4A7C15ull; }
  };
  static uint64_t EdgeKey(Id parent, Id word) { return uint64_t{parent} << 32 | word; }
  Id Child(Id parent, Id word) const;
  // Calls `note(node)` with the trie node of each run of two or more of `words` (as FindListedWords writes
  // them) that a listed entry starts with, or with a node that ends no entry on the way.
  template <typename Note>
  void ForEachLongerEntryNode(std::span<const Id> words, Note note) const;
  Id AddNode();
  struct TextSlot {
    uint64_t hash = 0;
    uint32_t entry = 0;  // in exact_entries_, from 1; 0: empty slot
    bool IsFree() const { return entry == 0; }
    uint64_t Hash() const { return hash; }
  };
  static uint64_t TextHash(std::string_view text);
  // Of a text's size and its first and last bytes (it has one), read without a loop over it.
  static uint64_t OuterHash(std::string_view text);
  uint32_t FindText(std::string_view text, uint64_t hash) const;  // 0 when not an entry

  // By node: the word it stands for, lower-cased, or none.
  std::vector<std::string> node_words_ = std::vector<std::string>(1);
  size_t word_count_ = 0;
  size_t longest_word_ = 0;         // in bytes
  // Folding shortens a word at most this many times (a 4-byte letter such as U+1D400 can fold to 'a'), so a
  // word longer than this many times the longest listed one is in no list.
  static constexpr size_t kLongestFold = 4;
  std::vector<WordSlot> word_slots_ = std::vector<WordSlot>(4);  // size a power of two, at most half full
  HashFilter<8> word_filter_;
  HashFilter<8> folded_prefix_filter_;  // 2 KB, of every listed word's FoldedPrefixHash
  std::vector<EdgeSlot> edge_slots_ = std::vector<EdgeSlot>(4);  // the same
  std::vector<uint8_t> node_flags_ = std::vector<uint8_t>(1);  // by node, kUnlisted's (none) included
  // By node, MaskWords() each, kUnlisted's (none) included: the lists with an entry ending there (of a
  // word's node, its slot's `lists` has the first 64).
  std::vector<uint64_t> node_lists_ = std::vector<uint64_t>(1);
  size_t mask_words_ = 1;
  std::map<std::vector<std::u32string>, size_t> list_numbers_;  // a list's sorted entries as ids -> number

  std::vector<std::string> exact_entries_;                          // normalised, in the order added
  // Most values are no exact entry: 512 bytes of filter, of the entries' OuterHash, spare them a slot, which
  // would miss the cache, and the hash of the whole text, whose loop's exit mispredicts as sizes vary.
  HashFilter<6> exact_filter_;
  std::vector<TextSlot> text_slots_ = std::vector<TextSlot>(4);  // size a power of two, at most half full
  std::vector<uint64_t> entry_lists_;  // by exact entry, ExactMaskWords() each: the lists that have it
  size_t exact_mask_words_ = 1;
  std::map<std::vector<std::string>, size_t> exact_list_numbers_;  // a list's sorted entries -> number
};

class ListMatcher;

// A value as the matchers compare it; each form is computed on first use. The viewed text must outlive it.
// Aligned to a cache line, which holds what every list test reads.
class alignas(64) ListValue {
 public:
  explicit ListValue(std::string_view value = {}) : value_(value) {}

  std::string_view value() const { return value_; }
  // Lower-cased, whitespace runs collapsed to one space, ends trimmed: a view of the value itself when that
  // changes nothing (most hosts), of a copy otherwise.
  std::string_view Text() const {
    if (!has_text_) Normalise();
    if (text_is_value_) return value_;
    return {text_size_ <= kShortText ? short_text_.data() : long_text_.data(), text_size_};
  }

  // The lists of an index whose hits a value keeps: word-mode and exact-mode lists.
  enum ListKind : uint8_t { kWordLists, kExactLists };
  // Whether list `list` of kind `kind` in `lists` has an entry that occurs in the value. The first call for
  // an index finds the hits of all its lists of the kind at once (word lists: ListIndex::FindLists over the
  // value's words; exact lists: one lookup of Text()); the others read a bit.
  bool HasListHit(ListKind kind, const ListIndex& lists, size_t list) const {
    const uint64_t first = FirstListHits(kind, lists);
    return ((list < 64 ? first : MoreHits(kind, lists, list)) >> (list % 64) & 1) != 0;
  }
  // A bit for each of lists 0 to 63 of kind `kind` in `lists` that has a hit in the value: HasListHit's
  // answers for those lists at once.
  uint64_t FirstListHits(ListKind kind, const ListIndex& lists) const {
    const ListHits& hits = hits_[kind];
    if (hits.index != &lists) FindListHits(kind, lists);
    return hits.first;
  }
  // Makes this the value `value` as if newly constructed, keeping the buffers' capacity for reuse.
  void Reset(std::string_view value);

 private:
  void Normalise() const;  // finds Text()
  void FindListHits(ListKind kind, const ListIndex& lists) const;
  // The word of all_hits_ with list `list`'s bit, for a list past the first 64.
  uint64_t MoreHits(ListKind kind, const ListIndex& lists, size_t list) const;

  // A bit for each list of an index of one kind that has a hit in the value.
  struct ListHits {
    const ListIndex* index = nullptr;  // the index they were found with, if any
    uint64_t first = 0;                // lists 0 to 63
  };

  // What every list test reads, and Reset writes: in the first cache line.
  std::string_view value_;
  mutable std::array<ListHits, 2> hits_{};  // by ListKind
  friend class ListMatcher;
  mutable const ListMatcher* affix_matcher_ = nullptr;  // the prefix or suffix matcher affix_hit_ is from
  mutable bool affix_hit_ = false;
  mutable bool has_text_ = false;
  mutable bool text_is_value_ = false;  // Text() is value_ itself, not a copy
  mutable uint32_t text_size_ = 0;      // of Text(), when it is not the value

  // Text(), when it is not the value: out of the first cache line, which a value that is its own text (a
  // host) then never leaves. Up to kShortText bytes (most anchors) in the cache line after it, which
  // Normalise writes without reading it first, as it would a string's size and buffer, which parsing the
  // page has evicted; a longer text in long_text_.
  static constexpr size_t kShortText = 64;
  mutable std::array<char, kShortText> short_text_{};
  mutable std::string long_text_;
  // When an index has more than 64 lists of a kind: the bits of all of them, MaskWords() of word lists, then
  // ExactMaskWords() of exact lists.
  mutable std::vector<uint64_t> all_hits_;
};

class ListMatcher {
 public:
  // `entries` are normalised like ListValue::Text(); word and exact modes add them to `lists`, which every
  // matcher of a rule set shares and which must be complete before the first match.
  ListMatcher(MatchMode mode, std::span<const std::string> entries, std::shared_ptr<ListIndex> lists);

  // Word and exact matchers: the list whose hit in a value is a match, so that a caller can read the
  // answers of several matchers of one index from one FirstListHits. None for prefix and suffix matchers.
  struct HitList {
    ListValue::ListKind kind;
    size_t list;
  };
  std::optional<HitList> HitListOf() const {
    if (affix_) return std::nullopt;
    return HitList{kind_, list_};
  }
  const ListIndex& Index() const { return *lists_; }  // the index its lists are in

  bool Matches(const ListValue& value) const {
    if (!affix_) return value.HasListHit(kind_, *lists_, list_);
    // Rules test a host or an anchor against the same prefix or suffix list again and again.
    if (value.affix_matcher_ != this) {
      value.affix_hit_ = HasAffix(value.Text());
      value.affix_matcher_ = this;
    }
    return value.affix_hit_;
  }

 private:
  bool HasAffix(std::string_view text) const;
  // Whether an entry of up to kWindow bytes is an affix of `text` (not empty), given the row of
  // window_bits_ of its near byte, past the row's union.
  bool HasShortAffix(std::string_view text, const uint32_t* far_bits) const;
  // Entries of up to kWindow bytes are found from a window of the text's kWindow bytes at the end it is
  // matched at (its start for prefix, its end for suffix): an entry's near byte is the text's byte at
  // that end, its far byte the window's byte at its length. A few compares of the window with each far
  // byte of the entries give, in one mask, every length at which a candidate has an entry's outer bytes, so
  // a host costs no probe per entry length, and a matcher's tables are read at one place a value.
  static constexpr size_t kWindow = 32;
  static constexpr size_t kNearBuckets = 128;  // near bytes by their low 7 bits
  // The window's bit at which the far byte of an entry of `length` bytes (at most kWindow) sits.
  uint32_t WindowBit(size_t length) const {
    return uint32_t{1} << (mode_ == MatchMode::kPrefix ? length - 1 : kWindow - length);
  }
  // What every test reads first, in one cache line.
  bool affix_;                    // prefix or suffix mode
  ListValue::ListKind kind_ = ListValue::kWordLists;  // word, exact: which lists of lists_
  size_t list_ = 0;               // word, exact: the list's number among them
  std::shared_ptr<ListIndex> lists_;
  MatchMode mode_;
  std::unordered_set<std::string, ListKeyHash, std::equal_to<>> entries_;  // prefix, suffix
  std::vector<char> far_bytes_;  // prefix, suffix: the distinct far bytes of entries of up to kWindow bytes
  // prefix, suffix: by near byte's bucket, a row of far_bytes_.size() + 1: the WindowBits of the lengths of
  // entries of up to kWindow bytes with that near byte, then of those with each far byte
  std::vector<uint32_t> window_bits_;
  std::vector<size_t> long_lengths_;  // prefix, suffix: of entries longer than kWindow, distinct, ascending
};

}  // namespace backlint
