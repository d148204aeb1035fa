#include "reused_page.h"

#include <utility>

namespace backlint {

void ClearAllButHtml(CrawledPage& page) {
  // A fresh page, not a field-by-field clear, so a field added to CrawledPage can never leak from one
  // message into the next. Only the HTML buffer is worth keeping: the other fields are small.
  std::string html = std::move(page.html);
  page = CrawledPage{};
  page.html = std::move(html);
}

}  // namespace backlint
