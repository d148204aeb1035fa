#include "backlint/publish/kafka_pipeline.h"

#include <algorithm>
#include <string_view>
#include <thread>

#include <spdlog/spdlog.h>

#include "backlint/publish/transaction.h"

namespace backlint {

// Which input message a produced message belongs to; travels as the message's opaque.
struct KafkaPipeline::DeliveryTag {
  int32_t partition;
  int64_t offset;
  uint32_t generation;
};

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kPollTimeoutMs = 100;
// While the workers are behind, the consumer is still polled this often, for rebalances and commit results,
// and the loop otherwise waits this long for delivery reports (a worker queue holds far more work).
constexpr auto kEventPollInterval = std::chrono::milliseconds(100);
constexpr int kBehindWaitMs = 10;
// Bounds each transactional call's retries; below the producer's transaction.timeout.ms (60 s).
constexpr std::chrono::seconds kTransactionTimeout{30};
// Backpressure: above half of kMaxHeldBytes (polled input waiting for room in the worker queues) or of
// kMaxUnacknowledgedOutputs, the poll loop stops taking input, so librdkafka's bounded prefetch queue
// fills and stops its fetcher. Above the full limits (workers stuck while the loop still serves
// events), consumption pauses, which drops the prefetched messages; it resumes at half.
constexpr std::size_t kWorkerQueueCapacity = 64;
constexpr std::size_t kMaxHeldBytes = 16 << 20;
constexpr int kMaxUnacknowledgedOutputs = 20000;
constexpr const char* kFormatHeader = "backlint.format";
constexpr std::chrono::milliseconds kCommitRetryBackoff{200};

// The input format the message's `backlint.format` header names; nullopt (the configured default)
// without the header. An unknown name is a decode failure that names the header.
Result<std::optional<InputFormat>> FormatOverride(const rd_kafka_message_t& message) {
  rd_kafka_headers_t* headers = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  // rd_kafka_message_headers does not modify the message; it only parses the headers lazily.
  if (rd_kafka_message_headers(&message, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR ||
      rd_kafka_header_get_last(headers, kFormatHeader, &value, &size) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return std::optional<InputFormat>();
  }
  const std::string_view name =
      value == nullptr ? std::string_view() : std::string_view(static_cast<const char*>(value), size);
  auto format = ParseInputFormat(name);
  if (!format) return Failure{"decode", "header '" + std::string(kFormatHeader) + "': " + format.failure().reason};
  return std::optional<InputFormat>(format.value());
}

// Settings the delivery guarantee depends on are forced; others only default.
KafkaProperties ConsumerProperties(KafkaProperties properties, DeliveryGuarantee delivery) {
  properties.try_emplace("auto.offset.reset", "earliest");
  // Exactly-once end to end: inputs from aborted upstream transactions are never processed.
  if (delivery == DeliveryGuarantee::kExactlyOnce) properties.try_emplace("isolation.level", "read_committed");
  properties["enable.auto.commit"] = "false";
  properties["enable.auto.offset.store"] = "false";
  // End-of-partition events say where an idle partition stands: without them its lag is unknown.
  properties["enable.partition.eof"] = "true";
  return properties;
}

KafkaProperties ProducerProperties(KafkaProperties properties) {
  properties.try_emplace("enable.idempotence", "true");
  // A page yields tens of events: fewer, larger batches cost the client and the brokers less CPU per
  // event, and commits wait for a whole commit interval anyway.
  properties.try_emplace("linger.ms", "50");
  return properties;
}

std::string OffsetsText(const std::map<int32_t, int64_t>& offsets) {
  std::string text;
  for (const auto& [partition, offset] : offsets) {
    text += (text.empty() ? "" : ", ") + std::to_string(partition) + "@" + std::to_string(offset);
  }
  return text;
}

KafkaPartitionList PartitionList(const std::string& topic, const std::map<int32_t, int64_t>& offsets) {
  KafkaPartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size())));
  for (const auto& [partition, offset] : offsets) {
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition)->offset = offset;
  }
  return list;
}

