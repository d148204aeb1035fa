// Speed through Kafka: the corpus pages (BACKLINT_CORPUS_DIR/pages) as JSON CrawledPage events in a mock
// cluster topic, consumed, processed, published and committed by KafkaPipeline, next to kcat's raw
// consume rate of the same topic in the same run. Prints figures; asserts nothing.
//
//   kafka_pipeline_bench [copies of the corpus, default 24] [--rates-only: skip the 100,000-page backlog]
//
// The input is spread round-robin over the partitions, so every partition (and so every worker) gets an
// equal share. Unkeyed, librdkafka's sticky partitioner would put whole batches on one partition, and the
// mock cluster deletes a partition's oldest records past ~5 MB, so kcat and the pipeline would wait for
// messages that are gone; more than ~100 copies overflow even an even spread. Fewer copies make runs too
// short: a new producer's first delivery takes 0.5-1 s (its metadata round trips), which would dominate.
//
// Runs, each with a fresh consumer group over the same input:
//   forward   each message forwarded unchanged through the same consume-produce-commit path
//   scoring   decode, extract, score, encode (the real run mode)
// with 1 and 2 workers. Rates count from the first consumed message until every page is consumed and all
// its outputs are acknowledged (their offsets then commit within commit_interval), so the mock
// coordinator's join delay and the group's leave are left out. Over the same span each thread's CPU time
// is read (/proc/self/task/*/schedstat) and summed by role: the poll loop, the workers, the pipeline's
// librdkafka clients, and the in-process mock cluster (which serves kcat too). From the scoring run with
// 1 worker follows the ceiling of the 2-worker speed-up: the CPU the Kafka side needs per page competes
// with the workers for the cores. Then peak RSS of `backlint run` (a child process, so
// the in-process cluster's memory is not counted) while it works through a backlog of 100,000 pages.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <prometheus/registry.h>

#include "backlint/pipeline/processor_setup.h"
#include "backlint/publish/kafka_pipeline.h"
#include "backlint/publish/mock_cluster.h"
#include "backlint/publish/partition_workers.h"
#include "backlint/publish/topic_reader.h"

