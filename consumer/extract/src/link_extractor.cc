#include "backlint/extract/link_extractor.h"

#include <ada.h>
#include <lexbor/dom/interfaces/character_data.h>
#include <lexbor/html/html.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "backlint/extract/ascii.h"
#include "backlint/extract/collapsed_text.h"
#include "backlint/extract/css_visibility.h"
#include "backlint/extract/flat_text_table.h"
#include "backlint/extract/nesting_guard.h"
#include "backlint/extract/page_terms.h"
#include "backlint/extract/region_markers.h"
#include "backlint/extract/tracking_ids.h"

namespace backlint {
namespace {

constexpr std::size_t kSnippetBytes = 300;
constexpr std::size_t kMainTerms = 10;
constexpr std::size_t kMaxOtherSchemes = 16;  // distinct non-http(s) schemes counted per page
constexpr int kTitleWeight = 3, kHeadingWeight = 2, kBodyWeight = 1;
constexpr std::size_t kSectionHeadingChars = 60;  // per heading of a link's section_heading
constexpr std::size_t kLabelLineChars = 160;      // a longer block is prose, not an article's label line
constexpr std::size_t kLabelLinesPerArticle = 8;  // the first ones; later ones are the article's text
constexpr std::size_t kArticleLabelChars = 300;   // of a link's article_label
constexpr int kCaptionRank = 6;                   // a table's <caption> heads it, below any <h6>

std::vector<std::string> RelTokens(std::string_view rel) {
  std::vector<std::string> tokens;
  ascii::ForEachToken(rel, [&](std::string_view token) { tokens.push_back(ascii::Lower(token)); });
  return tokens;
}

// Robots directives ("noindex, nofollow", "googlebot: none") forbid following the page's links.
bool ForbidsFollowing(std::string_view directives) {
  bool forbids = false;
  ascii::ForEachToken(directives, [](char c) { return ascii::IsWhitespace(c) || c == ','; },
                      [&](std::string_view token) {
                        forbids = forbids || ascii::EqualsIgnoreCase(token, "nofollow") ||
                                  ascii::EqualsIgnoreCase(token, "none");
                      });
  return forbids;
}

struct DocumentDeleter {
  void operator()(lxb_html_document_t* document) const { lxb_html_document_destroy(document); }
};
using Document = std::unique_ptr<lxb_html_document_t, DocumentDeleter>;

}  // namespace

// Documents kept between pages. lexbor cleans a document for reuse keeping its parser and first memory
// chunks, so a page parsed into a kept one skips setting those up and tearing them down.
class DocumentPool {
 public:
  static constexpr std::size_t kMaxKept = 8;  // about one for each thread extracting at once

  // A kept document, or a new one; null when lexbor cannot allocate one.
  Document Take() {
    {
      const std::lock_guard lock(mutex_);
      if (!kept_.empty()) {
        Document document = std::move(kept_.back());
        kept_.pop_back();
        return document;
      }
    }
    return Document(lxb_html_document_create());
  }

  // Keeps a document that parsed for the next page, unless enough are kept already. Cleaning it now
  // releases its page's DOM, so a kept document holds no more than lexbor's first memory chunks.
  void Keep(Document document) {
    lxb_html_document_clean(document.get());
    const std::lock_guard lock(mutex_);
    if (kept_.size() < kMaxKept) kept_.push_back(std::move(document));
  }

 private:
  std::mutex mutex_;
  std::vector<Document> kept_;
};

namespace {

std::string_view ViewOf(const lxb_char_t* data, std::size_t length) {
  return data == nullptr ? std::string_view() : std::string_view(reinterpret_cast<const char*>(data), length);
}

// Ids of the attribute names extraction reads that have no static id in lexbor. lexbor gives such a name
// an id per document the first time the document uses it, so a name the page never uses matches nothing.
struct DynamicAttributeIds {
  static constexpr uintptr_t kUnused = UINTPTR_MAX;
  uintptr_t rel, role, name, hidden, aria_hidden, ad_client;

  explicit DynamicAttributeIds(lxb_dom_document_t* document)
      : rel(IdOf(document, "rel")),
        role(IdOf(document, "role")),
        name(IdOf(document, "name")),
        hidden(IdOf(document, "hidden")),
        aria_hidden(IdOf(document, "aria-hidden")),
        ad_client(IdOf(document, "data-ad-client")) {}

 private:
  static uintptr_t IdOf(lxb_dom_document_t* document, std::string_view attribute_name) {
    const lxb_dom_attr_data_t* data = lxb_dom_attr_data_by_local_name(
        document->attrs, reinterpret_cast<const lxb_char_t*>(attribute_name.data()), attribute_name.size());
    return data != nullptr ? data->attr_id : kUnused;
  }
};

// The attributes extraction looks at, gathered in one pass over an element's attribute list, by the id of
// each attribute's name rather than its text.
struct Attributes {
  std::optional<std::string_view> href;
  std::string_view rel, role, class_name, id, style, alt, name, content, aria_hidden, src, ad_client;
  bool hidden = false;

