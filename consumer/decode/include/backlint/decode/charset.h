#pragma once
// A page's bytes -> UTF-8. The encoding is chosen as the WHATWG encoding sniffing algorithm does
// (https://html.spec.whatwg.org/#encoding-sniffing-algorithm): a byte order mark, then the HTTP
// Content-Type charset, then the <meta> prescan of the first 1024 bytes, else UTF-8. Decoding is
// lexbor's, so every WHATWG encoding and label is known.
//
// The last resort is UTF-8, not the windows-1252 browsers use for Western locales: almost every page
// today is UTF-8, so an undeclared page with a few broken bytes keeps its text with U+FFFD in those
// places, instead of every non-ASCII character turning into mojibake.
#include <optional>
#include <string>
#include <string_view>

#include "backlint/crawled_page.h"

namespace backlint {

// The WHATWG name ("Shift_JIS", "windows-1252") of the encoding that the first <meta charset> or
// <meta http-equiv=Content-Type content=...> in the first 1024 bytes of `html` declares; nullopt when
// there is none, or its label is unknown. UTF-16 declarations mean UTF-8, as the prescan specifies.
std::optional<std::string_view> PrescanMetaEncoding(std::string_view html);

// The WHATWG name of the encoding of `html`, fetched with the HTTP Content-Type `http_content_type`.
std::string_view SniffHtmlEncoding(std::string_view html, std::string_view http_content_type);

// `html` decoded from its sniffed encoding, as UTF-8: a byte order mark is dropped, and each invalid
// byte sequence becomes U+FFFD.
std::string HtmlToUtf8(std::string_view html, std::string_view http_content_type);

// HtmlToUtf8 in place: a page that is UTF-8 already is not copied.
void ConvertHtmlToUtf8(std::string& html, std::string_view http_content_type);

// The HTTP Content-Type `page` was served with: its content_type, else its Content-Type header.
std::string_view HttpContentType(const CrawledPage& page);

}  // namespace backlint
