#include "backlint/app/app_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>

namespace backlint {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Pair;
using ::testing::StartsWith;

class AppConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ =
        (std::filesystem::path(::testing::TempDir()) / (std::string("app_config_") + info->name() + ".yaml"))
            .string();
  }
  void TearDown() override { std::filesystem::remove(path_); }

  // Writes `yaml` to this test's own config file and returns its path.
  const std::string& Write(const std::string& yaml) {
    std::ofstream(path_, std::ios::binary | std::ios::trunc) << yaml;
    return path_;
  }

  AppConfig LoadOk(const std::string& yaml) {
    Result<AppConfig> config = LoadAppConfig(Write(yaml));
    EXPECT_TRUE(config.ok()) << config.failure().reason;
    return config.ok() ? std::move(config).value() : AppConfig{};
  }

  // The failure reason for loading `yaml`; the stage must be "config".
  std::string LoadError(const std::string& yaml) {
    Result<AppConfig> config = LoadAppConfig(Write(yaml));
    if (config.ok()) return "<loaded>";
    EXPECT_EQ(config.failure().stage, "config");
    return config.failure().reason;
  }

  // "path:line:col: " for this test's file.
  std::string At(int line, int column) const {
    return path_ + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
  }

  std::string path_;
};

TEST_F(AppConfigTest, FullFileMapsEverySetting) {
  const AppConfig config = LoadOk(R"(
input_topic: pages-in
output_topic: links-out
mention_topic: mentions-out
dead_letter_topic: links-dlq
rules: /etc/backlint/rules.yaml
rules_reload_interval_ms: 1500
metrics_listen: 127.0.0.1:9999
health_timeout_ms: 90000
output_format: json
commit_interval_ms: 250
shutdown_timeout_ms: 3000
kafka:
  bootstrap.servers: broker:9092
  enable.idempotence: true
  consumer:
    group.id: backlint-prod
  producer:
    linger.ms: 5
)");
  EXPECT_EQ(config.publish.input_topic, "pages-in");
  EXPECT_EQ(config.publish.output_topic, "links-out");
  EXPECT_EQ(config.publish.mention_topic, "mentions-out");
  EXPECT_EQ(config.publish.dead_letter_topic, "links-dlq");
  EXPECT_EQ(config.rules_path, "/etc/backlint/rules.yaml");
  EXPECT_EQ(config.rules_reload_interval, std::chrono::milliseconds(1500));
  EXPECT_EQ(config.metrics_listen, "127.0.0.1:9999");
  EXPECT_EQ(config.health_timeout, std::chrono::milliseconds(90000));
  EXPECT_EQ(config.output_format, EventFormat::kJson);
  EXPECT_EQ(config.publish.commit_interval, std::chrono::milliseconds(250));
  EXPECT_EQ(config.publish.shutdown_timeout, std::chrono::milliseconds(3000));
  EXPECT_THAT(config.publish.consumer_properties,
              ElementsAre(Pair("bootstrap.servers", "broker:9092"), Pair("enable.idempotence", "true"),
                          Pair("group.id", "backlint-prod")));
  EXPECT_THAT(config.publish.producer_properties,
              ElementsAre(Pair("bootstrap.servers", "broker:9092"), Pair("enable.idempotence", "true"),
                          Pair("linger.ms", "5")));
}

TEST_F(AppConfigTest, OutputFormatProtobufIsAccepted) {
  EXPECT_EQ(LoadOk("output_format: protobuf\n").output_format, EventFormat::kProtobuf);
}

TEST_F(AppConfigTest, EmptyFileGivesDefaults) {
  const AppConfig config = LoadOk("");
  const AppConfig defaults;
  EXPECT_EQ(config.publish.input_topic, "crawled-pages");
  EXPECT_EQ(config.publish.output_topic, "backlinks");
  EXPECT_EQ(config.publish.dead_letter_topic, "backlinks-dead-letters");
  EXPECT_EQ(config.rules_path, "");
  EXPECT_EQ(config.rules_reload_interval, std::chrono::milliseconds(5000));
  EXPECT_EQ(config.output_format, EventFormat::kProtobuf);
  EXPECT_EQ(config.metrics_listen, "0.0.0.0:9464");
  EXPECT_EQ(config.publish.commit_interval, defaults.publish.commit_interval);
  EXPECT_EQ(config.publish.shutdown_timeout, defaults.publish.shutdown_timeout);
  EXPECT_THAT(config.publish.consumer_properties, IsEmpty());
  EXPECT_THAT(config.publish.producer_properties, IsEmpty());
}

