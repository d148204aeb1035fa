#pragma once
// The one rule every input format applies to a page's URL: it must be an absolute http(s) URL.
#include <string_view>

#include "decode_failure.h"

namespace backlint {

// A Failure naming `field` (the URL's place in the input format) when `url` is not absolute http(s).
Status ValidatePageUrl(std::string_view url, std::string_view field);

}  // namespace backlint
