// The example configuration shipped in deploy/ must stay loadable and mean what its comments say.
#include <gtest/gtest.h>

#include "backlint/app/app_config.h"

namespace backlint {
namespace {

TEST(ExampleConfigTest, ShippedExampleLoadsWithTheValuesItDocuments) {
  auto config = LoadAppConfig(BACKLINT_SOURCE_DIR "/deploy/backlint.example.yaml");
  ASSERT_TRUE(config.ok()) << config.failure().reason;
  EXPECT_EQ(config.value().publish.input_topic, "crawled-pages");
  EXPECT_EQ(config.value().publish.dead_letter_topic, "backlinks-dead-letters");
  EXPECT_EQ(config.value().publish.mention_topic, "backlink-mentions");
  EXPECT_EQ(config.value().input_format, InputFormat::kJson);
  EXPECT_EQ(config.value().output_format, EventFormat::kProtobuf);
  EXPECT_EQ(config.value().rules_reload_interval, std::chrono::milliseconds(5000));
  EXPECT_EQ(config.value().health_timeout, std::chrono::milliseconds(60000));
  EXPECT_EQ(config.value().publish.delivery, DeliveryGuarantee::kAtLeastOnce);
  EXPECT_EQ(config.value().publish.consumer_properties.at("bootstrap.servers"), "localhost:9092");
  EXPECT_EQ(config.value().publish.producer_properties.at("bootstrap.servers"), "localhost:9092");
  EXPECT_EQ(config.value().publish.consumer_properties.at("group.id"), "backlint");
  EXPECT_EQ(config.value().publish.producer_properties.at("compression.type"), "zstd");
  EXPECT_EQ(config.value().publish.consumer_properties.count("compression.type"), 0u);
  const LinkExtractor::Options defaults;
  const LinkExtractor::Options& extract = config.value().extract;
  EXPECT_EQ(extract.subdomains_are_internal, defaults.subdomains_are_internal);
  EXPECT_EQ(extract.max_page_bytes, defaults.max_page_bytes);
  EXPECT_EQ(extract.max_links, defaults.max_links);
  EXPECT_EQ(extract.max_depth, defaults.max_depth);
  EXPECT_EQ(extract.max_anchor_chars, defaults.max_anchor_chars);
  EXPECT_TRUE(extract.watch_domains.empty());
  EXPECT_TRUE(extract.watch_brands.empty());
  EXPECT_EQ(extract.only_watched, defaults.only_watched);
}

}  // namespace
}  // namespace backlint
