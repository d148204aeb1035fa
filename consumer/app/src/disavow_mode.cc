#include "backlint/app/disavow_mode.h"

#include <google/protobuf/util/json_util.h>
#include <simdjson.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <string_view>
#include <tuple>
#include <utility>

#include "backlink_event.pb.h"
#include "backlint/extract/ascii.h"

namespace backlint {
namespace {

constexpr std::size_t kMaxCommentBytes = 500;  // reasons stay readable and the byte budget goes to entries

int Rank(v1::Verdict verdict) {
  switch (verdict) {
    case v1::VERDICT_CLEAN: return 0;
    case v1::VERDICT_SUSPICIOUS: return 1;
    case v1::VERDICT_TOXIC: return 2;
    default: return -1;
  }
}

std::string_view VerdictName(v1::Verdict verdict) {
  static constexpr std::string_view kNames[] = {"clean", "suspicious", "toxic"};
  return Rank(verdict) < 0 ? "unspecified" : kNames[Rank(verdict)];
}

// One comment line: control characters (a newline would end the comment) become spaces, and a long
// line is cut at a UTF-8 character boundary.
// "1 link", "2 links".
std::string Count(uint64_t count, const std::string& noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

std::string CommentLine(const std::string& text) {
  std::string line = "# " + text;
  for (char& c : line) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  if (line.size() <= kMaxCommentBytes) return line;
  std::size_t cut = kMaxCommentBytes - 3;
  while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
  return line.substr(0, cut) + "...";
}

// The links that count against one source page or domain, and why.
struct Offender {
  struct RuleTally {
    uint64_t count = 0;
    std::string evidence;  // of its first flag seen
  };
  std::string domain;  // the source's registrable domain
  uint64_t links = 0;
  int worst_score = 100;
  v1::Verdict worst_verdict = v1::VERDICT_CLEAN;
  std::set<std::string> pages;
  std::map<std::string, RuleTally> rules;

  void Add(const v1::BacklinkEvent& event) {
    ++links;
    worst_score = std::min(worst_score, event.quality_score());
    if (Rank(event.verdict()) > Rank(worst_verdict)) worst_verdict = event.verdict();
    pages.insert(event.source().url());
    for (const v1::Flag& flag : event.flags()) {
      RuleTally& tally = rules[flag.rule_id()];
      if (tally.count++ == 0) tally.evidence = flag.evidence();
    }
  }

  // "rule xN (evidence); ...", most frequent rule first.
  std::string Reasons() const {
    std::vector<std::pair<std::string, const RuleTally*>> ordered;
    for (const auto& [rule, tally] : rules) ordered.emplace_back(rule, &tally);
    std::stable_sort(ordered.begin(), ordered.end(),
                     [](const auto& a, const auto& b) { return a.second->count > b.second->count; });
    std::string reasons;
    for (const auto& [rule, tally] : ordered) {
      reasons += (reasons.empty() ? "" : "; ") + rule + " x" + std::to_string(tally->count) + " (" +
                 tally->evidence + ")";
    }
    return reasons.empty() ? "no rule fired" : reasons;
  }
};

struct Entry {
  const Offender* offender;
  std::string comment;
  std::string line;
};

class DisavowList {
 public:
  explicit DisavowList(const DisavowOptions& options) : options_(options) {
    if (options.url_verdict == "suspicious") url_rank_ = Rank(v1::VERDICT_SUSPICIOUS);
  }

  // An empty string when the line was taken (or is a mention event); otherwise why it is malformed.
  std::string Add(const std::string& line) {
    simdjson::dom::element json;
    if (auto error = parser_.parse(line).get(json)) {
      return std::string("not JSON: ") + simdjson::error_message(error);
    }
    if (!json.is_object()) return "not a JSON object";
    if (json["term"].error() == simdjson::SUCCESS) {  // a MentionEvent: it names a site but links nowhere
      ++mentions_;
      return "";
    }
    // Most links are clean and a clean link never makes an entry, so it skips the full Protobuf parse
    // (the bulk of the cost) once it is seen to be a backlink event.
    std::string_view verdict;
    if (json["verdict"].get(verdict) == simdjson::SUCCESS && verdict == "VERDICT_CLEAN" &&
        json.at_pointer("/source/url").is_string()) {
      ++events_;
      return "";
    }
    v1::BacklinkEvent event;
    google::protobuf::util::JsonParseOptions parse_options;
    parse_options.ignore_unknown_fields = true;  // events from a newer backlint may carry more fields
    auto status = google::protobuf::util::JsonStringToMessage(line, &event, parse_options);
    if (!status.ok()) return "not a BacklinkEvent: " + std::string(status.message());
    if (event.source().url().empty()) return "BacklinkEvent without source.url";
    if (Rank(event.verdict()) < 0) return "BacklinkEvent without a verdict";
    ++events_;
    if (!LinksToTarget(event)) return "";
    const bool toxic = event.verdict() == v1::VERDICT_TOXIC;
    const bool qualifies = Rank(event.verdict()) >= url_rank_ && event.quality_score() <= options_.max_score;
    if (!toxic && !qualifies) return "";
    // At-least-once delivery repeats events; the same event must not count twice.
    if (!event.event_id().empty() && !seen_.insert(event.event_id()).second) return "";
    const std::string& domain = event.source().registrable_domain();
    if (toxic && !domain.empty()) {
      Offender& offender = domains_[domain];
      offender.domain = domain;
      offender.Add(event);
    }
    if (qualifies) {
      Offender& offender = pages_[event.source().url()];
      offender.domain = domain;
      offender.Add(event);
    }
    return "";
  }

  // Header, then entries worst first until Google's line or byte limit, then a note of what was left out.
  void Write(std::ostream& out, std::ostream& err) const {
    std::vector<Entry> entries = Entries();
    std::string selection = "URL lines: pages with a link whose verdict is ";
    selection += url_rank_ == Rank(v1::VERDICT_TOXIC) ? "toxic" : "suspicious or toxic";
    selection += " and score <= " + std::to_string(options_.max_score);
    if (options_.domain_min_toxic > 0) {
      selection += "; domain lines: sites with >= " + std::to_string(options_.domain_min_toxic) + " toxic links";
    }
    const std::vector<std::string> header = {
        "Disavow file written by `backlint disavow` from " + std::to_string(events_) + " backlink events.",
        selection + ".",
        "Verdicts are signals, not proof: read the reasons before you upload this file.",
    };
    std::string text;
    std::size_t lines = 0;
    for (const std::string& line : header) {
      text += CommentLine(line) + "\n";
      ++lines;
    }
    // Room for the truncation note is kept back, so the note itself never breaks a limit.
    const std::size_t line_budget = options_.max_lines > 0 ? options_.max_lines - 1 : 0;
    const std::size_t byte_budget =
        options_.max_bytes > kMaxCommentBytes + 1 ? options_.max_bytes - kMaxCommentBytes - 1 : 0;
    std::size_t written = 0;
    for (const Entry& entry : entries) {
      const std::size_t bytes = entry.comment.size() + entry.line.size() + 2;
      if (lines + 2 > line_budget || text.size() + bytes > byte_budget) break;
      text += entry.comment + "\n" + entry.line + "\n";
      lines += 2;
      ++written;
    }
    if (written < entries.size()) {
      const std::string note = std::to_string(entries.size() - written) + " of " + std::to_string(entries.size()) +
                               " entries (the least bad) left out to stay within " +
                               std::to_string(options_.max_lines) + " lines and " +
                               std::to_string(options_.max_bytes) + " bytes";
      text += CommentLine("Truncated: " + note + ".") + "\n";
      err << "backlint disavow: truncated: " << note << "\n";
    }
    out << text;
    err << "backlint disavow: " << events_ << " backlink events, " << mentions_ << " mention events skipped; "
        << written << " entries written\n";
  }

 private:
  bool LinksToTarget(const v1::BacklinkEvent& event) const {
    if (options_.targets.empty()) return true;
    return std::any_of(options_.targets.begin(), options_.targets.end(), [&](const std::string& target) {
      return ascii::EqualsIgnoreCase(target, event.target().registrable_domain()) ||
             ascii::EqualsIgnoreCase(target, event.target().host());
    });
  }

  std::vector<Entry> Entries() const {
    std::vector<Entry> domain_entries;
    std::set<std::string> disavowed_domains;
    for (const auto& [domain, offender] : domains_) {
      if (options_.domain_min_toxic <= 0 || offender.links < static_cast<uint64_t>(options_.domain_min_toxic)) {
        continue;
      }
      disavowed_domains.insert(domain);
      domain_entries.push_back({&offender,
                                CommentLine(Count(offender.links, "toxic link") + " on " +
                                            Count(offender.pages.size(), "page") + ", worst score " +
                                            std::to_string(offender.worst_score) + ": " + offender.Reasons()),
                                "domain:" + domain});
    }
    std::vector<Entry> url_entries;
    for (const auto& [url, offender] : pages_) {
      if (disavowed_domains.count(offender.domain) > 0) continue;  // the domain line covers the page
      url_entries.push_back({&offender,
                             CommentLine(std::string(VerdictName(offender.worst_verdict)) + ", score " +
                                         std::to_string(offender.worst_score) + ", " +
                                         Count(offender.links, "link") + ": " + offender.Reasons()),
                             url});
    }
    // Worst first; ties by name, so the output is deterministic. Domains: most toxic links first; pages:
    // lowest score first.
    std::sort(domain_entries.begin(), domain_entries.end(), [](const Entry& a, const Entry& b) {
      return std::tuple(-static_cast<int64_t>(a.offender->links), a.offender->worst_score, std::string_view(a.line)) <
             std::tuple(-static_cast<int64_t>(b.offender->links), b.offender->worst_score, std::string_view(b.line));
    });
    std::sort(url_entries.begin(), url_entries.end(), [](const Entry& a, const Entry& b) {
      return std::tuple(a.offender->worst_score, -static_cast<int64_t>(a.offender->links), std::string_view(a.line)) <
             std::tuple(b.offender->worst_score, -static_cast<int64_t>(b.offender->links), std::string_view(b.line));
    });
    // Domain lines first: each stands for several toxic links.
    domain_entries.insert(domain_entries.end(), std::make_move_iterator(url_entries.begin()),
                          std::make_move_iterator(url_entries.end()));
    return domain_entries;
  }

  const DisavowOptions& options_;
  int url_rank_ = Rank(v1::VERDICT_TOXIC);
  simdjson::dom::parser parser_;
  std::map<std::string, Offender> domains_;  // by source registrable domain: its toxic links
  std::map<std::string, Offender> pages_;    // by source URL: its links that qualify for a URL line
  std::set<std::string> seen_;               // event ids already counted
  uint64_t events_ = 0;
  uint64_t mentions_ = 0;
};

}  // namespace

int RunDisavow(const DisavowOptions& options, std::istream& standard_input, std::ostream& out,
               std::ostream& err) {
  DisavowList list(options);
  uint64_t malformed = 0;
  bool unreadable = false;
  auto read = [&](std::istream& input, const std::string& source) {
    std::string line;
    for (uint64_t number = 1; std::getline(input, line); ++number) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      const std::string problem = list.Add(line);
      if (problem.empty()) continue;
      ++malformed;
      err << source << ":" << number << ": " << problem << "\n";
    }
    // A directory opens like a file; its failed read (or an I/O error) must not pass for the end of input.
    if (input.bad()) {
      err << "backlint disavow: cannot read '" << source << "': " << std::strerror(errno) << "\n";
      unreadable = true;
    }
  };
  const std::vector<std::string> inputs = options.inputs.empty() ? std::vector<std::string>{"-"} : options.inputs;
  for (const std::string& input : inputs) {
    if (input == "-") {
      read(standard_input, "<stdin>");
      continue;
    }
    std::ifstream file(input);
    if (!file) {
      err << "backlint disavow: cannot read '" << input << "': " << std::strerror(errno) << "\n";
      unreadable = true;
      continue;
    }
    read(file, input);
  }
  list.Write(out, err);
  if (malformed > 0) err << "backlint disavow: " << malformed << " malformed lines skipped\n";
  out.flush();
  if (!out.good()) err << "backlint disavow: cannot write the disavow file\n";
  return malformed == 0 && !unreadable && out.good() ? 0 : 1;
}

}  // namespace backlint
