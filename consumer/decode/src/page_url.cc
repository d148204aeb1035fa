#include "page_url.h"

#include <ada.h>

namespace backlint {

Status ValidatePageUrl(std::string_view url, std::string_view field) {
  const ada::result<ada::url_aggregator> parsed = ada::parse<ada::url_aggregator>(url);
  if (parsed && (parsed->type == ada::scheme::type::HTTP || parsed->type == ada::scheme::type::HTTPS)) {
    return std::nullopt;
  }
  return FieldFailure(field, "not an absolute http(s) URL: " + Quoted(url));
}

}  // namespace backlint
