#include "backlint/decode/page_decoder.h"

#include <string>
#include <utility>

#include "decode_failure.h"

namespace backlint {

Result<InputFormat> ParseInputFormat(std::string_view name) {
  if (name == "json") return InputFormat::kJson;
  if (name == "protobuf") return InputFormat::kProtobuf;
  if (name == "wat") return InputFormat::kWat;
  return DecodeFailure("unknown input format " + Quoted(name) + " (expected json, protobuf or wat)");
}

namespace {

// JSON and Protobuf messages always hold a page.
Result<std::optional<CrawledPage>> AlwaysAPage(Result<CrawledPage> page) {
  if (!page) return page.failure();
  return std::optional<CrawledPage>(std::move(page).value());
}

}  // namespace

Result<std::optional<CrawledPage>> PageDecoder::Decode(std::string_view message, InputFormat format) {
  switch (format) {
    case InputFormat::kJson: return AlwaysAPage(json_.Decode(message));
    case InputFormat::kProtobuf: return AlwaysAPage(protobuf_.Decode(message));
    case InputFormat::kWat: return wat_.Decode(message);
  }
  return DecodeFailure("unknown input format " + std::to_string(static_cast<int>(format)));
}

}  // namespace backlint
