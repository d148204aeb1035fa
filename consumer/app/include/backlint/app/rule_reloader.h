#pragma once
// Hot reload for `run`: the rule file is loaded again on SIGHUP and when it changes on disk, validated,
// and swapped into every running PageProcessor (one per worker). A bad file keeps the running rule set.
#include <chrono>
#include <ctime>
#include <string>
#include <vector>

#include <sys/types.h>

#include "backlint/metrics/pipeline_metrics.h"
#include "backlint/pipeline/page_processor.h"

namespace backlint {

class RuleReloader {
 public:
  enum class Outcome {
    kUnchanged,  // nothing to do: the file (or its content) is what is running
    kSwapped,    // the new rule set is running; counted as a success
    kRejected,   // the file did not load; the old set keeps running; counted as a failure
    kBuiltIn,    // no rule file: the built-in rules cannot change
  };

  // `path` is the file the `processors` were loaded from (empty: the built-in rules); all of them run the
  // same rule set and are swapped together. The file is stamped now, so only later changes trigger a
  // reload. `poll_interval` is how often Tick looks at the file.
  RuleReloader(std::string path, std::vector<PageProcessor*> processors, PipelineMetrics& metrics,
               std::chrono::milliseconds poll_interval);

  // SIGHUP: loads, validates and swaps in whatever the file holds now.
  Outcome Reload();
  // Polling: one stat(2); reloads only when the file's inode, size or mtime differ from the last seen,
  // so an unchanged file costs nothing and a broken one is reported once per change.
  Outcome ReloadIfChanged();
  // Called from the consumer loop: Reload when `requested` (a SIGHUP arrived), else ReloadIfChanged
  // once every poll interval.
  Outcome Tick(bool requested);

 private:
  struct FileStamp {
    bool exists = false;
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = 0;
    std::timespec mtime{};
    bool operator==(const FileStamp& other) const;
  };
  FileStamp Stamp() const;

  std::string path_;
  std::vector<PageProcessor*> processors_;
  PipelineMetrics& metrics_;
  std::chrono::milliseconds poll_interval_;
  std::chrono::steady_clock::time_point last_poll_ = std::chrono::steady_clock::now();
  FileStamp last_stamp_;
};

}  // namespace backlint
