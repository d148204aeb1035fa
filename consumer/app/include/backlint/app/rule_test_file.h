#pragma once
// A `backlint rules test` file: which rule file to load, and pages with the flags, verdicts and scores
// their backlinks must get. The format is described in rules/README.md.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "backlint/result.h"

namespace backlint {

// A rule id named by a test, with the "file:line:column" it was written at.
struct RuleReference {
  std::string id;
  std::string where;
};

// What must hold for every backlink of the page to `link` (and, with `anchor`, with that anchor text).
struct LinkExpectation {
  std::string where;  // "file:line" of the expectation, for failure reports
  std::string link;
  std::optional<std::string> anchor;
  std::vector<RuleReference> fires;      // each must be among the link's flags
  std::vector<RuleReference> not_fires;  // none may be among them
  std::optional<std::string> verdict;    // clean | suspicious | toxic
  std::optional<int> min_score;          // inclusive, 0..100
  std::optional<int> max_score;
};

struct PreExtractedLinkSpec {
  std::string href;
  std::string text;
  std::string rel;
};

struct RuleTestCase {
  std::string name;
  std::string where;  // "file:line" of the test case
  std::string url;
  std::optional<std::string> html;             // either html ...
  std::vector<PreExtractedLinkSpec> links;     // ... or links, as in CrawledPage
  std::map<std::string, std::string> headers;  // HTTP response headers (X-Robots-Tag, Content-Type)
  std::vector<LinkExpectation> expectations;
};

struct RuleTestFile {
  std::string path;
  std::string rule_file;  // resolved against the test file's directory; empty: the built-in rules
  std::vector<RuleTestCase> cases;
};

// Failure.stage is "rules-test"; the reason starts with "file:line:column: ".
Result<RuleTestFile> LoadRuleTestFile(const std::string& path);

}  // namespace backlint
