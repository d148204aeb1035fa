#include "backlint/app/rules_test_mode.h"

#include <algorithm>
#include <cstddef>
#include <memory>
#include <set>
#include <utility>

#include <prometheus/registry.h>
#include <yaml-cpp/yaml.h>

#include "backlink_event.pb.h"
#include "backlint/app/rule_test_file.h"
#include "backlint/pipeline/processor_setup.h"
#include "crawled_page.pb.h"
#include "yaml_file.h"

namespace backlint {
namespace {

constexpr int kAllPassed = 0;
constexpr int kTestsFailed = 1;
constexpr int kBadInput = 2;

// The rule ids a rule file defines, so a misspelt id in `not_fires` fails loudly instead of passing.
// Read from the file's YAML (already validated by RuleSet) rather than from the compiled rule set.
std::set<std::string> RuleIds(const std::string& rule_file) {
  auto root = rule_file.empty() ? Result<YAML::Node>(YAML::Load(std::string(kDefaultRules)))
                                : LoadYamlFile(rule_file, "rules-test", "the rule file");
  std::set<std::string> ids;
  if (!root) return ids;  // RuleSet has just read and validated the same file
  for (const YAML::Node& rule : root.value()["rules"]) ids.insert(rule["id"].Scalar());
  return ids;
}

// The test page as the CrawledPage message a crawler would send: html as bytes, sniffed like Kafka input.
std::string ToMessage(const RuleTestCase& test_case) {
  v1::CrawledPage page;
  page.set_url(test_case.url);
  if (test_case.html) page.set_html(*test_case.html);
  for (const PreExtractedLinkSpec& spec : test_case.links) {
    v1::PreExtractedLink* link = page.add_links();
    link->set_href(spec.href);
    link->set_text(spec.text);
    link->set_rel(spec.rel);
  }
  for (const auto& [name, value] : test_case.headers) {
    v1::HttpHeader* header = page.add_headers();
    header->set_name(name);
    header->set_value(value);
  }
  return page.SerializeAsString();
}

std::string VerdictName(v1::Verdict verdict) {
  switch (verdict) {
    case v1::VERDICT_CLEAN: return "clean";
    case v1::VERDICT_SUSPICIOUS: return "suspicious";
    case v1::VERDICT_TOXIC: return "toxic";
    default: return "unspecified";
  }
}

std::string Join(const std::vector<std::string>& items) {
  std::string joined;
  for (const std::string& item : items) joined += (joined.empty() ? "" : ", ") + item;
  return "[" + joined + "]";
}

std::string FlagList(const v1::BacklinkEvent& event) {
  std::vector<std::string> flags;
  for (const v1::Flag& flag : event.flags()) flags.push_back(flag.rule_id() + " (" + flag.evidence() + ")");
  return Join(flags);
}

bool Fired(const v1::BacklinkEvent& event, const std::string& rule_id) {
  return std::any_of(event.flags().begin(), event.flags().end(),
                     [&](const v1::Flag& flag) { return flag.rule_id() == rule_id; });
}

// What is wrong with `event` against `expectation`, one "expected / got" pair per line; empty when it holds.
std::string Mismatches(const LinkExpectation& expectation, const v1::BacklinkEvent& event) {
  std::vector<std::string> missing;
  std::vector<std::string> unwanted;
  for (const RuleReference& rule : expectation.fires) {
    if (!Fired(event, rule.id)) missing.push_back(rule.id);
  }
  for (const RuleReference& rule : expectation.not_fires) {
    if (Fired(event, rule.id)) unwanted.push_back(rule.id);
  }
  std::string report;
  if (!missing.empty()) report += "        exp fires: " + Join(missing) + "\n";
  if (!unwanted.empty()) report += "        exp not to fire: " + Join(unwanted) + "\n";
  if (!report.empty()) report += "        got flags: " + FlagList(event) + "\n";
  const std::string verdict = VerdictName(event.verdict());
  if (expectation.verdict && *expectation.verdict != verdict) {
    report += "        exp verdict: " + *expectation.verdict + "\n        got verdict: " + verdict +
              " (score " + std::to_string(event.quality_score()) + ", flags " + FlagList(event) + ")\n";
  }
  const int score = event.quality_score();
  if (score < expectation.min_score.value_or(0) || score > expectation.max_score.value_or(100)) {
    report += "        exp score: " + std::to_string(expectation.min_score.value_or(0)) + ".." +
              std::to_string(expectation.max_score.value_or(100)) + "\n        got score: " +
              std::to_string(score) + " (flags " + FlagList(event) + ")\n";
  }
  return report;
}

class TestFileRun {
 public:
  explicit TestFileRun(std::ostream& out) : out_(out) {}

