#include "backlint/decode/warc_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace backlint {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::SizeIs;

std::string Record(const std::string& type, const std::string& content_type, const std::string& block,
                   const std::string& extra_headers = "") {
  return "WARC/1.0\r\nWARC-Type: " + type + "\r\nWARC-Target-URI: <https://site.example/page>\r\n" +
         "WARC-Date: 2024-05-01T10:00:00Z\r\n" + extra_headers + "Content-Type: " + content_type +
         "\r\nContent-Length: " + std::to_string(block.size()) + "\r\n\r\n" + block + "\r\n\r\n";
}

std::string HttpResponse(const std::string& body,
                         const std::string& headers = "Content-Type: text/html\r\n") {
  return "HTTP/1.1 200 OK\r\n" + headers + "\r\n" + body;
}

std::string HtmlResponseRecord(const std::string& body) {
  return Record("response", "application/http; msgtype=response", HttpResponse(body));
}

// One gzip member holding `data`; a `comment` goes into its header (FCOMMENT), which sizes the member.
std::string Gzip(const std::string& data, const std::string& comment = "") {
  z_stream stream{};
  deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  gz_header header{};
  header.comment = reinterpret_cast<Bytef*>(const_cast<char*>(comment.c_str()));
  if (!comment.empty()) deflateSetHeader(&stream, &header);
  std::string out(deflateBound(&stream, data.size()) + comment.size() + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

struct ReadAll {
  std::vector<WarcPage> pages;
  std::vector<WarcProblem> problems;
  std::map<std::string, uint64_t> records_by_type;
};

class WarcReaderTest : public ::testing::Test {
 protected:
  std::string WriteFile(const std::string& contents) const {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    const std::string path =
        (std::filesystem::path(::testing::TempDir()) / (std::string("warc_reader_") + info->name() + ".warc"))
            .string();
    std::ofstream(path, std::ios::binary) << contents;
    return path;
  }

  ReadAll Read(const std::string& contents, WarcReaderOptions options = {}) const {
    auto reader = WarcReader::Open(WriteFile(contents), options);
    EXPECT_TRUE(reader.ok());
    ReadAll all;
    while (std::optional<WarcItem> item = reader.value().Next()) {
      if (auto* page = std::get_if<WarcPage>(&*item)) all.pages.push_back(std::move(*page));
      if (auto* problem = std::get_if<WarcProblem>(&*item)) all.problems.push_back(std::move(*problem));
    }
    all.records_by_type = reader.value().records_by_type();
    return all;
  }
};

TEST_F(WarcReaderTest, HtmlResponseBecomesAPageWithHttpFields) {
  const ReadAll all = Read(Record("warcinfo", "application/warc-fields", "software: test\r\n") +
                           Record("response", "application/http; msgtype=response",
                                  "HTTP/1.1 404 Not Found\r\nContent-Type: text/html; charset=utf-8\r\n"
                                  "X-Robots-Tag: all\r\n\r\n<a href=x>y</a>"));
  ASSERT_THAT(all.problems, SizeIs(0));
  ASSERT_THAT(all.pages, SizeIs(1));
  const CrawledPage& page = all.pages[0].page;
  EXPECT_EQ(page.url, "https://site.example/page");
  EXPECT_EQ(page.fetched_at, "2024-05-01T10:00:00Z");
  EXPECT_EQ(page.status, 404);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(page.html, "<a href=x>y</a>");
  EXPECT_THAT(page.headers,
              ElementsAre(Pair("Content-Type", "text/html; charset=utf-8"), Pair("X-Robots-Tag", "all")));
  EXPECT_EQ(all.pages[0].offset, Record("warcinfo", "application/warc-fields", "software: test\r\n").size());
  EXPECT_THAT(all.records_by_type, ElementsAre(Pair("response", 1), Pair("warcinfo", 1)));
}

TEST_F(WarcReaderTest, NonHtmlResponsesAndOtherRecordsAreCountedAndSkipped) {
  const ReadAll all = Read(Record("request", "application/http; msgtype=request", "GET / HTTP/1.1\r\n\r\n") +
                           Record("response", "application/http; msgtype=response",
                                  HttpResponse("{}", "Content-Type: application/json\r\n")) +
                           Record("response", "text/dns", "dns stuff") + HtmlResponseRecord("<p>kept</p>"));
  ASSERT_THAT(all.pages, SizeIs(1));
  EXPECT_EQ(all.pages[0].page.html, "<p>kept</p>");
  EXPECT_THAT(all.problems, SizeIs(0));
  EXPECT_THAT(all.records_by_type, ElementsAre(Pair("request", 1), Pair("response", 3)));
}

TEST_F(WarcReaderTest, ChunkedBodyIsDechunkedAndAlreadyDechunkedBodyIsKept) {
  const ReadAll all =
      Read(Record("response", "application/http; msgtype=response",
                  HttpResponse("5;ext=1\r\n<p>ab\r\n4\r\nc</p\r\n1\r\n>\r\n0\r\n\r\n",
                               "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\n")) +
           Record("response", "application/http; msgtype=response",
                  HttpResponse("<p>plain</p>", "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\n")));
  ASSERT_THAT(all.pages, SizeIs(2));
  EXPECT_EQ(all.pages[0].page.html, "<p>abc</p>");
  EXPECT_EQ(all.pages[1].page.html, "<p>plain</p>");
}

TEST_F(WarcReaderTest, GzipContentEncodingIsUndone) {
  const ReadAll all = Read(
      Record("response", "application/http; msgtype=response",
             HttpResponse(Gzip("<p>zipped</p>"), "Content-Type: text/html\r\nContent-Encoding: gzip\r\n")));
  ASSERT_THAT(all.pages, SizeIs(1));
  EXPECT_EQ(all.pages[0].page.html, "<p>zipped</p>");
}

TEST_F(WarcReaderTest, PerRecordGzipReportsMemberOffsets) {
  const std::string first = Gzip(HtmlResponseRecord("<p>1</p>"));
  const ReadAll all = Read(first + Gzip(HtmlResponseRecord("<p>2</p>")));
  ASSERT_THAT(all.pages, SizeIs(2));
  EXPECT_EQ(all.pages[0].offset, 0u);
  EXPECT_EQ(all.pages[1].offset, first.size());
  EXPECT_EQ(all.pages[1].page.html, "<p>2</p>");
}

TEST_F(WarcReaderTest, WholeFileGzipStreamIsRead) {
  const ReadAll all = Read(Gzip(HtmlResponseRecord("<p>1</p>") + HtmlResponseRecord("<p>2</p>")));
  ASSERT_THAT(all.pages, SizeIs(2));
  EXPECT_EQ(all.pages[1].page.html, "<p>2</p>");
}

TEST_F(WarcReaderTest, BadContentLengthIsReportedAndTheNextRecordIsRead) {
  std::string bad = HtmlResponseRecord("<p>bad</p>");
  bad.replace(bad.find("Content-Length: ") + 16, 2, "x1");
  const ReadAll all = Read(bad + HtmlResponseRecord("<p>good</p>"));
  ASSERT_THAT(all.problems, SizeIs(1));
  EXPECT_EQ(all.problems[0].offset, 0u);
  EXPECT_THAT(all.problems[0].reason, HasSubstr("bad Content-Length"));
  ASSERT_THAT(all.pages, SizeIs(1));
  EXPECT_EQ(all.pages[0].page.html, "<p>good</p>");
}

TEST_F(WarcReaderTest, GarbageBeforeARecordIsReportedWithItsOffset) {
  const std::string first = HtmlResponseRecord("<p>1</p>");
  const ReadAll all = Read(first + "junk line\r\nmore junk\r\n" + HtmlResponseRecord("<p>2</p>"));
  ASSERT_THAT(all.problems, SizeIs(1));
  EXPECT_EQ(all.problems[0].offset, first.size());
  EXPECT_THAT(all.problems[0].reason, HasSubstr("expected a 'WARC/' version line"));
  EXPECT_THAT(all.pages, SizeIs(2));
}

TEST_F(WarcReaderTest, TruncatedRecordIsReported) {
  const std::string record = HtmlResponseRecord("<p>long enough body</p>");
  const ReadAll all = Read(HtmlResponseRecord("<p>1</p>") + record.substr(0, record.size() - 12));
  EXPECT_THAT(all.pages, SizeIs(1));
  ASSERT_THAT(all.problems, SizeIs(1));
  EXPECT_THAT(all.problems[0].reason, HasSubstr("truncated record"));
}

TEST_F(WarcReaderTest, DamagedGzipMemberIsReportedAndTheNextMemberIsRead) {
  const std::string first = Gzip(HtmlResponseRecord("<p>1</p>"));
  std::string damaged = Gzip(HtmlResponseRecord("<p>damaged body that is long enough to corrupt</p>"));
  for (size_t i = 12; i < damaged.size() - 8; ++i) damaged[i] = static_cast<char>(0xFF);
  const ReadAll all = Read(first + damaged + Gzip(HtmlResponseRecord("<p>3</p>")));
  ASSERT_THAT(all.problems, SizeIs(1));
  EXPECT_EQ(all.problems[0].offset, first.size());
  EXPECT_THAT(all.problems[0].reason, HasSubstr("gzip"));
  ASSERT_THAT(all.pages, SizeIs(2));
  EXPECT_EQ(all.pages[1].page.html, "<p>3</p>");
}

TEST_F(WarcReaderTest, OversizedRecordIsReportedAndSkipped) {
  WarcReaderOptions options;
  options.max_record_bytes = 100;
  const ReadAll all =
      Read(HtmlResponseRecord(std::string(200, 'x')) + HtmlResponseRecord("<p>small</p>"), options);
  ASSERT_THAT(all.problems, SizeIs(1));
  EXPECT_THAT(all.problems[0].reason, HasSubstr("exceeds the maximum of 100"));
  ASSERT_THAT(all.pages, SizeIs(1));
  EXPECT_EQ(all.pages[0].page.html, "<p>small</p>");
}

// Every WARC (and ARC, and deliberately malformed) file of the corpus is read to its end without
// throwing; problems are reported. Record counts match warc/MANIFEST.tsv for well-formed WARC files.
TEST(WarcReaderCorpusTest, ReadsEveryCorpusFileAndCountsRecordsAsTheManifestSays) {
  const std::filesystem::path dir = std::filesystem::path(BACKLINT_CORPUS_DIR) / "warc";
  if (!std::filesystem::exists(dir / "MANIFEST.tsv")) GTEST_SKIP() << "corpus absent: " << dir;
  std::map<std::string, std::string> manifest_types;  // file -> "metadata=261 request=261 ..."
  std::ifstream manifest(dir / "MANIFEST.tsv");
  for (std::string line; std::getline(manifest, line);) {
    std::vector<std::string> fields;
    std::istringstream stream(line);
    for (std::string field; std::getline(stream, field, '\t');) fields.push_back(field);
    if (fields.size() > 6 && fields[5].starts_with("WARC/")) manifest_types[fields[0]] = fields[6];
  }
  int files = 0;
  int counts_checked = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    const std::string name = std::filesystem::relative(entry.path(), dir).string();
    if (!entry.is_regular_file() || name.ends_with(".tsv") || name.ends_with(".tsv.gz")) continue;
    ++files;
    auto reader = WarcReader::Open(entry.path().string());
    ASSERT_TRUE(reader.ok()) << name;
    int pages = 0;
    std::vector<std::string> problems;
    while (std::optional<WarcItem> item = reader.value().Next()) {
      if (std::holds_alternative<WarcPage>(*item)) ++pages;
      if (auto* problem = std::get_if<WarcProblem>(&*item)) {
        problems.push_back("@" + std::to_string(problem->offset) + " " + problem->reason);
      }
    }
    std::string types;
    for (const auto& [type, count] : reader.value().records_by_type()) {
      types += (types.empty() ? "" : " ") + type + "=" + std::to_string(count);
    }
    std::cout << name << ": " << reader.value().records() << " records (" << types << "), " << pages
              << " HTML pages, " << problems.size() << " problems"
              << (problems.empty() ? "" : ": " + problems[0]) << std::endl;
    const bool malformed_on_purpose =
        name.find("bad") != std::string::npos || name.find("trunc") != std::string::npos ||
        name.find("wrong") != std::string::npos || name.find("clipped") != std::string::npos;
    if (manifest_types.contains(name) && !malformed_on_purpose) {
      ++counts_checked;
      EXPECT_EQ(types, manifest_types[name]) << name;
      EXPECT_THAT(problems, SizeIs(0)) << name;
    }
  }
  EXPECT_GT(files, 30);
  EXPECT_GT(counts_checked, 10);
}

TEST_F(WarcReaderTest, MissingFileFailsToOpen) {
  auto reader = WarcReader::Open("/nonexistent/file.warc");
  ASSERT_FALSE(reader.ok());
  EXPECT_THAT(reader.failure().reason, HasSubstr("/nonexistent/file.warc"));
}

// An I/O error must not pass for the end of the archive: /proc/self/mem opens, but reading at offset 0
// fails with EIO, and the rest of the archive would be lost without a word.
TEST(WarcReaderReadErrorTest, ReadErrorIsReportedAfterTheLastRecord) {
  auto reader = WarcReader::Open("/proc/self/mem");
  ASSERT_TRUE(reader) << reader.failure().reason;
  EXPECT_FALSE(reader.value().Next().has_value());
  EXPECT_EQ(reader.value().read_error(), "Input/output error");
}

// Makes the next read(2) of the descriptor open on `path` fail for real (EBADF): it is swapped for a
// write-only one. The reader's first read, in Open, takes 64 KiB; whatever lies beyond is then unreadable.
void FailReadsAfterTheFirst(const std::string& path) {
  int descriptor = -1;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code error;
    if (std::filesystem::read_symlink(entry.path(), error) == std::filesystem::path(path)) {
      descriptor = std::stoi(entry.path().filename().string());
    }
  }
  ASSERT_GE(descriptor, 0) << "no descriptor open on " << path;
  const int write_only = open("/dev/null", O_WRONLY);
  ASSERT_EQ(dup2(write_only, descriptor), descriptor);
  close(write_only);
}

