#include "backlint/extract/region_markers.h"

#include <emmintrin.h>  // SSE2, part of x86-64

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
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
constexpr std::size_t kMarkerCount = std::size(kMarkers);

// Up to sixteen bytes of a word as two integers, little-endian, zero past the word's end. Words are ASCII
// letters and digits, so setting bit 0x20 of every byte lower-cases the letters and leaves the digits.
struct PackedWord {
  uint64_t low = 0, high = 0;
  bool operator==(const PackedWord&) const = default;
};

constexpr PackedWord Packed(std::string_view word) {
  PackedWord packed;
  for (std::size_t i = 0; i < word.size(); ++i) {
    const auto byte = static_cast<uint64_t>(static_cast<unsigned char>(word[i]) | 0x20);
    (i < 8 ? packed.low : packed.high) |= byte << (8 * (i % 8));
  }
  return packed;
}

struct PackedMarker {
  PackedWord word;
  std::size_t length;
  Region region;
};

// The markers packed and ordered by length, and where each length's run starts: a word is compared only
// with the markers of its own length, as two integers.
constexpr std::array<PackedMarker, kMarkerCount> kMarkersByLength = [] {
  std::array<Marker, kMarkerCount> sorted{};
  std::copy(std::begin(kMarkers), std::end(kMarkers), sorted.begin());
  std::sort(sorted.begin(), sorted.end(), [](const Marker& a, const Marker& b) {
    return a.word.size() != b.word.size() ? a.word.size() < b.word.size() : a.word < b.word;
  });
  std::array<PackedMarker, kMarkerCount> packed{};
  for (std::size_t i = 0; i < kMarkerCount; ++i) packed[i] = {Packed(sorted[i].word), sorted[i].word.size(), sorted[i].region};
  return packed;
}();
constexpr std::array<std::size_t, kLongestMarker + 2> kFirstOfLength = [] {
  std::array<std::size_t, kLongestMarker + 2> first{};
  for (std::size_t length = 0; length < first.size(); ++length) {
    first[length] = static_cast<std::size_t>(
        std::find_if(kMarkersByLength.begin(), kMarkersByLength.end(),
                     [&](const PackedMarker& marker) { return marker.length >= length; }) -
        kMarkersByLength.begin());
  }
  return first;
}();

// Index of the letter pair a word starts with, a-z each case folded; 26 * 26 or more when either is no letter.
constexpr unsigned kLetterPairs = 26 * 26;
constexpr unsigned LetterPairOf(char first, char second) {
  const unsigned a = static_cast<unsigned char>(first | 0x20) - 'a', b = static_cast<unsigned char>(second | 0x20) - 'a';
  return a < 26 && b < 26 ? a * 26 + b : kLetterPairs;
}

// A bit for each pair of letters some marker starts with: most class and id words are rejected by it.
constexpr std::array<uint64_t, (kLetterPairs + 63) / 64> kMarkerStarts = [] {
  std::array<uint64_t, (kLetterPairs + 63) / 64> starts{};
  for (const Marker& marker : kMarkers) {
    const unsigned pair = LetterPairOf(marker.word[0], marker.word[1]);
    starts[pair / 64] |= 1ULL << (pair % 64);
  }
  return starts;
}();

// Whether a word starting with `first` and `second` may be a marker: a test that rejects most class and id words
// by their first two bytes alone.
bool MayStartMarker(char first, char second) {
  const unsigned pair = LetterPairOf(first, second);
  return pair < kLetterPairs && (kMarkerStarts[pair / 64] >> (pair % 64) & 1) != 0;
}

