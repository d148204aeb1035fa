#pragma once
// Byte classes and normalisation shared by list matching, rule operators and relevance. Lower() is ASCII
// only, for hosts (punycode) and hashing; SqueezeInto folds every cased script (case_fold.h).
#include <emmintrin.h>  // SSE2, part of x86-64

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "case_fold.h"

namespace backlint {

// Without a branch: it runs for every byte hashed or normalised.
inline char Lower(char c) {
  const bool upper = static_cast<unsigned char>(c - 'A') < 26;
  return static_cast<char>(c | (upper ? 0x20 : 0));
}
inline bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
// Letters and digits; any non-ASCII byte counts as a letter so UTF-8 words stay whole. A table, since
// word scans test every byte of every snippet.
inline constexpr std::array<bool, 256> kWordBytes = [] {
  std::array<bool, 256> word_bytes{};
  for (int byte = 0; byte < 256; ++byte) {
    word_bytes[byte] = (byte >= '0' && byte <= '9') || (byte >= 'a' && byte <= 'z') ||
                       (byte >= 'A' && byte <= 'Z') || byte >= 0x80;
  }
  return word_bytes;
}();
inline bool IsWordByte(char c) { return kWordBytes[static_cast<unsigned char>(c)]; }

// 0xFF for each of the 16 bytes `bytes` from `low` to `low + count - 1`, 0 for the others. SSE2 compares
// bytes as signed only, so the range is moved to start at -128 and tested with one comparison.
[[gnu::always_inline]] inline __m128i BytesInRange(__m128i bytes, char low, char count) {
  return _mm_cmplt_epi8(_mm_sub_epi8(bytes, _mm_set1_epi8(static_cast<char>(low + 128))),
                        _mm_set1_epi8(static_cast<char>(count - 128)));
}

// The 16 bytes at `at` by class, a bit per byte (the first byte's is bit 0): word bytes as IsWordByte
// accepts them, digits, and bytes outside ASCII. Word scans find words by these bits rather than byte by
// byte, which mispredicts at every word's end.
struct SixteenByteClasses {
  unsigned word, digit, high;
};
[[gnu::always_inline]] inline SixteenByteClasses ClassesOfSixteen(const char* at) {
  const auto bits = [](__m128i mask) { return static_cast<unsigned>(_mm_movemask_epi8(mask)); };
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
  const __m128i digits = BytesInRange(bytes, '0', 10);
  const __m128i letters = BytesInRange(_mm_or_si128(bytes, _mm_set1_epi8(0x20)), 'a', 26);  // no other byte lands in a-z
  // A byte outside ASCII has its own top bit set.
  return {bits(_mm_or_si128(_mm_or_si128(digits, letters), bytes)), bits(digits), bits(bytes)};
}

// Lower-cases the ASCII letters of the 16 bytes at `at` in place; other bytes are kept.
inline void LowerAsciiSixteen(char* at) {
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
  const __m128i upper = BytesInRange(bytes, 'A', 26);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(at), _mm_or_si128(bytes, _mm_and_si128(upper, _mm_set1_epi8(0x20))));
}

// The 8 bytes at `at`, packed as they lie in memory (the first lowest on x86), from an unaligned load.
inline uint64_t LoadEightBytes(const char* at) {
  uint64_t bytes;
  std::memcpy(&bytes, at, sizeof bytes);
  return bytes;
}

// Copies `kSize` bytes in one move (memcpy of a constant size is inlined).
template <size_t kSize>
inline void MoveBytes(const char* from, char* to) {
  std::memcpy(to, from, kSize);
}

// Copies the `size` bytes at `from` to `to` by moves of 16, 8, 4 or 1 bytes, the last overlapping the one
// before, rather than by a call to memcpy: most values are short, and the call costs more than the copy.
inline void CopyBytes(const char* from, size_t size, char* to) {
  if (size >= 16) {
    for (size_t at = 0; at + 16 < size; at += 16) MoveBytes<16>(from + at, to + at);
    MoveBytes<16>(from + size - 16, to + size - 16);
  } else if (size >= 8) {
    MoveBytes<8>(from, to);
    MoveBytes<8>(from + size - 8, to + size - 8);
  } else if (size >= 4) {
    MoveBytes<4>(from, to);
    MoveBytes<4>(from + size - 4, to + size - 4);
  } else {
    for (size_t at = 0; at < size; ++at) to[at] = from[at];
  }
}

