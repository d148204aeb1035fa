#include "backlint/publish/offset_tracker.h"

#include <gtest/gtest.h>

namespace backlint {
namespace {

using Offsets = std::map<int32_t, int64_t>;

TEST(OffsetTrackerTest, MessageWithoutOutputsIsCommittableAtOnce) {
  OffsetTracker tracker;
  tracker.Consumed(0, 41, 0);
  EXPECT_EQ(tracker.Committable(), (Offsets{{0, 42}}));
  EXPECT_EQ(tracker.in_flight(), 0u);
}

TEST(OffsetTrackerTest, OffsetWaitsForEveryOutputAcknowledgement) {
  OffsetTracker tracker;
  tracker.Consumed(0, 10, 2);
  EXPECT_EQ(tracker.in_flight(), 1u);
  tracker.Acknowledged(0, 10);
  EXPECT_TRUE(tracker.Committable().empty());
  tracker.Acknowledged(0, 10);
  EXPECT_EQ(tracker.Committable(), (Offsets{{0, 11}}));
  EXPECT_EQ(tracker.in_flight(), 0u);
}

TEST(OffsetTrackerTest, LaterOffsetDoesNotOvertakeAnUnacknowledgedEarlierOne) {
  OffsetTracker tracker;
  tracker.Consumed(0, 1, 1);
  tracker.Consumed(0, 2, 1);
  tracker.Acknowledged(0, 2);
  EXPECT_TRUE(tracker.Committable().empty());
  tracker.Acknowledged(0, 1);
  EXPECT_EQ(tracker.Committable(), (Offsets{{0, 3}}));
}

TEST(OffsetTrackerTest, FailedDeliveryBlocksItsPartitionOnly) {
  OffsetTracker tracker;
  tracker.Consumed(0, 5, 1);
  tracker.Consumed(0, 6, 0);
  tracker.Consumed(1, 7, 1);
  tracker.Failed(0, 5);
  tracker.Acknowledged(1, 7);
  EXPECT_EQ(tracker.Committable(), (Offsets{{1, 8}}));
  EXPECT_EQ(tracker.in_flight(), 0u);  // settled, though never committable
}

TEST(OffsetTrackerTest, GapsInOffsetsFollowConsumedOrder) {
  OffsetTracker tracker;  // compacted topics and transaction markers leave gaps
  tracker.Consumed(3, 100, 0);
  tracker.Consumed(3, 250, 0);
  EXPECT_EQ(tracker.Committable(), (Offsets{{3, 251}}));
}

TEST(OffsetTrackerTest, UncommittedPositionIsOfferedAgainUntilMarkedCommitted) {
  OffsetTracker tracker;
  tracker.Consumed(0, 1, 0);
  const Offsets first = tracker.Committable();
  EXPECT_EQ(tracker.Committable(), first);  // a failed commit leaves it pending
  tracker.MarkCommitted(first);
  EXPECT_TRUE(tracker.Committable().empty());
  tracker.Consumed(0, 2, 0);
  EXPECT_EQ(tracker.Committable(), (Offsets{{0, 3}}));
}

TEST(OffsetTrackerTest, MarkingAnOlderCommitKeepsTheNewerPosition) {
  OffsetTracker tracker;
  tracker.Consumed(0, 1, 0);
  const Offsets older = tracker.Committable();
  tracker.Consumed(0, 2, 0);
  tracker.Committable();
  tracker.MarkCommitted(older);
  EXPECT_EQ(tracker.Committable(), (Offsets{{0, 3}}));
}

TEST(OffsetTrackerTest, AcknowledgementsForUnknownOffsetsAreIgnored) {
  OffsetTracker tracker;
  tracker.Acknowledged(9, 9);
  tracker.Failed(9, 9);
  tracker.Consumed(0, 1, 1);
  tracker.Acknowledged(0, 2);
  EXPECT_TRUE(tracker.Committable().empty());
  EXPECT_EQ(tracker.in_flight(), 1u);
}

TEST(OffsetTrackerTest, ForgottenPartitionOffersNothingAndIgnoresLateAcknowledgements) {
  OffsetTracker tracker;
  tracker.Consumed(0, 1, 0);
  tracker.Consumed(0, 2, 1);
  tracker.Consumed(1, 5, 0);
  tracker.Forget(0);
  EXPECT_EQ(tracker.in_flight(), 0u);
  EXPECT_EQ(tracker.Committable(), (Offsets{{1, 6}}));
  tracker.Acknowledged(0, 2);
  EXPECT_EQ(tracker.Committable(), (Offsets{{1, 6}}));
}

}  // namespace
}  // namespace backlint
