#pragma once
// A page's main terms: the most frequent words of its title, headings and body, stop-words removed.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "backlint/extract/flat_text_table.h"

namespace backlint {

class PageTerms {
 public:
  PageTerms();

  // Words are runs of ASCII letters and digits and non-ASCII bytes, lower-cased (ASCII only). Words under
  // three bytes, numbers and English stop-words are skipped. Work is bounded: text past a total budget of
  // bytes and new words past a vocabulary bound are ignored.
  void Add(std::string_view text, int weight);
  // Sizes the vocabulary for about `text_bytes` of text to add, so that it seldom grows on the way.
  void Expect(std::size_t text_bytes);

  // Up to `count` terms, highest weighted frequency first, ties alphabetically.
  std::vector<std::string> Top(std::size_t count) const;

 private:
  // Each distinct word once, stop-words and numbers too (ignored), so that a word is judged once.
  struct Term {
    int weight = 0;
    bool ignored = false;  // a stop-word or a number
  };
  static const FlatTextTable<Term>& StopWords();
  // Counts `word`, of at least three bytes in lowered_, if it is a term.
  void AddWord(std::string_view word, int weight);

  // Starts with the stop-words in it, ignored: a stop-word is then found like any word seen before.
  FlatTextTable<Term> vocabulary_;
  std::unique_ptr<char[]> lowered_;  // the text being added, ASCII letters lower-cased, and spare bytes
  std::size_t lowered_bytes_ = 0;
  std::size_t count_ = 0;    // terms: entries not ignored
  std::size_t numbers_ = 0;  // entries that are numbers, bounded like the terms
  std::size_t budget_bytes_ = 512 * 1024;
};

}  // namespace backlint
