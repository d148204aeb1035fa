// Precision and recall of the rule set on the labelled fixture sets: every page goes through the real
// pipeline (decode -> extract -> score -> encode, JSON events), and the categories of each backlink's flags
// are compared with the categories a reviewer labelled it with. Nine sets, one format and policy:
//   tests/fixtures/labelled/  in-sample: the default rules were tuned on it, so it must meet the targets;
//   tests/fixtures/holdout/   written without looking at the rules, but its mistakes then tuned them: its
//                             figures are development figures, reported, not asserted;
//   tests/fixtures/holdout2/  written independently after that tuning; its mistakes then tuned the rules
//                             too, so its figures are development figures, reported the same way;
//   tests/fixtures/holdout3/  written independently again, out-of-sample for the second tuning; its
//                             mistakes then tuned the rules (the third tuning), so it is a development set too.
//   tests/fixtures/holdout4/  a fourth independent sample, out-of-sample for the third tuning; its mistakes
//                             then tuned the rules (the fourth tuning), so it is a development set too.
//   tests/fixtures/holdout5/  a fifth independent sample, out-of-sample up to the fifth tuning; its mistakes
//                             then tuned the rules (the sixth round), so it is a development set too.
//   tests/fixtures/holdout6/  a sixth independent sample, out-of-sample up to the sixth round; its mistakes
//                             then tuned the rules (the seventh round), so it is a development set too.
//   tests/fixtures/holdout7/  held-out: a seventh independent sample, written blind to the rules after the sixth
//                             round and never used to change them; reported the same way.
//   tests/fixtures/holdout8/  held-out: an eighth independent sample, written blind to the rules after the eighth
//                             round and never used to change them; reported the same way.
//
// Run build/tests/labelled_set_test to print every set's table. Environment:
//   BACKLINT_LABELLED_RULES=FILE      evaluate another rule file instead of the built-in default;
//   BACKLINT_LABELLED_MISMATCHES=1    list every mismatch even when the targets are met.
#include <google/protobuf/util/json_util.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "backlink_event.pb.h"
#include "backlint/pipeline/processor_setup.h"

