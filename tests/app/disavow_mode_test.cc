#include "backlint/app/disavow_mode.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "backlink_event.pb.h"
#include "backlint/app/demo_mode.h"
#include "backlint/pipeline/processor_setup.h"

namespace backlint {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

// One BacklinkEvent JSON line, as `backlint score` prints it.
std::string EventLine(const std::string& source_url, const std::string& source_domain, v1::Verdict verdict,
                      int score, const std::vector<std::string>& rules = {}, const std::string& event_id = "",
                      const std::string& target_domain = "mysite.example") {
  v1::BacklinkEvent event;
  event.set_event_id(event_id.empty() ? source_url + "#" + std::to_string(score) : event_id);
  event.mutable_source()->set_url(source_url);
  event.mutable_source()->set_registrable_domain(source_domain);
  event.mutable_target()->set_url("https://" + target_domain + "/");
  event.mutable_target()->set_host(target_domain);
  event.mutable_target()->set_registrable_domain(target_domain);
  event.set_verdict(verdict);
  event.set_quality_score(score);
  for (const std::string& rule : rules) {
    v1::Flag* flag = event.add_flags();
    flag->set_rule_id(rule);
    flag->set_evidence("evidence of " + rule);
  }
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(event, &json, options).ok());
  return json;
}

struct Output {
  int exit_code;
  std::string file;
  std::string err;

  // The entry lines (not comments), in order.
  std::vector<std::string> Entries() const {
    std::vector<std::string> entries;
    std::istringstream lines(file);
    for (std::string line; std::getline(lines, line);) {
      if (!line.starts_with("#")) entries.push_back(line);
    }
    return entries;
  }
};

Output Disavow(const std::string& input, DisavowOptions options = {}) {
  std::istringstream in(input);
  std::ostringstream out;
  std::ostringstream err;
  const int exit_code = RunDisavow(options, in, out, err);
  return {exit_code, out.str(), err.str()};
}

TEST(DisavowModeTest, EventsFromTheRealPipelineGiveOneUrlLinePerPageWithAToxicLink) {
  prometheus::Registry registry;
  PipelineMetrics metrics(registry);
  auto processor = MakePageProcessor("", EventFormat::kJson, metrics);
  ASSERT_TRUE(processor.ok()) << processor.failure().reason;
  std::string events;
  std::set<std::string> toxic_sources;
  std::set<std::string> sources;
  std::istringstream pages{std::string(kDemoPages)};
  for (std::string page; std::getline(pages, page);) {
    auto encoded = processor.value()->Process(page);
    if (!encoded) continue;  // the demo's malformed pages are dead letters
    for (const EncodedEvent& event : encoded.value()) {
      events += event.value + "\n";
      v1::BacklinkEvent parsed;
      ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(event.value, &parsed).ok());
      sources.insert(parsed.source().url());
      if (parsed.verdict() == v1::VERDICT_TOXIC) toxic_sources.insert(parsed.source().url());
    }
  }
  ASSERT_FALSE(toxic_sources.empty()) << "the demo pages include hidden links and comment spam";
  ASSERT_GT(sources.size(), toxic_sources.size()) << "and editorial pages with clean links only";

  DisavowOptions options;
  options.domain_min_toxic = 0;  // URL lines only
  const Output output = Disavow(events, options);
  EXPECT_EQ(output.exit_code, 0) << output.err;
  const std::vector<std::string> entries = output.Entries();
  EXPECT_EQ(std::set<std::string>(entries.begin(), entries.end()), toxic_sources);
  EXPECT_EQ(entries.size(), toxic_sources.size());
  // Every entry follows the comment giving its reasons.
  std::istringstream lines(output.file);
  std::string previous;
  for (std::string line; std::getline(lines, line); previous = line) {
    if (!line.starts_with("#")) {
      EXPECT_THAT(previous, StartsWith("# toxic, score ")) << line;
    }
  }
}

TEST(DisavowModeTest, ASiteWithEnoughToxicLinksGetsOneDomainLineThatCoversItsPages) {
  const std::string input =
      EventLine("https://farm.example/a", "farm.example", v1::VERDICT_TOXIC, 10, {"spammy.hidden-link"}) + "\n" +
      EventLine("https://farm.example/a", "farm.example", v1::VERDICT_TOXIC, 20, {"spammy.hidden-link"}) + "\n" +
      EventLine("https://sub.farm.example/b", "farm.example", v1::VERDICT_TOXIC, 5,
                {"spammy.hidden-link", "forced_keyword.exact-money-anchor"}) + "\n" +
      EventLine("https://lone.example/c", "lone.example", v1::VERDICT_TOXIC, 30, {"spammy.hidden-link"}) + "\n";
  const Output output = Disavow(input);  // default: 3 toxic links make a domain line
  EXPECT_EQ(output.exit_code, 0) << output.err;
  EXPECT_THAT(output.Entries(), ElementsAre("domain:farm.example", "https://lone.example/c"));
  EXPECT_THAT(output.file, HasSubstr("# 3 toxic links on 2 pages, worst score 5: spammy.hidden-link x3 (evidence "
                                     "of spammy.hidden-link); forced_keyword.exact-money-anchor x1 (evidence of "
                                     "forced_keyword.exact-money-anchor)\ndomain:farm.example\n"));
  EXPECT_THAT(output.file, HasSubstr("# toxic, score 30, 1 link: spammy.hidden-link x1 (evidence of "
                                     "spammy.hidden-link)\nhttps://lone.example/c\n"));
}