int RemainingMs(Clock::time_point deadline) {
  return static_cast<int>(
      std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count()));
}

}  // namespace

Result<DeliveryGuarantee> ParseDeliveryGuarantee(std::string_view name) {
  if (name == "at_least_once") return DeliveryGuarantee::kAtLeastOnce;
  if (name == "exactly_once") return DeliveryGuarantee::kExactlyOnce;
  return Failure{"config", "unknown delivery guarantee '" + std::string(name) +
                               "' (expected at_least_once or exactly_once)"};
}

KafkaPipeline::KafkaPipeline(const PublishConfig& config, std::vector<PageTransform> transforms,
                             PipelineMetrics& metrics)
    : config_(config), transforms_(std::move(transforms)), metrics_(metrics) {}

Result<std::unique_ptr<KafkaPipeline>> KafkaPipeline::Create(const PublishConfig& config, PageProcessor& processor,
                                                             PipelineMetrics& metrics) {
  std::vector<PageTransform> one_worker;
  one_worker.emplace_back([&processor](std::string_view message, std::optional<InputFormat> format) {
    return processor.Process(message, format);
  });
  return Create(config, std::move(one_worker), metrics);
}

Result<std::unique_ptr<KafkaPipeline>> KafkaPipeline::Create(const PublishConfig& config,
                                                             std::vector<PageTransform> transforms,
                                                             PipelineMetrics& metrics) {
  if (transforms.empty()) return Failure{"config", "the pipeline needs at least one worker"};
  const bool transactional = config.producer_properties.count("transactional.id") > 0;
  if (config.delivery == DeliveryGuarantee::kExactlyOnce && !transactional) {
    return Failure{"config", "delivery exactly_once needs kafka.producer.transactional.id (unique and stable "
                             "per instance)"};
  }
  if (config.delivery == DeliveryGuarantee::kAtLeastOnce && transactional) {
    return Failure{"config", "kafka.producer.transactional.id is set but delivery is at_least_once; set "
                             "delivery: exactly_once or remove it"};
  }
  std::unique_ptr<KafkaPipeline> pipeline(new KafkaPipeline(config, std::move(transforms), metrics));

  auto producer_conf = MakeKafkaConf(ProducerProperties(config.producer_properties));
  if (!producer_conf) return producer_conf.failure();
  rd_kafka_conf_set_dr_msg_cb(producer_conf.value().get(), &KafkaPipeline::OnDelivery);
  rd_kafka_conf_set_opaque(producer_conf.value().get(), pipeline.get());
  auto producer = MakeKafkaClient(RD_KAFKA_PRODUCER, std::move(producer_conf).value());
  if (!producer) return producer.failure();
  pipeline->producer_ = std::move(producer).value();
  if (transactional) {
    auto initialised = InitTransactions(pipeline->producer_.get(), kTransactionTimeout);
    if (!initialised) return initialised.failure();
  }

  auto consumer_conf = MakeKafkaConf(ConsumerProperties(config.consumer_properties, config.delivery));
  if (!consumer_conf) return consumer_conf.failure();
  rd_kafka_conf_set_rebalance_cb(consumer_conf.value().get(), &KafkaPipeline::OnRebalance);
  rd_kafka_conf_set_offset_commit_cb(consumer_conf.value().get(), &KafkaPipeline::OnCommit);
  rd_kafka_conf_set_opaque(consumer_conf.value().get(), pipeline.get());
  auto consumer = MakeKafkaClient(RD_KAFKA_CONSUMER, std::move(consumer_conf).value());
  if (!consumer) return consumer.failure();
  pipeline->consumer_ = std::move(consumer).value();
  rd_kafka_poll_set_consumer(pipeline->consumer_.get());

  KafkaPartitionList topics(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(topics.get(), config.input_topic.c_str(), RD_KAFKA_PARTITION_UA);
  rd_kafka_resp_err_t error = rd_kafka_subscribe(pipeline->consumer_.get(), topics.get());
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Failure{"kafka", "cannot subscribe to '" + config.input_topic + "': " + rd_kafka_err2str(error)};
  }
  KafkaPipeline* self = pipeline.get();
  pipeline->workers_ = std::make_unique<PartitionWorkers>(
      self->transforms_.size(), kWorkerQueueCapacity,
      [self](std::size_t worker, const rd_kafka_message_t& message) { self->Handle(worker, message); });
  return pipeline;
}