namespace backlint {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr double kPrecisionTarget = 0.90;
constexpr double kRecallTarget = 0.85;

// The categories scored, in table order; the index is the bit of a CategorySet.
constexpr std::array<std::string_view, 3> kCategoryNames = {"paid", "forced_keyword", "spammy"};
using CategorySet = unsigned;  // bit i set: category kCategoryNames[i]

std::string Describe(CategorySet set) {
  std::string text;
  for (std::size_t i = 0; i < kCategoryNames.size(); ++i) {
    if ((set & (1u << i)) == 0) continue;
    if (!text.empty()) text += ",";
    text += kCategoryNames[i];
  }
  return text.empty() ? "clean" : text;
}

std::string_view Trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

// What a reviewer says about one backlink of a page.
struct Label {
  std::string target;  // the target URL as the pipeline normalises it (WHATWG, no fragment)
  CategorySet categories = 0;
  int line = 0;  // in the fixture file
};

struct LabelledPage {
  std::string file;
  std::string url;
  std::string html;  // the page without its label header
  std::vector<Label> labels;
};

// Parses a fixture: a leading HTML comment with `page: URL` and one `link: TARGET | CATEGORIES | why` line
// per backlink (CATEGORIES: comma-separated paid, forced_keyword, spammy, or `clean`), then the page.
// Errors name the file and line.
Result<LabelledPage> ParseLabelledPage(const std::string& file, std::string_view text) {
  const auto fail = [&](int line, const std::string& message) {
    return Failure{"fixture", file + ":" + std::to_string(line) + ": " + message};
  };
  if (!text.starts_with("<!--")) return fail(1, "the file must start with the label header comment");
  const std::size_t header_end = text.find("-->");
  if (header_end == std::string_view::npos) return fail(1, "the label header comment is not closed");

  LabelledPage page;
  page.file = file;
  page.html = text.substr(header_end + 3);
  std::istringstream header(std::string(text.substr(4, header_end - 4)));
  int line_number = 0;
  for (std::string raw; std::getline(header, raw);) {
    ++line_number;
    const std::string_view line = Trim(raw);
    if (line.empty()) continue;
    if (line.starts_with("page:")) {
      page.url = Trim(line.substr(5));
      continue;
    }
    if (!line.starts_with("link:")) continue;  // free text describing the page
    std::vector<std::string_view> fields;
    std::string_view rest = line.substr(5);
    for (std::size_t bar; (bar = rest.find('|')) != std::string_view::npos; rest.remove_prefix(bar + 1)) {
      fields.push_back(Trim(rest.substr(0, bar)));
    }
    fields.push_back(Trim(rest));
    if (fields.size() != 3 || fields[0].empty() || fields[2].empty()) {
      return fail(line_number, "expected 'link: TARGET | CATEGORIES | reason'");
    }
    Label label{.target = std::string(fields[0]), .line = line_number};
    if (fields[1] != "clean") {
      std::string_view names = fields[1];
      while (!names.empty()) {
        const std::size_t comma = names.find(',');
        const std::string_view name = Trim(names.substr(0, comma));
        const auto known = std::find(kCategoryNames.begin(), kCategoryNames.end(), name);
        if (known == kCategoryNames.end()) {
          return fail(line_number, "unknown category '" + std::string(name) +
                                       "' (paid, forced_keyword, spammy or clean)");
        }
        label.categories |= 1u << (known - kCategoryNames.begin());
        names = comma == std::string_view::npos ? std::string_view() : names.substr(comma + 1);
      }
    }
    page.labels.push_back(std::move(label));
  }
  if (page.url.empty()) return fail(1, "the label header has no 'page: URL' line");
  return page;
}

// One backlink event as the pipeline emitted it.
struct Observed {
  std::string target;
  std::string anchor;
  CategorySet categories = 0;
  std::vector<std::string> rule_ids;
};

struct Mismatch {
  std::string where;  // file:line of the label
  std::string target, anchor;
  CategorySet expected = 0, got = 0;
  std::vector<std::string> rule_ids;
};

// Per-category confusion counts over every labelled backlink.
class Scorecard {
 public:
  struct Counts {
    int labelled = 0, true_positives = 0, false_positives = 0, false_negatives = 0;
    // With nothing flagged nothing was wrongly flagged: 1 (the recall shows what was missed).
    double precision() const {
      const int flagged = true_positives + false_positives;
      return flagged == 0 ? 1.0 : static_cast<double>(true_positives) / flagged;
    }
    // With nothing labelled nothing was missed: 1.
    double recall() const {
      return labelled == 0 ? 1.0 : static_cast<double>(true_positives) / labelled;
    }
    bool operator==(const Counts&) const = default;
    friend void PrintTo(const Counts& c, std::ostream* os) {
      *os << "{labelled " << c.labelled << ", TP " << c.true_positives << ", FP " << c.false_positives << ", FN "
          << c.false_negatives << "}";
    }
  };

  void Add(CategorySet expected, CategorySet got) {
    ++backlinks_;
    if (expected == 0) ++clean_;
    for (std::size_t i = 0; i < kCategoryNames.size(); ++i) {
      const bool want = (expected & (1u << i)) != 0, have = (got & (1u << i)) != 0;
      Counts& counts = counts_[i];
      counts.labelled += want;
      counts.true_positives += want && have;
      counts.false_positives += !want && have;
      counts.false_negatives += want && !have;
    }
  }

  int backlinks() const { return backlinks_; }
  int clean() const { return clean_; }
  const Counts& counts(std::size_t category) const { return counts_.at(category); }

  std::string Table(std::string_view title, int pages) const {
    std::string table = std::string(title) + ": " + std::to_string(pages) + " pages, " + std::to_string(backlinks_) +
                        " backlinks, " + std::to_string(clean_) + " labelled clean\n";
    char row[160];
    std::snprintf(row, sizeof row, "%-15s %8s %5s %5s %5s %10s %8s\n", "category", "labelled", "TP", "FP",
                  "FN", "precision", "recall");
    table += row;
    for (std::size_t i = 0; i < kCategoryNames.size(); ++i) {
      const Counts& c = counts_[i];
      std::snprintf(row, sizeof row, "%-15s %8d %5d %5d %5d %10.3f %8.3f\n", std::string(kCategoryNames[i]).c_str(),
                    c.labelled, c.true_positives, c.false_positives, c.false_negatives, c.precision(),
                    c.recall());
      table += row;
    }
    return table;
  }

