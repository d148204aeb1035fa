#pragma once
// Kafka transactions for consume-transform-produce (exactly-once): a batch's outputs and its input
// offsets commit together, or neither does.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include <librdkafka/rdkafka.h>

#include "backlint/result.h"

namespace backlint {

struct TransactionEnd {
  enum class Outcome {
    kCommitted,
    kAborted,  // outputs discarded: the caller rewinds its consumer to the batch's first offsets
    kFatal,    // the producer cannot continue (fenced by a newer instance, ...): stop the process
  };
  Outcome outcome = Outcome::kCommitted;
  std::string reason;  // why it was aborted or fatal
};

// Registers the producer's transactional.id with its coordinator (fencing older instances).
Result<bool> InitTransactions(rd_kafka_t* producer, std::chrono::milliseconds timeout);

Result<bool> BeginTransaction(rd_kafka_t* producer);

// Sends `positions` (partition -> next offset to consume, of `topic`) for the consumer's group into the
// transaction and commits it. Retriable errors are retried until `timeout`; abortable ones abort.
TransactionEnd CommitTransaction(rd_kafka_t* producer, rd_kafka_t* consumer, const std::string& topic,
                                 const std::map<int32_t, int64_t>& positions, std::chrono::milliseconds timeout);

// Aborts the open transaction; `cause` says why, for the log and the outcome.
TransactionEnd AbortTransaction(rd_kafka_t* producer, const std::string& cause, std::chrono::milliseconds timeout);

}  // namespace backlint
