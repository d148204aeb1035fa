#pragma once
// `backlint rules test TESTFILE...`: unit tests for rule files, in the spirit of `promtool test rules`.
// Each test page goes through the real pipeline (decode, extract, score, encode) and every expectation
// is checked against the backlink events it produced.
#include <ostream>
#include <string>
#include <vector>

namespace backlint {

// Exit code: 0 when every expectation of every file holds, 1 when some failed, 2 when a test file or
// the rule file it names cannot be loaded (reported as file:line:column: message).
int RunRuleTests(const std::vector<std::string>& test_files, std::ostream& out, std::ostream& err);

}  // namespace backlint
