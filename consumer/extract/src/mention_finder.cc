#include "backlint/extract/mention_finder.h"

#include <algorithm>

#include "backlint/extract/ascii.h"

namespace backlint {
namespace {

// Letters, digits and any non-ASCII byte, so a term never matches inside a UTF-8 word.
bool IsWordByte(char c) { return ascii::IsAlnum(c) || static_cast<unsigned char>(c) >= 0x80; }

bool IsHostByte(char c) { return IsWordByte(c) || c == '-'; }

bool StartsWord(const std::string& text, std::size_t at, bool is_domain) {
  if (at == 0) return true;
  const char before = text[at - 1];
  return is_domain ? !IsHostByte(before) || before == '.' : !IsWordByte(before);
}

bool EndsWord(const std::string& text, std::size_t at, bool is_domain) {
  if (at == text.size()) return true;
  const char after = text[at];
  if (!is_domain) return !IsWordByte(after);
  // "example.com." ends a sentence; "example.com.evil.net" is another host.
  if (after == '.') return at + 1 == text.size() || !IsHostByte(text[at + 1]);
  return !IsHostByte(after);
}

bool InsideLink(const std::vector<TextRange>& links, std::size_t begin, std::size_t end) {
  auto next = std::upper_bound(links.begin(), links.end(), begin,
                               [](std::size_t offset, const TextRange& link) { return offset < link.begin; });
  if (next != links.begin() && std::prev(next)->end > begin) return true;
  return next != links.end() && next->begin < end;
}

}  // namespace

MentionFinder::MentionFinder(const std::vector<std::string>& domains, const std::vector<std::string>& brands) {
  for (const std::string& domain : domains) {
    std::string lowered = ascii::Lower(ascii::Trim(domain));
    if (!lowered.empty()) terms_.push_back({domain, std::move(lowered), true});
  }
  for (const std::string& brand : brands) {
    std::string lowered = ascii::Lower(ascii::Trim(brand));
    if (lowered.empty()) continue;
    std::string label;
    std::copy_if(lowered.begin(), lowered.end(), std::back_inserter(label), IsWordByte);
    if (!label.empty()) brand_labels_.push_back(std::move(label));
    terms_.push_back({brand, std::move(lowered), false});
  }
}

std::vector<Mention> MentionFinder::Find(const CollapsedText& text, const std::vector<TextRange>& links) const {
  std::vector<Mention> mentions;
  if (terms_.empty()) return mentions;
  const std::string lowered = ascii::Lower(text.str());
  for (const Term& term : terms_) {
    for (std::size_t at = lowered.find(term.lowered); at != std::string::npos && mentions.size() < kMaxMentions;
         at = lowered.find(term.lowered, at + 1)) {
      const std::size_t end = at + term.lowered.size();
      if (!StartsWord(lowered, at, term.is_domain) || !EndsWord(lowered, end, term.is_domain)) continue;
      if (InsideLink(links, at, end)) continue;
      mentions.push_back({.term = term.configured,
                          .is_domain = term.is_domain,
                          .snippet = Excerpt(text, 0, text.size(), at, end, kSnippetBytes),
                          .position = static_cast<int>(at)});
    }
  }
  std::sort(mentions.begin(), mentions.end(),
            [](const Mention& a, const Mention& b) { return a.position < b.position; });
  return mentions;
}

bool MentionFinder::Watches(std::string_view host, std::string_view registrable_domain) const {
  for (const Term& term : terms_) {
    if (!term.is_domain) continue;
    if (host == term.lowered) return true;
    if (host.size() > term.lowered.size() && host.ends_with(term.lowered) &&
        host[host.size() - term.lowered.size() - 1] == '.') {
      return true;
    }
  }
  const std::string_view site_label = registrable_domain.substr(0, registrable_domain.find('.'));
  return std::find(brand_labels_.begin(), brand_labels_.end(), site_label) != brand_labels_.end();
}

}  // namespace backlint
