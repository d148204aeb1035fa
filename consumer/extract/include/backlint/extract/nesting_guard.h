#pragma once
// HTML parsing with bounded nesting. lexbor's tree builder scans the stack of open elements for most start
// tags, so a page of 100,000 nested <div>s takes it minutes; bounding the stack keeps parsing linear.
#include <cstddef>
#include <string_view>

struct lxb_html_document;

namespace backlint {

struct NestedParse {
  bool parsed = false;     // lexbor's status was OK
  bool flattened = false;  // some elements were not nested deeper (see ParseWithBoundedNesting)
};

// Parses `html` into the new `document` as lxb_html_document_parse does, except that once `max_depth`
// elements are open, further start tags of elements that would nest (a <div>, not an <img>) are dropped
// with their matching end tags: their content, text and links alike, goes into the element at the limit.
// Links (<a>, <area>) and elements whose content the tokenizer reads differently (<script>, <title>,
// <textarea>...) are always kept.
NestedParse ParseWithBoundedNesting(lxb_html_document* document, std::string_view html, std::size_t max_depth);

}  // namespace backlint
