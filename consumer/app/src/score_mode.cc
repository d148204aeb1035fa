#include "backlint/app/score_mode.h"

#include <google/protobuf/util/json_util.h>
#include <prometheus/registry.h>
#include <simdjson.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <string>

#include "backlint/app/output_path.h"
#include "backlint/decode/warc_reader.h"
#include "backlint/pipeline/processor_setup.h"
#include "crawled_page.pb.h"
#include "dead_letter.pb.h"

namespace backlint {
namespace {

struct Totals {
  uint64_t records = 0;  // WARC records read
  uint64_t pages = 0;
  uint64_t events = 0;  // backlink events
  uint64_t mentions = 0;  // mention events
  uint64_t dead_letters = 0;
  std::map<std::string, uint64_t> records_by_type;
};

// "N backlink events, [M mention events, ]D dead letters": mentions only exist with a watch list.
std::string EventCounts(const Totals& totals) {
  std::string counts = std::to_string(totals.events) + " backlink events, ";
  if (totals.mentions > 0) counts += std::to_string(totals.mentions) + " mention events, ";
  return counts + std::to_string(totals.dead_letters) + " dead letters";
}

// A JSON line holds the HTML escaped (a little longer) or as html_base64 (4/3 longer), and other fields
// beside it: twice the page limit plus 1 MiB. A longer line is refused unread, so memory stays bounded.
size_t MaxLineBytes(const LinkExtractor::Options& extract) {
  return 2 * extract.max_page_bytes + (size_t{1} << 20);
}

bool IsWarcPath(const std::string& path) { return path.ends_with(".warc") || path.ends_with(".warc.gz"); }

// Protobuf string fields must be UTF-8; header bytes that are not are taken as ISO-8859-1, as HTTP's
// obs-text historically was.
std::string AsUtf8(const std::string& text) {
  if (simdjson::validate_utf8(text.data(), text.size())) return text;
  std::string utf8;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80) {
      utf8 += c;
    } else {
      utf8 += static_cast<char>(0xC0 | (byte >> 6));
      utf8 += static_cast<char>(0x80 | (byte & 0x3F));
    }
  }
  return utf8;
}

// The pipeline takes message bytes, so a WARC page is handed over as the Protobuf CrawledPage it would
// arrive as from Kafka: its html is bytes (WARC payloads need not be UTF-8) and the decoder converts
// the page's charset exactly as for Kafka input.
std::string ToProtobufMessage(const CrawledPage& page) {
  v1::CrawledPage message;
  message.set_url(AsUtf8(page.url));
  message.set_fetched_at(AsUtf8(page.fetched_at));
  message.set_status(page.status);
  message.set_content_type(AsUtf8(page.content_type));
  message.set_html(page.html);
  for (const auto& [name, value] : page.headers) {
    v1::HttpHeader* header = message.add_headers();
    header->set_name(AsUtf8(name));
    header->set_value(AsUtf8(value));
  }
  return message.SerializeAsString();
}

class ScoreRun {
 public:
  ScoreRun(PageProcessor& processor, std::ostream& out, std::ostream& err, std::ostream* dead_letters,
           std::chrono::seconds progress_interval, size_t max_line_bytes)
      : processor_(processor),
        out_(out),
        err_(err),
        dead_letters_(dead_letters),
        progress_interval_(progress_interval),
        max_line_bytes_(max_line_bytes) {}

