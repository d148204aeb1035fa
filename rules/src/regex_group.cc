#include "backlint/score/regex_group.h"

#include <emmintrin.h>  // SSE2, part of x86-64
#include <lexbor/encoding/encoding.h>
#include <re2/filtered_re2.h>

#include <algorithm>
#include <bit>
#include <limits>
#include <map>
#include <mutex>
#include <numeric>
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

// A key is hashed to 16 bits with 16-bit multiplications, as SSE2 hashes eight windows of a value at once
// (see KeyHits): its top bits pick a bucket of key_buckets_, its low six bits, with 0x40 set so that no tag
// is 0 (an empty slot), are the key's tag in that bucket. A bucket holds two tags; one whose keys need a
// third holds kEveryTag, which every window in the bucket hits. A group has about kBucketsPerLiteral
// buckets a literal, so that few buckets fill up, and no more: a value's windows hit buckets all over the
// table, which parsing a page evicts from the caches before the page is scored.
constexpr uint16_t kFirstTwoBytesFactor = 0x9E37, kThirdByteFactor = 0x7F4B;
constexpr int kTagBits = 6;
constexpr uint16_t kTagMarker = 0x40;
constexpr uint16_t kEveryTag = 0xFFFF;
constexpr size_t kBucketsPerLiteral = 2, kFewestKeyBuckets = 64, kMostKeyBuckets = 1024;
constexpr int kHashBits = 16;

// The shift that takes a key's hash to its bucket among `buckets` (a power of two).
int BucketShift(size_t buckets) { return kHashBits - std::countr_zero(buckets); }

struct BucketAndTag {
  size_t bucket;
  uint8_t tag;
};

BucketAndTag KeyBucketAndTag(uint32_t key, int bucket_shift) {
  const auto hash =
      static_cast<uint16_t>((key & 0xFFFF) * kFirstTwoBytesFactor + (key >> 16) * kThirdByteFactor);
  return {size_t{hash} >> bucket_shift, static_cast<uint8_t>((hash & ((1 << kTagBits) - 1)) | kTagMarker)};
}

// Values are scanned 16 positions at a time. A block at `at` hashes the keys of the windows at `at` to
// `at` + 15, which end two bytes past it, and tests the bytes those windows end with, from `at` + 2 to
// `at` + 17 (a value's first two bytes are tested by themselves); bit i of a block's masks is for the
// window at `at` + i.
constexpr size_t kBlock = 16;
constexpr size_t kBlockReach = kBlock + kKeySize - 1;
constexpr unsigned kWholeBlock = 0xFFFF;

// Calls scan(block, at, fresh) for the blocks of `value` in order until it returns true, and returns whether
// one did. `block` is readable for kBlockReach bytes and holds the value's bytes from `at` on; `fresh` has
// the bits of the windows (and their last bytes) that the value has and no block before covered. The last
// block of a long value overlaps the one before; a short value is scanned in a zero-padded copy.
template <typename Scan>
[[gnu::always_inline]] inline bool ScanBlocks(std::string_view value, Scan scan) {
  const size_t size = value.size();
  if (size < kBlockReach) {
    if (size < kKeySize) return false;
    std::array<char, kBlockReach> padded{};
    CopyBytes(value.data(), size, padded.data());
    return scan(padded.data(), 0, (1u << (size - kKeySize + 1)) - 1);
  }
  size_t at = 0;
  for (; at + kBlockReach <= size; at += kBlock) {
    if (scan(value.data() + at, at, kWholeBlock)) return true;
  }
  if (at + kKeySize > size) return false;
  const size_t last = size - kBlockReach;
  return scan(value.data() + last, last, kWholeBlock << (at - last) & kWholeBlock);
}

// Which of the 16 bytes of `bytes` are in `ranges`, a bit per byte (the first byte's is bit 0). SSE2
// compares bytes as signed only, so each range is moved to start at -128 and tested with one comparison.
[[gnu::always_inline]] inline unsigned BytesIn(__m128i bytes, const auto& ranges) {
  if (ranges.every_byte) return kWholeBlock;
  if (!ranges.has_ascii && _mm_movemask_epi8(bytes) == 0) return 0;  // ASCII bytes only (top bits clear)
  __m128i in = _mm_setzero_si128();
#pragma GCC unroll 8
  for (size_t range = 0; range < ranges.kMaxRanges; ++range) {
    const auto shifted_first = _mm_loadu_si128(reinterpret_cast<const __m128i*>(ranges.shifted_first[range].data()));
    const auto shifted_size = _mm_loadu_si128(reinterpret_cast<const __m128i*>(ranges.shifted_size[range].data()));
    in = _mm_or_si128(in, _mm_cmplt_epi8(_mm_sub_epi8(bytes, shifted_first), shifted_size));
  }
  return static_cast<unsigned>(_mm_movemask_epi8(in));
}

