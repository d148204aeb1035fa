#include "backlint/publish/partition_workers.h"

#include <pthread.h>

#include <algorithm>
#include <string>

namespace backlint {

PartitionWorkers::PartitionWorkers(std::size_t workers, std::size_t queue_capacity, Handler handler)
    : queue_capacity_(queue_capacity), handler_(std::move(handler)), workers_(std::max<std::size_t>(workers, 1)) {
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    workers_[i].thread = std::thread([this, i] { Work(i); });
    // Only a label for tools: a name that cannot be set (too long) changes nothing else.
    pthread_setname_np(workers_[i].thread.native_handle(), (kThreadNamePrefix + std::to_string(i)).c_str());
  }
}

PartitionWorkers::~PartitionWorkers() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_available_.notify_all();
  for (Worker& worker : workers_) worker.thread.join();
}

bool PartitionWorkers::TryPush(rd_kafka_message_t* message) {
  {
    std::lock_guard lock(mutex_);
    Worker& worker = workers_[WorkerOf(message->partition)];
    if (worker.queue.size() >= queue_capacity_) return false;
    worker.queue.emplace_back(message);
  }
  work_available_.notify_all();
  return true;
}

void PartitionWorkers::Drop(const std::set<int32_t>& partitions) {
  std::unique_lock lock(mutex_);
  for (Worker& worker : workers_) {
    std::erase_if(worker.queue, [&](const Message& message) { return partitions.count(message->partition) > 0; });
  }
  work_done_.wait(lock, [&] {
    return std::none_of(workers_.begin(), workers_.end(),
                        [&](const Worker& worker) { return partitions.count(worker.handling) > 0; });
  });
}

bool PartitionWorkers::WaitIdle(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return work_done_.wait_until(lock, deadline, [&] { return Idle(); });
}

bool PartitionWorkers::Idle() const {
  return std::all_of(workers_.begin(), workers_.end(),
                     [](const Worker& worker) { return worker.queue.empty() && worker.handling < 0; });
}

void PartitionWorkers::Work(std::size_t index) {
  Worker& worker = workers_[index];
  std::unique_lock lock(mutex_);
  while (true) {
    work_available_.wait(lock, [&] { return stopping_ || !worker.queue.empty(); });
    if (stopping_) return;
    Message message = std::move(worker.queue.front());
    worker.queue.pop_front();
    worker.handling = message->partition;
    lock.unlock();
    handler_(index, *message);
    message.reset();
    lock.lock();
    worker.handling = -1;
    work_done_.notify_all();
  }
}

}  // namespace backlint
