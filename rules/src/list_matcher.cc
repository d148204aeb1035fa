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

// LoadUpTo8 where fewer than 8 bytes are left.
[[gnu::noinline]] uint64_t LoadTail(const char* at, const char* begin, const char* end) {
  const auto readable = static_cast<size_t>(end - at);
  if (readable == 0) return 0;
  if (end - begin >= 8) return LoadEightBytes(end - 8) >> (8 * (8 - readable));
  // A short text (a host label, a word): loads that overlap rather than a loop per byte, whose exit
  // mispredicts as lengths vary.
  if (readable >= 4) {
    uint32_t first;
    uint32_t last;
    std::memcpy(&first, at, sizeof first);
    std::memcpy(&last, end - 4, sizeof last);
    return first | uint64_t{last} << (8 * (readable - 4));
  }
  const auto byte_at = [&](size_t i) { return uint64_t{static_cast<unsigned char>(at[i])} << (8 * i); };
  return byte_at(0) | byte_at(readable / 2) | byte_at(readable - 1);
}

// The 8 bytes from `at`, zero past `end`, reading nothing outside [begin, end).
uint64_t LoadUpTo8(const char* at, const char* begin, const char* end) {
  return end - at >= 8 ? LoadEightBytes(at) : LoadTail(at, begin, end);
}

// Calls `visit(bytes, offset)` with the 8 bytes at each multiple of 8 in `text` in turn (the last zero past
// the end) until it returns false; returns whether none did. Only the last 8 are read with a test of the
// end, so the loop's one mispredicted branch is its exit.
template <typename Visit>
bool ForEachEightBytes(std::string_view text, Visit visit) {
  const char* begin = text.data();
  const char* end = begin + text.size();
  const char* at = begin;
  for (; end - at > 8; at += 8) {
    if (!visit(LoadEightBytes(at), static_cast<size_t>(at - begin))) return false;
  }
  return at == end || visit(LoadTail(at, begin, end), static_cast<size_t>(at - begin));
}

// The first `count` bytes of `bytes` (all 8 when `count` is 8 or more), the others zero. Without a branch:
// word sizes vary at random. The mask is shifted in two halves, since a shift by 64 is undefined.
uint64_t FirstBytes(uint64_t bytes, size_t count) {
  const size_t half_bits = 4 * std::min<size_t>(count, 8);
  return bytes & ~(~uint64_t{0} << half_bits << half_bits);
}

// 16 bytes of ones, then 16 of zeros: the 16 bytes from kKeepFirst.data() + 16 - n keep the first n of 16.
constexpr std::array<char, 32> kKeepFirst = [] {
  std::array<char, 32> keep{};
  std::fill_n(keep.begin(), 16, static_cast<char>(0xFF));
  return keep;
}();

// A bit for each of the 16 bytes at `at` that IsWordByte accepts, the first byte's in bit 0.
uint64_t WordByteBits(const char* at) { return ClassesOfSixteen(at).word; }

// The high bit of each byte equal to `byte`.
uint64_t BytesEqual(uint64_t bytes, uint8_t byte) {
  const uint64_t differences = bytes ^ kEachByte(byte);
  return ~(((differences & ~kHighBits) + ~kHighBits) | differences) & kHighBits;
}

// Hashes 8 more bytes of a word with the case bit of every byte set: the same for both cases of an ASCII
// letter, at the cost of a few more equal hashes (a digit and a control byte), which the comparison that
// follows an equal hash tells apart.
uint64_t MixIn(uint64_t hash, uint64_t bytes) {
  return (hash ^ (bytes | kEachByte(0x20))) * 0x9E3779B97F4A7C15ull;
}

// A word's bytes as its key compares them: each ASCII byte with its case bit set, the same for both cases of
// a letter and exact for the other ASCII bytes of a word (digits), others as they are. Cheaper than
// lower-casing, which must tell letters from other bytes.
uint64_t CaseBlind(uint64_t bytes) { return bytes | (~bytes & kHighBits) >> 2; }

// A slot for `hash` in a table of `size` (a power of two) slots: from the hash's high bits, which the
// multiplications mix from every byte.
size_t SlotOf(uint64_t hash, size_t size) {
  return static_cast<size_t>(hash >> (64 - std::countr_zero(size)));
}

