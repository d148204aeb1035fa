#include "backlint/app/score_mode.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "backlink_event.pb.h"
#include "dead_letter.pb.h"

namespace backlint {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;

// A page on example.com with two backlinks (the first declared sponsored) and one internal link.
constexpr char kPageWithTwoBacklinks[] =
    R"({"url": "https://www.example.com/post", "html": "<p>Thanks to <a href=\"https://sponsor.net/deal\" )"
    R"(rel=\"sponsored\">our sponsor</a>, see <a href=\"https://other.org/ref\">the reference</a> and )"
    R"(<a href=\"/about\">about us</a>.</p>"})";

// A page whose only link is a backlink to `target`, given as a crawler-extracted link.
std::string PageLinkingTo(const std::string& target) {
  return R"({"url": "https://source.example.com/", "links": [{"href": ")" + target + R"(", "text": "t"}]})";
}

struct ScoreOutput {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

v1::BacklinkEvent ParseEvent(const std::string& json) {
  v1::BacklinkEvent event;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &event).ok()) << json;
  return event;
}

std::vector<std::string> TargetUrls(const std::string& out) {
  std::vector<std::string> urls;
  for (const std::string& line : Lines(out)) urls.push_back(ParseEvent(line).target().url());
  return urls;
}

class ScoreModeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::path(::testing::TempDir()) / (std::string("score_mode_") + info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string TempPath(const std::string& name) const { return (dir_ / name).string(); }

  std::string WriteFile(const std::string& name, const std::string& contents) const {
    const std::string path = TempPath(name);
    std::ofstream(path, std::ios::binary) << contents;
    return path;
  }

  static ScoreOutput Run(const ScoreOptions& options, const std::string& standard_input = "") {
    std::istringstream in(standard_input);
    std::ostringstream out;
    std::ostringstream err;
    ScoreOutput output;
    output.exit_code = RunScore(options, in, out, err);
    output.out = out.str();
    output.err = err.str();
    return output;
  }

  static ScoreOutput RunOnStdin(const std::string& standard_input) {
    return Run(ScoreOptions{}, standard_input);
  }

  std::filesystem::path dir_;
};

TEST_F(ScoreModeTest, EmitsOneJsonEventPerBacklinkAndNoneForInternalLinks) {
  const ScoreOutput output = RunOnStdin(std::string(kPageWithTwoBacklinks) + "\n");
  EXPECT_EQ(output.exit_code, 0) << output.err;
  const std::vector<std::string> lines = Lines(output.out);
  ASSERT_THAT(lines, SizeIs(2));
  const v1::BacklinkEvent sponsored = ParseEvent(lines[0]);
  const v1::BacklinkEvent plain = ParseEvent(lines[1]);
  EXPECT_EQ(sponsored.target().url(), "https://sponsor.net/deal");
  EXPECT_EQ(sponsored.target().registrable_domain(), "sponsor.net");
  EXPECT_EQ(sponsored.source().url(), "https://www.example.com/post");
  EXPECT_EQ(plain.target().url(), "https://other.org/ref");
  EXPECT_EQ(plain.anchor().text(), "the reference");
}

TEST_F(ScoreModeTest, WatchedDomainMentionsFollowTheBacklinksAsJsonLinesWithATerm) {
  ScoreOptions options;
  options.extract.watch_domains = {"example.net"};
  const std::string page =
      R"({"url": "https://www.example.com/post", "html": "<p>See example.net and )"
      R"(<a href=\"https://other.org/ref\">the reference</a>.</p>"})";
  const ScoreOutput output = Run(options, page + "\n");
  EXPECT_EQ(output.exit_code, 0) << output.err;
  const std::vector<std::string> lines = Lines(output.out);
  ASSERT_THAT(lines, SizeIs(2));
  EXPECT_EQ(ParseEvent(lines[0]).target().url(), "https://other.org/ref");
  EXPECT_THAT(lines[1], HasSubstr(R"("term":"example.net")"));
  EXPECT_THAT(lines[1], HasSubstr(R"("kind":"MENTION_KIND_DOMAIN")"));
  EXPECT_THAT(output.err, HasSubstr("1 pages, 1 backlink events, 1 mention events, 0 dead letters in "));
}

