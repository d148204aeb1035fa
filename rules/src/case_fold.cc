#include "case_fold.h"

#include <lexbor/encoding/encoding.h>
#include <lexbor/unicode/unicode.h>

#include <atomic>
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

void AppendUtf8(lxb_codepoint_t code_point, std::string& out) {
  lxb_char_t encoded[4];
  lxb_char_t* cursor = encoded;
  lxb_encoding_encode_t encoder;
  lxb_encoding_encode_init_single(&encoder, lxb_encoding_data(LXB_ENCODING_UTF_8));
  lxb_encoding_encode_utf_8_single(&encoder, &cursor, encoded + sizeof encoded, code_point);
  out.append(reinterpret_cast<const char*>(encoded), static_cast<size_t>(cursor - encoded));
}

// The code point of a well-formed two- or three-byte UTF-8 sequence at `text[at]` (what lexbor's decoder
// accepts: no overlong forms, no surrogates), with its length; length 0 for anything else.
std::pair<lxb_codepoint_t, size_t> DecodeInPlane(std::string_view text, size_t at) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[at + i]); };
  const auto continuation = [&](size_t i) { return at + i < text.size() && (byte(i) & 0xC0) == 0x80; };
  if (byte(0) >= 0xC2 && byte(0) < 0xE0 && continuation(1)) {
    return {(byte(0) & 0x1Fu) << 6 | (byte(1) & 0x3Fu), 2};
  }
  if (byte(0) >= 0xE0 && byte(0) < 0xF0 && continuation(1) && continuation(2)) {
    const lxb_codepoint_t code_point = (byte(0) & 0x0Fu) << 12 | (byte(1) & 0x3Fu) << 6 | (byte(2) & 0x3Fu);
    if (code_point >= 0x800 && (code_point < 0xD800 || code_point > 0xDFFF)) return {code_point, 3};
  }
  return {0, 0};
}

}  // namespace

size_t AppendFoldedCodePoint(std::string_view text, size_t at, std::string& out) {
  if (const auto [code_point, length] = DecodeInPlane(text, at); length != 0) {
    const lxb_codepoint_t folded = FoldedInPlane(code_point);
    if (folded == code_point) {
      out.append(text.substr(at, length));
    } else {
      AppendUtf8(folded, out);
    }
    return length;
  }
  const auto* begin = reinterpret_cast<const lxb_char_t*>(text.data()) + at;
  const auto* end = reinterpret_cast<const lxb_char_t*>(text.data()) + text.size();
  lxb_encoding_decode_t decoder;
  lxb_encoding_decode_init_single(&decoder, lxb_encoding_data(LXB_ENCODING_UTF_8));
  const lxb_char_t* next = begin;
  const lxb_codepoint_t code_point = lxb_encoding_decode_utf_8_single(&decoder, &next, end);
  if (code_point > LXB_ENCODING_DECODE_MAX_CODEPOINT) {  // invalid or cut short: keep the byte
    out += text[at];
    return 1;
  }
  const lxb_codepoint_t folded = Folded(code_point);
  if (folded == code_point) {
    out.append(text.substr(at, static_cast<size_t>(next - begin)));
  } else {
    AppendUtf8(folded, out);
  }
  return static_cast<size_t>(next - begin);
}

void FoldCaseInto(std::string_view text, std::string& out) {
  out.clear();
  for (size_t at = 0; at < text.size();) {
    if (static_cast<unsigned char>(text[at]) < 0x80) {
      out += Lower(text[at++]);
    } else {
      at += AppendFoldedCodePoint(text, at, out);
    }
  }
}

}  // namespace backlint
