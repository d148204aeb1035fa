#include "backlint/metrics/pipeline_metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "backlint/metrics/dead_letter_reason.h"

namespace backlint {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;

using Labels = std::map<std::string, std::string>;

std::shared_ptr<const RuleSet> ParseRules(const std::string& name) {
  auto rules = RuleSet::Parse("name: " + name + "\nrules: []\n", "test.yaml");
  EXPECT_TRUE(rules.ok()) << rules.failure().reason;
  return rules.ok() ? rules.value() : nullptr;
}

Flag MakeFlag(const std::string& rule_id, Category category) {
  Flag flag;
  flag.rule_id = rule_id;
  flag.category = category;
  flag.weight = 10;
  return flag;
}

Score MakeScore(Verdict verdict, std::vector<Flag> flags = {}) {
  Score score;
  score.verdict = verdict;
  score.flags = std::move(flags);
  return score;
}

Labels LabelsOf(const prometheus::ClientMetric& metric) {
  Labels labels;
  for (const auto& label : metric.label) labels[label.name] = label.value;
  return labels;
}

class PipelineMetricsTest : public ::testing::Test {
 protected:
  // Every series of `family` as labels -> value (counter or gauge, whichever the family holds).
  std::map<Labels, double> Series(const std::string& family) {
    std::map<Labels, double> series;
    for (const prometheus::MetricFamily& metric_family : registry_->Collect()) {
      if (metric_family.name != family) continue;
      for (const prometheus::ClientMetric& metric : metric_family.metric) {
        series[LabelsOf(metric)] =
            metric_family.type == prometheus::MetricType::Gauge ? metric.gauge.value : metric.counter.value;
      }
    }
    return series;
  }

  // The value of `family`'s series labelled only `label`=`value`; -1 when it does not exist.
  double Value(const std::string& family, const std::string& label, const std::string& value) {
    const std::map<Labels, double> series = Series(family);
    const auto found = series.find(Labels{{label, value}});
    return found == series.end() ? -1 : found->second;
  }

  // `family`'s one histogram holds `count` observations summing to `sum`, and `cumulative` maps bucket
  // bounds (which must exist) to the observations at or below them.
  void ExpectHistogram(const std::string& family, uint64_t count, double sum,
                       const std::map<double, uint64_t>& cumulative) {
    std::vector<prometheus::ClientMetric::Histogram> histograms;
    for (const prometheus::MetricFamily& metric_family : registry_->Collect()) {
      if (metric_family.name != family) continue;
      for (const prometheus::ClientMetric& metric : metric_family.metric) histograms.push_back(metric.histogram);
    }
    ASSERT_EQ(histograms.size(), 1u) << family;
    EXPECT_EQ(histograms.front().sample_count, count) << family;
    EXPECT_DOUBLE_EQ(histograms.front().sample_sum, sum) << family;
    std::map<double, uint64_t> found;
    for (const auto& bucket : histograms.front().bucket) {
      if (cumulative.count(bucket.upper_bound)) found[bucket.upper_bound] = bucket.cumulative_count;
    }
    EXPECT_EQ(found, cumulative) << family;
  }

  std::string Serialized() const {
    std::ostringstream text;
    prometheus::TextSerializer().Serialize(text, registry_->Collect());
    return text.str();
  }

