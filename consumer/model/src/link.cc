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
  }
  return "content";
}

}  // namespace backlint
