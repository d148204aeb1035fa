#include "backlint/encode/mention_encoder.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <string>

namespace backlint {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

PageFacts SamplePage() {
  PageFacts page;
  page.url = "https://blog.example.com/post";
  page.host = "blog.example.com";
  page.registrable_domain = "example.com";
  page.title = "A post";
  page.fetched_at = "2024-05-01T12:00:00Z";
  page.body_words = 250;
  return page;
}

Mention SampleMention() {
  return Mention{.term = "Acme Corp", .snippet = "we bought ACME CORP gadgets", .position = 42};
}

TEST(MentionEventIdTest, IsDeterministicLowerCaseHexOfTheIdentityFields) {
  const std::string id = MentionEventId(SamplePage(), SampleMention());
  EXPECT_THAT(id, MatchesRegex("[0-9a-f]{32}"));
  EXPECT_EQ(id, MentionEventId(SamplePage(), SampleMention()));

  Mention elsewhere = SampleMention();
  elsewhere.position = 43;
  EXPECT_NE(MentionEventId(SamplePage(), elsewhere), id);
  Mention other_term = SampleMention();
  other_term.term = "Acme";
  EXPECT_NE(MentionEventId(SamplePage(), other_term), id);
  PageFacts refetched = SamplePage();
  refetched.fetched_at = "2024-05-02T12:00:00Z";
  EXPECT_NE(MentionEventId(refetched, SampleMention()), id);

  Mention reworded = SampleMention();  // the snippet is context, not identity
  reworded.snippet = "other text";
  EXPECT_EQ(MentionEventId(SamplePage(), reworded), id);
}

TEST(BuildMentionEventTest, FillsEveryField) {
  const v1::MentionEvent event = BuildMentionEvent(SamplePage(), SampleMention(), MentionKind::kBrand);
  EXPECT_EQ(event.event_id(), MentionEventId(SamplePage(), SampleMention()));
  EXPECT_EQ(event.source().url(), "https://blog.example.com/post");
  EXPECT_EQ(event.source().host(), "blog.example.com");
  EXPECT_EQ(event.source().registrable_domain(), "example.com");
  EXPECT_EQ(event.source().title(), "A post");
  EXPECT_EQ(event.source().fetched_at(), "2024-05-01T12:00:00Z");
  EXPECT_EQ(event.source().facts().body_words(), 250);
  EXPECT_EQ(event.term(), "Acme Corp");
  EXPECT_EQ(event.kind(), v1::MENTION_KIND_BRAND);
  EXPECT_EQ(event.snippet(), "we bought ACME CORP gadgets");
  EXPECT_EQ(event.position(), 42);
  EXPECT_EQ(BuildMentionEvent(SamplePage(), SampleMention(), MentionKind::kDomain).kind(),
            v1::MENTION_KIND_DOMAIN);
}

TEST(EncodeMentionTest, KeyIsTheLowerCasedTermAndBothFormatsRoundTrip) {
  const v1::MentionEvent event = BuildMentionEvent(SamplePage(), SampleMention(), MentionKind::kBrand);

  Result<EncodedEvent> binary = Encode(event, EventFormat::kProtobuf);
  ASSERT_TRUE(binary.ok()) << binary.failure().reason;
  EXPECT_EQ(binary.value().key, "acme corp");
  EXPECT_EQ(binary.value().kind, EventKind::kMention);
  v1::MentionEvent parsed;
  ASSERT_TRUE(parsed.ParseFromString(binary.value().value));
  EXPECT_EQ(parsed.term(), "Acme Corp");

  Result<EncodedEvent> json = Encode(event, EventFormat::kJson);
  ASSERT_TRUE(json.ok()) << json.failure().reason;
  EXPECT_EQ(json.value().key, "acme corp");
  EXPECT_EQ(json.value().kind, EventKind::kMention);
  // "term" is what tells a mention line from a backlink line in `backlint score` output.
  EXPECT_THAT(json.value().value, HasSubstr(R"("term":"Acme Corp")"));
  EXPECT_THAT(json.value().value, HasSubstr(R"("kind":"MENTION_KIND_BRAND")"));
  v1::MentionEvent from_json;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.value().value, &from_json).ok());
  EXPECT_EQ(from_json.event_id(), event.event_id());
}

}  // namespace
}  // namespace backlint
