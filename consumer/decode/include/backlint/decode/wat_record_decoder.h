#pragma once
// decode stage: one Common Crawl WAT metadata record (its JSON payload) -> CrawledPage with the links
// the crawler extracted. Only anchors (A@/href, AREA@/href) are kept: images, stylesheets and scripts
// are not backlinks.
#include <optional>
#include <string_view>

#include "backlint/crawled_page.h"
#include "backlint/decode/json_object_reader.h"
#include "backlint/result.h"

namespace backlint {

// Reuses simdjson's buffers across messages; one decoder per thread.
class WatRecordDecoder {
 public:
  // Maps WARC-Target-URI -> url, WARC-Date -> fetched_at, the HTTP status and headers, Head.Title ->
  // title, Head.Base -> base_url. Failure.stage is "decode"; the reason names the field by its path,
  // e.g. "field 'Envelope.WARC-Header-Metadata.WARC-Target-URI': missing". A record whose WARC-Type is
  // not "response" (request, metadata, warcinfo: every WAT file has them) holds no page: nullopt.
  Result<std::optional<CrawledPage>> Decode(std::string_view message);

 private:
  JsonObjectReader reader_;
};

}  // namespace backlint
