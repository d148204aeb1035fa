// The Grafana dashboard and the Prometheus rules in deploy/ query metrics by name; a renamed or missing series
// would leave a panel empty or an alert silent without any error. These tests hold the files to the names a
// real PipelineMetrics registers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <simdjson.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "backlint/metrics/pipeline_metrics.h"

namespace backlint {
namespace {

using ::testing::IsEmpty;
using ::testing::IsSupersetOf;
using ::testing::SizeIs;

const std::filesystem::path kDeploy = std::filesystem::path(BACKLINT_SOURCE_DIR) / "deploy";

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  EXPECT_TRUE(file) << "cannot read " << path;
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// The metric family names a PipelineMetrics registers, every method called so every family has a series.
std::set<std::string> ExportedFamilies() {
  prometheus::Registry registry;
  PipelineMetrics metrics(registry);
  auto rules = RuleSet::Parse("name: names\nrules: []\n", "names.yaml");
  EXPECT_TRUE(rules.ok());
  if (rules.ok()) metrics.RuleSetLoaded(*rules.value());
  Score score;
  score.flags.push_back(Flag{"paid.rel-sponsored", Category::kPaid, 10, {}});
  metrics.BacklinkScored(score);
  metrics.DeadLetter(Failure{"decode", "invalid JSON"});
  metrics.SetConsumerLag(0, 1);
  metrics.ObserveProcessingSeconds(0.001);
  metrics.RuleReload(false);
  std::set<std::string> names;
  for (const prometheus::MetricFamily& family : registry.Collect()) {
    if (!family.metric.empty()) names.insert(family.name);
  }
  return names;
}

// The family a queried series name belongs to: histogram series carry _bucket, _sum or _count.
std::string FamilyOf(const std::string& series) {
  static const std::regex histogram_suffix("_(bucket|sum|count)$");
  return std::regex_replace(series, histogram_suffix, "");
}

// backlint's series (backlint_...) and recording rules (backlint:...) named in `expression`.
std::vector<std::string> NamesIn(const std::string& expression) {
  static const std::regex name("\\bbacklint[_:][a-zA-Z0-9_:]+");
  std::vector<std::string> names;
  for (auto match = std::sregex_iterator(expression.begin(), expression.end(), name);
       match != std::sregex_iterator(); ++match) {
    names.push_back(match->str());
  }
  return names;
}

// Every `expr` of the dashboard's panels (rows included) and the queries of its template variables.
std::vector<std::string> DashboardExpressions(simdjson::dom::element dashboard) {
  std::vector<std::string> expressions;
  auto collect_panels = [&](auto&& self, simdjson::dom::array panels) -> void {
    for (simdjson::dom::element panel : panels) {
      simdjson::dom::array targets;
      if (panel["targets"].get(targets) == simdjson::SUCCESS) {
        for (simdjson::dom::element target : targets) {
          std::string_view expr;
          if (target["expr"].get(expr) == simdjson::SUCCESS) expressions.emplace_back(expr);
        }
      }
      simdjson::dom::array nested;
      if (panel["panels"].get(nested) == simdjson::SUCCESS) self(self, nested);
    }
  };
  simdjson::dom::array panels;
  if (dashboard["panels"].get(panels) == simdjson::SUCCESS) collect_panels(collect_panels, panels);
  simdjson::dom::array variables;
  if (dashboard["templating"]["list"].get(variables) == simdjson::SUCCESS) {
    for (simdjson::dom::element variable : variables) {
      std::string_view definition;
      if (variable["definition"].get(definition) == simdjson::SUCCESS) expressions.emplace_back(definition);
    }
  }
  return expressions;
}

struct PrometheusRules {
  std::vector<std::string> expressions;
  std::set<std::string> recorded;  // names of recording rules
};

PrometheusRules LoadRules(const std::filesystem::path& path) {
  PrometheusRules rules;
  const YAML::Node root = YAML::LoadFile(path.string());
  for (const YAML::Node& group : root["groups"]) {
    for (const YAML::Node& rule : group["rules"]) {
      rules.expressions.push_back(rule["expr"].as<std::string>());
      if (rule["record"]) rules.recorded.insert(rule["record"].as<std::string>());
    }
  }
  return rules;
}

// Names in `expressions` that are neither exported families nor recording rules.
std::set<std::string> Unknown(const std::vector<std::string>& expressions, const std::set<std::string>& exported,
                              const std::set<std::string>& recorded) {
  std::set<std::string> unknown;
  for (const std::string& expression : expressions) {
    for (const std::string& name : NamesIn(expression)) {
      const std::string family = FamilyOf(name);
      if (exported.count(family) || recorded.count(name)) continue;
      unknown.insert(name);
    }
  }
  return unknown;
}

class MetricReferencesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const simdjson::padded_string json(ReadFile(kDeploy / "grafana" / "backlint.json"));
    ASSERT_EQ(parser_.parse(json).get(dashboard_), simdjson::SUCCESS) << "deploy/grafana/backlint.json is not JSON";
    dashboard_expressions_ = DashboardExpressions(dashboard_);
    rules_ = LoadRules(kDeploy / "prometheus" / "alerts.yml");
  }