 private:
  int backlinks_ = 0, clean_ = 0;
  std::array<Counts, kCategoryNames.size()> counts_{};
};

// Pairs a page's events with its labels by target URL (labels of a repeated target pair with its events
// in document order), scores each pair, and records mismatches. An event without a label or a label
// without an event is a fixture error.
void MatchPage(const LabelledPage& page, const std::vector<Observed>& observed, Scorecard& scorecard,
               std::vector<Mismatch>& mismatches, std::vector<std::string>& fixture_errors) {
  std::map<std::string, std::deque<const Label*>> pending;
  for (const Label& label : page.labels) pending[label.target].push_back(&label);
  for (const Observed& event : observed) {
    auto found = pending.find(event.target);
    if (found == pending.end() || found->second.empty()) {
      fixture_errors.push_back(page.file + ": backlink to " + event.target + " (anchor \"" + event.anchor +
                               "\") has no label");
      continue;
    }
    const Label& label = *found->second.front();
    found->second.pop_front();
    scorecard.Add(label.categories, event.categories);
    if (label.categories != event.categories) {
      mismatches.push_back({page.file + ":" + std::to_string(label.line), event.target, event.anchor,
                            label.categories, event.categories, event.rule_ids});
    }
  }
  for (const auto& [target, labels] : pending) {
    for (const Label* label : labels) {
      fixture_errors.push_back(page.file + ":" + std::to_string(label->line) + ": label for " + target +
                               " matches no backlink the pipeline found");
    }
  }
}

std::string JsonString(std::string_view text) {
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
      quoted += escaped;
    } else {
      quoted += c;
    }
  }
  return quoted + "\"";
}

CategorySet CategoryBit(v1::Category category) {
  switch (category) {
    case v1::CATEGORY_PAID: return 1u << 0;
    case v1::CATEGORY_FORCED_KEYWORD: return 1u << 1;
    case v1::CATEGORY_SPAMMY: return 1u << 2;
    default: return 0;
  }
}

// ---------------------------------------------------------------------------------------------------------
// The harness itself, on hand-made cases.

TEST(LabelledSetHarnessTest, ParsesTheHeaderAndKeepsThePageWithoutIt) {
  auto page = ParseLabelledPage("a.html",
                                "<!--\npage: https://blog.example/post\nA cooking blog.\n"
                                "link: https://shop.example/x | paid, forced_keyword | affiliate money anchor\n"
                                "link: https://wiki.example/y | clean | citation\n-->\n<p>body</p>");
  ASSERT_TRUE(page.ok()) << page.failure().reason;
  EXPECT_EQ(page.value().url, "https://blog.example/post");
  EXPECT_EQ(page.value().html, "\n<p>body</p>");
  ASSERT_EQ(page.value().labels.size(), 2u);
  EXPECT_EQ(page.value().labels[0].target, "https://shop.example/x");
  EXPECT_EQ(Describe(page.value().labels[0].categories), "paid,forced_keyword");
  EXPECT_EQ(page.value().labels[0].line, 4);
  EXPECT_EQ(page.value().labels[1].categories, 0u);
}

TEST(LabelledSetHarnessTest, RejectsBadHeadersNamingFileAndLine) {
  auto unknown = ParseLabelledPage("b.html", "<!--\npage: https://a.example/\nlink: https://x.example/ | pai | y\n-->");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.failure().reason, "b.html:3: unknown category 'pai' (paid, forced_keyword, spammy or clean)");
  auto no_reason = ParseLabelledPage("c.html", "<!--\npage: https://a.example/\nlink: https://x.example/ | paid\n-->");
  ASSERT_FALSE(no_reason.ok());
  EXPECT_THAT(no_reason.failure().reason, HasSubstr("c.html:3: expected"));
  EXPECT_FALSE(ParseLabelledPage("d.html", "<html><!--\npage: https://a.example/\n-->").ok());
  EXPECT_FALSE(ParseLabelledPage("e.html", "<!--\nlink: https://x.example/ | clean | z\n-->").ok());
}