TEST_F(ScoreModeTest, SponsoredLinkIsFlaggedByTheBuiltInRules) {
  const ScoreOutput output = RunOnStdin(kPageWithTwoBacklinks);
  const std::vector<std::string> lines = Lines(output.out);
  ASSERT_THAT(lines, SizeIs(2));
  const v1::BacklinkEvent sponsored = ParseEvent(lines[0]);
  ASSERT_EQ(sponsored.flags_size(), 1);
  EXPECT_EQ(sponsored.flags(0).rule_id(), "paid.rel-sponsored");
  EXPECT_EQ(sponsored.flags(0).category(), v1::CATEGORY_PAID);
  EXPECT_EQ(sponsored.quality_score(), 85);
  EXPECT_EQ(sponsored.verdict(), v1::VERDICT_CLEAN);
  EXPECT_EQ(sponsored.ruleset().name(), "backlint-default");

  const v1::BacklinkEvent plain = ParseEvent(lines[1]);
  EXPECT_EQ(plain.flags_size(), 0);
  EXPECT_EQ(plain.quality_score(), 100);
}

TEST_F(ScoreModeTest, MalformedLineIsReportedAndTheRunContinues) {
  const ScoreOutput output = RunOnStdin(PageLinkingTo("https://first.org/") + "\n{not json\n" +
                                        PageLinkingTo("https://third.org/") + "\n");
  EXPECT_EQ(output.exit_code, 0);
  EXPECT_THAT(TargetUrls(output.out), ElementsAre("https://first.org/", "https://third.org/"));
  EXPECT_THAT(output.err, HasSubstr("<stdin>:2: dead letter (decode): "));
  EXPECT_THAT(output.err, Not(HasSubstr("<stdin>:1:")));
  EXPECT_THAT(output.err, Not(HasSubstr("<stdin>:3:")));
}

TEST_F(ScoreModeTest, InvalidPageUrlIsADecodeDeadLetter) {
  const ScoreOutput output = RunOnStdin(R"({"url": "ftp://example.com/"})");
  EXPECT_EQ(output.exit_code, 0);
  EXPECT_THAT(output.out, IsEmpty());
  EXPECT_THAT(output.err, HasSubstr("<stdin>:1: dead letter (decode): "));
}

TEST_F(ScoreModeTest, DeadLetterFileGetsOneJsonLinePerDeadLetterWithTheOriginalBytes) {
  ScoreOptions options;
  options.dead_letter_path = TempPath("dead.jsonl");
  const std::string bad_json = "{\"url\": \"https://x.example/\", \"status\": \"caf\xC3\xA9\"";
  const std::string bad_url = R"({"url": "not a url"})";
  const ScoreOutput output =
      Run(options, bad_json + "\n" + PageLinkingTo("https://ok.org/") + "\n\n" + bad_url + "\n");
  EXPECT_EQ(output.exit_code, 0) << output.err;

  std::ifstream file(options.dead_letter_path);
  std::stringstream contents;
  contents << file.rdbuf();
  const std::vector<std::string> lines = Lines(contents.str());
  ASSERT_THAT(lines, SizeIs(2));

  const struct {
    int64_t position;
    std::string original;
  } expected[] = {{1, bad_json}, {4, bad_url}};
  for (std::size_t i = 0; i < lines.size(); ++i) {
    v1::DeadLetter letter;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(lines[i], &letter).ok()) << lines[i];
    EXPECT_EQ(letter.stage(), "decode");
    EXPECT_THAT(letter.error(), Not(IsEmpty()));
    EXPECT_THAT(output.err, HasSubstr("<stdin>:" + std::to_string(expected[i].position) +
                                      ": dead letter (decode): " + letter.error() + "\n"));
    EXPECT_EQ(letter.source(), "<stdin>");
    EXPECT_EQ(letter.position(), expected[i].position);
    EXPECT_EQ(letter.original(), expected[i].original);
  }
}

TEST_F(ScoreModeTest, BlankLinesAreSkippedButStillNumbered) {
  const ScoreOutput output = RunOnStdin("\n   \n\t\r\n" + PageLinkingTo("https://ok.org/") + "\n\nnope\n");
  EXPECT_EQ(output.exit_code, 0);
  EXPECT_THAT(TargetUrls(output.out), ElementsAre("https://ok.org/"));
  EXPECT_THAT(output.err, HasSubstr("<stdin>:6: dead letter (decode): "));
  EXPECT_THAT(output.err, HasSubstr("backlint score: 2 pages, 1 backlink events, 1 dead letters in "));
}

