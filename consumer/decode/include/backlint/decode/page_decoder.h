#pragma once
// decode stage: one Kafka message value in any input format -> CrawledPage.
#include <optional>
#include <string_view>

#include "backlint/crawled_page.h"
#include "backlint/decode/json_page_decoder.h"
#include "backlint/decode/protobuf_page_decoder.h"
#include "backlint/decode/wat_record_decoder.h"
#include "backlint/result.h"

namespace backlint {

enum class InputFormat {
  kJson,      // CrawledPage JSON
  kProtobuf,  // backlint.v1.CrawledPage
  kWat,       // a Common Crawl WAT metadata record's JSON
};

// "json" | "protobuf" | "wat". Failure.stage is "decode"; the reason quotes the unknown name.
Result<InputFormat> ParseInputFormat(std::string_view name);

// Holds one decoder per format, so their buffers are reused across messages; one per thread.
class PageDecoder {
 public:
  // nullopt for a message that is well-formed but holds no page (a WAT record of a request, metadata or
  // warcinfo): nothing to score, and nothing wrong with it.
  Result<std::optional<CrawledPage>> Decode(std::string_view message, InputFormat format);

  // As Decode, into `page`: false for a message that holds no page. A worker that reuses one page for
  // message after message keeps the capacity of its HTML buffer (see JsonPageDecoder::DecodeInto). On failure,
  // or for a message with no page, `page` is partly overwritten.
  Result<bool> DecodeInto(std::string_view message, InputFormat format, CrawledPage& page);

 private:
  JsonPageDecoder json_;
  ProtobufPageDecoder protobuf_;
  WatRecordDecoder wat_;
};

}  // namespace backlint
