#include "url_parts.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>

namespace backlint {
namespace {

// The definitions written plainly.
std::string_view PlainPathOf(std::string_view url) {
  const size_t scheme = url.find("://");
  const size_t path = url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
  if (path == std::string_view::npos) return {};
  url.remove_prefix(path);
  return url.substr(0, url.find_first_of("?#"));
}

std::string_view PlainHostLabels(std::string_view host, std::string_view registrable_domain) {
  const size_t dot = registrable_domain.find('.');
  if (dot != std::string_view::npos && host.ends_with(registrable_domain.substr(dot))) {
    host.remove_suffix(registrable_domain.size() - dot);
  }
  return host;
}

// Random text over `letters`, up to `max_size` bytes, sometimes after `prefix`.
std::string RandomText(std::mt19937& random, std::string_view letters, size_t max_size, std::string_view prefix = "") {
  std::string text = random() % 2 == 0 ? std::string(prefix) : std::string();
  for (size_t size = random() % (max_size + 1); size > 0; --size) text += letters[random() % letters.size()];
  return text;
}

TEST(UrlPartsTest, PathsOfTypicalUrls) {
  EXPECT_EQ(PathOf("https://www.example.com/hiking/alps?ref=1#top"), "/hiking/alps");
  EXPECT_EQ(PathOf("https://www.example.com"), "");
  EXPECT_EQ(PathOf("https://www.example.com/"), "/");
  EXPECT_EQ(PathOf("https://www.example.com?a=/b"), "/b");
  EXPECT_EQ(PathOf("mailto:someone@example.com/x"), "/x");
  EXPECT_EQ(PathOf("http://a.co/b"), "/b");
}

// Every length around the 16-byte loads' ends, "://" anywhere or nowhere, and slashes, '?' and '#' in
// every order.
TEST(UrlPartsTest, PathOfAgreesWithThePlainDefinitionOnRandomUrls) {
  std::mt19937 random(20261201);
  for (int round = 0; round < 200000; ++round) {
    const std::string url = RandomText(random, "::///?#ab", 2 + random() % 100, random() % 2 == 0 ? "https://" : "http://");
    const std::string_view path = PathOf(url), expected = PlainPathOf(url);
    ASSERT_EQ(path, expected) << url;
    // The same bytes of the URL, not only equal ones.
    if (!expected.empty()) {
      ASSERT_EQ(path.data(), expected.data()) << url;
    }
  }
}

TEST(UrlPartsTest, HostLabelsOfTypicalHosts) {
  Link link;
  link.host = "shop.cheap-flights.co.uk";
  link.registrable_domain = "cheap-flights.co.uk";
  EXPECT_EQ(HostLabels(link), "shop.cheap-flights");
  link.host = link.registrable_domain = "192.168.1.1";
  EXPECT_EQ(HostLabels(link), "192");
  link.host = link.registrable_domain = "localhost";
  EXPECT_EQ(HostLabels(link), "localhost");
}

// Domains of every length around the eight- and four-byte loads, suffixes longer and shorter than eight
// bytes, and hosts that end with the suffix or nearly.
TEST(UrlPartsTest, HostLabelsAgreeWithThePlainDefinitionOnRandomHosts) {
  std::mt19937 random(20261201);
  for (int round = 0; round < 200000; ++round) {
    Link link;
    link.registrable_domain = RandomText(random, "..abc", 1 + random() % 40);
    link.host = RandomText(random, ".ab", random() % 12) +
                (random() % 4 == 0 ? RandomText(random, ".ab", 12) : link.registrable_domain);
    if (random() % 4 == 0 && !link.host.empty()) link.host[random() % link.host.size()] = 'c';
    ASSERT_EQ(HostLabels(link), PlainHostLabels(link.host, link.registrable_domain))
        << link.host << " " << link.registrable_domain;
  }
}

}  // namespace
}  // namespace backlint
