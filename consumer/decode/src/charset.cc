#include "backlint/decode/charset.h"

#include <lexbor/encoding/encoding.h>
#include <lexbor/html/encoding.h>
#include <simdjson.h>

#include <algorithm>
#include <array>

namespace backlint {
namespace {

// Browsers prescan 1024 bytes, yet pages with long heads (inline styles, scripts, comments) often
// declare later and still render right in browsers that read on; html5lib's tests expect that too.
// The bound keeps the cost low on pages that declare nothing.
constexpr size_t kPrescanBytes = 64 * 1024;
constexpr size_t kChunkBytes = 4096;
// The decoder's code point batch: at most one code point per byte of a chunk, plus the few a sequence
// carried over from the previous chunk completes to.
constexpr size_t kCodepointBatch = kChunkBytes + 4;

const lxb_char_t* Bytes(std::string_view text) { return reinterpret_cast<const lxb_char_t*>(text.data()); }

std::string_view NameOf(const lxb_encoding_data_t& encoding) {
  return reinterpret_cast<const char*>(encoding.name);
}

bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return (x >= 'A' && x <= 'Z' ? x - 'A' + 'a' : x) == (y >= 'A' && y <= 'Z' ? y - 'A' + 'a' : y);
  });
}

// The encoding named by the charset parameter of an HTTP Content-Type, or null. Its syntax is the one
// <meta content> uses, so lexbor's extraction for that reads it.
const lxb_encoding_data_t* HttpCharset(std::string_view content_type) {
  const lxb_char_t* name_end = nullptr;
  const lxb_char_t* name =
      lxb_html_encoding_content(Bytes(content_type), Bytes(content_type) + content_type.size(), &name_end);
  if (name == nullptr) return nullptr;
  return lxb_encoding_data_by_pre_name(name, static_cast<size_t>(name_end - name));
}

const lxb_encoding_data_t* PrescanMeta(std::string_view html) {
  lxb_html_encoding_t prescan{};  // zeroed, so destroying it is safe even when init fails half-way
  const lxb_encoding_data_t* encoding = nullptr;
  const std::string_view window = html.substr(0, kPrescanBytes);
  if (lxb_html_encoding_init(&prescan) == LXB_STATUS_OK &&
      lxb_html_encoding_determine(&prescan, Bytes(window), Bytes(window) + window.size()) == LXB_STATUS_OK) {
    // A declaration with an unknown label does not count; the prescan goes on to the next one.
    for (size_t i = 0; encoding == nullptr && i < lxb_html_encoding_meta_length(&prescan); ++i) {
      const lxb_html_encoding_entry_t* entry = lxb_html_encoding_meta_entry(&prescan, i);
      // Maps UTF-16 to UTF-8 and x-user-defined to windows-1252, as the prescan's last steps say.
      encoding =
          lxb_encoding_data_prescan_validate(entry->name, static_cast<size_t>(entry->end - entry->name));
    }
  }
  lxb_html_encoding_destroy(&prescan, false);
  return encoding;
}

// The encoding of `html` and how many leading bytes are its byte order mark.
struct Sniffed {
  const lxb_encoding_data_t* encoding;
  size_t bom_bytes;
};

Sniffed Sniff(std::string_view html, std::string_view http_content_type) {
  const lxb_encoding_t bom = lxb_encoding_bom_sniff(Bytes(html), html.size());
  if (bom == LXB_ENCODING_UTF_8) return {lxb_encoding_data(bom), 3};
  if (bom == LXB_ENCODING_UTF_16LE || bom == LXB_ENCODING_UTF_16BE) return {lxb_encoding_data(bom), 2};
  if (const lxb_encoding_data_t* http = HttpCharset(http_content_type)) return {http, 0};
  if (const lxb_encoding_data_t* meta = PrescanMeta(html)) return {meta, 0};
  return {lxb_encoding_data(LXB_ENCODING_UTF_8), 0};
}