TEST(LabelledSetHarnessTest, CountsPerCategoryAndComputesPrecisionAndRecall) {
  constexpr CategorySet kPaid = 1, kForced = 2, kSpammy = 4;
  Scorecard scorecard;
  scorecard.Add(kPaid, kPaid);                  // paid TP
  scorecard.Add(kPaid | kForced, kPaid);        // paid TP, forced FN
  scorecard.Add(0, kSpammy);                    // spammy FP
  scorecard.Add(kSpammy, kSpammy | kForced);    // spammy TP, forced FP
  scorecard.Add(0, 0);                          // clean, right
  EXPECT_EQ(scorecard.backlinks(), 5);
  EXPECT_EQ(scorecard.clean(), 2);
  using Counts = Scorecard::Counts;  // labelled, TP, FP, FN
  EXPECT_EQ(scorecard.counts(0), (Counts{2, 2, 0, 0}));
  EXPECT_EQ(scorecard.counts(1), (Counts{1, 0, 1, 1}));
  EXPECT_EQ(scorecard.counts(2), (Counts{1, 1, 1, 0}));
  EXPECT_DOUBLE_EQ(scorecard.counts(0).precision(), 1.0);
  EXPECT_DOUBLE_EQ(scorecard.counts(0).recall(), 1.0);
  EXPECT_DOUBLE_EQ(scorecard.counts(1).precision(), 0.0);
  EXPECT_DOUBLE_EQ(scorecard.counts(1).recall(), 0.0);
  EXPECT_DOUBLE_EQ(scorecard.counts(2).precision(), 0.5);
  EXPECT_DOUBLE_EQ(scorecard.counts(2).recall(), 1.0);
  EXPECT_THAT(scorecard.Table("set", 3), HasSubstr("set: 3 pages, 5 backlinks, 2 labelled clean\n"));
  EXPECT_THAT(scorecard.Table("set", 3), HasSubstr("spammy                 1     1     1     0      0.500    1.000"));
}

TEST(LabelledSetHarnessTest, NothingFlaggedHasFullPrecisionAndNoRecall) {
  Scorecard scorecard;
  scorecard.Add(1, 0);
  EXPECT_DOUBLE_EQ(scorecard.counts(0).precision(), 1.0);
  EXPECT_DOUBLE_EQ(scorecard.counts(0).recall(), 0.0);
  EXPECT_DOUBLE_EQ(scorecard.counts(1).recall(), 1.0);
}

TEST(LabelledSetHarnessTest, MatchesRepeatedTargetsInOrderAndReportsUnpairedOnes) {
  auto page = ParseLabelledPage("p.html",
                                "<!--\npage: https://a.example/\n"
                                "link: https://x.example/ | forced_keyword | first\n"
                                "link: https://x.example/ | clean | second\n"
                                "link: https://gone.example/ | spammy | removed\n-->");
  ASSERT_TRUE(page.ok()) << page.failure().reason;
  const std::vector<Observed> observed = {{"https://x.example/", "cheap flights", 2, {"kw"}},
                                          {"https://x.example/", "x.example", 2, {"kw"}},
                                          {"https://new.example/", "new", 0, {}}};
  Scorecard scorecard;
  std::vector<Mismatch> mismatches;
  std::vector<std::string> errors;
  MatchPage(page.value(), observed, scorecard, mismatches, errors);
  EXPECT_EQ(scorecard.backlinks(), 2);
  EXPECT_EQ(scorecard.counts(1).true_positives, 1);
  EXPECT_EQ(scorecard.counts(1).false_positives, 1);
  ASSERT_EQ(mismatches.size(), 1u);
  EXPECT_EQ(mismatches[0].where, "p.html:4");
  EXPECT_EQ(mismatches[0].anchor, "x.example");
  EXPECT_THAT(errors, ElementsAre("p.html: backlink to https://new.example/ (anchor \"new\") has no label",
                                  "p.html:5: label for https://gone.example/ matches no backlink the pipeline found"));
}

TEST(LabelledSetHarnessTest, JsonStringEscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(JsonString("a\"b\\c\nd\te"), R"("a\"b\\c\u000ad\u0009e")");
}

// ---------------------------------------------------------------------------------------------------------
// The fixture set through the real pipeline.

struct Evaluation {
  int pages = 0;
  Scorecard scorecard;
  std::vector<Mismatch> mismatches;
  std::vector<std::string> fixture_errors;
};

