#include "backlint/score/regex_group.h"

#include <re2/filtered_re2.h>

#include <algorithm>
#include <string>

namespace backlint {
namespace {

// Candidates for a byte every pattern needs, tried for removal in this order: the commonest bytes of text
// and URLs first, so what remains is a set of bytes that values rarely carry.
constexpr std::string_view kCommonBytesFirst = " \t\n\r\f\v.,-/:;_'\"()!0123456789";

bool IsAsciiLetter(unsigned char byte) { return (byte | 0x20) >= 'a' && (byte | 0x20) <= 'z'; }

}  // namespace

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

void RegexGroup::Compile() {
  set_usable_ = set_usable_ && set_.Compile();
  FindRequiredBytes();
}

// RE2's prefilter (FilteredRE2) reduces each pattern to an and/or tree of lower-cased literal atoms: a
// pattern can be found in a text only if its tree holds for the atoms the lower-cased text contains. A
// value without any byte of B (ASCII, not letters, so lower-casing neither adds nor removes them) contains
// only atoms without those bytes; if no pattern's tree holds even with every such atom present, no
// pattern can be found in the value. Starting from every such byte, bytes are dropped from B while that
// stays true.
void RegexGroup::FindRequiredBytes() {
  re2::FilteredRE2 prefilter(/*min_atom_len=*/1);
  for (const std::unique_ptr<RE2>& pattern : patterns_) {
    int id = 0;
    if (prefilter.Add(pattern->pattern(), PatternOptions(), &id) != RE2::NoError) return;
  }
  std::vector<std::string> atoms;
  prefilter.Compile(&atoms);
  const auto rules_out = [&](const std::array<bool, 256>& bytes) {
    std::vector<int> present, passing;
    for (size_t i = 0; i < atoms.size(); ++i) {
      if (std::none_of(atoms[i].begin(), atoms[i].end(), [&](char c) { return bytes[static_cast<unsigned char>(c)]; })) {
        present.push_back(static_cast<int>(i));
      }
    }
    prefilter.AllPotentials(present, &passing);
    return passing.empty();
  };
  std::array<bool, 256> bytes{};
  for (int byte = 1; byte < 0x80; ++byte) bytes[byte] = !IsAsciiLetter(static_cast<unsigned char>(byte));
  if (!rules_out(bytes)) return;
  const auto drop_if_possible = [&](unsigned char byte) {
    if (!bytes[byte]) return;
    bytes[byte] = false;
    if (!rules_out(bytes)) bytes[byte] = true;
  };
  for (char byte : kCommonBytesFirst) drop_if_possible(static_cast<unsigned char>(byte));
  for (int byte = 1; byte < 0x80; ++byte) drop_if_possible(static_cast<unsigned char>(byte));
  required_bytes_ = bytes;
  needs_a_byte_ = true;
}

bool RegexGroup::RulesOut(std::string_view value) const {
  return needs_a_byte_ && std::none_of(value.begin(), value.end(), [&](char c) {
           return required_bytes_[static_cast<unsigned char>(c)];
         });
}

void RegexGroup::Match(std::string_view value, std::vector<int>& matched) const {
  matched.clear();
  if (RulesOut(value)) return;
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
