#include "backlint/extract/region_markers.h"

#include <algorithm>
#include <array>
#include <iterator>

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
    {"postbody", Region::kComments},    {"guestbook", Region::kComments},
    {"sponsored", Region::kSponsored},  {"sponsor", Region::kSponsored},   {"partner", Region::kSponsored},
    {"partners", Region::kSponsored},   {"advert", Region::kSponsored},    {"advertisement", Region::kSponsored},
    {"ad", Region::kSponsored},         {"ads", Region::kSponsored},       {"promo", Region::kSponsored},
    {"promoted", Region::kSponsored},   {"outbrain", Region::kSponsored},  {"taboola", Region::kSponsored},
    {"related", Region::kRelated},     {"recommended", Region::kRelated},
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

// The markers ordered by length, and where each length's run starts: a word is compared only with the
// markers of its own length.
constexpr std::size_t kMarkerCount = std::size(kMarkers);
constexpr std::array<Marker, kMarkerCount> kMarkersByLength = [] {
  std::array<Marker, kMarkerCount> sorted{};
  std::copy(std::begin(kMarkers), std::end(kMarkers), sorted.begin());
  std::sort(sorted.begin(), sorted.end(), [](const Marker& a, const Marker& b) {
    return a.word.size() != b.word.size() ? a.word.size() < b.word.size() : a.word < b.word;
  });
  return sorted;
}();
constexpr std::array<std::size_t, kLongestMarker + 2> kFirstOfLength = [] {
  std::array<std::size_t, kLongestMarker + 2> first{};
  for (std::size_t length = 0; length < first.size(); ++length) {
    first[length] = static_cast<std::size_t>(
        std::find_if(kMarkersByLength.begin(), kMarkersByLength.end(),
                     [&](const Marker& marker) { return marker.word.size() >= length; }) -
        kMarkersByLength.begin());
  }
  return first;
}();

std::optional<Region> RegionOfWord(std::string_view word) {
  if (word.size() < 2 || word.size() > kLongestMarker) return std::nullopt;
  // Every marker starts with one of these letters; most class and id words are rejected here.
  switch (ascii::Lower(word.front())) {
    case 'a': case 'c': case 'd': case 'g': case 'o': case 'p': case 'r': case 's': case 't': case 'w': break;
    default: return std::nullopt;
  }
  std::array<char, kLongestMarker> lowered{};
  std::transform(word.begin(), word.end(), lowered.begin(), [](char c) { return ascii::Lower(c); });
  const std::string_view lower(lowered.data(), word.size());
  for (std::size_t i = kFirstOfLength[word.size()]; i < kFirstOfLength[word.size() + 1]; ++i) {
    if (kMarkersByLength[i].word == lower) return kMarkersByLength[i].region;
  }
  return std::nullopt;
}

constexpr std::array<bool, 256> kIsAlnum = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) table[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  return table;
}();

void Consider(std::string_view attribute, std::optional<Region>& best) {
  // Words are maximal runs of ASCII letters and digits.
  const char* const data = attribute.data();
  const std::size_t size = attribute.size();
  std::size_t i = 0;
  while (i < size) {
    while (i < size && !kIsAlnum[static_cast<unsigned char>(data[i])]) ++i;
    std::size_t end = i;
    while (end < size && kIsAlnum[static_cast<unsigned char>(data[end])]) ++end;
    if (end > i) {
      best = MoreTelling(best, RegionOfWord(std::string_view(data + i, end - i)));
    }
    i = end;
  }
}

bool NamesWhoPlacedTheLink(Region region) { return region == Region::kComments || region == Region::kSponsored; }

}  // namespace

Region NestedRegion(Region outer, Region inner) {
  return NamesWhoPlacedTheLink(outer) && !NamesWhoPlacedTheLink(inner) ? outer : inner;
}

std::optional<Region> MoreTelling(std::optional<Region> first, std::optional<Region> second) {
  return second && (!first || Precedence(*second) < Precedence(*first)) ? second : first;
}

std::optional<Region> RegionOfClassAndId(std::string_view class_name, std::string_view id) {
  std::optional<Region> best;
  Consider(class_name, best);
  Consider(id, best);
  return best;
}

}  // namespace backlint
