#include "backlint/pipeline/processor_setup.h"

namespace backlint {

Result<std::shared_ptr<const RuleSet>> LoadRules(const std::string& path) {
  if (path.empty()) return RuleSet::Parse(kDefaultRules, "rules/default.yaml (built in)");
  return RuleSet::LoadFile(path);
}

Result<std::unique_ptr<PageProcessor>> MakePageProcessor(const std::string& rules_path, EventFormat format,
                                                         PipelineMetrics& metrics, InputFormat input_format) {
  auto rules = LoadRules(rules_path);
  if (!rules) return rules.failure();
  auto domains = RegistrableDomains::LoadSystem();
  if (!domains) return domains.failure();
  return std::make_unique<PageProcessor>(LinkExtractor(std::move(domains).value()), std::move(rules).value(),
                                         format, metrics, input_format);
}

}  // namespace backlint
