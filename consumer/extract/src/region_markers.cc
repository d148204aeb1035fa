#include "backlint/extract/region_markers.h"

#include <algorithm>
#include <array>

#include "backlint/extract/ascii.h"

namespace backlint {
namespace {

struct Marker {
  std::string_view word;  // lower-case
  Region region;
};

// WordPress/Disqus comment markup ("comment-body", "commentlist", "disqus_thread"), forum signatures,
// widgets, related-post boxes and ad or sponsor slots.
constexpr Marker kMarkers[] = {
    {"comment", Region::kComments},     {"comments", Region::kComments},   {"commentlist", Region::kComments},
    {"disqus", Region::kComments},      {"reply", Region::kComments},      {"replies", Region::kComments},
    {"signature", Region::kComments},   {"sig", Region::kComments},        {"postsig", Region::kComments},
    {"sponsored", Region::kSponsored},  {"sponsor", Region::kSponsored},   {"partner", Region::kSponsored},
    {"partners", Region::kSponsored},   {"advert", Region::kSponsored},    {"advertisement", Region::kSponsored},
    {"ad", Region::kSponsored},         {"ads", Region::kSponsored},       {"promo", Region::kSponsored},
    {"promoted", Region::kSponsored},   {"related", Region::kRelated},     {"recommended", Region::kRelated},
    {"sidebar", Region::kSidebar},      {"widget", Region::kSidebar},      {"widgets", Region::kSidebar},
};

// Lower number wins.
int Precedence(Region region) {
  switch (region) {
    case Region::kComments: return 0;
    case Region::kSponsored: return 1;
    case Region::kRelated: return 2;
    default: return 3;
  }
}

constexpr std::size_t kLongestMarker = 13;  // "advertisement"

std::optional<Region> RegionOfWord(std::string_view word) {
  if (word.size() > kLongestMarker) return std::nullopt;
  std::array<char, kLongestMarker> lowered{};
  std::transform(word.begin(), word.end(), lowered.begin(), [](char c) { return ascii::Lower(c); });
  const std::string_view lower(lowered.data(), word.size());
  for (const Marker& marker : kMarkers) {
    if (marker.word == lower) return marker.region;
  }
  return std::nullopt;
}

void Consider(std::string_view attribute, std::optional<Region>& best) {
  ascii::ForEachToken(attribute, [](char c) { return !ascii::IsAlnum(c); }, [&](std::string_view word) {
    const std::optional<Region> region = RegionOfWord(word);
    if (region && (!best || Precedence(*region) < Precedence(*best))) best = region;
  });
}

}  // namespace

std::optional<Region> RegionOfClassAndId(std::string_view class_name, std::string_view id) {
  std::optional<Region> best;
  Consider(class_name, best);
  Consider(id, best);
  return best;
}

}  // namespace backlint
