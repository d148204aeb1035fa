#pragma once
// Decoders write into a CrawledPage reused from message to message, so its buffers keep their capacity.
#include "backlint/crawled_page.h"

namespace backlint {

// Empties every field of `page` but `html`, keeping the capacity of its strings and vectors. `html` is
// left for the decoder to overwrite (or clear): resizing over the previous page's bytes costs nothing.
void ClearAllButHtml(CrawledPage& page);

}  // namespace backlint