// Places `slot` at the first free slot from its own in `slots` (a power of two, never full).
template <typename Slot>
void Place(std::vector<Slot>& slots, const Slot& slot) {
  for (size_t at = SlotOf(slot.Hash(), slots.size());; at = (at + 1) & (slots.size() - 1)) {
    if (slots[at].IsFree()) {
      slots[at] = slot;
      return;
    }
  }
}

// Keeps `slots` at most half full for `count` entries: when they would be fuller, doubles them (at least)
// and places every entry again.
template <typename Slot>
void Grow(std::vector<Slot>& slots, size_t count) {
  if (2 * count <= slots.size()) return;
  std::vector<Slot> placed = std::move(slots);
  slots.assign(std::bit_ceil(4 * count), Slot{});
  for (const Slot& slot : placed) {
    if (!slot.IsFree()) Place(slots, slot);
  }
}

// Gives each mask of `masks` (`words` 64-bit words each) one more word.
void Widen(std::vector<uint64_t>& masks, size_t& words) {
  std::vector<uint64_t> widened(masks.size() / words * (words + 1));
  for (size_t mask = 0; mask < masks.size() / words; ++mask) {
    std::copy_n(masks.begin() + static_cast<std::ptrdiff_t>(mask * words), words,
                widened.begin() + static_cast<std::ptrdiff_t>(mask * (words + 1)));
  }
  masks = std::move(widened);
  ++words;
}

template <typename Entry>
struct NumberedList {
  const std::vector<Entry>& entries;  // sorted, without repeats
  size_t number;
  bool added;  // false: an earlier list had the same entries, and `number` is its
};

// Numbers a list by its entries among `numbers`; a new list that needs one more word in each of `masks`
// (`mask_words` each) widens them.
template <typename Entry>
NumberedList<Entry> NumberList(std::vector<Entry> entries, std::map<std::vector<Entry>, size_t>& numbers,
                               std::vector<uint64_t>& masks, size_t& mask_words) {
  std::sort(entries.begin(), entries.end());
  entries.erase(std::unique(entries.begin(), entries.end()), entries.end());
  const auto [known, added] = numbers.try_emplace(std::move(entries), numbers.size());
  if (added && known->second / 64 == mask_words) Widen(masks, mask_words);
  return {known->first, known->second, added};
}

// Whether the 8 bytes `bytes` of a text (zero past its end) are ASCII with no whitespace but single spaces:
// all that NormaliseInto would change there is the case of letters. `after_space`, the first byte's high bit
// when the 8 bytes before ended with a space, is set for the 8 after.
[[gnu::always_inline]] inline bool IsSqueezedAscii(uint64_t bytes, uint64_t& after_space) {
  const uint64_t low_bits = bytes & ~kHighBits;
  // Tab, line feed, vertical tab, form feed and carriage return are 0x09 to 0x0D.
  const uint64_t other_spaces = (low_bits + kEachByte(0x80 - 0x09)) & ~(low_bits + kEachByte(0x80 - 0x0E));
  const uint64_t spaces = BytesEqual(bytes, ' ');
  if (((bytes | other_spaces) & kHighBits) != 0 || (spaces & (spaces << 8 | after_space)) != 0) return false;
  after_space = spaces >> 56;
  return true;
}

// Whether NormaliseInto would leave `text` as it is: most hosts and many anchors. Reads 8 bytes at a time,
// and ends at the first 8 that would change (an anchor's capital is usually in its first 8).
bool IsNormalised(std::string_view text) {
  if (!text.empty() && (text.front() == ' ' || text.back() == ' ')) return false;
  uint64_t after_space = 0;
  return ForEachEightBytes(text, [&](uint64_t bytes, size_t) {
    return IsSqueezedAscii(bytes, after_space) && LowerAscii(bytes) == bytes;
  });
}

// What NormaliseInto would do to a text.
enum class TextChange {
  kNone,           // leave it as it is: most hosts, many anchors
  kLowerCaseOnly,  // lower-case its ASCII letters: ASCII, no whitespace but single spaces between other bytes
  kMore,
};

