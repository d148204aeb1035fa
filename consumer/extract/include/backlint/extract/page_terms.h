#pragma once
// A page's main terms: the most frequent words of its title, headings and body, stop-words removed.
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
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
  std::unordered_map<std::string, int> weights_;
  std::size_t budget_bytes_ = 512 * 1024;
};

}  // namespace backlint
