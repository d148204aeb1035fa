#pragma once
// A progress line every `interval` on long runs, so operators see the pipeline moving.
#include <chrono>

#include "backlint/publish/kafka_pipeline.h"

namespace backlint {

class ProgressLog {
 public:
  explicit ProgressLog(std::chrono::seconds interval) : interval_(interval) {}
  void Observe(const PublishStats& stats);

 private:
  std::chrono::seconds interval_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
  uint64_t last_consumed_ = 0;
};

}  // namespace backlint
