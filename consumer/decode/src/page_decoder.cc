#include "backlint/decode/page_decoder.h"

#include <string>

#include "decode_failure.h"

namespace backlint {

Result<InputFormat> ParseInputFormat(std::string_view name) {
  if (name == "json") return InputFormat::kJson;
  if (name == "protobuf") return InputFormat::kProtobuf;
  if (name == "wat") return InputFormat::kWat;
  return DecodeFailure("unknown input format " + Quoted(name) + " (expected json, protobuf or wat)");
}

Result<CrawledPage> PageDecoder::Decode(std::string_view message, InputFormat format) {
  switch (format) {
    case InputFormat::kJson: return json_.Decode(message);
    case InputFormat::kProtobuf: return protobuf_.Decode(message);
    case InputFormat::kWat: return wat_.Decode(message);
  }
  return DecodeFailure("unknown input format " + std::to_string(static_cast<int>(format)));
}

}  // namespace backlint
