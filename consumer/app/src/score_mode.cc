#include "backlint/app/score_mode.h"

#include <chrono>
#include <fstream>
#include <iostream>

#include <google/protobuf/util/json_util.h>
#include <prometheus/registry.h>

#include "backlint/pipeline/processor_setup.h"
#include "dead_letter.pb.h"

namespace backlint {
namespace {

struct Totals {
  uint64_t pages = 0;
  uint64_t events = 0;
  uint64_t dead_letters = 0;
};

class ScoreRun {
 public:
  ScoreRun(PageProcessor& processor, std::ostream& out, std::ostream& err, std::ostream* dead_letters)
      : processor_(processor), out_(out), err_(err), dead_letters_(dead_letters) {}

  void ScoreStream(std::istream& input, const std::string& source) {
    std::string line;
    for (int64_t line_number = 1; std::getline(input, line); ++line_number) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      ++totals_.pages;
      auto events = processor_.Process(line);
      if (!events) {
        ReportDeadLetter(source, line_number, line, events.failure());
        continue;
      }
      for (const EncodedEvent& event : events.value()) out_ << event.value << '\n';
      totals_.events += events.value().size();
    }
  }

  const Totals& totals() const { return totals_; }

 private:
  void ReportDeadLetter(const std::string& source, int64_t line_number, const std::string& line,
                        const Failure& failure) {
    ++totals_.dead_letters;
    err_ << source << ":" << line_number << ": dead letter (" << failure.stage << "): " << failure.reason << "\n";
    if (dead_letters_ == nullptr) return;
    v1::DeadLetter letter;
    letter.set_stage(failure.stage);
    letter.set_error(failure.reason);
    letter.set_source(source);
    letter.set_position(line_number);
    letter.set_original(line);
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    std::string json;
    if (!google::protobuf::util::MessageToJsonString(letter, &json, options).ok()) {
      err_ << source << ":" << line_number << ": cannot write the dead letter as JSON\n";
      return;
    }
    *dead_letters_ << json << '\n';
  }

  PageProcessor& processor_;
  std::ostream& out_;
  std::ostream& err_;
  std::ostream* dead_letters_;
  Totals totals_;
};

}  // namespace

int RunScore(const ScoreOptions& options, std::istream& standard_input, std::ostream& out, std::ostream& err) {
  prometheus::Registry registry;  // counted but not served: score is a batch tool
  PipelineMetrics metrics(registry);
  auto processor = MakePageProcessor(options.rules_path, EventFormat::kJson, metrics);
  if (!processor) {
    err << "backlint score: " << processor.failure().reason << "\n";
    return 1;
  }
  std::ofstream dead_letter_file;
  if (!options.dead_letter_path.empty()) {
    dead_letter_file.open(options.dead_letter_path);
    if (!dead_letter_file) {
      err << "backlint score: cannot write dead letters to '" << options.dead_letter_path << "'\n";
      return 1;
    }
  }
  ScoreRun run(*processor.value(), out, err, dead_letter_file.is_open() ? &dead_letter_file : nullptr);
  const auto started = std::chrono::steady_clock::now();
  const std::vector<std::string> inputs = options.inputs.empty() ? std::vector<std::string>{"-"} : options.inputs;
  for (const std::string& input : inputs) {
    if (input == "-") {
      run.ScoreStream(standard_input, "<stdin>");
      continue;
    }
    std::ifstream file(input);
    if (!file) {
      err << "backlint score: cannot read '" << input << "'\n";
      return 1;
    }
    run.ScoreStream(file, input);
  }
  out.flush();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  err << "backlint score: " << run.totals().pages << " pages, " << run.totals().events << " backlink events, "
      << run.totals().dead_letters << " dead letters in " << seconds << " s\n";
  return out.good() ? 0 : 1;
}

}  // namespace backlint