  simdjson::dom::parser parser_;
  simdjson::dom::element dashboard_;
  std::vector<std::string> dashboard_expressions_;
  PrometheusRules rules_;
  const std::set<std::string> exported_ = ExportedFamilies();
};

TEST_F(MetricReferencesTest, NameExtractionFindsSeriesAndRecordingRules) {
  EXPECT_THAT(NamesIn("sum by (le) (rate(backlint_quality_score_bucket{job=~\"$job\"}[5m])) / "
                      "backlint:backlinks:rate30m"),
              ::testing::ElementsAre("backlint_quality_score_bucket", "backlint:backlinks:rate30m"));
  EXPECT_EQ(FamilyOf("backlint_page_processing_seconds_bucket"), "backlint_page_processing_seconds");
  EXPECT_EQ(FamilyOf("backlint_pages_total"), "backlint_pages_total");
  EXPECT_THAT(Unknown({"rate(backlint_pages_totl[5m])"}, exported_, {}), ::testing::ElementsAre("backlint_pages_totl"));
}

TEST_F(MetricReferencesTest, DashboardIsGrafanaJsonWithAQueryOnEveryPanel) {
  std::string_view title;
  ASSERT_EQ(dashboard_["title"].get(title), simdjson::SUCCESS);
  EXPECT_EQ(title, "backlint");
  simdjson::dom::array panels;
  ASSERT_EQ(dashboard_["panels"].get(panels), simdjson::SUCCESS);
  std::set<int64_t> ids;
  for (simdjson::dom::element panel : panels) {
    int64_t id = 0;
    std::string_view type;
    ASSERT_EQ(panel["id"].get(id), simdjson::SUCCESS);
    ASSERT_EQ(panel["type"].get(type), simdjson::SUCCESS);
    EXPECT_TRUE(ids.insert(id).second) << "panel id " << id << " appears twice";
    if (type == "row") continue;
    simdjson::dom::array targets;
    ASSERT_EQ(panel["targets"].get(targets), simdjson::SUCCESS) << "panel " << id << " has no targets";
    EXPECT_GT(targets.size(), 0u) << "panel " << id << " has no query";
  }
  EXPECT_THAT(dashboard_expressions_, SizeIs(::testing::Gt(10u)));
}

TEST_F(MetricReferencesTest, EveryMetricTheDashboardQueriesIsExported) {
  EXPECT_THAT(Unknown(dashboard_expressions_, exported_, rules_.recorded), IsEmpty());
}

TEST_F(MetricReferencesTest, EveryMetricTheRulesQueryIsExportedOrRecorded) {
  EXPECT_THAT(Unknown(rules_.expressions, exported_, rules_.recorded), IsEmpty());
}

TEST_F(MetricReferencesTest, DashboardShowsEveryExportedFamily) {
  std::set<std::string> shown;
  for (const std::string& expression : dashboard_expressions_) {
    for (const std::string& name : NamesIn(expression)) shown.insert(FamilyOf(name));
  }
  EXPECT_THAT(shown, IsSupersetOf(exported_));
}

}  // namespace
}  // namespace backlint