  // Why the input could not be read as JSON lines to its end (an I/O error, gzip, a JSON array), or empty.
  std::string ScoreStream(std::istream& input, const std::string& source) {
    // An export as one JSON array is a single line, read whole into memory and then one dead letter.
    if (input.peek() == '[') return "it is a JSON array, not JSON lines: convert it first (jq -c '.[]' FILE)";
    // Allocated once and only touched as far as lines reach; one byte more tells a line that is too long.
    const auto buffer = std::make_unique_for_overwrite<char[]>(max_line_bytes_ + 1);
    for (int64_t line_number = 1;; ++line_number) {
      input.getline(buffer.get(), static_cast<std::streamsize>(max_line_bytes_ + 1));
      const bool too_long = input.fail() && !input.eof() && !input.bad();
      auto length = static_cast<size_t>(input.gcount());
      if (input.bad() || (length == 0 && input.eof())) break;
      if (too_long) {
        input.clear();
        input.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
        length += static_cast<size_t>(input.gcount()) - (input.eof() ? 0 : 1);
        ++totals_.pages;
        const std::string reason = "line of " + std::to_string(length) + " bytes is longer than the " +
                                   std::to_string(max_line_bytes_) + " bytes a JSON line may have";
        ReportDeadLetter(source, line_number, "", Failure{"decode", reason});
        continue;
      }
      const std::string_view line(buffer.get(), input.eof() ? length : length - 1);  // without its newline
      // Every "line" of a compressed file would be a dead letter, and the run would still succeed.
      if (line_number == 1 && line.starts_with("\x1f\x8b")) {
        return "it is gzip-compressed: decompress it first (zcat FILE | backlint score)";
      }
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      ScorePage(line, std::nullopt, source, line_number, line);
    }
    return input.bad() ? std::strerror(errno) : "";
  }

  // Each HTML response is a page; each unreadable record a decode dead letter at its byte offset. Returns
  // why the file could not be read to its end (an I/O error), or empty.
  std::string ScoreWarc(WarcReader& reader, const std::string& source) {
    while (std::optional<WarcItem> item = reader.Next()) {
      totals_.records = records_before_file_ + reader.records();
      if (const auto* problem = std::get_if<WarcProblem>(&*item)) {
        ReportDeadLetter(source, static_cast<int64_t>(problem->offset), "",
                         Failure{"decode", problem->reason});
        continue;
      }
      const WarcPage& page = std::get<WarcPage>(*item);
      // The original of a WARC dead letter is left empty: source and byte offset locate the record.
      ScorePage(ToProtobufMessage(page.page), InputFormat::kProtobuf, source,
                static_cast<int64_t>(page.offset), "");
    }
    records_before_file_ += reader.records();
    totals_.records = records_before_file_;
    for (const auto& [type, count] : reader.records_by_type()) totals_.records_by_type[type] += count;
    return reader.read_error();
  }

  const Totals& totals() const { return totals_; }

 private:
  void ScorePage(std::string_view message, std::optional<InputFormat> format, const std::string& source,
                 int64_t position, std::string_view original) {
    ++totals_.pages;
    auto events = processor_.Process(message, format);
    if (!events) {
      ReportDeadLetter(source, position, original, events.failure());
    } else {
      for (const EncodedEvent& event : events.value()) {
        out_ << event.value << '\n';
        ++(event.kind == EventKind::kMention ? totals_.mentions : totals_.events);
      }
    }
    ReportProgress();
  }

  void ReportProgress() {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_progress_ < progress_interval_) return;
    last_progress_ = now;
    err_ << "backlint score: progress: " << totals_.records << " WARC records, " << totals_.pages
         << " pages, " << EventCounts(totals_) << "\n";
  }

  void ReportDeadLetter(const std::string& source, int64_t position, std::string_view original,
                        const Failure& failure) {
    ++totals_.dead_letters;
    err_ << source << ":" << position << ": dead letter (" << failure.stage << "): " << failure.reason
         << "\n";
    if (dead_letters_ == nullptr) return;
    v1::DeadLetter letter;
    letter.set_stage(failure.stage);
    letter.set_error(failure.reason);
    letter.set_source(source);
    letter.set_position(position);
    letter.set_original(std::string(original));
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    std::string json;
    if (!google::protobuf::util::MessageToJsonString(letter, &json, options).ok()) {
      err_ << source << ":" << position << ": cannot write the dead letter as JSON\n";
      return;
    }
    *dead_letters_ << json << '\n';
  }

  PageProcessor& processor_;
  std::ostream& out_;
  std::ostream& err_;
  std::ostream* dead_letters_;
  std::chrono::seconds progress_interval_;
  size_t max_line_bytes_;
  std::chrono::steady_clock::time_point last_progress_ = std::chrono::steady_clock::now();
  uint64_t records_before_file_ = 0;
  Totals totals_;
};

