#include "backlint/metrics/metrics_server.h"

#include <CivetServer.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <exception>
#include <utility>

namespace backlint {
namespace {

struct Response {
  int status;
  const char* content_type;
  std::string body;
};

// Answers GET on one path with what `respond` returns at that moment.
class ResponseHandler : public CivetHandler {
 public:
  explicit ResponseHandler(std::function<Response()> respond) : respond_(std::move(respond)) {}

  bool handleGet(CivetServer*, mg_connection* connection) override {
    const Response response = respond_();
    mg_printf(connection,
              "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nCache-Control: no-store\r\n"
              "Connection: close\r\n\r\n",
              response.status, mg_get_response_code_text(connection, response.status), response.content_type,
              response.body.size());
    mg_write(connection, response.body.data(), response.body.size());
    return true;
  }

 private:
  std::function<Response()> respond_;
};

}  // namespace

Result<std::unique_ptr<MetricsServer>> MetricsServer::Start(const std::string& listen,
                                                             std::shared_ptr<prometheus::Registry> registry,
                                                             std::function<bool()> ready,
                                                             std::function<bool()> alive) {
  auto address = CheckListenAddress(listen);
  if (!address) return Failure{"metrics", "cannot listen on '" + listen + "': " + address.failure().reason};
  std::unique_ptr<MetricsServer> server(new MetricsServer());
  try {
    // civetweb reports a busy or invalid port by throwing from the constructor.
    server->server_ = std::make_unique<CivetServer>(
        std::vector<std::string>{"listening_ports", listen, "num_threads", "2"});
  } catch (const std::exception& error) {
    return Failure{"metrics", "cannot listen on '" + listen + "': " + error.what()};
  }
  const std::vector<int> ports = server->server_->getListeningPorts();
  server->port_ = ports.empty() ? 0 : ports.front();

  auto route = [&server](const std::string& path, std::function<Response()> respond) {
    server->handlers_.push_back(std::make_unique<ResponseHandler>(std::move(respond)));
    server->server_->addHandler(path, server->handlers_.back().get());
  };
  route("/metrics$", [registry = std::move(registry)] {
    return Response{200, "text/plain; version=0.0.4; charset=utf-8",
                    prometheus::TextSerializer().Serialize(registry->Collect())};
  });
  route("/healthz$", [alive = std::move(alive)] {
    return !alive || alive() ? Response{200, "text/plain; charset=utf-8", "ok\n"}
                             : Response{503, "text/plain; charset=utf-8", "the consumer loop is stuck\n"};
  });
  route("/readyz$", [ready = std::move(ready)] {
    return ready() ? Response{200, "text/plain; charset=utf-8", "ready\n"}
                   : Response{503, "text/plain; charset=utf-8", "not ready\n"};
  });
  return server;
}

Result<bool> CheckListenAddress(std::string_view listen) {
  const std::size_t colon = listen.rfind(':');
  const std::string_view port = colon == std::string_view::npos ? listen : listen.substr(colon + 1);
  const bool digits = !port.empty() && port.size() <= 5 &&
                      std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || std::stoi(std::string(port)) > 65535 || colon == 0) {
    return Failure{"metrics", "expected host:port with a port from 0 to 65535"};
  }
  return true;
}

// Defined here, where CivetServer and CivetHandler are complete types.
MetricsServer::~MetricsServer() = default;

}  // namespace backlint
