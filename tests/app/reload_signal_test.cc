#include "backlint/app/reload_signal.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <chrono>
#include <csignal>

#include "backlint/app/rule_reloader.h"
#include "backlint/pipeline/processor_setup.h"
#include "scratch_dir.h"

namespace backlint {
namespace {

TEST(ReloadSignalTest, SighupIsTakenOnceInsteadOfEndingTheProcess) {
  InstallReloadSignal();
  EXPECT_FALSE(TakeReloadRequest());
  ASSERT_EQ(std::raise(SIGHUP), 0);  // without the handler, SIGHUP's default action ends the test
  ASSERT_EQ(std::raise(SIGHUP), 0);
  EXPECT_TRUE(TakeReloadRequest());
  EXPECT_FALSE(TakeReloadRequest());
}

// The path `run` takes: SIGHUP -> flag -> the consumer loop's tick -> the new rules in the processor.
TEST(ReloadSignalTest, SighupSwapsTheEditedRuleFileIntoTheRunningProcessor) {
  backlint::testing::ScratchDir scratch;
  const std::string path = scratch.Write("rules.yaml", "name: before\nrules: []\n");
  prometheus::Registry registry;
  PipelineMetrics metrics(registry);
  auto processor = MakePageProcessor(path, EventFormat::kJson, metrics);
  ASSERT_TRUE(processor.ok()) << processor.failure().reason;
  // An hour between polls: only the signal can explain a reload.
  RuleReloader reloader(path, {processor.value().get()}, metrics, std::chrono::hours(1));
  InstallReloadSignal();

  scratch.Write("rules.yaml", "name: after-sighup\nrules: []\n");
  EXPECT_EQ(reloader.Tick(TakeReloadRequest()), RuleReloader::Outcome::kUnchanged);
  ASSERT_EQ(std::raise(SIGHUP), 0);
  EXPECT_EQ(reloader.Tick(TakeReloadRequest()), RuleReloader::Outcome::kSwapped);
  EXPECT_EQ(processor.value()->rules()->name(), "after-sighup");
}

}  // namespace
}  // namespace backlint
