#include "backlint/score/list_matcher.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "text_bytes.h"

namespace backlint {
namespace {

// Lower-cases `word` into `out` in every cased script, reusing its buffer.
std::string_view LowerInto(std::string_view word, std::string& out) {
  FoldCaseInto(word, out);
  return out;
}

// Words are read 8 bytes at a time, the first byte in the low bits.
static_assert(std::endian::native == std::endian::little, "the word scan reads bytes in little-endian order");

constexpr uint64_t kHighBits = 0x8080808080808080ull;
constexpr uint64_t kEachByte(uint8_t byte) { return 0x0101010101010101ull * byte; }

uint64_t LoadBytes(const char* bytes) {
  uint64_t loaded;
  std::memcpy(&loaded, bytes, sizeof loaded);
  return loaded;
}

// LoadUpTo8 where fewer than 8 bytes are left.
[[gnu::noinline]] uint64_t LoadTail(const char* at, const char* begin, const char* end) {
  const auto readable = static_cast<size_t>(end - at);
  if (readable == 0) return 0;
  if (end - begin >= 8) return LoadBytes(end - 8) >> (8 * (8 - readable));
  uint64_t loaded = 0;
  for (size_t i = 0; i < readable; ++i) loaded |= uint64_t{static_cast<unsigned char>(at[i])} << (8 * i);
  return loaded;
}

// The 8 bytes from `at`, zero past `end`, reading nothing outside [begin, end).
uint64_t LoadUpTo8(const char* at, const char* begin, const char* end) {
  return end - at >= 8 ? LoadBytes(at) : LoadTail(at, begin, end);
}

// The first `count` (0 to 8) bytes of `bytes`, the others zero.
uint64_t FirstBytes(uint64_t bytes, size_t count) { return count >= 8 ? bytes : bytes & ((uint64_t{1} << (8 * count)) - 1); }

// The high bit of each byte that IsWordByte accepts: a letter, a digit or a byte outside ASCII.
uint64_t WordBytes(uint64_t bytes) {
  const uint64_t low_bits = bytes & ~kHighBits;
  const uint64_t folded = low_bits | kEachByte(0x20);  // letters to lower case; no other byte lands in a-z
  const uint64_t letters = (folded + kEachByte(0x80 - 'a')) & ~(folded + kEachByte(0x80 - 'z' - 1));
  const uint64_t digits = (low_bits + kEachByte(0x80 - '0')) & ~(low_bits + kEachByte(0x80 - '9' - 1));
  return (letters | digits | bytes) & kHighBits;
}

// Lower-cases the ASCII letters of 8 bytes at once; other bytes are kept.
uint64_t LowerAscii(uint64_t bytes) {
  const uint64_t low_bits = bytes & ~kHighBits;
  const uint64_t upper = (low_bits + kEachByte(0x80 - 'A')) & ~(low_bits + kEachByte(0x80 - 'Z' - 1)) & ~bytes & kHighBits;
  return bytes | upper >> 2;  // 0x80 >> 2 is the case bit
}

// Hashes 8 more bytes of a word with the case bit of every byte set: the same for both cases of an ASCII
// letter, at the cost of a few more equal hashes (a digit and a control byte), which the comparison that
// follows an equal hash tells apart.
uint64_t MixIn(uint64_t hash, uint64_t bytes) { return (hash ^ (bytes | kEachByte(0x20))) * 0x9E3779B97F4A7C15ull; }

// A slot for `hash` in a table of `size` (a power of two) slots: from the hash's high bits, which the
// multiplications mix from every byte.
size_t SlotOf(uint64_t hash, size_t size) { return static_cast<size_t>(hash >> (64 - std::countr_zero(size))); }

// Places `slot` at the first free slot from its own in `slots` (a power of two, never full).
template <typename Slot>
void Place(std::vector<Slot>& slots, uint64_t hash, const Slot& slot, bool (*is_free)(const Slot&)) {
  for (size_t at = SlotOf(hash, slots.size());; at = (at + 1) & (slots.size() - 1)) {
    if (is_free(slots[at])) {
      slots[at] = slot;
      return;
    }
  }
}

uint64_t EdgeHash(uint64_t key) { return key * 0x9E3779B97F4A7C15ull; }

}  // namespace

WordIndex::WordKey WordIndex::KeyOf(const char* word, size_t size, uint64_t first, const char* begin, const char* end,
                                    bool& has_non_ascii) {
  const uint64_t head = FirstBytes(first, size);
  uint64_t seen = head;  // every byte or-ed together, for the non-ASCII test
  WordKey key{MixIn(size, head), LowerAscii(head), static_cast<uint32_t>(size)};
  for (size_t at = 8; at < size; at += 8) {
    const uint64_t bytes = FirstBytes(LoadUpTo8(word + at, begin, end), size - at);
    seen |= bytes;
    key.hash = MixIn(key.hash, bytes);
  }
  has_non_ascii = (seen & kHighBits) != 0;
  return key;
}

WordIndex::Id WordIndex::AddNode() {
  node_flags_.push_back(0);
  node_lists_.resize(node_lists_.size() + mask_words_);
  return static_cast<Id>(node_flags_.size());  // nodes are numbered from 1, kUnlisted is none
}

void WordIndex::PlaceWord(const WordSlot& slot) {
  Place<WordSlot>(word_slots_, slot.key.hash, slot, [](const WordSlot& s) { return s.id == kUnlisted; });
}

void WordIndex::PlaceEdge(const EdgeSlot& slot) {
  Place<EdgeSlot>(edge_slots_, EdgeHash(slot.key), slot, [](const EdgeSlot& s) { return s.child == kUnlisted; });
}

WordIndex::Id WordIndex::Add(std::string_view lower_case_word) {
  const char* end = lower_case_word.data() + lower_case_word.size();
  bool has_non_ascii = false;
  const WordKey key = KeyOf(lower_case_word.data(), lower_case_word.size(),
                            LoadUpTo8(lower_case_word.data(), lower_case_word.data(), end), lower_case_word.data(),
                            end, has_non_ascii);
  if (const Id known = FindKey(key, lower_case_word.data()); known != kUnlisted) return known;
  const WordSlot slot{key, AddNode(), static_cast<uint32_t>(words_.size())};
  words_.emplace_back(lower_case_word);
  longest_word_ = std::max(longest_word_, lower_case_word.size());
  if (2 * words_.size() > word_slots_.size()) {  // grow, and place every word again
    std::vector<WordSlot> placed = std::move(word_slots_);
    word_slots_.assign(std::bit_ceil(4 * words_.size()), WordSlot{});
    for (const WordSlot& old : placed) {
      if (old.id != kUnlisted) PlaceWord(old);
    }
  }
  PlaceWord(slot);
  return slot.id;
}

WordIndex::Id WordIndex::FindKey(const WordKey& key, const char* word) const {
  const size_t mask = word_slots_.size() - 1;
  for (size_t at = SlotOf(key.hash, word_slots_.size()); word_slots_[at].id != kUnlisted; at = (at + 1) & mask) {
    const WordSlot& slot = word_slots_[at];
    if (slot.key.hash != key.hash || slot.key.size != key.size || slot.key.head != key.head) continue;
    if (key.size <= 8) return slot.id;  // the head is the whole word
    const std::string& listed = words_[slot.text];
    if (std::equal(listed.begin(), listed.end(), word, [](char a, char b) { return a == Lower(b); })) return slot.id;
  }
  return kUnlisted;
}

// FindKey for an ASCII word of 1 to 7 bytes, given as loaded, zero past its end: most words of a text.
[[gnu::always_inline]] inline WordIndex::Id WordIndex::FindShort(uint64_t bytes, size_t size) const {
  const uint64_t hash = MixIn(size, bytes);
  const size_t mask = word_slots_.size() - 1;
  for (size_t at = SlotOf(hash, word_slots_.size()); word_slots_[at].id != kUnlisted; at = (at + 1) & mask) {
    const WordSlot& slot = word_slots_[at];
    if (slot.key.hash == hash && slot.key.size == size && slot.key.head == LowerAscii(bytes)) return slot.id;
  }
  return kUnlisted;
}

WordIndex::Id WordIndex::FindWord(const char* word, size_t size, uint64_t first, const char* begin,
                                  const char* end) const {
  if (size > kLongestFold * longest_word_) return kUnlisted;  // longer than any listed word, even folded
  bool has_non_ascii = false;
  const WordKey key = KeyOf(word, size, first, begin, end, has_non_ascii);
  if (!has_non_ascii) return FindKey(key, word);
  // The key lower-cases ASCII only; any other cased letter is folded first.
  thread_local std::string folded;  // reused: values are split for most backlinks
  FoldCaseInto(std::string_view(word, size), folded);
  const char* folded_end = folded.data() + folded.size();
  return FindKey(KeyOf(folded.data(), folded.size(), LoadUpTo8(folded.data(), folded.data(), folded_end),
                       folded.data(), folded_end, has_non_ascii),
                 folded.data());
}

WordIndex::Id WordIndex::Find(std::string_view word) const {
  const char* end = word.data() + word.size();
  return FindWord(word.data(), word.size(), LoadUpTo8(word.data(), word.data(), end), word.data(), end);
}

void WordIndex::FindWords(std::string_view text, std::vector<Id>& ids) const {
  const char* begin = text.data();
  const char* end = begin + text.size();
  // Written through a pointer into room for the most words the text can have, not appended one by one.
  const size_t found = ids.size();
  ids.resize(found + text.size() / 2 + 1);
  Id* next_id = ids.data() + found;
  for (const char* at = begin; at < end;) {
    if (!IsWordByte(*at)) {
      ++at;
      continue;
    }
    // The word ends at the first byte that is not a word byte, found 8 bytes at a time; the bytes past
    // the end of the text read as zero, which is not one.
    const uint64_t first = LoadUpTo8(at, begin, end);
    size_t size = 0;
    if (const uint64_t others = ~WordBytes(first) & kHighBits; others != 0) {
      size = static_cast<size_t>(std::countr_zero(others)) / 8;
      // Most words are ASCII and shorter than 8 bytes: they are looked up straight from the bytes loaded.
      if (const uint64_t bytes = first & ((uint64_t{1} << (8 * size)) - 1); (bytes & kHighBits) == 0) {
        *next_id++ = FindShort(bytes, size);
        at += size;
        continue;
      }
    } else {
      for (size = 8;; size += 8) {
        if (const uint64_t others = ~WordBytes(LoadUpTo8(at + size, begin, end)) & kHighBits; others != 0) {
          size += static_cast<size_t>(std::countr_zero(others)) / 8;
          break;
        }
      }
    }
    *next_id++ = FindWord(at, size, first, begin, end);
    at += size;
  }
  ids.resize(static_cast<size_t>(next_id - ids.data()));
}

WordIndex::Id WordIndex::Child(Id parent, Id word) const {
  const uint64_t key = EdgeKey(parent, word);
  const size_t mask = edge_slots_.size() - 1;
  for (size_t at = SlotOf(EdgeHash(key), edge_slots_.size()); edge_slots_[at].child != kUnlisted;
       at = (at + 1) & mask) {
    if (edge_slots_[at].key == key) return edge_slots_[at].child;
  }
  return kUnlisted;
}

void WordIndex::Widen() {
  std::vector<uint64_t> widened((mask_words_ + 1) * node_flags_.size());
  for (size_t node = 0; node < node_flags_.size(); ++node) {
    std::copy_n(node_lists_.begin() + static_cast<std::ptrdiff_t>(node * mask_words_), mask_words_,
                widened.begin() + static_cast<std::ptrdiff_t>(node * (mask_words_ + 1)));
  }
  node_lists_ = std::move(widened);
  ++mask_words_;
}

size_t WordIndex::AddList(std::span<const std::string> entries) {
  std::vector<std::u32string> sequences;
  std::string lower;
  for (const std::string& entry : entries) {
    std::u32string sequence;
    ForEachWord(entry, [&](std::string_view word) { sequence.push_back(Add(LowerInto(word, lower))); });
    if (!sequence.empty()) sequences.push_back(std::move(sequence));  // punctuation only: no whole word to match
  }
  std::sort(sequences.begin(), sequences.end());
  sequences.erase(std::unique(sequences.begin(), sequences.end()), sequences.end());
  const auto [known, added] = list_numbers_.try_emplace(std::move(sequences), list_numbers_.size());
  const size_t list = known->second;
  if (!added) return list;
  if (list / 64 == mask_words_) Widen();
  for (const std::u32string& sequence : known->first) {
    Id node = sequence.front();
    for (size_t next = 1; next < sequence.size(); ++next) {
      node_flags_[node - 1] |= kStartsLonger;
      Id child = Child(node, sequence[next]);
      if (child == kUnlisted) {
        child = AddNode();
        const size_t edges = node_flags_.size() - words_.size();
        if (2 * edges > edge_slots_.size()) {  // grow, and place every edge again
          std::vector<EdgeSlot> placed = std::move(edge_slots_);
          edge_slots_.assign(std::bit_ceil(4 * edges), EdgeSlot{});
          for (const EdgeSlot& old : placed) {
            if (old.child != kUnlisted) PlaceEdge(old);
          }
        }
        PlaceEdge({EdgeKey(node, sequence[next]), child});
      }
      node = child;
    }
    node_flags_[node - 1] |= kEndsEntry;
    node_lists_[(node - 1) * mask_words_ + list / 64] |= uint64_t{1} << (list % 64);
  }
  return list;
}

void WordIndex::FindLists(std::span<const Id> words, std::span<uint64_t> hits) const {
  const auto note = [&](Id node) {
    if ((node_flags_[node - 1] & kEndsEntry) == 0) return;
    const uint64_t* lists = &node_lists_[(node - 1) * mask_words_];
    for (size_t i = 0; i < mask_words_; ++i) hits[i] |= lists[i];
  };
  for (size_t start = 0; start < words.size(); ++start) {
    Id node = words[start];
    if (node == kUnlisted) continue;
    note(node);
    for (size_t next = start + 1; next < words.size() && (node_flags_[node - 1] & kStartsLonger) != 0; ++next) {
      if (words[next] == kUnlisted || (node = Child(node, words[next])) == kUnlisted) break;
      note(node);
    }
  }
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
  hits_index_ = nullptr;
}

std::span<const WordIndex::Id> ListValue::WordIds(const WordIndex& words) const {
  if (words_index_ != &words) {
    word_ids_.clear();
    words.FindWords(value_, word_ids_);
    words_index_ = &words;
  }
  return word_ids_;
}

void ListValue::FindWordListHits(const WordIndex& words) const {
  word_list_hits_.assign(words.MaskWords(), 0);
  words.FindLists(WordIds(words), word_list_hits_);
  hits_index_ = &words;
}

ListMatcher::ListMatcher(MatchMode mode, std::span<const std::string> entries, std::shared_ptr<WordIndex> words)
    : mode_(mode), words_(std::move(words)) {
  if (mode == MatchMode::kWord) {
    word_list_ = words_->AddList(entries);
    return;
  }
  for (const std::string& entry : entries) {
    std::string key = ListValue(entry).Text();
    if (key.empty()) continue;  // blank: would match every value by prefix or suffix
    entry_lengths_.push_back(key.size());
    affix_outer_bytes_[static_cast<unsigned char>(mode == MatchMode::kPrefix ? key.back() : key.front())] = true;
    entries_.insert(std::move(key));
  }
  std::sort(entry_lengths_.begin(), entry_lengths_.end());
  entry_lengths_.erase(std::unique(entry_lengths_.begin(), entry_lengths_.end()), entry_lengths_.end());
}

bool ListMatcher::MatchesText(const ListValue& value) const {
  return mode_ == MatchMode::kExact ? entries_.contains(value.HashedForm()) : HasAffix(value.Text());
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
