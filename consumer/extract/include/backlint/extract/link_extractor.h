#pragma once
// extract stage: CrawledPage -> page facts and every http(s) link with context (lexbor, ada, libpsl).
#include "backlint/crawled_page.h"
#include "backlint/extract/registrable_domains.h"
#include "backlint/link.h"
#include "backlint/result.h"

namespace backlint {

class LinkExtractor {
 public:
  explicit LinkExtractor(RegistrableDomains domains) : domains_(std::move(domains)) {}

  // HTML when the page has it, else the crawler's pre-extracted links. Failure.stage is "extract".
  Result<ExtractedPage> Extract(const CrawledPage& page) const;

 private:
  RegistrableDomains domains_;
};

}  // namespace backlint
