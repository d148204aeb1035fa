#include "backlint/extract/nesting_guard.h"

#include <gtest/gtest.h>
#include <lexbor/html/html.h>

#include <cstddef>
#include <memory>
#include <string>
#include <utility>

namespace backlint {
namespace {

struct DocumentDeleter {
  void operator()(lxb_html_document_t* document) const { lxb_html_document_destroy(document); }
};
using Document = std::unique_ptr<lxb_html_document_t, DocumentDeleter>;

std::string Repeated(const std::string& text, int times) {
  std::string repeated;
  for (int i = 0; i < times; ++i) repeated += text;
  return repeated;
}

// The deepest element's depth (the <html> element is at 1), found without recursion.
std::size_t DeepestElement(lxb_html_document_t* document) {
  std::size_t deepest = 0;
  std::size_t depth = 0;
  lxb_dom_node_t* root = lxb_dom_interface_node(document);
  lxb_dom_node_t* node = root->first_child;
  while (node != nullptr) {
    if (node->type == LXB_DOM_NODE_TYPE_ELEMENT) deepest = std::max(deepest, depth + 1);
    if (node->type == LXB_DOM_NODE_TYPE_ELEMENT && node->first_child != nullptr) {
      ++depth;
      node = node->first_child;
      continue;
    }
    while (node != root && node->next == nullptr) {
      node = node->parent;
      if (node->type == LXB_DOM_NODE_TYPE_ELEMENT) --depth;
    }
    node = node == root ? nullptr : node->next;
  }
  return deepest;
}

// The tag of the parent of the first element named `tag`, or "" when there is none.
std::string ParentTagOfFirst(lxb_html_document_t* document, const std::string& tag) {
  lxb_dom_collection_t* found = lxb_dom_collection_make(lxb_dom_interface_document(document), 16);
  lxb_dom_elements_by_tag_name(lxb_dom_interface_element(document->body), found,
                               reinterpret_cast<const lxb_char_t*>(tag.data()), tag.size());
  std::string parent;
  if (lxb_dom_collection_length(found) > 0) {
    lxb_dom_node_t* node = lxb_dom_interface_node(lxb_dom_collection_element(found, 0))->parent;
    std::size_t length = 0;
    const lxb_char_t* name = lxb_dom_element_local_name(lxb_dom_interface_element(node), &length);
    parent.assign(reinterpret_cast<const char*>(name), length);
  }
  lxb_dom_collection_destroy(found, true);
  return parent;
}

TEST(NestingGuardTest, ShallowPagesParseAsLexborParsesThem) {
  const std::string html = "<!doctype html><title>T</title><div><p>one<p>two <b>bold <i>both</b> after</i></div>";
  Document guarded(lxb_html_document_create());
  Document plain(lxb_html_document_create());
  const NestedParse parse = ParseWithBoundedNesting(guarded.get(), html, 64);
  ASSERT_TRUE(parse.parsed);
  EXPECT_FALSE(parse.flattened);
  ASSERT_EQ(lxb_html_document_parse(plain.get(), reinterpret_cast<const lxb_char_t*>(html.data()), html.size()),
            LXB_STATUS_OK);
  std::size_t guarded_length = 0, plain_length = 0;
  const std::string guarded_text(reinterpret_cast<const char*>(lxb_dom_node_text_content(
                                     lxb_dom_interface_node(guarded.get()), &guarded_length)),
                                 guarded_length);
  const std::string plain_text(reinterpret_cast<const char*>(
                                   lxb_dom_node_text_content(lxb_dom_interface_node(plain.get()), &plain_length)),
                               plain_length);
  EXPECT_EQ(guarded_text, plain_text);
  EXPECT_EQ(DeepestElement(guarded.get()), DeepestElement(plain.get()));
  EXPECT_EQ(ParentTagOfFirst(guarded.get(), "i"), ParentTagOfFirst(plain.get(), "i"));
}

TEST(NestingGuardTest, HostileNestingIsFlattenedAtTheLimitAndTheRestOfThePageKeepsItsShape) {
  // 100,000 nested <div>s: unguarded, lexbor spends minutes on them.
  const std::string html = "<body>" + Repeated("<div>", 100000) + "<a href='/deep'>deep<img alt=x></a>" +
                           Repeated("</div>", 100000) + "<p id=after>after <a href='/after'>link</a></p>";
  Document document(lxb_html_document_create());
  const NestedParse parse = ParseWithBoundedNesting(document.get(), html, 64);
  ASSERT_TRUE(parse.parsed);
  EXPECT_TRUE(parse.flattened);
  EXPECT_LE(DeepestElement(document.get()), 66u);  // the limit, then the kept <a> and its <img>
  EXPECT_EQ(ParentTagOfFirst(document.get(), "img"), "a");
  // The dropped <div>s' end tags are dropped too, so they close nothing above the limit.
  EXPECT_EQ(ParentTagOfFirst(document.get(), "p"), "body");
}

TEST(NestingGuardTest, ScriptsPastTheLimitStayScripts) {
  const std::string html = Repeated("<span>", 50) + "<script>if (a<b) run()</script><b>bold</b> text";
  Document document(lxb_html_document_create());
  const NestedParse parse = ParseWithBoundedNesting(document.get(), html, 8);
  ASSERT_TRUE(parse.parsed);
  EXPECT_TRUE(parse.flattened);
  EXPECT_EQ(ParentTagOfFirst(document.get(), "script"), "span");
  EXPECT_EQ(ParentTagOfFirst(document.get(), "b"), "");  // the <b> past the limit is dropped...
  std::size_t length = 0;
  const lxb_char_t* text = lxb_dom_node_text_content(lxb_dom_interface_node(document->body), &length);
  // ...its text kept, and the script's text read as script text, not as a <b) tag.
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(text), length), "if (a<b) run()bold text");
}

}  // namespace
}  // namespace backlint
