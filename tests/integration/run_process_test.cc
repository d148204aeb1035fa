// `backlint run` as a real process against the test's mock cluster. kcat (an independent client)
// produces the input of both tests and reads the output of the first. SIGTERM must end in a clean, fully
// committed shutdown (exit 0); SIGKILL mid-batch followed by a restart must lose nothing (at-least-once).
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include "backlint/app/run_mode.h"
#include "backlint/publish/topic_reader.h"
#include "kafka_test_support.h"

namespace backlint {
namespace {

using testing::KafkaTestBed;
using testing::RunCommand;
using testing::WaitFor;

constexpr const char* kGroup = "backlint-run-test";

std::string Kcat(const KafkaTestBed& bed, const std::string& arguments) {
  return RunCommand(std::string(BACKLINT_KCAT) + " -b " + bed.brokers.at("bootstrap.servers") + " " + arguments);
}

// `backlint run` as a child process, its output in a log file.
class RunProcess {
 public:
  RunProcess(const KafkaTestBed& bed, const std::string& config_path, const std::string& log_path) {
    const std::string bootstrap = bed.brokers.at("bootstrap.servers");
    pid_ = fork();
    if (pid_ == 0) {
      const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      dup2(log, STDOUT_FILENO);
      dup2(log, STDERR_FILENO);
      execl(BACKLINT_BINARY, BACKLINT_BINARY, "run", "-c", config_path.c_str(), "-b", bootstrap.c_str(),
            "--metrics-listen", "127.0.0.1:0", static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~RunProcess() {
    if (pid_ > 0) Signal(SIGKILL);
  }

  // Sends `signal` and waits for the process; its wait status.
  int Signal(int signal) {
    kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_ = -1;
};

class RunProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_STRNE(BACKLINT_KCAT, "") << "kcat is not installed: run deploy/setup.sh";
    bed_ = KafkaTestBed::Start();
    const std::string dir = ::testing::TempDir();
    const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    config_path_ = dir + "/" + name + ".yaml";
    log_path_ = dir + "/" + name + ".log";
    std::remove(log_path_.c_str());
    // JSON events, so that kcat's lines can be read back; the test bed's group timings.
    std::ofstream(config_path_) << "output_format: json\n"
                                   "commit_interval_ms: 100\n"
                                   "shutdown_timeout_ms: 20000\n"
                                   "workers: 2\n"
                                   "kafka:\n"
                                   "  consumer:\n"
                                   "    group.id: " << kGroup << "\n"
                                   "    session.timeout.ms: 6000\n"
                                   "    heartbeat.interval.ms: 500\n";
  }

  // Produces pages `first` to `first + count - 1` with kcat.
  void ProduceWithKcat(int first, int count) {
    const std::string input = ::testing::TempDir() + "/run-process-pages.jsonl";
    std::ofstream file(input);
    for (std::string page : testing::OneBacklinkPages(first, count)) {
      page.replace(page.find(".example.org"), 12, ".org");  // siteN.org: a registrable domain, so a key, per page
      file << page << "\n";
    }
    file.close();
    Kcat(bed_, "-P -t " + bed_.config.input_topic + " -l " + input);
  }

  int64_t Committed() {
    int64_t total = 0;
    for (auto [partition, offset] : testing::CommittedOffsets(bed_.brokers, kGroup, bed_.config.input_topic)) {
      if (offset > 0) total += offset;
    }
    return total;
  }

  // event_id -> occurrences, read back with kcat.
  std::map<std::string, int> OutputEventIds() {
    std::map<std::string, int> counts;
    std::istringstream lines(Kcat(bed_, "-C -t " + bed_.config.output_topic + " -o beginning -e -q -f '%s\\n'"));
    for (std::string line; std::getline(lines, line);) {
      if (line.empty()) continue;
      v1::BacklinkEvent event;
      EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(line, &event).ok()) << line;
      ++counts[event.event_id()];
    }
    return counts;
  }

  std::string Log() const {
    std::ifstream file(log_path_);
    return std::string(std::istreambuf_iterator<char>(file), {});
  }

  KafkaTestBed bed_;
  std::string config_path_;
  std::string log_path_;
};

TEST_F(RunProcessTest, SigtermDrainsCommitsAndExitsClean) {
  constexpr int kPages = 500;
  ProduceWithKcat(0, kPages);
  RunProcess run(bed_, config_path_, log_path_);
  ASSERT_TRUE(WaitFor([&] { return Committed() == kPages; })) << Log();
  const int status = run.Signal(SIGTERM);
  ASSERT_TRUE(WIFEXITED(status)) << Log();
  EXPECT_EQ(WEXITSTATUS(status), kExitClean) << Log();
  const auto counts = OutputEventIds();
  EXPECT_EQ(counts.size(), static_cast<std::size_t>(kPages));
  for (const auto& [id, count] : counts) EXPECT_EQ(count, 1) << id;
}

TEST_F(RunProcessTest, SigkillMidBatchThenRestartLosesNothing) {
  // Enough pages that the kill comes mid-stream. The mock cluster keeps about 5 MB per partition and
  // deletes older records: each page links to a site of its own, so the events spread over both output
  // partitions and stay under it, redelivered ones included.
  constexpr int kPages = 4000;
  constexpr int kSettledPages = 200;
  // The kill must leave work uncommitted however fast the process runs: the output topic lives on a broker
  // of its own, taken down once the first pages are committed, so no later page can be acknowledged and
  // committed before the kill. Input, group coordinator and kcat stay on broker 1.
  bed_ = KafkaTestBed::Start(testing::kTestPartitions, 2);
  rd_kafka_mock_cluster_t* cluster = bed_.cluster->get();
  constexpr int32_t kInputBroker = 1, kOutputBroker = 2;
  ASSERT_EQ(rd_kafka_mock_coordinator_set(cluster, "group", kGroup, kInputBroker), RD_KAFKA_RESP_ERR_NO_ERROR);
  for (int partition = 0; partition < testing::kTestPartitions; ++partition) {
    for (const std::string& topic : {bed_.config.input_topic, bed_.config.mention_topic, bed_.config.dead_letter_topic}) {
      ASSERT_EQ(rd_kafka_mock_partition_set_leader(cluster, topic.c_str(), partition, kInputBroker),
                RD_KAFKA_RESP_ERR_NO_ERROR);
    }
    ASSERT_EQ(rd_kafka_mock_partition_set_leader(cluster, bed_.config.output_topic.c_str(), partition, kOutputBroker),
              RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  ProduceWithKcat(0, kSettledPages);
  {
    RunProcess run(bed_, config_path_, log_path_);
    ASSERT_TRUE(WaitFor([&] { return Committed() == kSettledPages; })) << Log();
    ASSERT_EQ(rd_kafka_mock_broker_set_down(cluster, kOutputBroker), RD_KAFKA_RESP_ERR_NO_ERROR);
    ProduceWithKcat(kSettledPages, kPages - kSettledPages);
    // Time to consume some of the new pages, whose events then wait for the output broker: the kill finds
    // them in flight. However little it consumed, the kill leaves the new pages uncommitted.
    std::this_thread::sleep_for(std::chrono::seconds(2));
    const int status = run.Signal(SIGKILL);
    ASSERT_TRUE(WIFSIGNALED(status));
  }
  EXPECT_EQ(Committed(), kSettledPages) << "a page was committed while its event could not be delivered";
  ASSERT_EQ(rd_kafka_mock_broker_set_up(cluster, kOutputBroker), RD_KAFKA_RESP_ERR_NO_ERROR);

  RunProcess restarted(bed_, config_path_, log_path_);
  ASSERT_TRUE(WaitFor([&] { return Committed() == kPages; }, std::chrono::seconds(120))) << Log();
  const int status = restarted.Signal(SIGTERM);
  ASSERT_TRUE(WIFEXITED(status)) << Log();
  EXPECT_EQ(WEXITSTATUS(status), kExitClean) << Log();
  // At-least-once: every page's event is there; redelivery after the kill may repeat some.
  auto events = ReadWholeTopic(bed_.brokers, bed_.config.output_topic, testing::kTestPartitions, 60000);
  ASSERT_TRUE(events.ok()) << events.failure().reason;
  std::set<std::string> ids;
  for (const ConsumedRecord& record : events.value()) {
    v1::BacklinkEvent event;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(record.value, &event).ok()) << record.value;
    ids.insert(event.event_id());
  }
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kPages)) << events.value().size() << " events read";
}

}  // namespace
}  // namespace backlint
