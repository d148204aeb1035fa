#include "backlint/publish/transaction.h"

#include <memory>
#include <optional>

#include <spdlog/spdlog.h>

#include "backlint/publish/kafka_client.h"

namespace backlint {
namespace {

struct ErrorDeleter {
  void operator()(rd_kafka_error_t* error) const { rd_kafka_error_destroy(error); }
  void operator()(rd_kafka_consumer_group_metadata_t* group) const { rd_kafka_consumer_group_metadata_destroy(group); }
};
using KafkaError = std::unique_ptr<rd_kafka_error_t, ErrorDeleter>;
using GroupMetadata = std::unique_ptr<rd_kafka_consumer_group_metadata_t, ErrorDeleter>;

using Outcome = TransactionEnd::Outcome;

// Runs `step` until it succeeds, librdkafka stops calling its error retriable, or `deadline` passes.
template <typename Step>
KafkaError Retrying(Step step, const char* what, std::chrono::steady_clock::time_point deadline) {
  while (true) {
    KafkaError error(step());
    if (!error || !rd_kafka_error_is_retriable(error.get()) || std::chrono::steady_clock::now() >= deadline) {
      return error;
    }
    spdlog::warn("transaction {}: {}; retrying", what, rd_kafka_error_string(error.get()));
  }
}

}  // namespace

TransactionEnd AbortTransaction(rd_kafka_t* producer, const std::string& cause, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const int timeout_ms = static_cast<int>(timeout.count());
  KafkaError error = Retrying([&] { return rd_kafka_abort_transaction(producer, timeout_ms); }, "abort", deadline);
  if (error) {
    return {Outcome::kFatal, cause + "; the abort failed too: " + rd_kafka_error_string(error.get())};
  }
  spdlog::warn("transaction aborted: {}; its inputs will be processed again", cause);
  return {Outcome::kAborted, cause};
}

Result<bool> InitTransactions(rd_kafka_t* producer, std::chrono::milliseconds timeout) {
  KafkaError error(rd_kafka_init_transactions(producer, static_cast<int>(timeout.count())));
  if (error) return Failure{"kafka", std::string("cannot initialise transactions: ") + rd_kafka_error_string(error.get())};
  return true;
}

Result<bool> BeginTransaction(rd_kafka_t* producer) {
  KafkaError error(rd_kafka_begin_transaction(producer));
  if (error) return Failure{"kafka", std::string("cannot begin a transaction: ") + rd_kafka_error_string(error.get())};
  return true;
}

TransactionEnd CommitTransaction(rd_kafka_t* producer, rd_kafka_t* consumer, const std::string& topic,
                                 const std::map<int32_t, int64_t>& positions, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const int timeout_ms = static_cast<int>(timeout.count());
  auto settle = [&](KafkaError error, const char* what) -> std::optional<TransactionEnd> {
    if (!error) return std::nullopt;
    const std::string cause = std::string(what) + ": " + rd_kafka_error_string(error.get());
    if (rd_kafka_error_is_fatal(error.get())) return TransactionEnd{Outcome::kFatal, cause};
    // Abortable, or retriable past the deadline: either way this batch's outputs cannot be trusted.
    return AbortTransaction(producer, cause, timeout);
  };

  if (!positions.empty()) {
    KafkaPartitionList offsets(rd_kafka_topic_partition_list_new(static_cast<int>(positions.size())));
    for (const auto& [partition, offset] : positions) {
      rd_kafka_topic_partition_list_add(offsets.get(), topic.c_str(), partition)->offset = offset;
    }
    GroupMetadata group(rd_kafka_consumer_group_metadata(consumer));
    if (auto end = settle(Retrying(
                              [&] {
                                return rd_kafka_send_offsets_to_transaction(producer, offsets.get(), group.get(),
                                                                            timeout_ms);
                              },
                              "sending offsets", deadline),
                          "sending offsets")) {
      return *end;
    }
  }
  if (auto end = settle(Retrying([&] { return rd_kafka_commit_transaction(producer, timeout_ms); }, "commit",
                                 deadline),
                        "commit")) {
    return *end;
  }
  return {Outcome::kCommitted, ""};
}

}  // namespace backlint
