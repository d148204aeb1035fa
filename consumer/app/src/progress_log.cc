#include "backlint/app/progress_log.h"

#include <spdlog/spdlog.h>

namespace backlint {

void ProgressLog::Observe(const PublishStats& stats) {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < interval_) return;
  const double seconds = std::chrono::duration<double>(now - last_).count();
  spdlog::info("pages {} ({:.1f}/s), backlink events {}, dead letters {}, delivered {}, in flight {}, commits {}",
               stats.consumed, (stats.consumed - last_consumed_) / seconds, stats.events_produced,
               stats.dead_letters, stats.delivered, stats.in_flight, stats.commits);
  last_ = now;
  last_consumed_ = stats.consumed;
}

}  // namespace backlint
