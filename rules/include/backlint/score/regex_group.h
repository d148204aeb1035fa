#pragma once
// The `matches` patterns a rule set applies to one field, screened together: one pass over a value finds the
// literal text each pattern needs, which narrows the patterns the value may hold, most often to none (see
// PossiblePatterns). Only those are searched, each by its own small automaton, and only when a rule asks
// (see Found). (The rule set keeps whole-value shapes, ^...$, out of the group: see CompileMatches in
// rule_set.cc.) Like RE2::PartialMatch, a pattern matches when it is found anywhere in the value unless
// anchored with ^ or $; case is ignored.
#include <re2/re2.h>

#include <array>
#include <bitset>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class FilteredRE2;
}  // namespace re2

namespace backlint {

class RegexGroup {
 public:
  // A set of the group's patterns, bit i for the pattern Add numbered i.
  using PatternMask = uint64_t;

  // How every `matches` pattern is compiled, alone or in a group.
  static RE2::Options PatternOptions();

  RegexGroup();

  // Adds a pattern that compiles with PatternOptions() and returns its index.
  size_t Add(const std::string& pattern);
  // After the last Add, before the first PossiblePatterns or Found.
  void Compile();

  size_t size() const { return patterns_.size(); }
  // Whether pattern `pattern` is found in `value`: its search alone, whatever PossiblePatterns says.
  bool Found(std::string_view value, size_t pattern) const;

  // The patterns that may be found in `value`: each pattern needs one of a few literal texts (decided from
  // the patterns at Compile, see FindRequiredLiterals), and one whose literals `value` lacks, ignoring case,
  // is left out. Every pattern when the group has more patterns than a mask holds.
  PatternMask PossiblePatterns(std::string_view value) const;

 private:
  // A literal of three bytes or more (lower-cased): its key (see kKeySize in regex_group.cc), at `key_offset`
  // in it, and its `size` bytes at `text_at` in literal_text_. Twelve bytes, as a key hit reads every
  // literal of its bucket, and most hits are on keys of text that holds none of them.
  struct Literal {
    uint32_t key;
    uint32_t text_at;
    uint16_t size, key_offset;
  };
  // Literals of three bytes or more while Compile collects them: the patterns that need each or another.
  using LongLiterals = std::map<std::string, PatternMask, std::less<>>;

  // A set of bytes as a few ranges (or more: see ByteRanges::Of), so that 16 bytes are tested against it
  // at once.
  struct ByteRanges {
    static constexpr size_t kMaxRanges = 4;
    static ByteRanges Of(const std::array<bool, 256>& bytes);
    // Each range's first byte less 128 and its size less 128, in all 16 lanes: see BytesIn in regex_group.cc.
    std::array<std::array<char, 16>, kMaxRanges> shifted_first{}, shifted_size{};
    bool every_byte = false;
    bool has_ascii = false;  // most blocks of 16 bytes are ASCII, and most sets have no ASCII byte
  };

  void FindRequiredBytes(const re2::FilteredRE2& prefilter, const std::vector<std::string>& atoms);
  void FindRequiredLiterals(const re2::FilteredRE2& prefilter, const std::vector<std::string>& atoms);
  void Require(std::string_view literal, PatternMask patterns, LongLiterals& long_literals);
  void DropLiteralsHoldingShorterOnes(LongLiterals& long_literals) const;
  void KeyLiterals(const LongLiterals& long_literals);
  // The patterns of the two-byte literals at `at` in `value`.
  PatternMask PairsAt(std::string_view value, size_t at) const;
  PatternMask LiteralsAt(std::string_view value, size_t key_at, uint32_t key) const;

  std::vector<std::unique_ptr<RE2>> patterns_;
  bool needs_a_byte_ = false;                   // each pattern needs one of required_bytes_
  ByteRanges required_bytes_;
  PatternMask all_patterns_ = 0;
  PatternMask unfiltered_ = 0;                    // patterns that need no literal: possible in any value
  // byte -> patterns one of whose literals of one byte it is, in either case
  std::array<PatternMask, 256> byte_patterns_{};
  // Literals of two bytes (in every case; most are cased letters outside ASCII, which atoms that need them
  // require in one of their cases), ordered by their bytes.
  struct BytePair {
    unsigned char first, second;
    PatternMask patterns;
  };
  std::vector<BytePair> byte_pairs_;
  // The first bytes of byte_pairs_, and bit (second byte % 64) of each of them, so that most bytes that
  // start a pair (a whole script's letters) are passed over without looking the pairs up: second bytes
  // outside ASCII differ in those six bits.
  std::bitset<256> pair_first_bytes_;
  uint64_t pair_second_bytes_ = 0;
  ByteRanges pattern_bytes_;                      // the bytes byte_patterns_ has patterns for or pairs start with
  // A key's bucket of key_buckets_ holds two one-byte tags of keys, so that 16 windows of a value are
  // looked up at once (see KeyBucketAndTag in regex_group.cc): the one its hash shifted right by bucket_shift_ picks.
  int bucket_shift_;
  std::vector<uint16_t> key_buckets_;             // the tags of literals_' keys, by bucket
  std::vector<Literal> literals_;                 // ordered by the bucket of their key, then by key
  std::vector<PatternMask> literal_patterns_;     // the patterns that need literals_[i] or another
  std::string literal_text_;                      // the texts of literals_
  std::vector<uint16_t> bucket_literals_;         // bucket b's literals_ are from [b] up to [b + 1] of these
};

}  // namespace backlint
