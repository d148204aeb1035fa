#include "backlint/app/config_check.h"

#include <initializer_list>
#include <ostream>
#include <utility>

#include <yaml-cpp/yaml.h>

#include "backlint/pipeline/processor_setup.h"
#include "backlint/publish/kafka_client.h"

namespace backlint {
namespace {

// Parts of librdkafka property names that hold credentials (sasl.password, ssl.key.password,
// ssl.keystore.password, sasl.oauthbearer.client.secret, sasl.oauthbearer.config, ssl.key.pem, ...).
constexpr std::string_view kSecretNameParts[] = {"password", "secret", "token", "credential",
                                                 "oauthbearer.config", "jaas", "ssl.key.pem", "ssl_key"};

// The name under which `parse` gives back `format`: the parsers stay the one source of format names.
template <typename Format, typename Parse>
std::string FormatName(Format format, Parse parse, std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    auto parsed = parse(name);
    if (parsed && parsed.value() == format) return std::string(name);
  }
  return "unknown";
}

void EmitProperties(YAML::Emitter& out, const KafkaProperties& properties) {
  out << YAML::BeginMap;
  for (const auto& [name, value] : properties) {
    out << YAML::Key << name << YAML::Value << (IsSecretProperty(name) ? std::string(kMaskedSecret) : value);
  }
  out << YAML::EndMap;
}

}  // namespace

bool IsSecretProperty(std::string_view name) {
  for (std::string_view part : kSecretNameParts) {
    if (name.find(part) != std::string_view::npos) return true;
  }
  return false;
}

std::string EffectiveConfigYaml(const AppConfig& config) {
  const LinkExtractor::Options& extract = config.extract;
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "input_topic" << YAML::Value << config.publish.input_topic;
  out << YAML::Key << "output_topic" << YAML::Value << config.publish.output_topic;
  out << YAML::Key << "mention_topic" << YAML::Value << config.publish.mention_topic;
  out << YAML::Key << "dead_letter_topic" << YAML::Value << config.publish.dead_letter_topic;
  out << YAML::Key << "input_format" << YAML::Value
      << FormatName(config.input_format, ParseInputFormat, {"json", "protobuf", "wat"});
  out << YAML::Key << "output_format" << YAML::Value
      << FormatName(config.output_format, ParseEventFormat, {"protobuf", "json"});
  if (config.rules_path.empty()) {
    out << YAML::Newline << YAML::Comment("rules: unset, so the built-in rule set");
  } else {
    out << YAML::Key << "rules" << YAML::Value << config.rules_path;
  }
  out << YAML::Key << "rules_reload_interval_ms" << YAML::Value << config.rules_reload_interval.count();
  out << YAML::Key << "metrics_listen" << YAML::Value << config.metrics_listen;
  out << YAML::Key << "health_timeout_ms" << YAML::Value << config.health_timeout.count();
  out << YAML::Key << "commit_interval_ms" << YAML::Value << config.publish.commit_interval.count();
  out << YAML::Key << "shutdown_timeout_ms" << YAML::Value << config.publish.shutdown_timeout.count();
  out << YAML::Key << "delivery" << YAML::Value
      << FormatName(config.publish.delivery, ParseDeliveryGuarantee, {"at_least_once", "exactly_once"});
  if (config.workers == 0) {
    out << YAML::Newline << YAML::Comment("workers: unset, so one per core");
  } else {
    out << YAML::Key << "workers" << YAML::Value << config.workers;
  }
  out << YAML::Key << "extract" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "subdomains_are_internal" << YAML::Value << extract.subdomains_are_internal;
  out << YAML::Key << "limits" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "max_page_bytes" << YAML::Value << extract.max_page_bytes;
  out << YAML::Key << "max_links" << YAML::Value << extract.max_links;
  out << YAML::Key << "max_depth" << YAML::Value << extract.max_depth;
  out << YAML::Key << "max_anchor_chars" << YAML::Value << extract.max_anchor_chars;
  out << YAML::EndMap;
  out << YAML::Key << "watch" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "domains" << YAML::Value << YAML::Flow << extract.watch_domains;
  out << YAML::Key << "brands" << YAML::Value << YAML::Flow << extract.watch_brands;
  out << YAML::Key << "only_watched" << YAML::Value << extract.only_watched;
  out << YAML::EndMap << YAML::EndMap;
  out << YAML::Key << "kafka" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "consumer" << YAML::Value;
  EmitProperties(out, config.publish.consumer_properties);
  out << YAML::Key << "producer" << YAML::Value;
  EmitProperties(out, config.publish.producer_properties);
  out << YAML::EndMap << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

int CheckConfig(const std::string& path, const Environment& environment, std::ostream& out, std::ostream& err) {
  auto config = LoadAppConfig(path, environment);
  if (!config) {
    err << config.failure().reason << "\n";
    return 2;
  }
  ApplyRunDefaults(config.value());
  auto rules = LoadRules(config.value().rules_path);
  if (!rules) {
    err << rules.failure().reason << "\n";
    return 2;
  }
  for (const auto& [client, properties] : {std::pair{"consumer", &config.value().publish.consumer_properties},
                                           std::pair{"producer", &config.value().publish.producer_properties}}) {
    auto conf = MakeKafkaConf(*properties);
    if (!conf) {
      // librdkafka's messages name the property, not its value.
      err << path << ": kafka " << client << ": " << conf.failure().reason << "\n";
      return 2;
    }
  }
  out << "# " << path << " is valid. Effective configuration (the file, then BACKLINT_* variables and "
      << "defaults), secrets masked.\n# Rule set '" << rules.value()->name() << "', hash " << rules.value()->hash()
      << ".\n"
      << EffectiveConfigYaml(config.value());
  return 0;
}

}  // namespace backlint
