#pragma once
// The page region an element marks by its class and id, after the conventions of blog engines, comment
// widgets, forums and ad slots.
#include <optional>
#include <string_view>

#include "backlint/link.h"

namespace backlint {

// Matches whole words of `class_name` and `id` (split on anything but ASCII letters and digits, ignoring
// case), so "header-ad" marks an ad but "shadow" and "download" do not. When several match, the most
// telling wins: comments, then sponsored, then related, then sidebar.
std::optional<Region> RegionOfClassAndId(std::string_view class_name, std::string_view id);

// The region of an element marked `inner` inside one in region `outer`. The innermost mark wins, except
// that comments and sponsored blocks say who placed a link: a <footer> or a widget inside a comment is still
// the comment, and one inside a sponsor block is still sponsored.
Region NestedRegion(Region outer, Region inner);

// The more telling of two marks, as RegionOfClassAndId ranks them; `first` on a tie. So the region of a
// class and an id is MoreTelling(RegionOfClassAndId(class_name, {}), RegionOfClassAndId({}, id)).
std::optional<Region> MoreTelling(std::optional<Region> first, std::optional<Region> second);

}  // namespace backlint
