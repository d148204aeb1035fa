#pragma once
// Unlinked mentions: a watched domain or brand named in a page's text outside any link.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "backlint/extract/collapsed_text.h"
#include "backlint/link.h"

namespace backlint {

// A stretch of the collapsed text, [begin, end) in bytes.
struct TextRange {
  std::size_t begin = 0, end = 0;
};

class MentionFinder {
 public:
  static constexpr std::size_t kMaxMentions = 100;
  static constexpr std::size_t kSnippetBytes = 300;

  // Domains ("example.com") and brand names ("Example Corp"), matched ignoring ASCII case.
  MentionFinder(const std::vector<std::string>& domains, const std::vector<std::string>& brands);

  bool empty() const { return terms_.empty(); }

  // Whole-word occurrences of the watched terms in `text`, outside `links` (sorted by begin, not
  // overlapping), in text order, at most kMaxMentions. A domain also matches as the end of a longer host
  // ("www.example.com") but not as the start of one ("example.com.evil.net").
  std::vector<Mention> Find(const CollapsedText& text, const std::vector<TextRange>& links) const;

  // Whether a link to `host` (registrable domain `registrable_domain`) targets a watched domain or one of
  // its subdomains, or a site named like a watched brand ("Example Corp" -> example.*).
  bool Watches(std::string_view host, std::string_view registrable_domain) const;

 private:
  struct Term {
    std::string configured;  // as given, reported in Mention::term
    std::string lowered;
    bool is_domain = false;
  };
  std::vector<Term> terms_;
  std::vector<std::string> brand_labels_;  // brands lower-cased without spaces or punctuation
};

}  // namespace backlint
