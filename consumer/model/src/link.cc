#include "backlint/link.h"

namespace backlint {

std::string_view ToString(AnchorKind kind) {
  switch (kind) {
    case AnchorKind::kText: return "text";
    case AnchorKind::kImage: return "image";
    case AnchorKind::kEmpty: return "empty";
  }
  return "empty";
}

std::string_view ToString(Region region) {
  switch (region) {
    case Region::kContent: return "content";
    case Region::kNavigation: return "nav";
    case Region::kHeader: return "header";
    case Region::kFooter: return "footer";
    case Region::kSidebar: return "sidebar";
    case Region::kComments: return "comments";
    case Region::kRelated: return "related";
    case Region::kSponsored: return "sponsored";
  }
  return "content";
}

std::vector<std::string_view> LimitsHit::names() const {
  const bool hit[] = {page_bytes, links, depth, anchor_text};
  std::vector<std::string_view> names;
  for (std::size_t i = 0; i < std::size(kLimitNames); ++i) {
    if (hit[i]) names.push_back(kLimitNames[i]);
  }
  return names;
}

}  // namespace backlint