// What NormaliseInto would do to `text`, which is lower-cased into `out` when that is all (kLowerCaseOnly):
// read and written 16 bytes at a time, whole, so `out` needs room for `text` and for 16 bytes; a text of 16
// bytes or more is read in 16s from its start and then its last 16, which overlap the 16 before. One pass,
// which writes every 16 bytes it reads, whether they change or not; `out` is unspecified for kMore.
TextChange LowerCaseInto(std::string_view text, char* out) {
  const size_t size = text.size();
  if (size == 0) return TextChange::kNone;
  if (text.front() == ' ' || text.back() == ' ') return TextChange::kMore;
  unsigned changed = 0;  // a bit for each upper-case letter
  // Lower-cases the 16 bytes `bytes` into `to`, unless NormaliseInto would change more of them than that:
  // a byte outside ASCII, whitespace but a space (tab to carriage return, 0x09 to 0x0D), or a space after
  // a space (`after_space`: whether the byte before the 16 is one).
  const auto lower_case = [&](__m128i bytes, bool after_space, char* to) {
    const auto spaces = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(' '))));
    const __m128i upper = BytesInRange(bytes, 'A', 26);
    if (_mm_movemask_epi8(_mm_or_si128(bytes, BytesInRange(bytes, 0x09, 5))) != 0 ||
        (spaces & (spaces << 1 | (after_space ? 1u : 0u))) != 0)
      return false;
    changed |= static_cast<unsigned>(_mm_movemask_epi8(upper));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(to),
                     _mm_or_si128(bytes, _mm_and_si128(upper, _mm_set1_epi8(0x20))));
    return true;
  };
  const char* begin = text.data();
  if (size < 16) {
    const char* end = begin + size;
    if (!lower_case(_mm_set_epi64x(static_cast<long long>(LoadUpTo8(begin + std::min<size_t>(size, 8), begin, end)),
                                   static_cast<long long>(LoadUpTo8(begin, begin, end))),
                    false, out))
      return TextChange::kMore;
  } else {
    for (size_t at = 0; at + 16 < size; at += 16) {
      if (!lower_case(_mm_loadu_si128(reinterpret_cast<const __m128i*>(begin + at)), at != 0 && begin[at - 1] == ' ',
                      out + at))
        return TextChange::kMore;
    }
    if (!lower_case(_mm_loadu_si128(reinterpret_cast<const __m128i*>(begin + size - 16)),
                    size > 16 && begin[size - 17] == ' ', out + size - 16))
      return TextChange::kMore;
  }
  return changed == 0 ? TextChange::kNone : TextChange::kLowerCaseOnly;
}

}  // namespace

ListIndex::WordKey ListIndex::KeyOf(const char* word, size_t size, uint64_t first, const char* begin,
                                    const char* end, bool& has_non_ascii) {
  const uint64_t head = FirstBytes(first, size);
  // The second 8 bytes are mixed in even when there are none, so that FindPaddedWord hashes every word of up
  // to 16 bytes the same way, without a branch on its size.
  const uint64_t second = size > 8 ? FirstBytes(LoadUpTo8(word + 8, begin, end), size - 8) : 0;
  uint64_t seen = head | second;  // every byte or-ed together, for the non-ASCII test
  WordKey key{MixIn(MixIn(size, head), second), CaseBlind(head), CaseBlind(second),
              static_cast<uint32_t>(size)};
  for (size_t at = 16; at < size; at += 8) {
    const uint64_t bytes = FirstBytes(LoadUpTo8(word + at, begin, end), size - at);
    seen |= bytes;
    key.hash = MixIn(key.hash, bytes);
  }
  has_non_ascii = (seen & kHighBits) != 0;
  return key;
}

ListIndex::Id ListIndex::AddNode() {
  node_flags_.push_back(0);
  node_words_.emplace_back();
  node_lists_.resize(node_lists_.size() + mask_words_);
  return static_cast<Id>(node_flags_.size() - 1);  // nodes are numbered from 1, kUnlisted is none
}

ListIndex::Id ListIndex::Add(std::string_view lower_case_word) {
  const char* end = lower_case_word.data() + lower_case_word.size();
  bool has_non_ascii = false;
  const WordKey key = KeyOf(lower_case_word.data(), lower_case_word.size(),
                            LoadUpTo8(lower_case_word.data(), lower_case_word.data(), end),
                            lower_case_word.data(), end, has_non_ascii);
  if (const Id known = FindKey(key, lower_case_word.data(), false).id; known != kUnlisted) return Untagged(known);
  const WordSlot slot{key.head, CheckOf(key), AddNode(), key.second};
  node_words_[slot.id] = lower_case_word;
  word_filter_.Add(key.hash);
  char prefix[kFoldedPrefix] = {};
  std::copy_n(lower_case_word.begin(), std::min(lower_case_word.size(), kFoldedPrefix), prefix);
  folded_prefix_filter_.Add(FoldedPrefixHash(prefix));
  longest_word_ = std::max(longest_word_, lower_case_word.size());
  Grow(word_slots_, ++word_count_);
  Place(word_slots_, slot);
  return slot.id;
}

