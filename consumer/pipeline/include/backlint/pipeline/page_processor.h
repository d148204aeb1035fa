#pragma once
// The one place that wires the stages: message bytes -> decode -> extract -> score -> encode.
// Every mode (run, demo, score) goes through it, so a link's journey is the same everywhere.
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backlint/decode/page_decoder.h"
#include "backlint/encode/event_encoder.h"
#include "backlint/extract/link_extractor.h"
#include "backlint/extract/registrable_domains.h"
#include "backlint/metrics/pipeline_metrics.h"
#include "backlint/result.h"
#include "backlint/score/rule_set.h"

namespace backlint {

class PageProcessor {
 public:
  // `input_format` is how messages are decoded unless Process is told otherwise.
  PageProcessor(RegistrableDomains domains, LinkExtractor::Options extract,
                std::shared_ptr<const RuleSet> rules, EventFormat format, PipelineMetrics& metrics,
                InputFormat input_format = InputFormat::kJson);

  // One event per backlink on the page (none for a page with only internal links), then one per unlinked
  // mention of a watched name (EventKind::kMention). A Failure names the stage that rejected the message;
  // the caller dead-letters it and counts it. `format` overrides the default input format for this one
  // message (a Kafka header says which). A message that holds no page (a WAT request or metadata record)
  // yields no events and is counted as skipped.
  Result<std::vector<EncodedEvent>> Process(std::string_view message,
                                            std::optional<InputFormat> format = std::nullopt);

  // The rule set pages are scored with. Each Process call takes one snapshot, so a page is scored by
  // one rule set even when another thread replaces it meanwhile (hot reload).
  std::shared_ptr<const RuleSet> rules() const { return rules_.load(); }
  void ReplaceRules(std::shared_ptr<const RuleSet> rules);

 private:
  PageDecoder decoder_;
  InputFormat input_format_;
  LinkExtractor extractor_;
  std::atomic<std::shared_ptr<const RuleSet>> rules_;
  EventFormat format_;
  PipelineMetrics& metrics_;
  CrawledPage page_;  // decoded into message after message, so its buffers are reused
};

}  // namespace backlint
