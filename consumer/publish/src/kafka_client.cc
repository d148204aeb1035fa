#include "backlint/publish/kafka_client.h"

namespace backlint {

Result<KafkaConf> MakeKafkaConf(const KafkaProperties& properties) {
  KafkaConf conf(rd_kafka_conf_new());
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
