#include "backlint/decode/protobuf_page_decoder.h"

#include <climits>
#include <string>

#include "backlint/decode/charset.h"
#include "crawled_page.pb.h"
#include "decode_failure.h"
#include "page_url.h"

namespace backlint {

Result<CrawledPage> ProtobufPageDecoder::Decode(std::string_view message) const {
  v1::CrawledPage proto;
  if (message.size() > INT_MAX || !proto.ParseFromArray(message.data(), static_cast<int>(message.size()))) {
    return DecodeFailure("invalid Protobuf: not a backlint.v1.CrawledPage of " +
                         std::to_string(message.size()) + " bytes");
  }
  if (proto.url().empty()) return FieldFailure("url", "missing");
  if (Status status = ValidatePageUrl(proto.url(), "url")) return *status;

  CrawledPage page;
  page.url = proto.url();
  page.fetched_at = proto.fetched_at();
  page.status = proto.status();
  page.content_type = proto.content_type();
  for (const v1::PreExtractedLink& link : proto.links())
    page.links.push_back({link.href(), link.text(), link.rel()});
  for (const v1::HttpHeader& header : proto.headers())
    page.headers.emplace_back(header.name(), header.value());
  page.metadata_json = proto.metadata_json();
  page.html = HtmlToUtf8(proto.html(), HttpContentType(page));
  return page;
}

}  // namespace backlint
