#include "backlint/app/rule_test_file.h"

#include <filesystem>
#include <initializer_list>
#include <string_view>
#include <utility>

#include <yaml-cpp/yaml.h>

#include "yaml_file.h"

namespace backlint {
namespace {

// Parses one test file, failing at the first mistake with its position.
class TestFileParser {
 public:
  explicit TestFileParser(std::string path) : path_(std::move(path)) {}

  Result<RuleTestFile> Parse(const YAML::Node& root) {
    RuleTestFile file{path_, "", {}};
    if (!Check(root.IsMap(), root, "a test file is a map with 'tests' (and optionally 'rule_file')")) return error_;
    if (!KnownKeys(root, {"rule_file", "tests"}, "the test file")) return error_;
    if (const YAML::Node rule_file = root["rule_file"]) {
      std::string name;
      if (!ReadText(rule_file, "rule_file", name)) return error_;
      // Relative to the test file, so a test file and its rules move together.
      file.rule_file = (std::filesystem::path(path_).parent_path() / name).lexically_normal().string();
    }
    const YAML::Node tests = root["tests"];
    if (!Check(tests && tests.IsSequence() && tests.size() > 0, tests ? tests : root,
               "'tests' must be a non-empty list of test cases")) {
      return error_;
    }
    for (const YAML::Node& test : tests) {
      RuleTestCase test_case;
      if (!ParseCase(test, test_case)) return error_;
      file.cases.push_back(std::move(test_case));
    }
    return file;
  }

 private:
  bool ParseCase(const YAML::Node& node, RuleTestCase& test_case) {
    if (!Check(node.IsMap(), node, "a test case is a map with 'name', 'page' and 'expect'")) return false;
    if (!KnownKeys(node, {"name", "page", "expect"}, "a test case")) return false;
    test_case.where = Line(node);
    if (!ReadText(Required(node, "name"), "name", test_case.name)) return false;
    const YAML::Node page = Required(node, "page");
    if (!page) return false;
    if (!Check(page.IsMap(), page, "'page' must be a map with 'url' and 'html' or 'links'")) return false;
    if (!KnownKeys(page, {"url", "html", "links", "headers"}, "'page'")) return false;
    if (!ReadText(Required(page, "url"), "url", test_case.url)) return false;
    if (!Check(page["html"].IsDefined() != page["links"].IsDefined(), page,
               "'page' needs exactly one of 'html' and 'links'")) {
      return false;
    }
    if (const YAML::Node html = page["html"]) {
      if (!ReadText(html, "html", test_case.html.emplace())) return false;
    }
    if (const YAML::Node links = page["links"]) {
      if (!Check(links.IsSequence(), links, "'links' must be a list of {href, text, rel}")) return false;
      for (const YAML::Node& link : links) {
        PreExtractedLinkSpec& spec = test_case.links.emplace_back();
        if (!Check(link.IsMap(), link, "a link is a map with 'href' and optionally 'text' and 'rel'") ||
            !KnownKeys(link, {"href", "text", "rel"}, "a link") ||
            !ReadText(Required(link, "href"), "href", spec.href) || !ReadOptionalText(link, "text", spec.text) ||
            !ReadOptionalText(link, "rel", spec.rel)) {
          return false;
        }
      }
    }
    if (const YAML::Node headers = page["headers"]) {
      if (!Check(headers.IsMap(), headers, "'headers' must be a map of header name to value")) return false;
      for (const auto& header : headers) {
        if (!ReadText(header.second, header.first.Scalar(), test_case.headers[header.first.Scalar()])) return false;
      }
    }
    const YAML::Node expect = Required(node, "expect");
    if (!expect) return false;
    if (!Check(expect.IsSequence() && expect.size() > 0, expect,
               "'expect' must be a non-empty list of expectations, one per link")) {
      return false;
    }
    for (const YAML::Node& entry : expect) {
      if (!ParseExpectation(entry, test_case.expectations.emplace_back())) return false;
    }
    return true;
  }