TEST(DisavowModeTest, ThresholdsChooseWhichPagesAndSitesAreListed) {
  const std::string input =
      EventLine("https://a.example/1", "a.example", v1::VERDICT_SUSPICIOUS, 70, {"paid.x"}) + "\n" +
      EventLine("https://b.example/1", "b.example", v1::VERDICT_SUSPICIOUS, 50, {"paid.x"}) + "\n" +
      EventLine("https://c.example/1", "c.example", v1::VERDICT_CLEAN, 95) + "\n" +
      EventLine("https://d.example/1", "d.example", v1::VERDICT_TOXIC, 20, {"spammy.x"}) + "\n" +
      EventLine("https://d.example/2", "d.example", v1::VERDICT_TOXIC, 25, {"spammy.x"}) + "\n";
  const Output defaults = Disavow(input);
  EXPECT_THAT(defaults.Entries(), ElementsAre("https://d.example/1", "https://d.example/2"));
  EXPECT_THAT(defaults.file, HasSubstr("from 5 backlink events."));  // the clean one is counted too

  DisavowOptions suspicious;
  suspicious.url_verdict = "suspicious";
  EXPECT_THAT(Disavow(input, suspicious).Entries(),
              ElementsAre("https://d.example/1", "https://d.example/2", "https://b.example/1", "https://a.example/1"));

  DisavowOptions low_scores = suspicious;
  low_scores.max_score = 50;
  EXPECT_THAT(Disavow(input, low_scores).Entries(),
              ElementsAre("https://d.example/1", "https://d.example/2", "https://b.example/1"));

  DisavowOptions two_make_a_domain;
  two_make_a_domain.domain_min_toxic = 2;
  EXPECT_THAT(Disavow(input, two_make_a_domain).Entries(), ElementsAre("domain:d.example"));
}

TEST(DisavowModeTest, OnlyLinksToTheChosenTargetsCount) {
  const std::string input =
      EventLine("https://a.example/1", "a.example", v1::VERDICT_TOXIC, 10, {}, "", "mysite.example") + "\n" +
      EventLine("https://b.example/1", "b.example", v1::VERDICT_TOXIC, 10, {}, "", "someone-else.example") + "\n";
  DisavowOptions options;
  options.targets = {"mysite.example"};
  EXPECT_THAT(Disavow(input, options).Entries(), ElementsAre("https://a.example/1"));
}

// Domains are case-insensitive: `--target MySite.example` must not silently give an empty disavow file.
TEST(DisavowModeTest, TargetsMatchWhateverTheirCase) {
  DisavowOptions options;
  options.targets = {"MySite.Example"};
  EXPECT_THAT(Disavow(EventLine("https://a.example/1", "a.example", v1::VERDICT_TOXIC, 10) + "\n", options).Entries(),
              ElementsAre("https://a.example/1"));
}

// A directory opens like a file and reads as empty: the disavow file written from it would drop every entry.
TEST(DisavowModeTest, AnInputThatCannotBeReadIsReportedAndFailsTheRun) {
  DisavowOptions options;
  options.inputs = {::testing::TempDir()};
  const Output output = Disavow("", options);
  EXPECT_EQ(output.exit_code, 1);
  EXPECT_THAT(output.err, HasSubstr("cannot read '" + ::testing::TempDir() + "': Is a directory"));
}

TEST(DisavowModeTest, RedeliveredEventsCountOnce) {
  const std::string line = EventLine("https://farm.example/a", "farm.example", v1::VERDICT_TOXIC, 10, {}, "id-1");
  DisavowOptions options;
  options.domain_min_toxic = 2;
  const Output output = Disavow(line + "\n" + line + "\n", options);
  EXPECT_THAT(output.Entries(), ElementsAre("https://farm.example/a"));
  EXPECT_THAT(output.file, HasSubstr("# toxic, score 10, 1 link: no rule fired\n"));
}