TEST_F(AppConfigTest, CommentOnlyFileGivesDefaults) {
  EXPECT_EQ(LoadOk("# nothing configured yet\n").publish.input_topic, "crawled-pages");
}

TEST_F(AppConfigTest, SettingsNotInTheFileKeepTheirDefaults) {
  const AppConfig config = LoadOk("output_topic: only-this\n");
  EXPECT_EQ(config.publish.output_topic, "only-this");
  EXPECT_EQ(config.publish.input_topic, "crawled-pages");
  EXPECT_EQ(config.metrics_listen, "0.0.0.0:9464");
}

TEST_F(AppConfigTest, UnknownSettingIsReportedAtItsKeyWithTheKnownNames) {
  const std::string reason = LoadError("input_topic: a\noutput_topic: b\n  \n  # c\nimput_topic: typo\n");
  EXPECT_EQ(reason, At(5, 1) +
                        "unknown setting 'imput_topic' (known: commit_interval_ms, dead_letter_topic, "
                        "delivery, extract, health_timeout_ms, input_format, input_topic, kafka, "
                        "mention_topic, metrics_listen, "
                        "output_format, output_topic, rules, rules_reload_interval_ms, shutdown_timeout_ms, workers)");
}

TEST_F(AppConfigTest, SettingWrittenTwiceIsRejectedAtItsSecondKey) {
  EXPECT_EQ(LoadError("output_topic: a\ninput_topic: b\noutput_topic: c\n"),
            At(3, 1) + "setting 'output_topic' appears twice");
}

TEST_F(AppConfigTest, UnknownSettingColumnFollowsIndentationOfAFlowMap) {
  EXPECT_THAT(LoadError("{rules: r.yaml, colour: blue}\n"),
              StartsWith(At(1, 17) + "unknown setting 'colour'"));
}

TEST_F(AppConfigTest, MapWhereAScalarIsExpectedNamesTheKey) {
  EXPECT_THAT(LoadError("output_topic:\n  name: x\n"),
              AllOf(StartsWith(path_ + ":2:"), HasSubstr("'output_topic' must be a single value")));
}

TEST_F(AppConfigTest, ListWhereAKafkaPropertyIsExpectedNamesTheFullKey) {
  EXPECT_THAT(LoadError("kafka:\n  consumer:\n    group.id: [a, b]\n"),
              AllOf(StartsWith(At(3, 15)), HasSubstr("'kafka.consumer.group.id' must be a single value")));
  EXPECT_THAT(LoadError("kafka:\n  bootstrap.servers: {a: b}\n"),
              HasSubstr("'kafka.bootstrap.servers' must be a single value"));
}

TEST_F(AppConfigTest, KafkaSectionMustBeAMap) {
  EXPECT_THAT(LoadError("kafka: broker:9092\n"),
              AllOf(StartsWith(At(1, 8)), HasSubstr("'kafka' must be a map")));
  EXPECT_THAT(LoadError("kafka:\n  producer: fast\n"), HasSubstr("'kafka.producer' must be a map"));
}

// README promises file:line for every configuration error; librdkafka's refusal named only the property.
TEST_F(AppConfigTest, PropertyLibrdkafkaRejectsIsReportedAtItsKey) {
  EXPECT_THAT(LoadError("kafka:\n  consumer:\n    no.such.prop: 1\n"),
              AllOf(StartsWith(At(3, 5)), HasSubstr("kafka property 'no.such.prop': ")));
  EXPECT_THAT(LoadError("kafka:\n  linger.ms: 5\n  acks: sometimes\n"),
              AllOf(StartsWith(At(3, 3)), HasSubstr("kafka property 'acks': ")));
}

