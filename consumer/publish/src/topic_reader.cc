#include "backlint/publish/topic_reader.h"

#include <chrono>

namespace backlint {
namespace {

std::map<std::string, std::string> HeadersOf(const rd_kafka_message_t& message) {
  std::map<std::string, std::string> result;
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(&message, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) return result;
  const char* name;
  const void* value;
  size_t size;
  for (size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
    result[name] = value ? std::string(static_cast<const char*>(value), size) : "";
  }
  return result;
}

void CountFailedDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) ++*static_cast<int*>(opaque);
}

}  // namespace

Result<std::vector<ConsumedRecord>> ReadWholeTopic(const KafkaProperties& properties, const std::string& topic,
                                                   int partitions, int timeout_ms) {
  KafkaProperties reader = properties;
  reader.try_emplace("group.id", "backlint-topic-reader");
  reader["enable.partition.eof"] = "true";
  reader["enable.auto.commit"] = "false";
  auto conf = MakeKafkaConf(reader);
  if (!conf) return conf.failure();
  auto consumer = MakeKafkaClient(RD_KAFKA_CONSUMER, std::move(conf).value());
  if (!consumer) return consumer.failure();

  KafkaPartitionList assignment(rd_kafka_topic_partition_list_new(partitions));
  for (int partition = 0; partition < partitions; ++partition) {
    rd_kafka_topic_partition_list_add(assignment.get(), topic.c_str(), partition)->offset = RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_resp_err_t error = rd_kafka_assign(consumer.value().get(), assignment.get());
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Failure{"kafka", "cannot assign '" + topic + "': " + rd_kafka_err2str(error)};
  }

  std::vector<ConsumedRecord> records;
  int partitions_at_end = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (partitions_at_end < partitions) {
    if (std::chrono::steady_clock::now() > deadline) {
      return Failure{"kafka", "timed out reading '" + topic + "' after " + std::to_string(records.size()) + " records"};
    }
    rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer.value().get(), 100);
    if (message == nullptr) continue;
    if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      ++partitions_at_end;
    } else if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::string reason = rd_kafka_message_errstr(message);
      rd_kafka_message_destroy(message);
      return Failure{"kafka", "reading '" + topic + "': " + reason};
    } else {
      records.push_back(ConsumedRecord{
          message->partition, message->offset,
          message->key ? std::string(static_cast<const char*>(message->key), message->key_len) : "",
          std::string(static_cast<const char*>(message->payload), message->len), HeadersOf(*message)});
    }
    rd_kafka_message_destroy(message);
  }
  rd_kafka_consumer_close(consumer.value().get());
  return records;
}

Result<bool> ProduceAll(const KafkaProperties& properties, const std::string& topic,
                        const std::vector<std::string>& values, int timeout_ms, int spread_over) {
  auto conf = MakeKafkaConf(properties);
  if (!conf) return conf.failure();
  int failed_deliveries = 0;
  rd_kafka_conf_set_dr_msg_cb(conf.value().get(), &CountFailedDelivery);
  rd_kafka_conf_set_opaque(conf.value().get(), &failed_deliveries);
  auto producer = MakeKafkaClient(RD_KAFKA_PRODUCER, std::move(conf).value());
  if (!producer) return producer.failure();
  for (std::size_t i = 0; i < values.size(); ++i) {
    const std::string& value = values[i];
    const int32_t partition =
        spread_over > 0 ? static_cast<int32_t>(i % static_cast<std::size_t>(spread_over)) : RD_KAFKA_PARTITION_UA;
    rd_kafka_resp_err_t error;
    while ((error = rd_kafka_producev(producer.value().get(), RD_KAFKA_V_TOPIC(topic.c_str()),
                                      RD_KAFKA_V_PARTITION(partition),
                                      RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                                      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END)) ==
           RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(producer.value().get(), 100);
    }
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Failure{"kafka", "produce to '" + topic + "': " + rd_kafka_err2str(error)};
    }
  }
  rd_kafka_resp_err_t error = rd_kafka_flush(producer.value().get(), timeout_ms);
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Failure{"kafka", "flush to '" + topic + "': " + rd_kafka_err2str(error)};
  }
  if (failed_deliveries > 0) {
    return Failure{"kafka", std::to_string(failed_deliveries) + " messages to '" + topic + "' were not delivered"};
  }
  return true;
}

}  // namespace backlint
