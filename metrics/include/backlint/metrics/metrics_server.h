#pragma once
// One HTTP listener for operators: /metrics (the registry, Prometheus text format), /healthz (200 while the
// process serves and its loop runs, else 503) and /readyz (200 when ready, else 503). prometheus-cpp's
// Exposer cannot serve extra paths, so this serves the registry itself on civetweb, the server the Exposer
// is built on.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <prometheus/registry.h>

#include "backlint/result.h"

class CivetServer;
class CivetHandler;

namespace backlint {

class MetricsServer {
 public:
  // `listen` is "host:port" (port 0 picks a free one); `ready` answers /readyz on each request, and
  // `alive` /healthz (503 when false, for a hung loop; none: 200 while the process serves).
  // Failure.stage is "metrics".
  static Result<std::unique_ptr<MetricsServer>> Start(const std::string& listen,
                                                       std::shared_ptr<prometheus::Registry> registry,
                                                       std::function<bool()> ready,
                                                       std::function<bool()> alive = {});
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  int port() const { return port_; }

 private:
  MetricsServer() = default;

  // Handlers first: the server, destroyed before them, stops calling them.
  std::vector<std::unique_ptr<CivetHandler>> handlers_;
  std::unique_ptr<CivetServer> server_;
  int port_ = 0;
};

// Whether `listen` is an address Start can take: "host:port" or a port alone, the port from 0 to 65535.
// Lets a configuration be rejected where it is read (file and line), not when the process starts.
// Failure.stage is "metrics"; the reason does not quote `listen`, so callers decide whether to show it.
Result<bool> CheckListenAddress(std::string_view listen);

}  // namespace backlint
