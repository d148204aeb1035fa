#pragma once
// A page's text with whitespace collapsed, and bounded excerpts of it cut on UTF-8 boundaries.
#include <cstddef>
#include <string>
#include <string_view>

namespace backlint {

// Text with every whitespace run (ASCII whitespace and U+00A0, which pages use as padding) collapsed to
// one space and none at either end. Offsets into it mark where anchors and blocks begin and end.
class CollapsedText {
 public:
  void Append(std::string_view text);
  // A word boundary that is not in the source text, e.g. between two paragraphs.
  void Break() { pending_space_ = true; }
  // Room for `bytes` of text before the text grows (and is copied).
  void Reserve(std::size_t bytes) { text_.reserve(bytes); }

  std::size_t size() const { return text_.size(); }
  std::string Slice(std::size_t begin, std::size_t end) const;  // trimmed
  const std::string& str() const { return text_; }

 private:
  std::string text_;
  bool pending_space_ = false;
};

std::string Collapse(std::string_view text);

// About `max_bytes` of `text`'s [block_begin, block_end) centred on [focus_begin, focus_end), cut on
// UTF-8 character boundaries.
std::string Excerpt(const CollapsedText& text, std::size_t block_begin, std::size_t block_end,
                    std::size_t focus_begin, std::size_t focus_end, std::size_t max_bytes);

// Number of UTF-8 characters (code points) in `text`.
std::size_t Utf8Length(std::string_view text);
struct Utf8Counts {
  std::size_t characters = 0;  // UTF-8 characters (code points)
  std::size_t spaces = 0;      // ' ' bytes: in collapsed text, the gaps between words
};
// Both counts in one pass over `text`.
Utf8Counts CountCharactersAndSpaces(std::string_view text);
// Cuts `text` to at most `max_chars` UTF-8 characters; returns whether it cut.
bool TruncateUtf8(std::string& text, std::size_t max_chars);

}  // namespace backlint
