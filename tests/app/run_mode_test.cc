// `backlint run` end to end on librdkafka's mock cluster, with kcat producing and consuming: a SIGHUP
// after the rule file was edited swaps the new rules in without a restart; a real scrape and probe of the
// running process.
#include "backlint/app/run_mode.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include "backlink_event.pb.h"
#include "backlint/app/reload_signal.h"
#include "backlint/metrics/dead_letter_reason.h"
#include "http_get.h"
#include "kafka_test_support.h"
#include "reload_test_support.h"
#include "scratch_dir.h"

namespace backlint {
namespace {

using testing::AnchorWordRules;
using testing::CheapShopPage;
using testing::HttpGet;
using testing::KafkaTestBed;
using testing::RunCommand;

class RunModeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_STRNE(BACKLINT_KCAT, "") << "kcat is not installed: run deploy/setup.sh";
    default_logger_ = spdlog::default_logger();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", log_));
  }
  void TearDown() override { spdlog::set_default_logger(default_logger_); }

  void Produce(const std::string& message) {
    const std::string file = scratch_.Write("message.json", message + "\n");
    RunCommand(Kcat("-P -t " + bed_.config.input_topic + " -l " + file));
  }

  // The first `count` backlink events of the output topic, by source URL; waits up to 30 s for them.
  std::map<std::string, v1::BacklinkEvent> Consume(int count) {
    std::map<std::string, v1::BacklinkEvent> events;
    std::istringstream lines(RunCommand("timeout 30 " + Kcat("-C -t " + bed_.config.output_topic +
                                                            " -o beginning -q -c " + std::to_string(count))));
    for (std::string line; std::getline(lines, line);) {
      v1::BacklinkEvent event;
      EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(line, &event).ok()) << line;
      events[event.source().url()] = event;
    }
    return events;
  }

  // The first log line that says `text`, waiting up to 30 s for it; empty if none did.
  std::string LogLine(const std::string& text) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      for (const std::string& line : log_->last_formatted()) {
        if (line.find(text) != std::string::npos) return line;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return "";
  }
  bool LogSays(const std::string& text) { return !LogLine(text).empty(); }

  // The port `run` serves /metrics, /healthz and /readyz on, from its start-up line; 0 if it never said.
  int MetricsPort() {
    const std::string line = LogLine("metrics on port ");
    std::smatch port;
    return std::regex_search(line, port, std::regex("metrics on port ([0-9]+)")) ? std::stoi(port[1]) : 0;
  }

  std::string Kcat(const std::string& arguments) const {
    return std::string(BACKLINT_KCAT) + " -b " + bed_.brokers.at("bootstrap.servers") + " " + arguments;
  }

  KafkaTestBed bed_ = KafkaTestBed::Start();
  backlint::testing::ScratchDir scratch_;
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> log_ = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64);
  std::shared_ptr<spdlog::logger> default_logger_;
};

TEST_F(RunModeTest, SighupSwapsTheEditedRuleFileIntoTheRunningConsumer) {
  AppConfig config;
  config.publish = bed_.config;
  config.output_format = EventFormat::kJson;
  config.metrics_listen = "127.0.0.1:0";
  config.rules_path = scratch_.Write("rules.yaml", AnchorWordRules("before", "nothing-matches"));
  config.rules_reload_interval = std::chrono::hours(1);  // only the signal can cause a reload
  InstallReloadSignal();
  std::atomic<bool> stop{false};
  int exit_code = -1;
  std::thread run([&] { exit_code = RunKafka(config, stop); });

  Produce(CheapShopPage("first"));
  const v1::BacklinkEvent first = Consume(1)["https://www.example.com/first"];
  EXPECT_EQ(first.ruleset().name(), "before");
  EXPECT_EQ(first.verdict(), v1::VERDICT_CLEAN);

  scratch_.Write("rules.yaml", AnchorWordRules("after", "cheap"));
  ASSERT_EQ(std::raise(SIGHUP), 0);
  EXPECT_TRUE(LogSays("rule set 'after'"));
  Produce(CheapShopPage("second"));
  const v1::BacklinkEvent second = Consume(2)["https://www.example.com/second"];
  EXPECT_EQ(second.ruleset().name(), "after");
  EXPECT_NE(second.ruleset().hash(), first.ruleset().hash());
  ASSERT_EQ(second.flags_size(), 1);
  EXPECT_EQ(second.flags(0).rule_id(), "spammy.word");

  stop = true;
  run.join();
  EXPECT_EQ(exit_code, 0);
}

// What a scraper and the probes see of a running consumer before any input: every dead-letter series already
// there at zero, so rate() sees the first dead letter of any stage and reason as an increase; a live loop.
TEST_F(RunModeTest, BeforeAnyInputAScrapeShowsEveryDeadLetterReasonAtZeroAndTheLoopIsAlive) {
  AppConfig config;
  config.publish = bed_.config;
  config.metrics_listen = "127.0.0.1:0";
  std::atomic<bool> stop{false};
  int exit_code = -1;
  std::thread run([&] { exit_code = RunKafka(config, stop); });
  const int port = MetricsPort();
  EXPECT_GT(port, 0) << "run never logged its metrics port";
  if (port > 0) {
    const std::string scrape = HttpGet(port, "/metrics");
    EXPECT_THAT(scrape, ::testing::StartsWith("HTTP/1.1 200 OK\r\n"));
    for (std::string_view stage : kDeadLetterStages) {
      for (std::string_view reason : kDeadLetterReasons) {
        EXPECT_THAT(scrape, ::testing::HasSubstr("\nbacklint_dead_letters_total{reason=\"" + std::string(reason) +
                                                 "\",stage=\"" + std::string(stage) + "\"} 0\n"));
      }
    }
    EXPECT_THAT(HttpGet(port, "/healthz"), ::testing::StartsWith("HTTP/1.1 200 OK\r\n"));
  }
  stop = true;
  run.join();
  EXPECT_EQ(exit_code, 0);
}

}  // namespace
}  // namespace backlint
