#include "case_fold.h"

#include <lexbor/encoding/encoding.h>
#include <lexbor/unicode/unicode.h>

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

}  // namespace

size_t AppendFoldedCodePoint(std::string_view text, size_t at, std::string& out) {
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
    lxb_char_t encoded[4];
    lxb_char_t* cursor = encoded;
    lxb_encoding_encode_t encoder;
    lxb_encoding_encode_init_single(&encoder, lxb_encoding_data(LXB_ENCODING_UTF_8));
    lxb_encoding_encode_utf_8_single(&encoder, &cursor, encoded + sizeof encoded, folded);
    out.append(reinterpret_cast<const char*>(encoded), static_cast<size_t>(cursor - encoded));
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
