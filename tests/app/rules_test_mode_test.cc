#include "backlint/app/rules_test_mode.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "scratch_dir.h"

namespace backlint {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Flags links whose anchor contains "casino" (toxic) and links marked sponsored (suspicious).
constexpr char kRules[] = R"(name: test-rules
scoring: {start: 100, suspicious_below: 80, toxic_below: 40}
rules:
  - id: spammy.casino
    category: spammy
    weight: 70
    when: {field: anchor.text, contains: casino}
    evidence: "casino anchor {anchor.text}"
  - id: paid.sponsored
    category: paid
    weight: 25
    when: {field: rel, contains: sponsored}
    evidence: "rel {rel}"
)";

constexpr char kPage[] = R"(    page:
      url: https://blog.example/post
      html: |
        <p>Play at <a href="https://casino.example/">the best casino</a> or read
        <a href="https://news.example/story" rel="sponsored">a story</a>.</p>
)";

class RulesTestModeTest : public ::testing::Test {
 protected:
  void SetUp() override { scratch_.Write("rules.yaml", kRules); }

  // Runs the test files; out and err are kept for the assertions.
  int Run(const std::vector<std::string>& files) {
    out_.str("");
    err_.str("");
    return RunRuleTests(files, out_, err_);
  }

  std::string TestFile(const std::string& name, const std::string& expectations,
                       const std::string& rule_file = "rules.yaml") {
    return scratch_.Write(name, (rule_file.empty() ? "" : "rule_file: " + rule_file + "\n") +
                                    "tests:\n  - name: casino and sponsored\n" + kPage + "    expect:\n" +
                                    expectations);
  }

