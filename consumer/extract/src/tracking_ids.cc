#include "backlint/extract/tracking_ids.h"

#include <re2/re2.h>

#include <algorithm>

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

// The '-' at or after `from` where an id may start (see CandidateAt), or npos. Every id has a '-' right
// after an upper-case 'A', 'G' or 'M', or after "pub", followed by the id's shortest body.
std::size_t NextCandidate(std::string_view text, std::size_t from) {
  for (std::size_t dash = text.find('-', from); dash != std::string_view::npos; dash = text.find('-', dash + 1)) {
    if (dash == 0) continue;
    const char before = text[dash - 1];
    if ((before == 'A' || before == 'G' || before == 'M' || before == 'b') && CandidateAt(text, dash)) return dash;
  }
  return std::string_view::npos;
}

// How far an id reaches around its candidate '-': "ca-pub-" starts six bytes before it, and its twenty
// digits reach twenty bytes after it, the furthest of any id.
constexpr std::size_t kBytesBeforeDash = 6, kBytesAfterDash = 20;

}  // namespace

bool TrackingIds::MayContain(std::string_view text) { return NextCandidate(text, 0) != std::string_view::npos; }

void TrackingIds::Scan(std::string_view text) {
  // The pattern runs only on a window around each candidate, not over whole scripts. RE2 reads the bytes
  // around a window for \b, and every id lies within the window of its own candidate, so the windows find
  // the ids a scan of the whole text finds, in the same order.
  const re2::StringPiece whole(text.data(), text.size());
  std::size_t scanned = 0;  // where the last id ended
  for (std::size_t dash = NextCandidate(text, 0); dash != std::string_view::npos && ids_.size() < kMaxIds;
       dash = NextCandidate(text, std::max(scanned, dash + 1))) {
    const std::size_t begin = std::max(scanned, dash >= kBytesBeforeDash ? dash - kBytesBeforeDash : 0);
    const std::size_t end = std::min(text.size(), dash + kBytesAfterDash + 1);
    re2::StringPiece match;
    if (!IdPattern().Match(whole, begin, end, RE2::UNANCHORED, &match, 1)) continue;
    scanned = static_cast<std::size_t>(match.data() + match.size() - text.data());
    const std::string_view id(match.data(), match.size());
    // GA4 ids always carry a digit; "G-" before an all-letter word is ordinary text ("G-SPOT", "G-FORCE").
    if (id.starts_with("G-") && !HasDigit(id)) continue;
    if (std::find(ids_.begin(), ids_.end(), id) == ids_.end()) ids_.emplace_back(id);
  }
}

}  // namespace backlint
