#include "backlint/pipeline/processor_setup.h"

#include <utility>

namespace backlint {

Result<std::shared_ptr<const RuleSet>> LoadRules(const std::string& path) {
  if (path.empty()) return RuleSet::Parse(kDefaultRules, "rules/default.yaml (built in)");
  return RuleSet::LoadFile(path);
}

Result<std::unique_ptr<PageProcessor>> MakePageProcessor(const std::string& rules_path, EventFormat format,
                                                         PipelineMetrics& metrics, InputFormat input_format,
                                                         LinkExtractor::Options extract) {
  auto rules = LoadRules(rules_path);
  if (!rules) return rules.failure();
  auto domains = RegistrableDomains::LoadSystem();
  if (!domains) return domains.failure();
  return std::make_unique<PageProcessor>(std::move(domains).value(), std::move(extract),
                                         std::move(rules).value(), format, metrics, input_format);
}

}  // namespace backlint
