#include "backlint/extract/link_extractor.h"

#include <ada.h>
#include <lexbor/css/css.h>
#include <lexbor/dom/interfaces/character_data.h>
#include <lexbor/html/html.h>

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace backlint {
namespace {

constexpr std::size_t kSnippetBytes = 300;

bool IsAsciiWhitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string AsciiLower(std::string_view text) {
  std::string lowered(text);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](char c) { return AsciiLower(c); });
  return lowered;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return AsciiLower(x) == AsciiLower(y); });
}

bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                     [](char x, char y) { return AsciiLower(x) == AsciiLower(y); }) != haystack.end();
}

std::string_view TrimAsciiWhitespace(std::string_view text) {
  while (!text.empty() && IsAsciiWhitespace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsAsciiWhitespace(text.back())) text.remove_suffix(1);
  return text;
}

// Splits on ASCII whitespace, calling `consume` with each token in order.
template <typename Consume>
void ForEachToken(std::string_view text, Consume consume) {
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsAsciiWhitespace(text[i])) ++i;
    std::size_t end = i;
    while (end < text.size() && !IsAsciiWhitespace(text[end])) ++end;
    if (end > i) consume(text.substr(i, end - i));
    i = end;
  }
}

std::vector<std::string> RelTokens(std::string_view rel) {
  std::vector<std::string> tokens;
  ForEachToken(rel, [&](std::string_view token) { tokens.push_back(AsciiLower(token)); });
  return tokens;
}

// Text with every whitespace run (ASCII whitespace and U+00A0, which pages use as padding) collapsed to
// one space and none at either end. Offsets into it mark where anchors and blocks begin and end.
class CollapsedText {
 public:
  void Append(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (IsAsciiWhitespace(text[i])) {
        pending_space_ = true;
      } else if (text[i] == '\xC2' && i + 1 < text.size() && text[i + 1] == '\xA0') {
        pending_space_ = true;
        ++i;
      } else {
        if (pending_space_ && !text_.empty()) text_.push_back(' ');
        pending_space_ = false;
        text_.push_back(text[i]);
      }
    }
  }
  // A word boundary that is not in the source text, e.g. between two paragraphs.
  void Break() { pending_space_ = true; }

  std::size_t size() const { return text_.size(); }
  std::string Slice(std::size_t begin, std::size_t end) const {
    return std::string(TrimAsciiWhitespace(std::string_view(text_).substr(begin, end - begin)));
  }
  const std::string& str() const { return text_; }

 private:
  std::string text_;
  bool pending_space_ = false;
};

std::string Collapse(std::string_view text) {
  CollapsedText collapsed;
  collapsed.Append(text);
  return collapsed.str();
}

bool IsUtf8Continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// About kSnippetBytes of `text`'s [block_begin, block_end) centred on [anchor_begin, anchor_end), cut
// on UTF-8 character boundaries.
std::string Snippet(const CollapsedText& text, std::size_t block_begin, std::size_t block_end,
                    std::size_t anchor_begin, std::size_t anchor_end) {
  if (block_end - block_begin <= kSnippetBytes) return text.Slice(block_begin, block_end);
  const std::size_t centre = anchor_begin + (anchor_end - anchor_begin) / 2;
  std::size_t begin = centre > block_begin + kSnippetBytes / 2 ? centre - kSnippetBytes / 2 : block_begin;
  begin = std::min(begin, block_end - kSnippetBytes);
  std::size_t end = begin + kSnippetBytes;
  const std::string& all = text.str();
  while (begin < end && IsUtf8Continuation(all[begin])) ++begin;
  while (end > begin && end < all.size() && IsUtf8Continuation(all[end])) --end;
  return text.Slice(begin, end);
}

struct DocumentDeleter {
  void operator()(lxb_html_document_t* document) const { lxb_html_document_destroy(document); }
};
using Document = std::unique_ptr<lxb_html_document_t, DocumentDeleter>;

// Reads inline `style` attributes with lexbor's CSS declaration parser, created on the first one a page
// has (most elements have none).
class InlineStyleReader {
 public:
  InlineStyleReader() = default;
  InlineStyleReader(const InlineStyleReader&) = delete;
  InlineStyleReader& operator=(const InlineStyleReader&) = delete;
  ~InlineStyleReader() {
    if (parser_ != nullptr) lxb_css_parser_destroy(parser_, true);
    if (memory_ != nullptr) lxb_css_memory_destroy(memory_, true);
  }

