#pragma once
// Parts of a link's target URL that carry words: host labels without the public suffix, and the path.
#include <cstring>
#include <string>
#include <string_view>

#include "backlint/link.h"

namespace backlint {

// The host without its public suffix ("shop.cheap-flights.co.uk" -> "shop.cheap-flights").
inline std::string_view HostLabels(const Link& link) {
  std::string_view host = link.host;
  const size_t dot = link.registrable_domain.find('.');
  if (dot == std::string::npos) return host;
  const std::string_view suffix = std::string_view(link.registrable_domain).substr(dot);
  if (host.ends_with(suffix)) host.remove_suffix(suffix.size());
  return host;
}

// The URL's path, without scheme, host, query and fragment.
inline std::string_view PathOf(std::string_view url) {
  const size_t scheme = url.find("://");
  const size_t path = url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
  if (path == std::string_view::npos) return {};
  url.remove_prefix(path);
  // One memchr for each end: find_first_of would call memchr over "?#" once per byte of the path, and a
  // byte loop costs a few instructions a byte where memchr takes 32 bytes at a time.
  for (const char end : {'?', '#'}) {
    if (const void* found = std::memchr(url.data(), end, url.size())) {
      url = url.substr(0, static_cast<size_t>(static_cast<const char*>(found) - url.data()));
    }
  }
  return url;
}

}  // namespace backlint
