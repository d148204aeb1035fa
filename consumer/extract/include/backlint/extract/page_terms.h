#pragma once
// A page's main terms: the most frequent words of its title, headings and body, stop-words removed.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace backlint {

class PageTerms {
 public:
  // Words are runs of ASCII letters and digits and non-ASCII bytes, lower-cased (ASCII only). Words under
  // three bytes, numbers and English stop-words are skipped. Work is bounded: text past a total budget of
  // bytes and new words past a vocabulary bound are ignored.
  void Add(std::string_view text, int weight);

  // Up to `count` terms, highest weighted frequency first, ties alphabetically.
  std::vector<std::string> Top(std::size_t count) const;

 private:
  // Each distinct word once, in order of first sight; stop-words and numbers too (ignored), so each
  // distinct word is checked against the stop-word list once.
  struct Entry {
    uint64_t hash = 0;
    uint64_t head = 0;                // the word's first eight bytes, packed, zero past its end
    uint32_t offset = 0, length = 0;  // the word, in keys_
    int weight = 0;
    bool ignored = false;             // a stop-word or a number
  };
  // Counts lowered_[begin, end) if it is a term: the per-word loop, with a probe of the table.
  void AddWordAt(std::size_t begin, std::size_t end, int weight);
  // Enters a word not in the table at its empty `slot`.
  void AddNewWord(std::size_t slot, std::string_view lowered, uint64_t head, uint64_t hash, int weight);
  void Grow();
  std::string_view KeyOf(const Entry& entry) const;

  std::vector<Entry> entries_;
  // Open-addressing table over entries_: 1 + an entry's index, 0 for an empty slot. Small slots make
  // regrowth cheap, and ranking reads entries_ alone.
  std::vector<uint32_t> slots_;
  std::string keys_;     // every word's bytes, back to back
  std::string lowered_;  // the text being added, ASCII letters lower-cased, and spare bytes
  std::size_t count_ = 0;    // terms: entries not ignored
  std::size_t numbers_ = 0;  // entries that are numbers, bounded like the terms
  std::size_t budget_bytes_ = 512 * 1024;
};

}  // namespace backlint