  // display:none or visibility:hidden|collapse, the winning declaration of each property deciding
  // (later beats earlier unless the earlier is !important). Unparseable styles hide nothing.
  bool Hides(std::string_view style) {
    if (!Ready()) return false;
    const auto* data = reinterpret_cast<const lxb_char_t*>(style.data());
    const lxb_css_rule_declaration_list_t* list = lxb_css_declaration_list_parse(parser_, data, style.size());
    bool display_none = false, visibility_hidden = false;
    bool display_important = false, visibility_important = false;
    for (const lxb_css_rule_t* rule = list != nullptr ? list->first : nullptr; rule != nullptr;
         rule = rule->next) {
      if (rule->type != LXB_CSS_RULE_DECLARATION) continue;
      const auto* declaration = reinterpret_cast<const lxb_css_rule_declaration_t*>(rule);
      if (declaration->type == LXB_CSS_PROPERTY_DISPLAY && (declaration->important || !display_important)) {
        display_none = declaration->u.display->a == LXB_CSS_DISPLAY_NONE;
        display_important = declaration->important;
      } else if (declaration->type == LXB_CSS_PROPERTY_VISIBILITY &&
                 (declaration->important || !visibility_important)) {
        const lxb_css_visibility_type_t visibility = declaration->u.visibility->type;
        visibility_hidden =
            visibility == LXB_CSS_VISIBILITY_HIDDEN || visibility == LXB_CSS_VISIBILITY_COLLAPSE;
        visibility_important = declaration->important;
      }
    }
    // The declarations live in memory_; drop them before the next style attribute.
    lxb_css_memory_clean(memory_);
    return display_none || visibility_hidden;
  }

 private:
  bool Ready() {
    if (parser_ != nullptr) return true;
    if (failed_) return false;
    memory_ = lxb_css_memory_create();
    parser_ = lxb_css_parser_create();
    failed_ = memory_ == nullptr || parser_ == nullptr || lxb_css_memory_init(memory_, 64) != LXB_STATUS_OK ||
              lxb_css_parser_init(parser_, nullptr) != LXB_STATUS_OK;
    if (failed_) {
      if (parser_ != nullptr) parser_ = lxb_css_parser_destroy(parser_, true);
      if (memory_ != nullptr) memory_ = lxb_css_memory_destroy(memory_, true);
      return false;
    }
    lxb_css_parser_memory_set(parser_, memory_);
    return true;
  }

  lxb_css_parser_t* parser_ = nullptr;
  lxb_css_memory_t* memory_ = nullptr;
  bool failed_ = false;
};

std::string_view ViewOf(const lxb_char_t* data, std::size_t length) {
  return data == nullptr ? std::string_view() : std::string_view(reinterpret_cast<const char*>(data), length);
}

std::string_view AttributeValue(lxb_dom_attr_t* attribute) {
  std::size_t length = 0;
  const lxb_char_t* value = lxb_dom_attr_value(attribute, &length);
  return ViewOf(value, length);
}

// The attributes extraction looks at, gathered in one pass over an element's attribute list.
struct Attributes {
  std::optional<std::string_view> href;
  std::string_view rel, role, class_name, id, style, alt, name, content, aria_hidden;
  bool hidden = false;

  explicit Attributes(lxb_dom_element_t* element) {
    for (lxb_dom_attr_t* attribute = lxb_dom_element_first_attribute(element); attribute != nullptr;
         attribute = lxb_dom_element_next_attribute(attribute)) {
      std::size_t length = 0;
      const lxb_char_t* raw_name = lxb_dom_attr_local_name(attribute, &length);
      const std::string_view attribute_name = ViewOf(raw_name, length);
      const std::string_view value = AttributeValue(attribute);
      if (attribute_name == "href") {
        href = value;
      } else if (attribute_name == "rel") {
        rel = value;
      } else if (attribute_name == "role") {
        role = value;
      } else if (attribute_name == "class") {
        class_name = value;
      } else if (attribute_name == "id") {
        id = value;
      } else if (attribute_name == "style") {
        style = value;
      } else if (attribute_name == "alt") {
        alt = value;
      } else if (attribute_name == "name") {
        name = value;
      } else if (attribute_name == "content") {
        content = value;
      } else if (attribute_name == "aria-hidden") {
        aria_hidden = value;
      } else if (attribute_name == "hidden") {
        hidden = true;
      }
    }
  }
};