  backlint::testing::ScratchDir scratch_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(RulesTestModeTest, PassingExpectationsExitZeroWithASummary) {
  const std::string path = TestFile("pass.yaml", R"(      - link: https://casino.example/
        fires: [spammy.casino]
        not_fires: [paid.sponsored]
        verdict: toxic
        score: {max: 30}
      - link: https://news.example/story
        fires: [paid.sponsored]
        verdict: suspicious
        score: {min: 75, max: 75}
)");
  EXPECT_EQ(Run({path}), 0) << out_.str();
  EXPECT_THAT(out_.str(), HasSubstr("Unit Testing:  " + path + "\n"));
  EXPECT_THAT(out_.str(), HasSubstr("1 tests, 2 link checks, 0 failed\n  SUCCESS\n"));
  EXPECT_EQ(err_.str(), "");
}

TEST_F(RulesTestModeTest, EachFailureNamesTestLinkExpectedAndGotWithItsLine) {
  const std::string path = TestFile("fail.yaml", R"(      - link: https://casino.example/
        fires: [paid.sponsored]
        not_fires: [spammy.casino]
      - link: https://news.example/story
        verdict: clean
        score: {min: 90}
      - link: https://absent.example/
        verdict: clean
)");
  EXPECT_EQ(Run({path}), 1);
  const std::string out = out_.str();
  EXPECT_THAT(out, HasSubstr("1 tests, 3 link checks, 3 failed\n  FAILED:\n"));
  // Lines 10, 13 and 16 of the file: the expectations.
  EXPECT_THAT(out, HasSubstr(path + ":10: test \"casino and sponsored\", link https://casino.example/ (anchor "
                             "\"the best casino\", position 0):\n"
                             "        exp fires: [paid.sponsored]\n"
                             "        exp not to fire: [spammy.casino]\n"
                             "        got flags: [spammy.casino (casino anchor the best casino)]\n"));
  EXPECT_THAT(out, HasSubstr(path + ":13: test \"casino and sponsored\", link https://news.example/story"));
  EXPECT_THAT(out, HasSubstr("        exp verdict: clean\n        got verdict: suspicious (score 75"));
  EXPECT_THAT(out, HasSubstr("        exp score: 90..100\n        got score: 75"));
  EXPECT_THAT(out, HasSubstr(path + ":16: test \"casino and sponsored\", link https://absent.example/:\n"
                             "        exp a backlink to it\n"
                             "        got backlinks: [https://casino.example/ \"the best casino\", "
                             "https://news.example/story \"a story\"]\n"));
  EXPECT_THAT(err_.str(), HasSubstr("1 of 1 test files failed"));
}

TEST_F(RulesTestModeTest, AnchorNarrowsWhichLinksToATargetAreChecked) {
  const std::string path = scratch_.Write("anchor.yaml", R"(rule_file: rules.yaml
tests:
  - name: two links to one site
    page:
      url: https://blog.example/post
      links:
        - {href: "https://casino.example/", text: "casino night"}
        - {href: "https://casino.example/", text: "their about page"}
    expect:
      - {link: "https://casino.example/", anchor: "their about page", verdict: clean}
      - {link: "https://casino.example/", anchor: "casino night", fires: [spammy.casino]}
      - {link: "https://casino.example/", verdict: clean}
)");
  EXPECT_EQ(Run({path}), 1);
  // Only the unfiltered expectation fails, and only for the casino anchor.
  EXPECT_THAT(out_.str(), HasSubstr("3 link checks, 1 failed"));
  EXPECT_THAT(out_.str(), HasSubstr(path + ":12: test \"two links to one site\", link https://casino.example/ "
                                    "(anchor \"casino night\", position 0)"));
  EXPECT_THAT(out_.str(), Not(HasSubstr("position 1")));
}

TEST_F(RulesTestModeTest, WithoutRuleFileTheBuiltInDefaultRulesAreTested) {
  const std::string path = scratch_.Write("builtin.yaml", R"(tests:
  - name: money anchor
    page:
      url: https://blog.example/post
      html: <p>Try <a href="https://lender.example/">cheap payday loans</a>.</p>
    expect:
      - {link: "https://lender.example/", fires: [forced_keyword.exact-money-anchor]}
)");
  EXPECT_EQ(Run({path}), 0) << out_.str();
}

TEST_F(RulesTestModeTest, PageThePipelineRejectsIsAFailureWithTheStageAndReason) {
  const std::string path = scratch_.Write("rejected.yaml", R"(rule_file: rules.yaml
tests:
  - name: relative url
    page: {url: /not/absolute, html: <p>x</p>}
    expect: [{link: "https://a.example/", verdict: clean}]
)");
  EXPECT_EQ(Run({path}), 1);
  EXPECT_THAT(out_.str(), HasSubstr(path + ":3: test \"relative url\":\n        the pipeline rejected the page (decode): "));
}

TEST_F(RulesTestModeTest, UnknownRuleIdIsABadTestFileNotAPass) {
  const std::string path = TestFile("typo.yaml", "      - link: https://casino.example/\n"
                                                 "        not_fires: [spammy.casnio]\n");
  EXPECT_EQ(Run({path}), 2);
  EXPECT_THAT(out_.str(), HasSubstr(path + ":11:21: unknown rule id 'spammy.casnio' (not in rule set 'test-rules')"));
}

TEST_F(RulesTestModeTest, BadRuleFileIsReportedWithItsPosition) {
  scratch_.Write("broken.yaml", "name: broken\nrules:\n  - id: x\n    colour: red\n");
  const std::string path = TestFile("uses_broken.yaml", "      - {link: 'https://casino.example/', verdict: clean}\n",
                                    "broken.yaml");
  EXPECT_EQ(Run({path}), 2);
  EXPECT_THAT(out_.str(), HasSubstr((scratch_.path() / "broken.yaml").string() + ":4:"));
}

TEST_F(RulesTestModeTest, BadTestFileIsReportedWithItsPosition) {
  const std::string path = scratch_.Write("bad.yaml", "tests:\n  - name: n\n    pgae: {}\n");
  EXPECT_EQ(Run({path}), 2);
  EXPECT_THAT(out_.str(), HasSubstr(path + ":3:5: unknown field 'pgae'"));
}

TEST_F(RulesTestModeTest, EveryFileRunsAndTheWorstResultIsTheExitCode) {
  const std::string pass = TestFile("pass.yaml", "      - {link: 'https://casino.example/', verdict: toxic}\n");
  const std::string fail = TestFile("fail.yaml", "      - {link: 'https://casino.example/', verdict: clean}\n");
  EXPECT_EQ(Run({fail, pass}), 1);
  EXPECT_THAT(out_.str(), HasSubstr("Unit Testing:  " + fail));
  EXPECT_THAT(out_.str(), HasSubstr("Unit Testing:  " + pass));
  EXPECT_THAT(err_.str(), HasSubstr("1 of 2 test files failed"));
  EXPECT_EQ(Run({pass, scratch_.path().string() + "/missing.yaml"}), 2);
}

TEST_F(RulesTestModeTest, ShippedTestsOfTheDefaultRulesPass) {
  EXPECT_EQ(Run({BACKLINT_SOURCE_DIR "/rules/tests/default_rules_test.yaml"}), 0) << out_.str();
}

}  // namespace
}  // namespace backlint