namespace backlint {
namespace {

using Clock = std::chrono::steady_clock;

// The mock cluster keeps about 5 MB per partition and deletes older records, so topics are spread wide.
constexpr int kPartitions = 64;
constexpr int kBacklogPartitions = 128;
constexpr int kBacklogPages = 100000;
constexpr std::size_t kBacklogPageBytes = 4096;
constexpr const char* kMaxMessageBytes = "4000000";
// Larger events (the 30 or so largest corpus pages) are left out of the rate runs: kcat reading the
// mock cluster never receives them, so its rate could not be measured over the same topic.
constexpr std::size_t kMaxEventBytes = 200 << 10;

std::string JsonString(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// The corpus pages as CrawledPage JSON events: the page's own canonical URL where the manifest has one,
// else the URL the corpus' test harness used.
// HTML beyond `max_html_bytes` is left out.
std::vector<std::string> CorpusEvents(const std::filesystem::path& pages,
                                      std::size_t max_html_bytes = std::string::npos) {
  std::map<std::string, std::string> urls;
  std::ifstream manifest(pages / "MANIFEST.tsv");
  for (std::string line; std::getline(manifest, line);) {
    std::vector<std::string> fields;
    std::stringstream row(line);
    for (std::string field; std::getline(row, field, '\t');) fields.push_back(field);
    if (fields.size() < 6 || fields[0] == "file") continue;
    std::string url = fields[5].empty() ? fields[4] : fields[5];
    if (url.starts_with("//")) url = "https:" + url;
    urls[fields[0]] = url;
  }
  std::vector<std::string> events;
  for (const auto& [file, url] : urls) {
    std::ifstream html(pages / file, std::ios::binary);
    const std::string body = std::string((std::istreambuf_iterator<char>(html)), {}).substr(0, max_html_bytes);
    events.push_back("{\"url\":" + JsonString(url) + ",\"html\":" + JsonString(body) + "}");
  }
  return events;
}

struct ThreadCpu {
  std::string name;
  uint64_t ns = 0;       // CPU used so far
  uint64_t wait_ns = 0;  // runnable but waiting for a core, so far
};

// Each live thread of this process, by thread id. Names are read now: the threads may be gone later.
std::map<int, ThreadCpu> ThreadCpuNow() {
  std::map<int, ThreadCpu> threads;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream schedstat(task.path() / "schedstat");
    std::ifstream comm(task.path() / "comm");
    ThreadCpu thread;
    if (!(schedstat >> thread.ns >> thread.wait_ns)) continue;
    std::getline(comm, thread.name);
    threads[std::stoi(task.path().filename().string())] = thread;
  }
  return threads;
}

// CPU seconds by role over a span of a run.
struct CpuUse {
  double poll_loop = 0;
  double workers = 0;
  double clients = 0;  // the pipeline's consumer and producer threads (librdkafka)
  double cluster = 0;  // the in-process mock cluster's threads
  double workers_waiting = 0;  // the workers were runnable but every core was busy (with anything)
  double kafka_side() const { return poll_loop + clients + cluster; }
  double total() const { return kafka_side() + workers; }
};

// `cluster_threads` are those that existed before the pipeline started.
CpuUse CpuBetween(const std::map<int, ThreadCpu>& before, const std::map<int, ThreadCpu>& after,
                  const std::map<int, ThreadCpu>& cluster_threads) {
  CpuUse use;
  const std::string worker_prefix = PartitionWorkers::kThreadNamePrefix;
  for (const auto& [tid, thread] : after) {
    const auto start = before.find(tid);
    const double seconds = static_cast<double>(thread.ns - (start == before.end() ? 0 : start->second.ns)) / 1e9;
    if (tid == getpid()) {
      use.poll_loop += seconds;
    } else if (thread.name.starts_with(worker_prefix)) {
      use.workers += seconds;
      use.workers_waiting +=
          static_cast<double>(thread.wait_ns - (start == before.end() ? 0 : start->second.wait_ns)) / 1e9;
    } else if (cluster_threads.count(tid) > 0) {
      use.cluster += seconds;
    } else {
      use.clients += seconds;
    }
  }
  return use;
}

struct RunFigures {
  double pages_per_second = 0;
  double seconds = 0;
  uint64_t pages = 0;
  uint64_t events = 0;
  CpuUse cpu;
};

// One pipeline run over the whole input topic with a fresh group.
RunFigures RunPipeline(const MockCluster& cluster, const std::string& input, uint64_t pages, bool scoring,
                       int workers, int run) {
  const std::map<int, ThreadCpu> cluster_threads = ThreadCpuNow();
  PublishConfig config;
  config.input_topic = input;
  config.output_topic = "bench-out";
  config.mention_topic = "bench-out";
  config.dead_letter_topic = "bench-dead";
  config.consumer_properties = {{"bootstrap.servers", cluster.bootstrap_servers()},
                                {"group.id", "bench-" + std::to_string(run)},
                                {"session.timeout.ms", "6000"},
                                {"heartbeat.interval.ms", "500"}};
  // The largest corpus page is 1.6 MB: forwarded unchanged, it exceeds the default 1 MB message limit.
  config.producer_properties = {{"bootstrap.servers", cluster.bootstrap_servers()},
                                {"message.max.bytes", kMaxMessageBytes}};
  prometheus::Registry registry;
  PipelineMetrics metrics(registry);
  std::vector<std::unique_ptr<PageProcessor>> processors;
  std::vector<PageTransform> transforms;
  for (int i = 0; i < workers; ++i) {
    if (scoring) {
      processors.push_back(MakePageProcessor("", EventFormat::kProtobuf, metrics).value());
      transforms.emplace_back([raw = processors.back().get()](std::string_view message,
                                                              std::optional<InputFormat> format) {
        return raw->Process(message, format);
      });
    } else {
      transforms.emplace_back([](std::string_view message, std::optional<InputFormat>) {
        return Result<std::vector<EncodedEvent>>(std::vector<EncodedEvent>{{"", std::string(message)}});
      });
    }
  }
  auto pipeline = KafkaPipeline::Create(config, std::move(transforms), metrics);
  if (!pipeline) {
    std::cerr << pipeline.failure().reason << "\n";
    std::exit(1);
  }
  std::optional<Clock::time_point> first;
  Clock::time_point end;
  std::map<int, ThreadCpu> cpu_at_first;
  std::map<int, ThreadCpu> cpu_at_end;
  // Runs on the poll loop's thread, while all the pipeline's threads are alive.
  auto stats = pipeline.value()->Run([&](const PublishStats& current) {
    if (!first && current.consumed > 0) {
      first = Clock::now();
      cpu_at_first = ThreadCpuNow();
    }
    const bool done = current.consumed >= pages && current.in_flight == 0;
    if (done) {
      end = Clock::now();
      cpu_at_end = ThreadCpuNow();
    }
    return done;
  });
  if (!stats) {
    std::cerr << stats.failure().reason << "\n";
    std::exit(1);
  }
  const double seconds = std::chrono::duration<double>(end - *first).count();
  return {static_cast<double>(stats.value().consumed) / seconds, seconds, stats.value().consumed,
          stats.value().events_produced, CpuBetween(cpu_at_first, cpu_at_end, cluster_threads)};
}

// CPU seconds per page as milliseconds.
double MsPerPage(double seconds, uint64_t pages) { return 1000 * seconds / static_cast<double>(pages); }

// The workers' time splits into working, waiting for a core, and idle (no work for them: starved by the
// Kafka side, or blocked).
void PrintCpu(const RunFigures& figures, int workers) {
  const CpuUse& cpu = figures.cpu;
  std::printf("    CPU over %.2f s: workers %.2f s, poll loop %.2f s, librdkafka clients %.2f s, mock cluster %.2f s "
              "(%.2f cores busy); per page: workers %.2f ms, Kafka side %.2f ms\n",
              figures.seconds, cpu.workers, cpu.poll_loop, cpu.clients, cpu.cluster, cpu.total() / figures.seconds,
              MsPerPage(cpu.workers, figures.pages), MsPerPage(cpu.kafka_side(), figures.pages));
  const double worker_seconds = figures.seconds * workers;
  std::printf("    workers' time: %.0f%% working, %.0f%% waiting for a core, %.0f%% idle\n",
              100 * cpu.workers / worker_seconds, 100 * cpu.workers_waiting / worker_seconds,
              100 * std::max(0.0, worker_seconds - cpu.workers - cpu.workers_waiting) / worker_seconds);
}

// Pages per second that `workers` workers can reach on `cores` cores, given the CPU per page each side
// needs: a worker uses at most one core, and all threads share the cores.
double RateCeiling(const CpuUse& cpu, uint64_t pages, int workers, int cores) {
  const double worker_seconds = cpu.workers / static_cast<double>(pages);
  const double all_seconds = cpu.total() / static_cast<double>(pages);
  return std::min(workers / worker_seconds, cores / all_seconds);
}

struct KcatFigures {
  double messages_per_second = 0;
  double cluster_cpu_per_message_ms = 0;  // what the mock cluster spent serving it
  double kcat_cpu_per_message_ms = 0;     // kcat's own process
};

// kcat reading the whole topic from the beginning to its end.
KcatFigures KcatRate(const MockCluster& cluster, const std::string& topic, uint64_t messages) {
  const std::string command = "timeout 300 " + std::string(BACKLINT_KCAT) + " -b " + cluster.bootstrap_servers() +
                              " -C -t " + topic + " -o beginning -e -q -f '%o\\n' | wc -l";
  const std::map<int, ThreadCpu> cpu_before = ThreadCpuNow();
  rusage children_before{};
  getrusage(RUSAGE_CHILDREN, &children_before);
  const auto start = Clock::now();
  FILE* pipe = popen(command.c_str(), "r");
  char buffer[64] = {};
  const bool read = fgets(buffer, sizeof buffer, pipe) != nullptr;
  pclose(pipe);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const std::map<int, ThreadCpu> cpu_after = ThreadCpuNow();
  rusage children_after{};
  getrusage(RUSAGE_CHILDREN, &children_after);
  const uint64_t received = read ? std::stoull(buffer) : 0;
  // Its rate counts what it read, should it stop short.
  if (received != messages) std::cout << "  (kcat read " << received << " of " << messages << " messages)\n";
  const double cluster_seconds = CpuBetween(cpu_before, cpu_after, cpu_before).cluster;
  const auto cpu_seconds = [](const rusage& usage) {
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  };
  const double count = static_cast<double>(std::max<uint64_t>(received, 1));
  return {static_cast<double>(received) / seconds, 1000 * cluster_seconds / count,
          1000 * (cpu_seconds(children_after) - cpu_seconds(children_before)) / count};
}

// Peak resident set (VmHWM) of a process, in MiB.
double PeakRssMiB(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmHWM:")) return std::stod(line.substr(6)) / 1024.0;
  }
  return -1;
}

// `backlint run` (2 workers, scoring) as a child over a backlog of kBacklogPages; its peak RSS after
// `window` of work. 100,000 whole corpus pages would be ~20 GB in the in-process cluster, so each backlog
// page is a corpus event whose HTML is cut to its first kBacklogPageBytes.
void BacklogRss(MockCluster& cluster, const std::vector<std::string>& events) {
  const std::string topic = "bench-backlog";
  for (const std::string& name : {topic, std::string("bench-backlog-out"), std::string("bench-backlog-dead")}) {
    if (!cluster.CreateTopic(name, kBacklogPartitions).ok()) std::exit(1);
  }
  std::vector<std::string> backlog;
  const KafkaProperties brokers = {{"bootstrap.servers", cluster.bootstrap_servers()}};
  for (int produced = 0; produced < kBacklogPages;) {
    backlog.clear();
    for (int i = 0; i < 10000 && produced < kBacklogPages; ++i, ++produced) {
      backlog.push_back(events[static_cast<std::size_t>(produced) % events.size()]);
    }
    if (!ProduceAll(brokers, topic, backlog, 120000, kBacklogPartitions).ok()) std::exit(1);
  }
  const std::string config = (std::filesystem::temp_directory_path() / "backlint-bench.yaml").string();
  std::ofstream(config) << "input_topic: " << topic << "\noutput_topic: bench-backlog-out\n"
                        << "dead_letter_topic: bench-backlog-dead\nmention_topic: bench-backlog-out\nworkers: 2\n"
                        << "kafka:\n  consumer:\n    group.id: bench-backlog\n";
  const std::string bootstrap = cluster.bootstrap_servers();
  std::cout.flush();  // or the child's freopen writes the buffered figures a second time
  const pid_t pid = fork();
  if (pid == 0) {
    std::freopen("/dev/null", "w", stdout);
    std::freopen("/dev/null", "w", stderr);
    execl(BACKLINT_BINARY, BACKLINT_BINARY, "run", "-c", config.c_str(), "-b", bootstrap.c_str(),
          "--metrics-listen", "127.0.0.1:0", static_cast<char*>(nullptr));
    _exit(127);
  }
  constexpr auto kWindow = std::chrono::seconds(30);
  std::this_thread::sleep_for(kWindow);
  const double peak = PeakRssMiB(pid);
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  std::cout << "backlog of " << kBacklogPages << " corpus pages cut to " << kBacklogPageBytes << " bytes ("
            << kBacklogPartitions
            << " partitions): peak RSS of `backlint run` (2 workers, scoring) after "
            << std::chrono::duration_cast<std::chrono::seconds>(kWindow).count() << " s: " << peak
            << " MiB (bar < 256 MiB), exit code " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1) << "\n";
}

