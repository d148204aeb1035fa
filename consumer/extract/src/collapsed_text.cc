#include "backlint/extract/collapsed_text.h"

#include <emmintrin.h>  // SSE2, part of x86-64

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

#include "backlint/extract/ascii.h"

namespace backlint {
namespace {

bool IsUtf8Continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// ASCII whitespace, as a table: indentation between tags makes many short runs of it.
constexpr std::array<bool, 256> kIsAsciiSpace = [] {
  std::array<bool, 256> table{};
  for (char c : {' ', '\t', '\n', '\f', '\r'}) table[static_cast<unsigned char>(c)] = true;
  return table;
}();

// Bytes that may start whitespace: ASCII whitespace, and 0xC2, the first byte of U+00A0.
constexpr std::array<bool, 256> kMayStartSpace = [] {
  std::array<bool, 256> table = kIsAsciiSpace;
  table[0xC2] = true;
  return table;
}();

// Whether text[i] starts whitespace: ASCII whitespace, or U+00A0 (0xC2 0xA0).
bool IsSpaceAt(const char* text, std::size_t i, std::size_t size) {
  return kMayStartSpace[static_cast<unsigned char>(text[i])] &&
         (text[i] != '\xC2' || (i + 1 < size && text[i + 1] == '\xA0'));
}

// Whether the text from `i` on is copied verbatim up to `i` (exclusive): true for any byte but whitespace,
// and for a single ' ' between two non-whitespace characters, which collapsing keeps as it is.
bool EndsVerbatim(const char* text, std::size_t i, std::size_t size) {
  if (!IsSpaceAt(text, i, size)) return false;
  return text[i] != ' ' || i + 1 == size || IsSpaceAt(text, i + 1, size);
}

// The first i >= `from` where verbatim text ends (see EndsVerbatim), or `size`. Sixteen bytes at a time:
// only control bytes, 0xC2, and a space before a byte up to ' ' or 0xC2 can end it, so words and the
// single spaces between them are skipped without looking at each byte.
std::size_t VerbatimEnd(const char* text, std::size_t from, std::size_t size) {
  std::size_t i = from;
  const __m128i control_max = _mm_set1_epi8(0x1F), space = _mm_set1_epi8(' '), nbsp_lead = _mm_set1_epi8('\xC2');
  while (i + 17 <= size) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text + i));
    const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text + i + 1));
    const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(bytes, control_max), bytes);
    const __m128i next_may_be_space =
        _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(next, space), next), _mm_cmpeq_epi8(next, nbsp_lead));
    const __m128i double_space = _mm_and_si128(_mm_cmpeq_epi8(bytes, space), next_may_be_space);
    const __m128i candidates =
        _mm_or_si128(_mm_or_si128(control, _mm_cmpeq_epi8(bytes, nbsp_lead)), double_space);
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(candidates));
    for (; mask != 0; mask &= mask - 1) {
      const std::size_t candidate = i + static_cast<std::size_t>(std::countr_zero(mask));
      if (EndsVerbatim(text, candidate, size)) return candidate;
    }
    i += 16;
  }
  while (i < size && (!kMayStartSpace[static_cast<unsigned char>(text[i])] || !EndsVerbatim(text, i, size))) ++i;
  return i;
}

// A bit per byte of the sixteen at `bytes`, set for ASCII whitespace.
unsigned AsciiSpaceBits(const char* bytes) {
  const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes));
  const __m128i space = _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(chunk, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(chunk, _mm_set1_epi8('\n'))),
      _mm_or_si128(_mm_cmpeq_epi8(chunk, _mm_set1_epi8('\t')),
                   _mm_or_si128(_mm_cmpeq_epi8(chunk, _mm_set1_epi8('\r')), _mm_cmpeq_epi8(chunk, _mm_set1_epi8('\f')))));
  return static_cast<unsigned>(_mm_movemask_epi8(space));
}

// The first i >= `from` that does not start whitespace, or `size`. Sixteen bytes at a time: markup
// indentation makes long runs of whitespace. The last bytes of a text of sixteen or more are read as the
// text's last sixteen, so only shorter texts go byte by byte.
std::size_t SpaceEnd(const char* text, std::size_t from, std::size_t size) {
  std::size_t i = from;
  for (;;) {
    while (i + 16 <= size) {
      const unsigned others = ~AsciiSpaceBits(text + i) & 0xFFFF;
      if (others != 0) {
        i += static_cast<std::size_t>(std::countr_zero(others));
        break;
      }
      i += 16;
    }
    if (i + 16 > size && i < size && size >= 16) {
      // The bits of the last sixteen bytes from i on: those before i are read as whitespace.
      const std::size_t last = size - 16;
      const unsigned others = ~(AsciiSpaceBits(text + last) | ((1U << (i - last)) - 1)) & 0xFFFF;
      i = others != 0 ? last + static_cast<std::size_t>(std::countr_zero(others)) : size;
    }
    while (i < size && kIsAsciiSpace[static_cast<unsigned char>(text[i])]) ++i;
    // A no-break space continues the run.
    if (i < size && IsSpaceAt(text, i, size)) {
      i += 2;
      continue;
    }
    return i;
  }
}

}  // namespace