TEST_F(ScoreModeTest, InputFilesAreReadInOrderWithStdinWhereDashIs) {
  ScoreOptions options;
  options.inputs = {WriteFile("b.jsonl", PageLinkingTo("https://b.org/") + "\nbroken\n"), "-",
                    WriteFile("a.jsonl", PageLinkingTo("https://a.org/") + "\n")};
  const ScoreOutput output = Run(options, PageLinkingTo("https://stdin.org/"));
  EXPECT_EQ(output.exit_code, 0) << output.err;
  EXPECT_THAT(TargetUrls(output.out), ElementsAre("https://b.org/", "https://stdin.org/", "https://a.org/"));
  EXPECT_THAT(output.err, HasSubstr(options.inputs[0] + ":2: dead letter (decode): "));
}

TEST_F(ScoreModeTest, UnreadableInputFileFailsNamingIt) {
  ScoreOptions options;
  options.inputs = {TempPath("missing.jsonl")};
  const ScoreOutput output = Run(options);
  EXPECT_EQ(output.exit_code, 1);
  EXPECT_THAT(output.err, HasSubstr("'" + options.inputs[0] + "'"));
}

// A directory opens like a file and reads as empty unless the read error is checked: a backfill pointed at
// a folder of crawl files would then "succeed" with nothing scored.
TEST_F(ScoreModeTest, DirectoryInputFailsNamingItInsteadOfScoringNothing) {
  ScoreOptions options;
  options.inputs = {dir_.string()};
  const ScoreOutput output = Run(options);
  EXPECT_EQ(output.exit_code, 1);
  EXPECT_THAT(output.err, HasSubstr("cannot read '" + dir_.string() + "': Is a directory"));
}

// An I/O error must not pass for the end of the file: /proc/self/mem opens, but reading at offset 0 fails.
TEST_F(ScoreModeTest, ReadErrorFailsNamingTheInputInsteadOfEndingItQuietly) {
  ScoreOptions options;
  options.inputs = {"/proc/self/mem"};
  const ScoreOutput output = Run(options);
  EXPECT_EQ(output.exit_code, 1);
  EXPECT_THAT(output.err, HasSubstr("cannot read '/proc/self/mem': Input/output error"));
}

TEST_F(ScoreModeTest, WarcReadErrorFailsNamingTheInputInsteadOfEndingItQuietly) {
  ScoreOptions options;
  options.inputs = {"/proc/self/mem"};
  options.input_format = ScoreInputFormat::kWarc;
  const ScoreOutput output = Run(options);
  EXPECT_EQ(output.exit_code, 1);
  EXPECT_THAT(output.err, HasSubstr("cannot read '/proc/self/mem': Input/output error"));
}

// A line is read whole before it is decoded, so a file without newlines (a corrupt export, a binary) was
// read into memory entirely. A line longer than twice max_page_bytes plus 1 MiB is skipped unbuffered.
TEST_F(ScoreModeTest, OverlongLineBecomesADeadLetterAndScoringGoesOn) {
  ScoreOptions options;
  options.extract.max_page_bytes = 1000;
  const size_t max_line_bytes = 2 * 1000 + (size_t{1} << 20);
  const std::string overlong = R"({"url": "https://x.example/", "html": ")" + std::string(max_line_bytes, 'x') + "\"}";
  options.inputs = {WriteFile("long.jsonl", PageLinkingTo("https://a.org/") + "\n" + overlong + "\n" +
                                                PageLinkingTo("https://b.org/") + "\n" + overlong)};
  options.dead_letter_path = TempPath("dead.jsonl");
  const ScoreOutput output = Run(options);
  EXPECT_EQ(output.exit_code, 0) << output.err;
  EXPECT_THAT(TargetUrls(output.out), ElementsAre("https://a.org/", "https://b.org/"));
  const std::string reason = "line of " + std::to_string(overlong.size()) + " bytes is longer than the " +
                             std::to_string(max_line_bytes) + " bytes a JSON line may have";
  EXPECT_THAT(output.err, HasSubstr(options.inputs[0] + ":2: dead letter (decode): " + reason));
  EXPECT_THAT(output.err, HasSubstr(options.inputs[0] + ":4: dead letter (decode): " + reason));
  std::ifstream dead_letters(options.dead_letter_path);
  std::string letter;
  EXPECT_TRUE(std::getline(dead_letters, letter));
  EXPECT_LT(letter.size(), size_t{4096});  // the line itself is not kept, nor copied into the dead letter
}

