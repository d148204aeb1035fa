#pragma once
// Unicode-aware lower-casing for list matching. ASCII is lower-cased byte by byte (text_bytes.h); a
// non-ASCII code point is mapped through the UTS #46 table lexbor carries for IDNA, when that table maps it
// to exactly one other code point: the upper-case letters of every cased script (Á → á, Ж → ж, Σ → σ) and
// full-width Latin (Ａ → a). Anything else, invalid UTF-8 included, is kept as it is.
#include <string>
#include <string_view>

namespace backlint {

// Appends the code point that starts at `text[at]` (a byte >= 0x80), folded, to `out`; returns the number
// of bytes it took from `text` (1 for a byte that does not start valid UTF-8).
size_t AppendFoldedCodePoint(std::string_view text, size_t at, std::string& out);

// `text`, lower-cased as above, into `out` (replacing its contents).
void FoldCaseInto(std::string_view text, std::string& out);

inline bool HasNonAscii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

}  // namespace backlint
