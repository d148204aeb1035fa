#pragma once
// decode stage: one Kafka message value (Protobuf backlint.v1.CrawledPage) -> CrawledPage.
#include <string_view>

#include "backlint/crawled_page.h"
#include "backlint/result.h"

namespace backlint {

class ProtobufPageDecoder {
 public:
  // Failure.stage is "decode"; the url is validated as for JSON input. The `html` bytes are converted
  // to UTF-8 from the charset the page declares (see charset.h).
  Result<CrawledPage> Decode(std::string_view message) const;
};

}  // namespace backlint
