#pragma once
// ASCII-only text helpers: HTML's whitespace, tag and attribute conventions are ASCII, and non-ASCII
// bytes are left alone so UTF-8 passes through intact.
#include <algorithm>
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

inline bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                     [](char x, char y) { return Lower(x) == Lower(y); }) != haystack.end();
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
