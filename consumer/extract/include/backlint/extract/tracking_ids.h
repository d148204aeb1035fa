#pragma once
// Analytics and ad account ids in a page's scripts and attributes: Google Analytics (UA-1234-1, G-ABC123),
// Tag Manager (GTM-ABC1) and AdSense (ca-pub-1234567890). One owner reuses them across a network of sites.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace backlint {

class TrackingIds {
 public:
  static constexpr std::size_t kMaxIds = 32;

  // Collects the ids in `text` (a script's text or an attribute value), deduplicated, up to kMaxIds.
  void Scan(std::string_view text);
  // Whether `text` may hold an id: a cheap test to skip the regular expression for most attributes.
  static bool MayContain(std::string_view text);

  const std::vector<std::string>& ids() const { return ids_; }
  std::vector<std::string> Take() { return std::move(ids_); }

 private:
  std::vector<std::string> ids_;
};

}  // namespace backlint
