#pragma once
// What extraction finds on a page: page facts and every http(s) link with its context.
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace backlint {

enum class AnchorKind { kText, kImage, kEmpty };
enum class Region { kContent, kNavigation, kHeader, kFooter, kSidebar, kComments, kRelated, kSponsored };

std::string_view ToString(AnchorKind kind);  // "text" | "image" | "empty"
// "content" | "nav" | "header" | "footer" | "sidebar" | "comments" | "related" | "sponsored"
std::string_view ToString(Region region);

// Signs of a real site (or of a network of sites run by one owner), for link-network detection downstream.
struct SiteMarkers {
  bool https = false;          // the page URL's scheme
  bool has_canonical = false;  // <link rel=canonical> present and resolvable
  bool has_contact = false;    // a mailto: or tel: link, or a link whose text or URL says "contact"
  // Analytics and ad account ids in scripts and attributes (UA-1234-1, G-ABC123, GTM-XYZ1, ca-pub-123...),
  // deduplicated, in document order, bounded.
  std::vector<std::string> tracking_ids;
};

struct PageFacts {
  std::string url;
  std::string host;
  std::string registrable_domain;
  std::string title;
  std::string lang;
  std::string fetched_at;
  std::string meta_robots;     // content of <meta name=robots>, lower-cased
  std::string canonical_url;   // <link rel=canonical>, resolved; empty when absent
  bool nofollow = false;       // meta robots or X-Robots-Tag says nofollow (or none) for the whole page
  int outbound_links = 0;      // number of backlinks on the page
  int external_domains = 0;    // distinct registrable domains among the backlinks
  std::map<std::string, int> other_schemes;  // non-http(s) links by scheme ("mailto", "tel", ...), bounded
  int body_words = 0;          // words of the <body> text
  double link_text_ratio = 0;  // characters of link text / characters of body text (0 without body text)
  std::vector<std::string> main_terms;  // most frequent content terms, lower-cased, most frequent first
  SiteMarkers site;
};

struct Link {
  std::string url;                 // resolved and normalised by ada (fragment dropped)
  std::string host;                // lower-case, punycode
  std::string registrable_domain;  // by libpsl; the host itself when it has none (IP literal, bare suffix)
  bool is_backlink = false;        // another site (registrable domain, or host when subdomains count)
  std::string anchor_text;         // whitespace-collapsed; image alt for image anchors
  AnchorKind anchor_kind = AnchorKind::kEmpty;
  std::vector<std::string> rel;    // lower-cased tokens, in document order
  std::string snippet;             // bounded text of the enclosing block around the anchor
  Region region = Region::kContent;
  bool hidden = false;             // the link or an ancestor is hidden
  int position = 0;                // 0-based index among the page's http(s) links
  int text_chars_before = 0;       // characters of non-link text since the previous http(s) link (or the body start)
  // The heading of the link's part of the page ("Sponsors › Gold"), bounded; empty when none precedes it in
  // its section or the crawler extracted the link. See README.md, "Link context".
  std::string section_heading;
  // The label lines opening the link's <article> (or <main>, or the box beside them it sits in: an <aside>, a
  // sidebar, related or sponsor block): its short blocks with no link before its first backlink ("Komerční
  // sdělení", "محتوى مدعوم", "Reklama"), " | "-joined and bounded; empty when none. See README.md,
  // "Link context".
  std::string article_label;
  // Links (any scheme) in the link's innermost list item (<li>), this one included; 0 outside a list item.
  // A curated list has one link an item; a spun run or a chain is links side by side. See README.md.
  int list_item_links = 0;
  // The first image inside the link is served from the target's site (a hit counter's digits, a review
  // seal): a third-party widget or badge rather than the publisher's own picture. See README.md.
  bool image_from_target = false;
};

// A watched domain or brand named in the page's text outside any link.
struct Mention {
  std::string term;     // the watch-list entry, as configured
  bool is_domain = false;  // from the watched domains (else the watched brands)
  std::string snippet;  // bounded text around the mention
  int position = 0;     // byte offset of the mention in the page's whitespace-collapsed text
};

// Which extraction limits a page ran into; the page is still extracted up to them.
struct LimitsHit {
  bool page_bytes = false;   // HTML beyond the byte limit was not parsed
  bool links = false;        // links beyond the per-page limit were ignored
  bool depth = false;        // elements nested beyond the depth limit inherit their ancestors' region/hidden
  bool anchor_text = false;  // an anchor text was truncated

  bool any() const { return page_bytes || links || depth || anchor_text; }
  // The names of the limits hit ("page_bytes", "links", "depth", "anchor_text"), for metrics labels.
  std::vector<std::string_view> names() const;
};
// Every limit name, in a fixed order.
inline constexpr std::string_view kLimitNames[] = {"page_bytes", "links", "depth", "anchor_text"};

struct ExtractedPage {
  PageFacts page;
  std::vector<Link> links;  // every http(s) link, backlinks and internal ones (see Options::only_watched)
  std::vector<Mention> mentions;
  LimitsHit limits_hit;
};

}  // namespace backlint