  Attributes(lxb_dom_element_t* element, const DynamicAttributeIds& ids) {
    for (lxb_dom_attr_t* attribute = element->first_attr; attribute != nullptr; attribute = attribute->next) {
      const std::string_view value =
          attribute->value != nullptr ? ViewOf(attribute->value->data, attribute->value->length) : std::string_view();
      switch (const uintptr_t name_id = attribute->node.local_name) {
        case LXB_DOM_ATTR_ID: id = value; break;
        case LXB_DOM_ATTR_ALT: alt = value; break;
        case LXB_DOM_ATTR_SRC: src = value; break;
        case LXB_DOM_ATTR_HREF: href = value; break;
        case LXB_DOM_ATTR_CLASS: class_name = value; break;
        case LXB_DOM_ATTR_STYLE: style = value; break;
        case LXB_DOM_ATTR_CONTENT: content = value; break;
        default:
          if (name_id == ids.rel) {
            rel = value;
          } else if (name_id == ids.role) {
            role = value;
          } else if (name_id == ids.name) {
            name = value;
          } else if (name_id == ids.hidden) {
            hidden = true;
          } else if (name_id == ids.aria_hidden) {
            aria_hidden = value;
          } else if (name_id == ids.ad_client) {
            ad_client = value;
          }
          break;
      }
    }
  }
};

std::optional<Region> RegionOfRole(std::string_view roles) {
  std::optional<Region> region;
  // ARIA takes the first role token it recognises.
  ascii::ForEachToken(roles, [&](std::string_view role) {
    if (region) return;
    if (ascii::EqualsIgnoreCase(role, "navigation")) region = Region::kNavigation;
    if (ascii::EqualsIgnoreCase(role, "banner")) region = Region::kHeader;
    if (ascii::EqualsIgnoreCase(role, "contentinfo")) region = Region::kFooter;
    if (ascii::EqualsIgnoreCase(role, "complementary")) region = Region::kSidebar;
  });
  return region;
}

// The region an element's tag or ARIA role marks.
std::optional<Region> RegionOfTagOrRole(lxb_tag_id_t tag, const Attributes& attributes) {
  switch (tag) {
    case LXB_TAG_NAV: return Region::kNavigation;
    case LXB_TAG_HEADER: return Region::kHeader;
    case LXB_TAG_FOOTER: return Region::kFooter;
    case LXB_TAG_ASIDE: return Region::kSidebar;
    default: break;
  }
  return attributes.role.empty() ? std::nullopt : RegionOfRole(attributes.role);
}

// Elements whose text is the context a link is read in, and whose edges separate words.
constexpr lxb_tag_id_t kBlockTags[] = {
    LXB_TAG_ADDRESS,  LXB_TAG_ARTICLE,    LXB_TAG_ASIDE,   LXB_TAG_BLOCKQUOTE, LXB_TAG_BODY, LXB_TAG_CAPTION,
    LXB_TAG_DD,       LXB_TAG_DETAILS,    LXB_TAG_DIALOG,  LXB_TAG_DIV,        LXB_TAG_DL,   LXB_TAG_DT,
    LXB_TAG_FIELDSET, LXB_TAG_FIGCAPTION, LXB_TAG_FIGURE,  LXB_TAG_FOOTER,     LXB_TAG_FORM, LXB_TAG_H1,
    LXB_TAG_H2,       LXB_TAG_H3,         LXB_TAG_H4,      LXB_TAG_H5,         LXB_TAG_H6,   LXB_TAG_HEADER,
    LXB_TAG_HGROUP,   LXB_TAG_LI,         LXB_TAG_MAIN,    LXB_TAG_NAV,        LXB_TAG_OL,   LXB_TAG_P,
    LXB_TAG_PRE,      LXB_TAG_SECTION,    LXB_TAG_SUMMARY, LXB_TAG_TABLE,      LXB_TAG_TD,   LXB_TAG_TH,
    LXB_TAG_TR,       LXB_TAG_UL};

// A box beside the article (a sidebar widget, a related-links unit, a sponsor box, any <aside>) opens its own
// label lines, as an article does: "Patrocinado" or "Reklama" in a <p> above its links labels them.
bool IsBox(Region region) {
  return region == Region::kSidebar || region == Region::kRelated || region == Region::kSponsored;
}

bool IsBlock(lxb_tag_id_t tag) {
  static constexpr auto kIsBlock = [] {
    std::array<bool, LXB_TAG__LAST_ENTRY> table{};
    for (lxb_tag_id_t block : kBlockTags) table[block] = true;
    return table;
  }();
  // Custom elements get ids past the static ones.
  return tag < kIsBlock.size() && kIsBlock[tag];
}

bool IsHeading(lxb_tag_id_t tag) { return tag >= LXB_TAG_H1 && tag <= LXB_TAG_H6; }

// 0 for <h1> .. 5 for <h6>, kCaptionRank for a table's <caption>; none for other elements.
std::optional<int> HeadingRank(lxb_tag_id_t tag) {
  if (IsHeading(tag)) return static_cast<int>(tag - LXB_TAG_H1);
  if (tag == LXB_TAG_CAPTION) return kCaptionRank;
  return std::nullopt;
}

// How far the headings inside an element reach (see README.md, "Link context").
enum class HeadingReach : std::uint8_t {
  kElement,  // to the element's end, or further when the element only wraps the heading
  kSection,  // to the section's end: sectioning elements and marked regions, whatever they hold
  kAround,   // to the end of the element around it: <header> and <hgroup> head what holds them
};

HeadingReach HeadingReachOf(lxb_tag_id_t tag, std::optional<Region> marked) {
  switch (tag) {
    case LXB_TAG_HEADER: case LXB_TAG_HGROUP:
      return HeadingReach::kAround;
    case LXB_TAG_ARTICLE: case LXB_TAG_ASIDE: case LXB_TAG_NAV: case LXB_TAG_SECTION: case LXB_TAG_MAIN:
    case LXB_TAG_BODY: case LXB_TAG_BLOCKQUOTE: case LXB_TAG_DETAILS: case LXB_TAG_DIALOG:
    case LXB_TAG_FIELDSET: case LXB_TAG_FIGURE: case LXB_TAG_TD: case LXB_TAG_TH:
      return HeadingReach::kSection;
    default: break;
  }
  return marked && *marked != Region::kHeader && *marked != Region::kFooter ? HeadingReach::kSection
                                                                             : HeadingReach::kElement;
}

// Inherited state of the element being visited, carried down the walk so no link looks at its ancestors.
struct Scope {
  Region region = Region::kContent;
  bool hidden = false;
  int block = -1;         // innermost enclosing block, index into Walker::blocks_
  int anchor = -1;        // innermost enclosing <a href>, index into Walker::anchors_
  int opened_block = -1;  // the block / anchor this element itself opened, closed when it is left
  int opened_anchor = -1;
  HeadingReach heading_reach = HeadingReach::kElement;
  std::size_t text_begin = 0;  // offset of the element's text in Walker::text_
  int article = -1;  // innermost enclosing <article>, <main> or box, index into Walker::articles_
  int label_article = -1;  // the one its own text may label: a box's own text ("Anzeige") labels the outer one
  std::size_t anchors_at_enter = 0, label_lines_at_enter = 0;  // to tell a linkless innermost block
  int list_item = -1;  // innermost enclosing <li>, index into Walker::list_item_links_
};

// A link as found in the DOM; resolution and classification wait until the document's base is known.
struct Anchor {
  std::string_view href, rel, image_alt;  // image_alt: an <area>'s alt, or that of the first <img> inside
  Region region = Region::kContent;
  bool hidden = false;
  int block = -1;
  TextRange text;
  int heading = -1, parent_heading = -1;  // its section heading and the one above it, into Walker::headings_
  int article = -1;                       // into Walker::articles_
  int list_item = -1;                     // into Walker::list_item_links_
  std::string_view image_src;             // of the first <img> inside
};

// An <article>, <main> or box: the label lines that open it (see Link::article_label), in document order.
struct Article {
  std::vector<TextRange> label_lines;
};

// One depth-first walk over the DOM (iterative, so deep nesting cannot exhaust the stack), collecting
// anchors with their context, the document text they index into, headings, tracking ids, <base href>,
// <link rel=canonical> and <meta name=robots>. The string_views point into the document.
class Walker {
 public:
  Walker(lxb_dom_document_t* document, std::size_t max_depth) : attribute_ids_(document), max_depth_(max_depth) {}

