#include "backlint/extract/tracking_ids.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <re2/re2.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

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

// The straightforward definition: the documented pattern over the whole text, left to right, GA4 ids
// without a digit dropped.
std::vector<std::string> WholeTextIds(const std::string& text) {
  static const RE2 pattern(R"(\b(UA-\d{4,10}-\d{1,4}|G-[A-Z0-9]{6,12}|GTM-[A-Z0-9]{4,9}|ca-pub-\d{10,20})\b)");
  std::vector<std::string> ids;
  re2::StringPiece input(text), match;
  while (ids.size() < TrackingIds::kMaxIds && RE2::FindAndConsume(&input, pattern, &match)) {
    const std::string id(match.data(), match.size());
    if (id.starts_with("G-") && std::none_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  return ids;
}

// Scan runs the pattern only in windows around candidate dashes; on texts dense with ids, near-misses,
// adjacent and overlapping lookalikes it finds what the whole-text scan finds.
TEST(TrackingIdsTest, WindowedScanFindsWhatAWholeTextScanFinds) {
  const std::vector<std::string> pieces = {
      "UA-", "G-", "GTM-", "ca-pub-", "pub-", "ca-", "1234", "12345678901", "0", "99999", "ABCDEF", "AB12CD",
      "XYZ", "-", " ", "_", ".", "'", "x", "Z9", "G", "M", "UA", "1234567890123456", "12345678901234567890",
      "123456789012345678901", "\xC3\xA9"};
  std::mt19937 random(7);
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const int count = 1 + static_cast<int>(random() % 24);
    for (int i = 0; i < count; ++i) text += pieces[random() % pieces.size()];
    TrackingIds ids;
    ids.Scan(text);
    ASSERT_EQ(ids.ids(), WholeTextIds(text)) << text;
  }
}

}  // namespace
}  // namespace backlint
