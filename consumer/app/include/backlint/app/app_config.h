#pragma once
// The `run` mode's configuration: one YAML file, then command-line overrides.
#include <string>
#include <string_view>

#include "backlint/decode/page_decoder.h"
#include "backlint/encode/event_encoder.h"
#include "backlint/extract/link_extractor.h"
#include "backlint/publish/kafka_pipeline.h"
#include "backlint/result.h"

namespace backlint {

struct AppConfig {
  PublishConfig publish;
  std::string rules_path;  // empty: the built-in default rule set
  InputFormat input_format = InputFormat::kJson;  // messages without a `backlint.format` header
  EventFormat output_format = EventFormat::kProtobuf;
  std::string metrics_listen = "0.0.0.0:9464";
  LinkExtractor::Options extract;  // the `extract:` section
  unsigned workers = 0;            // threads processing pages; 0: one per core
};

// Defaults, then the file. Failure.stage is "config"; the reason starts with "path:line:column: ".
Result<AppConfig> LoadAppConfig(const std::string& path);

// "name=value" for both Kafka clients, as kcat's -X; "consumer.name=value" / "producer.name=value" for one.
Result<bool> ApplyKafkaProperty(AppConfig& config, std::string_view assignment);

}  // namespace backlint