  void Walk(lxb_dom_node_t* root) {
    lxb_dom_node_t* node = root->first_child;
    while (node != nullptr) {
      // Most nodes are text: appended here rather than through a call to Enter.
      if (node->type == LXB_DOM_NODE_TYPE_TEXT) {
        text_.Append(TextOf(node));
      } else if (node->type == LXB_DOM_NODE_TYPE_ELEMENT && Enter(node) && node->first_child != nullptr) {
        node = node->first_child;
        continue;
      }
      // Leave finished nodes until one has a next sibling.
      for (;;) {
        if (node->type == LXB_DOM_NODE_TYPE_ELEMENT) Leave();
        if (node->next != nullptr) {
          node = node->next;
          break;
        }
        node = node->parent;
        if (node == root) return;
      }
    }
  }

  // Sizes the text for a page of `html_bytes`, so that it seldom grows: text is a part of the markup, a
  // quarter or less of it on most pages.
  void ExpectBytes(std::size_t html_bytes) { text_.Reserve(html_bytes / 4); }

  const std::vector<Anchor>& anchors() const { return anchors_; }
  const std::vector<TextRange>& blocks() const { return blocks_; }
  const std::vector<TextRange>& headings() const { return headings_; }
  const std::vector<Article>& articles() const { return articles_; }
  const std::vector<int>& list_item_links() const { return list_item_links_; }
  const CollapsedText& text() const { return text_; }
  std::size_t body_begin() const { return body_begin_.value_or(text_.size()); }
  std::optional<std::string_view> base_href() const { return base_href_; }
  std::optional<std::string_view> canonical_href() const { return canonical_href_; }
  std::optional<std::string_view> meta_robots() const { return meta_robots_; }
  bool too_deep() const { return too_deep_; }
  TrackingIds& tracking_ids() { return tracking_ids_; }

