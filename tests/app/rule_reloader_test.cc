#include "backlint/app/rule_reloader.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <sstream>
#include <string>

#include "backlink_event.pb.h"
#include "backlint/pipeline/processor_setup.h"
#include "reload_test_support.h"
#include "scratch_dir.h"

namespace backlint {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using testing::AnchorWordRules;
using testing::CheapShopPage;

class RuleReloaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The reloader reports through spdlog; the tests read what it said.
    default_logger_ = spdlog::default_logger();
    spdlog::set_default_logger(
        std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_)));
    rules_path_ = scratch_.Write("rules.yaml", AnchorWordRules("first", "nothing-matches"));
  }
  void TearDown() override { spdlog::set_default_logger(default_logger_); }

  std::unique_ptr<PageProcessor> MakeProcessor(const std::string& rules_path) {
    auto processor = MakePageProcessor(rules_path, EventFormat::kJson, metrics_);
    EXPECT_TRUE(processor.ok()) << processor.failure().reason;
    return std::move(processor).value();
  }

  std::string MetricsText() { return prometheus::TextSerializer().Serialize(registry_.Collect()); }

  // The one backlink event of a page, scored by whatever rule set `processor` holds now.
  static v1::BacklinkEvent ScorePage(PageProcessor& processor) {
    auto events = processor.Process(CheapShopPage("post"));
    EXPECT_TRUE(events.ok()) << events.failure().reason;
    v1::BacklinkEvent event;
    if (events.ok() && events.value().size() == 1) {
      EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(events.value()[0].value, &event).ok());
    }
    return event;
  }

  backlint::testing::ScratchDir scratch_;
  std::shared_ptr<spdlog::logger> default_logger_;
  std::ostringstream log_;
  prometheus::Registry registry_;
  PipelineMetrics metrics_{registry_};
  std::string rules_path_;
};

TEST_F(RuleReloaderTest, ValidChangeIsSwappedInAndEventsCarryTheNewHash) {
  auto processor = MakeProcessor(rules_path_);
  RuleReloader reloader(rules_path_, {processor.get()}, metrics_, std::chrono::milliseconds(0));
  const std::string old_hash = processor->rules()->hash();
  EXPECT_EQ(ScorePage(*processor).verdict(), v1::VERDICT_CLEAN);

  scratch_.Write("rules.yaml", AnchorWordRules("second", "cheap"));
  EXPECT_EQ(reloader.ReloadIfChanged(), RuleReloader::Outcome::kSwapped);

  EXPECT_EQ(processor->rules()->name(), "second");
  const v1::BacklinkEvent event = ScorePage(*processor);
  EXPECT_EQ(event.ruleset().name(), "second");
  EXPECT_EQ(event.ruleset().hash(), processor->rules()->hash());
  EXPECT_NE(event.ruleset().hash(), old_hash);
  ASSERT_EQ(event.flags_size(), 1);
  EXPECT_EQ(event.flags(0).rule_id(), "spammy.word");
  const std::string metrics = MetricsText();
  EXPECT_THAT(metrics, HasSubstr("backlint_rule_reloads_total{result=\"success\"} 1"));
  EXPECT_THAT(metrics, HasSubstr("backlint_rule_reloads_total{result=\"failure\"} 0"));
  EXPECT_THAT(metrics, HasSubstr("backlint_ruleset_info{hash=\"" + event.ruleset().hash() + "\",name=\"second\"} 1"));
  EXPECT_THAT(metrics, Not(HasSubstr("name=\"first\"")));
  EXPECT_THAT(log_.str(), HasSubstr("'second'"));
}

TEST_F(RuleReloaderTest, EveryWorkersProcessorGetsTheSameNewSet) {
  auto first = MakeProcessor(rules_path_);
  auto second = MakeProcessor(rules_path_);
  RuleReloader reloader(rules_path_, {first.get(), second.get()}, metrics_, std::chrono::milliseconds(0));

  scratch_.Write("rules.yaml", AnchorWordRules("second", "cheap"));
  EXPECT_EQ(reloader.ReloadIfChanged(), RuleReloader::Outcome::kSwapped);

  EXPECT_EQ(first->rules()->name(), "second");
  EXPECT_EQ(first->rules(), second->rules());
  EXPECT_THAT(MetricsText(), HasSubstr("backlint_rule_reloads_total{result=\"success\"} 1"));
}

