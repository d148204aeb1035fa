#pragma once
// At-least-once bookkeeping: an input offset becomes committable only when every output it produced
// (events or its dead letter) is acknowledged, and only after every earlier offset of its partition.
#include <cstddef>
#include <cstdint>
#include <map>

namespace backlint {

class OffsetTracker {
 public:
  // A consumed message that will produce `outputs` messages (0: done at once).
  void Consumed(int32_t partition, int64_t offset, int outputs);
  // One output of that message was acknowledged by the brokers.
  void Acknowledged(int32_t partition, int64_t offset);
  // One output could not be delivered: this offset, and so its partition, never advances past it
  // in this process; a restart redelivers it.
  void Failed(int32_t partition, int64_t offset);

  // Per partition that advanced and is not yet committed: the offset to commit (last done offset + 1).
  std::map<int32_t, int64_t> Committable();
  // The brokers accepted this commit; a failed commit is simply offered again by Committable().
  void MarkCommitted(const std::map<int32_t, int64_t>& committed);

  // The partition was revoked: its pending offsets and uncommitted position are no longer this
  // process's to commit.
  void Forget(int32_t partition);

  // Consumed messages whose outputs are not all settled (acknowledged or failed).
  std::size_t in_flight() const { return in_flight_; }

 private:
  struct Pending {
    int outputs = 0;
    bool failed = false;
  };
  void Settle(int32_t partition, int64_t offset, bool failed);

  std::map<int32_t, std::map<int64_t, Pending>> pending_;
  std::map<int32_t, int64_t> committable_;
  std::size_t in_flight_ = 0;
};

}  // namespace backlint
