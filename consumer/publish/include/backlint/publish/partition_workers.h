#pragma once
// Worker threads for the Kafka pipeline. A partition belongs to one worker (partition modulo the
// number of workers), so its messages are handled in offset order; each worker's queue is bounded, and
// a full queue refuses a message, which the poll loop then holds (and pauses consumption if it holds
// too much).
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <librdkafka/rdkafka.h>

namespace backlint {

class PartitionWorkers {
 public:
  // Called on worker `worker`'s thread for each message, in partition offset order.
  using Handler = std::function<void(std::size_t worker, const rd_kafka_message_t& message)>;
  // Worker threads are named this plus their index, so `top -H` and per-thread CPU figures tell them apart.
  static constexpr const char* kThreadNamePrefix = "backlint-w";

  PartitionWorkers(std::size_t workers, std::size_t queue_capacity, Handler handler);
  // Stops the workers; messages still queued are dropped.
  ~PartitionWorkers();

  // Queues `message`, taking ownership, unless its worker's queue is full: then false, and the
  // caller keeps it.
  bool TryPush(rd_kafka_message_t* message);
  // Drops the queued messages of `partitions` and waits until no worker is handling one of them.
  void Drop(const std::set<int32_t>& partitions);
  // Waits until every queue is empty and every worker idle, or `deadline` passes; whether they are.
  bool WaitIdle(std::chrono::steady_clock::time_point deadline);
  std::size_t size() const { return workers_.size(); }
  // The worker that handles `partition`'s messages.
  std::size_t WorkerOf(int32_t partition) const { return static_cast<std::size_t>(partition) % workers_.size(); }

 private:
  struct MessageDeleter {
    void operator()(rd_kafka_message_t* message) const { rd_kafka_message_destroy(message); }
  };
  using Message = std::unique_ptr<rd_kafka_message_t, MessageDeleter>;
  struct Worker {
    std::deque<Message> queue;
    int32_t handling = -1;  // the partition of the message being handled, -1 when none
    std::thread thread;
  };
  void Work(std::size_t index);
  bool Idle() const;  // requires mutex_

  const std::size_t queue_capacity_;
  const Handler handler_;
  std::mutex mutex_;
  std::condition_variable work_available_;
  std::condition_variable work_done_;
  bool stopping_ = false;
  std::vector<Worker> workers_;
};

}  // namespace backlint
