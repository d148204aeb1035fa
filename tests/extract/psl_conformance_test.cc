// Public Suffix List conformance of registrable domains: psl/tests.txt against the pinned list, with
// each input turned into a host the way the extractor does it (ada's host parser: lower-case, IDNA to
// punycode). RegistrableDomains::Of returns the host itself when it has no registrable domain, so a
// `null` expectation means "the host".
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

#include "backlint/extract/link_extractor.h"

namespace backlint {
namespace {

const std::filesystem::path kPslDir = std::filesystem::path(BACKLINT_CORPUS_DIR) / "psl";

// The host and registrable domain the extractor gives a page on `domain`; nullopt when it rejects it.
std::optional<PageFacts> FactsOfPageOn(const LinkExtractor& extractor, const std::string& domain) {
  CrawledPage page;
  page.url = "http://" + domain + "/";
  auto extracted = extractor.Extract(page);
  if (!extracted.ok()) return std::nullopt;
  return extracted.value().page;
}

TEST(PslConformanceTest, RegistrableDomainsMatchTheOfficialTests) {
  const std::filesystem::path tests = kPslDir / "tests.txt";
  const std::filesystem::path list = kPslDir / "public_suffix_list.dat";
  if (!std::filesystem::exists(tests) || !std::filesystem::exists(list)) {
    GTEST_SKIP() << "corpus files absent: " << tests << ", " << list;
  }
  auto domains = RegistrableDomains::LoadFile(list.string());
  ASSERT_TRUE(domains.ok()) << domains.failure().reason;
  const LinkExtractor extractor(std::move(domains).value());

  std::ifstream file(tests);
  int run = 0;
  int passed = 0;
  int skipped_null_input = 0;
  for (std::string line; std::getline(file, line);) {
    std::istringstream columns(line);
    std::string input;
    std::string expected;
    if (line.starts_with("//") || !(columns >> input >> expected)) continue;
    if (input == "null") {  // a missing domain is not something a URL can carry
      ++skipped_null_input;
      continue;
    }
    ++run;
    const std::optional<PageFacts> facts = FactsOfPageOn(extractor, input);
    if (!facts) {
      ADD_FAILURE() << input << ": not a valid URL host for the extractor";
      continue;
    }
    std::string expected_domain = facts->host;
    if (expected != "null") {
      const std::optional<PageFacts> expected_facts = FactsOfPageOn(extractor, expected);
      ASSERT_TRUE(expected_facts) << expected;
      expected_domain = expected_facts->host;  // punycode, as the extractor's hosts are
    }
    EXPECT_EQ(facts->registrable_domain, expected_domain)
        << "input " << input << " (host " << facts->host << ")";
    passed += facts->registrable_domain == expected_domain ? 1 : 0;
  }
  std::cout << "PSL conformance: " << passed << "/" << run
            << " cases passed; skipped: null input=" << skipped_null_input << std::endl;
  EXPECT_GT(run, 0);
}

}  // namespace
}  // namespace backlint