std::optional<Region> RegionOfRole(std::string_view roles) {
  std::optional<Region> region;
  // ARIA takes the first role token it recognises.
  ForEachToken(roles, [&](std::string_view role) {
    if (region) return;
    if (EqualsIgnoreCase(role, "navigation")) region = Region::kNavigation;
    if (EqualsIgnoreCase(role, "banner")) region = Region::kHeader;
    if (EqualsIgnoreCase(role, "contentinfo")) region = Region::kFooter;
    if (EqualsIgnoreCase(role, "complementary")) region = Region::kSidebar;
  });
  return region;
}

// The region an element itself marks: its tag or ARIA role first, then class/id conventions of
// blog engines and comment widgets (WordPress "comment-content", Disqus, "sidebar", "widget").
std::optional<Region> RegionOf(lxb_tag_id_t tag, const Attributes& attributes) {
  switch (tag) {
    case LXB_TAG_NAV: return Region::kNavigation;
    case LXB_TAG_HEADER: return Region::kHeader;
    case LXB_TAG_FOOTER: return Region::kFooter;
    case LXB_TAG_ASIDE: return Region::kSidebar;
    default: break;
  }
  if (std::optional<Region> region = RegionOfRole(attributes.role)) return region;
  const auto marked = [&](std::string_view word) {
    return ContainsIgnoreCase(attributes.class_name, word) || ContainsIgnoreCase(attributes.id, word);
  };
  if (marked("comment") || marked("disqus")) return Region::kComments;
  if (marked("sidebar") || marked("widget")) return Region::kSidebar;
  return std::nullopt;
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

bool IsBlock(lxb_tag_id_t tag) {
  static constexpr auto kIsBlock = [] {
    std::array<bool, LXB_TAG__LAST_ENTRY> table{};
    for (lxb_tag_id_t block : kBlockTags) table[block] = true;
    return table;
  }();
  // Custom elements get ids past the static ones.
  return tag < kIsBlock.size() && kIsBlock[tag];
}

// Inherited state of the element being visited, carried down the walk so no link looks at its ancestors.
struct Scope {
  Region region = Region::kContent;
  bool hidden = false;
  int block = -1;         // innermost enclosing block, index into Walker::blocks_
  int anchor = -1;        // innermost enclosing <a href>, index into Walker::anchors_
  int opened_block = -1;  // the block / anchor this element itself opened, closed when it is left
  int opened_anchor = -1;
};

// A link as found in the DOM; resolution and classification wait until the document's base is known.
struct Anchor {
  std::string_view href, rel, image_alt;  // image_alt: an <area>'s alt, or that of the first <img> inside
  Region region = Region::kContent;
  bool hidden = false;
  int block = -1;
  std::size_t text_begin = 0, text_end = 0;
};

struct TextRange {
  std::size_t begin = 0, end = 0;
};

// One depth-first walk over the DOM (iterative, so deep nesting cannot exhaust the stack), collecting
// anchors with their context, the document text they index into, <base href> and <meta name=robots>.
// The string_views point into the document and live as long as it does.
class Walker {
 public:
  void Walk(lxb_dom_node_t* root) {
    lxb_dom_node_t* node = root->first_child;
    while (node != nullptr) {
      if (Enter(node) && node->first_child != nullptr) {
        node = node->first_child;
        continue;
      }
      // Leave finished nodes until one has a next sibling.
      for (;;) {
        Leave(node);
        if (node->next != nullptr) {
          node = node->next;
          break;
        }
        node = node->parent;
        if (node == root) return;
      }
    }
  }

  const std::vector<Anchor>& anchors() const { return anchors_; }
  const std::vector<TextRange>& blocks() const { return blocks_; }
  const CollapsedText& text() const { return text_; }
  std::optional<std::string_view> base_href() const { return base_href_; }
  std::optional<std::string_view> meta_robots() const { return meta_robots_; }

 private:
  // Returns whether to walk the node's children.
  bool Enter(lxb_dom_node_t* node) {
    if (node->type == LXB_DOM_NODE_TYPE_TEXT) {
      const lexbor_str_t& data = lxb_dom_interface_character_data(node)->data;
      text_.Append(std::string_view(reinterpret_cast<const char*>(data.data), data.length));
      return false;
    }
    if (node->type != LXB_DOM_NODE_TYPE_ELEMENT) return false;

    auto* element = lxb_dom_interface_element(node);
    const lxb_tag_id_t tag = lxb_dom_element_tag_id(element);
    const Attributes attributes(element);
    Scope scope = scopes_.empty() ? Scope{} : scopes_.back();
    scope.opened_block = scope.opened_anchor = -1;
    if (std::optional<Region> region = RegionOf(tag, attributes)) scope.region = *region;
    scope.hidden = scope.hidden || IsHidden(attributes);

    if (IsBlock(tag) || tag == LXB_TAG_BR) text_.Break();
    if (IsBlock(tag)) {
      scope.block = scope.opened_block = static_cast<int>(blocks_.size());
      blocks_.push_back({text_.size(), text_.size()});
    }
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
                              .text_begin = text_.size(),
                              .text_end = text_.size()});
        }
        break;
      case LXB_TAG_IMG:
        if (scope.anchor >= 0 && anchors_[scope.anchor].image_alt.empty()) {
          anchors_[scope.anchor].image_alt = TrimAsciiWhitespace(attributes.alt);
        }
        break;
      case LXB_TAG_BASE:
        if (!base_href_ && attributes.href) base_href_ = attributes.href;
        break;
      case LXB_TAG_META:
        if (!meta_robots_ && EqualsIgnoreCase(TrimAsciiWhitespace(attributes.name), "robots")) {
          meta_robots_ = attributes.content;
        }
        break;
      default: break;
    }
    scopes_.push_back(scope);
    // Script and style text is not prose; <template> content lives in a separate fragment anyway.
    return tag != LXB_TAG_SCRIPT && tag != LXB_TAG_STYLE;
  }

  void Leave(lxb_dom_node_t* node) {
    if (node->type != LXB_DOM_NODE_TYPE_ELEMENT) return;
    const Scope& scope = scopes_.back();
    if (scope.opened_anchor >= 0) anchors_[scope.opened_anchor].text_end = text_.size();
    if (scope.opened_block >= 0) {
      blocks_[scope.opened_block].end = text_.size();
      text_.Break();
    }
    scopes_.pop_back();
  }

  bool IsHidden(const Attributes& attributes) {
    return attributes.hidden || EqualsIgnoreCase(TrimAsciiWhitespace(attributes.aria_hidden), "true") ||
           (!attributes.style.empty() && styles_.Hides(attributes.style));
  }

  std::vector<Scope> scopes_;
  std::vector<Anchor> anchors_;
  std::vector<TextRange> blocks_;
  CollapsedText text_;
  std::optional<std::string_view> base_href_, meta_robots_;
  InlineStyleReader styles_;
};