__m128i Load16(const char* at) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(at)); }

// A value's first two bytes, which no block tests (see kBlock), in the first lanes of `bytes`, and a bit for
// each of them that the value has.
struct FirstTwoBytes {
  __m128i bytes;
  unsigned present;
};

FirstTwoBytes FirstTwoBytesOf(std::string_view value) {
  if (value.empty()) return {_mm_setzero_si128(), 0};
  if (value.size() == 1) return {_mm_cvtsi32_si128(static_cast<unsigned char>(value[0])), 1};
  return {_mm_cvtsi32_si128(static_cast<unsigned char>(value[0]) | static_cast<unsigned char>(value[1]) << 8), 3};
}

// The windows of a block whose keys' tags are in their buckets, a bit per window. Even and odd windows
// are hashed apart: the 16-bit lanes of the bytes from the block's first hold the first two bytes of the
// even windows, those from its second of the odd ones; the lanes of `third_on`, the bytes from its third,
// hold the even windows' third bytes low and the odd ones' high.
[[gnu::always_inline]] inline unsigned KeyHits(const char* block, __m128i third_on, const uint16_t* key_buckets,
                                               __m128i bucket_shift) {
  const __m128i case_bits = _mm_set1_epi8(0x20);
  const auto hash = [](__m128i first_two, __m128i third) {
    return _mm_add_epi16(_mm_mullo_epi16(first_two, _mm_set1_epi16(static_cast<short>(kFirstTwoBytesFactor))),
                         _mm_mullo_epi16(third, _mm_set1_epi16(static_cast<short>(kThirdByteFactor))));
  };
  const __m128i thirds = _mm_or_si128(third_on, case_bits);
  const __m128i even = hash(_mm_or_si128(Load16(block), case_bits), _mm_and_si128(thirds, _mm_set1_epi16(0xFF)));
  const __m128i odd = hash(_mm_or_si128(Load16(block + 1), case_bits), _mm_srli_epi16(thirds, 8));
  alignas(16) std::array<uint16_t, kBlock> buckets;
  _mm_store_si128(reinterpret_cast<__m128i*>(buckets.data()), _mm_srl_epi16(even, bucket_shift));
  _mm_store_si128(reinterpret_cast<__m128i*>(buckets.data() + 8), _mm_srl_epi16(odd, bucket_shift));
  // Bit 2i or 2i + 1 set when lane i's tag is in either slot of its bucket, or the bucket takes every tag.
  const auto tag_hits = [&](__m128i hashes, const uint16_t* lane_buckets) {
    const auto tags_of = [&](int lane) { return key_buckets[lane_buckets[lane]]; };
    const __m128i found = _mm_set_epi16(tags_of(7), tags_of(6), tags_of(5), tags_of(4), tags_of(3), tags_of(2),
                                        tags_of(1), tags_of(0));
    const __m128i tags = _mm_or_si128(_mm_and_si128(hashes, _mm_set1_epi16((1 << kTagBits) - 1)), _mm_set1_epi16(kTagMarker));
    const __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(found, _mm_or_si128(tags, _mm_slli_epi16(tags, 8))),
                                     _mm_cmpeq_epi16(found, _mm_set1_epi16(static_cast<short>(kEveryTag))));
    const auto bits = static_cast<unsigned>(_mm_movemask_epi8(hit));
    return (bits | bits >> 1) & 0x5555;
  };
  return tag_hits(even, buckets.data()) | tag_hits(odd, buckets.data() + 8) << 1;
}

// A literal shorter than this, of the part of a prefilter atom whose bytes a value must hold, is too common
// to rule much out when the atom also has a cased letter outside ASCII: one of that letter's cases is
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

