#pragma once
// Topical relevance of a link to the page it sits on: do the link's words (anchor text, target host
// labels, target URL path) occur in the page's topic (its main terms and title) or in the text around the
// link? An editorial link whose anchor and target talk about what the page talks about scores high; a
// keyword link to an unrelated site scores 0.
#include <bitset>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "backlint/link.h"

namespace backlint {

class TopicalRelevance {
 public:
  // When a link has no topical words of its own (an empty or "click here" anchor to a bare host), or the
  // page has no text to compare with, relevance is unknown and reported as this neutral value.
  static constexpr int kUnknown = 50;

  // Collects the page's topic terms once, for all links of the page.
  explicit TopicalRelevance(const PageFacts& page);

  // 0..100: 100 * matched / min(link terms, 3), capped at 100. A link term matches when its stem equals a
  // stem of the page's main terms, title or the link's snippet (anchor text excluded); a target host label
  // also matches when it contains a page stem of four or more letters ("alpenverein" contains "alpen").
  // `host_number` numbers the link's host among the hosts of the page's links: one number per distinct
  // host, from 0 on (as the rule engine numbers a field's values), so that a host linked before is found
  // by its number rather than hashed and compared.
  int Of(const Link& link, size_t host_number) const;

  // The words that are never a term ("the", "click", "www", "cheap"...), lower-case.
  static std::span<const std::string_view> NonTopicalWords();

  // Packed stems (see relevance.cc) in an open-addressing hash set that is probed without branching.
  struct StemSet {
    std::vector<uint64_t> slots;
    int shift;      // a key's home slot is its hash shifted right by this
    size_t probes;  // slots compared from the home slot on: one more than the largest displacement
  };

  // A topical label of a target host, as it stands against the page (relevance.cc).
  struct HostLabel {
    uint64_t stem;
    bool page_has_stem;
    bool matched;           // the page has its stem, or it contains a page stem of four bytes or more
    uint32_t offset, size;  // when not matched, its lower-cased bytes in the memo's label bytes
  };
  // The topical labels of a host and the bytes their offsets refer to.
  struct HostTerms {
    std::span<const HostLabel> labels;
    std::string_view bytes;
  };

 private:
  // What a target host's labels contribute depends on the page alone: it is worked out for the first link
  // to the host and kept, in a per-thread memo emptied for each page, for the others (three links in four
  // go to a host linked before). Valid until the next call.
  HostTerms LabelsOf(const Link& link, size_t host_number) const;

  StemSet page_stems_;
  bool has_page_stems_ = false;
  std::bitset<1024> long_stem_starts_;  // the first two bytes of page stems of four bytes or more (relevance.cc)
  uint64_t page_number_;                // tells the host memo which page it holds: unique to this object
};

}  // namespace backlint
