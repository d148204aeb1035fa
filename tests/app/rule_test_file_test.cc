#include "backlint/app/rule_test_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "scratch_dir.h"

namespace backlint {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class RuleTestFileTest : public ::testing::Test {
 protected:
  Result<RuleTestFile> Load(const std::string& yaml) { return LoadRuleTestFile(scratch_.Write("t.yaml", yaml)); }
  std::string Path() const { return (scratch_.path() / "t.yaml").string(); }

  backlint::testing::ScratchDir scratch_;
};

TEST_F(RuleTestFileTest, ReadsCasesWithPositionsAndResolvesTheRuleFileNextToTheTestFile) {
  auto file = Load(R"(rule_file: ../rules/custom.yaml
tests:
  - name: html page
    page:
      url: https://a.example/
      html: <a href="https://b.example/">b</a>
      headers: {X-Robots-Tag: nofollow}
    expect:
      - link: https://b.example/
        anchor: b
        fires: [paid.x]
        not_fires: [spammy.y, spammy.z]
        verdict: suspicious
        score: {min: 10, max: 70}
  - name: pre-extracted
    page:
      url: https://a.example/
      links:
        - {href: "https://c.example/", text: C, rel: nofollow}
    expect:
      - {link: "https://c.example/", verdict: clean}
)");
  ASSERT_TRUE(file.ok()) << file.failure().reason;
  EXPECT_EQ(file.value().rule_file, (scratch_.path().parent_path() / "rules/custom.yaml").string());
  ASSERT_EQ(file.value().cases.size(), 2u);
  const RuleTestCase& html = file.value().cases[0];
  EXPECT_EQ(html.name, "html page");
  EXPECT_EQ(html.where, Path() + ":3");
  EXPECT_EQ(html.html, "<a href=\"https://b.example/\">b</a>");
  EXPECT_EQ(html.headers.at("X-Robots-Tag"), "nofollow");
  ASSERT_EQ(html.expectations.size(), 1u);
  const LinkExpectation& expectation = html.expectations[0];
  EXPECT_EQ(expectation.where, Path() + ":9");
  EXPECT_EQ(expectation.anchor, "b");
  ASSERT_EQ(expectation.fires.size(), 1u);
  EXPECT_EQ(expectation.fires[0].id, "paid.x");
  EXPECT_EQ(expectation.fires[0].where, Path() + ":11:17");
  EXPECT_EQ(expectation.not_fires.size(), 2u);
  EXPECT_EQ(expectation.verdict, "suspicious");
  EXPECT_EQ(expectation.min_score, 10);
  EXPECT_EQ(expectation.max_score, 70);
  const RuleTestCase& links = file.value().cases[1];
  EXPECT_FALSE(links.html.has_value());
  ASSERT_EQ(links.links.size(), 1u);
  EXPECT_EQ(links.links[0].href, "https://c.example/");
  EXPECT_EQ(links.links[0].text, "C");
  EXPECT_EQ(links.links[0].rel, "nofollow");
}

TEST_F(RuleTestFileTest, WithoutRuleFileTheBuiltInRulesAreMeant) {
  auto file = Load("tests:\n  - name: n\n    page: {url: 'https://a.example/', html: ''}\n"
                   "    expect: [{link: 'https://b.example/', verdict: clean}]\n");
  ASSERT_TRUE(file.ok()) << file.failure().reason;
  EXPECT_EQ(file.value().rule_file, "");
}

struct BadFile {
  const char* yaml;
  const char* position;  // line:column
  const char* message;
};

class RuleTestFileErrorTest : public RuleTestFileTest, public ::testing::WithParamInterface<BadFile> {};

TEST_P(RuleTestFileErrorTest, IsRejectedWithFileLineColumnAndWhatIsWrong) {
  auto file = Load(GetParam().yaml);
  ASSERT_FALSE(file.ok());
  EXPECT_THAT(file.failure().reason, StartsWith(Path() + ":" + GetParam().position + ": "));
  EXPECT_THAT(file.failure().reason, HasSubstr(GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(
    Mistakes, RuleTestFileErrorTest,
    ::testing::Values(
        BadFile{"tests: [", "1:1", "end of sequence"},
        BadFile{"rules: x.yaml\ntests: []\n", "1:1", "unknown field 'rules'"},
        BadFile{"tests: []\n", "1:8", "'tests' must be a non-empty list"},
        BadFile{"tests:\n  - name: n\n    expect: [{link: x, verdict: clean}]\n", "2:5", "missing 'page'"},
        BadFile{"tests:\n  - name: n\n    page: {url: 'https://a.example/'}\n    expect: [{link: x, verdict: clean}]\n",
                "3:11", "exactly one of 'html' and 'links'"},
        BadFile{"tests:\n  - name: n\n    page: {url: u, html: '', colour: red}\n    expect: [{link: x}]\n", "3:30",
                "unknown field 'colour' in 'page'"},
        BadFile{"tests:\n  - name: n\n    page: {url: u, links: [{text: t}]}\n    expect: [{link: x}]\n", "3:28",
                "missing 'href'"},
        BadFile{"tests:\n  - name: n\n    page: {url: u, html: ''}\n    expect: [{link: x}]\n", "4:14",
                "must check something"},
        BadFile{"tests:\n  - name: n\n    page: {url: u, html: ''}\n    expect: [{link: x, verdict: bad}]\n", "4:33",
                "'verdict' must be clean, suspicious or toxic"},
        BadFile{"tests:\n  - name: n\n    page: {url: u, html: ''}\n    expect: [{link: x, score: {min: 101}}]\n",
                "4:37", "integer from 0 to 100"},
        BadFile{"tests:\n  - name: n\n    page: {url: u, html: ''}\n    expect: [{link: x, score: {min: 9, max: 8}}]\n",
                "4:31", "min must not exceed max"},
        BadFile{"tests:\n  - name: n\n    page: {url: u, html: ''}\n    expect: [{link: x, fires: paid.x}]\n", "4:31",
                "'fires' must be a list of rule ids"}));

TEST_F(RuleTestFileTest, UnreadableFileIsNamed) {
  auto file = LoadRuleTestFile((scratch_.path() / "missing.yaml").string());
  ASSERT_FALSE(file.ok());
  EXPECT_THAT(file.failure().reason, HasSubstr("missing.yaml: cannot read"));
}

}  // namespace
}  // namespace backlint