// A code point as UTF-8, by lexbor's encoder.
std::string Utf8Of(char32_t code_point) {
  lxb_char_t bytes[4];
  lxb_char_t* cursor = bytes;
  lxb_encoding_encode_t encoder;
  lxb_encoding_encode_init_single(&encoder, lxb_encoding_data(LXB_ENCODING_UTF_8));
  lxb_encoding_encode_utf_8_single(&encoder, &cursor, bytes + sizeof bytes, code_point);
  return std::string(reinterpret_cast<const char*>(bytes), static_cast<size_t>(cursor - bytes));
}

// The code point that well-formed UTF-8 `text` starts with, by lexbor's decoder.
char32_t FirstCodePoint(std::string_view text) {
  const auto* begin = reinterpret_cast<const lxb_char_t*>(text.data());
  lxb_encoding_decode_t decoder;
  lxb_encoding_decode_init_single(&decoder, lxb_encoding_data(LXB_ENCODING_UTF_8));
  return lxb_encoding_decode_utf_8_single(&decoder, &begin, begin + text.size());
}

constexpr int kLongestCodePoint = 4;  // bytes of UTF-8

// What RE2, ignoring case, matches for `code_point` (outside ASCII): every code point, as UTF-8, that it
// matches (PossibleMatchRange bounds them; the code point itself among them), or none when that is not known.
// A code point matched alone is caseless: the prefilter's atoms hold it as it is, and so must a value.
struct CaseVariants {
  std::vector<std::string> each;
  bool caseless() const { return each.size() == 1; }
};

CaseVariants FindCaseVariants(std::string_view code_point) {
  const RE2 folded("(?i)" + RE2::QuoteMeta(code_point), RegexGroup::PatternOptions());
  std::string min, max;
  if (!folded.PossibleMatchRange(&min, &max, kLongestCodePoint) || !RE2::FullMatch(min, folded) ||
      !RE2::FullMatch(max, folded)) {
    return {};
  }
  const char32_t lowest = FirstCodePoint(min), highest = FirstCodePoint(max);
  if (highest > 0x10FFFF) return {};  // not a code point: lexbor's decoder met no valid UTF-8
  CaseVariants variants;
  for (char32_t candidate = lowest; candidate <= highest; ++candidate) {
    if (candidate >= 0xD800 && candidate <= 0xDFFF) continue;  // surrogates, not text
    std::string text = Utf8Of(candidate);
    if (RE2::FullMatch(text, folded)) variants.each.push_back(std::move(text));
  }
  return variants;
}

// FindCaseVariants, remembered for the process: it tries every code point between the lowest and the
// highest case (6,000 for "д", whose old-style form is U+1C81), and groups share letters.
const CaseVariants& CaseVariantsOf(std::string_view code_point) {
  static std::mutex mutex;
  static std::map<std::string, CaseVariants, std::less<>> known;
  const std::lock_guard lock(mutex);
  auto found = known.find(code_point);
  if (found == known.end()) found = known.emplace(std::string(code_point), FindCaseVariants(code_point)).first;
  return found->second;  // map nodes stay put
}

// Of the prefilter atom `atom` (lower-cased UTF-8), what a value holding the atom, up to its case, holds:
// `exact`, the longest run that it holds byte for byte once its ASCII letters are lower-cased (ASCII and
// caseless code points), and the case variants of the atom's first code point with cases, if any.
struct AtomPart {
  std::string_view exact;
  const CaseVariants* first_cased = nullptr;
};

