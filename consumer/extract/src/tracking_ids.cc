#include "backlint/extract/tracking_ids.h"

#include <re2/re2.h>

#include <algorithm>
#include <cstring>

namespace backlint {
namespace {

const RE2& IdPattern() {
  // Compiled once, shared by every thread (RE2 objects are thread-safe once built).
  static const RE2 pattern(R"(\b(UA-\d{4,10}-\d{1,4}|G-[A-Z0-9]{6,12}|GTM-[A-Z0-9]{4,9}|ca-pub-\d{10,20})\b)");
  return pattern;
}

bool HasDigit(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

namespace {

bool IsUpperOrDigit(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Whether `count` characters satisfying `is` follow position `at`.
template <typename Is>
bool Followed(std::string_view text, std::size_t at, std::size_t count, Is is) {
  if (text.size() < at + count) return false;
  for (std::size_t i = at; i < at + count; ++i) {
    if (!is(text[i])) return false;
  }
  return true;
}

// Whether an id could start with the '-' at `dash`: the shortest form of some id is there. A necessary
// condition for the pattern (and, for "G-", for an id with a digit) to match at that dash.
bool CandidateAt(std::string_view text, std::size_t dash) {
  const std::string_view before = text.substr(0, dash);
  const std::size_t after = dash + 1;
  if (before.ends_with("UA")) return Followed(text, after, 4, IsDigit);
  if (before.ends_with("GTM")) return Followed(text, after, 4, IsUpperOrDigit);
  if (before.ends_with("ca-pub")) return Followed(text, after, 10, IsDigit);
  if (before.ends_with('G')) {
    if (!Followed(text, after, 6, IsUpperOrDigit)) return false;
    for (std::size_t i = after; i < text.size() && i < after + 12 && IsUpperOrDigit(text[i]); ++i) {
      if (IsDigit(text[i])) return true;
    }
    return false;
  }
  return false;
}

}  // namespace

bool TrackingIds::MayContain(std::string_view text) {
  // Every id has a '-' right after an upper-case 'A', 'G' or 'M', or after "pub", followed by the id's
  // shortest body; a GA4 id also carries a digit.
  for (const char* dash = static_cast<const char*>(std::memchr(text.data(), '-', text.size()));
       dash != nullptr && dash != text.data();
       dash = static_cast<const char*>(std::memchr(dash + 1, '-', text.size() - (dash + 1 - text.data())))) {
    const char before = dash[-1];
    if ((before == 'A' || before == 'G' || before == 'M' || before == 'b') &&
        CandidateAt(text, static_cast<std::size_t>(dash - text.data()))) {
      return true;
    }
  }
  return false;
}

void TrackingIds::Scan(std::string_view text) {
  if (ids_.size() >= kMaxIds || !MayContain(text)) return;
  re2::StringPiece input(text.data(), text.size());
  re2::StringPiece match;
  while (ids_.size() < kMaxIds && RE2::FindAndConsume(&input, IdPattern(), &match)) {
    const std::string_view id(match.data(), match.size());
    // GA4 ids always carry a digit; "G-" before an all-letter word is ordinary text ("G-SPOT", "G-FORCE").
    if (id.starts_with("G-") && !HasDigit(id)) continue;
    if (std::find(ids_.begin(), ids_.end(), id) == ids_.end()) ids_.emplace_back(id);
  }
}

}  // namespace backlint
