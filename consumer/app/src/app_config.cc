#include "backlint/app/app_config.h"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "backlint/metrics/metrics_server.h"
#include "backlint/publish/kafka_client.h"
#include "yaml_file.h"

namespace backlint {
namespace {

std::string Where(const std::string& path, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  // A value from an environment variable has no position; ApplyEnvironment names the variable instead.
  if (mark.is_null()) return "";
  return path + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1) + ": ";
}

Failure ConfigError(const std::string& path, const YAML::Node& node, const std::string& message) {
  return Failure{"config", Where(path, node) + message};
}

Result<std::string> Scalar(const std::string& path, const std::string& key, const YAML::Node& node) {
  if (!node.IsScalar()) return ConfigError(path, node, "'" + key + "' must be a single value");
  return node.Scalar();
}

// `what` completes "must be a positive ...".
Result<int> Positive(const std::string& path, const std::string& key, const YAML::Node& node, const char* what) {
  int value = 0;
  if (!node.IsScalar() || !YAML::convert<int>::decode(node, value) || value <= 0) {
    return ConfigError(path, node, "'" + key + "' must be a positive " + what);
  }
  return value;
}

// librdkafka checks a property's name and value as it is set; checked here, a refusal is reported at the
// key. When the clients are created later, the file position is no longer known.
Result<std::string> KafkaPropertyValue(const std::string& path, const std::string& key,
                                       const std::pair<YAML::Node, YAML::Node>& property) {
  auto value = Scalar(path, key, property.second);
  if (!value) return value.failure();
  if (auto conf = MakeKafkaConf({{property.first.Scalar(), value.value()}}); !conf) {
    return ConfigError(path, property.first, conf.failure().reason);
  }
  return value;
}

Result<bool> LoadKafkaSection(const std::string& path, const YAML::Node& kafka, AppConfig& config) {
  if (!kafka.IsMap()) return ConfigError(path, kafka, "'kafka' must be a map of librdkafka properties");
  for (const auto& entry : kafka) {
    const std::string name = entry.first.Scalar();
    // librdkafka has no property called consumer or producer: those keys hold client-specific maps.
    if (name == "consumer" || name == "producer") {
      if (!entry.second.IsMap()) return ConfigError(path, entry.second, "'kafka." + name + "' must be a map");
      KafkaProperties& target =
          name == "consumer" ? config.publish.consumer_properties : config.publish.producer_properties;
      for (const auto& property : entry.second) {
        auto value = KafkaPropertyValue(path, "kafka." + name + "." + property.first.Scalar(), property);
        if (!value) return value.failure();
        target[property.first.Scalar()] = value.value();
      }
      continue;
    }
    auto value = KafkaPropertyValue(path, "kafka." + name, entry);
    if (!value) return value.failure();
    config.publish.consumer_properties[name] = value.value();
    config.publish.producer_properties[name] = value.value();
  }
  return true;
}

// Applies a setter to each key of `section`, whose full names start with `prefix` ("" at the top level).
using Setter = std::function<Result<bool>(const std::string& key, const YAML::Node&)>;
Result<bool> ApplySettings(const std::string& path, const YAML::Node& section, const std::string& prefix,
                           const std::map<std::string, Setter>& settings) {
  std::set<std::string> seen;
  for (const auto& entry : section) {
    const std::string key = prefix + entry.first.Scalar();
    if (!seen.insert(key).second) {
      return ConfigError(path, entry.first, "setting '" + key + "' appears twice");
    }
    auto setting = settings.find(entry.first.Scalar());
    if (setting == settings.end()) {
      std::string known;
      for (const auto& [name, unused] : settings) known += (known.empty() ? "" : ", ") + name;
      return ConfigError(path, entry.first, "unknown setting '" + key + "' (known: " + known + ")");
    }
    auto applied = setting->second(key, entry.second);
    if (!applied) return applied.failure();
  }
  return true;
}

// The `extract:` section: LinkExtractor::Options, keyed by their field names.
Result<bool> LoadExtractSection(const std::string& path, const YAML::Node& extract, AppConfig& config) {
  LinkExtractor::Options& options = config.extract;
  auto flag = [&](bool& target) -> Setter {
    return [&path, target_ptr = &target](const std::string& key, const YAML::Node& node) -> Result<bool> {
      if (!node.IsScalar() || !YAML::convert<bool>::decode(node, *target_ptr)) {
        return ConfigError(path, node, "'" + key + "' must be true or false");
      }
      return true;
    };
  };
  auto count = [&](std::size_t& target) -> Setter {
    return [&path, target_ptr = &target](const std::string& key, const YAML::Node& node) -> Result<bool> {
      // Parsed as signed so that a negative value is reported, not wrapped around.
      long long value = 0;
      if (!node.IsScalar() || !YAML::convert<long long>::decode(node, value) || value <= 0) {
        return ConfigError(path, node, "'" + key + "' must be a positive integer");
      }
      *target_ptr = static_cast<std::size_t>(value);
      return true;
    };
  };
  auto names = [&](std::vector<std::string>& target) -> Setter {
    return [&path, target_ptr = &target](const std::string& key, const YAML::Node& node) -> Result<bool> {
      if (!node.IsSequence()) return ConfigError(path, node, "'" + key + "' must be a list of names");
      target_ptr->clear();
      for (const YAML::Node& item : node) {
        if (!item.IsScalar() || item.Scalar().empty()) {
          return ConfigError(path, item, "'" + key + "' entries must be non-empty names");
        }
        target_ptr->push_back(item.Scalar());
      }
      return true;
    };
  };
  auto section = [&](std::map<std::string, Setter> settings) -> Setter {
    return [&path, settings = std::move(settings)](const std::string& key, const YAML::Node& node) {
      if (!node.IsMap()) return Result<bool>(ConfigError(path, node, "'" + key + "' must be a map"));
      return ApplySettings(path, node, key + ".", settings);
    };
  };
  return section({
      {"subdomains_are_internal", flag(options.subdomains_are_internal)},
      {"limits", section({{"max_page_bytes", count(options.max_page_bytes)},
                          {"max_links", count(options.max_links)},
                          {"max_depth", count(options.max_depth)},
                          {"max_anchor_chars", count(options.max_anchor_chars)}})},
      {"watch", section({{"domains", names(options.watch_domains)},
                         {"brands", names(options.watch_brands)},
                         {"only_watched", flag(options.only_watched)}})},
  })("extract", extract);
}

constexpr std::string_view kEnvironmentPrefix = "BACKLINT_";
constexpr std::string_view kKafkaEnvironmentPrefix = "BACKLINT_KAFKA_";
// Sections have no single value to set; the kafka section's properties have variables of their own.
bool IsSection(std::string_view key) { return key == "kafka" || key == "extract"; }

// `text` with each character passed through `convert` (std::tolower or std::toupper).
std::string Recased(std::string_view text, int (*convert)(int)) {
  std::string recased(text);
  for (char& c : recased) c = static_cast<char>(convert(static_cast<unsigned char>(c)));
  return recased;
}

// Kubernetes gives a pod variables for each Service of its namespace: <SVC>_SERVICE_HOST, <SVC>_SERVICE_PORT,
// <SVC>_SERVICE_PORT_<NAME>, <SVC>_PORT and <SVC>_PORT_<N>_TCP[_PROTO|_PORT|_ADDR]. A Service named
// backlint (deploy/kubernetes) or backlint-kafka must not stop the process, so these are skipped, but only
// for a <SVC> whose _SERVICE_HOST is set: a lone BACKLINT_METRICS_PORT stays a typo.
bool IsKubernetesServiceVariable(std::string_view name, const Environment& environment) {
  return std::any_of(environment.begin(), environment.end(), [name](const auto& variable) {
    constexpr std::string_view kHost = "_SERVICE_HOST";
    const std::string_view other = variable.first;
    if (!other.ends_with(kHost)) return false;
    const std::string_view service = other.substr(0, other.size() - kHost.size() + 1);  // "BACKLINT_"
    if (!name.starts_with(service)) return false;
    const std::string_view rest = name.substr(service.size());
    return rest == "PORT" || rest.starts_with("PORT_") || rest.starts_with("SERVICE_");
  });
}

// BACKLINT_<SETTING> through the same setters as the file; BACKLINT_KAFKA_<PROPERTY> as -X would.
// An error names the variable, never its value (it may be a secret).
Result<bool> ApplyEnvironment(const Environment& environment, const std::map<std::string, Setter>& settings,
                              AppConfig& config) {
  for (const auto& [name, value] : environment) {
    if (!name.starts_with(kEnvironmentPrefix) || IsKubernetesServiceVariable(name, environment)) continue;
    auto fail = [&name](const std::string& reason) {
      return Result<bool>(Failure{"config", "environment variable " + name + ": " + reason});
    };
    if (name.starts_with(kKafkaEnvironmentPrefix)) {
      std::string property = Recased(std::string_view(name).substr(kKafkaEnvironmentPrefix.size()), std::tolower);
      std::replace(property.begin(), property.end(), '_', '.');
      auto applied = ApplyKafkaProperty(config, property + "=" + value);
      if (!applied) return fail(applied.failure().reason);
      continue;
    }
    const std::string key = Recased(std::string_view(name).substr(kEnvironmentPrefix.size()), std::tolower);
    const auto setting = settings.find(key);
    if (setting == settings.end() || IsSection(key)) {
      std::string known;
      for (const auto& [setting_name, unused] : settings) {
        if (IsSection(setting_name)) continue;
        known += (known.empty() ? "" : ", ") + std::string(kEnvironmentPrefix) + Recased(setting_name, std::toupper);
      }
      return fail("not a setting (known: " + known + ", and " + std::string(kKafkaEnvironmentPrefix) +
                  "<PROPERTY> for librdkafka properties)");
    }
    auto applied = setting->second(key, YAML::Node(value));
    if (!applied) return fail(applied.failure().reason);
  }
  return true;
}

// Where a top-level setting was last given: its environment variable, else its place in the file; nullopt
// when neither gives it.
std::optional<std::string> SettingOrigin(const std::string& path, const YAML::Node& root,
                                         const Environment& environment, const std::string& key) {
  const std::string variable = std::string(kEnvironmentPrefix) + Recased(key, std::toupper);
  for (const auto& [name, value] : environment) {
    if (name == variable) return "environment variable " + variable + ": ";
  }
  if (root.IsMap()) {
    if (const YAML::Node node = root[key]) return Where(path, node);
  }
  return std::nullopt;
}

// /healthz fails when the Kafka loop has not turned for health_timeout_ms. Below the longest wait the loop
// makes by design, the liveness probe would restart a working instance, in the middle of a rebalance at
// that: a value given that low is rejected where it was given, and the default rises to that wait.
Result<bool> BoundHealthTimeout(const std::string& path, const YAML::Node& root, const Environment& environment,
                                AppConfig& config) {
  const std::chrono::milliseconds longest_wait = LongestLoopWait(config.publish);
  const std::optional<std::string> origin = SettingOrigin(path, root, environment, "health_timeout_ms");
  if (!origin) {
    config.health_timeout = std::max(config.health_timeout, longest_wait);
    return true;
  }
  if (config.health_timeout >= longest_wait) return true;
  const std::chrono::milliseconds transaction_end = longest_wait - config.publish.shutdown_timeout;
  return Failure{"config", *origin + "'health_timeout_ms' must be at least " + std::to_string(longest_wait.count()) +
                               ", the longest the Kafka loop waits by design: shutdown_timeout_ms (" +
                               std::to_string(config.publish.shutdown_timeout.count()) + ") for a rebalance's flush" +
                               (transaction_end.count() > 0 ? ", plus " + std::to_string(transaction_end.count()) +
                                                                  " to end an exactly-once transaction"
                                                            : "") +
                               "; below it /healthz would fail a working loop"};
}

}  // namespace

