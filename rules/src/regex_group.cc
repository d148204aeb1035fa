#include "backlint/score/regex_group.h"

#include <algorithm>

namespace backlint {

RE2::Options RegexGroup::PatternOptions() {
  RE2::Options options;
  options.set_case_sensitive(false);
  options.set_log_errors(false);
  return options;
}

RegexGroup::RegexGroup() : set_(PatternOptions(), RE2::UNANCHORED) {}

size_t RegexGroup::Add(const std::string& pattern) {
  patterns_.push_back(std::make_unique<RE2>(pattern, PatternOptions()));
  if (set_.Add(pattern, nullptr) < 0) set_usable_ = false;
  return patterns_.size() - 1;
}

void RegexGroup::Compile() { set_usable_ = set_usable_ && set_.Compile(); }

void RegexGroup::Match(std::string_view value, std::vector<int>& matched) const {
  matched.clear();
  RE2::Set::ErrorInfo error{RE2::Set::kNoError};
  // Most values match no pattern: a first pass that only answers whether any does is cheaper (it
  // allocates nothing), and only a hit needs the second pass that lists them.
  if (set_usable_ && !set_.Match(value, nullptr, &error) && error.kind == RE2::Set::kNoError) return;
  if (set_usable_ && (set_.Match(value, &matched, &error) || error.kind == RE2::Set::kNoError)) {
    std::sort(matched.begin(), matched.end());
    return;
  }
  matched.clear();
  for (size_t i = 0; i < patterns_.size(); ++i) {
    if (RE2::PartialMatch(value, *patterns_[i])) matched.push_back(static_cast<int>(i));
  }
}

}  // namespace backlint
