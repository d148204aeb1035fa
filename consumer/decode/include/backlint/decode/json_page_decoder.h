#pragma once
// decode stage: one Kafka message value (CrawledPage JSON) -> CrawledPage.
#include <string_view>

#include <simdjson.h>

#include "backlint/crawled_page.h"
#include "backlint/result.h"

namespace backlint {

// Reuses simdjson's buffers across messages; one decoder per thread.
class JsonPageDecoder {
 public:
  // Failure.stage is "decode"; the reason names the offending field (e.g. "field 'url': ...").
  Result<CrawledPage> Decode(std::string_view message);

 private:
  // Copies `message` into the padded buffer simdjson needs; false when it cannot be allocated.
  bool LoadMessage(std::string_view message);

  simdjson::ondemand::parser parser_;
  simdjson::padded_string buffer_;
};

}  // namespace backlint