// Common exports that are not JSON lines: read as such, a gzip file's every chunk was a dead letter, and a
// JSON array (one line) was read whole into one; either way no event and exit 0.
TEST_F(ScoreModeTest, GzipAndJsonArrayExportsFailNamingTheFileInsteadOfBecomingDeadLetters) {
  struct Export {
    std::string name;
    std::string contents;
    std::string reason;
  };
  const std::vector<Export> exports = {
      {"pages.jsonl.gz", std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03+I-.\n\x01\x00", 17),
       "it is gzip-compressed"},
      {"pages.json", "[" + std::string(kPageWithTwoBacklinks) + "]\n", "it is a JSON array, not JSON lines"},
  };
  for (const Export& exported : exports) {
    ScoreOptions options;
    options.inputs = {WriteFile(exported.name, exported.contents)};
    const ScoreOutput output = Run(options);
    EXPECT_EQ(output.exit_code, 1) << exported.name;
    EXPECT_THAT(output.err, HasSubstr("cannot read '" + options.inputs[0] + "': " + exported.reason));
    EXPECT_THAT(output.err, Not(HasSubstr("dead letter")));
  }
}

TEST_F(ScoreModeTest, DirectoryNamedLikeAWarcFileFailsNamingIt) {
  ScoreOptions options;
  options.inputs = {TempPath("crawl.warc.gz")};
  std::filesystem::create_directory(options.inputs[0]);
  const ScoreOutput output = Run(options);
  EXPECT_EQ(output.exit_code, 1);
  EXPECT_THAT(output.err, HasSubstr("cannot read '" + options.inputs[0] + "': Is a directory"));
}

TEST_F(ScoreModeTest, DeadLettersThatCannotBeWrittenFailTheRun) {
  ScoreOptions options;
  options.dead_letter_path = "/dev/full";  // opens, but every write fails (no space left)
  const ScoreOutput output = Run(options, "{}\n");  // no url: a dead letter
  EXPECT_EQ(output.exit_code, 1);
  EXPECT_THAT(output.err, HasSubstr("cannot write dead letters to '/dev/full'"));
}

TEST_F(ScoreModeTest, BadRulesPathFailsBeforeReadingInput) {
  ScoreOptions options;
  options.rules_path = TempPath("no-rules.yaml");
  const ScoreOutput output = Run(options, kPageWithTwoBacklinks);
  EXPECT_EQ(output.exit_code, 1);
  EXPECT_THAT(output.out, IsEmpty());
  EXPECT_THAT(output.err, StartsWith("backlint score: "));
  EXPECT_THAT(output.err, HasSubstr("no-rules.yaml"));
}

TEST_F(ScoreModeTest, RulesFileReplacesTheBuiltInRules) {
  ScoreOptions options;
  options.rules_path = WriteFile("rules.yaml", R"(name: test-rules
rules:
  - id: spammy.everything
    category: spammy
    weight: 70
    when: {field: target.host, contains: "."}
    evidence: "{target.host}"
)");
  const ScoreOutput output = Run(options, PageLinkingTo("https://a.org/"));
  ASSERT_EQ(output.exit_code, 0) << output.err;
  const v1::BacklinkEvent event = ParseEvent(Lines(output.out).at(0));
  EXPECT_EQ(event.ruleset().name(), "test-rules");
  ASSERT_EQ(event.flags_size(), 1);
  EXPECT_EQ(event.flags(0).rule_id(), "spammy.everything");
  EXPECT_EQ(event.verdict(), v1::VERDICT_TOXIC);
}

TEST_F(ScoreModeTest, UnwritableDeadLetterPathFails) {
  ScoreOptions options;
  options.dead_letter_path = TempPath("no-such-dir/dead.jsonl");
  const ScoreOutput output = Run(options, kPageWithTwoBacklinks);
  EXPECT_EQ(output.exit_code, 1);
  EXPECT_THAT(output.err, HasSubstr(options.dead_letter_path));
}

// The dead-letter file is opened before the inputs are read: naming an input would destroy it unscored.
TEST_F(ScoreModeTest, DeadLetterFileThatIsAnInputIsRefusedAndTheInputKept) {
  ScoreOptions options;
  const std::string pages = std::string(kPageWithTwoBacklinks) + "\n";
  options.inputs = {WriteFile("pages.jsonl", pages)};
  options.dead_letter_path = options.inputs[0];
  const ScoreOutput output = Run(options);
  EXPECT_EQ(output.exit_code, 2);
  EXPECT_THAT(output.err, HasSubstr("--dead-letters names the input '" + options.inputs[0] + "'"));
  std::ifstream kept(options.inputs[0]);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(kept), {}), pages);
}

