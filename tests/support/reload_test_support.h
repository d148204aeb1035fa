#pragma once
// Rule files and a page for the hot-reload tests: one rule flags an anchor word, so which rule set scored
// a page shows in its event's flags as well as in its ruleset name and hash.
#include <string>

namespace backlint::testing {

// A valid rule file named `name` whose one rule, spammy.word (weight 70), flags anchors containing `word`.
inline std::string AnchorWordRules(const std::string& name, const std::string& word) {
  return "name: " + name + "\nrules:\n  - id: spammy.word\n    category: spammy\n    weight: 70\n" +
         "    when: {field: anchor.text, contains: " + word + "}\n    evidence: \"anchor {anchor.text}\"\n";
}

// A CrawledPage JSON message for https://www.example.com/<path> with one backlink, anchored "cheap shop".
inline std::string CheapShopPage(const std::string& path) {
  return R"({"url": "https://www.example.com/)" + path +
         R"(", "html": "<p>See <a href=\"https://other.example/\">cheap shop</a>.</p>"})";
}

}  // namespace backlint::testing
