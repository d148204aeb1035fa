// Extraction speed over real pages (../shared/corpus/pages), on one core, in one run:
//   LexborParse     lexbor parsing alone: the floor any HTML link extractor pays;
//   Decode          CrawledPage JSON -> CrawledPage alone (simdjson), to show where DecodeExtract's time goes;
//   DecodeExtract   CrawledPage JSON -> decode -> extract (links with context, page facts);
//   DecodeExtractScore  the same plus the default rule set on every backlink.
// Each reports bytes/s and pages/s; `extract_ratio` (DecodeExtract / LexborParse throughput, bar >= 0.70)
// and `score_share` (the rule engine's share of DecodeExtractScore time, target <= 0.15) are printed at the
// end. PageMemory processes 10,000 pages and reports resident-set growth after the first 1,000.
#include <benchmark/benchmark.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <lexbor/html/html.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <unistd.h>

#include "backlint/decode/json_page_decoder.h"
#include "backlint/extract/link_extractor.h"
#include "backlint/score/rule_set.h"

namespace backlint {
namespace {

struct Corpus {
  std::vector<std::string> html;      // raw pages
  std::vector<std::string> messages;  // the same pages as CrawledPage JSON
  int64_t html_bytes = 0;
};

std::string AsCrawledPageJson(const std::string& html) {
  google::protobuf::Struct page;  // Protobuf's JSON printer does the escaping
  (*page.mutable_fields())["url"].set_string_value("http://fakehost/test/page.html");
  (*page.mutable_fields())["html"].set_string_value(html);
  std::string json;
  return google::protobuf::util::MessageToJsonString(page, &json).ok() ? json : "";
}

const Corpus& LoadCorpus() {
  static const Corpus corpus = [] {
    Corpus loaded;
    const std::filesystem::path directory = BACKLINT_CORPUS_DIR "/pages";
    if (!std::filesystem::is_directory(directory)) return loaded;
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(directory)) {
      if (entry.path().extension() == ".html") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      std::stringstream text;
      text << std::ifstream(file, std::ios::binary).rdbuf();
      std::string message = AsCrawledPageJson(text.str());
      if (message.empty()) continue;  // not valid UTF-8: cannot travel in a JSON string
      loaded.html_bytes += static_cast<int64_t>(text.str().size());
      loaded.html.push_back(text.str());
      loaded.messages.push_back(std::move(message));
    }
    return loaded;
  }();
  return corpus;
}

bool SkipWithoutCorpus(benchmark::State& state) {
  if (!LoadCorpus().html.empty()) return false;
  state.SkipWithError("corpus pages not found at " BACKLINT_CORPUS_DIR "/pages");
  return true;
}

void Report(benchmark::State& state, size_t pages_per_iteration) {
  const Corpus& corpus = LoadCorpus();
  state.SetBytesProcessed(state.iterations() * corpus.html_bytes);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * pages_per_iteration));
  state.counters["pages/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * pages_per_iteration), benchmark::Counter::kIsRate);
}

void LexborParse(benchmark::State& state) {
  if (SkipWithoutCorpus(state)) return;
  for (auto _ : state) {
    for (const std::string& html : LoadCorpus().html) {
      lxb_html_document_t* document = lxb_html_document_create();
      lxb_status_t status =
          lxb_html_document_parse(document, reinterpret_cast<const lxb_char_t*>(html.data()), html.size());
      benchmark::DoNotOptimize(status);
      lxb_html_document_destroy(document);
    }
  }
  Report(state, LoadCorpus().html.size());
}

void Decode(benchmark::State& state) {
  if (SkipWithoutCorpus(state)) return;
  JsonPageDecoder decoder;
  for (auto _ : state) {
    for (const std::string& message : LoadCorpus().messages) benchmark::DoNotOptimize(decoder.Decode(message));
  }
  Report(state, LoadCorpus().messages.size());
}

