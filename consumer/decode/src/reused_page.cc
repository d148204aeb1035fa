#include "reused_page.h"

namespace backlint {

void ClearAllButHtml(CrawledPage& page) {
  page.url.clear();
  page.fetched_at.clear();
  page.status = 0;
  page.content_type.clear();
  page.links.clear();
  page.base_url.clear();
  page.title.clear();
  page.headers.clear();
  page.metadata_json.clear();
}

}  // namespace backlint
