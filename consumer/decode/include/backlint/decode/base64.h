#pragma once
// Strict base64 (RFC 4648's standard alphabet), the encoding `html_base64` carries page bytes in.
#include <string>
#include <string_view>

namespace backlint {

// Decodes `text` into `bytes`, reusing its capacity. False, with `bytes` unspecified, unless `text` is
// whole four-character quanta of the alphabet with '=' padding only at its end; no whitespace. As common
// decoders do, the unused low bits of a padded last quantum are ignored.
bool DecodeBase64(std::string_view text, std::string& bytes);

}  // namespace backlint