// Resolves hrefs against a base URL and classifies them against the page's site.
class LinkResolver {
 public:
  LinkResolver(const ada::url_aggregator& base, std::string page_domain, const RegistrableDomains& domains)
      : base_(base), page_domain_(std::move(page_domain)), domains_(domains) {}

  // The http(s) link `href` points to, fragment dropped; nullopt for other schemes and unparseable hrefs.
  std::optional<Link> Resolve(std::string_view href) const {
    auto url = ada::parse<ada::url_aggregator>(href, &base_);
    if (!url || (url->type != ada::scheme::HTTP && url->type != ada::scheme::HTTPS)) return std::nullopt;
    url->clear_hash();
    Link link;
    link.url = url->get_href();
    link.host = url->get_hostname();
    link.registrable_domain = domains_.Of(link.host);
    link.is_backlink = link.registrable_domain != page_domain_;
    return link;
  }

 private:
  const ada::url_aggregator& base_;
  std::string page_domain_;
  const RegistrableDomains& domains_;
};

void FillAnchorText(std::string text, Link& link) {
  link.anchor_text = std::move(text);
  link.anchor_kind = link.anchor_text.empty() ? AnchorKind::kEmpty : AnchorKind::kText;
}

std::vector<Link> LinksFromHtml(const Walker& walker, const LinkResolver& resolver) {
  std::vector<Link> links;
  for (const Anchor& anchor : walker.anchors()) {
    std::optional<Link> link = resolver.Resolve(anchor.href);
    if (!link) continue;
    FillAnchorText(walker.text().Slice(anchor.text_begin, anchor.text_end), *link);
    if (link->anchor_text.empty() && !anchor.image_alt.empty()) {
      link->anchor_text = Collapse(anchor.image_alt);
      link->anchor_kind = AnchorKind::kImage;
    }
    link->rel = RelTokens(anchor.rel);
    if (anchor.block >= 0) {
      const TextRange& block = walker.blocks()[anchor.block];
      link->snippet = Snippet(walker.text(), block.begin, block.end, anchor.text_begin, anchor.text_end);
    }
    link->region = anchor.region;
    link->hidden = anchor.hidden;
    link->position = static_cast<int>(links.size());
    links.push_back(std::move(*link));
  }
  return links;
}