// The first `count` of `codepoints` as UTF-8, encoded into one buffer and appended at once: appending
// code point by code point cost more than the encoding.
void AppendUtf8(std::string& out, const std::array<lxb_codepoint_t, kCodepointBatch>& codepoints, size_t count) {
  std::array<lxb_char_t, 4 * kCodepointBatch> bytes;  // four bytes at most for each
  lxb_char_t* end = bytes.data();
  lxb_encoding_encode_t encoder{};
  for (size_t i = 0; i < count; ++i) {
    lxb_encoding_encode_utf_8_single(&encoder, &end, bytes.data() + bytes.size(), codepoints[i]);
  }
  out.append(reinterpret_cast<const char*>(bytes.data()), static_cast<size_t>(end - bytes.data()));
}

std::string Decode(const lxb_encoding_data_t& encoding, std::string_view bytes) {
  static constexpr lxb_codepoint_t kReplacement = LXB_ENCODING_REPLACEMENT_CODEPOINT;
  // lexbor's single-byte decoders lose a byte when the code point batch fills up mid-input, so the
  // input goes in chunks the batch always holds (see kCodepointBatch).
  std::array<lxb_codepoint_t, kCodepointBatch> codepoints;
  lxb_encoding_decode_t decoder;
  lxb_encoding_decode_init(&decoder, &encoding, codepoints.data(), codepoints.size());
  lxb_encoding_decode_replace_set(&decoder, &kReplacement, 1);

  std::string utf8;
  utf8.reserve(bytes.size());
  auto drain = [&] {
    AppendUtf8(utf8, codepoints, lxb_encoding_decode_buf_used(&decoder));
    lxb_encoding_decode_buf_used_set(&decoder, 0);
  };
  for (size_t offset = 0; offset < bytes.size(); offset += kChunkBytes) {
    const std::string_view chunk = bytes.substr(offset, kChunkBytes);
    const lxb_char_t* next = Bytes(chunk);
    // Sequences cut at the chunk's end stay in the decoder's state for the next chunk.
    while (encoding.decode(&decoder, &next, Bytes(chunk) + chunk.size()) == LXB_STATUS_SMALL_BUFFER) drain();
    drain();
  }
  lxb_encoding_decode_finish(&decoder);  // a sequence cut off at the end of the input is one more U+FFFD
  drain();
  return utf8;
}

}  // namespace

std::optional<std::string_view> PrescanMetaEncoding(std::string_view html) {
  const lxb_encoding_data_t* encoding = PrescanMeta(html);
  if (encoding == nullptr) return std::nullopt;
  return NameOf(*encoding);
}

std::string_view SniffHtmlEncoding(std::string_view html, std::string_view http_content_type) {
  return NameOf(*Sniff(html, http_content_type).encoding);
}

std::string HtmlToUtf8(std::string_view html, std::string_view http_content_type) {
  std::string utf8(html);
  ConvertHtmlToUtf8(utf8, http_content_type);
  return utf8;
}

void ConvertHtmlToUtf8(std::string& html, std::string_view http_content_type) {
  const Sniffed sniffed = Sniff(html, http_content_type);
  const std::string_view content = std::string_view(html).substr(sniffed.bom_bytes);
  // Most pages are valid UTF-8 already: they keep their bytes, not decoded code point by code point.
  if (sniffed.encoding->encoding == LXB_ENCODING_UTF_8 &&
      simdjson::validate_utf8(content.data(), content.size())) {
    html.erase(0, sniffed.bom_bytes);
    return;
  }
  html = Decode(*sniffed.encoding, content);
}

std::string_view HttpContentType(const CrawledPage& page) {
  if (!page.content_type.empty()) return page.content_type;
  for (const auto& [name, value] : page.headers) {
    if (EqualsIgnoringAsciiCase(name, "Content-Type")) return value;
  }
  return {};
}

}  // namespace backlint