// Lower-cases the ASCII letters of 8 packed bytes at once; other bytes, those outside ASCII included, are
// kept (their top bit is masked off before the additions, so nothing carries into the next byte).
inline uint64_t LowerAscii(uint64_t bytes) {
  constexpr uint64_t kHighBits = 0x8080808080808080ull, kOnes = 0x0101010101010101ull;
  const uint64_t low_bits = bytes & ~kHighBits;
  const uint64_t upper =
      (low_bits + (0x80 - 'A') * kOnes) & ~(low_bits + (0x80 - 'Z' - 1) * kOnes) & ~bytes & kHighBits;
  return bytes | upper >> 2;  // 0x80 >> 2 is the case bit
}

// Lower-cases `text` (every cased script), turns every run of separator bytes into one space and trims the ends, into `out`.
template <typename IsSeparator>
void SqueezeInto(std::string_view text, IsSeparator is_separator, std::string& out) {
  // Bytes are written straight into the buffer (appending them one by one costs a call per byte). Lower-
  // casing ASCII and squeezing never lengthen the text, so its size is room enough until a folded code
  // point comes out longer than it went in (Ⱥ -> ⱥ); then the buffer grows.
  out.resize(text.size());
  size_t written = 0;
  std::string code_point;  // one folded code point: within the small-string buffer, never allocated
  bool pending_space = false;
  for (size_t at = 0; at < text.size();) {
    const char c = text[at];
    if (is_separator(c)) {
      pending_space = written != 0;
      ++at;
      continue;
    }
    if (pending_space) out[written++] = ' ';
    pending_space = false;
    if (static_cast<unsigned char>(c) < 0x80) {
      out[written++] = Lower(c);
      ++at;
      continue;
    }
    code_point.clear();
    at += AppendFoldedCodePoint(text, at, code_point);
    const size_t needed = written + code_point.size() + (text.size() - at);
    if (needed > out.size()) out.resize(std::max(needed, 2 * out.size()));
    std::copy(code_point.begin(), code_point.end(), out.begin() + static_cast<std::ptrdiff_t>(written));
    written += code_point.size();
  }
  out.resize(written);
}

// SqueezeInto with whitespace runs as the separators (list values, anchors compared for repeats). The
// separator test is a lambda, not IsSpace's address, so that it is inlined into the per-byte loop.
inline void NormaliseInto(std::string_view text, std::string& out) {
  SqueezeInto(text, [](char c) { return IsSpace(c); }, out);
}

// Calls `visit(word)` for each run of word bytes in `text`, in order; the word is not lower-cased.
template <typename Visit>
void ForEachWord(std::string_view text, Visit visit) {
  for (size_t i = 0; i < text.size();) {
    if (!IsWordByte(text[i])) {
      ++i;
      continue;
    }
    const size_t start = i;
    while (i < text.size() && IsWordByte(text[i])) ++i;
    visit(text.substr(start, i - start));
  }
}

// Calls `visit(word)` for each run of word bytes in `text`, in order, as ForEachWord does; `text` is readable
// for 16 bytes past its end. Words start and end where the word-byte bits of 16 bytes at a time change,
// found with no branch per byte (a byte loop mispredicts at the end of every word).
template <typename Visit>
void ForEachPaddedWord(std::string_view text, Visit visit) {
  size_t start = 0;
  bool in_word = false;
  for (size_t at = 0; at < text.size(); at += 16) {
    unsigned word_bytes = ClassesOfSixteen(text.data() + at).word;
    if (const size_t rest = text.size() - at; rest < 16) word_bytes &= (1u << rest) - 1;
    // Bit i: the byte at + i is the first of a word or the first after one.
    unsigned edges = (word_bytes ^ (word_bytes << 1 | (in_word ? 1u : 0u))) & 0xffff;
    for (; edges != 0; edges &= edges - 1) {
      const size_t edge = at + std::countr_zero(edges);
      if (in_word) visit(text.substr(start, edge - start));
      start = edge;
      in_word = !in_word;
    }
  }
  if (in_word) visit(text.substr(start));
}

}  // namespace backlint
