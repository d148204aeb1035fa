#include "backlint/app/reload_signal.h"

#include <atomic>
#include <csignal>

namespace backlint {
namespace {

std::atomic<bool> reload_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the SIGHUP handler may only touch lock-free atomics");

void RequestReload(int) { reload_requested.store(true); }

}  // namespace

void InstallReloadSignal() {
  struct sigaction action {};
  action.sa_handler = RequestReload;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // a SIGHUP must not fail a blocking read elsewhere with EINTR
  sigaction(SIGHUP, &action, nullptr);
}

bool TakeReloadRequest() { return reload_requested.exchange(false); }

}  // namespace backlint
