#include "backlint/extract/registrable_domains.h"

#include <arpa/inet.h>
#include <libpsl.h>

#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

namespace backlint {
namespace {

// libpsl treats dotted quads as ordinary labels ("192.168.0.1" -> "0.1"), so IP literals are recognised
// here first. Hosts come from ada: IPv4 as dotted decimal, IPv6 inside brackets.
bool IsIpLiteral(const std::string& host) {
  if (!host.empty() && host.front() == '[') return true;
  in_addr ipv4{};
  return inet_pton(AF_INET, host.c_str(), &ipv4) == 1;
}

// Hashes std::string keys and looks them up by string_view, so a lookup copies no host.
struct TransparentHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

}  // namespace

struct RegistrableDomains::Memo {
  std::mutex mutex;
  std::unordered_map<std::string, std::string, TransparentHash, std::equal_to<>> domain_of_host;
};

void RegistrableDomains::Deleter::operator()(const psl_ctx_st* ctx) const {
  // psl_free leaves libpsl's built-in context alone, so every context can go through it.
  psl_free(const_cast<psl_ctx_t*>(ctx));
}

RegistrableDomains::RegistrableDomains(const psl_ctx_st* ctx)
    : ctx_(ctx, Deleter{}), memo_(std::make_shared<Memo>()) {}

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
  {
    const std::lock_guard lock(memo_->mutex);
    if (auto known = memo_->domain_of_host.find(host); known != memo_->domain_of_host.end()) return known->second;
  }
  std::string domain = Lookup(host);
  const std::lock_guard lock(memo_->mutex);
  if (memo_->domain_of_host.size() >= kMemoHosts) memo_->domain_of_host.clear();
  memo_->domain_of_host.emplace(host, domain);
  return domain;
}

std::string RegistrableDomains::Lookup(std::string_view host) const {
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
