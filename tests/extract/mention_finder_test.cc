#include "backlint/extract/mention_finder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace backlint {
namespace {

CollapsedText TextOf(std::string_view text) {
  CollapsedText collapsed;
  collapsed.Append(text);
  return collapsed;
}

TEST(MentionFinderTest, WholeWordMentionsOutsideLinks) {
  const MentionFinder finder({"example.com"}, {"Acme Corp"});
  // "Try Example.com today. acme corp rocks. www.example.com example.com.evil.net notexample.com [example.com]"
  const CollapsedText text = TextOf(
      "Try Example.com today. acme corp rocks. www.example.com example.com.evil.net notexample.com example.com");
  const std::size_t linked = text.str().rfind("example.com");
  const std::vector<Mention> mentions = finder.Find(text, {{linked, linked + 11}});
  ASSERT_EQ(mentions.size(), 3u);
  EXPECT_EQ(mentions[0].term, "example.com");
  EXPECT_EQ(mentions[0].position, 4);
  EXPECT_TRUE(mentions[0].is_domain);
  EXPECT_EQ(mentions[1].term, "Acme Corp");
  EXPECT_FALSE(mentions[1].is_domain);
  EXPECT_EQ(mentions[2].position, static_cast<int>(text.str().find("www.") + 4));
  EXPECT_THAT(mentions[0].snippet, ::testing::HasSubstr("Try Example.com today."));
}

TEST(MentionFinderTest, TermOnBothListsIsReportedOnceAsEachKind) {
  const MentionFinder finder({"acme.io"}, {"acme.io"});
  const std::vector<Mention> mentions = finder.Find(TextOf("We moved to acme.io last year."), {});
  ASSERT_EQ(mentions.size(), 2u);
  EXPECT_NE(mentions[0].is_domain, mentions[1].is_domain);
}

TEST(MentionFinderTest, WatchedTargets) {
  const MentionFinder finder({"example.com"}, {"Acme Corp"});
  EXPECT_TRUE(finder.Watches("example.com", "example.com"));
  EXPECT_TRUE(finder.Watches("shop.example.com", "example.com"));
  EXPECT_FALSE(finder.Watches("notexample.com", "notexample.com"));
  EXPECT_TRUE(finder.Watches("www.acmecorp.net", "acmecorp.net"));
  EXPECT_FALSE(finder.Watches("other.org", "other.org"));
  EXPECT_TRUE(MentionFinder({}, {}).empty());
}

}  // namespace
}  // namespace backlint
