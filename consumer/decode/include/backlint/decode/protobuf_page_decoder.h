#pragma once
// decode stage: one Kafka message value (Protobuf backlint.v1.CrawledPage) -> CrawledPage.
#include <optional>
#include <string_view>

#include "backlint/crawled_page.h"
#include "backlint/result.h"
#include "crawled_page.pb.h"

namespace backlint {

// Reuses the parsed message's buffers across messages; one decoder per thread.
class ProtobufPageDecoder {
 public:
  // Failure.stage is "decode"; the url is validated as for JSON input. The `html` bytes are converted
  // to UTF-8 from the charset the page declares (see charset.h).
  Result<CrawledPage> Decode(std::string_view message);

  // As Decode, into `page`, whose other fields start empty; the HTML is moved, not
  // copied. nullopt on success; on failure `page` is partly overwritten.
  std::optional<Failure> DecodeInto(std::string_view message, CrawledPage& page);

 private:
  v1::CrawledPage proto_;
};

}  // namespace backlint
