#include "backlint/extract/region_markers.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>

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
  EXPECT_EQ(RegionOfClassAndId("postbody", ""), Region::kComments);
  EXPECT_EQ(RegionOfClassAndId("", "guestbook"), Region::kComments);
  EXPECT_EQ(RegionOfClassAndId("OUTBRAIN", ""), Region::kSponsored);
  EXPECT_EQ(RegionOfClassAndId("trc_rbox taboola-feed", ""), Region::kSponsored);
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

TEST(RegionMarkersTest, CommentsAndSponsorBlocksKeepTheirRegionInsideNestedMarks) {
  EXPECT_EQ(NestedRegion(Region::kComments, Region::kFooter), Region::kComments);
  EXPECT_EQ(NestedRegion(Region::kSponsored, Region::kSidebar), Region::kSponsored);
  EXPECT_EQ(NestedRegion(Region::kSponsored, Region::kComments), Region::kComments);
  EXPECT_EQ(NestedRegion(Region::kSidebar, Region::kComments), Region::kComments);
  EXPECT_EQ(NestedRegion(Region::kContent, Region::kFooter), Region::kFooter);
  EXPECT_EQ(NestedRegion(Region::kFooter, Region::kNavigation), Region::kNavigation);
}

TEST(RegionMarkersTest, EveryMarkerWordIsRecognisedInAnyCaseAndNoLongerOrShorter) {
  const std::pair<std::string_view, Region> markers[] = {
      {"comment", Region::kComments},     {"comments", Region::kComments},   {"commentlist", Region::kComments},
      {"disqus", Region::kComments},      {"reply", Region::kComments},      {"replies", Region::kComments},
      {"signature", Region::kComments},   {"sig", Region::kComments},        {"postsig", Region::kComments},
      {"postbody", Region::kComments},    {"guestbook", Region::kComments},  {"sponsored", Region::kSponsored},
      {"sponsor", Region::kSponsored},    {"partner", Region::kSponsored},   {"partners", Region::kSponsored},
      {"advert", Region::kSponsored},     {"advertisement", Region::kSponsored}, {"ad", Region::kSponsored},
      {"ads", Region::kSponsored},        {"promo", Region::kSponsored},     {"promoted", Region::kSponsored},
      {"outbrain", Region::kSponsored},   {"taboola", Region::kSponsored},   {"related", Region::kRelated},
      {"recommended", Region::kRelated},  {"sidebar", Region::kSidebar},     {"widget", Region::kSidebar},
      {"widgets", Region::kSidebar}};
  for (const auto& [word, region] : markers) {
    std::string upper(word);
    for (char& c : upper) c = static_cast<char>(c - 'a' + 'A');
    EXPECT_EQ(RegionOfClassAndId(word, ""), region) << word;
    EXPECT_EQ(RegionOfClassAndId("", upper), region) << upper;
    EXPECT_EQ(RegionOfClassAndId(std::string(word) + "x", ""), std::nullopt) << word;
    EXPECT_EQ(RegionOfClassAndId(word.substr(1), ""), std::nullopt) << word;
  }
}

TEST(RegionMarkersTest, WordsAreFoundAcrossAndAtTheEndOfLongAttributes) {
  // Attributes are read sixteen bytes at a time: a marker may straddle two blocks or end the attribute.
  EXPECT_EQ(RegionOfClassAndId("col-md-12 text-advertisement", ""), Region::kSponsored);
  for (std::size_t offset = 50; offset < 70; ++offset) {
    EXPECT_EQ(RegionOfClassAndId(std::string(offset, 'b') + " widget x", ""), Region::kSidebar) << offset;
    EXPECT_EQ(RegionOfClassAndId(std::string(offset, 'b') + " widget", ""), Region::kSidebar) << offset;
    EXPECT_EQ(RegionOfClassAndId(std::string(offset, 'b') + "widget", ""), std::nullopt) << offset;
    EXPECT_EQ(RegionOfClassAndId("", "ad-" + std::string(offset, 'b') + "-" + std::string(offset, 'c')),
              Region::kSponsored)
        << offset;
  }
  EXPECT_EQ(RegionOfClassAndId(std::string(200, 'p') + "-promo-" + std::string(100, 'p'), ""), Region::kSponsored);
  EXPECT_EQ(RegionOfClassAndId("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa widget", ""), Region::kSidebar);
  EXPECT_EQ(RegionOfClassAndId("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-ad", ""), Region::kSponsored);
  EXPECT_EQ(RegionOfClassAndId("", "x-y-z-w-v-u-t-s-q-p-o-commentlist-n"), Region::kComments);
  EXPECT_EQ(RegionOfClassAndId("aaaaaaaaaaaaaaaadvertisement", ""), std::nullopt);
  EXPECT_EQ(RegionOfClassAndId("sidebarsidebarsidebar", ""), std::nullopt);
  // Only ASCII letters and digits make words: accented letters, like punctuation, separate them.
  EXPECT_EQ(RegionOfClassAndId("caf\xC3\xA9-promo\xC3\xA9", ""), Region::kSponsored);
  EXPECT_EQ(RegionOfClassAndId("ad2 2ad", ""), std::nullopt);
}

TEST(RegionMarkersTest, ShortAttributesAreReadWholeAtEveryLength) {
  // Attributes under sixteen bytes (most of them) are loaded in pieces that overlap: every byte must count.
  for (std::size_t padding = 0; padding + 3 < 16; ++padding) {
    const std::string before = std::string(padding, '-');
    EXPECT_EQ(RegionOfClassAndId(before + "ads", ""), Region::kSponsored) << padding;
    EXPECT_EQ(RegionOfClassAndId(before + "ads" + std::string(12 - padding, '_'), ""), Region::kSponsored) << padding;
    EXPECT_EQ(RegionOfClassAndId(before + "adz", ""), std::nullopt) << padding;
    EXPECT_EQ(RegionOfClassAndId(std::string(padding, 'x') + "ads", ""), padding == 0 ? std::optional(Region::kSponsored)
                                                                                      : std::nullopt)
        << padding;
  }
}

TEST(RegionMarkersTest, ClassAndIdReadApartCombineAsReadTogether) {
  const std::string_view marks[] = {"", "plain", "comment-body", "ad", "related", "widget", "sidebar ad",
                                    "reply related", "promo widget", "sig"};
  for (std::string_view class_name : marks) {
    for (std::string_view id : marks) {
      EXPECT_EQ(RegionOfClassAndId(class_name, id),
                MoreTelling(RegionOfClassAndId(class_name, {}), RegionOfClassAndId({}, id)))
          << class_name << " / " << id;
    }
  }
}

}  // namespace
}  // namespace backlint