TEST_F(AppConfigTest, NonPositiveOrNonNumericMillisecondsAreRejected) {
  for (const std::string value : {"0", "-5", "1.5", "soon", "99999999999"}) {
    EXPECT_EQ(LoadError("commit_interval_ms: " + value + "\n"),
              At(1, 21) + "'commit_interval_ms' must be a positive number of milliseconds")
        << value;
  }
  EXPECT_THAT(LoadError("shutdown_timeout_ms: -1\n"),
              HasSubstr("'shutdown_timeout_ms' must be a positive number of milliseconds"));
  EXPECT_THAT(LoadError("shutdown_timeout_ms: [1]\n"),
              HasSubstr("'shutdown_timeout_ms' must be a positive number of milliseconds"));
}

// /healthz fails when the Kafka loop has not turned for health_timeout_ms; a rebalance's flush (and, exactly
// once, ending a transaction) legitimately holds the loop that long, so a lower bound is refused at its key.
TEST_F(AppConfigTest, HealthTimeoutBelowTheLoopsLongestWaitIsRejectedAtItsKey) {
  EXPECT_EQ(LoadError("shutdown_timeout_ms: 20000\nhealth_timeout_ms: 15000\n"),
            At(2, 20) + "'health_timeout_ms' must be at least 20000, the longest the Kafka loop waits by design: "
                        "shutdown_timeout_ms (20000) for a rebalance's flush; below it /healthz would fail a "
                        "working loop");
  EXPECT_EQ(LoadError("health_timeout_ms: 60000\ndelivery: exactly_once\n"),
            At(1, 20) + "'health_timeout_ms' must be at least 100000, the longest the Kafka loop waits by design: "
                        "shutdown_timeout_ms (10000) for a rebalance's flush, plus 90000 to end an exactly-once "
                        "transaction; below it /healthz would fail a working loop");
  EXPECT_EQ(LoadOk("shutdown_timeout_ms: 20000\nhealth_timeout_ms: 20000\n").health_timeout,
            std::chrono::milliseconds(20000));
}

TEST_F(AppConfigTest, HealthTimeoutDefaultsTo60SecondsOrTheLoopsLongestWait) {
  EXPECT_EQ(LoadOk("").health_timeout, std::chrono::milliseconds(60000));
  EXPECT_EQ(LoadOk("shutdown_timeout_ms: 75000\n").health_timeout, std::chrono::milliseconds(75000));
  EXPECT_EQ(LoadOk("delivery: exactly_once\n").health_timeout, std::chrono::milliseconds(100000));
}

TEST_F(AppConfigTest, InputFormatIsJsonUnlessSet) {
  EXPECT_EQ(LoadOk("").input_format, InputFormat::kJson);
  EXPECT_EQ(LoadOk("input_format: protobuf\n").input_format, InputFormat::kProtobuf);
  EXPECT_EQ(LoadOk("input_format: wat\n").input_format, InputFormat::kWat);
}

TEST_F(AppConfigTest, UnknownInputFormatNamesTheValue) {
  EXPECT_EQ(LoadError("\ninput_format: xml\n"),
            At(2, 15) + "unknown input format 'xml' (expected json, protobuf or wat)");
}

TEST_F(AppConfigTest, UnknownOutputFormatNamesTheValue) {
  EXPECT_THAT(LoadError("\noutput_format: avro\n"), AllOf(StartsWith(At(2, 16)), HasSubstr("'avro'")));
}

TEST_F(AppConfigTest, DeliveryIsAtLeastOnceUnlessSet) {
  EXPECT_EQ(LoadOk("input_topic: a\n").publish.delivery, DeliveryGuarantee::kAtLeastOnce);
  EXPECT_EQ(LoadOk("delivery: exactly_once\n").publish.delivery, DeliveryGuarantee::kExactlyOnce);
}

TEST_F(AppConfigTest, UnknownDeliveryGuaranteeNamesTheValueAndTheChoices) {
  EXPECT_EQ(LoadError("\ndelivery: at_most_once\n"),
            At(2, 11) + "unknown delivery guarantee 'at_most_once' (expected at_least_once or exactly_once)");
}

