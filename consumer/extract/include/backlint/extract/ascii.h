#pragma once
// ASCII-only text helpers: HTML's whitespace, tag and attribute conventions are ASCII, and non-ASCII
// bytes are left alone so UTF-8 passes through intact.
#include <emmintrin.h>  // SSE2, part of x86-64

#include <algorithm>
#include <bit>
#include <cstddef>
#include <string>
#include <string_view>

namespace backlint::ascii {

inline bool IsWhitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }
inline bool IsAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
inline char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

inline std::string Lower(std::string_view text) {
  std::string lowered(text);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](char c) { return Lower(c); });
  return lowered;
}

inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return Lower(x) == Lower(y); });
}

inline bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

inline bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  if (haystack.size() < needle.size()) return false;
  // Candidates are found by the needle's first character alone, sixteen bytes at a time: a letter matches
  // whatever its case once bit 0x20 is set.
  const char first = Lower(needle.front());
  const char case_bit = IsAlpha(first) ? 0x20 : 0;
  const std::string_view rest = needle.substr(1);
  const auto matches_at = [&](std::size_t i) { return EqualsIgnoreCase(haystack.substr(i + 1, rest.size()), rest); };
  const std::size_t candidates = haystack.size() - needle.size() + 1;
  std::size_t i = 0;
  const __m128i fold = _mm_set1_epi8(case_bit), target = _mm_set1_epi8(first);
  // A bit per candidate among the sixteen bytes at `at`.
  const auto candidates_at = [&](std::size_t at) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(haystack.data() + at));
    return static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_or_si128(bytes, fold), target)));
  };
  for (; i + 16 <= candidates; i += 16) {
    for (unsigned mask = candidates_at(i); mask != 0; mask &= mask - 1) {
      if (matches_at(i + static_cast<std::size_t>(std::countr_zero(mask)))) return true;
    }
  }
  if (i < candidates && haystack.size() >= 16) {
    // The candidates left all lie in one window of sixteen bytes, which ends by the haystack's end: those
    // before `i` were looked at already, those from `candidates` on leave no room for the needle.
    const std::size_t window = std::min(i, haystack.size() - 16);
    unsigned mask = candidates_at(window) & ~((1U << (i - window)) - 1) & ((1U << (candidates - window)) - 1);
    for (; mask != 0; mask &= mask - 1) {
      if (matches_at(window + static_cast<std::size_t>(std::countr_zero(mask)))) return true;
    }
    return false;
  }
  for (; i < candidates; ++i) {
    if (static_cast<char>(haystack[i] | case_bit) == first && matches_at(i)) return true;
  }
  return false;
}

inline std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsWhitespace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsWhitespace(text.back())) text.remove_suffix(1);
  return text;
}

// Calls `consume` with each maximal run of characters not matching `is_separator`, in order.
template <typename IsSeparator, typename Consume>
void ForEachToken(std::string_view text, IsSeparator is_separator, Consume consume) {
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_separator(text[i])) ++i;
    std::size_t end = i;
    while (end < text.size() && !is_separator(text[end])) ++end;
    if (end > i) consume(text.substr(i, end - i));
    i = end;
  }
}

// Whitespace-separated tokens (rel, role, robots directives).
template <typename Consume>
void ForEachToken(std::string_view text, Consume consume) {
  ForEachToken(text, [](char c) { return IsWhitespace(c); }, consume);
}

}  // namespace backlint::ascii