 private:
  // Enters an element; returns whether to walk its children.
  bool Enter(lxb_dom_node_t* node) {
    auto* element = lxb_dom_interface_element(node);
    const lxb_tag_id_t tag = lxb_dom_element_tag_id(element);
    const Attributes attributes(element, attribute_ids_);
    // The element's scope starts as its parent's, built in place rather than copied out and pushed back.
    const std::size_t depth = scopes_.size();
    Scope& scope = depth == 0 ? scopes_.emplace_back() : scopes_.emplace_back(scopes_.back());
    scope.opened_block = scope.opened_anchor = -1;
    scope.heading_reach = HeadingReach::kElement;
    bool opens_box = false;
    if (depth < max_depth_) {
      const std::optional<Region> region = RegionOf(tag, attributes);
      if (region) scope.region = NestedRegion(scope.region, *region);
      opens_box = region && IsBox(*region);
      scope.hidden = scope.hidden || IsHidden(attributes);
      scope.heading_reach = HeadingReachOf(tag, region);
    } else {
      too_deep_ = true;
    }

    if (IsBlock(tag) || tag == LXB_TAG_BR) text_.Break();
    scope.text_begin = text_.size();
    const int outer_article = scope.article;
    if (tag == LXB_TAG_ARTICLE || tag == LXB_TAG_MAIN || opens_box) {
      scope.article = static_cast<int>(articles_.size());
      articles_.emplace_back();
    }
    scope.label_article = opens_box ? outer_article : scope.article;
    scope.anchors_at_enter = anchors_.size();
    scope.label_lines_at_enter = label_lines_;
    if (tag == LXB_TAG_LI) {
      scope.list_item = static_cast<int>(list_item_links_.size());
      list_item_links_.push_back(0);
    }
    if (IsBlock(tag)) {
      scope.block = scope.opened_block = static_cast<int>(blocks_.size());
      blocks_.push_back({text_.size(), text_.size()});
    }
    if (!attributes.src.empty()) tracking_ids_.Scan(attributes.src);
    if (!attributes.ad_client.empty()) tracking_ids_.Scan(attributes.ad_client);
    switch (tag) {
      case LXB_TAG_A:
      case LXB_TAG_AREA:
        if (attributes.href) {
          scope.anchor = scope.opened_anchor = static_cast<int>(anchors_.size());
          anchors_.push_back({.href = *attributes.href,
                              .rel = attributes.rel,
                              .image_alt = tag == LXB_TAG_AREA ? attributes.alt : std::string_view(),
                              .region = scope.region,
                              .hidden = scope.hidden,
                              .block = scope.block,
                              .text = {text_.size(), text_.size()},
                              .article = scope.article,
                              .list_item = scope.list_item,
                              .image_src = {}});
          if (scope.list_item >= 0) ++list_item_links_[scope.list_item];
          SetSectionHeading(anchors_.back());
        }
        break;
      case LXB_TAG_IMG:
        if (scope.anchor >= 0 && anchors_[scope.anchor].image_alt.empty()) {
          anchors_[scope.anchor].image_alt = ascii::Trim(attributes.alt);
        }
        if (scope.anchor >= 0 && anchors_[scope.anchor].image_src.empty()) {
          anchors_[scope.anchor].image_src = ascii::Trim(attributes.src);
        }
        break;
      case LXB_TAG_BASE:
        if (!base_href_ && attributes.href) base_href_ = attributes.href;
        break;
      case LXB_TAG_LINK:
        if (!canonical_href_ && attributes.href && HasToken(attributes.rel, "canonical")) {
          canonical_href_ = attributes.href;
        }
        break;
      case LXB_TAG_META:
        if (!meta_robots_ && ascii::EqualsIgnoreCase(ascii::Trim(attributes.name), "robots")) {
          meta_robots_ = attributes.content;
        }
        break;
      case LXB_TAG_BODY:
        if (!body_begin_) body_begin_ = text_.size();
        break;
      case LXB_TAG_SCRIPT:
        for (lxb_dom_node_t* child = node->first_child; child != nullptr; child = child->next) {
          if (child->type == LXB_DOM_NODE_TYPE_TEXT) tracking_ids_.Scan(TextOf(child));
        }
        break;
      default: break;
    }
    if (const std::optional<int> rank = HeadingRank(tag)) open_headings_.push_back({depth, *rank});
    // Script and style text is not prose; <template> content lives in a separate fragment anyway.
    return tag != LXB_TAG_SCRIPT && tag != LXB_TAG_STYLE;
  }

  // Leaves an element.
  void Leave() {
    const Scope& scope = scopes_.back();
    if (scope.opened_anchor >= 0) anchors_[scope.opened_anchor].text.end = text_.size();
    const std::size_t depth = scopes_.size() - 1;
    EndHeadingsWithin(scope, depth);
    if (scope.opened_block >= 0) {
      TextRange& block = blocks_[scope.opened_block];
      block.end = text_.size();
      if (!open_headings_.empty() && open_headings_.back().depth == depth) {
        PutInForce({.heading = static_cast<int>(headings_.size()),
                    .rank = open_headings_.back().rank,
                    .reach_depth = depth - 1,
                    .anchors_before_end = anchors_.size()});
        headings_.push_back(block);
        open_headings_.pop_back();
      } else {
        KeepIfLabelLine(scope, block);
      }
      text_.Break();
    }
    scopes_.pop_back();
  }

  // An innermost block of an article with no link in it and a line's worth of text ("Komerční sdělení",
  // "Sponsored content", a byline) may be a label line opening the article.
  void KeepIfLabelLine(const Scope& scope, const TextRange& block) {
    if (scope.label_article < 0 || scope.hidden || anchors_.size() != scope.anchors_at_enter ||
        label_lines_ != scope.label_lines_at_enter) {
      return;
    }
    std::vector<TextRange>& lines = articles_[scope.label_article].label_lines;
    // A UTF-8 character takes at most four bytes: a longer block is prose without counting its characters.
    if (lines.size() >= kLabelLinesPerArticle || block.end - block.begin > 4 * kLabelLineChars + 2) return;
    const std::size_t chars = Utf8Length(ascii::Trim(text_.str().substr(block.begin, block.end - block.begin)));
    if (chars == 0 || chars > kLabelLineChars) return;
    lines.push_back(block);
    ++label_lines_;
  }

  // A heading in force reaches to the end of the element at `reach_depth` (its parent at first).
  struct HeadingInForce {
    int heading;  // index into headings_
    int rank;     // 0 for <h1> .. 5 for <h6>
    std::size_t reach_depth;
    std::size_t anchors_before_end;  // anchors_.size() when the heading ended
  };

  // A heading ends those of its rank and below that reach as far; ones reaching further are only hidden
  // until it ends. So in_force_ is ordered by reach_depth, and bounded by the depth times six ranks.
  void PutInForce(const HeadingInForce& heading) {
    while (!in_force_.empty() && in_force_.back().reach_depth == heading.reach_depth &&
           in_force_.back().rank >= heading.rank) {
      in_force_.pop_back();
    }
    in_force_.push_back(heading);
  }

  // Leaving the element at `depth`: the headings reaching to its end stop there, unless it is a <header>
  // or only wraps the heading (no other text, no link after it), in which case they reach one level up.
  void EndHeadingsWithin(const Scope& scope, std::size_t depth) {
    std::size_t first = in_force_.size();
    while (first > 0 && in_force_[first - 1].reach_depth == depth) --first;
    if (first == in_force_.size()) return;
    std::vector<HeadingInForce> ending(in_force_.begin() + static_cast<std::ptrdiff_t>(first), in_force_.end());
    in_force_.resize(first);
    for (HeadingInForce& heading : ending) {
      if (depth > 0 && (scope.heading_reach == HeadingReach::kAround ||
                        (scope.heading_reach == HeadingReach::kElement && OnlyWraps(scope, heading)))) {
        heading.reach_depth = depth - 1;
        PutInForce(heading);
      }
    }
  }

