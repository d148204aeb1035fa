#pragma once
// Strict base64 (RFC 4648's standard alphabet), the encoding `html_base64` carries page bytes in.
#include <string>
#include <string_view>
#include <vector>

namespace backlint {

// Decodes `text` into `bytes`, reusing its capacity. False, with `bytes` unspecified, unless `text` is
// whole four-character quanta of the alphabet with '=' padding only at its end; no whitespace. As common
// decoders do, the unused low bits of a padded last quantum are ignored.
// Runs the fastest of SupportedBase64Kernels().
bool DecodeBase64(std::string_view text, std::string& bytes);

// The code paths DecodeBase64 can take. Every kernel gives the same result for every text: a vector kernel
// only decodes runs of 32 characters that are all in the alphabet and leaves the rest, errors included,
// to the portable code.
enum class Base64Kernel {
  kPortable,  // any CPU
  kAvx2,      // x86-64 with AVX2, chosen at run time
};

// The kernels this build and CPU can run, kPortable first and the fastest last.
std::vector<Base64Kernel> SupportedBase64Kernels();

// As DecodeBase64, with `kernel`, which must be one of SupportedBase64Kernels(): for tests that check that
// every kernel decodes alike.
bool DecodeBase64(std::string_view text, std::string& bytes, Base64Kernel kernel);

}  // namespace backlint
