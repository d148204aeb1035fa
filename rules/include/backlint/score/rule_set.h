#pragma once
// score stage: a rule set loaded from YAML flags a backlink and gives it a quality score and verdict.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "backlint/link.h"
#include "backlint/result.h"

namespace backlint {

enum class Category { kPaid, kForcedKeyword, kSpammy };
enum class Verdict { kClean, kSuspicious, kToxic };
enum class Severity { kLow, kMedium, kHigh };
// What a trust list did to a verdict: nothing, silenced a known-good domain, or pinned a known-bad one.
enum class TrustAction { kNone, kAllow, kBlock };

std::string_view ToString(Category category);  // "paid" | "forced_keyword" | "spammy"
std::string_view ToString(Verdict verdict);    // "clean" | "suspicious" | "toxic"
std::string_view ToString(Severity severity);  // "low" | "medium" | "high"
std::string_view ToString(TrustAction action);  // "none" | "allow" | "block"

struct Flag {
  std::string rule_id;
  Category category = Category::kSpammy;
  double weight = 0;
  std::string evidence;  // the rule's evidence template with the link's values filled in
  Severity severity = Severity::kMedium;
};

struct TrustOverride {
  TrustAction action = TrustAction::kNone;
  std::string domain;  // the listed registrable domain (the source page's or the target's)
  std::string reason;  // the trust entry's reason, from the rule file
};

struct Score {
  std::vector<Flag> flags;  // fired rules, in rule-file order (none when an allow-list silenced the link)
  int quality_score = 100;  // 0..100
  Verdict verdict = Verdict::kClean;
  int relevance = 0;        // topical relevance of the link to its page, 0..100 (see relevance.h)
  TrustOverride trust = {}; // set when a trust list forced the verdict
};

class RuleSet {
 public:
  // Failure.stage is "rules"; the reason starts with "file:line:column: ".
  static Result<std::shared_ptr<const RuleSet>> LoadFile(const std::string& path);
  static Result<std::shared_ptr<const RuleSet>> Parse(std::string_view yaml, std::string_view source_name);

  const std::string& name() const { return name_; }
  const std::string& hash() const { return hash_; }  // hex digest of the file's bytes

  // Scores every backlink of the page; the result is index-aligned with `page.links`, internal links get
  // an unscored default. Cross-link fields and predicates (anchor.repeats, link_run.*, neighbours) see
  // the whole page.
  std::vector<Score> Evaluate(const ExtractedPage& page) const;
  // Scores one backlink as if it were the only link of its page (for tools and tests of single links).
  Score Evaluate(const Link& link, const PageFacts& page) const;

  ~RuleSet();
  struct Compiled;  // the precompiled rules; defined in rule_set.cc

 private:
  RuleSet() = default;
  std::string name_;
  std::string hash_;
  std::unique_ptr<Compiled> compiled_;
};

}  // namespace backlint