void ApplyRunDefaults(AppConfig& config) { config.publish.consumer_properties.try_emplace("group.id", "backlint"); }

Result<AppConfig> LoadAppConfig(const std::string& path, const Environment& environment) {
  YAML::Node root;  // null without a file: only the environment applies
  if (!path.empty()) {
    auto loaded = LoadYamlFile(path, "config", "the configuration file");
    if (!loaded) return loaded.failure();
    root = loaded.value();
  }
  AppConfig config;
  if (!root.IsNull() && !root.IsMap()) return ConfigError(path, root, "the configuration must be a map of settings");

  auto text_setting = [&](std::string& target) -> Setter {
    return [&, target_ptr = &target](const std::string& key, const YAML::Node& node) -> Result<bool> {
      auto value = Scalar(path, key, node);
      if (!value) return value.failure();
      *target_ptr = value.value();
      return true;
    };
  };
  auto duration_setting = [&](std::chrono::milliseconds& target) -> Setter {
    return [&, target_ptr = &target](const std::string& key, const YAML::Node& node) -> Result<bool> {
      auto value = Positive(path, key, node, "number of milliseconds");
      if (!value) return value.failure();
      *target_ptr = std::chrono::milliseconds(value.value());
      return true;
    };
  };
  // A setting whose text `parse` turns into a value (ParseInputFormat, ParseEventFormat).
  auto parsed_setting = [&](auto parse, auto& target) -> Setter {
    return [&, parse, target_ptr = &target](const std::string& key, const YAML::Node& node) -> Result<bool> {
      auto value = Scalar(path, key, node);
      if (!value) return value.failure();
      auto parsed = parse(value.value());
      if (!parsed) return ConfigError(path, node, parsed.failure().reason);
      *target_ptr = parsed.value();
      return true;
    };
  };
  const std::map<std::string, Setter> settings = {
      {"input_topic", text_setting(config.publish.input_topic)},
      {"output_topic", text_setting(config.publish.output_topic)},
      {"mention_topic", text_setting(config.publish.mention_topic)},
      {"dead_letter_topic", text_setting(config.publish.dead_letter_topic)},
      {"rules", text_setting(config.rules_path)},
      {"rules_reload_interval_ms", duration_setting(config.rules_reload_interval)},
      {"health_timeout_ms", duration_setting(config.health_timeout)},
      {"metrics_listen",
       [&](const std::string& key, const YAML::Node& node) -> Result<bool> {
         auto value = Scalar(path, key, node);
         if (!value) return value.failure();
         auto checked = CheckListenAddress(value.value());
         // Like every setting's error, it names the setting, not the value (a variable's may be a secret).
         if (!checked) return ConfigError(path, node, "'" + key + "': " + checked.failure().reason);
         config.metrics_listen = value.value();
         return true;
       }},
      {"commit_interval_ms", duration_setting(config.publish.commit_interval)},
      {"shutdown_timeout_ms", duration_setting(config.publish.shutdown_timeout)},
      {"input_format", parsed_setting(ParseInputFormat, config.input_format)},
      {"output_format", parsed_setting(ParseEventFormat, config.output_format)},
      {"kafka", [&](const std::string&, const YAML::Node& node) { return LoadKafkaSection(path, node, config); }},
      {"extract",
       [&](const std::string&, const YAML::Node& node) { return LoadExtractSection(path, node, config); }},
      {"delivery", parsed_setting(ParseDeliveryGuarantee, config.publish.delivery)},
      {"workers",
       [&](const std::string& key, const YAML::Node& node) -> Result<bool> {
         auto value = Positive(path, key, node, "number of worker threads");
         if (!value) return value.failure();
         config.workers = static_cast<unsigned>(value.value());
         return true;
       }},
  };
  auto applied = ApplySettings(path, root, "", settings);
  if (!applied) return applied.failure();
  auto overridden = ApplyEnvironment(environment, settings, config);
  if (!overridden) return overridden.failure();
  auto bounded = BoundHealthTimeout(path, root, environment, config);
  if (!bounded) return bounded.failure();
  return config;
}

Result<bool> ApplyKafkaProperty(AppConfig& config, std::string_view assignment) {
  const auto equals = assignment.find('=');
  std::string name(assignment.substr(0, equals));
  // Errors quote the name only: the value may be a secret.
  const Failure malformed{"config", "kafka property '" + name + "': expected name=value"};
  if (equals == std::string_view::npos || equals == 0) return malformed;
  std::string value(assignment.substr(equals + 1));
  for (auto [prefix, target] : {std::pair{std::string_view("consumer."), &config.publish.consumer_properties},
                                std::pair{std::string_view("producer."), &config.publish.producer_properties}}) {
    if (name.starts_with(prefix)) {
      if (name.size() == prefix.size()) return malformed;
      (*target)[name.substr(prefix.size())] = value;
      return true;
    }
  }
  config.publish.consumer_properties[name] = value;
  config.publish.producer_properties[name] = value;
  return true;
}

}  // namespace backlint