TEST_F(AppConfigTest, WorkersArePositiveAndDefaultToOnePerCore) {
  EXPECT_EQ(LoadOk("input_topic: a\n").workers, 0u);
  EXPECT_EQ(LoadOk("workers: 3\n").workers, 3u);
  EXPECT_EQ(LoadError("\nworkers: 0\n"), At(2, 10) + "'workers' must be a positive number of worker threads");
}

TEST_F(AppConfigTest, TopLevelMustBeAMap) {
  EXPECT_THAT(LoadError("- input_topic\n"), StartsWith(path_ + ":1:1: "));
}

TEST_F(AppConfigTest, YamlSyntaxErrorGivesPathLineAndColumn) {
  const std::string reason = LoadError("input_topic: a\nkafka: {bootstrap.servers: b\n");
  EXPECT_THAT(reason, StartsWith(path_ + ":"));
  // The unclosed flow map is reported on a line of its own, past the file name.
  EXPECT_THAT(reason.substr(path_.size()), ::testing::MatchesRegex(":[23]:[0-9]+: .+"));
}

TEST_F(AppConfigTest, ExtractSectionMapsEveryOption) {
  const AppConfig config = LoadOk(R"(
extract:
  subdomains_are_internal: false
  limits: {max_page_bytes: 1024, max_links: 50, max_depth: 64, max_anchor_chars: 80}
  watch:
    domains: [example.com, example.org]
    brands: [Acme]
    only_watched: true
)");
  const LinkExtractor::Options& extract = config.extract;
  EXPECT_FALSE(extract.subdomains_are_internal);
  EXPECT_EQ(extract.max_page_bytes, 1024u);
  EXPECT_EQ(extract.max_links, 50u);
  EXPECT_EQ(extract.max_depth, 64u);
  EXPECT_EQ(extract.max_anchor_chars, 80u);
  EXPECT_THAT(extract.watch_domains, ElementsAre("example.com", "example.org"));
  EXPECT_THAT(extract.watch_brands, ElementsAre("Acme"));
  EXPECT_TRUE(extract.only_watched);
}

TEST_F(AppConfigTest, ExtractOptionsNotInTheFileKeepTheirDefaults) {
  const AppConfig config = LoadOk("extract:\n  limits: {max_links: 7}\n");
  const LinkExtractor::Options defaults;
  EXPECT_EQ(config.extract.max_links, 7u);
  EXPECT_EQ(config.extract.max_page_bytes, defaults.max_page_bytes);
  EXPECT_EQ(config.extract.subdomains_are_internal, defaults.subdomains_are_internal);
  EXPECT_THAT(config.extract.watch_domains, IsEmpty());
}

TEST_F(AppConfigTest, UnknownExtractKeyIsReportedWithItsFullNameAndTheKnownNames) {
  EXPECT_EQ(LoadError("extract:\n  limits:\n    max_bytes: 5\n"),
            At(3, 5) + "unknown setting 'extract.limits.max_bytes' (known: max_anchor_chars, max_depth, "
                       "max_links, max_page_bytes)");
  EXPECT_THAT(LoadError("extract:\n  watch_list: []\n"),
              StartsWith(At(2, 3) + "unknown setting 'extract.watch_list'"));
}

TEST_F(AppConfigTest, ExtractLimitsMustBePositiveIntegers) {
  for (const std::string value : {"0", "-1", "1.5", "many", "[1]"}) {
    EXPECT_EQ(LoadError("extract:\n  limits:\n    max_depth: " + value + "\n"),
              At(3, 16) + "'extract.limits.max_depth' must be a positive integer")
        << value;
  }
}

TEST_F(AppConfigTest, ExtractFlagsMustBeBooleans) {
  EXPECT_EQ(LoadError("extract:\n  subdomains_are_internal: sometimes\n"),
            At(2, 28) + "'extract.subdomains_are_internal' must be true or false");
}

TEST_F(AppConfigTest, WatchListsMustBeListsOfNonEmptyNames) {
  EXPECT_EQ(LoadError("extract:\n  watch:\n    domains: example.com\n"),
            At(3, 14) + "'extract.watch.domains' must be a list of names");
  EXPECT_EQ(LoadError("extract:\n  watch:\n    brands: [Acme, '']\n"),
            At(3, 20) + "'extract.watch.brands' entries must be non-empty names");
}

