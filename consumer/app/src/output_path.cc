#include "backlint/app/output_path.h"

#include <filesystem>
#include <system_error>

namespace backlint {

std::optional<std::string> InputSameAs(const std::string& output, const std::vector<std::string>& inputs) {
  for (const std::string& input : inputs) {
    std::error_code missing;  // either file absent: they cannot be the same
    if (input != "-" && std::filesystem::equivalent(input, output, missing)) return input;
  }
  return std::nullopt;
}

}  // namespace backlint