const ListIndex::WordSlot ListIndex::kNoWord{};

const ListIndex::WordSlot& ListIndex::FindKey(const WordKey& key, const char* word, bool as_start) const {
  if (!MayBeListed(key.hash, as_start)) return kNoWord;
  const size_t mask = word_slots_.size() - 1;
  const uint32_t check = CheckOf(key);
  for (size_t at = SlotOf(key.hash, word_slots_.size()); word_slots_[at].id != kUnlisted;
       at = (at + 1) & mask) {
    const WordSlot& slot = word_slots_[at];
    if (slot.check != check || slot.head != key.head || slot.second != key.second) continue;
    if (key.size <= 16) return slot;  // the head, the second 8 bytes and the size are the whole word
    const std::string& listed = node_words_[Untagged(slot.id)];
    if (std::equal(listed.begin(), listed.end(), word, word + key.size,
                   [](char a, char b) { return a == Lower(b); }))
      return slot;
  }
  return kNoWord;
}

ListIndex::WordSlot& ListIndex::WordSlotOf(Id word) {
  const std::string& text = node_words_[word];
  const char* end = text.data() + text.size();
  bool has_non_ascii = false;
  const WordKey key = KeyOf(text.data(), text.size(), LoadUpTo8(text.data(), text.data(), end), text.data(), end,
                            has_non_ascii);
  for (size_t at = SlotOf(key.hash, word_slots_.size());; at = (at + 1) & (word_slots_.size() - 1)) {
    if (Untagged(word_slots_[at].id) == word) return word_slots_[at];
  }
}

const ListIndex::WordSlot& ListIndex::FindWord(const char* word, size_t size, uint64_t first,
                                               const char* begin, const char* end, bool as_start) const {
  if (size > kLongestFold * longest_word_) return kNoWord;  // longer than any listed word, even folded
  bool has_non_ascii = false;
  const WordKey key = KeyOf(word, size, first, begin, end, has_non_ascii);
  return has_non_ascii ? FindFoldedWord(word, size, as_start) : FindKey(key, word, as_start);
}

uint64_t ListIndex::FoldedPrefixHash(const char* prefix) {
  uint32_t bytes;
  static_assert(sizeof bytes == kFoldedPrefix);
  std::memcpy(&bytes, prefix, sizeof bytes);
  return bytes * 0x9E3779B97F4A7C15ull;
}

const ListIndex::WordSlot& ListIndex::FindFoldedWord(const char* word, size_t size, bool as_start) const {
  if (size > kLongestFold * longest_word_) return kNoWord;
  char prefix[kFoldedPrefix + 3] = {};  // zeros past a shorter word
  FoldCasePrefix(std::string_view(word, size), kFoldedPrefix, prefix);
  if (!folded_prefix_filter_.MayHave(FoldedPrefixHash(prefix))) return kNoWord;
  // The key lower-cases ASCII only; any other cased letter is folded first.
  thread_local std::vector<char> folded;  // reused, and only grown: values are split for most backlinks
  if (folded.size() < FoldedSizeBound(size)) folded.resize(FoldedSizeBound(size));
  const char* begin = folded.data();
  const char* end = begin + FoldCase(std::string_view(word, size), folded.data());
  bool has_non_ascii = false;
  return FindKey(KeyOf(begin, static_cast<size_t>(end - begin), LoadUpTo8(begin, begin, end), begin, end, has_non_ascii),
                 begin, as_start);
}

ListIndex::Id ListIndex::Find(std::string_view word) const {
  const char* end = word.data() + word.size();
  const char* begin = word.data();
  return Untagged(FindWord(begin, word.size(), LoadUpTo8(begin, begin, end), begin, end, false).id);
}

