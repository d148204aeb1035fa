#pragma once
// The decoded input event: one crawled page, as the decode stage hands it to extraction.
#include <string>
#include <utility>
#include <vector>

namespace backlint {

// A link the crawler already extracted (Nutch/StormCrawler outlinks), used when a page has no HTML.
struct PreExtractedLink {
  std::string href;
  std::string text;
  std::string rel;
};

struct CrawledPage {
  std::string url;           // absolute; validated by the decoder
  std::string fetched_at;    // as given (RFC 3339 expected), empty when absent
  int status = 0;            // HTTP status, 0 when absent
  std::string content_type;  // HTTP Content-Type, empty when absent
  std::string html;          // raw HTML bytes (html_base64 already decoded), empty when absent
  std::vector<PreExtractedLink> links;
  std::string base_url;  // the crawler's <base href> for pre-extracted links (WAT Head.Base), or empty
  std::string title;     // the crawler's page title for pre-extracted links (WAT Head.Title), or empty
  std::vector<std::pair<std::string, std::string>> headers;  // HTTP response headers, in order
  std::string metadata_json;  // the `metadata` object passed through verbatim (raw JSON), or empty
};

}  // namespace backlint
