#pragma once
// An output file of a batch mode (`score --dead-letters`, `disavow -o`) is opened, and so emptied, before
// the inputs are read: one that is also an input would destroy it unread.
#include <optional>
#include <string>
#include <vector>

namespace backlint {

// The entry of `inputs` that names the same file as `output` (through links or another spelling of the
// path), if any. "-" (standard input) and paths that do not exist yet match nothing.
std::optional<std::string> InputSameAs(const std::string& output, const std::vector<std::string>& inputs);

}  // namespace backlint