void CollapsedText::Append(std::string_view text) {
  const char* const data = text.data();
  const std::size_t size = text.size();
  std::size_t i = 0;
  while (i < size) {
    if (IsSpaceAt(data, i, size)) {
      pending_space_ = true;
      i = SpaceEnd(data, i, size);
      continue;
    }
    // A stretch that collapsing leaves as it is goes in at once.
    const std::size_t end = VerbatimEnd(data, i, size);
    if (pending_space_ && !text_.empty()) text_.push_back(' ');
    pending_space_ = false;
    text_.append(data + i, end - i);
    i = end;
  }
}

std::string CollapsedText::Slice(std::size_t begin, std::size_t end) const {
  return std::string(ascii::Trim(std::string_view(text_).substr(begin, end - begin)));
}

std::string Collapse(std::string_view text) {
  CollapsedText collapsed;
  collapsed.Append(text);
  return collapsed.str();
}

std::string Excerpt(const CollapsedText& text, std::size_t block_begin, std::size_t block_end,
                    std::size_t focus_begin, std::size_t focus_end, std::size_t max_bytes) {
  if (block_end - block_begin <= max_bytes) return text.Slice(block_begin, block_end);
  const std::size_t centre = focus_begin + (focus_end - focus_begin) / 2;
  std::size_t begin = centre > block_begin + max_bytes / 2 ? centre - max_bytes / 2 : block_begin;
  begin = std::min(begin, block_end - max_bytes);
  std::size_t end = begin + max_bytes;
  const std::string& all = text.str();
  while (begin < end && IsUtf8Continuation(all[begin])) ++begin;
  while (end > begin && end < all.size() && IsUtf8Continuation(all[end])) --end;
  return text.Slice(begin, end);
}

namespace {

// Characters, and spaces too when `kSpaces`, in one pass over `text`.
template <bool kSpaces>
Utf8Counts Count(std::string_view text) {
  // Sixteen bytes at a time: a continuation byte is 10xxxxxx. Each byte lane counts in a vector for up to
  // 255 blocks, whose lanes are then summed (psadbw) before any can overflow.
  const __m128i zero = _mm_setzero_si128(), top_bits = _mm_set1_epi8(static_cast<char>(0xC0)),
                continuation = _mm_set1_epi8(static_cast<char>(0x80)), space = _mm_set1_epi8(' ');
  const auto sum_lanes = [&](__m128i lanes) {
    const __m128i sums = _mm_sad_epu8(lanes, zero);
    return static_cast<std::size_t>(_mm_cvtsi128_si64(sums) + _mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums)));
  };
  std::size_t continuations = 0, spaces = 0, i = 0;
  while (i + 16 <= text.size()) {
    __m128i continuation_lanes = zero, space_lanes = zero;
    for (int block = 0; block < 255 && i + 16 <= text.size(); ++block, i += 16) {
      const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
      // A match is 0xFF, minus one: subtracting it adds one.
      continuation_lanes =
          _mm_sub_epi8(continuation_lanes, _mm_cmpeq_epi8(_mm_and_si128(bytes, top_bits), continuation));
      if constexpr (kSpaces) space_lanes = _mm_sub_epi8(space_lanes, _mm_cmpeq_epi8(bytes, space));
    }
    continuations += sum_lanes(continuation_lanes);
    if constexpr (kSpaces) spaces += sum_lanes(space_lanes);
  }
  for (; i < text.size(); ++i) {
    continuations += IsUtf8Continuation(text[i]) ? 1 : 0;
    if constexpr (kSpaces) spaces += text[i] == ' ' ? 1 : 0;
  }
  return {.characters = text.size() - continuations, .spaces = spaces};
}

}  // namespace

Utf8Counts CountCharactersAndSpaces(std::string_view text) { return Count<true>(text); }

// Most calls are for a link's text or the text between two links: counting spaces too would cost them more.
std::size_t Utf8Length(std::string_view text) { return Count<false>(text).characters; }

bool TruncateUtf8(std::string& text, std::size_t max_chars) {
  if (text.size() <= max_chars) return false;  // every character takes a byte at least
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (IsUtf8Continuation(text[i])) continue;
    if (chars == max_chars) {
      text.resize(i);
      return true;
    }
    ++chars;
  }
  return false;
}

}  // namespace backlint
