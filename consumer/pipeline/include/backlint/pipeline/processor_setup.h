#pragma once
// Builds the page processor every mode shares: rule set (a file or the built-in default) and extractor.
#include <memory>
#include <string>
#include <string_view>

#include "backlint/pipeline/page_processor.h"
#include "backlint/result.h"

namespace backlint {

extern const std::string_view kDefaultRules;  // rules/default.yaml, embedded at build time

// An empty path means the built-in default rule set.
Result<std::shared_ptr<const RuleSet>> LoadRules(const std::string& path);

// `input_format` is the format of messages that do not say which they are in.
Result<std::unique_ptr<PageProcessor>> MakePageProcessor(const std::string& rules_path, EventFormat format,
                                                         PipelineMetrics& metrics,
                                                         InputFormat input_format = InputFormat::kJson,
                                                         LinkExtractor::Options extract = {});

}  // namespace backlint