// Otherwise `config check` called the file valid and `run` then failed to start on it.
TEST_F(AppConfigTest, MetricsListenMustBeHostAndPort) {
  EXPECT_EQ(LoadError("metrics_listen: nonsense\n"),
            At(1, 17) + "'metrics_listen': expected host:port with a port from 0 to 65535");
  EXPECT_EQ(LoadError("metrics_listen: 0.0.0.0:99999\n"),
            At(1, 17) + "'metrics_listen': expected host:port with a port from 0 to 65535");
  auto variable = LoadAppConfig("", {{"BACKLINT_METRICS_LISTEN", "s3cret"}});
  ASSERT_FALSE(variable.ok());
  EXPECT_EQ(variable.failure().reason, "environment variable BACKLINT_METRICS_LISTEN: 'metrics_listen': expected "
                                       "host:port with a port from 0 to 65535");
}

TEST_F(AppConfigTest, ExtractSectionsMustBeMaps) {
  EXPECT_EQ(LoadError("extract: true\n"), At(1, 10) + "'extract' must be a map");
  EXPECT_EQ(LoadError("extract:\n  watch: [example.com]\n"), At(2, 10) + "'extract.watch' must be a map");
}

TEST(AppConfigFileTest, MissingFileNamesThePath) {
  const std::string path = ::testing::TempDir() + "/backlint-no-such-config.yaml";
  Result<AppConfig> config = LoadAppConfig(path);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.failure().stage, "config");
  EXPECT_THAT(config.failure().reason, StartsWith(path + ": "));
}

// A directory opens like a file and reads as nothing: taken as an empty file, `config check` called it valid.
TEST(AppConfigFileTest, DirectoryIsRefusedNotReadAsAnEmptyConfiguration) {
  Result<AppConfig> config = LoadAppConfig(::testing::TempDir());
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.failure().reason, ::testing::TempDir() + ": cannot read the configuration file: Is a directory");
}

TEST(ApplyKafkaPropertyTest, PlainNameGoesToBothClients) {
  AppConfig config;
  ASSERT_TRUE(ApplyKafkaProperty(config, "bootstrap.servers=a:1,b:2").ok());
  EXPECT_THAT(config.publish.consumer_properties, ElementsAre(Pair("bootstrap.servers", "a:1,b:2")));
  EXPECT_THAT(config.publish.producer_properties, ElementsAre(Pair("bootstrap.servers", "a:1,b:2")));
}

TEST(ApplyKafkaPropertyTest, ValueMayContainEqualsSignsAndBeEmpty) {
  AppConfig config;
  ASSERT_TRUE(ApplyKafkaProperty(config, "sasl.jaas.config=user=x").ok());
  ASSERT_TRUE(ApplyKafkaProperty(config, "client.id=").ok());
  EXPECT_THAT(config.publish.consumer_properties,
              ElementsAre(Pair("client.id", ""), Pair("sasl.jaas.config", "user=x")));
}

TEST(ApplyKafkaPropertyTest, ConsumerPrefixGoesToTheConsumerOnly) {
  AppConfig config;
  ASSERT_TRUE(ApplyKafkaProperty(config, "consumer.group.id=g").ok());
  EXPECT_THAT(config.publish.consumer_properties, ElementsAre(Pair("group.id", "g")));
  EXPECT_THAT(config.publish.producer_properties, IsEmpty());
}

TEST(ApplyKafkaPropertyTest, ProducerPrefixGoesToTheProducerOnly) {
  AppConfig config;
  ASSERT_TRUE(ApplyKafkaProperty(config, "producer.linger.ms=10").ok());
  EXPECT_THAT(config.publish.producer_properties, ElementsAre(Pair("linger.ms", "10")));
  EXPECT_THAT(config.publish.consumer_properties, IsEmpty());
}

TEST(ApplyKafkaPropertyTest, OverridesAValueFromTheFile) {
  AppConfig config;
  config.publish.consumer_properties["group.id"] = "from-file";
  ASSERT_TRUE(ApplyKafkaProperty(config, "consumer.group.id=from-flag").ok());
  EXPECT_THAT(config.publish.consumer_properties, ElementsAre(Pair("group.id", "from-flag")));
}