KafkaPipeline::~KafkaPipeline() {
  workers_.reset();  // their handlers use everything below
  for (rd_kafka_message_t* message : held_) rd_kafka_message_destroy(message);
}

Result<PublishStats> KafkaPipeline::Run(const std::function<bool(const PublishStats&)>& should_stop) {
  auto last_commit = Clock::now();
  auto last_consumer_poll = Clock::now();
  while (true) {
    const PublishStats stats = Snapshot();
    {
      std::lock_guard lock(mutex_);
      if (!fatal_.empty()) break;
    }
    if (should_stop(stats)) break;
    if (HasRoom() || Clock::now() - last_consumer_poll >= kEventPollInterval) {
      last_consumer_poll = Clock::now();
      // While messages wait for room, poll briefly: it still serves rebalances and keeps the membership.
      if (rd_kafka_message_t* message =
              rd_kafka_consumer_poll(consumer_.get(), held_.empty() ? kPollTimeoutMs : 1)) {
        Dispatch(message);
      }
      rd_kafka_poll(producer_.get(), 0);  // serves delivery reports
    } else {
      rd_kafka_poll(producer_.get(), kBehindWaitMs);  // delivery reports, or a moment for the workers
    }
    DispatchHeld();
    ApplyBackpressure();
    metrics_.LoopAlive();
    metrics_.SetInFlight(stats.in_flight);
    metrics_.SetProducerQueueDepth(static_cast<std::size_t>(rd_kafka_outq_len(producer_.get())));
    if (Clock::now() - last_commit >= config_.commit_interval) {
      Commit(CommitMode::kAsync);
      ReportLag();
      last_commit = Clock::now();
    }
  }

  const auto deadline = Clock::now() + config_.shutdown_timeout;
  leaving_ = true;
  metrics_.SetReady(false);
  std::string fatal;
  {
    std::lock_guard lock(mutex_);
    fatal = fatal_;
  }
  if (!fatal.empty()) {
    // Nothing can be committed any more; leaving the group lets another instance take over.
    workers_.reset();
    rd_kafka_consumer_close(consumer_.get());
    return Failure{"fatal", fatal};
  }
  const std::string problems = Shutdown(deadline);
  if (!problems.empty()) return Failure{"publish", "unclean shutdown: " + problems};
  return Snapshot();
}

std::string KafkaPipeline::Shutdown(Clock::time_point deadline) {
  // Ordered: no more input; what was polled is handled; outputs flushed; what is done committed; group left.
  std::string problems;
  while (!held_.empty() && Clock::now() < deadline) {
    DispatchHeld();
    rd_kafka_poll(producer_.get(), 10);
  }
  if (!held_.empty() || !workers_->WaitIdle(deadline)) {
    problems += "work left undone at the deadline; ";
  }
  workers_.reset();  // drops what is still queued: uncommitted, so consumed again by the next owner
  rd_kafka_resp_err_t error = rd_kafka_flush(producer_.get(), RemainingMs(deadline));
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    problems += std::string("flush: ") + rd_kafka_err2str(error) + " (" +
                std::to_string(rd_kafka_outq_len(producer_.get())) + " messages undelivered); ";
  }
  // A coordinator that is moving or reconnecting answers again within moments: retry until the deadline.
  bool committed = Commit(CommitMode::kSync);
  while (!committed && Clock::now() + kCommitRetryBackoff < deadline) {
    std::this_thread::sleep_for(kCommitRetryBackoff);
    committed = Commit(CommitMode::kSync);
  }
  if (!committed) problems += "final commit failed; ";
  error = rd_kafka_consumer_close(consumer_.get());
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) problems += std::string("close: ") + rd_kafka_err2str(error) + "; ";
  std::lock_guard lock(mutex_);
  // Exactly-once: failed outputs only ever aborted their transaction, which was rewound.
  if (!exactly_once() && stats_.delivery_failures > 0) {
    problems += std::to_string(stats_.delivery_failures) + " outputs not delivered (their inputs stay uncommitted); ";
  }
  return problems;
}