const ListIndex::WordSlot& ListIndex::FindPaddedWord(const char* word, size_t size, bool as_start) const {
  // Most words are ASCII and at most 16 bytes: their key is computed from one load, masked to the word
  // without a branch on its length, and the filter rules out most of them before any probe.
  const __m128i bytes =
      _mm_and_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(word)),
                    _mm_loadu_si128(reinterpret_cast<const __m128i*>(kKeepFirst.data() + 16 -
                                                                      std::min<size_t>(size, 16))));
  if (size <= 16) {
    if (_mm_movemask_epi8(bytes) != 0) return FindFoldedWord(word, size, as_start);
    const auto head = static_cast<uint64_t>(_mm_cvtsi128_si64(bytes));
    const auto second = static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(bytes, bytes)));
    // All ASCII: CaseBlind sets every byte's case bit.
    return FindKey({MixIn(MixIn(size, head), second), head | kEachByte(0x20), second | kEachByte(0x20),
                    static_cast<uint32_t>(size)},
                   word, as_start);
  }
  return FindWord(word, size, LoadEightBytes(word), word, word + size, as_start);
}

struct ListIndex::WordScratch {
  std::vector<char> padded;          // the text, padded
  std::vector<uint64_t> word_bits;   // a bit per byte of `padded`
  std::vector<Id> ids;               // FindListedWords' answer
};

size_t ListIndex::FindListedWords(std::string_view text, WordScratch& scratch, uint64_t& word_lists) const {
  // The text is copied into a buffer padded with zeros (not word bytes) to whole blocks and then some, so
  // that its bytes are classified 16 at a time into a bit per byte, and a word is read 16 bytes at a time,
  // without tests for the end. Words are then found from the bits, a block at a time: a branch per word
  // rather than per byte.
  constexpr size_t kBlock = 64;                      // bytes, one bit each in a word of word_bits
  const size_t blocks = text.size() / kBlock + 1;    // the last ends with padding, so every word ends
  std::vector<char>& padded = scratch.padded;
  std::vector<uint64_t>& word_bits = scratch.word_bits;
  std::vector<Id>& ids = scratch.ids;
  const size_t padded_size = blocks * kBlock + 16;  // a word can start 16 bytes before the end
  if (padded.size() < padded_size) padded.resize(padded_size);
  if (word_bits.size() < blocks) word_bits.resize(blocks);
  // The last block and the 16 bytes after it are zeroed whole, then the text is copied over their start.
  const __m128i zeros = _mm_setzero_si128();
  char* const last_block = padded.data() + (blocks - 1) * kBlock;
  for (size_t at = 0; at < kBlock + 16; at += 16) _mm_storeu_si128(reinterpret_cast<__m128i*>(last_block + at), zeros);
  CopyBytes(text.data(), text.size(), padded.data());
  for (size_t block = 0; block < blocks; ++block) {
    const char* bytes = padded.data() + block * kBlock;
    word_bits[block] = WordByteBits(bytes) | WordByteBits(bytes + 16) << 16 | WordByteBits(bytes + 32) << 32 |
                       WordByteBits(bytes + 48) << 48;
  }
  // Room for the most words the text can have, written through a pointer rather than appended.
  if (const size_t most = text.size() / 2 + 1; ids.size() < most) ids.resize(most);
  Id* next_id = ids.data();
  uint64_t lists = 0;      // in a register, where `word_lists` would be stored at every word
  Id previous = kUnlisted;  // as if one was written before the first word: leading unlisted words are dropped
  uint64_t carried = 0;     // the last byte's bit of the block before
  for (size_t block = 0; block < blocks; ++block) {
    const uint64_t bits = word_bits[block];
    for (uint64_t starts = bits & ~(bits << 1 | carried); starts != 0; starts &= starts - 1) {
      const size_t start = block * kBlock + static_cast<size_t>(std::countr_zero(starts));
      size_t end_block = block;
      uint64_t others = ~bits & (~uint64_t{0} << (start % kBlock));
      while (others == 0) others = ~word_bits[++end_block];
      const size_t size = end_block * kBlock + static_cast<size_t>(std::countr_zero(others)) - start;
      const WordSlot& slot = FindPaddedWord(padded.data() + start, size, previous == kUnlisted);
      const Id id = slot.id;
      lists |= slot.lists;
      // Written always, kept when listed or when it is the first of a run of unlisted words.
      *next_id = id;
      next_id += (id | previous) != kUnlisted ? 1 : 0;
      previous = id;
    }
    carried = bits >> 63;
  }
  word_lists |= lists;
  return static_cast<size_t>(next_id - ids.data());
}

