#include "backlint/decode/protobuf_page_decoder.h"

#include <climits>
#include <string>

#include "backlint/decode/charset.h"
#include "decode_failure.h"
#include "page_url.h"
#include "reused_page.h"

namespace backlint {

std::optional<Failure> ProtobufPageDecoder::DecodeInto(std::string_view message, CrawledPage& page) {
  if (message.size() > INT_MAX || !proto_.ParseFromArray(message.data(), static_cast<int>(message.size()))) {
    return DecodeFailure("invalid Protobuf: not a backlint.v1.CrawledPage of " +
                         std::to_string(message.size()) + " bytes");
  }
  if (proto_.url().empty()) return FieldFailure("url", "missing");
  if (Status status = ValidatePageUrl(proto_.url(), "url")) return status;

  ClearAllButHtml(page);
  page.url = proto_.url();
  page.fetched_at = proto_.fetched_at();
  page.status = proto_.status();
  page.content_type = proto_.content_type();
  for (const v1::PreExtractedLink& link : proto_.links())
    page.links.push_back({link.href(), link.text(), link.rel()});
  for (const v1::HttpHeader& header : proto_.headers())
    page.headers.emplace_back(header.name(), header.value());
  page.metadata_json = proto_.metadata_json();
  // The two buffers trade places: the next parse fills the page's previous one.
  page.html.swap(*proto_.mutable_html());
  ConvertHtmlToUtf8(page.html, HttpContentType(page));
  return std::nullopt;
}

Result<CrawledPage> ProtobufPageDecoder::Decode(std::string_view message) {
  CrawledPage page;
  if (std::optional<Failure> failure = DecodeInto(message, page)) return *failure;
  return page;
}

}  // namespace backlint