// The `size` (under sixteen) bytes at `data` in a vector's low lanes, zero above, read with loads that stay
// within them (two overlapping ones for each half), not a call to memcpy.
__m128i LoadShort(const char* data, std::size_t size) {
  uint64_t low = 0, high = 0;
  if (size >= 8) {
    std::memcpy(&low, data, 8);
    if (size > 8) {
      std::memcpy(&high, data + size - 8, 8);
      high >>= 8 * (16 - size);
    }
  } else if (size >= 4) {
    uint32_t first = 0, last = 0;
    std::memcpy(&first, data, 4);
    std::memcpy(&last, data + size - 4, 4);
    low = first | static_cast<uint64_t>(last) << (8 * (size - 4));
  } else if (size > 0) {
    // The first, middle and last bytes are all the bytes of up to three.
    const auto byte = [&](std::size_t i) { return static_cast<uint64_t>(static_cast<unsigned char>(data[i])) << (8 * i); };
    low = byte(0) | byte(size / 2) | byte(size - 1);
  }
  return _mm_set_epi64x(static_cast<long long>(high), static_cast<long long>(low));
}

// The marker the word data[0, size) (at most kLongestMarker bytes) is, if any.
std::optional<Region> RegionOfWord(const char* data, std::size_t size) {
  const __m128i bytes = LoadShort(data, size);
  PackedWord word{.low = static_cast<uint64_t>(_mm_cvtsi128_si64(bytes)),
                  .high = static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(bytes, bytes)))};
  const uint64_t case_bits = 0x2020202020202020ULL;
  word.low |= case_bits & (size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1);
  word.high |= case_bits & (size <= 8 ? 0 : (1ULL << (8 * (size - 8))) - 1);
  for (std::size_t i = kFirstOfLength[size]; i < kFirstOfLength[size + 1]; ++i) {
    if (kMarkersByLength[i].word == word) return kMarkersByLength[i].region;
  }
  return std::nullopt;
}

// A bit per byte of the sixteen in `chunk`, set for ASCII letters and digits.
unsigned AlnumBits(__m128i chunk) {
  // x < n as unsigned bytes, with SSE2's signed compare: flipping the top bit of both keeps the order.
  const auto below = [](__m128i x, char n) {
    const __m128i top = _mm_set1_epi8(static_cast<char>(0x80));
    return _mm_cmplt_epi8(_mm_xor_si128(x, top), _mm_xor_si128(_mm_set1_epi8(n), top));
  };
  const __m128i letter = below(_mm_sub_epi8(_mm_or_si128(chunk, _mm_set1_epi8(0x20)), _mm_set1_epi8('a')), 26);
  const __m128i digit = below(_mm_sub_epi8(chunk, _mm_set1_epi8('0')), 10);
  return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(letter, digit)));
}

void Consider(std::string_view attribute, std::optional<Region>& best) {
  // Words are maximal runs of ASCII letters and digits. A word's first two bytes rule most words out, so
  // only the bytes that start words are visited, found sixteen bytes at a time from a bit per byte; the few
  // words that pass are then measured and looked up.
  const char* const data = attribute.data();
  const std::size_t size = attribute.size();
  unsigned after_alnum = 0;  // 1 when the byte before the chunk is a letter or digit
  for (std::size_t chunk = 0; chunk < size; chunk += 16) {
    const std::size_t chunk_size = std::min<std::size_t>(16, size - chunk);
    const unsigned alnum = AlnumBits(chunk_size == 16 ? _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + chunk))
                                                      : LoadShort(data + chunk, chunk_size));
    for (unsigned starts = alnum & ~(alnum << 1 | after_alnum); starts != 0; starts &= starts - 1) {
      const std::size_t begin = chunk + static_cast<std::size_t>(std::countr_zero(starts));
      // Every marker has two letters or more.
      if (begin + 1 >= size || !MayStartMarker(data[begin], data[begin + 1])) continue;
      std::size_t end = begin + 2;
      while (end < size && end - begin <= kLongestMarker && ascii::IsAlnum(data[end])) ++end;
      if (end - begin > kLongestMarker) continue;
      if (const std::optional<Region> region = RegionOfWord(data + begin, end - begin)) {
        best = MoreTelling(best, region);
      }
    }
    after_alnum = alnum >> 15 & 1;
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
