#pragma once
// `backlint score`: CrawledPage JSON lines or WARC files -> BacklinkEvent JSON lines on stdout.
// The scriptable way to replay and backfill, through the same PageProcessor as `run`.
#include <chrono>
#include <iosfwd>
#include <string>
#include <vector>

#include "backlint/extract/link_extractor.h"

namespace backlint {

enum class ScoreInputFormat {
  kAuto,       // by file name: .warc and .warc.gz are WARC, anything else (and stdin) JSON lines
  kJsonLines,  // one CrawledPage JSON object per line
  kWarc,       // WARC files, plain or gzip; each HTML response is a page
};

struct ScoreOptions {
  std::vector<std::string> inputs;  // "-" or none: standard input
  std::string rules_path;           // empty: built-in default
  std::string dead_letter_path;     // empty: reasons on stderr only
  ScoreInputFormat input_format = ScoreInputFormat::kAuto;
  std::chrono::seconds progress_interval{10};  // a progress line on stderr this often; 0: after every page
  LinkExtractor::Options extract;  // defaults, except the watch list from the command line
};

// Exit code: 0 when every input was read (dead letters are reported, not fatal), 1 on setup or I/O errors,
// 2 when the dead-letter file is one of the inputs.
int RunScore(const ScoreOptions& options, std::istream& standard_input, std::ostream& out, std::ostream& err);

}  // namespace backlint