ListIndex::Id ListIndex::Child(Id parent, Id word) const {
  const uint64_t key = EdgeKey(parent, word);
  const size_t mask = edge_slots_.size() - 1;
  for (size_t at = SlotOf(EdgeSlot{key, kUnlisted}.Hash(), edge_slots_.size());
       edge_slots_[at].child != kUnlisted; at = (at + 1) & mask) {
    if (edge_slots_[at].key == key) return edge_slots_[at].child;
  }
  return kUnlisted;
}

uint64_t ListIndex::TextHash(std::string_view text) {
  uint64_t hash = text.size();
  ForEachEightBytes(text, [&](uint64_t bytes, size_t) {
    hash = MixIn(hash, bytes);
    return true;
  });
  return hash;
}

uint64_t ListIndex::OuterHash(std::string_view text) {
  return (uint64_t{text.size()} << 16 | uint64_t{static_cast<unsigned char>(text.front())} << 8 |
          static_cast<unsigned char>(text.back())) *
         0x9E3779B97F4A7C15ull;
}

size_t ListIndex::AddExactList(std::span<const std::string> entries) {
  std::vector<std::string> texts;
  for (const std::string& entry : entries) {
    if (std::string text(ListValue(entry).Text()); !text.empty())
      texts.push_back(std::move(text));  // blank: never matches
  }
  const auto [listed, list, added] =
      NumberList(std::move(texts), exact_list_numbers_, entry_lists_, exact_mask_words_);
  if (!added) return list;
  for (const std::string& text : listed) {
    const uint64_t hash = TextHash(text);
    uint32_t entry = FindText(text, hash);
    if (entry == 0) {
      exact_entries_.push_back(text);
      entry_lists_.resize(entry_lists_.size() + exact_mask_words_);
      entry = static_cast<uint32_t>(exact_entries_.size());
      Grow(text_slots_, exact_entries_.size());
      Place(text_slots_, TextSlot{hash, entry});
      exact_filter_.Add(OuterHash(text));
    }
    entry_lists_[(entry - 1) * exact_mask_words_ + list / 64] |= uint64_t{1} << (list % 64);
  }
  return list;
}

uint32_t ListIndex::FindText(std::string_view text, uint64_t hash) const {
  const size_t mask = text_slots_.size() - 1;
  for (size_t at = SlotOf(hash, text_slots_.size()); text_slots_[at].entry != 0; at = (at + 1) & mask) {
    if (text_slots_[at].hash == hash && exact_entries_[text_slots_[at].entry - 1] == text)
      return text_slots_[at].entry;
  }
  return 0;
}

void ListIndex::FindExactLists(std::string_view text, std::span<uint64_t> hits) const {
  if (text.empty() || !exact_filter_.MayHave(OuterHash(text))) return;  // every entry has a byte
  if (const uint32_t entry = FindText(text, TextHash(text)); entry != 0) {
    std::copy_n(entry_lists_.begin() + static_cast<std::ptrdiff_t>((entry - 1) * exact_mask_words_),
                exact_mask_words_, hits.begin());
  }
}

size_t ListIndex::AddList(std::span<const std::string> entries) {
  std::vector<std::u32string> sequences;
  std::string lower;
  for (const std::string& entry : entries) {
    std::u32string sequence;
    ForEachWord(entry, [&](std::string_view word) { sequence.push_back(Add(LowerInto(word, lower))); });
    if (!sequence.empty())
      sequences.push_back(std::move(sequence));  // punctuation only: no whole word to match
  }
  const auto [listed, list, added] =
      NumberList(std::move(sequences), list_numbers_, node_lists_, mask_words_);
  if (!added) return list;
  for (const std::u32string& sequence : listed) {
    Id node = sequence.front();
    WordSlot& first = WordSlotOf(node);
    word_filter_.AddStart(first.Hash());
    if (sequence.size() == 1 && list < 64) first.lists |= uint64_t{1} << list;
    if (sequence.size() > 1) first.id |= kStartsLongerTag;
    for (size_t next = 1; next < sequence.size(); ++next) {
      node_flags_[node] |= kStartsLonger;
      Id child = Child(node, sequence[next]);
      if (child == kUnlisted) {
        child = AddNode();
        Grow(edge_slots_, node_flags_.size() - word_count_);
        Place(edge_slots_, EdgeSlot{EdgeKey(node, sequence[next]), child});
      }
      node = child;
    }
    node_lists_[node * mask_words_ + list / 64] |= uint64_t{1} << (list % 64);
  }
  return list;
}

