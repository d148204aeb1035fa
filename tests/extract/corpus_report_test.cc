// Report of links, backlinks, regions and hidden links per real page (../shared/corpus/pages), printed
// one line a page, with sanity checks on the totals.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "backlint/extract/link_extractor.h"

namespace backlint {
namespace {

constexpr Region kRegions[] = {Region::kContent,  Region::kNavigation, Region::kHeader,  Region::kFooter,
                               Region::kSidebar,  Region::kComments,   Region::kRelated, Region::kSponsored};
using RegionCounts = std::array<int, std::size(kRegions)>;

std::string FormatCounts(const RegionCounts& counts) {
  std::string out;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    out += (i == 0 ? "" : " ") + std::string(ToString(kRegions[i])) + "=" + std::to_string(counts[i]);
  }
  return out;
}

TEST(CorpusReportTest, LinksBacklinksRegionsAndHiddenPerPage) {
  const std::filesystem::path directory = BACKLINT_CORPUS_DIR "/pages";
  if (!std::filesystem::is_directory(directory)) GTEST_SKIP() << "corpus pages not found at " << directory;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    if (entry.path().extension() == ".html") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());

  Result<RegistrableDomains> domains = RegistrableDomains::LoadSystem();
  ASSERT_TRUE(domains.ok()) << domains.failure().reason;
  const LinkExtractor extractor(std::move(domains).value());
  RegionCounts total_regions{}, pages_with_region{};
  int total_links = 0, total_backlinks = 0, total_hidden = 0;
  std::chrono::steady_clock::duration extracting{};
  std::size_t bytes = 0;
  for (const std::filesystem::path& file : files) {
    std::ostringstream html;
    html << std::ifstream(file, std::ios::binary).rdbuf();
    CrawledPage page;
    page.url = "http://fakehost/test/page.html";
    page.html = html.str();
    bytes += page.html.size();
    const auto start = std::chrono::steady_clock::now();
    Result<ExtractedPage> result = extractor.Extract(page);
    extracting += std::chrono::steady_clock::now() - start;
    ASSERT_TRUE(result.ok()) << file << ": " << result.failure().reason;
    const ExtractedPage& extracted = result.value();

    RegionCounts regions{};
    int hidden = 0;
    for (const Link& link : extracted.links) {
      ++regions[static_cast<std::size_t>(std::find(std::begin(kRegions), std::end(kRegions), link.region) -
                                         std::begin(kRegions))];
      hidden += link.hidden ? 1 : 0;
    }
    for (std::size_t i = 0; i < regions.size(); ++i) {
      total_regions[i] += regions[i];
      pages_with_region[i] += regions[i] > 0 ? 1 : 0;
    }
    total_links += static_cast<int>(extracted.links.size());
    total_backlinks += extracted.page.outbound_links;
    total_hidden += hidden;
    std::printf("%s links=%zu backlinks=%d %s hidden=%d\n", file.filename().c_str(), extracted.links.size(),
                extracted.page.outbound_links, FormatCounts(regions).c_str(), hidden);
  }
  const double seconds = std::chrono::duration<double>(extracting).count();
  std::printf("TOTAL pages=%zu links=%d backlinks=%d %s hidden=%d\n", files.size(), total_links, total_backlinks,
              FormatCounts(total_regions).c_str(), total_hidden);
  std::printf("PAGES WITH REGION %s\n", FormatCounts(pages_with_region).c_str());
  std::printf("TIME %.3f s for %zu bytes (%.1f MB/s)\n", seconds, bytes, static_cast<double>(bytes) / 1e6 / seconds);

  EXPECT_GT(total_links, 10000);
  EXPECT_GT(total_backlinks, 5000);
  // Real pages have navigation, sidebars and comment sections, and most links are visible.
  for (Region region : {Region::kNavigation, Region::kSidebar, Region::kComments, Region::kFooter}) {
    const auto i = static_cast<std::size_t>(std::find(std::begin(kRegions), std::end(kRegions), region) -
                                            std::begin(kRegions));
    EXPECT_GT(pages_with_region[i], 0) << ToString(region);
  }
  EXPECT_LT(total_hidden, total_links / 2);
}

}  // namespace
}  // namespace backlint
