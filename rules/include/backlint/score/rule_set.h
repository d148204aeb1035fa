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

std::string_view ToString(Category category);  // "paid" | "forced_keyword" | "spammy"
std::string_view ToString(Verdict verdict);    // "clean" | "suspicious" | "toxic"

struct Flag {
  std::string rule_id;
  Category category = Category::kSpammy;
  double weight = 0;
  std::string evidence;  // the rule's evidence template with the link's values filled in
};

struct Score {
  std::vector<Flag> flags;  // fired rules, in rule-file order
  int quality_score = 100;  // 0..100
  Verdict verdict = Verdict::kClean;
};

class RuleSet {
 public:
  // Failure.stage is "rules"; the reason starts with "file:line:column: ".
  static Result<std::shared_ptr<const RuleSet>> LoadFile(const std::string& path);
  static Result<std::shared_ptr<const RuleSet>> Parse(std::string_view yaml, std::string_view source_name);

  const std::string& name() const { return name_; }
  const std::string& hash() const { return hash_; }  // hex digest of the file's bytes

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