PublishStats KafkaPipeline::Snapshot() {
  std::lock_guard lock(mutex_);
  stats_.in_flight = InFlight();
  return stats_;
}

std::size_t KafkaPipeline::InFlight() const {
  if (exactly_once()) return transaction_ ? static_cast<std::size_t>(transaction_->consumed) : 0;
  return offsets_.in_flight();
}

void KafkaPipeline::ReportLag() {
  rd_kafka_topic_partition_list_t* assignment = nullptr;
  if (rd_kafka_assignment(consumer_.get(), &assignment) != RD_KAFKA_RESP_ERR_NO_ERROR) return;
  KafkaPartitionList partitions(assignment);
  if (rd_kafka_position(consumer_.get(), partitions.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) return;
  for (int i = 0; i < partitions->cnt; ++i) {
    const rd_kafka_topic_partition_t& partition = partitions->elems[i];
    // A partition that delivered nothing since it was assigned has no position, but may have reported its end.
    const auto end = end_offsets_.find(partition.partition);
    const int64_t position = std::max(partition.offset, end == end_offsets_.end() ? int64_t{-1} : end->second);
    int64_t low = 0;
    int64_t high = 0;
    // Cached from fetch responses: no broker round trip, so the cost stays bounded.
    if (position < 0 || rd_kafka_get_watermark_offsets(consumer_.get(), partition.topic, partition.partition,
                                                               &low, &high) != RD_KAFKA_RESP_ERR_NO_ERROR ||
        high < 0) {
      continue;  // nothing consumed or fetched yet: the lag is not known
    }
    metrics_.SetConsumerLag(partition.partition, std::max<int64_t>(0, high - position));
  }
}

void KafkaPipeline::Dispatch(rd_kafka_message_t* message) {
  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      end_offsets_[message->partition] = message->offset;
    } else {
      spdlog::warn("consumer: {}", rd_kafka_message_errstr(message));
    }
    rd_kafka_message_destroy(message);
    return;
  }
  held_bytes_ += message->len;
  held_.push_back(message);
}

void KafkaPipeline::DispatchHeld() {
  // A full worker queue holds back only that worker's messages; the other workers still get theirs. A
  // partition always maps to the same worker, so skipping all of a full worker's messages keeps each
  // partition's order.
  if (held_.empty()) return;  // the usual case on every loop turn: no bookkeeping to allocate
  std::vector<bool> full(workers_->size(), false);
  std::size_t full_workers = 0;
  for (auto message = held_.begin(); message != held_.end() && full_workers < full.size();) {
    const std::size_t worker = workers_->WorkerOf((*message)->partition);
    if (full[worker]) {
      ++message;
      continue;
    }
    if (exactly_once()) {
      std::lock_guard lock(mutex_);
      if (!fatal_.empty()) return;
      if (!transaction_) {
        auto begun = BeginTransaction(producer_.get());
        if (!begun) {
          fatal_ = begun.failure().reason;
          return;
        }
        transaction_.emplace();
      }
    }
    const std::size_t bytes = (*message)->len;
    if (!workers_->TryPush(*message)) {
      full[worker] = true;
      ++full_workers;
      ++message;
      continue;
    }
    held_bytes_ -= bytes;
    message = held_.erase(message);
  }
}

bool KafkaPipeline::HasRoom() const {
  return held_bytes_ <= kMaxHeldBytes / 2 && rd_kafka_outq_len(producer_.get()) <= kMaxUnacknowledgedOutputs / 2;
}

void KafkaPipeline::ApplyBackpressure() {
  if (!paused_ && (held_bytes_ > kMaxHeldBytes || rd_kafka_outq_len(producer_.get()) > kMaxUnacknowledgedOutputs)) {
    SetPaused(true);
  } else if (paused_ && HasRoom()) {
    SetPaused(false);
  }
}

