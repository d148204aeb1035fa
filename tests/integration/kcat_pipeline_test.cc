// End to end over the real Kafka protocol: kcat, an independent client, produces the bundled demo pages
// into the mock cluster and reads the pipeline's output back; the test checks the exact set of events.
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include "backlink_event.pb.h"
#include "backlint/app/demo_mode.h"
#include "kafka_test_support.h"

namespace backlint {
namespace {

using testing::KafkaTestBed;
using testing::RunCommand;

// key, target url, verdict, fired rule ids (sorted, comma-separated)
using EventSummaryRow = std::tuple<std::string, std::string, std::string, std::string>;

std::string Kcat(const KafkaTestBed& bed, const std::string& arguments) {
  return RunCommand(std::string(BACKLINT_KCAT) + " -b " + bed.brokers.at("bootstrap.servers") + " " + arguments);
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

EventSummaryRow Summarise(const std::string& key, const std::string& json) {
  v1::BacklinkEvent event;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &event).ok()) << json;
  std::set<std::string> rules;
  for (const v1::Flag& flag : event.flags()) rules.insert(flag.rule_id());
  std::string rule_list;
  for (const std::string& rule : rules) rule_list += (rule_list.empty() ? "" : ",") + rule;
  return {key, event.target().url(), v1::Verdict_Name(event.verdict()), rule_list};
}

TEST(KcatPipelineTest, ScoresEveryBacklinkOfTheDemoPagesAndDeadLettersTheMalformedOnes) {
  ASSERT_STRNE(BACKLINT_KCAT, "") << "kcat is not installed: run deploy/setup.sh";
  KafkaTestBed bed = KafkaTestBed::Start();
  const std::string input_file = ::testing::TempDir() + "/demo-pages.jsonl";
  std::ofstream(input_file) << kDemoPages;
  Kcat(bed, "-P -t " + bed.config.input_topic + " -l " + input_file);

  prometheus::Registry registry;
  PipelineMetrics metrics(registry);
  auto processor = MakePageProcessor("", EventFormat::kJson, metrics);
  ASSERT_TRUE(processor.ok()) << processor.failure().reason;
  auto pipeline = KafkaPipeline::Create(bed.config, *processor.value(), metrics);
  ASSERT_TRUE(pipeline.ok()) << pipeline.failure().reason;
  auto stats = testing::RunUntilSettled(*pipeline.value(), 10);
  ASSERT_TRUE(stats.ok()) << stats.failure().reason;
  ASSERT_EQ(stats.value().consumed, 10u);

  std::set<EventSummaryRow> events;
  for (const std::string& line : Lines(Kcat(bed, "-C -t " + bed.config.output_topic + " -o beginning -e -q -f '%k\\t%s\\n'"))) {
    const auto tab = line.find('\t');
    ASSERT_NE(tab, std::string::npos) << line;
    events.insert(Summarise(line.substr(0, tab), line.substr(tab + 1)));
  }
  const std::set<EventSummaryRow> expected = {
      // Editorial, on-topic links in the main content: clean.
      {"rhs.org.uk", "https://www.rhs.org.uk/soil-composts-mulches/composting", "VERDICT_CLEAN", ""},
      {"umn.edu", "https://extension.umn.edu/yard-and-garden-news/vermicomposting", "VERDICT_CLEAN", ""},
      {"wikipedia.org", "https://en.wikipedia.org/wiki/Compost", "VERDICT_CLEAN", ""},
      {"carris.pt", "https://www.carris.pt/en/", "VERDICT_CLEAN", ""},
      {"cp.pt", "https://www.cp.pt/passageiros/en", "VERDICT_CLEAN", ""},
      {"consumerfinance.gov", "https://www.consumerfinance.gov/consumer-tools/", "VERDICT_CLEAN", ""},
      {"nerdwallet.com", "https://www.nerdwallet.com/", "VERDICT_CLEAN", ""},
      {"kingarthurbaking.com", "https://www.kingarthurbaking.com/recipes/sourdough-starter-recipe", "VERDICT_CLEAN",
       ""},
      {"cmsnl.com", "https://www.cmsnl.com/honda-cb350-1972_model9540/", "VERDICT_CLEAN", ""},
      // A comment link qualified with rel="ugc nofollow" and a natural anchor is not spam.
      {"dimecitycycles.com", "https://www.dimecitycycles.com/honda/cb350", "VERDICT_CLEAN", ""},
      // gov.uk and service.gov.uk are public suffixes: each host is its own site.
      {"www.gov.uk", "https://www.gov.uk/government/organisations/environment-agency", "VERDICT_CLEAN", ""},
      {"check-long-term-flood-risk.service.gov.uk", "https://check-long-term-flood-risk.service.gov.uk/map",
       "VERDICT_CLEAN", ""},
      {"reading.ac.uk", "https://www.reading.ac.uk/geographical-and-environmental-sciences", "VERDICT_CLEAN", ""},
      {"doi.org", "https://doi.org/10.1029/2019WR026262", "VERDICT_CLEAN", ""},
      {"bbc.co.uk", "https://www.bbc.co.uk/news/science-environment", "VERDICT_CLEAN", ""},
      {"ahrefs.com", "https://ahrefs.com/blog/", "VERDICT_CLEAN", ""},
      // Paid and declared.
      {"staybright-travel.com", "https://www.staybright-travel.com/lisbon", "VERDICT_CLEAN", "paid.rel-sponsored"},
      // Forced money keywords; a payday anchor on a page about something else is also off-topic spam.
      {"example.com", "https://quickcash-lenders.example.com/apply", "VERDICT_TOXIC",
       "forced_keyword.exact-money-anchor,forced_keyword.off-topic-keyword-anchor,spammy.off-topic-spam-link,"
       "spammy.spam-vertical-link"},
      {"example.biz", "https://rank-booster-seo.example.biz/", "VERDICT_SUSPICIOUS",
       "forced_keyword.exact-money-anchor"},
      // Hidden keyword links and comment spam, on high-spam TLDs.
      {"royal-spins-bonus.xyz", "http://royal-spins-bonus.xyz/", "VERDICT_TOXIC",
       "forced_keyword.exact-money-anchor,spammy.hidden-link,spammy.risky-tld,spammy.spam-vertical-link"},
      {"pills-discount-store.top", "http://pills-discount-store.top/viagra", "VERDICT_TOXIC",
       "forced_keyword.exact-money-anchor,forced_keyword.off-topic-keyword-anchor,spammy.hidden-link,"
       "spammy.off-topic-spam-link,spammy.risky-tld,spammy.spam-vertical-link"},
      {"replica-watch-outlet.shop", "https://replica-watch-outlet.shop/", "VERDICT_TOXIC",
       "forced_keyword.exact-money-anchor,forced_keyword.off-topic-keyword-anchor,"
       "forced_keyword.spam-host-keyword-anchor,spammy.comment-link-commercial,spammy.comment-link-without-ugc,"
       "spammy.off-topic-spam-link,spammy.risky-tld,spammy.spam-vertical-link"},
      {"example.net", "https://fastloans-now.example.net/", "VERDICT_TOXIC",
       "forced_keyword.exact-money-anchor,spammy.comment-link-commercial,spammy.comment-link-without-ugc,"
       "spammy.spam-vertical-link"},
  };
  EXPECT_EQ(events, expected);

  const std::vector<std::string> dead_letters =
      Lines(Kcat(bed, "-C -t " + bed.config.dead_letter_topic + " -o beginning -e -q -f '%h\\n'"));
  ASSERT_EQ(dead_letters.size(), 2u);
  EXPECT_THAT(dead_letters, ::testing::UnorderedElementsAre(
                                ::testing::HasSubstr("backlint.error=invalid JSON"),
                                ::testing::HasSubstr("backlint.error=field 'url': not an absolute http(s) URL")));
  for (const std::string& headers : dead_letters) {
    EXPECT_THAT(headers, ::testing::HasSubstr("backlint.stage=decode"));
    EXPECT_THAT(headers, ::testing::HasSubstr("backlint.source.topic=" + bed.config.input_topic));
  }
}

}  // namespace
}  // namespace backlint
