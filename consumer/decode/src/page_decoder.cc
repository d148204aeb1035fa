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
Result<bool> AlwaysAPage(std::optional<Failure> failure) {
  if (failure) return *failure;
  return true;
}

}  // namespace

Result<bool> PageDecoder::DecodeInto(std::string_view message, InputFormat format, CrawledPage& page) {
  switch (format) {
    case InputFormat::kJson: return AlwaysAPage(json_.DecodeInto(message, page));
    case InputFormat::kProtobuf: return AlwaysAPage(protobuf_.DecodeInto(message, page));
    case InputFormat::kWat: {
      Result<std::optional<CrawledPage>> record = wat_.Decode(message);
      if (!record) return record.failure();
      if (!record.value()) return false;
      page = std::move(*record.value());
      return true;
    }
  }
  return DecodeFailure("unknown input format " + std::to_string(static_cast<int>(format)));
}

Result<std::optional<CrawledPage>> PageDecoder::Decode(std::string_view message, InputFormat format) {
  CrawledPage page;
  Result<bool> holds_page = DecodeInto(message, format, page);
  if (!holds_page) return holds_page.failure();
  if (!holds_page.value()) return std::optional<CrawledPage>();
  return std::optional<CrawledPage>(std::move(page));
}

}  // namespace backlint