std::vector<Link> LinksFromCrawler(const std::vector<PreExtractedLink>& pre_extracted,
                                   const LinkResolver& resolver) {
  std::vector<Link> links;
  for (const PreExtractedLink& pre : pre_extracted) {
    std::optional<Link> link = resolver.Resolve(pre.href);
    if (!link) continue;
    FillAnchorText(Collapse(pre.text), *link);
    link->rel = RelTokens(pre.rel);
    link->position = static_cast<int>(links.size());
    links.push_back(std::move(*link));
  }
  return links;
}

}  // namespace

Result<ExtractedPage> LinkExtractor::Extract(const CrawledPage& page) const {
  auto page_url = ada::parse<ada::url_aggregator>(page.url);
  if (!page_url) return Failure{"extract", "page URL does not parse: " + page.url};
  page_url->clear_hash();

  ExtractedPage extracted;
  PageFacts& facts = extracted.page;
  facts.url = page_url->get_href();
  facts.host = page_url->get_hostname();
  facts.registrable_domain = domains_.Of(facts.host);
  facts.fetched_at = page.fetched_at;

  if (page.html.empty()) {
    extracted.links =
        LinksFromCrawler(page.links, LinkResolver(*page_url, facts.registrable_domain, domains_));
  } else {
    Document document(lxb_html_document_create());
    if (document == nullptr) return Failure{"extract", "cannot allocate an HTML document for " + page.url};
    const auto* html = reinterpret_cast<const lxb_char_t*>(page.html.data());
    if (lxb_html_document_parse(document.get(), html, page.html.size()) != LXB_STATUS_OK) {
      return Failure{"extract", "lexbor could not parse the HTML of " + page.url};
    }
    Walker walker;
    walker.Walk(lxb_dom_interface_node(document.get()));

    std::size_t title_length = 0;
    const lxb_char_t* title = lxb_html_document_title(document.get(), &title_length);
    facts.title = Collapse(ViewOf(title, title_length));
    if (lxb_dom_element_t* root = lxb_dom_document_element(lxb_dom_interface_document(document.get()))) {
      std::size_t lang_length = 0;
      const lxb_char_t* lang =
          lxb_dom_element_get_attribute(root, reinterpret_cast<const lxb_char_t*>("lang"), 4, &lang_length);
      facts.lang = TrimAsciiWhitespace(ViewOf(lang, lang_length));
    }
    if (walker.meta_robots()) facts.meta_robots = AsciiLower(TrimAsciiWhitespace(*walker.meta_robots()));

    // A <base href> that does not parse leaves the page URL as the base, as browsers do.
    std::optional<ada::url_aggregator> base;
    if (walker.base_href()) {
      if (auto parsed = ada::parse<ada::url_aggregator>(*walker.base_href(), &*page_url)) base = *parsed;
    }
    extracted.links =
        LinksFromHtml(walker, LinkResolver(base ? *base : *page_url, facts.registrable_domain, domains_));
  }
  facts.outbound_links = static_cast<int>(std::count_if(extracted.links.begin(), extracted.links.end(),
                                                        [](const Link& l) { return l.is_backlink; }));
  return extracted;
}

}  // namespace backlint
