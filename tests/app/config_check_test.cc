#include "backlint/app/config_check.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace backlint {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

TEST(IsSecretPropertyTest, CredentialsAreSecretAndAddressesAndNamesAreNot) {
  for (const char* name : {"sasl.password", "ssl.key.password", "ssl.keystore.password", "ssl.truststore.password",
                           "sasl.oauthbearer.client.secret", "sasl.oauthbearer.config", "ssl.key.pem", "ssl_key",
                           "sasl.jaas.config", "api.token"}) {
    EXPECT_TRUE(IsSecretProperty(name)) << name;
  }
  for (const char* name : {"bootstrap.servers", "sasl.username", "sasl.mechanism", "security.protocol",
                           "ssl.ca.location", "ssl.certificate.location", "group.id", "client.id"}) {
    EXPECT_FALSE(IsSecretProperty(name)) << name;
  }
}

class ConfigCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = (std::filesystem::path(::testing::TempDir()) / (std::string("config_check_") + info->name() + ".yaml"))
                .string();
  }
  void TearDown() override { std::filesystem::remove(path_); }

  const std::string& Write(const std::string& yaml) {
    std::ofstream(path_, std::ios::binary | std::ios::trunc) << yaml;
    return path_;
  }

  int Check(const std::string& yaml, const Environment& environment = {}) {
    out_.str("");
    err_.str("");
    return CheckConfig(Write(yaml), environment, out_, err_);
  }

  std::string path_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(ConfigCheckTest, ValidConfigurationPrintsTheEffectiveOneWithSecretsMasked) {
  const int status = Check(
      "input_topic: pages\n"
      "kafka:\n"
      "  bootstrap.servers: broker:9093\n"
      "  security.protocol: SASL_SSL\n"
      "  sasl.username: backlint\n"
      "  sasl.password: hunter2\n",
      {{"BACKLINT_KAFKA_SSL_KEY_PASSWORD", "env-secret-42"}, {"BACKLINT_OUTPUT_TOPIC", "scored"}});
  ASSERT_EQ(status, 0) << err_.str();
  EXPECT_THAT(err_.str(), IsEmpty());
  const std::string out = out_.str();
  EXPECT_THAT(out, StartsWith("# " + path_ + " is valid."));
  EXPECT_THAT(out, AllOf(HasSubstr("input_topic: pages\n"), HasSubstr("output_topic: scored\n"),
                         HasSubstr("    sasl.username: backlint\n"), HasSubstr("    group.id: backlint\n"),
                         HasSubstr("    sasl.password: \"********\"\n"),
                         HasSubstr("    ssl.key.password: \"********\"\n"),
                         HasSubstr("# rules: unset, so the built-in rule set"),
                         HasSubstr("Rule set 'backlint-default'")));
  EXPECT_THAT(out, Not(HasSubstr("hunter2")));
  EXPECT_THAT(out, Not(HasSubstr("env-secret-42")));
}