  int Run(const std::string& path) {
    out_ << "Unit Testing:  " << path << "\n";
    auto file = LoadRuleTestFile(path);
    if (!file) return Fatal(file.failure().reason);
    auto processor = MakePageProcessor(file.value().rule_file, EventFormat::kProtobuf, metrics_);
    if (!processor) return Fatal(path + ": rule file: " + processor.failure().reason);
    const std::set<std::string> known = RuleIds(file.value().rule_file);
    for (const RuleTestCase& test_case : file.value().cases) {
      for (const LinkExpectation& expectation : test_case.expectations) {
        for (const auto* rules : {&expectation.fires, &expectation.not_fires}) {
          for (const RuleReference& rule : *rules) {
            if (known.count(rule.id) == 0) {
              return Fatal(rule.where + ": unknown rule id '" + rule.id + "' (not in rule set '" +
                           processor.value()->rules()->name() + "')");
            }
          }
        }
      }
    }
    for (const RuleTestCase& test_case : file.value().cases) RunCase(*processor.value(), test_case);
    out_ << "  " << file.value().cases.size() << " tests, " << checked_ << " link checks, " << failures_.size()
         << " failed\n";
    if (failures_.empty()) {
      out_ << "  SUCCESS\n";
      return kAllPassed;
    }
    out_ << "  FAILED:\n";
    for (const std::string& failure : failures_) out_ << failure;
    return kTestsFailed;
  }

 private:
  int Fatal(const std::string& reason) {
    out_ << "  FAILED:\n    " << reason << "\n";
    return kBadInput;
  }

  void RunCase(PageProcessor& processor, const RuleTestCase& test_case) {
    const std::string heading = "    " + test_case.where + ": test \"" + test_case.name + "\"";
    auto events = processor.Process(ToMessage(test_case), InputFormat::kProtobuf);
    if (!events) {
      ++checked_;
      failures_.push_back(heading + ":\n        the pipeline rejected the page (" + events.failure().stage +
                          "): " + events.failure().reason + "\n");
      return;
    }
    std::vector<v1::BacklinkEvent> backlinks;
    for (const EncodedEvent& encoded : events.value()) {
      if (encoded.kind != EventKind::kBacklink) continue;
      backlinks.emplace_back().ParseFromString(encoded.value);
    }
    for (const LinkExpectation& expectation : test_case.expectations) {
      ++checked_;
      CheckLink(expectation, backlinks, "    " + expectation.where + ": test \"" + test_case.name + "\"");
    }
  }

  void CheckLink(const LinkExpectation& expectation, const std::vector<v1::BacklinkEvent>& backlinks,
                 const std::string& heading) {
    std::string report;
    bool found = false;
    for (const v1::BacklinkEvent& event : backlinks) {
      if (event.target().url() != expectation.link) continue;
      if (expectation.anchor && event.anchor().text() != *expectation.anchor) continue;
      found = true;
      const std::string mismatches = Mismatches(expectation, event);
      if (mismatches.empty()) continue;
      report += heading + ", link " + expectation.link + " (anchor \"" + event.anchor().text() + "\", position " +
                std::to_string(event.context().position()) + "):\n" + mismatches;
    }
    if (!found) {
      std::vector<std::string> targets;
      for (const v1::BacklinkEvent& event : backlinks) {
        targets.push_back(event.target().url() + " \"" + event.anchor().text() + "\"");
      }
      report += heading + ", link " + expectation.link +
                (expectation.anchor ? " (anchor \"" + *expectation.anchor + "\")" : "") +
                ":\n        exp a backlink to it\n        got backlinks: " + Join(targets) + "\n";
    }
    if (!report.empty()) failures_.push_back(std::move(report));
  }

  std::ostream& out_;
  prometheus::Registry registry_;  // the pipeline counts; nobody scrapes a test run
  PipelineMetrics metrics_{registry_};
  std::size_t checked_ = 0;
  std::vector<std::string> failures_;
};

}  // namespace

int RunRuleTests(const std::vector<std::string>& test_files, std::ostream& out, std::ostream& err) {
  int exit_code = kAllPassed;
  std::size_t failed_files = 0;
  for (const std::string& path : test_files) {
    const int result = TestFileRun(out).Run(path);
    if (result != kAllPassed) ++failed_files;
    exit_code = std::max(exit_code, result);
  }
  if (failed_files > 0) err << "backlint rules test: " << failed_files << " of " << test_files.size() << " test files failed\n";
  return exit_code;
}

}  // namespace backlint
