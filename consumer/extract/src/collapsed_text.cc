#include "backlint/extract/collapsed_text.h"

#include <algorithm>

#include "backlint/extract/ascii.h"

namespace backlint {
namespace {

bool IsUtf8Continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

void CollapsedText::Append(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (ascii::IsWhitespace(text[i])) {
      pending_space_ = true;
    } else if (text[i] == '\xC2' && i + 1 < text.size() && text[i + 1] == '\xA0') {
      pending_space_ = true;
      ++i;
    } else {
      if (pending_space_ && !text_.empty()) text_.push_back(' ');
      pending_space_ = false;
      text_.push_back(text[i]);
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
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return !IsUtf8Continuation(c); }));
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