TEST_F(ConfigCheckTest, EffectiveConfigurationLoadsBackToTheSameSettings) {
  auto original = LoadAppConfig(Write(
      "input_format: wat\noutput_format: json\nmetrics_listen: 127.0.0.1:9999\nshutdown_timeout_ms: 1234\n"
      "delivery: exactly_once\nworkers: 3\n"
      "extract:\n  subdomains_are_internal: false\n  limits: {max_links: 7}\n"
      "  watch: {domains: [example.com], brands: [Example Corp], only_watched: true}\n"
      "kafka:\n  linger.ms: 5\n  consumer: {group.id: g}\n"));
  ASSERT_TRUE(original.ok()) << original.failure().reason;
  auto reloaded = LoadAppConfig(Write(EffectiveConfigYaml(original.value())));
  ASSERT_TRUE(reloaded.ok()) << reloaded.failure().reason << "\n" << EffectiveConfigYaml(original.value());
  const AppConfig& a = original.value();
  const AppConfig& b = reloaded.value();
  EXPECT_EQ(b.input_format, a.input_format);
  EXPECT_EQ(b.output_format, a.output_format);
  EXPECT_EQ(b.metrics_listen, a.metrics_listen);
  EXPECT_EQ(b.rules_path, a.rules_path);
  EXPECT_EQ(b.publish.input_topic, a.publish.input_topic);
  EXPECT_EQ(b.publish.shutdown_timeout, a.publish.shutdown_timeout);
  EXPECT_EQ(b.publish.commit_interval, a.publish.commit_interval);
  EXPECT_EQ(b.publish.delivery, a.publish.delivery);
  EXPECT_EQ(b.workers, a.workers);
  EXPECT_EQ(b.publish.consumer_properties, a.publish.consumer_properties);
  EXPECT_EQ(b.publish.producer_properties, a.publish.producer_properties);
  EXPECT_EQ(b.extract.subdomains_are_internal, a.extract.subdomains_are_internal);
  EXPECT_EQ(b.extract.max_links, a.extract.max_links);
  EXPECT_EQ(b.extract.max_page_bytes, a.extract.max_page_bytes);
  EXPECT_EQ(b.extract.watch_domains, a.extract.watch_domains);
  EXPECT_EQ(b.extract.watch_brands, a.extract.watch_brands);
  EXPECT_EQ(b.extract.only_watched, a.extract.only_watched);
}

TEST(EffectiveConfigYamlTest, PrintsEverySettingTheExampleConfigurationDocuments) {
  // The example lists every setting; one missing here would be hidden from `config check` users.
  const YAML::Node example = YAML::LoadFile(BACKLINT_SOURCE_DIR "/deploy/backlint.example.yaml");
  AppConfig config;
  config.rules_path = "/etc/backlint/rules.yaml";  // the example leaves it commented out
  const YAML::Node effective = YAML::Load(EffectiveConfigYaml(config));
  std::vector<std::string> missing;
  for (const auto& setting : example) {
    if (!effective[setting.first.as<std::string>()]) missing.push_back(setting.first.as<std::string>());
  }
  EXPECT_THAT(missing, IsEmpty());
  EXPECT_TRUE(effective["rules"]);
}

TEST_F(ConfigCheckTest, InvalidSettingFailsWithFileLineAndPrintsNothing) {
  EXPECT_EQ(Check("input_topic: a\ncommit_interval_ms: soon\n"), 2);
  EXPECT_THAT(err_.str(), StartsWith(path_ + ":2:"));
  EXPECT_THAT(out_.str(), IsEmpty());
}

TEST_F(ConfigCheckTest, MissingRuleFileFails) {
  EXPECT_EQ(Check("rules: /nonexistent/rules.yaml\n"), 2);
  EXPECT_THAT(err_.str(), HasSubstr("/nonexistent/rules.yaml"));
  EXPECT_THAT(out_.str(), IsEmpty());
}

TEST_F(ConfigCheckTest, PropertyLibrdkafkaRejectsFailsNamingItWithoutLeakingSecrets) {
  EXPECT_EQ(Check("kafka:\n  sasl.password: hunter2\n  producer:\n    linger.ms: later\n"), 2);
  EXPECT_THAT(err_.str(), AllOf(StartsWith(path_ + ":4:5: "), HasSubstr("'linger.ms'")));
  EXPECT_THAT(err_.str(), Not(HasSubstr("hunter2")));
  EXPECT_EQ(Check("kafka:\n  no.such.property: 1\n"), 2);
  EXPECT_THAT(err_.str(), HasSubstr("no.such.property"));
}

TEST_F(ConfigCheckTest, BadEnvironmentVariableFailsNamingIt) {
  EXPECT_EQ(Check("input_topic: a\n", {{"BACKLINT_INPUT_TOPICS", "b"}}), 2);
  EXPECT_THAT(err_.str(), StartsWith("environment variable BACKLINT_INPUT_TOPICS: "));
}

}  // namespace
}  // namespace backlint
