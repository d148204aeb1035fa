#include "backlint/app/rule_reloader.h"

#include <utility>

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include "backlint/pipeline/processor_setup.h"

namespace backlint {

RuleReloader::RuleReloader(std::string path, std::vector<PageProcessor*> processors, PipelineMetrics& metrics,
                           std::chrono::milliseconds poll_interval)
    : path_(std::move(path)), processors_(std::move(processors)), metrics_(metrics), poll_interval_(poll_interval) {
  last_stamp_ = Stamp();
}

bool RuleReloader::FileStamp::operator==(const FileStamp& other) const {
  return exists == other.exists && device == other.device && inode == other.inode && size == other.size &&
         mtime.tv_sec == other.mtime.tv_sec && mtime.tv_nsec == other.mtime.tv_nsec;
}

RuleReloader::FileStamp RuleReloader::Stamp() const {
  struct stat status {};
  // stat follows symlinks, so a Kubernetes ConfigMap's swapped `..data` link shows as a new inode.
  if (::stat(path_.c_str(), &status) != 0) return FileStamp{};
  return FileStamp{true, status.st_dev, status.st_ino, status.st_size, status.st_mtim};
}

RuleReloader::Outcome RuleReloader::Reload() {
  const std::shared_ptr<const RuleSet> running = processors_.front()->rules();
  if (path_.empty()) {
    spdlog::info("rule reload: no rule file configured, the built-in rule set '{}' stays", running->name());
    return Outcome::kBuiltIn;
  }
  // Stamped before reading, so a write that lands during the load is seen by the next poll.
  last_stamp_ = Stamp();
  auto loaded = LoadRules(path_);
  if (!loaded) {
    metrics_.RuleReload(false);
    spdlog::error("rule reload rejected, rule set '{}' ({}) keeps running: {}", running->name(), running->hash(),
                  loaded.failure().reason);
    return Outcome::kRejected;
  }
  std::shared_ptr<const RuleSet> rules = std::move(loaded).value();
  if (rules->hash() == running->hash()) {
    spdlog::info("rule reload: {} is unchanged (hash {})", path_, running->hash());
    return Outcome::kUnchanged;
  }
  spdlog::info("rule reload: {} swapped in, rule set '{}' ({}) replaces '{}' ({})", path_, rules->name(),
               rules->hash(), running->name(), running->hash());
  for (PageProcessor* processor : processors_) processor->ReplaceRules(rules);
  metrics_.RuleReload(true);
  return Outcome::kSwapped;
}

RuleReloader::Outcome RuleReloader::ReloadIfChanged() {
  if (path_.empty() || Stamp() == last_stamp_) return Outcome::kUnchanged;
  return Reload();
}

RuleReloader::Outcome RuleReloader::Tick(bool requested) {
  if (requested) return Reload();
  const auto now = std::chrono::steady_clock::now();
  if (now - last_poll_ < poll_interval_) return Outcome::kUnchanged;
  last_poll_ = now;
  return ReloadIfChanged();
}

}  // namespace backlint