void KafkaPipeline::SetPaused(bool paused) {
  rd_kafka_topic_partition_list_t* assignment = nullptr;
  rd_kafka_resp_err_t error = rd_kafka_assignment(consumer_.get(), &assignment);
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    spdlog::warn("cannot read the assignment to {} it: {}", paused ? "pause" : "resume", rd_kafka_err2str(error));
    return;
  }
  KafkaPartitionList partitions(assignment);
  error = paused ? rd_kafka_pause_partitions(consumer_.get(), partitions.get())
                 : rd_kafka_resume_partitions(consumer_.get(), partitions.get());
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    spdlog::warn("cannot {} consumption: {}", paused ? "pause" : "resume", rd_kafka_err2str(error));
    return;
  }
  paused_ = paused;
}

void KafkaPipeline::Handle(std::size_t worker, const rd_kafka_message_t& message) {
  const auto started = Clock::now();
  // Read once per message: a revoke waits until the message is handled before it bumps the generation.
  DeliveryTag origin{message.partition, message.offset, 0};
  {
    std::lock_guard lock(mutex_);
    origin.generation = generations_[message.partition];
    if (transaction_) {
      transaction_->first_offsets.try_emplace(message.partition, message.offset);
      transaction_->positions[message.partition] = message.offset + 1;
      ++transaction_->consumed;
    }
    ++stats_.consumed;
  }
  auto format = FormatOverride(message);
  if (!format) {
    DeadLetter(message, format.failure(), origin);
    return;
  }
  std::string_view value(static_cast<const char*>(message.payload), message.len);
  auto events = transforms_[worker](value, format.value());
  if (!events) {
    DeadLetter(message, events.failure(), origin);
    return;
  }
  {
    std::lock_guard lock(mutex_);
    if (transaction_) {
      transaction_->events += events.value().size();
    } else {
      offsets_.Consumed(message.partition, message.offset, static_cast<int>(events.value().size()));
    }
    stats_.events_produced += events.value().size();
  }
  for (const EncodedEvent& event : events.value()) {
    const std::string& topic = event.kind == EventKind::kMention ? config_.mention_topic : config_.output_topic;
    Produce(topic, event.key, event.value, origin, nullptr);
  }
  metrics_.ObserveProcessingSeconds(std::chrono::duration<double>(Clock::now() - started).count());
}

void KafkaPipeline::DeadLetter(const rd_kafka_message_t& message, const Failure& failure,
                               const DeliveryTag& origin) {
  metrics_.DeadLetter(failure);
  {
    std::lock_guard lock(mutex_);
    ++stats_.dead_letters;
    if (transaction_) {
      ++transaction_->dead_letters;
    } else {
      offsets_.Consumed(message.partition, message.offset, 1);
    }
  }

  const std::string source_topic = rd_kafka_topic_name(message.rkt);
  const std::string source_partition = std::to_string(message.partition);
  const std::string source_offset = std::to_string(message.offset);
  rd_kafka_headers_t* headers = rd_kafka_headers_new(5);
  rd_kafka_header_add(headers, "backlint.error", -1, failure.reason.data(), failure.reason.size());
  rd_kafka_header_add(headers, "backlint.stage", -1, failure.stage.data(), failure.stage.size());
  rd_kafka_header_add(headers, "backlint.source.topic", -1, source_topic.data(), source_topic.size());
  rd_kafka_header_add(headers, "backlint.source.partition", -1, source_partition.data(), source_partition.size());
  rd_kafka_header_add(headers, "backlint.source.offset", -1, source_offset.data(), source_offset.size());

  // The original bytes and key, unchanged, so the message can be replayed once the cause is fixed.
  std::string key = message.key ? std::string(static_cast<const char*>(message.key), message.key_len) : "";
  std::string value(static_cast<const char*>(message.payload), message.len);
  spdlog::warn("dead letter {}[{}]@{}: {}: {}", source_topic, message.partition, message.offset, failure.stage,
               failure.reason);
  Produce(config_.dead_letter_topic, key, value, origin, headers);
}

