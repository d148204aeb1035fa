#include "backlint/extract/tracking_ids.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace backlint {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(TrackingIdsTest, FindsAnalyticsTagManagerAndAdSenseIdsOnce) {
  TrackingIds ids;
  ids.Scan("ga('create', 'UA-123456-7', 'auto'); gtag('config', 'G-AB12CD34EF');");
  ids.Scan("https://www.googletagmanager.com/ns.html?id=GTM-K9XJ2Q");
  ids.Scan("ca-pub-1234567890123456");
  ids.Scan("ga('create', 'UA-123456-7')");
  EXPECT_THAT(ids.ids(), ElementsAre("UA-123456-7", "G-AB12CD34EF", "GTM-K9XJ2Q", "ca-pub-1234567890123456"));
}

TEST(TrackingIdsTest, IgnoresLookalikes) {
  TrackingIds ids;
  ids.Scan("G-FORCE training, XUA-1234-1, UA-12-1, ca-pub-12");
  EXPECT_THAT(ids.ids(), IsEmpty());
}

TEST(TrackingIdsTest, CountIsBounded) {
  TrackingIds ids;
  std::string many;
  for (int i = 0; i < 100; ++i) many += " UA-" + std::to_string(100000 + i) + "-1";
  ids.Scan(many);
  EXPECT_EQ(ids.ids().size(), TrackingIds::kMaxIds);
}

}  // namespace
}  // namespace backlint
