#pragma once
// Whether an inline `style` attribute hides its element from readers, read with lexbor's CSS declaration
// parser (created on the first style a page has; most elements have none).
#include <string_view>

struct lxb_css_parser;
struct lxb_css_memory;

namespace backlint {

class CssVisibility {
 public:
  CssVisibility() = default;
  CssVisibility(const CssVisibility&) = delete;
  CssVisibility& operator=(const CssVisibility&) = delete;
  ~CssVisibility();

  // True for display:none, visibility:hidden|collapse, opacity:0, font-size:0, a text-indent of -999px or
  // further, position:absolute|fixed with left or top at -999px or further, and width or height 0 with
  // overflow hidden. Per property the winning declaration decides (later beats earlier unless the earlier
  // is !important). Unparseable styles hide nothing.
  bool Hides(std::string_view style);

 private:
  bool Ready();

  lxb_css_parser* parser_ = nullptr;
  lxb_css_memory* memory_ = nullptr;
  bool failed_ = false;
};

}  // namespace backlint
