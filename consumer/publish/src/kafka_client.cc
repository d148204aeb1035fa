#include "backlint/publish/kafka_client.h"

#include <spdlog/spdlog.h>

namespace backlint {
namespace {

// librdkafka logs with syslog levels; send them through the process's own log so operators see one format.
void ForwardKafkaLog(const rd_kafka_t* handle, int level, const char* facility, const char* message) {
  const spdlog::level::level_enum mapped = level <= 3   ? spdlog::level::err
                                           : level == 4 ? spdlog::level::warn
                                           : level <= 6 ? spdlog::level::info
                                                        : spdlog::level::debug;
  spdlog::log(mapped, "{} {}: {}", rd_kafka_name(handle), facility, message);
}

}  // namespace

Result<KafkaConf> MakeKafkaConf(const KafkaProperties& properties) {
  KafkaConf conf(rd_kafka_conf_new());
  rd_kafka_conf_set_log_cb(conf.get(), &ForwardKafkaLog);
  char error[512];
  for (const auto& [name, value] : properties) {
    if (rd_kafka_conf_set(conf.get(), name.c_str(), value.c_str(), error, sizeof error) != RD_KAFKA_CONF_OK) {
      return Failure{"config", "kafka property '" + name + "': " + error};
    }
  }
  return conf;
}

Result<KafkaHandle> MakeKafkaClient(rd_kafka_type_t type, KafkaConf conf) {
  char error[512];
  rd_kafka_t* handle = rd_kafka_new(type, conf.get(), error, sizeof error);
  if (handle == nullptr) {
    return Failure{"config", std::string("cannot create Kafka ") +
                                 (type == RD_KAFKA_CONSUMER ? "consumer" : "producer") + ": " + error};
  }
  conf.release();  // rd_kafka_new owns it now
  return KafkaHandle(handle);
}

}  // namespace backlint
