#include "backlint/extract/registrable_domains.h"

#include <arpa/inet.h>
#include <libpsl.h>

#include <string>

namespace backlint {
namespace {

// libpsl treats dotted quads as ordinary labels ("192.168.0.1" -> "0.1"), so IP literals are recognised
// here first. Hosts come from ada: IPv4 as dotted decimal, IPv6 inside brackets.
bool IsIpLiteral(const std::string& host) {
  if (!host.empty() && host.front() == '[') return true;
  in_addr ipv4{};
  return inet_pton(AF_INET, host.c_str(), &ipv4) == 1;
}

}  // namespace

void RegistrableDomains::Deleter::operator()(const psl_ctx_st* ctx) const {
  // psl_free leaves libpsl's built-in context alone, so every context can go through it.
  psl_free(const_cast<psl_ctx_t*>(ctx));
}

RegistrableDomains::RegistrableDomains(const psl_ctx_st* ctx) : ctx_(ctx, Deleter{}) {}

Result<RegistrableDomains> RegistrableDomains::LoadSystem() {
  // psl_latest picks the newest of the distribution file and the built-in data.
  const psl_ctx_t* ctx = psl_latest(nullptr);
  if (ctx == nullptr) return Failure{"extract", "libpsl has neither a system nor a built-in suffix list"};
  return RegistrableDomains(ctx);
}

Result<RegistrableDomains> RegistrableDomains::LoadFile(const std::string& path) {
  const psl_ctx_t* ctx = psl_load_file(path.c_str());
  if (ctx == nullptr) return Failure{"extract", "cannot load public suffix list " + path};
  return RegistrableDomains(ctx);
}

std::string RegistrableDomains::Of(std::string_view host) const {
  // A fully qualified "example.co.uk." names the same site as "example.co.uk", but libpsl would answer
  // "co.uk." for it, so the root label's dot goes first.
  if (host.size() > 1 && host.back() == '.') host.remove_suffix(1);
  std::string terminated(host);
  if (IsIpLiteral(terminated)) return terminated;
  // The result points into `terminated`; nullptr means the host is a public suffix itself (or empty).
  const char* domain = psl_registrable_domain(ctx_.get(), terminated.c_str());
  return domain != nullptr ? std::string(domain) : terminated;
}

}  // namespace backlint