TEST(ApplyKafkaPropertyTest, AssignmentWithoutNameOrValueIsRejectedNamingOnlyTheName) {
  // The value may be a secret: the error quotes the part before '=' and never what follows.
  for (const auto& [assignment, name] : {std::pair{"novalue", "novalue"}, std::pair{"=s3cret", ""},
                                         std::pair{"", ""}, std::pair{"consumer.=s3cret", "consumer."},
                                         std::pair{"producer.=s3cret", "producer."}}) {
    AppConfig config;
    Result<bool> applied = ApplyKafkaProperty(config, assignment);
    ASSERT_FALSE(applied.ok()) << assignment;
    EXPECT_EQ(applied.failure().stage, "config");
    EXPECT_THAT(applied.failure().reason, HasSubstr("'" + std::string(name) + "'"));
    EXPECT_THAT(applied.failure().reason, Not(HasSubstr("s3cret")));
    EXPECT_THAT(config.publish.consumer_properties, IsEmpty());
    EXPECT_THAT(config.publish.producer_properties, IsEmpty());
  }
}

TEST_F(AppConfigTest, EnvironmentOverridesTopLevelSettingsAfterTheFile) {
  const std::string& path = Write("input_topic: from-file\noutput_topic: kept\ncommit_interval_ms: 900\n");
  auto config = LoadAppConfig(path, {{"BACKLINT_INPUT_TOPIC", "from-env"},
                                     {"BACKLINT_COMMIT_INTERVAL_MS", "250"},
                                     {"BACKLINT_OUTPUT_FORMAT", "json"},
                                     {"BACKLINT_RULES", "/etc/backlint/rules.yaml"}});
  ASSERT_TRUE(config.ok()) << config.failure().reason;
  EXPECT_EQ(config.value().publish.input_topic, "from-env");
  EXPECT_EQ(config.value().publish.output_topic, "kept");
  EXPECT_EQ(config.value().publish.commit_interval, std::chrono::milliseconds(250));
  EXPECT_EQ(config.value().output_format, EventFormat::kJson);
  EXPECT_EQ(config.value().rules_path, "/etc/backlint/rules.yaml");
}

TEST(AppConfigEnvironmentTest, AppliesWithoutAFileAndIgnoresOtherVariables) {
  auto config = LoadAppConfig("", {{"PATH", "/usr/bin"}, {"BACKLINTX", "1"}, {"backlint_input_topic", "lower"},
                                   {"BACKLINT_METRICS_LISTEN", "127.0.0.1:9000"}});
  ASSERT_TRUE(config.ok()) << config.failure().reason;
  EXPECT_EQ(config.value().metrics_listen, "127.0.0.1:9000");
  EXPECT_EQ(config.value().publish.input_topic, AppConfig{}.publish.input_topic);
}

TEST(AppConfigEnvironmentTest, KafkaVariablesSetPropertiesForBothClientsOrOne) {
  auto config = LoadAppConfig("", {{"BACKLINT_KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9092"},
                                   {"BACKLINT_KAFKA_SASL_PASSWORD", "s3cret"},
                                   {"BACKLINT_KAFKA_CONSUMER_GROUP_ID", "crawl-scoring"},
                                   {"BACKLINT_KAFKA_PRODUCER_LINGER_MS", "20"}});
  ASSERT_TRUE(config.ok()) << config.failure().reason;
  EXPECT_THAT(config.value().publish.consumer_properties,
              ElementsAre(Pair("bootstrap.servers", "k1:9092,k2:9092"), Pair("group.id", "crawl-scoring"),
                          Pair("sasl.password", "s3cret")));
  EXPECT_THAT(config.value().publish.producer_properties,
              ElementsAre(Pair("bootstrap.servers", "k1:9092,k2:9092"), Pair("linger.ms", "20"),
                          Pair("sasl.password", "s3cret")));
}

