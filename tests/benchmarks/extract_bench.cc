// Extraction speed over real pages (../shared/corpus/pages), on one core, in one run:
//   LexborParse            lexbor parsing alone: the floor any HTML link extractor pays;
//   Decode/<form>          message -> CrawledPage alone, to show where DecodeExtract's time goes;
//   DecodeExtract/<form>   message -> decode -> extract (links with context, page facts);
//   DecodeExtractScore     DecodeExtract/printer_json plus the default rule set on every backlink.
// Each reports bytes/s (of HTML) and pages/s; `extract_ratio` (DecodeExtract / LexborParse throughput, bar
// >= 0.70) and `score_share` (the rule engine's share of DecodeExtractScore time, target <= 0.15) are
// printed at the end. DecodeExtractScore times decode+extract and scoring of each page apart, within the
// same passes, so `score_share` comes from one run: load on the machine slows both parts alike instead of
// one benchmark more than another. The default rules load once, outside the timed passes, so later runs
// (--benchmark_repetitions) score with the automata RE2 built in earlier ones, as a long-running consumer does.
// PageMemory processes 10,000 pages and reports resident-set growth after the first 1,000.
// The context printed first names the kernels that ran, chosen for this CPU at run time.
//
// <form> is how the page travels. The headline, printer_json, is JSON as Protobuf's JSON printer writes it:
// every `<` and `>` escaped as \u003c and \u003e (Go's encoding/json does the same), the dearest common
// form to unescape, so the bar is judged on it. What decoding costs depends on the producer, so the same
// pages also run as raw_json (`<` and `>` unescaped, as Python's json.dumps and Jackson write them),
// base64_json (`html_base64`) and protobuf (backlint.v1.CrawledPage), each with its own labelled ratio.
#include <benchmark/benchmark.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/wrappers.pb.h>
#include <lexbor/html/html.h>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>
#include <unistd.h>

#include "backlint/decode/base64.h"
#include "backlint/decode/page_decoder.h"
#include "backlint/extract/link_extractor.h"
#include "backlint/score/rule_set.h"
#include "crawled_page.pb.h"