double LoadAverage() {
  std::ifstream loadavg("/proc/loadavg");
  double one_minute = 0;
  loadavg >> one_minute;
  return one_minute;
}

}  // namespace
}  // namespace backlint

int main(int argc, char** argv) {
  using namespace backlint;
  const std::filesystem::path pages = std::filesystem::path(BACKLINT_CORPUS_DIR) / "pages";
  if (std::string_view(BACKLINT_CORPUS_DIR).empty() || !std::filesystem::exists(pages / "MANIFEST.tsv")) {
    std::cout << "skipped: the corpus is absent (configure with BACKLINT_CORPUS_DIR pointing at shared/corpus)\n";
    return 0;
  }
  const int copies = argc > 1 ? std::max(1, std::atoi(argv[1])) : 24;
  const std::vector<std::string> corpus = CorpusEvents(pages);
  auto cluster = MockCluster::Start(1);
  if (!cluster) {
    std::cerr << cluster.failure().reason << "\n";
    return 1;
  }
  const std::string input = "bench-in";
  for (const std::string& topic : {input, std::string("bench-out"), std::string("bench-dead")}) {
    if (!cluster.value()->CreateTopic(topic, kPartitions).ok()) return 1;
  }
  std::vector<std::string> messages;
  std::size_t bytes = 0;
  for (int copy = 0; copy < copies; ++copy) {
    for (const std::string& event : corpus) {
      if (event.size() > kMaxEventBytes) continue;
      messages.push_back(event);
      bytes += event.size();
    }
  }
  const KafkaProperties brokers = {{"bootstrap.servers", cluster.value()->bootstrap_servers()},
                                   {"message.max.bytes", kMaxMessageBytes}};
  if (auto produced = ProduceAll(brokers, input, messages, 120000, kPartitions); !produced) {
    std::cerr << produced.failure().reason << "\n";
    return 1;
  }
  std::cout << messages.size() << " pages (the " << messages.size() / copies << " corpus pages of at most "
            << (kMaxEventBytes >> 10) << " KiB as events, x " << copies << ", "
            << bytes / (1 << 20) << " MiB) in " << kPartitions << " partitions; "
            << std::thread::hardware_concurrency() << " cores, load average " << LoadAverage() << " at start\n";

  const uint64_t total = messages.size();
  KcatFigures best_kcat;
  for (int attempt = 0; attempt < 3; ++attempt) {
    const KcatFigures figures = KcatRate(*cluster.value(), input, total);
    if (figures.messages_per_second > best_kcat.messages_per_second) best_kcat = figures;
  }
  const double kcat = best_kcat.messages_per_second;
  std::printf("kcat raw consume: %d messages/s (best of 3); CPU per message: mock cluster %.2f ms, kcat %.2f ms\n",
              static_cast<int>(kcat), best_kcat.cluster_cpu_per_message_ms, best_kcat.kcat_cpu_per_message_ms);

  std::map<std::pair<bool, int>, RunFigures> runs;
  int run = 0;
  for (const bool scoring : {false, true}) {
    for (const int workers : {1, 2}) {
      const RunFigures figures = RunPipeline(*cluster.value(), input, total, scoring, workers, run++);
      runs[{scoring, workers}] = figures;
      std::cout << (scoring ? "scoring" : "forward") << ", " << workers << " worker" << (workers > 1 ? "s" : " ")
                << ": " << static_cast<int>(figures.pages_per_second) << " pages/s ("
                << static_cast<int>(100 * figures.pages_per_second / kcat) << "% of kcat), " << figures.events
                << " events\n";
      std::cout.flush();
      PrintCpu(figures, workers);
    }
  }
  const auto rate = [&](bool scoring, int workers) { return runs[{scoring, workers}].pages_per_second; };
  std::cout << "forward-only vs kcat: 1 worker " << static_cast<int>(100 * rate(false, 1) / kcat)
            << "%, 2 workers " << static_cast<int>(100 * rate(false, 2) / kcat) << "% (bar >= 50%)\n";
  std::cout << "scoring, 2 workers vs 1: " << rate(true, 2) / rate(true, 1) << "x (bar >= 1.7x), load average "
            << LoadAverage() << " now\n";
  // The ceiling from the 1-worker scoring run's CPU per page, if nothing else ran on the machine; and
  // with the brokers on other machines, as in production (the mock cluster's CPU left out).
  const RunFigures& one = runs[{true, 1}];
  CpuUse brokers_elsewhere = one.cpu;
  brokers_elsewhere.cluster = 0;
  for (const int cores : {2, 4}) {
    std::printf("  ceiling on %d idle cores: 2 workers vs 1 at most %.2fx (%.2fx with the brokers elsewhere)\n", cores,
                RateCeiling(one.cpu, one.pages, 2, cores) / RateCeiling(one.cpu, one.pages, 1, cores),
                RateCeiling(brokers_elsewhere, one.pages, 2, cores) /
                    RateCeiling(brokers_elsewhere, one.pages, 1, cores));
  }
  if (argc > 2 && std::string_view(argv[2]) == "--rates-only") return 0;
  BacklogRss(*cluster.value(), CorpusEvents(pages, kBacklogPageBytes));
  return 0;
}
