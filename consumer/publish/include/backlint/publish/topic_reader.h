#pragma once
// Reads a whole topic from the beginning to its current end: the demo reads its output back with it.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "backlint/publish/kafka_client.h"
#include "backlint/result.h"

namespace backlint {

struct ConsumedRecord {
  int32_t partition = 0;
  int64_t offset = 0;
  std::string key;
  std::string value;
  std::map<std::string, std::string> headers;
};

Result<std::vector<ConsumedRecord>> ReadWholeTopic(const KafkaProperties& properties, const std::string& topic,
                                                   int partitions, int timeout_ms);

// Produces `values` (null keys) and waits until all are acknowledged. With `spread_over` > 0, value i goes
// to partition i % spread_over; otherwise the partitioner picks, and an unkeyed batch lands on one
// partition (librdkafka's sticky partitioner).
Result<bool> ProduceAll(const KafkaProperties& properties, const std::string& topic,
                        const std::vector<std::string>& values, int timeout_ms, int spread_over = 0);

}  // namespace backlint