  bool ParseExpectation(const YAML::Node& node, LinkExpectation& expectation) {
    if (!Check(node.IsMap(), node, "an expectation is a map with 'link' and what to expect of it")) return false;
    if (!KnownKeys(node, {"link", "anchor", "fires", "not_fires", "verdict", "score"}, "an expectation")) {
      return false;
    }
    expectation.where = Line(node);
    if (!ReadText(Required(node, "link"), "link", expectation.link)) return false;
    if (node["anchor"] && !ReadText(node["anchor"], "anchor", expectation.anchor.emplace())) return false;
    if (!ReadRuleIds(node, "fires", expectation.fires) || !ReadRuleIds(node, "not_fires", expectation.not_fires)) {
      return false;
    }
    if (const YAML::Node verdict = node["verdict"]) {
      if (!ReadText(verdict, "verdict", expectation.verdict.emplace())) return false;
      const std::string& value = *expectation.verdict;
      if (!Check(value == "clean" || value == "suspicious" || value == "toxic", verdict,
                 "'verdict' must be clean, suspicious or toxic, not '" + value + "'")) {
        return false;
      }
    }
    if (const YAML::Node score = node["score"]) {
      if (!Check(score.IsMap(), score, "'score' must be a map with 'min' and/or 'max' (0..100)") ||
          !KnownKeys(score, {"min", "max"}, "'score'") || !ReadScore(score, "min", expectation.min_score) ||
          !ReadScore(score, "max", expectation.max_score)) {
        return false;
      }
      if (!Check(expectation.min_score.value_or(0) <= expectation.max_score.value_or(100), score,
                 "'score': min must not exceed max")) {
        return false;
      }
    }
    return Check(!expectation.fires.empty() || !expectation.not_fires.empty() || expectation.verdict ||
                     expectation.min_score || expectation.max_score,
                 node, "an expectation must check something: fires, not_fires, verdict or score");
  }

  bool ReadRuleIds(const YAML::Node& parent, const char* key, std::vector<RuleReference>& ids) {
    const YAML::Node list = parent[key];
    if (!list) return true;
    if (!Check(list.IsSequence(), list, "'" + std::string(key) + "' must be a list of rule ids")) return false;
    for (const YAML::Node& id : list) {
      if (!ReadText(id, key, ids.emplace_back().id)) return false;
      ids.back().where = Where(id);
    }
    return true;
  }

  bool ReadScore(const YAML::Node& score, const char* key, std::optional<int>& target) {
    const YAML::Node node = score[key];
    if (!node) return true;
    int value = 0;
    if (!Check(node.IsScalar() && YAML::convert<int>::decode(node, value) && value >= 0 && value <= 100, node,
               "'score." + std::string(key) + "' must be an integer from 0 to 100")) {
      return false;
    }
    target = value;
    return true;
  }

  bool ReadText(const YAML::Node& node, std::string_view key, std::string& target) {
    if (!node) return false;  // Required already reported it
    if (!Check(node.IsScalar(), node, "'" + std::string(key) + "' must be text")) return false;
    target = node.Scalar();
    return true;
  }

  bool ReadOptionalText(const YAML::Node& parent, const char* key, std::string& target) {
    return !parent[key] || ReadText(parent[key], key, target);
  }

  YAML::Node Required(const YAML::Node& parent, const char* key) {
    YAML::Node node = parent[key];
    Check(node.IsDefined(), parent, "missing '" + std::string(key) + "'");
    return node;
  }

  bool KnownKeys(const YAML::Node& map, std::initializer_list<std::string_view> keys, std::string_view what) {
    for (const auto& entry : map) {
      const std::string& key = entry.first.Scalar();
      bool known = false;
      std::string expected;
      for (std::string_view candidate : keys) {
        known = known || key == candidate;
        expected += (expected.empty() ? "" : ", ") + std::string(candidate);
      }
      if (!Check(known, entry.first,
                 "unknown field '" + key + "' in " + std::string(what) + " (expected: " + expected + ")")) {
        return false;
      }
    }
    return true;
  }

  bool Check(bool condition, const YAML::Node& node, const std::string& message) {
    if (!condition && !failed_) {
      failed_ = true;
      error_ = Failure{"rules-test", Where(node) + ": " + message};
    }
    return condition;
  }

  std::string Where(const YAML::Node& node) const {
    return Line(node) + ":" + std::to_string(node.Mark().column + 1);
  }
  std::string Line(const YAML::Node& node) const { return path_ + ":" + std::to_string(node.Mark().line + 1); }

  std::string path_;
  bool failed_ = false;
  Failure error_;
};

}  // namespace

Result<RuleTestFile> LoadRuleTestFile(const std::string& path) {
  auto root = LoadYamlFile(path, "rules-test", "the test file");
  if (!root) return root.failure();
  return TestFileParser(path).Parse(root.value());
}

}  // namespace backlint