  bool OnlyWraps(const Scope& scope, const HeadingInForce& heading) const {
    const std::string_view all = text_.str();
    const TextRange& range = headings_[heading.heading];
    return heading.anchors_before_end == anchors_.size() &&
           ascii::Trim(all.substr(scope.text_begin)).size() ==
               ascii::Trim(all.substr(range.begin, range.end - range.begin)).size();
  }

  // The last heading in force, and the nearest one in force of higher rank than it unless that is an
  // <h1>, which titles the page rather than a part of it ("Sponsors" above "Gold", not the article's title
  // above "Sources").
  void SetSectionHeading(Anchor& anchor) const {
    if (in_force_.empty()) return;
    const HeadingInForce& last = in_force_.back();
    anchor.heading = last.heading;
    for (auto above = in_force_.rbegin() + 1; above != in_force_.rend(); ++above) {
      if (above->rank < last.rank) {
        if (above->rank > 0) anchor.parent_heading = above->heading;
        break;
      }
    }
  }

  static std::string_view TextOf(lxb_dom_node_t* text_node) {
    const lexbor_str_t& data = lxb_dom_interface_character_data(text_node)->data;
    return ViewOf(data.data, data.length);
  }

  static bool HasToken(std::string_view tokens, std::string_view wanted) {
    bool found = false;
    ascii::ForEachToken(tokens, [&](std::string_view token) {
      found = found || ascii::EqualsIgnoreCase(token, wanted);
    });
    return found;
  }

  bool IsHidden(const Attributes& attributes) {
    return attributes.hidden ||
           (!attributes.aria_hidden.empty() && ascii::EqualsIgnoreCase(ascii::Trim(attributes.aria_hidden), "true")) ||
           (!attributes.style.empty() && StyleHides(attributes.style));
  }

  // The region an element itself marks: its tag or ARIA role first, then class/id conventions. An <aside>
  // only says "beside the content": its class may say more (<aside class="ad-unit"> is an ad block).
  std::optional<Region> RegionOf(lxb_tag_id_t tag, const Attributes& attributes) {
    const std::optional<Region> of_tag = RegionOfTagOrRole(tag, attributes);
    if (of_tag && *of_tag != Region::kSidebar) return of_tag;
    // Class lists are read each time: reading one costs less than looking it up in a table of those seen.
    // Most elements have neither.
    const std::optional<Region> marked = attributes.class_name.empty() && attributes.id.empty()
                                             ? std::nullopt
                                             : RegionOfClassAndId(attributes.class_name, attributes.id);
    return of_tag ? MoreTelling(marked, of_tag) : marked;
  }

  // Pages repeat inline styles (one per list item, cell, icon): each distinct one is read once.
  bool StyleHides(std::string_view style) {
    auto [cached, inserted] = style_hides_.try_emplace(style);
    if (inserted) cached->second = Styles().Hides(style);
    return cached->second;
  }

  // lexbor's CSS parser, set up once a thread rather than once a page: it parses each style into memory it
  // cleans first, so nothing of one page's styles stays for the next.
  static CssVisibility& Styles() {
    static thread_local CssVisibility styles;
    return styles;
  }

  DynamicAttributeIds attribute_ids_;
  std::size_t max_depth_;
  bool too_deep_ = false;
  std::vector<Scope> scopes_;
  struct OpenHeading {
    std::size_t depth;  // scope depth
    int rank;           // 0 for <h1> .. 5 for <h6>
  };
  std::vector<OpenHeading> open_headings_;
  std::vector<HeadingInForce> in_force_;  // the headings a link found now would be under, last one nearest
  std::vector<Anchor> anchors_;
  std::vector<TextRange> blocks_, headings_;
  CollapsedText text_;
  std::optional<std::size_t> body_begin_;
  std::optional<std::string_view> base_href_, canonical_href_, meta_robots_;
  std::unordered_map<std::string_view, bool> style_hides_;  // keys point into the document
  TrackingIds tracking_ids_;
  std::vector<Article> articles_;
  std::size_t label_lines_ = 0;  // kept so far, in every article
  std::vector<int> list_item_links_;  // anchors in each <li>, in document order
};

// The site a link points to, shared by every link to the same host.
struct Site {
  std::string host;                // lower-case, punycode
  std::string registrable_domain;  // by libpsl
  bool is_backlink = false;
};

// Where an http(s) href points: its normalised URL (fragment dropped) on its site.
struct Target {
  ada::url_aggregator url;
  const Site* site = nullptr;
};

// Resolves hrefs against a base URL, classifies them against the page's site, and counts the links to
// other schemes. Pages repeat hrefs (navigation, pagination, share buttons) and hosts: each distinct href
// is parsed once and each distinct host goes to the suffix list once, and links copy the strings from here
// rather than resolved Links being copied around.
class LinkResolver {
 public:
  LinkResolver(const ada::url_aggregator& base, const PageFacts& page, const RegistrableDomains& domains,
               bool subdomains_are_internal, std::map<std::string, int>& other_schemes)
      : base_(base),
        page_(page),
        domains_(domains),
        subdomains_are_internal_(subdomains_are_internal),
        other_schemes_(other_schemes) {}
  LinkResolver(const LinkResolver&) = delete;
  LinkResolver& operator=(const LinkResolver&) = delete;

  // Sizes the tables for about `hrefs` hrefs, so they do not grow as a page's links are resolved.
  void Expect(std::size_t hrefs) { resolutions_.Reserve(hrefs); }

  // The http(s) target `href` points to; null for other schemes (counted) and unparseable hrefs. Valid as
  // long as the resolver.
  const Target* Resolve(std::string_view href) {
    const Resolution& resolution =
        *resolutions_.FindOrInsert(href, [&] { return std::optional(ResolveUncached(href)); });
    if (resolution.other_scheme != nullptr) CountOtherScheme(*resolution.other_scheme);
    return resolution.target;
  }

