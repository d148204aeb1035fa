#pragma once
// Serves a registry on /metrics over HTTP (prometheus-cpp's civetweb exposer).
#include <memory>
#include <string>

#include <prometheus/exposer.h>
#include <prometheus/registry.h>

#include "backlint/result.h"

namespace backlint {

class MetricsServer {
 public:
  // `listen` is "host:port" (port 0 picks a free one). Failure.stage is "metrics".
  static Result<std::unique_ptr<MetricsServer>> Start(const std::string& listen,
                                                       std::shared_ptr<prometheus::Registry> registry);
  int port() const;

 private:
  explicit MetricsServer(std::unique_ptr<prometheus::Exposer> exposer) : exposer_(std::move(exposer)) {}
  std::unique_ptr<prometheus::Exposer> exposer_;
};

}  // namespace backlint
