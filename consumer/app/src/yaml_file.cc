#include "yaml_file.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace backlint {

Result<YAML::Node> LoadYamlFile(const std::string& path, const std::string& stage, const std::string& what) {
  // A directory opens like a file and reads as nothing, which would load as an empty document.
  std::error_code unknown;
  if (std::filesystem::is_directory(path, unknown)) {
    return Failure{stage, path + ": cannot read " + what + ": Is a directory"};
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) return Failure{stage, path + ": cannot read " + what};
  std::stringstream text;
  text << file.rdbuf();
  try {
    return YAML::Load(text.str());
  } catch (const YAML::ParserException& error) {
    return Failure{stage, path + ":" + std::to_string(error.mark.line + 1) + ":" +
                              std::to_string(error.mark.column + 1) + ": " + error.msg};
  }
}

}  // namespace backlint
