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

// The most bytes FoldCase writes for `size` bytes of text: folding at most doubles a code point's length
// (a two-byte letter can fold to three bytes, Ⱥ → ⱥ).
constexpr size_t FoldedSizeBound(size_t size) { return 2 * size; }

// `text`, lower-cased as above, written to `out`, which has room for FoldedSizeBound(text.size()) bytes;
// returns the number of bytes written. Writes bytes straight into the buffer, without a bounds check per
// code point.
size_t FoldCase(std::string_view text, char* out);

// The first bytes FoldCase writes for `text`: code points are folded from its start until at least
// `enough` bytes are written or the text ends, so at most enough + 3 bytes, at `out`; returns the number
// written.
size_t FoldCasePrefix(std::string_view text, size_t enough, char* out);

inline bool HasNonAscii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

}  // namespace backlint
