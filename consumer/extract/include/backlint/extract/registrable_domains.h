#pragma once
// Registrable domain ("eTLD+1") of a host, by libpsl and the system's Public Suffix List.
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
  std::string Of(std::string_view host) const;

 private:
  struct Deleter { void operator()(const psl_ctx_st* ctx) const; };
  explicit RegistrableDomains(const psl_ctx_st* ctx);  // takes ownership
  std::shared_ptr<const psl_ctx_st> ctx_;
};

}  // namespace backlint