TEST_F(RuleReloaderTest, InvalidFileKeepsTheOldSetLogsWhereAndCountsAFailureOncePerChange) {
  auto processor = MakeProcessor(rules_path_);
  const std::shared_ptr<const RuleSet> running = processor->rules();
  RuleReloader reloader(rules_path_, {processor.get()}, metrics_, std::chrono::milliseconds(0));

  scratch_.Write("rules.yaml", "name: broken\nrules:\n  - id: x\n    colour: red\n");
  EXPECT_EQ(reloader.ReloadIfChanged(), RuleReloader::Outcome::kRejected);
  EXPECT_EQ(reloader.ReloadIfChanged(), RuleReloader::Outcome::kUnchanged);  // same broken file: no new report

  EXPECT_EQ(processor->rules(), running);
  EXPECT_EQ(ScorePage(*processor).ruleset().name(), "first");
  EXPECT_THAT(log_.str(), HasSubstr(rules_path_ + ":4:"));
  EXPECT_THAT(log_.str(), HasSubstr("'first'"));
  const std::string metrics = MetricsText();
  EXPECT_THAT(metrics, HasSubstr("backlint_rule_reloads_total{result=\"failure\"} 1"));
  EXPECT_THAT(metrics, HasSubstr("backlint_rule_reloads_total{result=\"success\"} 0"));
  EXPECT_THAT(metrics, HasSubstr(",name=\"first\"} 1"));
}

TEST_F(RuleReloaderTest, MissingFileIsRejectedAndTheOldSetKeepsRunning) {
  auto processor = MakeProcessor(rules_path_);
  RuleReloader reloader(rules_path_, {processor.get()}, metrics_, std::chrono::milliseconds(0));
  std::filesystem::remove(rules_path_);
  EXPECT_EQ(reloader.ReloadIfChanged(), RuleReloader::Outcome::kRejected);
  EXPECT_EQ(processor->rules()->name(), "first");
}

TEST_F(RuleReloaderTest, UnchangedFileDoesNothing) {
  auto processor = MakeProcessor(rules_path_);
  const std::shared_ptr<const RuleSet> running = processor->rules();
  RuleReloader reloader(rules_path_, {processor.get()}, metrics_, std::chrono::milliseconds(0));

  EXPECT_EQ(reloader.ReloadIfChanged(), RuleReloader::Outcome::kUnchanged);
  EXPECT_EQ(log_.str(), "");  // not even read: the stamp matched
  // Rewritten with the same bytes, then SIGHUP: read, found identical, not swapped, not counted.
  scratch_.Write("rules.yaml", AnchorWordRules("first", "nothing-matches"));
  EXPECT_EQ(reloader.Reload(), RuleReloader::Outcome::kUnchanged);

  EXPECT_EQ(processor->rules(), running);
  const std::string metrics = MetricsText();
  EXPECT_THAT(metrics, HasSubstr("backlint_rule_reloads_total{result=\"success\"} 0"));
  EXPECT_THAT(metrics, HasSubstr("backlint_rule_reloads_total{result=\"failure\"} 0"));
}

TEST_F(RuleReloaderTest, TickPollsOnlyEveryIntervalButReloadsAtOnceWhenRequested) {
  auto processor = MakeProcessor(rules_path_);
  RuleReloader reloader(rules_path_, {processor.get()}, metrics_, std::chrono::hours(1));
  scratch_.Write("rules.yaml", AnchorWordRules("second", "cheap"));

  EXPECT_EQ(reloader.Tick(false), RuleReloader::Outcome::kUnchanged);  // the hour has not passed
  EXPECT_EQ(processor->rules()->name(), "first");
  EXPECT_EQ(reloader.Tick(true), RuleReloader::Outcome::kSwapped);
  EXPECT_EQ(processor->rules()->name(), "second");
}

TEST_F(RuleReloaderTest, BuiltInRulesCannotBeReloadedAndSaySo) {
  auto processor = MakeProcessor("");
  const std::shared_ptr<const RuleSet> running = processor->rules();
  RuleReloader reloader("", {processor.get()}, metrics_, std::chrono::milliseconds(0));

  EXPECT_EQ(reloader.Reload(), RuleReloader::Outcome::kBuiltIn);
  EXPECT_EQ(reloader.Tick(false), RuleReloader::Outcome::kUnchanged);

  EXPECT_EQ(processor->rules(), running);
  EXPECT_THAT(log_.str(), HasSubstr("built-in rule set"));
  EXPECT_THAT(MetricsText(), HasSubstr("backlint_rule_reloads_total{result=\"success\"} 0"));
}

}  // namespace
}  // namespace backlint
