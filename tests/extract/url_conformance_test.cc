// WHATWG URL conformance of link resolution: every urltestdata.json case with an http(s) base whose
// input resolves to an http(s) URL or must fail, as a crawler's pre-extracted link on a page at the
// base. The pre-extracted path hands the href to the resolver unchanged, so this tests URL resolution
// itself rather than HTML attribute parsing.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <string>

#include "backlint/extract/link_extractor.h"

namespace backlint {
namespace {

const std::filesystem::path kTestData =
    std::filesystem::path(BACKLINT_CORPUS_DIR) / "url" / "urltestdata.json";

bool IsHttpUrl(std::string_view url) { return url.starts_with("http:") || url.starts_with("https:"); }

std::string WithoutFragment(std::string_view href) { return std::string(href.substr(0, href.find('#'))); }

TEST(UrlConformanceTest, LinksResolveAsTheWhatwgUrlStandardSays) {
  if (!std::filesystem::exists(kTestData)) GTEST_SKIP() << "corpus file absent: " << kTestData;
  auto domains = RegistrableDomains::LoadSystem();
  ASSERT_TRUE(domains.ok()) << domains.failure().reason;
  const LinkExtractor extractor(std::move(domains).value());

  simdjson::dom::parser parser;
  simdjson::dom::array cases;
  ASSERT_EQ(parser.load(kTestData.string()).get(cases), simdjson::SUCCESS);
  int run = 0;
  int passed = 0;
  std::map<std::string, int> skipped;
  for (simdjson::dom::element entry : cases) {
    if (!entry.is_object()) continue;  // comments
    std::string_view input;
    std::string_view base;
    if (entry["input"].get(input) != simdjson::SUCCESS) {
      ++skipped["no input"];
      continue;
    }
    if (entry["base"].get(base) != simdjson::SUCCESS) {
      ++skipped["null base"];
      continue;
    }
    if (!IsHttpUrl(base)) {
      ++skipped["non-http(s) base"];
      continue;
    }
    const bool failure = entry["failure"].is_bool() && entry["failure"].get_bool().value_unsafe();
    std::string_view href;
    if (!failure && (entry["href"].get(href) != simdjson::SUCCESS || !IsHttpUrl(href))) {
      ++skipped["resolves to another scheme"];
      continue;
    }
    ++run;
    CrawledPage page;
    page.url = std::string(base);
    page.links.push_back({std::string(input), "x", ""});
    auto extracted = extractor.Extract(page);
    const std::string description = "input '" + std::string(input) + "' base '" + std::string(base) + "'";
    if (!extracted.ok()) {
      ADD_FAILURE() << description << ": page rejected: " << extracted.failure().reason;
      continue;
    }
    const std::vector<Link>& links = extracted.value().links;
    if (failure) {
      EXPECT_TRUE(links.empty()) << description << ": expected failure, got " << links.front().url;
      passed += links.empty() ? 1 : 0;
      continue;
    }
    const std::string expected = WithoutFragment(href);
    if (links.size() == 1 && links.front().url == expected) {
      ++passed;
    } else {
      ADD_FAILURE() << description << ": expected " << expected << ", got "
                    << (links.empty() ? std::string("no link") : links.front().url);
    }
  }
  std::cout << "URL conformance: " << passed << "/" << run << " eligible cases passed; skipped:";
  for (const auto& [reason, count] : skipped) std::cout << " " << reason << "=" << count;
  std::cout << std::endl;
  EXPECT_GT(run, 0);
}

}  // namespace
}  // namespace backlint
