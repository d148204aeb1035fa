#include "backlint/extract/registrable_domains.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace backlint {
namespace {

class RegistrableDomainsTest : public ::testing::Test {
 protected:
  static RegistrableDomains Load() {
    Result<RegistrableDomains> domains = RegistrableDomains::LoadSystem();
    EXPECT_TRUE(domains.ok()) << (domains.ok() ? "" : domains.failure().reason);
    return std::move(domains).value();
  }
  RegistrableDomains domains_ = Load();
};

TEST_F(RegistrableDomainsTest, MultiLabelPublicSuffixKeepsOneLabelMore) {
  EXPECT_EQ(domains_.Of("www.example.co.uk"), "example.co.uk");
  EXPECT_EQ(domains_.Of("a.b.example.com"), "example.com");
  EXPECT_EQ(domains_.Of("example.com"), "example.com");
}

TEST_F(RegistrableDomainsTest, PrivateSuffixesMakeEachUserASite) {
  EXPECT_EQ(domains_.Of("user.github.io"), "user.github.io");
  EXPECT_EQ(domains_.Of("www.user.github.io"), "user.github.io");
  EXPECT_EQ(domains_.Of("alice.blogspot.com"), "alice.blogspot.com");
  EXPECT_NE(domains_.Of("alice.blogspot.com"), domains_.Of("bob.blogspot.com"));
}

TEST_F(RegistrableDomainsTest, BarePublicSuffixIsItsOwnSite) {
  EXPECT_EQ(domains_.Of("co.uk"), "co.uk");
  EXPECT_EQ(domains_.Of("github.io"), "github.io");
  EXPECT_EQ(domains_.Of("com"), "com");
}

TEST_F(RegistrableDomainsTest, IpLiteralsAreReturnedWhole) {
  // libpsl alone would call 192.168.0.1's registrable domain "0.1".
  EXPECT_EQ(domains_.Of("192.168.0.1"), "192.168.0.1");
  EXPECT_NE(domains_.Of("10.0.0.1"), domains_.Of("192.168.0.1"));
  EXPECT_EQ(domains_.Of("[2001:db8::1]"), "[2001:db8::1]");
}

TEST_F(RegistrableDomainsTest, TrailingDotNamesTheSameSite) {
  EXPECT_EQ(domains_.Of("www.example.co.uk."), "example.co.uk");
  EXPECT_EQ(domains_.Of("example.com."), "example.com");
}

TEST_F(RegistrableDomainsTest, PunycodeHosts) {
  EXPECT_EQ(domains_.Of("www.xn--mnchen-3ya.de"), "xn--mnchen-3ya.de");
}

// Answers are remembered; the memo is shared by copies and threads, and forgetting it when full (more
// distinct hosts than kMemoHosts) changes no answer.
TEST_F(RegistrableDomainsTest, RememberedAnswersStayRightAcrossCopiesThreadsAndAFullMemo) {
  const auto check = [](const RegistrableDomains& domains, int thread) {
    for (std::size_t i = 0; i < RegistrableDomains::kMemoHosts / 2 + 100; ++i) {
      const std::string site = "s" + std::to_string(i % 3000) + (i % 2 == 0 ? ".co.uk" : ".github.io");
      const std::string host = "h" + std::to_string(thread) + "-" + std::to_string(i) + "." + site;
      ASSERT_EQ(domains.Of(host), site) << host;
      ASSERT_EQ(domains.Of(host), site) << host << " (remembered)";
      ASSERT_EQ(domains.Of("www.example.co.uk"), "example.co.uk");
    }
  };
  std::vector<std::thread> threads;
  for (int thread = 0; thread < 4; ++thread) {
    threads.emplace_back(check, RegistrableDomains(domains_), thread);  // a copy each, one memo
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(domains_.Of("192.168.0.1"), "192.168.0.1");
  EXPECT_EQ(domains_.Of("co.uk"), "co.uk");
}

TEST(RegistrableDomainsLoadFileTest, LoadsAPinnedList) {
  const std::string pinned = BACKLINT_CORPUS_DIR "/psl/public_suffix_list.dat";
  if (!std::filesystem::exists(pinned)) GTEST_SKIP() << "corpus PSL not found at " << pinned;
  Result<RegistrableDomains> domains = RegistrableDomains::LoadFile(pinned);
  ASSERT_TRUE(domains.ok()) << domains.failure().reason;
  EXPECT_EQ(domains.value().Of("shop.example.com.au"), "example.com.au");
  EXPECT_EQ(domains.value().Of("user.github.io"), "user.github.io");
}

TEST(RegistrableDomainsLoadFileTest, MissingFileIsAFailureNamingIt) {
  Result<RegistrableDomains> missing = RegistrableDomains::LoadFile("/nonexistent/list.dat");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.failure().stage, "extract");
  EXPECT_NE(missing.failure().reason.find("/nonexistent/list.dat"), std::string::npos);
}

}  // namespace
}  // namespace backlint
