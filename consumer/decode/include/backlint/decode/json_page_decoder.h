#pragma once
// decode stage: one Kafka message value (CrawledPage JSON) -> CrawledPage.
#include <optional>
#include <string_view>

#include "backlint/crawled_page.h"
#include "backlint/decode/json_object_reader.h"
#include "backlint/result.h"

namespace backlint {

// Reuses simdjson's buffers across messages; one decoder per thread.
class JsonPageDecoder {
 public:
  // Failure.stage is "decode"; the reason names the offending field (e.g. "field 'url': ...").
  // `html` is JSON text and stays as it is; `html_base64` bytes are converted to UTF-8 from the
  // charset the page declares (see charset.h).
  Result<CrawledPage> Decode(std::string_view message);

  // As Decode, into `page`, whose HTML buffer keeps its capacity: a worker that reuses one page for
  // message after message allocates (and zero-fills) no HTML buffer for pages no larger than it has seen. nullopt on success; on failure `page` is partly overwritten.
  std::optional<Failure> DecodeInto(std::string_view message, CrawledPage& page);

 private:
  JsonObjectReader reader_;
};

}  // namespace backlint