TEST(AppConfigEnvironmentTest, UnknownVariablesAndSectionsAreRejectedByName) {
  for (const std::string name : {"BACKLINT_INPUT_TOPICS", "BACKLINT_KAFKA", "BACKLINT_EXTRACT"}) {
    auto config = LoadAppConfig("", {{name, "x"}});
    ASSERT_FALSE(config.ok()) << name;
    EXPECT_EQ(config.failure().stage, "config");
    EXPECT_THAT(config.failure().reason,
                AllOf(StartsWith("environment variable " + name + ": not a setting"),
                      HasSubstr("BACKLINT_INPUT_TOPIC,"), HasSubstr("BACKLINT_KAFKA_<PROPERTY>")));
  }
}

// Kubernetes gives each pod variables for every Service of its namespace; deploy/kubernetes' Service is
// named backlint, and one for Kafka may well be named backlint-kafka.
TEST(AppConfigEnvironmentTest, KubernetesServiceVariablesAreNotSettings) {
  auto config = LoadAppConfig("", {{"BACKLINT_SERVICE_HOST", "10.0.0.7"},
                                   {"BACKLINT_SERVICE_PORT", "9464"},
                                   {"BACKLINT_SERVICE_PORT_METRICS", "9464"},
                                   {"BACKLINT_PORT", "tcp://10.0.0.7:9464"},
                                   {"BACKLINT_PORT_9464_TCP", "tcp://10.0.0.7:9464"},
                                   {"BACKLINT_PORT_9464_TCP_PROTO", "tcp"},
                                   {"BACKLINT_PORT_9464_TCP_PORT", "9464"},
                                   {"BACKLINT_PORT_9464_TCP_ADDR", "10.0.0.7"},
                                   {"BACKLINT_KAFKA_SERVICE_HOST", "10.0.0.8"},
                                   {"BACKLINT_KAFKA_PORT_9092_TCP_ADDR", "10.0.0.8"}});
  ASSERT_TRUE(config.ok()) << config.failure().reason;
  EXPECT_THAT(config.value().publish.consumer_properties, IsEmpty());
  // Without the Service's own _SERVICE_HOST, a variable that looks like one is still a typo.
  auto typo = LoadAppConfig("", {{"BACKLINT_METRICS_PORT", "9464"}});
  ASSERT_FALSE(typo.ok());
  EXPECT_THAT(typo.failure().reason, StartsWith("environment variable BACKLINT_METRICS_PORT: not a setting"));
}

TEST(AppConfigEnvironmentTest, BadValuesNameTheVariableAndTheSettingButNotTheValue) {
  auto interval = LoadAppConfig("", {{"BACKLINT_SHUTDOWN_TIMEOUT_MS", "-5"}});
  ASSERT_FALSE(interval.ok());
  EXPECT_EQ(interval.failure().reason,
            "environment variable BACKLINT_SHUTDOWN_TIMEOUT_MS: 'shutdown_timeout_ms' must be a positive number "
            "of milliseconds");
  auto health = LoadAppConfig("", {{"BACKLINT_HEALTH_TIMEOUT_MS", "500"}});
  ASSERT_FALSE(health.ok());
  EXPECT_THAT(health.failure().reason,
              StartsWith("environment variable BACKLINT_HEALTH_TIMEOUT_MS: 'health_timeout_ms' must be at least "
                         "10000, "));
  auto property = LoadAppConfig("", {{"BACKLINT_KAFKA_CONSUMER_", "s3cret"}});
  ASSERT_FALSE(property.ok());
  EXPECT_THAT(property.failure().reason, StartsWith("environment variable BACKLINT_KAFKA_CONSUMER_: "));
  EXPECT_THAT(property.failure().reason, Not(HasSubstr("s3cret")));
}

TEST(ApplyRunDefaultsTest, GroupIdDefaultsToBacklintUnlessSet) {
  AppConfig unset;
  ApplyRunDefaults(unset);
  EXPECT_THAT(unset.publish.consumer_properties, ElementsAre(Pair("group.id", "backlint")));
  EXPECT_THAT(unset.publish.producer_properties, IsEmpty());
  AppConfig set;
  set.publish.consumer_properties["group.id"] = "mine";
  ApplyRunDefaults(set);
  EXPECT_THAT(set.publish.consumer_properties, ElementsAre(Pair("group.id", "mine")));
}

}  // namespace
}  // namespace backlint
