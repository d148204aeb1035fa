#include "backlint/metrics/metrics_server.h"

#include <exception>

namespace backlint {

Result<std::unique_ptr<MetricsServer>> MetricsServer::Start(const std::string& listen,
                                                             std::shared_ptr<prometheus::Registry> registry) {
  std::unique_ptr<prometheus::Exposer> exposer;
  try {
    // civetweb reports a busy or invalid port by throwing from the constructor.
    exposer = std::make_unique<prometheus::Exposer>(listen);
  } catch (const std::exception& error) {
    return Failure{"metrics", "cannot listen on '" + listen + "': " + error.what()};
  }
  exposer->RegisterCollectable(registry);
  return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(exposer)));
}

int MetricsServer::port() const {
  auto ports = exposer_->GetListeningPorts();
  return ports.empty() ? 0 : ports.front();
}

}  // namespace backlint