// The backlink events of one fixture page, as read back from the pipeline's JSON output.
void Observe(const LabelledPage& page, PageProcessor& processor, Evaluation& evaluation) {
  auto events = processor.Process(R"({"url": )" + JsonString(page.url) +
                                  R"(, "fetched_at": "2026-11-30T09:00:00Z", "status": 200, "html": )" +
                                  JsonString(page.html) + "}");
  if (!events.ok()) {
    evaluation.fixture_errors.push_back(page.file + ": " + events.failure().stage + ": " + events.failure().reason);
    return;
  }
  std::vector<Observed> observed;
  for (const EncodedEvent& encoded : events.value()) {
    if (encoded.kind != EventKind::kBacklink) continue;
    v1::BacklinkEvent event;
    if (!google::protobuf::util::JsonStringToMessage(encoded.value, &event).ok()) {
      evaluation.fixture_errors.push_back(page.file + ": unreadable event " + encoded.value);
      continue;
    }
    Observed& seen = observed.emplace_back();
    seen.target = event.target().url();
    seen.anchor = event.anchor().text();
    for (const v1::Flag& flag : event.flags()) {
      seen.categories |= CategoryBit(flag.category());
      seen.rule_ids.push_back(flag.rule_id());
    }
  }
  MatchPage(page, observed, evaluation.scorecard, evaluation.mismatches, evaluation.fixture_errors);
}

// Every page of one fixture directory (relative to the source tree), in file name order.
Evaluation Evaluate(std::string_view fixture_directory) {
  Evaluation evaluation;
  const char* rules_path = std::getenv("BACKLINT_LABELLED_RULES");
  prometheus::Registry registry;
  PipelineMetrics metrics(registry);
  auto processor = MakePageProcessor(rules_path == nullptr ? "" : rules_path, EventFormat::kJson, metrics);
  if (!processor.ok()) {
    evaluation.fixture_errors.push_back("rules: " + processor.failure().reason);
    return evaluation;
  }
  const std::filesystem::path directory = std::filesystem::path(BACKLINT_SOURCE_DIR) / fixture_directory;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    if (entry.path().extension() == ".html") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const std::filesystem::path& path : files) {
    std::ifstream in(path, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto page = ParseLabelledPage(path.filename().string(), text);
    if (!page.ok()) {
      evaluation.fixture_errors.push_back(page.failure().reason);
      continue;
    }
    ++evaluation.pages;
    Observe(page.value(), *processor.value(), evaluation);
  }
  return evaluation;
}

// A labelled fixture set and what it must cover for its figures to mean something.
struct FixtureSet {
  std::string_view test_name;  // names the parameterised tests
  std::string_view title;      // heads the printed table
  std::string_view directory;  // relative to the source tree
  int min_pages = 0, min_backlinks = 0;
};

// Names the set in a failure message instead of dumping its bytes.
void PrintTo(const FixtureSet& set, std::ostream* os) { *os << set.directory; }

// Names a parameterised test after its set.
std::string SetTestName(const ::testing::TestParamInfo<FixtureSet>& info) { return std::string(info.param.test_name); }

// Issue 4 asks for 40 pages and 400 backlinks; the held-out sets are smaller, independent samples.
constexpr FixtureSet kInSample{"InSample", "labelled set (in-sample: the default rules were tuned on it)",
                               "tests/fixtures/labelled", 40, 400};
constexpr FixtureSet kHeldOut{"HeldOut", "first held-out set (development: the rules were tuned on its mistakes)",
                              "tests/fixtures/holdout", 20, 160};
constexpr FixtureSet kHeldOut2{"HeldOut2",
                               "second held-out set (development: the rules were tuned on its mistakes)",
                               "tests/fixtures/holdout2", 20, 160};
constexpr FixtureSet kHeldOut3{"HeldOut3",
                               "third held-out set (development: the rules were tuned on its mistakes)",
                               "tests/fixtures/holdout3", 20, 160};
constexpr FixtureSet kHeldOut4{"HeldOut4",
                               "fourth held-out set (development: the rules were tuned on its mistakes)",
                               "tests/fixtures/holdout4", 20, 160};
constexpr FixtureSet kHeldOut5{"HeldOut5",
                               "fifth held-out set (development: the rules were tuned on its mistakes)",
                               "tests/fixtures/holdout5", 20, 160};
constexpr FixtureSet kHeldOut6{"HeldOut6",
                               "sixth held-out set (development: the rules were tuned on its mistakes)",
                               "tests/fixtures/holdout6", 20, 160};
constexpr FixtureSet kHeldOut7{"HeldOut7",
                               "seventh held-out set (development: the rules were tuned on its mistakes)",
                               "tests/fixtures/holdout7", 20, 160};
