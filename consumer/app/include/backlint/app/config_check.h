#pragma once
// `backlint config check FILE`: validates a configuration the way `run` would load it and prints the
// effective configuration, secrets masked.
#include <iosfwd>
#include <string>
#include <string_view>

#include "backlint/app/app_config.h"

namespace backlint {

inline constexpr std::string_view kMaskedSecret = "********";

// True for librdkafka properties whose values are credentials: passwords, secrets, tokens, private keys,
// OAUTHBEARER and JAAS configurations.
bool IsSecretProperty(std::string_view name);

// The configuration as a YAML file that would load to it, each secret property's value kMaskedSecret.
std::string EffectiveConfigYaml(const AppConfig& config);

// Loads `path` with `environment` and run's defaults, then checks that the rule file loads and that
// librdkafka accepts every property. 0 with the effective configuration on `out`, or 2 with the error on
// `err`; no secret value is written to either.
int CheckConfig(const std::string& path, const Environment& environment, std::ostream& out, std::ostream& err);

}  // namespace backlint