namespace backlint {
namespace {

constexpr std::string_view kPageUrl = "http://fakehost/test/page.html";

// The forms one page travels in; `printer_json` is the headline input.
struct InputForm {
  const char* name;
  InputFormat format;
};
constexpr std::array<InputForm, 4> kInputForms = {{
    {"printer_json", InputFormat::kJson},   // Protobuf's JSON printer: `<`, `>` as \u003c, \u003e
    {"raw_json", InputFormat::kJson},       // `<`, `>` as they are (Python, Jackson)
    {"base64_json", InputFormat::kJson},    // html_base64
    {"protobuf", InputFormat::kProtobuf},   // backlint.v1.CrawledPage
}};

struct Corpus {
  std::vector<std::string> html;  // raw pages
  // messages[form][page]: the same pages in each of kInputForms.
  std::array<std::vector<std::string>, kInputForms.size()> messages;
  int64_t html_bytes = 0;
};

std::string PrintedJson(const google::protobuf::Message& message) {
  std::string json;
  return google::protobuf::util::MessageToJsonString(message, &json).ok() ? json : "";
}

// Empty when `html` is not valid UTF-8, which cannot travel in a JSON string.
std::string PrinterJsonPage(const std::string& html) {
  google::protobuf::Struct page;
  (*page.mutable_fields())["url"].set_string_value(std::string(kPageUrl));
  (*page.mutable_fields())["html"].set_string_value(html);
  return PrintedJson(page);
}

std::string Base64JsonPage(const std::string& html) {
  google::protobuf::BytesValue bytes;  // printed as a base64 JSON string
  bytes.set_value(html);
  return R"({"url":")" + std::string(kPageUrl) + R"(","html_base64":)" + PrintedJson(bytes) + "}";
}

// `json` with each \u003c and \u003e escape written as the character itself; other escapes stay.
std::string WithRawAngleBrackets(std::string_view json) {
  std::string raw;
  raw.reserve(json.size());
  for (size_t i = 0; i < json.size(); ++i) {
    if (json[i] != '\\') {
      raw += json[i];
    } else if (json.substr(i, 6) == "\\u003c" || json.substr(i, 6) == "\\u003e") {
      raw += json[i + 5] == 'c' ? '<' : '>';
      i += 5;
    } else {
      raw.append(json.substr(i, 2));  // whole, so the second backslash of an escaped one starts no escape
      ++i;
    }
  }
  return raw;
}

std::string ProtobufPage(const std::string& html) {
  v1::CrawledPage page;
  page.set_url(std::string(kPageUrl));
  page.set_html(html);
  return page.SerializeAsString();
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
      const std::string html = text.str();
      const std::string printer_json = PrinterJsonPage(html);
      if (printer_json.empty()) continue;  // the same pages in every form
      const std::array<std::string, kInputForms.size()> forms = {
          printer_json, WithRawAngleBrackets(printer_json), Base64JsonPage(html), ProtobufPage(html)};
      loaded.html_bytes += static_cast<int64_t>(html.size());
      loaded.html.push_back(html);
      for (size_t form = 0; form < forms.size(); ++form) loaded.messages[form].push_back(forms[form]);
    }
    // Checked here, so that the timed loops need not look at each result.
    PageDecoder decoder;
    for (size_t form = 0; form < kInputForms.size(); ++form) {
      for (const std::string& message : loaded.messages[form]) {
        const Result<std::optional<CrawledPage>> page = decoder.Decode(message, kInputForms[form].format);
        if (!page.ok() || !page.value()) {
          std::fprintf(stderr, "a corpus page does not decode from %s: %s\n", kInputForms[form].name,
                       page.ok() ? "no page" : page.failure().reason.c_str());
          std::exit(1);
        }
      }
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

// `form` indexes kInputForms.
void Decode(benchmark::State& state, size_t form) {
  if (SkipWithoutCorpus(state)) return;
  const std::vector<std::string>& messages = LoadCorpus().messages[form];
  PageDecoder decoder;
  CrawledPage page;  // reused from message to message, as each pipeline worker does
  for (auto _ : state) {
    for (const std::string& message : messages) {
      benchmark::DoNotOptimize(decoder.DecodeInto(message, kInputForms[form].format, page));
    }
  }
  Report(state, messages.size());
}

const LinkExtractor& Extractor() {
  static const LinkExtractor extractor(RegistrableDomains::LoadSystem().value());
  return extractor;
}

void DecodeExtract(benchmark::State& state, size_t form) {
  if (SkipWithoutCorpus(state)) return;
  const std::vector<std::string>& messages = LoadCorpus().messages[form];
  PageDecoder decoder;
  CrawledPage page;
  for (auto _ : state) {
    for (const std::string& message : messages) {
      decoder.DecodeInto(message, kInputForms[form].format, page);
      auto extracted = Extractor().Extract(page);
      benchmark::DoNotOptimize(extracted);
    }
  }
  Report(state, messages.size());
}

// The default rule set, loaded once for every run; null (and `failure` set) when it does not load.
const RuleSet* DefaultRules(std::string& failure) {
  static const Result<std::shared_ptr<const RuleSet>> rules =
      RuleSet::LoadFile(BACKLINT_SOURCE_DIR "/rules/default.yaml");
  if (!rules) {
    failure = rules.failure().reason;
    return nullptr;
  }
  return rules.value().get();
}

void DecodeExtractScore(benchmark::State& state) {
  if (SkipWithoutCorpus(state)) return;
  std::string failure;
  const RuleSet* rules = DefaultRules(failure);
  if (rules == nullptr) {
    state.SkipWithError(failure.c_str());
    return;
  }
  using Clock = std::chrono::steady_clock;
  PageDecoder decoder;
  CrawledPage page;
  int64_t backlinks = 0;
  Clock::duration extracting{}, scoring{};
  for (auto _ : state) {
    for (const std::string& message : LoadCorpus().messages[0]) {
      const Clock::time_point start = Clock::now();
      Clock::time_point extracted_at, scored_at;
      {
        decoder.DecodeInto(message, InputFormat::kJson, page);
        auto extracted = Extractor().Extract(page);
        extracted_at = Clock::now();
        benchmark::DoNotOptimize(rules->Evaluate(extracted.value()));
        scored_at = Clock::now();
        backlinks += extracted.value().page.outbound_links;
      }
      // Releasing the extracted page is extraction's work, as DecodeExtract (the bar's extraction) times it.
      extracting += (extracted_at - start) + (Clock::now() - scored_at);
      scoring += scored_at - extracted_at;
    }
  }
  state.counters["backlinks/s"] = benchmark::Counter(static_cast<double>(backlinks), benchmark::Counter::kIsRate);
  state.counters["score_share"] = std::chrono::duration<double>(scoring) / (extracting + scoring);
  Report(state, LoadCorpus().messages[0].size());
}

long ResidentKilobytes() {
  long pages_total = 0, pages_resident = 0;
  std::ifstream statm("/proc/self/statm");
  statm >> pages_total >> pages_resident;
  return pages_resident * (sysconf(_SC_PAGESIZE) / 1024);
}

void PageMemory(benchmark::State& state) {
  if (SkipWithoutCorpus(state)) return;
  const auto& messages = LoadCorpus().messages[0];
  PageDecoder decoder;
  CrawledPage page;
  long after_warmup = 0;
  for (auto _ : state) {
    for (int i = 0; i < 10000; ++i) {
      if (i == 1000) after_warmup = ResidentKilobytes();
      decoder.DecodeInto(messages[i % messages.size()], InputFormat::kJson, page);
      benchmark::DoNotOptimize(Extractor().Extract(page));
    }
  }
  state.counters["rss_after_1000_pages_kb"] = static_cast<double>(after_warmup);
  state.counters["rss_growth_1000_to_10000_pages_kb"] = static_cast<double>(ResidentKilobytes() - after_warmup);
}

// In the order they run: the floor, then decode alone and decode+extract per input form, then the rest.
void RegisterBenchmarks() {
  benchmark::RegisterBenchmark("LexborParse", LexborParse)->Unit(benchmark::kMillisecond)->MinTime(2.0);
  for (size_t form = 0; form < kInputForms.size(); ++form) {
    benchmark::RegisterBenchmark((std::string("Decode/") + kInputForms[form].name).c_str(), Decode, form)
        ->Unit(benchmark::kMillisecond)
        ->MinTime(2.0);
  }
  for (size_t form = 0; form < kInputForms.size(); ++form) {
    benchmark::RegisterBenchmark((std::string("DecodeExtract/") + kInputForms[form].name).c_str(), DecodeExtract,
                                 form)
        ->Unit(benchmark::kMillisecond)
        ->MinTime(2.0);
  }
  benchmark::RegisterBenchmark("DecodeExtractScore", DecodeExtractScore)
      ->Unit(benchmark::kMillisecond)
      ->MinTime(2.0);
  benchmark::RegisterBenchmark("PageMemory", PageMemory)->Unit(benchmark::kMillisecond)->Iterations(1);
}

// Prints the ratios the issue's bars are stated in, from the runs' own real times; each when its runs ran.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      // Repetitions' aggregates (mean, stddev, ...) are not passes.
      if (!run.error_occurred && run.iterations > 0 && run.run_type == Run::RT_Iteration) {
        seconds_per_iteration_[run.run_name.function_name] = run.GetAdjustedRealTime() / 1e3;  // ms -> s
        if (const auto share = run.counters.find("score_share"); share != run.counters.end()) {
          score_shares_.push_back(share->second.value);
        }
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    const std::optional<double> parse = SecondsPerIteration("LexborParse");
    const std::optional<double> headline = SecondsPerIteration(HeadlineExtract());
    if (parse && headline) {
      std::printf("extract_ratio = %.3f (DecodeExtract/%s throughput / LexborParse throughput; bar >= 0.70)\n",
                  *parse / *headline, kInputForms[0].name);
    }
    for (size_t form = 1; form < kInputForms.size(); ++form) {
      const std::optional<double> extract =
          SecondsPerIteration(std::string("DecodeExtract/") + kInputForms[form].name);
      if (parse && extract) {
        std::printf("  with %-12s input: %.3f (the same ratio for pages in that form)\n", kInputForms[form].name,
                    *parse / *extract);
      }
    }
    for (const double share : score_shares_) {
      std::printf("score_share   = %.3f (rule engine's share of DecodeExtractScore time, timed within its "
                  "passes; target <= 0.15)\n",
                  share);
    }
  }

 private:
  static std::string HeadlineExtract() { return std::string("DecodeExtract/") + kInputForms[0].name; }

  std::optional<double> SecondsPerIteration(const std::string& name) const {
    const auto found = seconds_per_iteration_.find(name);
    if (found == seconds_per_iteration_.end()) return std::nullopt;
    return found->second;
  }

  std::map<std::string, double> seconds_per_iteration_;
  std::vector<double> score_shares_;  // one per DecodeExtractScore run (repetition)
};

}  // namespace
}  // namespace backlint

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  // Which code paths ran, chosen at run time for this CPU: simdjson's scan and string unescaping (in
  // libsimdjson), its On-Demand front-end (compiled into backlint for the build's target), base64's.
  benchmark::AddCustomContext("simdjson_kernel", simdjson::get_active_implementation()->name());
  benchmark::AddCustomContext("simdjson_ondemand_frontend", simdjson::builtin_implementation()->name());
  const bool base64_avx2 = backlint::SupportedBase64Kernels().back() == backlint::Base64Kernel::kAvx2;
  benchmark::AddCustomContext("base64_kernel", base64_avx2 ? "avx2" : "portable");
  backlint::RegisterBenchmarks();
  backlint::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
