#pragma once
// The one place that wires the stages: message bytes -> decode -> extract -> score -> encode.
// Every mode (run, demo, score) goes through it, so a link's journey is the same everywhere.
#include <memory>
#include <string_view>
#include <vector>

#include "backlint/decode/json_page_decoder.h"
#include "backlint/encode/event_encoder.h"
#include "backlint/extract/link_extractor.h"
#include "backlint/metrics/pipeline_metrics.h"
#include "backlint/result.h"
#include "backlint/score/rule_set.h"

namespace backlint {

class PageProcessor {
 public:
  PageProcessor(LinkExtractor extractor, std::shared_ptr<const RuleSet> rules, EventFormat format,
                PipelineMetrics& metrics);

  // One event per backlink on the page (none for a page with only internal links). A Failure names
  // the stage that rejected the message; the caller dead-letters it and counts it.
  Result<std::vector<EncodedEvent>> Process(std::string_view message);

 private:
  JsonPageDecoder decoder_;
  LinkExtractor extractor_;
  std::shared_ptr<const RuleSet> rules_;
  EventFormat format_;
  PipelineMetrics& metrics_;
};

}  // namespace backlint
