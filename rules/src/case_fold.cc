#include "case_fold.h"

#include <lexbor/encoding/encoding.h>
#include <lexbor/unicode/unicode.h>

#include <algorithm>
#include <atomic>
#include <limits>
#include <utility>

#include "text_bytes.h"

namespace backlint {
namespace {

// The code point's single-code-point UTS #46 mapping, or the code point itself.
lxb_codepoint_t Folded(lxb_codepoint_t code_point) {
  if (lxb_unicode_idna_type(code_point) != LXB_UNICODE_IDNA_MAPPED) return code_point;
  size_t length = 0;
  const lxb_codepoint_t* mapped = lxb_unicode_idna_map(lxb_unicode_idna_entry_by_cp(code_point), &length);
  return mapped != nullptr && length == 1 ? mapped[0] : code_point;
}

// Folded() for code points of the Basic Multilingual Plane, remembered as they are first met: the table
// lookups behind it cost far more than reading a slot. 0 marks a slot not yet filled (no code point folds
// to U+0000); threads evaluating at once may fill a slot twice, with the same value.
lxb_codepoint_t FoldedInPlane(lxb_codepoint_t code_point) {
  static std::atomic<char32_t> folded[0x10000];
  char32_t known = folded[code_point].load(std::memory_order_relaxed);
  if (known == 0) {
    known = static_cast<char32_t>(Folded(code_point));
    folded[code_point].store(known, std::memory_order_relaxed);
  }
  return known;
}

// Writes `code_point` in UTF-8 at `out` with lexbor's encoder (only its own length, at most 4 bytes, which
// the caller has room for); returns that length. Out of line: only code points that fold to another one are
// written this way.
[[gnu::noinline]] size_t EncodeUtf8(lxb_codepoint_t code_point, char* out) {
  auto* const begin = reinterpret_cast<lxb_char_t*>(out);
  lxb_char_t* cursor = begin;
  lxb_encoding_encode_t encoder;
  lxb_encoding_encode_init_single(&encoder, lxb_encoding_data(LXB_ENCODING_UTF_8));
  lxb_encoding_encode_utf_8_single(&encoder, &cursor, begin + 4, code_point);
  return static_cast<size_t>(cursor - begin);
}

// The code point of a well-formed two- or three-byte UTF-8 sequence at `text[at]` (what lexbor's decoder
// accepts: no overlong forms, no surrogates), with its length; length 0 for anything else.
[[gnu::always_inline]] inline std::pair<lxb_codepoint_t, size_t> DecodeInPlane(std::string_view text, size_t at) {
  const size_t left = text.size() - at;
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[at + i]); };
  const auto continuation = [&](size_t i) { return (byte(i) & 0xC0) == 0x80; };
  if (byte(0) >= 0xC2 && byte(0) < 0xE0 && left >= 2 && continuation(1)) {
    return {(byte(0) & 0x1Fu) << 6 | (byte(1) & 0x3Fu), 2};
  }
  if (byte(0) >= 0xE0 && byte(0) < 0xF0 && left >= 3 && continuation(1) && continuation(2)) {
    const lxb_codepoint_t code_point = (byte(0) & 0x0Fu) << 12 | (byte(1) & 0x3Fu) << 6 | (byte(2) & 0x3Fu);
    if (code_point >= 0x800 && (code_point < 0xD800 || code_point > 0xDFFF)) return {code_point, 3};
  }
  return {0, 0};
}

// FoldCodePoint for what DecodeInPlane does not decode: four-byte sequences and malformed ones.
[[gnu::noinline]] size_t FoldOtherCodePoint(std::string_view text, size_t at, char* out, size_t& written) {
  const auto* begin = reinterpret_cast<const lxb_char_t*>(text.data()) + at;
  const auto* end = reinterpret_cast<const lxb_char_t*>(text.data()) + text.size();
  lxb_encoding_decode_t decoder;
  lxb_encoding_decode_init_single(&decoder, lxb_encoding_data(LXB_ENCODING_UTF_8));
  const lxb_char_t* next = begin;
  const lxb_codepoint_t code_point = lxb_encoding_decode_utf_8_single(&decoder, &next, end);
  if (code_point > LXB_ENCODING_DECODE_MAX_CODEPOINT) {  // invalid or cut short: keep the byte
    out[0] = text[at];
    written += 1;
    return 1;
  }
  const auto length = static_cast<size_t>(next - begin);
  const lxb_codepoint_t folded = Folded(code_point);
  if (folded != code_point) {
    written += EncodeUtf8(folded, out);
  } else {
    std::copy_n(text.data() + at, length, out);
    written += length;
  }
  return length;
}

// Writes the code point that starts at `text[at]` (a byte >= 0x80), folded, at `out`, which has room for
// FoldedSizeBound of the bytes it takes; returns the number of bytes taken from `text` and adds the number
// written to `written`. Inlined into the loops over a text: most code points take this path alone.
[[gnu::always_inline]] inline size_t FoldCodePoint(std::string_view text, size_t at, char* out, size_t& written) {
  const auto [code_point, length] = DecodeInPlane(text, at);
  if (length == 0) return FoldOtherCodePoint(text, at, out, written);
  const lxb_codepoint_t folded = FoldedInPlane(code_point);
  if (folded != code_point) {
    written += EncodeUtf8(folded, out);
  } else {
    out[0] = text[at];
    out[1] = text[at + 1];
    if (length == 3) out[2] = text[at + 2];
    written += length;
  }
  return length;
}

// FoldCase's loop, ending once `enough` bytes are written.
[[gnu::always_inline]] inline size_t FoldCaseUntil(std::string_view text, size_t enough, char* out) {
  size_t written = 0;
  for (size_t at = 0; at < text.size() && written < enough;) {
    if (static_cast<unsigned char>(text[at]) < 0x80) {
      out[written++] = Lower(text[at++]);
    } else {
      at += FoldCodePoint(text, at, out + written, written);
    }
  }
  return written;
}

}  // namespace

size_t AppendFoldedCodePoint(std::string_view text, size_t at, std::string& out) {
  char folded[4];
  size_t written = 0;
  const size_t taken = FoldCodePoint(text, at, folded, written);
  out.append(folded, written);
  return taken;
}

size_t FoldCase(std::string_view text, char* out) {
  return FoldCaseUntil(text, std::numeric_limits<size_t>::max(), out);
}

size_t FoldCasePrefix(std::string_view text, size_t enough, char* out) { return FoldCaseUntil(text, enough, out); }

void FoldCaseInto(std::string_view text, std::string& out) {
  out.resize(FoldedSizeBound(text.size()));
  out.resize(FoldCase(text, out.data()));
}

}  // namespace backlint
