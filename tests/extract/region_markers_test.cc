#include "backlint/extract/region_markers.h"

#include <gtest/gtest.h>

namespace backlint {
namespace {

TEST(RegionMarkersTest, WholeWordsOfClassAndIdMarkRegions) {
  EXPECT_EQ(RegionOfClassAndId("comment-body", ""), Region::kComments);
  EXPECT_EQ(RegionOfClassAndId("", "disqus_thread"), Region::kComments);
  EXPECT_EQ(RegionOfClassAndId("commentList", ""), Region::kComments);
  EXPECT_EQ(RegionOfClassAndId("postsig", ""), Region::kComments);
  EXPECT_EQ(RegionOfClassAndId("header-ad", ""), Region::kSponsored);
  EXPECT_EQ(RegionOfClassAndId("ad-slot", ""), Region::kSponsored);
  EXPECT_EQ(RegionOfClassAndId("partner links", ""), Region::kSponsored);
  EXPECT_EQ(RegionOfClassAndId("related-posts", ""), Region::kRelated);
  EXPECT_EQ(RegionOfClassAndId("", "recommended"), Region::kRelated);
  EXPECT_EQ(RegionOfClassAndId("widget_text", ""), Region::kSidebar);
}

TEST(RegionMarkersTest, WordsInsideOtherWordsDoNotMark) {
  EXPECT_EQ(RegionOfClassAndId("shadow", "download"), std::nullopt);
  EXPECT_EQ(RegionOfClassAndId("commentary headline", "loaded"), std::nullopt);
  EXPECT_EQ(RegionOfClassAndId("", ""), std::nullopt);
}

TEST(RegionMarkersTest, MostTellingMarkerWins) {
  EXPECT_EQ(RegionOfClassAndId("widget related-posts", ""), Region::kRelated);
  EXPECT_EQ(RegionOfClassAndId("sidebar", "sponsored"), Region::kSponsored);
  EXPECT_EQ(RegionOfClassAndId("ad comment", ""), Region::kComments);
}

}  // namespace
}  // namespace backlint
