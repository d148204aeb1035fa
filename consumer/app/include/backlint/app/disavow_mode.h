#pragma once
// `backlint disavow`: scored BacklinkEvent JSON lines (what `backlint score` prints) -> a disavow file in
// Google's format: `domain:` and URL lines for the pages that link to you, each after a `#` comment with
// the reasons, worst first, within Google's limits.
#include <cstddef>
#include <istream>
#include <ostream>
#include <string>
#include <vector>

namespace backlint {

struct DisavowOptions {
  std::vector<std::string> inputs;  // none or "-": standard input
  // A source page gets a URL line when one of its links has at least this verdict (toxic | suspicious) ...
  std::string url_verdict = "toxic";
  int max_score = 100;  // ... and a quality score of at most this.
  // A source domain with at least this many toxic links gets a `domain:` line instead (0: never).
  int domain_min_toxic = 3;
  std::vector<std::string> targets;  // only links to these sites (registrable domain or host); empty: all
  // Google's limits for one disavow file; the worst entries are kept when they would be exceeded.
  std::size_t max_lines = 100000;
  std::size_t max_bytes = 2000000;
};

// Exit code: 0 when every input line was read, 1 when some were malformed (reported on `err` as
// `file:line: reason` and skipped; the file is still written) or an input could not be read.
int RunDisavow(const DisavowOptions& options, std::istream& standard_input, std::ostream& out,
               std::ostream& err);

}  // namespace backlint
