#include "backlint/publish/offset_tracker.h"

namespace backlint {

void OffsetTracker::Consumed(int32_t partition, int64_t offset, int outputs) {
  pending_[partition][offset] = Pending{outputs, false};
  if (outputs > 0) ++in_flight_;
}

void OffsetTracker::Acknowledged(int32_t partition, int64_t offset) { Settle(partition, offset, false); }

void OffsetTracker::Failed(int32_t partition, int64_t offset) { Settle(partition, offset, true); }

void OffsetTracker::Settle(int32_t partition, int64_t offset, bool failed) {
  auto partition_it = pending_.find(partition);
  if (partition_it == pending_.end()) return;
  auto it = partition_it->second.find(offset);
  if (it == partition_it->second.end() || it->second.outputs == 0) return;
  it->second.failed = it->second.failed || failed;
  if (--it->second.outputs == 0) --in_flight_;
}

std::map<int32_t, int64_t> OffsetTracker::Committable() {
  for (auto& [partition, offsets] : pending_) {
    // Offsets need not be contiguous (compaction, transaction markers): consumed order is what counts.
    while (!offsets.empty() && offsets.begin()->second.outputs == 0 && !offsets.begin()->second.failed) {
      committable_[partition] = offsets.begin()->first + 1;
      offsets.erase(offsets.begin());
    }
  }
  return committable_;
}

void OffsetTracker::MarkCommitted(const std::map<int32_t, int64_t>& committed) {
  for (const auto& [partition, offset] : committed) {
    auto it = committable_.find(partition);
    if (it != committable_.end() && it->second == offset) committable_.erase(it);
  }
}

void OffsetTracker::Forget(int32_t partition) {
  auto it = pending_.find(partition);
  if (it != pending_.end()) {
    for (const auto& [offset, pending] : it->second) {
      if (pending.outputs > 0) --in_flight_;
    }
    pending_.erase(it);
  }
  committable_.erase(partition);
}

}  // namespace backlint