const LinkExtractor& Extractor() {
  static const LinkExtractor extractor(RegistrableDomains::LoadSystem().value());
  return extractor;
}

void DecodeExtract(benchmark::State& state) {
  if (SkipWithoutCorpus(state)) return;
  JsonPageDecoder decoder;
  for (auto _ : state) {
    for (const std::string& message : LoadCorpus().messages) {
      auto page = decoder.Decode(message);
      auto extracted = Extractor().Extract(page.value());
      benchmark::DoNotOptimize(extracted);
    }
  }
  Report(state, LoadCorpus().messages.size());
}

void DecodeExtractScore(benchmark::State& state) {
  if (SkipWithoutCorpus(state)) return;
  auto rules = RuleSet::LoadFile(BACKLINT_SOURCE_DIR "/rules/default.yaml");
  if (!rules) {
    state.SkipWithError(rules.failure().reason.c_str());
    return;
  }
  JsonPageDecoder decoder;
  int64_t backlinks = 0;
  for (auto _ : state) {
    for (const std::string& message : LoadCorpus().messages) {
      auto page = decoder.Decode(message);
      auto extracted = Extractor().Extract(page.value());
      benchmark::DoNotOptimize(rules.value()->Evaluate(extracted.value()));
      backlinks += extracted.value().page.outbound_links;
    }
  }
  state.counters["backlinks/s"] = benchmark::Counter(static_cast<double>(backlinks), benchmark::Counter::kIsRate);
  Report(state, LoadCorpus().messages.size());
}

long ResidentKilobytes() {
  long pages_total = 0, pages_resident = 0;
  std::ifstream statm("/proc/self/statm");
  statm >> pages_total >> pages_resident;
  return pages_resident * (sysconf(_SC_PAGESIZE) / 1024);
}

void PageMemory(benchmark::State& state) {
  if (SkipWithoutCorpus(state)) return;
  const auto& messages = LoadCorpus().messages;
  JsonPageDecoder decoder;
  long after_warmup = 0;
  for (auto _ : state) {
    for (int i = 0; i < 10000; ++i) {
      if (i == 1000) after_warmup = ResidentKilobytes();
      auto page = decoder.Decode(messages[i % messages.size()]);
      benchmark::DoNotOptimize(Extractor().Extract(page.value()));
    }
  }
  state.counters["rss_after_1000_pages_kb"] = static_cast<double>(after_warmup);
  state.counters["rss_growth_1000_to_10000_pages_kb"] = static_cast<double>(ResidentKilobytes() - after_warmup);
}

BENCHMARK(LexborParse)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(Decode)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(DecodeExtract)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(DecodeExtractScore)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(PageMemory)->Unit(benchmark::kMillisecond)->Iterations(1);

// Prints the ratios the bars are stated in, from the runs' own real times.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (!run.error_occurred && run.iterations > 0) {
        seconds_per_iteration_[run.benchmark_name()] = run.GetAdjustedRealTime() / 1e3;  // ms -> s
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    const auto parse = seconds_per_iteration_.find("LexborParse/min_time:2.000");
    const auto extract = seconds_per_iteration_.find("DecodeExtract/min_time:2.000");
    const auto score = seconds_per_iteration_.find("DecodeExtractScore/min_time:2.000");
    if (parse == seconds_per_iteration_.end() || extract == seconds_per_iteration_.end() ||
        score == seconds_per_iteration_.end()) {
      return;
    }
    std::printf("extract_ratio = %.3f (DecodeExtract throughput / LexborParse throughput; bar >= 0.70)\n",
                parse->second / extract->second);
    std::printf("score_share   = %.3f (rule engine's share of DecodeExtractScore time; target <= 0.15)\n",
                (score->second - extract->second) / score->second);
  }

 private:
  std::map<std::string, double> seconds_per_iteration_;
};

}  // namespace
}  // namespace backlint

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  backlint::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
