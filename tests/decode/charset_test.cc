#include "backlint/decode/charset.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "backlint/decode/json_page_decoder.h"

namespace backlint {
namespace {

using ::testing::Eq;
using ::testing::Optional;

const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

TEST(CharsetTest, Windows1252BytesWithHttpCharset) {
  // "Café – “quoted”" in windows-1252: é E9, en dash 96, curly quotes 93/94 (not Latin-1 there).
  const std::string html = "<p>Caf\xE9 \x96 \x93quoted\x94</p>";
  EXPECT_EQ(SniffHtmlEncoding(html, "text/html; charset=windows-1252"), "windows-1252");
  EXPECT_EQ(HtmlToUtf8(html, "text/html; charset=windows-1252"),
            "<p>Caf\xC3\xA9 \xE2\x80\x93 \xE2\x80\x9Cquoted\xE2\x80\x9D</p>");
  // Labels are matched as the Encoding Standard says: ISO-8859-1 is windows-1252, quotes are allowed.
  EXPECT_EQ(SniffHtmlEncoding(html, "text/html;charset=\"ISO-8859-1\""), "windows-1252");
}

TEST(CharsetTest, ShiftJisByMetaCharset) {
  // 日本語 in Shift_JIS.
  const std::string html =
      "<html><head><meta charset=\"Shift_JIS\"></head><body>\x93\xFA\x96\x7B\x8C\xEA</body>";
  EXPECT_EQ(SniffHtmlEncoding(html, "text/html"), "Shift_JIS");
  EXPECT_EQ(
      HtmlToUtf8(html, "text/html"),
      "<html><head><meta charset=\"Shift_JIS\"></head><body>\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E</body>");
}

TEST(CharsetTest, MetaHttpEquivContentType) {
  const std::string html = "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-2\">\xB1";
  EXPECT_EQ(SniffHtmlEncoding(html, ""), "ISO-8859-2");
  EXPECT_EQ(HtmlToUtf8(html, "").substr(html.size() - 1), "\xC4\x85");  // ą
}

TEST(CharsetTest, Utf8BomIsDroppedAndWinsOverDeclarations) {
  const std::string html = "\xEF\xBB\xBF<meta charset=windows-1252><p>caf\xC3\xA9</p>";
  EXPECT_EQ(SniffHtmlEncoding(html, "text/html; charset=iso-8859-5"), "UTF-8");
  EXPECT_EQ(HtmlToUtf8(html, "text/html; charset=iso-8859-5"),
            "<meta charset=windows-1252><p>caf\xC3\xA9</p>");
}

TEST(CharsetTest, Utf16LeBom) {
  // "<p>é" and U+1EE00, a surrogate pair.
  const char bytes[] = "\xFF\xFE<\0p\0>\0\xE9\0\x3B\xD8\x00\xDE";
  const std::string html(bytes, sizeof(bytes) - 1);
  EXPECT_EQ(SniffHtmlEncoding(html, "text/html; charset=utf-8"), "UTF-16LE");
  EXPECT_EQ(HtmlToUtf8(html, ""), "<p>\xC3\xA9\xF0\x9E\xB8\x80");
}

TEST(CharsetTest, HttpCharsetWinsOverMeta) {
  const std::string html = "<meta charset=\"iso-8859-7\"><p>\xE9</p>";
  EXPECT_EQ(SniffHtmlEncoding(html, "text/html; charset=windows-1252"), "windows-1252");
  EXPECT_EQ(HtmlToUtf8(html, "text/html; charset=windows-1252"),
            "<meta charset=\"iso-8859-7\"><p>\xC3\xA9</p>");
  EXPECT_EQ(HtmlToUtf8(html, "text/html"), "<meta charset=\"iso-8859-7\"><p>\xCE\xB9</p>");  // ι without HTTP
}

TEST(CharsetTest, UnknownHttpCharsetFallsBackToMeta) {
  EXPECT_EQ(SniffHtmlEncoding("<meta charset=koi8-r>", "text/html; charset=no-such-charset"), "KOI8-R");
}

TEST(CharsetTest, UndeclaredDefaultsToUtf8) {
  EXPECT_EQ(SniffHtmlEncoding("<p>caf\xC3\xA9</p>", ""), "UTF-8");
  EXPECT_EQ(HtmlToUtf8("<p>caf\xC3\xA9</p>", ""), "<p>caf\xC3\xA9</p>");
}

TEST(CharsetTest, InvalidUtf8BecomesReplacementCharacters) {
  // A lone continuation byte, a truncated sequence, an overlong encoding and a cut-off sequence at the end.
  EXPECT_EQ(
      HtmlToUtf8("a\x80"
                 "b\xC3(c\xC0\xAF"
                 "d\xE2\x82",
                 "text/html; charset=utf-8"),
      "a" + kReplacement + "b" + kReplacement + "(c" + kReplacement + kReplacement + "d" + kReplacement);
}

TEST(CharsetTest, LongInputCrossesDecodeBatches) {
  std::string html;
  std::string expected;
  for (int i = 0; i < 10000; ++i) {
    html += "\xE9x";
    expected += "\xC3\xA9x";
  }
  EXPECT_EQ(HtmlToUtf8(html, "text/html; charset=windows-1252"), expected);
}

TEST(CharsetTest, MetaFarBeyondTheHeadIsIgnored) {
  EXPECT_THAT(PrescanMetaEncoding(std::string(2000, ' ') + "<meta charset=shift_jis>"),
              Optional(Eq("Shift_JIS")));
  EXPECT_EQ(PrescanMetaEncoding(std::string(100000, ' ') + "<meta charset=shift_jis>"), std::nullopt);
  EXPECT_THAT(PrescanMetaEncoding("<!-- x --><meta charset=euc-jp>"), Optional(Eq("EUC-JP")));
}

TEST(CharsetTest, HttpContentTypeFallsBackToTheHeader) {
  CrawledPage page;
  page.headers = {{"Server", "nginx"}, {"content-type", "text/html; charset=Shift_JIS"}};
  EXPECT_EQ(HttpContentType(page), "text/html; charset=Shift_JIS");
  page.content_type = "text/html; charset=utf-8";
  EXPECT_EQ(HttpContentType(page), "text/html; charset=utf-8");
}

TEST(CharsetTest, JsonHtmlBase64IsConvertedFromTheHeaderCharset) {
  JsonPageDecoder decoder;
  // "<p>Caf\xE9</p>" in base64, charset given only by the Content-Type header, after html_base64.
  Result<CrawledPage> page =
      decoder.Decode(R"({"url": "https://example.com/", "html_base64": "PHA+Q2Fm6TwvcD4=", "status": 200,)"
                     R"( "headers": {"Content-Type": "text/html; charset=windows-1252"}})");
  ASSERT_TRUE(page.ok()) << page.failure().reason;
  EXPECT_EQ(page.value().html, "<p>Caf\xC3\xA9</p>");
}

TEST(CharsetTest, JsonInvalidUtf8HtmlKeepsTheOtherFields) {
  JsonPageDecoder decoder;
  // "<a>\xFF\xFE</a>": invalid UTF-8, and no declaration.
  Result<CrawledPage> page = decoder.Decode(
      R"({"url": "https://example.com/p", "fetched_at": "2024-05-01T00:00:00Z", "status": 200,)"
      R"( "html_base64": "PGE+//48L2E+", "links": [{"href": "https://a.example/"}], "metadata": {"k": "v"}})");
  ASSERT_TRUE(page.ok()) << page.failure().reason;
  EXPECT_EQ(page.value().html, "<a>" + kReplacement + kReplacement + "</a>");
  EXPECT_EQ(page.value().url, "https://example.com/p");
  EXPECT_EQ(page.value().fetched_at, "2024-05-01T00:00:00Z");
  EXPECT_EQ(page.value().status, 200);
  ASSERT_EQ(page.value().links.size(), 1u);
  EXPECT_EQ(page.value().links[0].href, "https://a.example/");
  EXPECT_EQ(page.value().metadata_json, R"({"k": "v"})");
}

TEST(CharsetTest, JsonHtmlTextIsNotDecodedAgain) {
  JsonPageDecoder decoder;
  // JSON text is Unicode already; decoding "é" (C3 A9) as windows-1252 would turn it into "Ã©".
  Result<CrawledPage> page =
      decoder.Decode(R"({"url": "https://example.com/", "content_type": "text/html; charset=windows-1252",)"
                     R"( "html": "<meta charset=windows-1252>caf\u00e9"})");
  ASSERT_TRUE(page.ok()) << page.failure().reason;
  EXPECT_EQ(page.value().html, "<meta charset=windows-1252>caf\xC3\xA9");
}

// One html5lib encoding test: the bytes and the encoding a browser picks for them.
struct Html5libCase {
  std::string file;
  std::string data;
  std::string encoding;
};

std::vector<Html5libCase> ReadHtml5libCases(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<Html5libCase> cases;
  std::string line;
  enum { kNone, kData, kEncoding } section = kNone;
  while (std::getline(in, line)) {
    if (line == "#data") {
      cases.push_back({path.filename().string(), "", ""});
      section = kData;
    } else if (line == "#encoding") {
      section = kEncoding;
    } else if (section == kData) {
      cases.back().data += (cases.back().data.empty() ? "" : "\n") + line;
    } else if (section == kEncoding && !line.empty()) {
      cases.back().encoding = line;
      section = kNone;
    }
  }
  return cases;
}

bool SameEncodingName(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](unsigned char x, unsigned char y) { return std::tolower(x) == std::tolower(y); });
}

// The html5lib tests check the byte order mark and the prescan; they expect windows-1252, their
// harness's default, when neither finds an encoding.
TEST(CharsetTest, Html5libEncodingPrescanCases) {
  const std::filesystem::path dir = BACKLINT_CORPUS_DIR "/html5lib/encoding";
  std::vector<Html5libCase> cases;
  for (const char* file : {"tests1.dat", "tests2.dat"}) {
    if (!std::filesystem::exists(dir / file))
      GTEST_SKIP() << "html5lib encoding tests absent: " << dir / file;
    std::vector<Html5libCase> file_cases = ReadHtml5libCases(dir / file);
    cases.insert(cases.end(), file_cases.begin(), file_cases.end());
  }
  ASSERT_FALSE(cases.empty());
  int passed = 0;
  for (const Html5libCase& test : cases) {
    const std::string_view sniffed = test.data.starts_with("\xEF\xBB\xBF")
                                         ? SniffHtmlEncoding(test.data, "")
                                         : PrescanMetaEncoding(test.data).value_or("windows-1252");
    if (SameEncodingName(sniffed, test.encoding)) {
      ++passed;
    } else {
      ADD_FAILURE() << test.file << ": expected " << test.encoding << ", got " << sniffed << " for:\n"
                    << test.data;
    }
  }
  std::cout << "html5lib encoding prescan: " << passed << "/" << cases.size() << " cases pass\n";
}

TEST(CharsetTest, ConvertsInPlace) {
  struct Case {
    std::string html, content_type, utf8;
  };
  const std::vector<Case> cases = {
      {"<p>caf\xC3\xA9</p>", "", "<p>caf\xC3\xA9</p>"},  // UTF-8 already: kept
      // A byte order mark outranks the HTTP charset, and is dropped.
      {"\xEF\xBB\xBF<p>caf\xC3\xA9</p>", "text/html; charset=windows-1252", "<p>caf\xC3\xA9</p>"},
      {"<p>Caf\xE9</p>", "text/html; charset=windows-1252", "<p>Caf\xC3\xA9</p>"},
      {"<meta charset=\"iso-8859-7\"><p>\xE9</p>", "", "<meta charset=\"iso-8859-7\"><p>\xCE\xB9</p>"},
      {"a\x80\xC3", "", "a" + kReplacement + kReplacement},
  };
  for (const Case& test : cases) {
    std::string html = test.html;
    ConvertHtmlToUtf8(html, test.content_type);
    EXPECT_EQ(html, test.utf8) << test.html;
  }
}

}  // namespace
}  // namespace backlint
