#pragma once
// A GET over a plain socket to the operators' listener (/metrics, /healthz, /readyz), as a scraper or a
// probe sends it: no HTTP client library stands between the test and the server.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <string>

namespace backlint::testing {

// Sends a GET for `path` to 127.0.0.1:`port`; returns the whole response, status line and headers included.
inline std::string HttpGet(int port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string response;
  if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0) {
    const std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size())) {
      std::array<char, 4096> buffer{};
      for (ssize_t n; (n = recv(fd, buffer.data(), buffer.size(), 0)) > 0;) response.append(buffer.data(), n);
    }
  }
  close(fd);
  return response;
}

}  // namespace backlint::testing
