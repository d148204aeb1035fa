#include "backlint/extract/page_terms.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace backlint {
namespace {

using ::testing::ElementsAre;

TEST(PageTermsTest, WeightedFrequenciesWithoutStopWordsOrNumbers) {
  // alps and hiking both weigh 3 + 2, so they tie and sort alphabetically.
  PageTerms terms;
  terms.Add("Hiking the Alps", 3);
  terms.Add("The alps in 2024: hiking, hiking and the glaciers of the Alps", 1);
  EXPECT_THAT(terms.Top(3), ElementsAre("alps", "hiking", "glaciers"));
  EXPECT_THAT(terms.Top(10), ElementsAre("alps", "hiking", "glaciers"));
}

TEST(PageTermsTest, TiesAreAlphabeticalAndShortWordsSkipped) {
  PageTerms terms;
  terms.Add("zebra apple an ox", 1);
  EXPECT_THAT(terms.Top(5), ElementsAre("apple", "zebra"));
}

TEST(PageTermsTest, StopWordsStayOutHoweverOftenAndInWhateverCase) {
  PageTerms terms;
  terms.Add("The THE the Because because themselves", 5);
  terms.Add("garden the gardens Themselves", 1);
  EXPECT_THAT(terms.Top(5), ElementsAre("garden", "gardens"));
}

}  // namespace
}  // namespace backlint
