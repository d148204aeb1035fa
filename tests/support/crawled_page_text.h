#pragma once
// Every field of a CrawledPage as text, so that a test compares whole pages and a failure shows which
// field differs.
#include <string>

#include "backlint/crawled_page.h"

namespace backlint {

inline std::string PageText(const CrawledPage& page) {
  std::string text = "url=" + page.url + "\nfetched_at=" + page.fetched_at + "\nstatus=" +
                     std::to_string(page.status) + "\ncontent_type=" + page.content_type + "\nbase_url=" +
                     page.base_url + "\ntitle=" + page.title + "\nmetadata_json=" + page.metadata_json;
  for (const PreExtractedLink& link : page.links) text += "\nlink=" + link.href + "|" + link.text + "|" + link.rel;
  for (const auto& [name, value] : page.headers) text += "\nheader=" + name + ": " + value;
  return text + "\nhtml(" + std::to_string(page.html.size()) + ")=" + page.html;
}

}  // namespace backlint
