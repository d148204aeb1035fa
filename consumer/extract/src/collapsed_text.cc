#include "backlint/extract/collapsed_text.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "backlint/extract/ascii.h"

namespace backlint {
namespace {

bool IsUtf8Continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Bytes that may end a run of text: ASCII whitespace, and 0xC2, the first byte of U+00A0.
constexpr std::array<bool, 256> kMayEndRun = [] {
  std::array<bool, 256> table{};
  for (char c : {' ', '\t', '\n', '\f', '\r'}) table[static_cast<unsigned char>(c)] = true;
  table[0xC2] = true;
  return table;
}();

}  // namespace

void CollapsedText::Append(std::string_view text) {
  const char* const data = text.data();
  const std::size_t size = text.size();
  std::size_t i = 0;
  while (i < size) {
    const char c = data[i];
    if (ascii::IsWhitespace(c)) {
      pending_space_ = true;
      ++i;
    } else if (c == '\xC2' && i + 1 < size && data[i + 1] == '\xA0') {
      pending_space_ = true;
      i += 2;
    } else {
      // A run of bytes that are neither whitespace nor the start of a no-break space goes in at once.
      std::size_t end = i + 1;
      for (;;) {
        while (end < size && !kMayEndRun[static_cast<unsigned char>(data[end])]) ++end;
        // 0xC2 not followed by 0xA0 is some other character, part of the run.
        if (end < size && data[end] == '\xC2' && !(end + 1 < size && data[end + 1] == '\xA0')) {
          ++end;
          continue;
        }
        break;
      }
      if (pending_space_ && !text_.empty()) text_.push_back(' ');
      pending_space_ = false;
      text_.append(data + i, end - i);
      i = end;
    }
  }
}

std::string CollapsedText::Slice(std::size_t begin, std::size_t end) const {
  return std::string(ascii::Trim(std::string_view(text_).substr(begin, end - begin)));
}

std::string Collapse(std::string_view text) {
  CollapsedText collapsed;
  collapsed.Append(text);
  return collapsed.str();
}

std::string Excerpt(const CollapsedText& text, std::size_t block_begin, std::size_t block_end,
                    std::size_t focus_begin, std::size_t focus_end, std::size_t max_bytes) {
  if (block_end - block_begin <= max_bytes) return text.Slice(block_begin, block_end);
  const std::size_t centre = focus_begin + (focus_end - focus_begin) / 2;
  std::size_t begin = centre > block_begin + max_bytes / 2 ? centre - max_bytes / 2 : block_begin;
  begin = std::min(begin, block_end - max_bytes);
  std::size_t end = begin + max_bytes;
  const std::string& all = text.str();
  while (begin < end && IsUtf8Continuation(all[begin])) ++begin;
  while (end > begin && end < all.size() && IsUtf8Continuation(all[end])) --end;
  return text.Slice(begin, end);
}

std::size_t Utf8Length(std::string_view text) {
  // Eight bytes at a time: a continuation byte has bit 7 set and bit 6 clear.
  constexpr uint64_t kHighBits = 0x8080808080808080ULL, kOnes = 0x0101010101010101ULL;
  std::size_t continuations = 0, i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, text.data() + i, sizeof word);
    const uint64_t marks = word & ~(word << 1) & kHighBits;
    continuations += static_cast<std::size_t>(((marks >> 7) * kOnes) >> 56);
  }
  for (; i < text.size(); ++i) continuations += IsUtf8Continuation(text[i]) ? 1 : 0;
  return text.size() - continuations;
}

bool TruncateUtf8(std::string& text, std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (IsUtf8Continuation(text[i])) continue;
    if (chars == max_chars) {
      text.resize(i);
      return true;
    }
    ++chars;
  }
  return false;
}

}  // namespace backlint