constexpr size_t kFirstRead = size_t{1} << 16;

// A read error just after a gzip member ends, with only the next member's first byte read: that is the read
// error's to report, not bytes after a gzip member that are not a gzip header. The first member is sized so
// that the reader's first read ends one byte into the second.
TEST_F(WarcReaderTest, ReadErrorAtAGzipMemberBoundaryIsReportedAsTheReadError) {
  const std::string record = HtmlResponseRecord("<p>1</p>");
  const size_t unpadded = Gzip(record).size();
  const std::string first = Gzip(record, std::string(kFirstRead - 1 - unpadded - 1, 'x'));  // +1: its NUL
  ASSERT_EQ(first.size(), kFirstRead - 1);
  const std::string path = WriteFile(first + Gzip(HtmlResponseRecord("<p>2</p>")));
  auto reader = WarcReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.failure().reason;
  FailReadsAfterTheFirst(path);
  std::vector<std::string> problems;
  std::vector<std::string> pages;
  while (std::optional<WarcItem> item = reader.value().Next()) {
    if (auto* page = std::get_if<WarcPage>(&*item)) pages.push_back(page->page.html);
    if (auto* problem = std::get_if<WarcProblem>(&*item)) problems.push_back(problem->reason);
  }
  EXPECT_THAT(pages, ElementsAre("<p>1</p>"));
  EXPECT_THAT(problems, ::testing::IsEmpty());
  EXPECT_EQ(reader.value().read_error(), "Bad file descriptor");
}

// A read error inside a record loses that record: its problem names the read error, not a file too short
// for its Content-Length.
TEST_F(WarcReaderTest, ReadErrorInsideARecordNamesTheReadError) {
  const std::string path = WriteFile(HtmlResponseRecord("<p>" + std::string(kFirstRead, 'x') + "</p>"));
  auto reader = WarcReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.failure().reason;
  FailReadsAfterTheFirst(path);
  std::optional<WarcItem> item = reader.value().Next();
  ASSERT_TRUE(item.has_value());
  ASSERT_TRUE(std::holds_alternative<WarcProblem>(*item));
  EXPECT_EQ(std::get<WarcProblem>(*item).offset, 0u);
  EXPECT_EQ(std::get<WarcProblem>(*item).reason, "read error: Bad file descriptor");
  EXPECT_FALSE(reader.value().Next().has_value());
  EXPECT_EQ(reader.value().read_error(), "Bad file descriptor");
}

}  // namespace
}  // namespace backlint
