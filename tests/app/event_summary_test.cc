#include "backlint/app/event_summary.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "backlink_event.pb.h"

namespace backlint {
namespace {

using ::testing::ContainsRegex;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Pair;

// An event to `domain` with `verdict` and one flag per (rule id, category).
v1::BacklinkEvent MakeEvent(const std::string& domain, v1::Verdict verdict,
                            const std::vector<std::pair<std::string, v1::Category>>& flags = {}) {
  v1::BacklinkEvent event;
  event.mutable_target()->set_registrable_domain(domain);
  event.set_verdict(verdict);
  for (const auto& [rule_id, category] : flags) {
    v1::Flag* flag = event.add_flags();
    flag->set_rule_id(rule_id);
    flag->set_category(category);
  }
  return event;
}

std::string Printed(const EventSummary& summary) {
  std::ostringstream out;
  summary.Print(out);
  return out.str();
}

class EventSummaryTest : public ::testing::Test {
 protected:
  // Three events to two domains: one clean, one suspicious (paid), one toxic (forced keyword + spammy).
  void AddMixedEvents() {
    summary_.AddEvent(MakeEvent("wikipedia.org", v1::VERDICT_CLEAN));
    summary_.AddEvent(
        MakeEvent("casino.example", v1::VERDICT_SUSPICIOUS, {{"paid.rel-sponsored", v1::CATEGORY_PAID}}));
    summary_.AddEvent(MakeEvent("casino.example", v1::VERDICT_TOXIC,
                                {{"forced_keyword.exact-money-anchor", v1::CATEGORY_FORCED_KEYWORD},
                                 {"spammy.hidden-link", v1::CATEGORY_SPAMMY},
                                 {"paid.rel-sponsored", v1::CATEGORY_PAID}}));
  }

  EventSummary summary_;
};

TEST_F(EventSummaryTest, EmptySummaryCountsNothing) {
  EXPECT_EQ(summary_.backlinks(), 0u);
  EXPECT_THAT(summary_.verdicts(), IsEmpty());
  EXPECT_THAT(summary_.categories(), IsEmpty());
  EXPECT_THAT(summary_.rules(), IsEmpty());
  EXPECT_THAT(summary_.dead_letters_by_stage(), IsEmpty());
}

TEST_F(EventSummaryTest, CountsVerdictsByShortName) {
  AddMixedEvents();
  EXPECT_EQ(summary_.backlinks(), 3u);
  EXPECT_THAT(summary_.verdicts(), ElementsAre(Pair("clean", 1u), Pair("suspicious", 1u), Pair("toxic", 1u)));
}

TEST_F(EventSummaryTest, CountsEveryFlagByCategoryAndRule) {
  AddMixedEvents();
  EXPECT_THAT(summary_.categories(),
              ElementsAre(Pair("forced_keyword", 1u), Pair("paid", 2u), Pair("spammy", 1u)));
  EXPECT_THAT(summary_.rules(), ElementsAre(Pair("forced_keyword.exact-money-anchor", 1u),
                                            Pair("paid.rel-sponsored", 2u), Pair("spammy.hidden-link", 1u)));
}

TEST_F(EventSummaryTest, CountsDeadLettersByStage) {
  summary_.AddDeadLetter("decode", "not JSON");
  summary_.AddDeadLetter("extract", "page URL does not parse");
  summary_.AddDeadLetter("decode", "url: missing");
  EXPECT_THAT(summary_.dead_letters_by_stage(), ElementsAre(Pair("decode", 2u), Pair("extract", 1u)));
  EXPECT_EQ(summary_.backlinks(), 0u);
}

TEST_F(EventSummaryTest, PrintShowsTotalsAndEveryCountedName) {
  AddMixedEvents();
  summary_.AddDeadLetter("decode", "url: missing");
  const std::string text = Printed(summary_);
  EXPECT_THAT(text, HasSubstr("backlink events        3 (to 2 target domains)\n"));
  EXPECT_THAT(text, ContainsRegex("\n    clean +1\n"));
  EXPECT_THAT(text, ContainsRegex("\n    toxic +1\n"));
  EXPECT_THAT(text, ContainsRegex("\n    paid +2\n"));
  EXPECT_THAT(text, ContainsRegex("\n    forced_keyword +1\n"));
  EXPECT_THAT(text, ContainsRegex("\n    paid\\.rel-sponsored +2\n"));
  EXPECT_THAT(text, ContainsRegex("\n    spammy\\.hidden-link +1\n"));
  EXPECT_THAT(text, HasSubstr("dead letters           1\n"));
  EXPECT_THAT(text, HasSubstr("    decode: url: missing\n"));
  EXPECT_THAT(text, Not(HasSubstr("(none)")));
}

TEST_F(EventSummaryTest, PrintOrdersSectionsVerdictsCategoriesRulesDeadLetters) {
  AddMixedEvents();
  const std::string text = Printed(summary_);
  const auto verdicts = text.find("  verdicts\n");
  const auto categories = text.find("  flags by category\n");
  const auto rules = text.find("  flags by rule\n");
  const auto dead_letters = text.find("  dead letters");
  ASSERT_NE(verdicts, std::string::npos);
  EXPECT_LT(verdicts, categories);
  EXPECT_LT(categories, rules);
  ASSERT_NE(dead_letters, std::string::npos);
  EXPECT_LT(rules, dead_letters);
}

TEST_F(EventSummaryTest, PrintMarksEmptySectionsAsNone) {
  summary_.AddEvent(MakeEvent("example.org", v1::VERDICT_CLEAN));
  const std::string text = Printed(summary_);
  EXPECT_THAT(text, HasSubstr("  flags by category\n    (none)\n"));
  EXPECT_THAT(text, HasSubstr("  flags by rule\n    (none)\n"));
  EXPECT_THAT(text, HasSubstr("dead letters           0\n"));
}

}  // namespace
}  // namespace backlint