TEST(DisavowModeTest, MentionEventsAreSkippedAndMalformedLinesReportedWithTheirLine) {
  const std::string input =
      R"({"event_id": "m1", "source": {"url": "https://a.example/"}, "term": "mysite.example", "kind": "MENTION_KIND_DOMAIN"})"
      "\n"
      "not json\n"
      "\n" +
      EventLine("https://a.example/1", "a.example", v1::VERDICT_TOXIC, 10) + "\n" +
      R"({"source": {"url": "https://b.example/"}, "verdict": "VERDICT_TOXIC", "quality_score": "many"})" "\n"
      R"({"target": {"url": "https://mysite.example/"}, "verdict": "VERDICT_TOXIC"})" "\n"
      "[1, 2]\n";
  const Output output = Disavow(input);
  EXPECT_EQ(output.exit_code, 1);
  EXPECT_THAT(output.Entries(), ElementsAre("https://a.example/1"));  // the good line still counts
  EXPECT_THAT(output.err, HasSubstr("<stdin>:2: not JSON: "));
  EXPECT_THAT(output.err, HasSubstr("<stdin>:5: not a BacklinkEvent: "));
  EXPECT_THAT(output.err, HasSubstr("<stdin>:6: BacklinkEvent without source.url"));
  EXPECT_THAT(output.err, HasSubstr("<stdin>:7: not a JSON object"));
  EXPECT_THAT(output.err, Not(HasSubstr("<stdin>:1:")));
  EXPECT_THAT(output.err, HasSubstr("4 malformed lines skipped"));
}

TEST(DisavowModeTest, CommentsStayOneLineOfValidUtf8) {
  v1::BacklinkEvent event;
  event.set_event_id("e");
  event.mutable_source()->set_url("https://a.example/");
  event.set_verdict(v1::VERDICT_TOXIC);
  v1::Flag* flag = event.add_flags();
  flag->set_rule_id("spammy.x");
  std::string evidence = "line one\nline two ";
  for (int i = 0; i < 300; ++i) evidence += "ü";  // two bytes each: the comment must be cut between them
  flag->set_evidence(evidence);
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(event, &json).ok());

  const Output output = Disavow(json + "\n");
  std::istringstream lines(output.file);
  std::vector<std::string> all;
  for (std::string line; std::getline(lines, line);) all.push_back(line);
  ASSERT_GE(all.size(), 2u);
  const std::string& comment = all[all.size() - 2];
  EXPECT_THAT(comment, StartsWith("# toxic, score 0, 1 link: spammy.x x1 (line one line two ü"));
  EXPECT_LE(comment.size(), 500u);
  EXPECT_THAT(comment, testing::EndsWith("ü..."));
  EXPECT_EQ(all.back(), "https://a.example/");
}

TEST(DisavowModeTest, OverTheLimitsTheWorstEntriesAreKeptAndTheCutIsSaid) {
  std::string input;
  for (int score = 0; score < 10; ++score) {
    input += EventLine("https://p" + std::to_string(score) + ".example/", "p" + std::to_string(score) + ".example",
                       v1::VERDICT_TOXIC, score) + "\n";
  }
  DisavowOptions options;
  options.max_lines = 3 + 2 * 4 + 1;  // header, four entries with their comments, the note
  const Output by_lines = Disavow(input, options);
  EXPECT_EQ(by_lines.exit_code, 0);
  EXPECT_THAT(by_lines.Entries(),
              ElementsAre("https://p0.example/", "https://p1.example/", "https://p2.example/", "https://p3.example/"));
  EXPECT_THAT(by_lines.file, testing::EndsWith("# Truncated: 6 of 10 entries (the least bad) left out to stay within "
                                               "12 lines and 2000000 bytes.\n"));
  EXPECT_THAT(by_lines.err, HasSubstr("truncated: 6 of 10 entries"));

  DisavowOptions bytes;
  bytes.max_bytes = 1000;
  const Output by_bytes = Disavow(input, bytes);
  EXPECT_LE(by_bytes.file.size(), 1000u);
  EXPECT_THAT(by_bytes.Entries(), Not(IsEmpty()));
  EXPECT_EQ(by_bytes.Entries().front(), "https://p0.example/");
  EXPECT_THAT(by_bytes.file, HasSubstr("# Truncated: "));
}

TEST(DisavowModeTest, GooglesLimitsHoldByDefault) {
  std::string input;
  for (int page = 0; page < 20000; ++page) {  // about 2.7 MB of entries
    input += EventLine("https://spam" + std::to_string(page) + ".example/some/long/path/to/make/it/count",
                       "spam" + std::to_string(page) + ".example", v1::VERDICT_TOXIC, page % 40,
                       {"spammy.hidden-link"}) + "\n";
  }
  const Output output = Disavow(input);
  EXPECT_LE(output.file.size(), 2000000u);
  EXPECT_LE(static_cast<std::size_t>(std::count(output.file.begin(), output.file.end(), '\n')), 100000u);
  EXPECT_THAT(output.file, HasSubstr("# Truncated: "));
  EXPECT_THAT(output.Entries().front(), HasSubstr("/some/long/path"));
}

}  // namespace
}  // namespace backlint
