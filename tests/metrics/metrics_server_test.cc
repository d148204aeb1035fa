#include "backlint/metrics/metrics_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <atomic>
#include <memory>
#include <string>
#include <utility>

#include "http_get.h"

namespace backlint {
namespace {

using ::testing::ContainsRegex;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::HttpGet;

// One server for the suite: civetweb takes up to two seconds to stop (its accept loop's poll interval).
class MetricsServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    registry_ = std::make_shared<prometheus::Registry>();
    prometheus::BuildCounter().Name("test_requests_total").Help("Requests.").Register(*registry_).Add({}).Increment(3);
    auto server = MetricsServer::Start(
        "127.0.0.1:0", registry_, [] { return ready_.load(); }, [] { return alive_.load(); });
    ASSERT_TRUE(server.ok()) << server.failure().reason;
    server_ = std::move(server).value();
  }
  static void TearDownTestSuite() {
    server_.reset();
    registry_.reset();
  }
  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(server_->port(), 0);
    ready_ = false;
    alive_ = true;
  }

  static std::string Get(const std::string& path) { return HttpGet(server_->port(), path); }

  static inline std::shared_ptr<prometheus::Registry> registry_;
  static inline std::atomic<bool> ready_{false};
  static inline std::atomic<bool> alive_{true};
  static inline std::unique_ptr<MetricsServer> server_;
};

TEST_F(MetricsServerTest, MetricsServesTheRegistryInPrometheusTextFormat) {
  const std::string response = Get("/metrics");
  EXPECT_THAT(response, ContainsRegex("^HTTP/1\\.1 200 OK\r\n"));
  EXPECT_THAT(response, HasSubstr("Content-Type: text/plain; version=0.0.4"));
  EXPECT_THAT(response, HasSubstr("# TYPE test_requests_total counter\ntest_requests_total 3\n"));
}

TEST_F(MetricsServerTest, HealthzAnswersOkWhileTheProcessServes) {
  const std::string response = Get("/healthz");
  EXPECT_THAT(response, ContainsRegex("^HTTP/1\\.1 200 OK\r\n"));
  EXPECT_THAT(response, EndsWith("\r\n\r\nok\n"));
}

// A hung loop leaves the HTTP threads serving; only the liveness function tells the probe to restart.
TEST_F(MetricsServerTest, HealthzFailsWhileTheLivenessFunctionSaysTheLoopIsStuck) {
  alive_ = false;
  const std::string stuck = Get("/healthz");
  EXPECT_THAT(stuck, ContainsRegex("^HTTP/1\\.1 503 Service Unavailable\r\n"));
  EXPECT_THAT(stuck, EndsWith("\r\n\r\nthe consumer loop is stuck\n"));
  alive_ = true;
  EXPECT_THAT(Get("/healthz"), ContainsRegex("^HTTP/1\\.1 200 OK\r\n"));
}

TEST_F(MetricsServerTest, ReadyzFollowsTheReadinessFunctionOnEachRequest) {
  EXPECT_THAT(Get("/readyz"), ContainsRegex("^HTTP/1\\.1 503 Service Unavailable\r\n"));
  ready_ = true;
  const std::string ready = Get("/readyz");
  EXPECT_THAT(ready, ContainsRegex("^HTTP/1\\.1 200 OK\r\n"));
  EXPECT_THAT(ready, EndsWith("\r\n\r\nready\n"));
  ready_ = false;
  EXPECT_THAT(Get("/readyz"), ContainsRegex("^HTTP/1\\.1 503 "));
}

TEST_F(MetricsServerTest, OtherPathsAreNotFound) {
  EXPECT_THAT(Get("/"), ContainsRegex("^HTTP/1\\.1 404 "));
  EXPECT_THAT(Get("/metricsz"), ContainsRegex("^HTTP/1\\.1 404 "));
  EXPECT_THAT(Get("/secret.txt"), Not(HasSubstr("test_requests_total")));
}

TEST(MetricsServerStartTest, InvalidListenAddressFailsInMetricsStage) {
  auto server = MetricsServer::Start("256.1.1.1:1", std::make_shared<prometheus::Registry>(), [] { return true; });
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.failure().stage, "metrics");
  EXPECT_THAT(server.failure().reason, HasSubstr("'256.1.1.1:1'"));
}

TEST(CheckListenAddressTest, AcceptsHostAndPortOrAPortAlone) {
  for (const char* listen : {"0.0.0.0:9464", "127.0.0.1:0", "[::]:9464", "localhost:65535", "9464"}) {
    EXPECT_TRUE(CheckListenAddress(listen).ok()) << listen;
  }
}

TEST(CheckListenAddressTest, RejectsWhatCivetwebCannotListenOnWithAMessageSayingWhy) {
  for (const char* listen : {"nonsense", ":9464", "0.0.0.0:", "0.0.0.0:99999", "0.0.0.0:94a4", ""}) {
    auto checked = CheckListenAddress(listen);
    ASSERT_FALSE(checked.ok()) << listen;
    EXPECT_EQ(checked.failure().reason, "expected host:port with a port from 0 to 65535");
  }
}

TEST(MetricsServerStartTest, BusyPortFails) {
  auto registry = std::make_shared<prometheus::Registry>();
  auto first = MetricsServer::Start("127.0.0.1:0", registry, [] { return true; });
  ASSERT_TRUE(first.ok()) << first.failure().reason;
  const std::string taken = "127.0.0.1:" + std::to_string(first.value()->port());
  auto second = MetricsServer::Start(taken, registry, [] { return true; });
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.failure().stage, "metrics");
}

}  // namespace
}  // namespace backlint
