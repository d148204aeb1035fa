#pragma once
// `backlint score`: CrawledPage JSON lines from files or stdin -> BacklinkEvent JSON lines on stdout.
// The scriptable way to replay and backfill, through the same PageProcessor as `run`.
#include <iosfwd>
#include <string>
#include <vector>

namespace backlint {

struct ScoreOptions {
  std::vector<std::string> inputs;  // "-" or none: standard input
  std::string rules_path;           // empty: built-in default
  std::string dead_letter_path;     // empty: reasons on stderr only
};

// Exit code: 0 when every input was read (dead letters are reported, not fatal), 1 on setup or I/O errors.
int RunScore(const ScoreOptions& options, std::istream& standard_input, std::ostream& out, std::ostream& err);

}  // namespace backlint
