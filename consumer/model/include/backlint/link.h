#pragma once
// What extraction finds on a page: page facts and every http(s) link with its context.
#include <string>
#include <string_view>
#include <vector>

namespace backlint {

enum class AnchorKind { kText, kImage, kEmpty };
enum class Region { kContent, kNavigation, kHeader, kFooter, kSidebar, kComments };

std::string_view ToString(AnchorKind kind);  // "text" | "image" | "empty"
std::string_view ToString(Region region);    // "content" | "nav" | "header" | "footer" | "sidebar" | "comments"

struct PageFacts {
  std::string url;
  std::string host;
  std::string registrable_domain;
  std::string title;
  std::string lang;
  std::string fetched_at;
  std::string meta_robots;  // content of <meta name=robots>, lower-cased
  int outbound_links = 0;   // number of backlinks on the page
};

struct Link {
  std::string url;                 // resolved and normalised by ada (fragment dropped)
  std::string host;                // lower-case, punycode
  std::string registrable_domain;  // by libpsl; the host itself when it has none (IP literal, bare suffix)
  bool is_backlink = false;        // registrable domain differs from the page's
  std::string anchor_text;         // whitespace-collapsed; image alt for image anchors
  AnchorKind anchor_kind = AnchorKind::kEmpty;
  std::vector<std::string> rel;    // lower-cased tokens, in document order
  std::string snippet;             // bounded text of the enclosing block around the anchor
  Region region = Region::kContent;
  bool hidden = false;             // the link or an ancestor is hidden
  int position = 0;                // 0-based index among the page's http(s) links
};

struct ExtractedPage {
  PageFacts page;
  std::vector<Link> links;  // every http(s) link, backlinks and internal ones
};

}  // namespace backlint
