#pragma once
// The `run` mode's configuration: one YAML file, then command-line overrides.
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "backlint/decode/page_decoder.h"
#include "backlint/encode/event_encoder.h"
#include "backlint/extract/link_extractor.h"
#include "backlint/publish/kafka_pipeline.h"
#include "backlint/result.h"

namespace backlint {

struct AppConfig {
  PublishConfig publish;
  std::string rules_path;  // empty: the built-in default rule set
  std::chrono::milliseconds rules_reload_interval{5000};  // how often `run` looks for a changed rule file
  InputFormat input_format = InputFormat::kJson;  // messages without a `backlint.format` header
  EventFormat output_format = EventFormat::kProtobuf;
  std::string metrics_listen = "0.0.0.0:9464";
  LinkExtractor::Options extract;  // the `extract:` section
  unsigned workers = 0;            // threads processing pages; 0: one per core
  // /healthz fails (503) when the Kafka loop has not turned for longer: it hangs, so restart the process.
  std::chrono::milliseconds health_timeout{60000};
};

// Environment variables as (name, value) pairs: the process's, or a test's.
using Environment = std::vector<std::pair<std::string, std::string>>;

// Defaults, then the file (none when `path` is empty), then the BACKLINT_* variables of `environment`:
// BACKLINT_<SETTING> for a top-level setting (BACKLINT_INPUT_TOPIC=pages, BACKLINT_COMMIT_INTERVAL_MS=500)
// and BACKLINT_KAFKA_<PROPERTY> for a librdkafka property, '_' read as '.' (BACKLINT_KAFKA_SASL_PASSWORD,
// BACKLINT_KAFKA_CONSUMER_GROUP_ID for one client). Other BACKLINT_ variables are errors. Failure.stage is
// "config"; the reason starts with "path:line:column: " or "environment variable NAME: ".
Result<AppConfig> LoadAppConfig(const std::string& path, const Environment& environment = {});

// What `run` assumes when neither file, environment nor flags say: group.id=backlint.
void ApplyRunDefaults(AppConfig& config);

// "name=value" for both Kafka clients, as kcat's -X; "consumer.name=value" / "producer.name=value" for one.
Result<bool> ApplyKafkaProperty(AppConfig& config, std::string_view assignment);

}  // namespace backlint
