#pragma once
// Decoders write into a CrawledPage reused from message to message, so its HTML buffer keeps its capacity.
#include "backlint/crawled_page.h"

namespace backlint {

// Empties every field of `page` but `html`, which keeps its bytes and capacity for the decoder to
// overwrite (or clear): resizing over the previous page's bytes costs nothing.
void ClearAllButHtml(CrawledPage& page);

}  // namespace backlint
