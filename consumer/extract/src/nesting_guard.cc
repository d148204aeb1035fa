#include "backlint/extract/nesting_guard.h"

#include <lexbor/html/html.h>

#include <unordered_map>

namespace backlint {
namespace {

// Start tags kept past the depth limit: links, elements that never hold children, and elements whose
// content the tree builder switches the tokenizer for (dropping those would read a script as markup).
bool KeptPastTheLimit(lxb_tag_id_t tag) {
  switch (tag) {
    case LXB_TAG_A: case LXB_TAG_AREA:
    case LXB_TAG_BASE: case LXB_TAG_BR: case LXB_TAG_COL: case LXB_TAG_EMBED: case LXB_TAG_HR: case LXB_TAG_IMG:
    case LXB_TAG_INPUT: case LXB_TAG_LINK: case LXB_TAG_META: case LXB_TAG_SOURCE: case LXB_TAG_TRACK:
    case LXB_TAG_WBR:
    case LXB_TAG_SCRIPT: case LXB_TAG_STYLE: case LXB_TAG_TEXTAREA: case LXB_TAG_TITLE: case LXB_TAG_XMP:
    case LXB_TAG_IFRAME: case LXB_TAG_NOEMBED: case LXB_TAG_NOFRAMES: case LXB_TAG_NOSCRIPT:
    case LXB_TAG_PLAINTEXT:
      return true;
    default:
      return false;
  }
}

// Sits between lexbor's tokenizer and its tree builder, passing every token on but the dropped tags.
class Guard {
 public:
  Guard(lxb_html_parser_t& parser, std::size_t max_depth)
      : tokenizer_(parser.tkz),
        tree_(*parser.tree),
        max_depth_(max_depth),
        tree_callback_(parser.tkz->callback_token_done),
        tree_context_(parser.tkz->callback_token_ctx) {
    lxb_html_tokenizer_callback_token_done_set(tokenizer_, &Guard::OnToken, this);
  }
  Guard(const Guard&) = delete;
  Guard& operator=(const Guard&) = delete;
  // The document keeps its parser: it must not call back into a guard that is gone.
  ~Guard() { lxb_html_tokenizer_callback_token_done_set(tokenizer_, tree_callback_, tree_context_); }

  bool flattened() const { return flattened_; }

 private:
  static lxb_html_token_t* OnToken(lxb_html_tokenizer_t* tokenizer, lxb_html_token_t* token, void* context) {
    auto& guard = *static_cast<Guard*>(context);
    if (guard.Drops(*token)) return token;  // the tokenizer clears it for the next one
    return guard.tree_callback_(tokenizer, token, guard.tree_context_);
  }

  bool Drops(const lxb_html_token_t& token) {
    if (token.tag_id < LXB_TAG_A) return false;  // text, comments, doctype, end of file
    if ((token.type & LXB_HTML_TOKEN_TYPE_CLOSE) != 0) {
      if (!flattened_) return false;  // nothing dropped yet: most pages never look the tag up
      auto dropped = dropped_open_.find(token.tag_id);
      if (dropped == dropped_open_.end() || dropped->second == 0) return false;
      --dropped->second;
      return true;
    }
    if (lexbor_array_length(tree_.open_elements) < max_depth_ || KeptPastTheLimit(token.tag_id)) return false;
    ++dropped_open_[token.tag_id];
    flattened_ = true;
    return true;
  }

  lxb_html_tokenizer_t* tokenizer_;
  lxb_html_tree_t& tree_;
  std::size_t max_depth_;
  lxb_html_tokenizer_token_f tree_callback_;
  void* tree_context_;
  std::unordered_map<lxb_tag_id_t, std::size_t> dropped_open_;  // start tags dropped and not yet closed
  bool flattened_ = false;
};

}  // namespace

NestedParse ParseWithBoundedNesting(lxb_html_document* document, std::string_view html, std::size_t max_depth) {
  NestedParse parse;
  if (lxb_html_document_parse_chunk_begin(document) != LXB_STATUS_OK) return parse;
  Guard guard(*static_cast<lxb_html_parser_t*>(lxb_dom_interface_document(document)->parser), max_depth);
  parse.parsed =
      lxb_html_document_parse_chunk(document, reinterpret_cast<const lxb_char_t*>(html.data()), html.size()) ==
          LXB_STATUS_OK &&
      lxb_html_document_parse_chunk_end(document) == LXB_STATUS_OK;
  parse.flattened = guard.flattened();
  return parse;
}

}  // namespace backlint
