#include "backlint/score/regex_group.h"

#include <re2/filtered_re2.h>

#include <algorithm>
#include <bit>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <string>

#include "text_bytes.h"

namespace backlint {
namespace {

// Candidates for a byte every pattern needs, tried for removal in this order: the commonest bytes of text
// and URLs first, so what remains is a set of bytes that values rarely carry.
constexpr std::string_view kCommonBytesFirst = " \t\n\r\f\v.,-/:;_'\"()!0123456789";

bool IsAsciiLetter(unsigned char byte) { return (byte | 0x20) >= 'a' && (byte | 0x20) <= 'z'; }

// How often a byte occurs in text and URLs, roughly (letters by their English frequency): a literal is
// looked for by its rarest bytes, and the commonest atoms are the first left out of what a pattern needs.
int Commonness(unsigned char byte) {
  constexpr std::string_view kLettersRarestFirst = "zqxjkvbpygfwmucldrhsnioate";
  if (IsAsciiLetter(byte)) return 4 + static_cast<int>(kLettersRarestFirst.find(static_cast<char>(byte | 0x20)));
  if (byte >= '0' && byte <= '9') return 15;
  if (byte == ' ') return 70;
  if (kCommonBytesFirst.find(static_cast<char>(byte)) != std::string_view::npos) return 40;
  if (byte >= 0xC0) return 30;  // leads a UTF-8 sequence: shared by a whole block of code points
  if (byte >= 0x80) return 12;
  return 0;
}

// The commonest pairs of letters in English text, and of URLs ("http", "www", "%2F"): a key holding one is
// found often, so it counts as that much commoner.
constexpr std::string_view kCommonPairs =
    "th he in er an re on at en nd ti es or te of ed is it al ar st to nt ng se ha as ou io le ve co me de hi ri "
    "ro ic ne ea ra ce li ch ll be ma si om ur ca el ta la ns di fo ho pe ec pr no ct us ac ot il tr ly nc et ut "
    "ss so rs un lo wa ge ie wh ee wi em ad ol rt po we na ul ni ts mo ow pa im mi ai sh ir su id os iv ia am fi "
    "ci vi pl ig ht tt tp ww %2 2f ";

constexpr int kCommonPairPenalty = 30;

bool IsCommonPair(unsigned char first, unsigned char second) {
  for (size_t at = 0; at + 1 < kCommonPairs.size(); at += 3) {
    if (first == kCommonPairs[at] && second == kCommonPairs[at + 1]) return true;
  }
  return false;
}

constexpr size_t kMaskPatterns = 64;

// A literal is looked for where its key is found: its three rarest consecutive bytes (first byte lowest), with
// every byte's case bit set, so that a letter's cases share a key (other bytes may too; the literal itself
// is then compared). Of a shorter literal, its first byte.
constexpr size_t kKeySize = 3;
constexpr uint32_t kCaseBits = 0x202020;

// Into the bits of key_bits_ (2 KB: fewer cache misses, a few more false hits).
unsigned KeyHash(uint32_t key) { return (key * 2654435761u) >> 18; }

// A literal shorter than this, of the part of a prefilter atom whose bytes a value must hold, is too common
// to rule much out when the atom also has a cased letter outside ASCII: a first byte of that letter is
// required instead.
constexpr size_t kShortestExactPart = 3;
// The only code points outside ASCII that RE2 folds to ASCII letters (to "s" and "k", see
// RegexGroupTest.OnlyTwoCodePointsFoldToAsciiLetters): a value with either may hold a literal's "s" or "k"
// without the byte.
constexpr std::string_view kAsciiLetterLookalikes[] = {"\u017f", "\u212a"};

size_t CodePointSize(char lead) {
  const auto byte = static_cast<unsigned char>(lead);
  return byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4;
}

// What RE2, ignoring case, matches for `code_point` (outside ASCII): whether only the code point itself
// (else the prefilter lower-cases it in its atoms, and a value may hold another case of it), and the range
// of the first bytes of all it matches (PossibleMatchRange bounds every match).
struct CaseVariants {
  bool caseless = false;
  unsigned char first_byte_low = 0x80, first_byte_high = 0xFF;
};

CaseVariants CaseVariantsOf(std::string_view code_point) {
  const RE2 folded("(?i)" + RE2::QuoteMeta(code_point), RegexGroup::PatternOptions());
  std::string min, max;
  if (!folded.PossibleMatchRange(&min, &max, static_cast<int>(code_point.size()) + 1) || min.empty() || max.empty()) {
    return {};
  }
  return {min == code_point && max == code_point, static_cast<unsigned char>(min[0]), static_cast<unsigned char>(max[0])};
}

// Of the prefilter atom `atom` (lower-cased UTF-8), what a value holding the atom, up to its case, holds:
// `exact`, the longest run that it holds byte for byte once its ASCII letters are lower-cased (ASCII and
// caseless code points), and one of the first bytes of the atom's first code point with cases, if any.
struct AtomPart {
  std::string_view exact;
  std::optional<CaseVariants> first_cased;
};

AtomPart PartOf(std::string_view atom, std::map<std::string, CaseVariants, std::less<>>& variants) {
  AtomPart part;
  size_t run_begin = 0;
  for (size_t at = 0; at < atom.size();) {
    const size_t size = std::min(CodePointSize(atom[at]), atom.size() - at);
    bool exact = size == 1;
    if (!exact) {
      const std::string_view code_point = atom.substr(at, size);
      auto found = variants.find(code_point);
      if (found == variants.end()) found = variants.emplace(std::string(code_point), CaseVariantsOf(code_point)).first;
      exact = found->second.caseless;
      if (!exact && !part.first_cased) part.first_cased = found->second;
    }
    at += size;
    if (!exact) {
      run_begin = at;
    } else if (at - run_begin > part.exact.size()) {
      part.exact = atom.substr(run_begin, at - run_begin);
    }
  }
  return part;
}

}  // namespace

RE2::Options RegexGroup::PatternOptions() {
  RE2::Options options;
  options.set_case_sensitive(false);
  options.set_log_errors(false);
  return options;
}

RegexGroup::RegexGroup() : set_(PatternOptions(), RE2::UNANCHORED) {}

size_t RegexGroup::Add(const std::string& pattern) {
  patterns_.push_back(std::make_unique<RE2>(pattern, PatternOptions()));
  if (set_.Add(pattern, nullptr) < 0) set_usable_ = false;
  return patterns_.size() - 1;
}

void RegexGroup::Compile() {
  set_usable_ = set_usable_ && set_.Compile();
  all_patterns_ = patterns_.size() >= kMaskPatterns ? ~PatternMask{0} : (PatternMask{1} << patterns_.size()) - 1;
  unfiltered_ = all_patterns_;
  re2::FilteredRE2 prefilter(/*min_atom_len=*/1);
  for (const std::unique_ptr<RE2>& pattern : patterns_) {
    int id = 0;
    if (prefilter.Add(pattern->pattern(), PatternOptions(), &id) != RE2::NoError) return;
  }
  std::vector<std::string> atoms;
  prefilter.Compile(&atoms);
  FindRequiredBytes(prefilter, atoms);
  if (patterns_.size() <= kMaskPatterns) FindRequiredLiterals(prefilter, atoms);
}

// RE2's prefilter (FilteredRE2) reduces each pattern to an and/or tree of lower-cased literal atoms: a
// pattern can be found in a text only if its tree holds for the atoms the lower-cased text contains. A
// value without any byte of B (ASCII, not letters, so lower-casing neither adds nor removes them) contains
// only atoms without those bytes; if no pattern's tree holds even with every such atom present, no
// pattern can be found in the value. Starting from every such byte, bytes are dropped from B while that
// stays true.
void RegexGroup::FindRequiredBytes(const re2::FilteredRE2& prefilter, const std::vector<std::string>& atoms) {
  const auto rules_out = [&](const std::array<bool, 256>& bytes) {
    std::vector<int> present, passing;
    for (size_t i = 0; i < atoms.size(); ++i) {
      if (std::none_of(atoms[i].begin(), atoms[i].end(), [&](char c) { return bytes[static_cast<unsigned char>(c)]; })) {
        present.push_back(static_cast<int>(i));
      }
    }
    prefilter.AllPotentials(present, &passing);
    return passing.empty();
  };
  std::array<bool, 256> bytes{};
  for (int byte = 1; byte < 0x80; ++byte) bytes[byte] = !IsAsciiLetter(static_cast<unsigned char>(byte));
  if (!rules_out(bytes)) return;
  const auto drop_if_possible = [&](unsigned char byte) {
    if (!bytes[byte]) return;
    bytes[byte] = false;
    if (!rules_out(bytes)) bytes[byte] = true;
  };
  for (char byte : kCommonBytesFirst) drop_if_possible(static_cast<unsigned char>(byte));
  for (int byte = 1; byte < 0x80; ++byte) drop_if_possible(static_cast<unsigned char>(byte));
  required_bytes_ = bytes;
  needs_a_byte_ = true;
}

// As above, per pattern: atoms are marked present, the shortest and commonest first, as long as the
// pattern's tree still fails; the atoms left unmarked are a set of which a text the pattern is found in
// contains one (each way the tree holds takes one of them). Of each such atom, the value must then hold
// its exact part, or, where that is short, a first byte of its first cased letter.
void RegexGroup::FindRequiredLiterals(const re2::FilteredRE2& prefilter, const std::vector<std::string>& atoms) {
  std::vector<size_t> shortest_first(atoms.size());
  std::iota(shortest_first.begin(), shortest_first.end(), 0);
  const auto commonest_byte = [&](size_t atom) {
    int commonest = 0;
    for (char byte : atoms[atom]) commonest = std::max(commonest, Commonness(static_cast<unsigned char>(byte)));
    return commonest;
  };
  std::stable_sort(shortest_first.begin(), shortest_first.end(), [&](size_t a, size_t b) {
    if (atoms[a].size() != atoms[b].size()) return atoms[a].size() < atoms[b].size();
    return commonest_byte(a) > commonest_byte(b);
  });
  std::vector<bool> present;
  std::vector<int> present_ids, passing;
  const auto possible = [&](int pattern) {
    present_ids.clear();
    for (size_t atom = 0; atom < atoms.size(); ++atom) {
      if (present[atom]) present_ids.push_back(static_cast<int>(atom));
    }
    prefilter.AllPotentials(present_ids, &passing);
    return std::find(passing.begin(), passing.end(), pattern) != passing.end();
  };
  std::map<std::string, CaseVariants, std::less<>> variants;
  unfiltered_ = 0;
  for (size_t pattern = 0; pattern < patterns_.size(); ++pattern) {
    const PatternMask bit = PatternMask{1} << pattern;
    present.assign(atoms.size(), false);
    if (possible(static_cast<int>(pattern))) {
      unfiltered_ |= bit;
      continue;
    }
    for (size_t atom : shortest_first) {
      present[atom] = true;
      if (possible(static_cast<int>(pattern))) present[atom] = false;
    }
    for (size_t atom = 0; atom < atoms.size(); ++atom) {
      if (present[atom]) continue;
      const AtomPart part = PartOf(atoms[atom], variants);
      if (!part.first_cased || part.exact.size() >= kShortestExactPart) {
        Require(part.exact, bit);
      } else {
        for (int byte = part.first_cased->first_byte_low; byte <= part.first_cased->first_byte_high; ++byte) {
          byte_patterns_[byte] |= bit;
        }
      }
    }
  }
  for (std::string_view lookalike : kAsciiLetterLookalikes) Require(lookalike, all_patterns_ & ~unfiltered_);
  std::stable_sort(literals_.begin(), literals_.end(), [](const Literal& a, const Literal& b) { return a.key < b.key; });
  for (const Literal& literal : literals_) literal_keys_.push_back(literal.key);
}

void RegexGroup::Require(std::string_view literal, PatternMask patterns) {
  const auto either_case = [](unsigned char byte) {
    return std::array<unsigned char, 2>{byte, IsAsciiLetter(byte) ? static_cast<unsigned char>(byte ^ 0x20) : byte};
  };
  if (literal.size() < kKeySize) {  // its first byte is all that is looked for
    for (unsigned char byte : either_case(static_cast<unsigned char>(literal[0]))) byte_patterns_[byte] |= patterns;
    return;
  }
  const auto same = std::find_if(literals_.begin(), literals_.end(), [&](const Literal& l) { return l.text == literal; });
  if (same != literals_.end()) {
    same->patterns |= patterns;
    return;
  }
  size_t key_offset = 0;
  int rarest = std::numeric_limits<int>::max();
  for (size_t at = 0; at + kKeySize <= literal.size(); ++at) {
    int commonness = 0;
    for (size_t i = at; i < at + kKeySize; ++i) {
      const auto byte = static_cast<unsigned char>(literal[i]);
      commonness += Commonness(byte);
      if (i > at && IsCommonPair(static_cast<unsigned char>(literal[i - 1]), byte)) commonness += kCommonPairPenalty;
    }
    if (commonness < rarest) {
      rarest = commonness;
      key_offset = at;
    }
  }
  uint32_t key = kCaseBits;
  for (size_t i = 0; i < kKeySize; ++i) key |= uint32_t{static_cast<unsigned char>(literal[key_offset + i])} << (8 * i);
  literals_.push_back({std::string(literal), patterns, key, key_offset});
  key_bits_[KeyHash(key) >> 6] |= uint64_t{1} << (KeyHash(key) & 63);
}

RegexGroup::PatternMask RegexGroup::PossiblePatterns(std::string_view value) const {
  if (needs_a_byte_ && std::none_of(value.begin(), value.end(), [&](char c) {
        return required_bytes_[static_cast<unsigned char>(c)];
      })) {
    return 0;
  }
  PatternMask possible = unfiltered_;
  const auto* bytes = reinterpret_cast<const unsigned char*>(value.data());
  const size_t size = value.size();
  if (size < kKeySize) {
    for (size_t at = 0; at < size; ++at) possible |= byte_patterns_[bytes[at]];
    return possible;
  }
  possible |= byte_patterns_[bytes[0]] | byte_patterns_[bytes[1]];
  uint32_t window = bytes[0] | uint32_t{bytes[1]} << 8;  // the key's bytes ending at `at`, the first lowest
  for (size_t at = kKeySize - 1; at < size; ++at) {
    possible |= byte_patterns_[bytes[at]];
    window |= uint32_t{bytes[at]} << 16;
    const uint32_t key = window | kCaseBits;
    const unsigned hash = KeyHash(key);
    if ((key_bits_[hash >> 6] >> (hash & 63) & 1) != 0) possible |= LiteralsAt(value, at + 1 - kKeySize, key);
    window >>= 8;
  }
  return possible;
}

RegexGroup::PatternMask RegexGroup::LiteralsAt(std::string_view value, size_t key_at, uint32_t key) const {
  PatternMask found = 0;
  // A binary search whose steps depend on the number of keys only, not on their order against `key`.
  size_t first = 0;
  for (size_t count = literal_keys_.size(); count > 1;) {
    const size_t half = count / 2;
    first = literal_keys_[first + half - 1] < key ? first + half : first;
    count -= half;
  }
  first += literal_keys_[first] < key ? 1 : 0;  // the bit was set for some literal's key, so there is one
  for (auto literal = literals_.begin() + static_cast<std::ptrdiff_t>(first); literal != literals_.end() && literal->key == key;
       ++literal) {
    if (literal->key_offset > key_at || key_at - literal->key_offset + literal->text.size() > value.size()) continue;
    const auto begin = value.begin() + static_cast<std::ptrdiff_t>(key_at - literal->key_offset);
    if (std::equal(literal->text.begin(), literal->text.end(), begin, [](char l, char c) { return l == Lower(c); })) {
      found |= literal->patterns;
    }
  }
  return found;
}

void RegexGroup::Match(std::string_view value, std::vector<int>& matched) const {
  matched.clear();
  const PatternMask possible = PossiblePatterns(value);
  if (possible == 0) return;
  // One possible pattern is searched alone: one pass, which stops early for an anchored pattern.
  if (std::has_single_bit(possible)) {
    const int only = std::countr_zero(possible);
    if (RE2::PartialMatch(value, *patterns_[static_cast<size_t>(only)])) matched.push_back(only);
    return;
  }
  RE2::Set::ErrorInfo error{RE2::Set::kNoError};
  // Most values match no pattern: a first pass that only answers whether any does is cheaper (it
  // allocates nothing), and only a hit needs the second pass that lists them.
  if (set_usable_ && !set_.Match(value, nullptr, &error) && error.kind == RE2::Set::kNoError) return;
  if (set_usable_ && (set_.Match(value, &matched, &error) || error.kind == RE2::Set::kNoError)) {
    std::sort(matched.begin(), matched.end());
    return;
  }
  matched.clear();
  for (size_t i = 0; i < patterns_.size(); ++i) {
    if (RE2::PartialMatch(value, *patterns_[i])) matched.push_back(static_cast<int>(i));
  }
}

}  // namespace backlint
