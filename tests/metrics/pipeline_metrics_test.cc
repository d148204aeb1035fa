#include "backlint/metrics/pipeline_metrics.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "backlint/metrics/metrics_server.h"

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
                                   Pair(Labels{{"result", "dead_letter"}}, 0)));
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
  EXPECT_THAT(Series("backlint_dead_letters_total"), IsEmpty());
  EXPECT_EQ(metrics_.links_seen(true), 0u);
  EXPECT_EQ(metrics_.links_seen(false), 0u);
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

TEST_F(PipelineMetricsTest, DeadLettersCountByStageAndAsDeadLetterPages) {
  metrics_.DeadLetter("decode");
  metrics_.DeadLetter("decode");
  metrics_.DeadLetter("extract");
  EXPECT_THAT(
      Series("backlint_dead_letters_total"),
      UnorderedElementsAre(Pair(Labels{{"stage", "decode"}}, 2), Pair(Labels{{"stage", "extract"}}, 1)));
  EXPECT_EQ(Value("backlint_pages_total", "result", "dead_letter"), 3);
  EXPECT_EQ(Value("backlint_pages_total", "result", "scored"), 0);
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
  metrics_.DeadLetter("decode");
  metrics_.DeliveryFailed();
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
  const std::string text = Serialized();
  for (const std::string family : {"backlint_pages_total", "backlint_links_total", "backlint_backlinks_total",
                                   "backlint_flags_total", "backlint_delivery_failures_total"}) {
    EXPECT_THAT(text, HasSubstr("# HELP " + family + " ")) << family;
    EXPECT_THAT(text, HasSubstr("# TYPE " + family + " counter")) << family;
  }
  EXPECT_THAT(text, HasSubstr("# TYPE backlint_ruleset_info gauge"));
}

// Sends a GET for `path` to 127.0.0.1:`port` over a plain socket; returns the whole response.
std::string HttpGet(int port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string response;
  if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0) {
    const std::string request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size())) {
      std::array<char, 4096> buffer{};
      for (ssize_t n; (n = recv(fd, buffer.data(), buffer.size(), 0)) > 0;) response.append(buffer.data(), n);
    }
  }
  close(fd);
  return response;
}

TEST_F(PipelineMetricsTest, ServerOnPortZeroServesMetricsOverHttp) {
  metrics_.PageScored();
  auto server = MetricsServer::Start("127.0.0.1:0", registry_);
  ASSERT_TRUE(server.ok()) << server.failure().reason;
  const int port = server.value()->port();
  ASSERT_GT(port, 0);
  const std::string response = HttpGet(port, "/metrics");
  EXPECT_THAT(response, ::testing::ContainsRegex("^HTTP/1\\.[01] 200 "));
  EXPECT_THAT(response, HasSubstr("backlint_pages_total{result=\"scored\"} 1"));
}

TEST(MetricsServerTest, InvalidListenAddressFailsInMetricsStage) {
  auto registry = std::make_shared<prometheus::Registry>();
  auto server = MetricsServer::Start("256.1.1.1:1", registry);
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.failure().stage, "metrics");
  EXPECT_THAT(server.failure().reason, HasSubstr("'256.1.1.1:1'"));
}

TEST(MetricsServerTest, BusyPortFails) {
  auto registry = std::make_shared<prometheus::Registry>();
  auto first = MetricsServer::Start("127.0.0.1:0", registry);
  ASSERT_TRUE(first.ok()) << first.failure().reason;
  const std::string taken = "127.0.0.1:" + std::to_string(first.value()->port());
  auto second = MetricsServer::Start(taken, registry);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.failure().stage, "metrics");
}

}  // namespace
}  // namespace backlint