AtomPart PartOf(std::string_view atom) {
  AtomPart part;
  size_t run_begin = 0;
  for (size_t at = 0; at < atom.size();) {
    const size_t size = std::min(CodePointSize(atom[at]), atom.size() - at);
    bool exact = size == 1;
    if (!exact) {
      const CaseVariants& variants = CaseVariantsOf(atom.substr(at, size));
      exact = variants.caseless();
      if (!exact && part.first_cased == nullptr) part.first_cased = &variants;
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

// A group that Compile gives no literals has no byte with patterns either.
RegexGroup::RegexGroup()
    : pattern_bytes_(ByteRanges::Of({})),
      bucket_shift_(BucketShift(kFewestKeyBuckets)),
      key_buckets_(kFewestKeyBuckets) {}

size_t RegexGroup::Add(const std::string& pattern) {
  patterns_.push_back(std::make_unique<RE2>(pattern, PatternOptions()));
  return patterns_.size() - 1;
}

void RegexGroup::Compile() {
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
  required_bytes_ = ByteRanges::Of(bytes);
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
  unfiltered_ = 0;
  LongLiterals long_literals;
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
      const AtomPart part = PartOf(atoms[atom]);
      if (part.first_cased == nullptr || part.exact.size() >= kShortestExactPart) {
        Require(part.exact, bit, long_literals);
      } else if (part.first_cased->each.empty()) {  // its cases unknown: any first byte outside ASCII
        for (int byte = 0x80; byte <= 0xFF; ++byte) byte_patterns_[byte] |= bit;
      } else {
        for (const std::string& variant : part.first_cased->each) Require(variant, bit, long_literals);
      }
    }
  }
  for (std::string_view lookalike : kAsciiLetterLookalikes) Require(lookalike, all_patterns_ & ~unfiltered_, long_literals);
  std::array<bool, 256> pattern_bytes{};
  for (int byte = 0; byte < 256; ++byte) pattern_bytes[byte] = byte_patterns_[byte] != 0 || pair_first_bytes_.test(byte);
  pattern_bytes_ = ByteRanges::Of(pattern_bytes);
  DropLiteralsHoldingShorterOnes(long_literals);
  if (long_literals.size() > std::numeric_limits<uint16_t>::max()) {  // more than bucket_literals_ counts
    unfiltered_ = all_patterns_;
    return;
  }
  KeyLiterals(long_literals);
}

// A value that holds a literal holds every part of it, ignoring case as literals do: a literal is left out
// when the shorter literals, pairs and bytes it holds already stand for all its patterns (literals of
// "sponsor" and "sponsored" for one pattern), so fewer literals share a key ("spo") and the tables are
// smaller. Shortest first, so that a literal is left out only for parts that are kept.
void RegexGroup::DropLiteralsHoldingShorterOnes(LongLiterals& long_literals) const {
  std::vector<LongLiterals::iterator> shortest_first;
  for (auto literal = long_literals.begin(); literal != long_literals.end(); ++literal) shortest_first.push_back(literal);
  std::stable_sort(shortest_first.begin(), shortest_first.end(),
                   [](const auto& a, const auto& b) { return a->first.size() < b->first.size(); });
  std::vector<LongLiterals::iterator> kept;
  for (const auto& literal : shortest_first) {
    const std::string_view text = literal->first;
    PatternMask held = 0;
    for (size_t at = 0; at < text.size(); ++at) {
      held |= byte_patterns_[static_cast<unsigned char>(text[at])];
      if (at + 1 < text.size()) held |= PairsAt(text, at);
    }
    for (const auto& shorter : kept) {
      if (shorter->first.size() < text.size() && text.find(shorter->first) != std::string_view::npos) held |= shorter->second;
    }
    if ((literal->second & ~held) == 0) {
      long_literals.erase(literal);
    } else {
      kept.push_back(literal);
    }
  }
}

// The literals of three bytes or more, each with its key, in the tables PossiblePatterns reads.
void RegexGroup::KeyLiterals(const LongLiterals& long_literals) {
  std::vector<std::pair<Literal, PatternMask>> keyed;
  for (const auto& [text, patterns] : long_literals) {
    // A literal's first bytes are a literal too (a value with it has them), short enough to be counted.
    const std::string_view kept = std::string_view(text).substr(0, std::numeric_limits<uint16_t>::max());
    size_t key_offset = 0;
    int rarest = std::numeric_limits<int>::max();
    for (size_t at = 0; at + kKeySize <= kept.size(); ++at) {
      int commonness = 0;
      for (size_t i = at; i < at + kKeySize; ++i) {
        const auto byte = static_cast<unsigned char>(kept[i]);
        commonness += Commonness(byte);
        if (i > at && IsCommonPair(static_cast<unsigned char>(kept[i - 1]), byte)) commonness += kCommonPairPenalty;
      }
      if (commonness < rarest) {
        rarest = commonness;
        key_offset = at;
      }
    }
    uint32_t key = kCaseBits;
    for (size_t i = 0; i < kKeySize; ++i) key |= uint32_t{static_cast<unsigned char>(kept[key_offset + i])} << (8 * i);
    keyed.push_back({{key, static_cast<uint32_t>(literal_text_.size()), static_cast<uint16_t>(kept.size()),
                      static_cast<uint16_t>(key_offset)},
                     patterns});
    literal_text_ += kept;
  }
  const size_t buckets = std::clamp(std::bit_ceil(keyed.size() * kBucketsPerLiteral), kFewestKeyBuckets, kMostKeyBuckets);
  bucket_shift_ = BucketShift(buckets);
  key_buckets_.assign(buckets, 0);
  const auto bucket_of = [&](const Literal& literal) { return KeyBucketAndTag(literal.key, bucket_shift_).bucket; };
  std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) {
    return std::pair(bucket_of(a.first), a.first.key) < std::pair(bucket_of(b.first), b.first.key);
  });
  bucket_literals_.assign(buckets + 1, 0);
  for (const auto& [literal, patterns] : keyed) {
    literals_.push_back(literal);
    literal_patterns_.push_back(patterns);
    ++bucket_literals_[bucket_of(literal) + 1];
    const auto [bucket, tag] = KeyBucketAndTag(literal.key, bucket_shift_);
    uint16_t& tags = key_buckets_[bucket];
    const auto low = static_cast<uint8_t>(tags), high = static_cast<uint8_t>(tags >> 8);
    if (tags == kEveryTag || low == tag || high == tag) continue;
    tags = low == 0 ? static_cast<uint16_t>(tags | tag) : high == 0 ? static_cast<uint16_t>(tags | tag << 8) : kEveryTag;
  }
  std::partial_sum(bucket_literals_.begin(), bucket_literals_.end(), bucket_literals_.begin());
}

