#pragma once
// The `matches` patterns a rule set applies to one field, run together: one pass of RE2's automaton over a
// value tells which of them occur in it, instead of one search per pattern. (The rule set keeps
// whole-value shapes, ^...$, out of the group: see CompileMatches in rule_set.cc.) Like RE2::PartialMatch, a
// pattern matches when it is found anywhere in the value unless anchored with ^ or $; case is ignored.
// Before the automaton runs, a value may be ruled out by its bytes alone: see RulesOut.
#include <re2/re2.h>
#include <re2/set.h>

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace backlint {

class RegexGroup {
 public:
  // How every `matches` pattern is compiled, alone or in a group.
  static RE2::Options PatternOptions();

  RegexGroup();

  // Adds a pattern that compiles with PatternOptions() and returns its index.
  size_t Add(const std::string& pattern);
  // After the last Add, before the first Match.
  void Compile();

  // The indices of the patterns found in `value`, ascending.
  void Match(std::string_view value, std::vector<int>& matched) const;

  // Whether `value` lacks every byte of a set that each pattern needs one of (URL parameter patterns all
  // need a '?' or '&'), so that no pattern can be found in it. Decided from the patterns at Compile; false
  // when the patterns need no such byte.
  bool RulesOut(std::string_view value) const;

 private:
  void FindRequiredBytes();

  RE2::Set set_;
  bool set_usable_ = true;                      // false when the set could not be built: search one by one
  std::vector<std::unique_ptr<RE2>> patterns_;  // for values the set's automaton runs out of memory on
  bool needs_a_byte_ = false;                   // each pattern needs one of required_bytes_
  std::array<bool, 256> required_bytes_{};
};

}  // namespace backlint