template <typename Note>
void ListIndex::ForEachLongerEntryNode(std::span<const Id> words, Note note) const {
  for (size_t start = 0; start + 1 < words.size(); ++start) {
    if ((words[start] & kStartsLongerTag) == 0) continue;
    Id node = Untagged(words[start]);
    for (size_t next = start + 1; next < words.size(); ++next) {
      if (words[next] == kUnlisted || (node = Child(node, Untagged(words[next]))) == kUnlisted) break;
      note(node);
      if ((node_flags_[node] & kStartsLonger) == 0) break;
    }
  }
}

void ListIndex::FindLists(std::string_view text, std::span<uint64_t> hits) const {
  // One set of buffers serves every value of a thread, behind one thread-local guard.
  thread_local WordScratch scratch;
  uint64_t found = 0;
  const size_t count = FindListedWords(text, scratch, found);  // may grow `scratch.ids`
  const std::span<const Id> words(scratch.ids.data(), count);
  // Noted without a test of the node: the nodes that end no entry have no lists. With 64 lists or fewer
  // (the default rules'), the bits are gathered in a register, those of one-word entries from the slots.
  if (mask_words_ == 1) {
    ForEachLongerEntryNode(words, [&](Id node) { found |= node_lists_[node]; });
    hits[0] |= found;
    return;
  }
  const auto note = [&](Id node) {
    const uint64_t* lists = &node_lists_[node * mask_words_];
    for (size_t i = 0; i < mask_words_; ++i) hits[i] |= lists[i];
  };
  for (const Id word : words) note(Untagged(word));
  ForEachLongerEntryNode(words, note);
}

void ListValue::Normalise() const {
  has_text_ = true;
  TextChange change;
  if (value_.size() <= kShortText) {
    // Checked and lower-cased in one pass into short_text_, whose cache line a value that is its own text
    // then has written but not read.
    change = LowerCaseInto(value_, short_text_.data());
  } else {
    // Checked first, so that a long value that is its own text is not copied.
    change = IsNormalised(value_) ? TextChange::kNone : TextChange::kMore;
    if (change == TextChange::kMore) {
      long_text_.resize(value_.size());  // room enough: the value is longer than 16 bytes
      change = LowerCaseInto(value_, long_text_.data());
    }
  }
  text_is_value_ = change == TextChange::kNone;
  text_size_ = static_cast<uint32_t>(value_.size());
  if (change != TextChange::kMore) return;
  NormaliseInto(value_, long_text_);
  text_size_ = static_cast<uint32_t>(long_text_.size());
  if (text_size_ <= kShortText) CopyBytes(long_text_.data(), text_size_, short_text_.data());
}

void ListValue::Reset(std::string_view value) {
  value_ = value;
  has_text_ = false;
  hits_[kWordLists].index = nullptr;
  hits_[kExactLists].index = nullptr;
  affix_matcher_ = nullptr;
}

void ListValue::FindListHits(ListKind kind, const ListIndex& lists) const {
  ListHits& hits = hits_[kind];
  const size_t mask_words = kind == kWordLists ? lists.MaskWords() : lists.ExactMaskWords();
  hits.first = 0;
  std::span<uint64_t> found(&hits.first, 1);
  if (mask_words > 1) {
    const size_t offset = kind == kWordLists ? 0 : lists.MaskWords();
    all_hits_.resize(std::max(all_hits_.size(), lists.MaskWords() + lists.ExactMaskWords()));
    found = std::span<uint64_t>(all_hits_).subspan(offset, mask_words);
    std::fill(found.begin(), found.end(), 0);
  }
  if (kind == kWordLists) {
    lists.FindLists(value_, found);
  } else {
    lists.FindExactLists(Text(), found);
  }
  hits.first = found.front();
  hits.index = &lists;
}

uint64_t ListValue::MoreHits(ListKind kind, const ListIndex& lists, size_t list) const {
  return all_hits_[(kind == kWordLists ? 0 : lists.MaskWords()) + list / 64];
}

