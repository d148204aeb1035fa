#pragma once
// Reads a YAML file for the app's own formats (configuration, rule test files); a syntax error is
// reported as path:line:column, like every later validation error.
#include <string>

#include <yaml-cpp/yaml.h>

#include "backlint/result.h"

namespace backlint {

// Failure.stage is `stage`; an unreadable file is reported as "path: cannot read <what>".
Result<YAML::Node> LoadYamlFile(const std::string& path, const std::string& stage, const std::string& what);

}  // namespace backlint
