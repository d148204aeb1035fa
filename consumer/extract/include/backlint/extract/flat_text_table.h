#pragma once
// A table from texts to values for extraction's lookups (a page's words, its hrefs, the stop-words): keys
// hashed with XXH3 and copied into one buffer, found by linear probing in a power-of-two array of slots
// kept at most half full, entries in the order they entered. Nothing is allocated per key; all keys
// together must stay under 4 GiB.
// XXH3 is compiled into the callers (see HashOf), not called in libxxhash.
#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL
#endif
#include <xxhash.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace backlint {

template <typename Value>
class FlatTextTable {
 public:
  // The value under `key`. When there is none, `make()` decides: a value enters `key` with it, and
  // std::nullopt leaves the table as it is and gives null. Valid until the next key enters.
  // Inlined: the probe is its callers' inner loop.
  template <typename Make>
  [[gnu::always_inline]] Value* FindOrInsert(std::string_view key, Make&& make) {
    if ((entries_.size() + 1) * 2 > slots_.size()) Rehash(std::max(kMinSlots, slots_.size() * 2));
    const uint64_t hash = HashOf(key);
    uint32_t& slot = slots_[SlotOf(key, hash)];
    if (slot != 0) return &entries_[slot - 1].value;
    std::optional<Value> value = make();
    if (!value) return nullptr;
    entries_.push_back({hash, static_cast<uint32_t>(keys_.size()), static_cast<uint32_t>(key.size()), std::move(*value)});
    keys_.append(key);
    slot = static_cast<uint32_t>(entries_.size());
    return &entries_.back().value;
  }

  // Room for `keys` keys before the table grows.
  void Reserve(std::size_t keys) {
    std::size_t slots = kMinSlots;
    while (slots < keys * 2) slots *= 2;
    if (slots > slots_.size()) Rehash(slots);
    entries_.reserve(keys);
  }

  std::size_t size() const { return entries_.size(); }
  // How many keys fit before the table grows.
  std::size_t capacity() const { return slots_.size() / 2; }

  // Calls visit(key, value) for every key, in the order they entered.
  template <typename Visit>
  void ForEach(Visit&& visit) const {
    for (const Entry& entry : entries_) visit(KeyOf(entry), entry.value);
  }

 private:
  struct Entry {
    uint64_t hash;
    uint32_t offset, length;  // the key, in keys_
    Value value;
  };
  static constexpr std::size_t kMinSlots = 16;

  // XXH3, compiled whole into each probe (the library's XXH3_64bits, flattened and inlined): most keys are
  // words of a few bytes, which it hashes in about twenty instructions, fewer than a call would cost.
  [[gnu::always_inline, gnu::flatten]] static uint64_t HashOf(std::string_view key) {
    return XXH3_64bits(key.data(), key.size());
  }

  std::string_view KeyOf(const Entry& entry) const { return std::string_view(keys_.data() + entry.offset, entry.length); }

  // Whether `stored` and `key` are the same bytes, inline for keys of up to sixteen bytes (two loads a side,
  // which overlap for shorter keys) rather than with a call to memcmp.
  static bool Same(std::string_view stored, std::string_view key) {
    const std::size_t size = key.size();
    if (stored.size() != size) return false;
    if (size > 16) return std::memcmp(stored.data(), key.data(), size) == 0;
    if (size >= 8) return Load<uint64_t>(stored, 0) == Load<uint64_t>(key, 0) &&
                          Load<uint64_t>(stored, size - 8) == Load<uint64_t>(key, size - 8);
    if (size >= 4) return Load<uint32_t>(stored, 0) == Load<uint32_t>(key, 0) &&
                          Load<uint32_t>(stored, size - 4) == Load<uint32_t>(key, size - 4);
    // The first, middle and last bytes are all the bytes of a key of up to three.
    return size == 0 || (stored[0] == key[0] && stored[size / 2] == key[size / 2] && stored[size - 1] == key[size - 1]);
  }
  template <typename Word>
  static Word Load(std::string_view text, std::size_t at) {
    Word word;
    std::memcpy(&word, text.data() + at, sizeof word);
    return word;
  }

  // The slot holding `key` or, when it is absent, the empty slot where it would go.
  [[gnu::always_inline]] std::size_t SlotOf(std::string_view key, uint64_t hash) const {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = hash & mask;
    for (; slots_[i] != 0; i = (i + 1) & mask) {
      const Entry& entry = entries_[slots_[i] - 1];
      if (entry.hash == hash && Same(KeyOf(entry), key)) break;
    }
    return i;
  }

  void Rehash(std::size_t slots) {
    slots_.assign(slots, 0);
    const std::size_t mask = slots - 1;
    for (std::size_t entry = 0; entry < entries_.size(); ++entry) {
      std::size_t i = entries_[entry].hash & mask;
      while (slots_[i] != 0) i = (i + 1) & mask;
      slots_[i] = static_cast<uint32_t>(entry + 1);
    }
  }

  // 1 + an entry's index, 0 for an empty slot: small slots make a table cheap to copy and regrow.
  // A power of two of them, at most half full.
  std::vector<uint32_t> slots_;
  std::vector<Entry> entries_;
  std::string keys_;  // every key's bytes, back to back
};

}  // namespace backlint