void KafkaPipeline::Produce(const std::string& topic, const std::string& key, const std::string& value,
                            const DeliveryTag& origin, rd_kafka_headers_t* headers) {
  auto* tag = new DeliveryTag(origin);
  rd_kafka_resp_err_t error;
  // A full local queue is backpressure, not failure: serve delivery reports until there is room.
  while ((error = rd_kafka_producev(producer_.get(), RD_KAFKA_V_TOPIC(topic.c_str()),
                                    RD_KAFKA_V_KEY(key.data(), key.size()),
                                    RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                                    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_OPAQUE(tag),
                                    RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_END)) == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
    rd_kafka_poll(producer_.get(), kPollTimeoutMs);
  }
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    spdlog::error("produce to '{}' failed: {}", topic, rd_kafka_err2str(error));
    if (headers != nullptr) rd_kafka_headers_destroy(headers);  // ownership passes only on success
    delete tag;
    metrics_.DeliveryFailed();
    std::lock_guard lock(mutex_);
    if (transaction_) transaction_->produce_failed = true;
    offsets_.Failed(origin.partition, origin.offset);
    ++stats_.delivery_failures;
  }
}

void KafkaPipeline::OnDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  auto* pipeline = static_cast<KafkaPipeline*>(opaque);
  std::unique_ptr<DeliveryTag> tag(static_cast<DeliveryTag*>(message->_private));
  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    // Exactly-once: the failure aborts the transaction, which is logged once, with its cause.
    if (!pipeline->exactly_once()) {
      spdlog::error("delivery to '{}' failed: {}; input offset {}@{} will not be committed",
                    rd_kafka_topic_name(message->rkt), rd_kafka_err2str(message->err), tag->partition, tag->offset);
    }
    pipeline->metrics_.DeliveryFailed();
  }
  std::lock_guard lock(pipeline->mutex_);
  if (tag->generation != pipeline->generations_[tag->partition]) return;  // revoked since
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    pipeline->offsets_.Acknowledged(tag->partition, tag->offset);
    ++pipeline->stats_.delivered;
  } else {
    pipeline->offsets_.Failed(tag->partition, tag->offset);
    ++pipeline->stats_.delivery_failures;
  }
}

bool KafkaPipeline::Commit(CommitMode mode) {
  if (exactly_once()) return EndTransaction();
  std::map<int32_t, int64_t> committable;
  {
    std::lock_guard lock(mutex_);
    committable = offsets_.Committable();
  }
  if (committable.empty()) return true;
  // Asynchronous in the loop: a synchronous commit would wait behind the connection's long-poll fetch.
  rd_kafka_resp_err_t error = rd_kafka_commit(
      consumer_.get(), PartitionList(config_.input_topic, committable).get(), mode == CommitMode::kAsync);
  if (mode == CommitMode::kSync) Committed(error, committable);
  return error == RD_KAFKA_RESP_ERR_NO_ERROR;
}

void KafkaPipeline::Committed(rd_kafka_resp_err_t error, const std::map<int32_t, int64_t>& offsets) {
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    spdlog::warn("offset commit {} failed: {}; will retry", OffsetsText(offsets), rd_kafka_err2str(error));
    return;
  }
  std::lock_guard lock(mutex_);
  offsets_.MarkCommitted(offsets);
  ++stats_.commits;
}

void KafkaPipeline::OnCommit(rd_kafka_t*, rd_kafka_resp_err_t error, rd_kafka_topic_partition_list_t* offsets,
                             void* opaque) {
  std::map<int32_t, int64_t> committed;
  for (int i = 0; offsets != nullptr && i < offsets->cnt; ++i) {
    committed[offsets->elems[i].partition] = offsets->elems[i].offset;
  }
  // RD_KAFKA_RESP_ERR__NO_OFFSET: there was nothing to commit.
  if (error != RD_KAFKA_RESP_ERR__NO_OFFSET) static_cast<KafkaPipeline*>(opaque)->Committed(error, committed);
}

