#pragma once
// Parts of a link's target URL that carry words: host labels without the public suffix, and the path.
// Both run for every backlink, on texts of a few dozen bytes: they are found by SSE2 compares inline
// rather than by memchr and memcmp, whose calls and set-up cost more than such short searches.
#include <emmintrin.h>  // SSE2, part of x86-64

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "backlint/link.h"
#include "text_bytes.h"

namespace backlint {

// Bit i set when byte i of the 16 bytes is `byte`.
[[gnu::always_inline]] inline unsigned ByteMatches(__m128i bytes, char byte) {
  return static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(byte))));
}

// The first byte at or after `from` in `text` (16 bytes or more) that `marks(bytes)` marks, or the text's
// size: 16 bytes a load, the last load moved back to end at the text's end (the bytes it shares with the
// one before are shifted out).
template <typename Marks>
[[gnu::always_inline]] inline size_t FindMarked(std::string_view text, size_t from, Marks marks) {
  for (size_t at = from; at < text.size(); at += 16) {
    const size_t load = std::min(at, text.size() - 16);
    const unsigned found = marks(_mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + load))) >> (at - load);
    if (found != 0) return at + static_cast<size_t>(std::countr_zero(found));
  }
  return text.size();
}

// The first `byte` in `text`, or npos. Texts under 16 bytes are read in two overlapping loads of eight
// or four bytes, so that no load runs past their end.
[[gnu::always_inline]] inline size_t FindByte(std::string_view text, char byte) {
  const size_t size = text.size();
  const char* const data = text.data();
  unsigned found = 0;
  if (size >= 16) {
    const size_t at = FindMarked(text, 0, [&](__m128i bytes) { return ByteMatches(bytes, byte); });
    return at == size ? std::string_view::npos : at;
  }
  if (size >= 8) {
    const unsigned equal = ByteMatches(_mm_set_epi64x(static_cast<int64_t>(LoadEightBytes(data + size - 8)),
                                                      static_cast<int64_t>(LoadEightBytes(data))),
                                       byte);
    found = (equal & 0xff) | (equal >> 8) << (size - 8);
  } else if (size >= 4) {
    uint32_t first, last;
    std::memcpy(&first, data, 4);
    std::memcpy(&last, data + size - 4, 4);
    const unsigned equal = ByteMatches(_mm_set_epi32(0, 0, static_cast<int>(last), static_cast<int>(first)), byte);
    found = (equal & 0xf) | (equal >> 4 & 0xf) << (size - 4);
  } else {
    for (size_t at = 0; at < size; ++at) found |= unsigned{data[at] == byte} << at;
  }
  return found != 0 ? static_cast<size_t>(std::countr_zero(found)) : std::string_view::npos;
}

// Whether the last `count` bytes (1 to 8) of `text` and `other`, both of eight bytes or more, are equal.
inline bool LastBytesEqual(std::string_view text, std::string_view other, size_t count) {
  const uint64_t text_bytes = LoadEightBytes(text.data() + text.size() - 8);
  const uint64_t other_bytes = LoadEightBytes(other.data() + other.size() - 8);
  return (text_bytes ^ other_bytes) >> 8 * (8 - count) == 0;
}

// The host without its public suffix ("shop.cheap-flights.co.uk" -> "shop.cheap-flights").
inline std::string_view HostLabels(const Link& link) {
  std::string_view host = link.host;
  const std::string_view domain = link.registrable_domain;
  const size_t dot = FindByte(domain, '.');
  if (dot == std::string::npos) return host;
  const size_t suffix = domain.size() - dot;
  // Most suffixes (".com", ".co.uk") are compared in one eight-byte load each.
  const bool ends_with_suffix = suffix <= 8 && host.size() >= 8 && domain.size() >= 8
                                    ? LastBytesEqual(host, domain, suffix)
                                    : host.ends_with(domain.substr(dot));
  if (ends_with_suffix) host.remove_suffix(suffix);
  return host;
}

// The path of any URL (PathOf), by library searches.
inline std::string_view PathOfAnyUrl(std::string_view url) {
  const size_t scheme = url.find("://");
  const size_t path = url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
  if (path == std::string_view::npos) return {};
  url.remove_prefix(path);
  for (const char end : {'?', '#'}) {
    if (const void* found = std::memchr(url.data(), end, url.size())) {
      url = url.substr(0, static_cast<size_t>(static_cast<const char*>(found) - url.data()));
    }
  }
  return url;
}

// The URL's path, without scheme, host, query and fragment: from the first '/' after the first "://" (or
// from the start, without one) to the first '?' or '#' after it.
inline std::string_view PathOf(std::string_view url) {
  if (url.size() < 16) return PathOfAnyUrl(url);
  const __m128i head = _mm_loadu_si128(reinterpret_cast<const __m128i*>(url.data()));
  // The "://"s that start in the first 14 bytes (wholly in the first 16): the lowest is the first. URLs
  // without one there (scheme-relative, or not a URL at all) are left to PathOfAnyUrl.
  const unsigned head_slashes = ByteMatches(head, '/');
  const unsigned schemes = ByteMatches(head, ':') & head_slashes >> 1 & head_slashes >> 2;
  if (schemes == 0) return PathOfAnyUrl(url);
  const size_t path = FindMarked(url, static_cast<size_t>(std::countr_zero(schemes)) + 3,
                                 [](__m128i bytes) { return ByteMatches(bytes, '/'); });
  const size_t end =
      FindMarked(url, path, [](__m128i bytes) { return ByteMatches(bytes, '?') | ByteMatches(bytes, '#'); });
  return url.substr(path, end - path);
}

}  // namespace backlint