bool ReadsAsWarc(const std::string& input, ScoreInputFormat format) {
  return format == ScoreInputFormat::kWarc || (format == ScoreInputFormat::kAuto && IsWarcPath(input));
}

}  // namespace

int RunScore(const ScoreOptions& options, std::istream& standard_input, std::ostream& out,
             std::ostream& err) {
  prometheus::Registry registry;  // counted but not served: score is a batch tool
  PipelineMetrics metrics(registry);
  auto processor =
      MakePageProcessor(options.rules_path, EventFormat::kJson, metrics, InputFormat::kJson, options.extract);
  if (!processor) {
    err << "backlint score: " << processor.failure().reason << "\n";
    return 1;
  }
  std::ofstream dead_letter_file;
  if (const auto input = InputSameAs(options.dead_letter_path, options.inputs)) {
    err << "backlint score: --dead-letters names the input '" << *input << "', which it would empty unread\n";
    return 2;
  }
  if (!options.dead_letter_path.empty()) {
    dead_letter_file.open(options.dead_letter_path);
    if (!dead_letter_file) {
      err << "backlint score: cannot write dead letters to '" << options.dead_letter_path << "'\n";
      return 1;
    }
  }
  ScoreRun run(*processor.value(), out, err, dead_letter_file.is_open() ? &dead_letter_file : nullptr,
               options.progress_interval, MaxLineBytes(options.extract));
  const auto started = std::chrono::steady_clock::now();
  const std::vector<std::string> inputs =
      options.inputs.empty() ? std::vector<std::string>{"-"} : options.inputs;
  for (const std::string& input : inputs) {
    std::error_code unknown;
    if (std::filesystem::is_directory(input, unknown)) {  // the WARC reader would take it for an empty file
      err << "backlint score: cannot read '" << input << "': " << std::strerror(EISDIR) << "\n";
      return 1;
    }
    // An I/O error ends reading early, like the end of the file, unless it is checked.
    std::string problem;
    if (ReadsAsWarc(input, options.input_format)) {
      // Recovering from a damaged gzip member seeks, so WARC input must be a file.
      auto reader = input == "-"
                        ? Result<WarcReader>(Failure{"decode", "WARC input must be a file, not stdin"})
                        : WarcReader::Open(input);
      if (!reader) {
        err << "backlint score: " << reader.failure().reason << "\n";
        return 1;
      }
      problem = run.ScoreWarc(reader.value(), input);
    } else {
      const bool from_stdin = input == "-";
      std::ifstream file;
      if (!from_stdin) file.open(input);
      problem = !from_stdin && !file.is_open()
                    ? std::strerror(errno)
                    : run.ScoreStream(from_stdin ? standard_input : file, from_stdin ? "<stdin>" : input);
    }
    if (!problem.empty()) {
      err << "backlint score: cannot read '" << input << "': " << problem << "\n";
      return 1;
    }
  }
  out.flush();
  if (dead_letter_file.is_open() && !dead_letter_file.flush()) {
    // Dead letters are the only record of rejected inputs: losing them must not pass for success.
    err << "backlint score: cannot write dead letters to '" << options.dead_letter_path << "'\n";
    return 1;
  }
  if (!out.good()) err << "backlint score: cannot write the events to standard output\n";
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const Totals& totals = run.totals();
  err << "backlint score: " << totals.pages << " pages, " << EventCounts(totals) << " in " << seconds
      << " s\n";
  if (totals.records > 0) {
    err << "backlint score: " << totals.records << " WARC records:";
    for (const auto& [type, count] : totals.records_by_type) err << " " << type << "=" << count;
    err << "\n";
  }
  return out.good() ? 0 : 1;
}

}  // namespace backlint