bool KafkaPipeline::EndTransaction() {
  // Every dispatched message must be handled and produced before its position can commit.
  const bool idle = !workers_ || workers_->WaitIdle(Clock::now() + kTransactionTimeout);
  OpenTransaction transaction;
  {
    std::lock_guard lock(mutex_);
    if (!transaction_) return true;
    transaction = std::move(*transaction_);
    transaction_.reset();
  }
  const TransactionEnd end =
      transaction.produce_failed || !idle
          ? AbortTransaction(producer_.get(), idle ? "an output could not be produced" : "workers did not finish",
                             kTransactionTimeout)
          : CommitTransaction(producer_.get(), consumer_.get(), config_.input_topic, transaction.positions,
                              kTransactionTimeout);
  {
    std::lock_guard lock(mutex_);
    switch (end.outcome) {
      case TransactionEnd::Outcome::kCommitted:
        ++stats_.transactions;
        ++stats_.commits;
        break;
      case TransactionEnd::Outcome::kAborted:
        ++stats_.aborted_transactions;
        stats_.consumed -= transaction.consumed;
        stats_.events_produced -= transaction.events;
        stats_.dead_letters -= transaction.dead_letters;
        stats_.events_aborted += transaction.events;
        break;
      case TransactionEnd::Outcome::kFatal:
        fatal_ = "exactly-once delivery cannot continue: " + end.reason;
        spdlog::critical("{}", fatal_);
        break;
    }
  }
  if (end.outcome == TransactionEnd::Outcome::kAborted) Rewind(transaction.first_offsets);
  return end.outcome == TransactionEnd::Outcome::kCommitted;
}

void KafkaPipeline::Rewind(const std::map<int32_t, int64_t>& first_offsets) {
  // Polled messages beyond the rewind point would otherwise be handled ahead of their predecessors.
  std::erase_if(held_, [&](rd_kafka_message_t* message) {
    if (first_offsets.count(message->partition) == 0) return false;
    held_bytes_ -= message->len;
    rd_kafka_message_destroy(message);
    return true;
  });
  // The aborted batch's first offsets are where the committed positions stand.
  KafkaPartitionList list = PartitionList(config_.input_topic, first_offsets);
  std::string problem;
  if (rd_kafka_error_t* error = rd_kafka_seek_partitions(
          consumer_.get(), list.get(), static_cast<int>(std::chrono::milliseconds(kTransactionTimeout).count()))) {
    problem = rd_kafka_error_string(error);
    rd_kafka_error_destroy(error);
  }
  for (int i = 0; i < list->cnt && problem.empty(); ++i) {
    if (list->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) problem = rd_kafka_err2str(list->elems[i].err);
  }
  // Carrying on from where the consumer stands would skip the aborted batch's inputs.
  if (!problem.empty()) {
    std::lock_guard lock(mutex_);
    fatal_ = "cannot rewind to " + OffsetsText(first_offsets) + " after an abort: " + problem;
  }
}

void KafkaPipeline::OnRebalance(rd_kafka_t* consumer, rd_kafka_resp_err_t reason,
                                rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  auto* pipeline = static_cast<KafkaPipeline*>(opaque);
  const bool cooperative = std::string_view(rd_kafka_rebalance_protocol(consumer)) == "COOPERATIVE";
  if (reason == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    pipeline->Assign(partitions, cooperative);
  } else {
    if (reason != RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
      spdlog::error("rebalance failed: {}; dropping the assignment", rd_kafka_err2str(reason));
    }
    pipeline->Revoke(partitions, cooperative);
  }
}

