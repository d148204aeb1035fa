#include "backlint/extract/css_visibility.h"

#include <gtest/gtest.h>

namespace backlint {
namespace {

TEST(CssVisibilityTest, HidingIdioms) {
  CssVisibility css;
  EXPECT_TRUE(css.Hides("display:none"));
  EXPECT_TRUE(css.Hides("visibility: hidden"));
  EXPECT_TRUE(css.Hides("font-size:0"));
  EXPECT_TRUE(css.Hides("font-size: 0px"));
  EXPECT_TRUE(css.Hides("text-indent:-9999px"));
  EXPECT_TRUE(css.Hides("text-indent: -100em"));
  EXPECT_TRUE(css.Hides("position:absolute; left:-5000px"));
  EXPECT_TRUE(css.Hides("position:fixed;top:-999px"));
  EXPECT_TRUE(css.Hides("opacity:0"));
  EXPECT_TRUE(css.Hides("width:0;height:0;overflow:hidden"));
  EXPECT_TRUE(css.Hides("height:0px; overflow-y:hidden"));
  EXPECT_TRUE(css.Hides("opacity:0 !important; opacity:1"));  // !important wins
}

TEST(CssVisibilityTest, VisibleLookalikes) {
  CssVisibility css;
  EXPECT_FALSE(css.Hides("font-size:12px"));
  EXPECT_FALSE(css.Hides("text-indent:-2em"));
  EXPECT_FALSE(css.Hides("left:-5000px"));  // not positioned: left has no effect
  EXPECT_FALSE(css.Hides("position:relative; left:-5000px"));
  EXPECT_FALSE(css.Hides("opacity:0.5"));
  EXPECT_FALSE(css.Hides("width:0"));  // content overflows visibly
  EXPECT_FALSE(css.Hides("height:0;overflow:visible"));
  EXPECT_FALSE(css.Hides("opacity:0; opacity:1"));
  EXPECT_FALSE(css.Hides("not css at all {"));
}

}  // namespace
}  // namespace backlint