  // Appends a link with `target`'s url, host, registrable domain and is_backlink, its strings built in
  // place rather than assigned to empty ones.
  static Link& AppendTo(const Target& target, std::vector<Link>& links) {
    return links.emplace_back(std::string(target.url.get_href()), target.site->host, target.site->registrable_domain,
                              target.site->is_backlink);
  }

 private:
  struct Resolution {
    const Target* target = nullptr;
    const std::string* other_scheme = nullptr;  // set when the href parsed to a non-http(s) URL
  };

  Resolution ResolveUncached(std::string_view href) {
    auto url = ada::parse<ada::url_aggregator>(href, &base_);
    if (!url) return {};
    if (url->type != ada::scheme::HTTP && url->type != ada::scheme::HTTPS) {
      const std::string_view protocol = url->get_protocol();
      return {.other_scheme = &schemes_.emplace_back(protocol.substr(0, protocol.size() - 1))};  // without ':'
    }
    url->clear_hash();
    const Site& site = SiteOf(url->get_hostname());
    return {.target = &targets_.emplace_back(Target{std::move(*url), &site}), .other_scheme = nullptr};
  }

  const Site& SiteOf(std::string_view host) {
    return **site_of_host_.FindOrInsert(host, [&] {
      Site& site = sites_.emplace_back();
      site.host = host;
      site.registrable_domain = domains_.Of(host);
      site.is_backlink = subdomains_are_internal_ ? site.registrable_domain != page_.registrable_domain
                                                  : site.host != page_.host;
      return std::optional<const Site*>(&site);
    });
  }

  void CountOtherScheme(const std::string& scheme) const {
    if (auto counted = other_schemes_.find(scheme); counted != other_schemes_.end()) {
      ++counted->second;
    } else if (other_schemes_.size() < kMaxOtherSchemes) {
      other_schemes_.emplace(scheme, 1);
    }
  }

  const ada::url_aggregator& base_;
  const PageFacts& page_;
  const RegistrableDomains& domains_;
  bool subdomains_are_internal_;
  std::map<std::string, int>& other_schemes_;
  // Deques: entries stay where they are, so the pointers and views into them do.
  std::deque<Target> targets_;
  std::deque<Site> sites_;
  std::deque<std::string> schemes_;
  FlatTextTable<Resolution> resolutions_;  // by href
  FlatTextTable<const Site*> site_of_host_;  // by host
};

// Sets the anchor text, cut to the limit.
void FillAnchorText(std::string text, AnchorKind kind, std::size_t max_chars, Link& link, LimitsHit& limits) {
  link.anchor_text = std::move(text);
  link.anchor_kind = link.anchor_text.empty() ? AnchorKind::kEmpty : kind;
  if (TruncateUtf8(link.anchor_text, max_chars)) limits.anchor_text = true;
}

// Appends a link to `target` at the next position, to be filled in place.
Link& AppendLink(const Target& target, std::vector<Link>& links) {
  Link& link = LinkResolver::AppendTo(target, links);
  link.position = static_cast<int>(links.size()) - 1;
  return link;
}

// Drops the link just appended when it is one more than the page may have.
bool KeepWithinLimit(std::size_t max_links, std::vector<Link>& links, LimitsHit& limits) {
  if (links.size() <= max_links) return true;
  links.pop_back();
  limits.links = true;
  return false;
}

std::string HeadingText(const Walker& walker, int heading) {
  const TextRange& range = walker.headings()[heading];
  std::string text = walker.text().Slice(range.begin, range.end);
  TruncateUtf8(text, kSectionHeadingChars);
  return text;
}

// "Sponsors › Gold", "Further reading", or empty.
std::string SectionHeading(const Walker& walker, const Anchor& anchor) {
  std::string heading = anchor.heading < 0 ? std::string() : HeadingText(walker, anchor.heading);
  if (anchor.parent_heading < 0) return heading;
  std::string parent = HeadingText(walker, anchor.parent_heading);
  if (parent.empty() || heading.empty()) return parent + heading;
  return parent + " › " + heading;
}

// Whether `src` is an absolute http(s) URL on the link's target host or under its registrable domain
// ("counter1.freecounterstat.com" for freecounterstat.com), or scheme-relative ("//seal.example/x.svg"). A
// relative src is the page's own image.
bool ServedByTarget(std::string_view src, const Link& link) {
  if (src.empty()) return false;
  auto url = src.starts_with("//") ? ada::parse<ada::url_aggregator>("https:" + std::string(src))
                                   : ada::parse<ada::url_aggregator>(src);
  if (!url || (url->type != ada::scheme::HTTP && url->type != ada::scheme::HTTPS)) return false;
  const std::string_view host = url->get_hostname();
  const std::string_view domain = link.registrable_domain;
  return host == link.host || host == domain ||
         (host.size() > domain.size() && host.ends_with(domain) && host[host.size() - domain.size() - 1] == '.');
}

// The article labels of a page's backlinks, in document order: an article's label lines are those before
// its first backlink, and every backlink of the article shares them.
class ArticleLabels {
 public:
  explicit ArticleLabels(const Walker& walker) : walker_(walker), labels_(walker.articles().size()) {}

  const std::string& Of(const Anchor& anchor) {
    static const std::string kNone;
    if (anchor.article < 0) return kNone;
    std::optional<std::string>& label = labels_[anchor.article];
    if (!label) {
      label.emplace();
      for (const TextRange& line : walker_.articles()[anchor.article].label_lines) {
        if (line.end > anchor.text.begin) break;
        if (!label->empty()) *label += " | ";
        *label += walker_.text().Slice(line.begin, line.end);
      }
      TruncateUtf8(*label, kArticleLabelChars);
    }
    return *label;
  }

