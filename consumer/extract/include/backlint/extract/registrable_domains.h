#pragma once
// Registrable domain ("eTLD+1") of a host, by libpsl and the system's Public Suffix List, remembered for
// the hosts asked about most recently.
#include <memory>
#include <string>
#include <string_view>

#include "backlint/result.h"

struct psl_ctx_st;

namespace backlint {

class RegistrableDomains {
 public:
  // The newest list on the machine (the `publicsuffix` package), else libpsl's built-in one.
  static Result<RegistrableDomains> LoadSystem();
  // A list file in PSL text format (used by conformance tests against a pinned list).
  static Result<RegistrableDomains> LoadFile(const std::string& path);

  // Lower-case ASCII (punycode) host in; its registrable domain out, or the host itself when it has
  // none (an IP literal, a bare public suffix), so two links compare equal only for the same site.
  // Thread-safe. Pages of every site link the same popular hosts, so the answers for up to kMemoHosts
  // hosts are kept, shared by the copies of this object, and forgotten all at once when it is full.
  std::string Of(std::string_view host) const;

  static constexpr std::size_t kMemoHosts = 16384;

 private:
  struct Deleter { void operator()(const psl_ctx_st* ctx) const; };
  struct Memo;
  explicit RegistrableDomains(const psl_ctx_st* ctx);  // takes ownership
  std::string Lookup(std::string_view host) const;      // by libpsl

  std::shared_ptr<const psl_ctx_st> ctx_;
  std::shared_ptr<Memo> memo_;
};

}  // namespace backlint
