#pragma once
// extract stage: CrawledPage -> page facts, every http(s) link with context, and unlinked mentions of
// watched names (lexbor, ada, libpsl).
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "backlint/crawled_page.h"
#include "backlint/extract/mention_finder.h"
#include "backlint/extract/registrable_domains.h"
#include "backlint/link.h"
#include "backlint/result.h"

namespace backlint {

class DocumentPool;

struct LinkExtractorOptions {
  // When false, another host of the page's own registrable domain (blog.example.com from
  // www.example.com) is another site, so links to it are backlinks.
  bool subdomains_are_internal = true;

  // Watched domains ("example.com") and brand names ("Example Corp"): their unlinked mentions in the page
  // text are reported in ExtractedPage::mentions.
  std::vector<std::string> watch_domains;
  std::vector<std::string> watch_brands;
  // With a watch list: keep only backlinks to watched targets in ExtractedPage::links (internal links
  // stay; page facts still count every backlink). Ignored without a watch list.
  bool only_watched = false;

  // Limits, each recorded in ExtractedPage::limits_hit when a page reaches it.
  std::size_t max_page_bytes = 8 << 20;  // HTML beyond is not parsed
  std::size_t max_links = 10'000;        // further http(s) links are ignored
  // Elements nested deeper are not built (see ParseWithBoundedNesting): their content, links included, goes
  // into the element at the limit, and inherits its region and hidden state. This keeps lexbor's parse and
  // the per-element work linear on hostile nesting.
  std::size_t max_depth = 512;
  std::size_t max_anchor_chars = 1'000;  // longer anchor texts are cut on a UTF-8 character boundary
};

class LinkExtractor {
 public:
  using Options = LinkExtractorOptions;

  explicit LinkExtractor(RegistrableDomains domains, Options options = {});

  // HTML when the page has it, else the crawler's pre-extracted links. Failure.stage is "extract".
  Result<ExtractedPage> Extract(const CrawledPage& page) const;

 private:
  RegistrableDomains domains_;
  Options options_;
  MentionFinder watched_;
  // Parsed documents kept for the next pages, shared by copies; thread-safe.
  std::shared_ptr<DocumentPool> documents_;
};

}  // namespace backlint