void KafkaPipeline::Assign(rd_kafka_topic_partition_list_t* partitions, bool cooperative) {
  if (cooperative) {
    if (rd_kafka_error_t* error = rd_kafka_incremental_assign(consumer_.get(), partitions)) {
      spdlog::error("incremental assign of {} partitions failed: {}", partitions->cnt, rd_kafka_error_string(error));
      rd_kafka_error_destroy(error);
      return;
    }
  } else {
    rd_kafka_resp_err_t error = rd_kafka_assign(consumer_.get(), partitions);
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
      spdlog::error("assign of {} partitions failed: {}", partitions->cnt, rd_kafka_err2str(error));
      return;
    }
  }
  // New partitions join a paused consumption paused.
  if (paused_) {
    rd_kafka_resp_err_t error = rd_kafka_pause_partitions(consumer_.get(), partitions);
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR) spdlog::warn("cannot pause new partitions: {}", rd_kafka_err2str(error));
  }
  {
    std::lock_guard lock(mutex_);
    stats_.assigned_partitions =
        (cooperative ? stats_.assigned_partitions : 0) + static_cast<std::size_t>(partitions->cnt);
    metrics_.SetAssignedPartitions(stats_.assigned_partitions);
  }
  // A member of the group now, even with nothing assigned: more replicas than partitions leaves some idle by
  // design, connected and ready to take over a partition at the next rebalance.
  metrics_.SetReady(true);
  spdlog::info("assigned {} partitions of '{}' ({} rebalance)", partitions->cnt, config_.input_topic,
               cooperative ? "cooperative" : "eager");
}

void KafkaPipeline::Revoke(rd_kafka_topic_partition_list_t* partitions, bool cooperative) {
  std::set<int32_t> revoked;
  for (int i = 0; i < partitions->cnt; ++i) revoked.insert(partitions->elems[i].partition);
  // Work not started is dropped: uncommitted, the next owner consumes it.
  std::erase_if(held_, [&](rd_kafka_message_t* message) {
    if (revoked.count(message->partition) == 0) return false;
    held_bytes_ -= message->len;
    rd_kafka_message_destroy(message);
    return true;
  });
  if (workers_) workers_->Drop(revoked);
  // A lost assignment (session timed out) belongs to another member already: committing would fail.
  const bool lost = rd_kafka_assignment_lost(consumer_.get());
  if (!lost) {
    rd_kafka_resp_err_t error =
        rd_kafka_flush(producer_.get(), static_cast<int>(config_.shutdown_timeout.count()));
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
      spdlog::warn("revoke: {} outputs still unacknowledged ({}); their inputs go to the next owner again",
                   rd_kafka_outq_len(producer_.get()), rd_kafka_err2str(error));
    }
    Commit(CommitMode::kSync);
  }
  {
    std::lock_guard lock(mutex_);
    for (int32_t partition : revoked) {
      offsets_.Forget(partition);
      ++generations_[partition];
      end_offsets_.erase(partition);
      metrics_.ForgetPartition(partition);
    }
    stats_.assigned_partitions = cooperative ? stats_.assigned_partitions - std::min(stats_.assigned_partitions,
                                                                                      revoked.size())
                                             : 0;
    metrics_.SetAssignedPartitions(stats_.assigned_partitions);
  }
  // An eager revoke leaves the member waiting for the group's next assignment, and a lost one has lost
  // the coordinator: not ready until assigned again. A cooperative revoke keeps the member in the group,
  // unless it is leaving.
  metrics_.SetReady(cooperative && !lost && !leaving_);
  if (cooperative) {
    if (rd_kafka_error_t* error = rd_kafka_incremental_unassign(consumer_.get(), partitions)) {
      spdlog::error("incremental unassign failed: {}", rd_kafka_error_string(error));
      rd_kafka_error_destroy(error);
    }
  } else {
    rd_kafka_resp_err_t error = rd_kafka_assign(consumer_.get(), nullptr);
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR) spdlog::error("unassign failed: {}", rd_kafka_err2str(error));
  }
  spdlog::info("revoked {} partitions of '{}'", partitions->cnt, config_.input_topic);
}

std::chrono::milliseconds LongestLoopWait(const PublishConfig& config) {
  // EndTransaction: WaitIdle, then CommitTransaction or AbortTransaction, then Rewind, each within
  // kTransactionTimeout.
  constexpr int kTransactionSteps = 3;
  return config.shutdown_timeout + (config.delivery == DeliveryGuarantee::kExactlyOnce
                                        ? kTransactionSteps * std::chrono::milliseconds(kTransactionTimeout)
                                        : std::chrono::milliseconds::zero());
}

}  // namespace backlint