 private:
  const Walker& walker_;
  std::vector<std::optional<std::string>> labels_;  // by article, composed at its first backlink
};

std::vector<Link> LinksFromHtml(const Walker& walker, LinkResolver& resolver,
                                const LinkExtractorOptions& options, LimitsHit& limits) {
  std::vector<Link> links;
  links.reserve(std::min(walker.anchors().size(), options.max_links) + 1);
  // Non-link text since the previous http(s) link: the text between anchors, each stretch trimmed (the
  // space separating two adjacent links is no text), counted in characters. Anchors to other schemes are
  // links too, so their text never counts.
  const std::string_view all = walker.text().str();
  std::size_t text_end = std::min(walker.body_begin(), all.size());  // where the last anchor's text ended
  int text_chars_before = 0;
  // Links in a row mostly sit under the same headings: their section heading is composed once a run.
  std::pair<int, int> named_headings(-1, -1);  // (heading, parent_heading) of section_heading
  std::string section_heading;
  ArticleLabels article_labels(walker);
  for (const Anchor& anchor : walker.anchors()) {
    if (anchor.text.begin > text_end) {
      text_chars_before +=
          static_cast<int>(Utf8Length(ascii::Trim(all.substr(text_end, anchor.text.begin - text_end))));
    }
    text_end = std::max(text_end, anchor.text.end);
    const Target* target = resolver.Resolve(anchor.href);
    if (target == nullptr) continue;
    Link& link = AppendLink(*target, links);
    link.text_chars_before = std::exchange(text_chars_before, 0);
    std::string text = walker.text().Slice(anchor.text.begin, anchor.text.end);
    if (text.empty() && !anchor.image_alt.empty()) {
      FillAnchorText(Collapse(anchor.image_alt), AnchorKind::kImage, options.max_anchor_chars, link, limits);
    } else {
      FillAnchorText(std::move(text), AnchorKind::kText, options.max_anchor_chars, link, limits);
    }
    if (!anchor.rel.empty()) link.rel = RelTokens(anchor.rel);
    if (anchor.block >= 0) {
      const TextRange& block = walker.blocks()[anchor.block];
      link.snippet =
          Excerpt(walker.text(), block.begin, block.end, anchor.text.begin, anchor.text.end, kSnippetBytes);
    }
    link.region = anchor.region;
    link.hidden = anchor.hidden;
    if (std::pair(anchor.heading, anchor.parent_heading) != named_headings) {
      named_headings = {anchor.heading, anchor.parent_heading};
      section_heading = SectionHeading(walker, anchor);
    }
    link.section_heading = section_heading;
    if (link.is_backlink) link.article_label = article_labels.Of(anchor);
    if (anchor.list_item >= 0) link.list_item_links = walker.list_item_links()[anchor.list_item];
    link.image_from_target = link.is_backlink && ServedByTarget(anchor.image_src, link);
    if (!KeepWithinLimit(options.max_links, links, limits)) break;
  }
  return links;
}

std::vector<Link> LinksFromCrawler(const std::vector<PreExtractedLink>& pre_extracted,
                                   LinkResolver& resolver, const LinkExtractorOptions& options,
                                   LimitsHit& limits) {
  std::vector<Link> links;
  for (const PreExtractedLink& pre : pre_extracted) {
    const Target* target = resolver.Resolve(pre.href);
    if (target == nullptr) continue;
    Link& link = AppendLink(*target, links);
    FillAnchorText(Collapse(pre.text), AnchorKind::kText, options.max_anchor_chars, link, limits);
    link.rel = RelTokens(pre.rel);
    if (!KeepWithinLimit(options.max_links, links, limits)) break;
  }
  return links;
}

// "contact", "contact-us", "Contact us": the page's way to reach its owner.
bool IsContactLink(const Link& link) {
  const std::size_t path = link.url.find('/', link.url.find("//") + 2);
  return ascii::ContainsIgnoreCase(link.anchor_text, "contact") ||
         (path != std::string::npos && ascii::ContainsIgnoreCase(std::string_view(link.url).substr(path), "contact"));
}

// Facts every page has, from its links whether found in HTML or by the crawler.
void FillLinkFacts(const std::vector<Link>& links, PageFacts& facts) {
  FlatTextTable<bool> external_domains;  // a set: each distinct domain entered once, its value unused
  for (const Link& link : links) {
    if (link.is_backlink) {
      ++facts.outbound_links;
      external_domains.FindOrInsert(link.registrable_domain, [] { return std::optional(true); });
    }
  }
  facts.external_domains = static_cast<int>(external_domains.size());
  facts.site.has_contact = facts.other_schemes.contains("mailto") || facts.other_schemes.contains("tel") ||
                           std::any_of(links.begin(), links.end(), IsContactLink);
}

// Word count, link-text ratio and main terms of the document text.
void FillTextFacts(const Walker& walker, PageFacts& facts) {
  const std::string_view all = walker.text().str();
  const std::string_view body = ascii::Trim(all.substr(std::min(walker.body_begin(), all.size())));
  // Collapsed text separates words by single spaces and `body` is trimmed, so its words are its spaces
  // plus one.
  const Utf8Counts body_counts = CountCharactersAndSpaces(body);
  facts.body_words += body.empty() ? 0 : static_cast<int>(body_counts.spaces) + 1;
  std::size_t link_chars = 0;
  for (const Anchor& anchor : walker.anchors()) {
    // A range may start at the space before its first word.
    link_chars += Utf8Length(ascii::Trim(all.substr(anchor.text.begin, anchor.text.end - anchor.text.begin)));
  }
  const std::size_t body_chars = body_counts.characters;
  facts.link_text_ratio = body_chars == 0 ? 0 : static_cast<double>(link_chars) / static_cast<double>(body_chars);

  PageTerms terms;
  terms.Expect(all.size());
  terms.Add(facts.title, kTitleWeight);
  for (const TextRange& heading : walker.headings()) {
    terms.Add(all.substr(heading.begin, heading.end - heading.begin), kHeadingWeight);
  }
  terms.Add(body, kBodyWeight);
  facts.main_terms = terms.Top(kMainTerms);
}

std::vector<TextRange> AnchorTextRanges(const Walker& walker) {
  std::vector<TextRange> ranges;
  ranges.reserve(walker.anchors().size());
  for (const Anchor& anchor : walker.anchors()) ranges.push_back(anchor.text);
  return ranges;
}

std::optional<ada::url_aggregator> ParseAgainst(std::string_view href, const ada::url_aggregator& base) {
  auto parsed = ada::parse<ada::url_aggregator>(href, &base);
  if (!parsed) return std::nullopt;
  return *parsed;
}

}  // namespace

LinkExtractor::LinkExtractor(RegistrableDomains domains, Options options)
    : domains_(std::move(domains)),
      options_(std::move(options)),
      watched_(options_.watch_domains, options_.watch_brands),
      documents_(std::make_shared<DocumentPool>()) {}

Result<ExtractedPage> LinkExtractor::Extract(const CrawledPage& page) const {
  auto page_url = ada::parse<ada::url_aggregator>(page.url);
  if (!page_url) return Failure{"extract", "page URL does not parse: " + page.url};
  page_url->clear_hash();

  ExtractedPage extracted;
  PageFacts& facts = extracted.page;
  LimitsHit& limits = extracted.limits_hit;
  facts.url = page_url->get_href();
  facts.host = page_url->get_hostname();
  facts.registrable_domain = domains_.Of(facts.host);
  facts.fetched_at = page.fetched_at;
  facts.site.https = page_url->type == ada::scheme::HTTPS;
  for (const auto& [name, value] : page.headers) {
    if (ascii::EqualsIgnoreCase(name, "x-robots-tag") && ForbidsFollowing(value)) facts.nofollow = true;
  }

  if (page.html.empty()) {
    // The crawler's base, itself relative to the page URL; one that does not parse leaves the page URL.
    std::optional<ada::url_aggregator> base;
    if (!page.base_url.empty()) base = ParseAgainst(page.base_url, *page_url);
    facts.title = Collapse(page.title);
    LinkResolver resolver(base ? *base : *page_url, facts, domains_, options_.subdomains_are_internal,
                          facts.other_schemes);
    extracted.links = LinksFromCrawler(page.links, resolver, options_, limits);
    if (!facts.title.empty()) {
      PageTerms terms;
      terms.Add(facts.title, kTitleWeight);
      facts.main_terms = terms.Top(kMainTerms);
    }
  } else {
    // A document whose parse failed is dropped rather than kept.
    Document document = documents_->Take();
    if (document == nullptr) return Failure{"extract", "cannot allocate an HTML document for " + page.url};
    const std::size_t parsed_bytes = std::min(page.html.size(), options_.max_page_bytes);
    limits.page_bytes = parsed_bytes < page.html.size();
    const NestedParse parse =
        ParseWithBoundedNesting(document.get(), std::string_view(page.html).substr(0, parsed_bytes), options_.max_depth);
    if (!parse.parsed) {
      return Failure{"extract", "lexbor could not parse the HTML of " + page.url};
    }
    Walker walker(lxb_dom_interface_document(document.get()), options_.max_depth);
    walker.ExpectBytes(parsed_bytes);
    walker.Walk(lxb_dom_interface_node(document.get()));
    limits.depth = parse.flattened || walker.too_deep();

    std::size_t title_length = 0;
    const lxb_char_t* title = lxb_html_document_title(document.get(), &title_length);
    facts.title = Collapse(ViewOf(title, title_length));
    if (lxb_dom_element_t* root = lxb_dom_document_element(lxb_dom_interface_document(document.get()))) {
      std::size_t lang_length = 0;
      const lxb_char_t* lang =
          lxb_dom_element_get_attribute(root, reinterpret_cast<const lxb_char_t*>("lang"), 4, &lang_length);
      facts.lang = ascii::Trim(ViewOf(lang, lang_length));
    }
    if (walker.meta_robots()) {
      facts.meta_robots = ascii::Lower(ascii::Trim(*walker.meta_robots()));
      facts.nofollow = facts.nofollow || ForbidsFollowing(facts.meta_robots);
    }

    // A <base href> that does not parse leaves the page URL as the base, as browsers do.
    std::optional<ada::url_aggregator> base;
    if (walker.base_href()) base = ParseAgainst(*walker.base_href(), *page_url);
    const ada::url_aggregator& document_base = base ? *base : *page_url;
    if (walker.canonical_href()) {
      if (auto canonical = ParseAgainst(ascii::Trim(*walker.canonical_href()), document_base);
          canonical && (canonical->type == ada::scheme::HTTP || canonical->type == ada::scheme::HTTPS)) {
        canonical->clear_hash();
        facts.canonical_url = canonical->get_href();
        facts.site.has_canonical = true;
      }
    }
    facts.site.tracking_ids = walker.tracking_ids().Take();
    LinkResolver resolver(document_base, facts, domains_, options_.subdomains_are_internal, facts.other_schemes);
    resolver.Expect(walker.anchors().size());
    extracted.links = LinksFromHtml(walker, resolver, options_, limits);
    FillTextFacts(walker, facts);
    extracted.mentions = watched_.Find(walker.text(), AnchorTextRanges(walker));
    documents_->Keep(std::move(document));
  }
  FillLinkFacts(extracted.links, facts);
  if (options_.only_watched && !watched_.empty()) {
    std::erase_if(extracted.links,
                  [&](const Link& link) { return link.is_backlink && !watched_.Watches(link.host, link.registrable_domain); });
  }
  return extracted;
}

}  // namespace backlint
