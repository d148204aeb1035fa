#pragma once
// SIGHUP asks `run` to reload its rule file. The handler only sets a lock-free flag (async-signal-safe);
// the consumer loop takes it between messages.

namespace backlint {

void InstallReloadSignal();
// True once for any number of SIGHUPs received since the previous call.
bool TakeReloadRequest();

}  // namespace backlint