RegexGroup::ByteRanges RegexGroup::ByteRanges::Of(const std::array<bool, 256>& bytes) {
  std::vector<std::pair<int, int>> runs;  // [first, end)
  for (int first = 0; first < 256;) {
    int end = first;
    while (end < 256 && bytes[end]) ++end;
    if (end > first) runs.emplace_back(first, end);
    first = end + 1;
  }
  // Too many runs: the two closest are joined (taking in the bytes between them, which costs scanning time
  // but no pattern).
  while (runs.size() > kMaxRanges) {
    size_t closest = 0;
    for (size_t run = 1; run + 1 < runs.size(); ++run) {
      if (runs[run + 1].first - runs[run].second < runs[closest + 1].first - runs[closest].second) closest = run;
    }
    runs[closest].second = runs[closest + 1].second;
    runs.erase(runs.begin() + static_cast<std::ptrdiff_t>(closest) + 1);
  }
  ByteRanges ranges;
  // Unused ranges are empty: no byte less 128 is below -128.
  for (auto& shifted_size : ranges.shifted_size) shifted_size.fill(static_cast<char>(-128));
  for (size_t run = 0; run < runs.size(); ++run) {
    const auto [first, end] = runs[run];
    if (end - first == 256) return {.every_byte = true};
    ranges.shifted_first[run].fill(static_cast<char>(first + 128));
    ranges.shifted_size[run].fill(static_cast<char>(end - first - 128));
    ranges.has_ascii = ranges.has_ascii || first < 0x80;
  }
  return ranges;
}

void RegexGroup::Require(std::string_view literal, PatternMask patterns, LongLiterals& long_literals) {
  const auto either_case = [](unsigned char byte) {
    return std::array<unsigned char, 2>{byte, IsAsciiLetter(byte) ? static_cast<unsigned char>(byte ^ 0x20) : byte};
  };
  if (literal.size() == 1) {
    for (unsigned char byte : either_case(static_cast<unsigned char>(literal[0]))) byte_patterns_[byte] |= patterns;
    return;
  }
  if (literal.size() < kKeySize) {
    for (unsigned char first : either_case(static_cast<unsigned char>(literal[0]))) {
      for (unsigned char second : either_case(static_cast<unsigned char>(literal[1]))) {
        const BytePair pair{first, second, patterns};
        const auto at = std::lower_bound(byte_pairs_.begin(), byte_pairs_.end(), pair, [](const BytePair& a, const BytePair& b) {
          return std::pair(a.first, a.second) < std::pair(b.first, b.second);
        });
        if (at != byte_pairs_.end() && at->first == first && at->second == second) {
          at->patterns |= patterns;
        } else {
          byte_pairs_.insert(at, pair);
        }
        pair_first_bytes_.set(first);
        pair_second_bytes_ |= uint64_t{1} << (second & 63);
      }
    }
    return;
  }
  const auto [known, added] = long_literals.try_emplace(std::string(literal), patterns);
  if (!added) known->second |= patterns;
}