ListMatcher::ListMatcher(MatchMode mode, std::span<const std::string> entries,
                         std::shared_ptr<ListIndex> lists)
    : affix_(mode == MatchMode::kPrefix || mode == MatchMode::kSuffix), lists_(std::move(lists)), mode_(mode) {
  if (!affix_) {
    kind_ = mode == MatchMode::kWord ? ListValue::kWordLists : ListValue::kExactLists;
    list_ = mode == MatchMode::kWord ? lists_->AddList(entries) : lists_->AddExactList(entries);
    return;
  }
  const bool prefix = mode == MatchMode::kPrefix;
  for (const std::string& entry : entries) {
    std::string key(ListValue(entry).Text());
    if (key.empty()) continue;  // blank: would match every value by prefix or suffix
    const char far = prefix ? key.back() : key.front();
    if (key.size() > kWindow) {
      long_lengths_.push_back(key.size());
    } else if (std::find(far_bytes_.begin(), far_bytes_.end(), far) == far_bytes_.end()) {
      far_bytes_.push_back(far);
    }
    entries_.insert(std::move(key));
  }
  std::sort(long_lengths_.begin(), long_lengths_.end());
  long_lengths_.erase(std::unique(long_lengths_.begin(), long_lengths_.end()), long_lengths_.end());
  window_bits_.assign(kNearBuckets * (far_bytes_.size() + 1), 0);
  for (const std::string& key : entries_) {
    if (key.size() > kWindow) continue;
    const auto near = static_cast<unsigned char>(prefix ? key.front() : key.back());
    const auto far = std::find(far_bytes_.begin(), far_bytes_.end(), prefix ? key.back() : key.front());
    uint32_t* row = &window_bits_[near % kNearBuckets * (far_bytes_.size() + 1)];
    row[0] |= WindowBit(key.size());
    row[1 + static_cast<size_t>(far - far_bytes_.begin())] |= WindowBit(key.size());
  }
}

bool ListMatcher::HasAffix(std::string_view text) const {
  if (text.empty()) return false;  // every entry has a byte
  const bool prefix = mode_ == MatchMode::kPrefix;
  const auto near = static_cast<unsigned char>(prefix ? text.front() : text.back());
  const uint32_t* row = &window_bits_[near % kNearBuckets * (far_bytes_.size() + 1)];
  // Most values: no entry of up to kWindow bytes has their near byte.
  if (row[0] != 0 && HasShortAffix(text, row + 1)) return true;
  for (const size_t length : long_lengths_) {
    if (length > text.size()) break;
    if (entries_.contains(text.substr(prefix ? 0 : text.size() - length, length))) return true;
  }
  return false;
}

bool ListMatcher::HasShortAffix(std::string_view text, const uint32_t* far_bits) const {
  const bool prefix = mode_ == MatchMode::kPrefix;
  const size_t shown = std::min(text.size(), kWindow);
  // A shorter text is copied into a window of zeros, at the end it is matched at.
  char padded[kWindow];
  const char* window = padded;
  if (shown == kWindow) {
    window = prefix ? text.data() : text.data() + text.size() - kWindow;
  } else {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(padded), _mm_setzero_si128());
    _mm_storeu_si128(reinterpret_cast<__m128i*>(padded + 16), _mm_setzero_si128());
    CopyBytes(text.data(), shown, prefix ? padded : padded + kWindow - shown);
  }
  const __m128i low = _mm_loadu_si128(reinterpret_cast<const __m128i*>(window));
  const __m128i high = _mm_loadu_si128(reinterpret_cast<const __m128i*>(window + 16));
  uint32_t candidates = 0;
  for (size_t far = 0; far < far_bytes_.size(); ++far) {
    const __m128i far_byte = _mm_set1_epi8(far_bytes_[far]);
    const auto at_far = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(low, far_byte)) |
                                              _mm_movemask_epi8(_mm_cmpeq_epi8(high, far_byte)) << 16);
    candidates |= far_bits[far] & at_far;
  }
  // The window's bytes that are the text's, not padding.
  const auto inside = static_cast<uint32_t>(prefix ? (uint64_t{1} << shown) - 1 : ~uint64_t{0} << (kWindow - shown));
  for (candidates &= inside; candidates != 0; candidates &= candidates - 1) {
    const auto bit = static_cast<size_t>(std::countr_zero(candidates));
    const size_t length = prefix ? bit + 1 : kWindow - bit;
    if (entries_.contains(text.substr(prefix ? 0 : text.size() - length, length))) return true;
  }
  return false;
}

}  // namespace backlint