  std::shared_ptr<prometheus::Registry> registry_ = std::make_shared<prometheus::Registry>();
  PipelineMetrics metrics_{*registry_};
};

TEST_F(PipelineMetricsTest, SeriesThatAlertsDivideByExistAtZeroBeforeAnyEvent) {
  EXPECT_THAT(Series("backlint_pages_total"),
              UnorderedElementsAre(Pair(Labels{{"result", "scored"}}, 0),
                                   Pair(Labels{{"result", "dead_letter"}}, 0),
                                   Pair(Labels{{"result", "skipped"}}, 0)));
  EXPECT_THAT(Series("backlint_links_total"), UnorderedElementsAre(Pair(Labels{{"kind", "backlink"}}, 0),
                                                                   Pair(Labels{{"kind", "internal"}}, 0)));
  EXPECT_THAT(
      Series("backlint_backlinks_total"),
      UnorderedElementsAre(Pair(Labels{{"verdict", "clean"}}, 0), Pair(Labels{{"verdict", "suspicious"}}, 0),
                           Pair(Labels{{"verdict", "toxic"}}, 0)));
  EXPECT_THAT(Series("backlint_flags_total"),
              UnorderedElementsAre(Pair(Labels{{"category", "paid"}}, 0),
                                   Pair(Labels{{"category", "forced_keyword"}}, 0),
                                   Pair(Labels{{"category", "spammy"}}, 0)));
  EXPECT_THAT(Series("backlint_delivery_failures_total"), UnorderedElementsAre(Pair(Labels{}, 0)));
  EXPECT_THAT(Series("backlint_mentions_total"), UnorderedElementsAre(Pair(Labels{}, 0)));
  EXPECT_THAT(Series("backlint_rule_flags_total"), IsEmpty());
  EXPECT_EQ(metrics_.links_seen(true), 0u);
  EXPECT_EQ(metrics_.links_seen(false), 0u);
}

// rate() misses the first increase of a series that is born with it: every stage and reason pair a dead
// letter can carry is there, at zero, before the first dead letter.
TEST_F(PipelineMetricsTest, EveryDeadLetterStageAndReasonExistsAtZeroBeforeAnyDeadLetter) {
  std::map<Labels, double> expected;
  for (std::string_view stage : {"decode", "extract", "score", "encode"}) {
    for (std::string_view reason : kDeadLetterReasons) {
      expected[Labels{{"stage", std::string(stage)}, {"reason", std::string(reason)}}] = 0;
    }
  }
  EXPECT_EQ(Series("backlint_dead_letters_total"), expected);
}

TEST_F(PipelineMetricsTest, PagesAndLinksCountByResultAndKind) {
  metrics_.PageScored();
  metrics_.PageScored();
  metrics_.LinkSeen(true);
  metrics_.LinkSeen(true);
  metrics_.LinkSeen(true);
  metrics_.LinkSeen(false);
  EXPECT_EQ(Value("backlint_pages_total", "result", "scored"), 2);
  EXPECT_EQ(Value("backlint_pages_total", "result", "dead_letter"), 0);
  EXPECT_EQ(metrics_.links_seen(true), 3u);
  EXPECT_EQ(metrics_.links_seen(false), 1u);
  EXPECT_EQ(Value("backlint_links_total", "kind", "backlink"), 3);
}

TEST_F(PipelineMetricsTest, MentionsAreCountedWithoutLabels) {
  metrics_.MentionFound();
  metrics_.MentionFound();
  EXPECT_THAT(Series("backlint_mentions_total"), UnorderedElementsAre(Pair(Labels{}, 2)));
}

TEST_F(PipelineMetricsTest, RuleReloadsCountByResultFromZero) {
  EXPECT_THAT(Series("backlint_rule_reloads_total"), UnorderedElementsAre(Pair(Labels{{"result", "success"}}, 0),
                                                                          Pair(Labels{{"result", "failure"}}, 0)));
  metrics_.RuleReload(true);
  metrics_.RuleReload(false);
  metrics_.RuleReload(false);
  EXPECT_EQ(Value("backlint_rule_reloads_total", "result", "success"), 1);
  EXPECT_EQ(Value("backlint_rule_reloads_total", "result", "failure"), 2);
}

TEST_F(PipelineMetricsTest, BacklinksCountByVerdictAndFlagsByCategoryAndRule) {
  metrics_.BacklinkScored(MakeScore(Verdict::kClean));
  metrics_.BacklinkScored(MakeScore(Verdict::kToxic, {MakeFlag("spammy.hidden-link", Category::kSpammy),
                                                      MakeFlag("paid.rel-sponsored", Category::kPaid)}));
  metrics_.BacklinkScored(MakeScore(Verdict::kSuspicious, {MakeFlag("paid.rel-sponsored", Category::kPaid)}));
  EXPECT_THAT(
      Series("backlint_backlinks_total"),
      UnorderedElementsAre(Pair(Labels{{"verdict", "clean"}}, 1), Pair(Labels{{"verdict", "suspicious"}}, 1),
                           Pair(Labels{{"verdict", "toxic"}}, 1)));
  EXPECT_THAT(Series("backlint_flags_total"),
              UnorderedElementsAre(Pair(Labels{{"category", "paid"}}, 2),
                                   Pair(Labels{{"category", "forced_keyword"}}, 0),
                                   Pair(Labels{{"category", "spammy"}}, 1)));
  EXPECT_THAT(Series("backlint_rule_flags_total"),
              UnorderedElementsAre(Pair(Labels{{"rule", "paid.rel-sponsored"}}, 2),
                                   Pair(Labels{{"rule", "spammy.hidden-link"}}, 1)));
}

TEST_F(PipelineMetricsTest, DeadLettersCountByStageAndReasonCodeAndAsDeadLetterPages) {
  metrics_.DeadLetter(Failure{"decode", "invalid JSON: TAPE_ERROR"});
  metrics_.DeadLetter(Failure{"decode", "invalid JSON: trailing content after the top-level object"});
  metrics_.DeadLetter(Failure{"decode", "field 'url': missing"});
  metrics_.DeadLetter(Failure{"extract", "page URL does not parse: http://[x/"});
  std::map<Labels, double> counted;
  for (const auto& [labels, value] : Series("backlint_dead_letters_total")) {
    if (value != 0) counted[labels] = value;
  }
  EXPECT_THAT(counted, UnorderedElementsAre(Pair(Labels{{"stage", "decode"}, {"reason", "invalid_json"}}, 2),
                                            Pair(Labels{{"stage", "decode"}, {"reason", "missing_field"}}, 1),
                                            Pair(Labels{{"stage", "extract"}, {"reason", "invalid_url"}}, 1)));
  EXPECT_EQ(Value("backlint_pages_total", "result", "dead_letter"), 4);
  EXPECT_EQ(Value("backlint_pages_total", "result", "scored"), 0);
}

TEST_F(PipelineMetricsTest, DeadLetterWithoutAKnownReasonCountsReasonOther) {
  metrics_.DeadLetter(Failure{"publish", ""});
  EXPECT_THAT(Series("backlint_dead_letters_total"),
              ::testing::Contains(Pair(Labels{{"stage", "publish"}, {"reason", "other"}}, 1)));
  EXPECT_EQ(Value("backlint_pages_total", "result", "dead_letter"), 1);
}

TEST_F(PipelineMetricsTest, DeliveryFailuresCount) {
  metrics_.DeliveryFailed();
  metrics_.DeliveryFailed();
  EXPECT_THAT(Series("backlint_delivery_failures_total"), UnorderedElementsAre(Pair(Labels{}, 2)));
}

TEST_F(PipelineMetricsTest, ExtractLimitsHitCountByLimitFromZero) {
  EXPECT_THAT(Series("backlint_extract_limits_hit_total"),
              UnorderedElementsAre(Pair(Labels{{"limit", "page_bytes"}}, 0), Pair(Labels{{"limit", "links"}}, 0),
                                   Pair(Labels{{"limit", "depth"}}, 0), Pair(Labels{{"limit", "anchor_text"}}, 0)));
  metrics_.LimitHit("links");
  metrics_.LimitHit("links");
  metrics_.LimitHit("depth");
  EXPECT_EQ(Value("backlint_extract_limits_hit_total", "limit", "links"), 2);
  EXPECT_EQ(Value("backlint_extract_limits_hit_total", "limit", "depth"), 1);
  EXPECT_EQ(Value("backlint_extract_limits_hit_total", "limit", "page_bytes"), 0);
}

TEST_F(PipelineMetricsTest, RuleSetLoadedPublishesNameAndHash) {
  auto rules = ParseRules("first");
  ASSERT_NE(rules, nullptr);
  metrics_.RuleSetLoaded(*rules);
  EXPECT_THAT(rules->hash(), ::testing::Not(IsEmpty()));
  EXPECT_THAT(Series("backlint_ruleset_info"),
              UnorderedElementsAre(Pair(Labels{{"name", "first"}, {"hash", rules->hash()}}, 1)));
}

TEST_F(PipelineMetricsTest, RuleSetLoadedReplacesThePreviousSeries) {
  auto first = ParseRules("first");
  auto second = ParseRules("second");
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  ASSERT_NE(first->hash(), second->hash());
  metrics_.RuleSetLoaded(*first);
  metrics_.RuleSetLoaded(*second);
  EXPECT_THAT(Series("backlint_ruleset_info"),
              UnorderedElementsAre(Pair(Labels{{"name", "second"}, {"hash", second->hash()}}, 1)));
  metrics_.RuleSetLoaded(*first);
  EXPECT_THAT(Series("backlint_ruleset_info"),
              UnorderedElementsAre(Pair(Labels{{"name", "first"}, {"hash", first->hash()}}, 1)));
}

TEST_F(PipelineMetricsTest, QualityScoreOfEveryBacklinkGoesIntoTheHistogram) {
  Score low = MakeScore(Verdict::kToxic);
  low.quality_score = 15;
  Score high = MakeScore(Verdict::kClean);
  high.quality_score = 100;
  metrics_.BacklinkScored(low);
  metrics_.BacklinkScored(high);
  metrics_.BacklinkScored(high);
  ExpectHistogram("backlint_quality_score", 3, 215, {{10, 0}, {20, 1}, {90, 1}});
}

TEST_F(PipelineMetricsTest, ProcessingSecondsGoIntoTheHistogram) {
  metrics_.ObserveProcessingSeconds(0.0007);
  metrics_.ObserveProcessingSeconds(0.003);
  metrics_.ObserveProcessingSeconds(7);
  ExpectHistogram("backlint_page_processing_seconds", 3, 7.0037, {{0.001, 1}, {0.005, 2}, {5, 2}});
}

TEST_F(PipelineMetricsTest, ConsumerLagIsPerPartitionAndForgottenPartitionsDisappear) {
  EXPECT_THAT(Series("backlint_consumer_lag_messages"), IsEmpty());
  metrics_.SetConsumerLag(0, 120);
  metrics_.SetConsumerLag(3, 7);
  metrics_.SetConsumerLag(0, 90);
  EXPECT_THAT(Series("backlint_consumer_lag_messages"),
              UnorderedElementsAre(Pair(Labels{{"partition", "0"}}, 90), Pair(Labels{{"partition", "3"}}, 7)));
  metrics_.ForgetPartition(0);
  metrics_.ForgetPartition(5);  // never assigned: nothing to drop, and no series appears
  EXPECT_THAT(Series("backlint_consumer_lag_messages"), UnorderedElementsAre(Pair(Labels{{"partition", "3"}}, 7)));
}

TEST_F(PipelineMetricsTest, InFlightAndProducerQueueGaugesFollowTheirLatestValue) {
  EXPECT_THAT(Series("backlint_in_flight_pages"), UnorderedElementsAre(Pair(Labels{}, 0)));
  EXPECT_THAT(Series("backlint_producer_queue_messages"), UnorderedElementsAre(Pair(Labels{}, 0)));
  metrics_.SetInFlight(42);
  metrics_.SetProducerQueueDepth(1000);
  metrics_.SetInFlight(3);
  EXPECT_THAT(Series("backlint_in_flight_pages"), UnorderedElementsAre(Pair(Labels{}, 3)));
  EXPECT_THAT(Series("backlint_producer_queue_messages"), UnorderedElementsAre(Pair(Labels{}, 1000)));
}

TEST_F(PipelineMetricsTest, ReadinessStartsFalseAndIsExportedAsAGauge) {
  EXPECT_FALSE(metrics_.ready());
  EXPECT_THAT(Series("backlint_ready"), UnorderedElementsAre(Pair(Labels{}, 0)));
  metrics_.SetReady(true);
  EXPECT_TRUE(metrics_.ready());
  EXPECT_THAT(Series("backlint_ready"), UnorderedElementsAre(Pair(Labels{}, 1)));
  metrics_.SetReady(false);
  EXPECT_FALSE(metrics_.ready());
  EXPECT_THAT(Series("backlint_ready"), UnorderedElementsAre(Pair(Labels{}, 0)));
}

TEST_F(PipelineMetricsTest, AssignedPartitionsStartAtZeroAndFollowTheLatestAssignment) {
  EXPECT_THAT(Series("backlint_assigned_partitions"), UnorderedElementsAre(Pair(Labels{}, 0)));
  metrics_.SetAssignedPartitions(3);
  EXPECT_THAT(Series("backlint_assigned_partitions"), UnorderedElementsAre(Pair(Labels{}, 3)));
  metrics_.SetAssignedPartitions(0);
  EXPECT_THAT(Series("backlint_assigned_partitions"), UnorderedElementsAre(Pair(Labels{}, 0)));
}

TEST_F(PipelineMetricsTest, BuildInfoNamesTheProjectVersion) {
  const std::map<Labels, double> series = Series("backlint_build_info");
  ASSERT_EQ(series.size(), 1u);
  const auto& [labels, value] = *series.begin();
  EXPECT_EQ(value, 1);
  EXPECT_THAT(labels, ::testing::Contains(Pair("version", BACKLINT_EXPECTED_VERSION)));
  EXPECT_THAT(labels, ::testing::Contains(Pair("compiler", ::testing::Not(IsEmpty()))));
}

// Runs `promtool check metrics` on `text` and returns its combined output and exit status.
std::pair<int, std::string> PromtoolCheck(const std::string& text) {
  const std::string path = (std::filesystem::path(::testing::TempDir()) / "backlint_metrics.prom").string();
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  const std::string command = std::string(BACKLINT_PROMTOOL) + " check metrics < '" + path + "' 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  std::string output;
  std::array<char, 4096> buffer{};
  for (std::size_t n; (n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0;)
    output.append(buffer.data(), n);
  const int status = pclose(pipe);
  std::filesystem::remove(path);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

TEST_F(PipelineMetricsTest, ExpositionPassesPromtoolLint) {
  ASSERT_TRUE(std::filesystem::exists(BACKLINT_PROMTOOL)) << "promtool not found: " << BACKLINT_PROMTOOL;
  auto rules = ParseRules("lint");
  ASSERT_NE(rules, nullptr);
  metrics_.RuleSetLoaded(*rules);
  metrics_.PageScored();
  metrics_.LinkSeen(true);
  metrics_.BacklinkScored(MakeScore(Verdict::kToxic, {MakeFlag("spammy.hidden-link", Category::kSpammy)}));
  metrics_.DeadLetter(Failure{"decode", "invalid JSON: TAPE_ERROR"});
  metrics_.DeliveryFailed();
  metrics_.SetConsumerLag(2, 10);
  metrics_.SetInFlight(1);
  metrics_.SetProducerQueueDepth(1);
  metrics_.SetReady(true);
  metrics_.ObserveProcessingSeconds(0.002);
  const std::string text = Serialized();
  ASSERT_THAT(text, HasSubstr("backlint_rule_flags_total{rule=\"spammy.hidden-link\"} 1"));
  const auto [exit_code, output] = PromtoolCheck(text);
  EXPECT_EQ(exit_code, 0) << output;
  EXPECT_THAT(output, IsEmpty());
}

TEST_F(PipelineMetricsTest, ExpositionHasHelpAndTypeForEveryFamily) {
  auto rules = ParseRules("typed");
  ASSERT_NE(rules, nullptr);
  metrics_.RuleSetLoaded(*rules);
  metrics_.SetConsumerLag(0, 1);  // a family without series prints no TYPE line
  const std::string text = Serialized();
  for (const std::string family : {"backlint_pages_total", "backlint_links_total", "backlint_backlinks_total",
                                   "backlint_flags_total", "backlint_delivery_failures_total"}) {
    EXPECT_THAT(text, HasSubstr("# HELP " + family + " ")) << family;
    EXPECT_THAT(text, HasSubstr("# TYPE " + family + " counter")) << family;
  }
  EXPECT_THAT(text, HasSubstr("# TYPE backlint_ruleset_info gauge"));
  for (const std::string family : {"backlint_consumer_lag_messages", "backlint_in_flight_pages",
                                   "backlint_producer_queue_messages", "backlint_ready", "backlint_build_info",
                                   "backlint_assigned_partitions"}) {
    EXPECT_THAT(text, HasSubstr("# TYPE " + family + " gauge")) << family;
  }
  for (const std::string family : {"backlint_quality_score", "backlint_page_processing_seconds"}) {
    EXPECT_THAT(text, HasSubstr("# TYPE " + family + " histogram")) << family;
  }
}

TEST(LoopHeartbeatTest, SinceLoopAliveCountsFromTheLastHeartbeat) {
  prometheus::Registry registry;
  PipelineMetrics metrics(registry);
  const auto beat = std::chrono::steady_clock::now();
  metrics.LoopAlive(beat);
  EXPECT_EQ(metrics.SinceLoopAlive(beat + std::chrono::seconds(61)), std::chrono::seconds(61));
  metrics.LoopAlive(beat + std::chrono::seconds(60));
  EXPECT_EQ(metrics.SinceLoopAlive(beat + std::chrono::seconds(61)), std::chrono::seconds(1));
}

}  // namespace
}  // namespace backlint
