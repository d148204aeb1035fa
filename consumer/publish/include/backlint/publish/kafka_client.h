#pragma once
// Owning handles and configuration for librdkafka's C API; every call's error is reported with
// librdkafka's own message.
#include <map>
#include <memory>
#include <string>

#include <librdkafka/rdkafka.h>

#include "backlint/result.h"

namespace backlint {

// librdkafka properties, passed through unchanged ("bootstrap.servers", "security.protocol", ...).
using KafkaProperties = std::map<std::string, std::string>;

struct KafkaDeleter {
  void operator()(rd_kafka_t* handle) const { rd_kafka_destroy(handle); }
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
  void operator()(rd_kafka_topic_partition_list_t* list) const { rd_kafka_topic_partition_list_destroy(list); }
  void operator()(rd_kafka_headers_t* headers) const { rd_kafka_headers_destroy(headers); }
};
using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaDeleter>;
using KafkaConf = std::unique_ptr<rd_kafka_conf_t, KafkaDeleter>;
using KafkaPartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, KafkaDeleter>;

// A configuration with every property set; a Failure names the property librdkafka rejected.
Result<KafkaConf> MakeKafkaConf(const KafkaProperties& properties);

// Takes ownership of `conf` (librdkafka does on success; on failure it is freed here).
Result<KafkaHandle> MakeKafkaClient(rd_kafka_type_t type, KafkaConf conf);

}  // namespace backlint