constexpr FixtureSet kHeldOut8{"HeldOut8",
                               "eighth held-out set (out-of-sample: never used to change the rules)",
                               "tests/fixtures/holdout8", 20, 160};

// Each set is evaluated once, on first use, for all the tests below.
const Evaluation& Evaluated(const FixtureSet& set) {
  static std::map<std::string_view, Evaluation> evaluations;
  auto found = evaluations.find(set.directory);
  if (found == evaluations.end()) found = evaluations.emplace(set.directory, Evaluate(set.directory)).first;
  return found->second;
}

std::string MismatchList(const std::vector<Mismatch>& mismatches) {
  std::string list = std::to_string(mismatches.size()) + " mismatches (expected -> got):\n";
  for (const Mismatch& m : mismatches) {
    std::string rules;
    for (const std::string& id : m.rule_ids) rules += (rules.empty() ? "" : " ") + id;
    list += "  " + m.where + "  " + m.target + "  \"" + m.anchor + "\"  " + Describe(m.expected) + " -> " +
            Describe(m.got) + (rules.empty() ? "" : "  [" + rules + "]") + "\n";
  }
  return list;
}

void PrintFigures(const FixtureSet& set, bool with_mismatches) {
  const Evaluation& evaluation = Evaluated(set);
  std::printf("%s", evaluation.scorecard.Table(set.title, evaluation.pages).c_str());
  if (with_mismatches) std::printf("%s", MismatchList(evaluation.mismatches).c_str());
}

bool MismatchesRequested() { return std::getenv("BACKLINT_LABELLED_MISMATCHES") != nullptr; }

class FixtureSetTest : public ::testing::TestWithParam<FixtureSet> {};

TEST_P(FixtureSetTest, EveryBacklinkHasExactlyOneLabel) {
  EXPECT_THAT(Evaluated(GetParam()).fixture_errors, IsEmpty());
}

// Precision and recall only mean something over enough pages and backlinks.
TEST_P(FixtureSetTest, CoversEnoughPagesAndBacklinks) {
  EXPECT_GE(Evaluated(GetParam()).pages, GetParam().min_pages);
  EXPECT_GE(Evaluated(GetParam()).scorecard.backlinks(), GetParam().min_backlinks);
}

INSTANTIATE_TEST_SUITE_P(LabelledSets, FixtureSetTest,
                         ::testing::Values(kInSample, kHeldOut, kHeldOut2, kHeldOut3, kHeldOut4, kHeldOut5,
                                           kHeldOut6, kHeldOut7, kHeldOut8),
                         SetTestName);

TEST(LabelledSetTest, MeetsPrecisionAndRecallTargetsPerCategory) {
  const Scorecard& scorecard = Evaluated(kInSample).scorecard;
  bool met = true;
  for (std::size_t i = 0; i < kCategoryNames.size(); ++i) {
    const Scorecard::Counts& counts = scorecard.counts(i);
    EXPECT_GE(counts.precision(), kPrecisionTarget) << kCategoryNames[i];
    EXPECT_GE(counts.recall(), kRecallTarget) << kCategoryNames[i];
    met = met && counts.precision() >= kPrecisionTarget && counts.recall() >= kRecallTarget;
  }
  PrintFigures(kInSample, !met || MismatchesRequested());
}

// The held-out figures are an estimate to report, not a target to tune the rules or the pages towards, so
// they are not asserted; only that every category is labelled often enough for its figures to mean much.
class HeldOutSetTest : public ::testing::TestWithParam<FixtureSet> {};

TEST_P(HeldOutSetTest, LabelsEveryCategoryOftenEnoughAndPrintsItsFigures) {
  constexpr int kMinLabelledPerCategory = 20;
  const Scorecard& scorecard = Evaluated(GetParam()).scorecard;
  for (std::size_t i = 0; i < kCategoryNames.size(); ++i) {
    EXPECT_GE(scorecard.counts(i).labelled, kMinLabelledPerCategory) << kCategoryNames[i];
  }
  PrintFigures(GetParam(), MismatchesRequested());
}

INSTANTIATE_TEST_SUITE_P(HeldOutSets, HeldOutSetTest,
                         ::testing::Values(kHeldOut, kHeldOut2, kHeldOut3, kHeldOut4, kHeldOut5, kHeldOut6,
                                           kHeldOut7, kHeldOut8),
                         SetTestName);

}  // namespace
}  // namespace backlint