RegexGroup::PatternMask RegexGroup::PossiblePatterns(std::string_view value) const {
  const FirstTwoBytes first_two = FirstTwoBytesOf(value);
  if (needs_a_byte_) {
    if ((BytesIn(first_two.bytes, required_bytes_) & first_two.present) == 0 && !ScanBlocks(value, [&](const char* block, size_t, unsigned fresh) __attribute__((always_inline)) {
          return (BytesIn(Load16(block + 2), required_bytes_) & fresh) != 0;
        })) {
      return 0;
    }
  }
  if (unfiltered_ == all_patterns_) return all_patterns_;  // nothing to narrow
  PatternMask possible = unfiltered_;
  // The patterns of the one- and two-byte literals at `at`; two-byte ones are rare.
  const auto short_literals_at = [&](size_t at) __attribute__((always_inline)) {
    const auto byte = static_cast<unsigned char>(value[at]);
    const bool pair_possible = pair_first_bytes_.test(byte) && at + 1 < value.size() &&
                               (pair_second_bytes_ >> (value[at + 1] & 63) & 1) != 0;
    return byte_patterns_[byte] | (pair_possible ? PairsAt(value, at) : 0);
  };
  // Most bytes are in no literal of one or two bytes: byte_patterns_ is read only for those that are.
  for (unsigned bytes = BytesIn(first_two.bytes, pattern_bytes_) & first_two.present; bytes != 0; bytes &= bytes - 1) {
    possible |= short_literals_at(static_cast<size_t>(std::countr_zero(bytes)));
  }
  const __m128i bucket_shift = _mm_cvtsi32_si128(bucket_shift_);
  ScanBlocks(value, [&](const char* block, size_t at, unsigned fresh) __attribute__((always_inline)) {
    const __m128i third_on = Load16(block + 2);
    for (unsigned bytes = BytesIn(third_on, pattern_bytes_) & fresh; bytes != 0; bytes &= bytes - 1) {
      possible |= short_literals_at(at + std::countr_zero(bytes) + 2);
    }
    for (unsigned windows = KeyHits(block, third_on, key_buckets_.data(), bucket_shift) & fresh; windows != 0; windows &= windows - 1) {
      const int window = std::countr_zero(windows);
      uint32_t key = kCaseBits;
      for (size_t i = 0; i < kKeySize; ++i) key |= uint32_t{static_cast<unsigned char>(block[window + i])} << (8 * i);
      possible |= LiteralsAt(value, at + window, key);
    }
    return possible == all_patterns_;
  });
  return possible;
}

RegexGroup::PatternMask RegexGroup::PairsAt(std::string_view value, size_t at) const {
  PatternMask found = 0;
  const auto first = static_cast<unsigned char>(value[at]), second = static_cast<unsigned char>(value[at + 1]);
  for (auto pair = std::lower_bound(byte_pairs_.begin(), byte_pairs_.end(), first,
                                    [](const BytePair& pair, unsigned char byte) { return pair.first < byte; });
       pair != byte_pairs_.end() && pair->first == first; ++pair) {
    if (pair->second == second) found |= pair->patterns;
  }
  return found;
}

RegexGroup::PatternMask RegexGroup::LiteralsAt(std::string_view value, size_t key_at, uint32_t key) const {
  PatternMask found = 0;
  const size_t bucket = KeyBucketAndTag(key, bucket_shift_).bucket;
  for (size_t at = bucket_literals_[bucket], end = bucket_literals_[bucket + 1]; at < end; ++at) {
    const Literal& literal = literals_[at];
    if (literal.key != key || literal.key_offset > key_at || key_at - literal.key_offset + literal.size > value.size()) {
      continue;
    }
    const char* text = literal_text_.data() + literal.text_at;
    const auto begin = value.begin() + static_cast<std::ptrdiff_t>(key_at - literal.key_offset);
    if (std::equal(text, text + literal.size, begin, [](char l, char c) { return l == Lower(c); })) {
      found |= literal_patterns_[at];
    }
  }
  return found;
}

// RE2::PartialMatch without captures, less the two calls that handle them.
bool RegexGroup::Found(std::string_view value, size_t pattern) const {
  return patterns_[pattern]->Match(value, 0, value.size(), RE2::UNANCHORED, nullptr, 0);
}

}  // namespace backlint