TEST_F(ScoreModeTest, SummaryLineCountsPagesEventsAndDeadLetters) {
  const ScoreOutput output =
      RunOnStdin(std::string(kPageWithTwoBacklinks) + "\n[]\n" + PageLinkingTo("https://c.org/") + "\n");
  EXPECT_EQ(output.exit_code, 0);
  EXPECT_THAT(output.err, HasSubstr("backlint score: 3 pages, 3 backlink events, 1 dead letters in "));
}

TEST_F(ScoreModeTest, EmptyInputScoresNothing) {
  const ScoreOutput output = RunOnStdin("");
  EXPECT_EQ(output.exit_code, 0);
  EXPECT_THAT(output.out, IsEmpty());
  EXPECT_THAT(output.err, StartsWith("backlint score: 0 pages, 0 backlink events, 0 dead letters in "));
}

// A WARC response record for `url` whose HTML has one link to `target`.
std::string WarcResponse(const std::string& url, const std::string& target) {
  const std::string http =
      "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<a href=\"" + target + "\">t</a>";
  return "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: " + url +
         "\r\nWARC-Date: 2024-05-01T10:00:00Z\r\nContent-Type: application/http; msgtype=response\r\n"
         "Content-Length: " + std::to_string(http.size()) + "\r\n\r\n" + http + "\r\n\r\n";
}

TEST_F(ScoreModeTest, WarcFilesAreScoredAndMalformedRecordsAreDeadLettersAtTheirOffset) {
  const std::string first = WarcResponse("https://source.example.com/", "https://a.org/");
  const std::string broken = "WARC/1.0\r\nWARC-Type: response\r\nContent-Length: many\r\n\r\n";
  ScoreOptions options;
  options.dead_letter_path = TempPath("dead.jsonl");
  options.inputs = {WriteFile("crawl.warc", first + broken + WarcResponse("https://source.example.com/2",
                                                                          "https://b.org/"))};
  const ScoreOutput output = Run(options);
  EXPECT_EQ(output.exit_code, 0) << output.err;
  EXPECT_THAT(TargetUrls(output.out), ElementsAre("https://a.org/", "https://b.org/"));
  const std::string position = std::to_string(first.size());
  EXPECT_THAT(output.err,
              HasSubstr(options.inputs[0] + ":" + position + ": dead letter (decode): bad Content-Length"));
  EXPECT_THAT(output.err, HasSubstr("backlint score: 2 pages, 2 backlink events, 1 dead letters in "));
  EXPECT_THAT(output.err, HasSubstr("backlint score: 2 WARC records: response=2\n"));

  std::ifstream file(options.dead_letter_path);
  std::string line;
  ASSERT_TRUE(std::getline(file, line));
  v1::DeadLetter letter;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &letter).ok()) << line;
  EXPECT_EQ(letter.stage(), "decode");
  EXPECT_EQ(letter.source(), options.inputs[0]);
  EXPECT_EQ(letter.position(), static_cast<int64_t>(first.size()));
}

TEST_F(ScoreModeTest, InputFormatWarcReadsAFileWithAnyNameAndReportsProgress) {
  ScoreOptions options;
  options.input_format = ScoreInputFormat::kWarc;
  options.progress_interval = std::chrono::seconds(0);
  options.inputs = {WriteFile("crawl.dat", WarcResponse("https://source.example.com/", "https://a.org/"))};
  const ScoreOutput output = Run(options);
  EXPECT_EQ(output.exit_code, 0) << output.err;
  EXPECT_THAT(TargetUrls(output.out), ElementsAre("https://a.org/"));
  EXPECT_THAT(output.err,
              HasSubstr("backlint score: progress: 1 WARC records, 1 pages, 1 backlink events, "
                        "0 dead letters\n"));
}

TEST_F(ScoreModeTest, WarcFromStandardInputIsRefused) {
  ScoreOptions options;
  options.input_format = ScoreInputFormat::kWarc;
  const ScoreOutput output = Run(options);
  EXPECT_EQ(output.exit_code, 1);
  EXPECT_THAT(output.err, HasSubstr("WARC input must be a file"));
}

}  // namespace
}  // namespace backlint
