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

bool TrackingIds::MayContain(std::string_view text) {
  // Every id has a '-' right after an upper-case 'A', 'G' or 'M', or after "pub".
  for (const char* dash = static_cast<const char*>(std::memchr(text.data(), '-', text.size()));
       dash != nullptr && dash != text.data();
       dash = static_cast<const char*>(std::memchr(dash + 1, '-', text.size() - (dash + 1 - text.data())))) {
    const char before = dash[-1];
    if (before == 'A' || before == 'G' || before == 'M' || before == 'b') return true;
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
