#include "backlint/decode/base64.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// The AVX2 kernel is compiled for that target only inside its own function, and chosen at run time.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define BACKLINT_BASE64_AVX2 1
#include <immintrin.h>
#endif

namespace backlint {
namespace {

// A character's six bits, pre-shifted to their place in a quantum's 24, so that a quantum is four lookups
// OR-ed together; characters outside the alphabet set a bit above those 24.
constexpr uint32_t kNotInAlphabet = uint32_t{1} << 24;

constexpr std::array<uint32_t, 256> SextetsShiftedBy(int shift) {
  constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::array<uint32_t, 256> table{};
  table.fill(kNotInAlphabet);
  for (size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<uint32_t>(i) << shift;
  }
  return table;
}

constexpr std::array<uint32_t, 256> kFirst = SextetsShiftedBy(18);
constexpr std::array<uint32_t, 256> kSecond = SextetsShiftedBy(12);
constexpr std::array<uint32_t, 256> kThird = SextetsShiftedBy(6);
constexpr std::array<uint32_t, 256> kFourth = SextetsShiftedBy(0);

uint32_t Quantum(const unsigned char* text) {
  return kFirst[text[0]] | kSecond[text[1]] | kThird[text[2]] | kFourth[text[3]];
}

void WriteBytes(uint32_t quantum, char* out) {
  out[0] = static_cast<char>(quantum >> 16);
  out[1] = static_cast<char>(quantum >> 8);
  out[2] = static_cast<char>(quantum);
}

#if BACKLINT_BASE64_AVX2
// Decodes blocks of 32 characters from `in` into 24 bytes each at `out`, while a block is all alphabet and
// at least 16 characters follow it (its store writes 32 bytes, and the last quantum, which may be padded,
// is left to the portable loop). Returns how many characters it decoded. The method is Wojciech Muła's
// and Daniel Lemire's ("Faster Base64 Encoding and Decoding Using AVX2 Instructions", 2018).
__attribute__((target("avx2"))) size_t DecodeBlocksAvx2(const unsigned char* in, size_t size, char* out) {
  // A character's low and high nibbles each pick a set of flags; it is in the alphabet exactly when the
  // two sets share none.
  const __m256i low_nibble_flags =
      _mm256_setr_epi8(0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B, 0x1B,
                       0x1A, 0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B,
                       0x1B, 0x1A);
  const __m256i high_nibble_flags =
      _mm256_setr_epi8(0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
                       0x10, 0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
                       0x10, 0x10);
  // Added to a character to give its six bits, by its high nibble; '/' (high nibble 2) is looked up at 1.
  const __m256i offsets = _mm256_setr_epi8(0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0,  //
                                           0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m256i nibble = _mm256_set1_epi8(0x0F);
  // Each lane's four 24-bit groups, written high byte first, then the two lanes' 12 bytes side by side.
  const __m256i group_bytes = _mm256_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1,  //
                                               2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
  const __m256i lane_words = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 3, 7);
  size_t decoded = 0;
  for (; size - decoded >= 48; decoded += 32, out += 24) {
    const __m256i text = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + decoded));
    const __m256i high_nibbles = _mm256_and_si256(_mm256_srli_epi32(text, 4), nibble);
    const __m256i low_nibbles = _mm256_and_si256(text, nibble);
    if (!_mm256_testz_si256(_mm256_shuffle_epi8(low_nibble_flags, low_nibbles),
                            _mm256_shuffle_epi8(high_nibble_flags, high_nibbles))) {
      break;
    }
    const __m256i slashes = _mm256_cmpeq_epi8(text, _mm256_set1_epi8('/'));  // -1 each
    const __m256i sextets =
        _mm256_add_epi8(text, _mm256_shuffle_epi8(offsets, _mm256_add_epi8(high_nibbles, slashes)));
    // Four sextets a b c d to the 24 bits abcd: (a << 6 | b) and (c << 6 | d), then (ab << 12 | cd).
    const __m256i pairs = _mm256_maddubs_epi16(sextets, _mm256_set1_epi32(0x01400140));
    const __m256i groups = _mm256_madd_epi16(pairs, _mm256_set1_epi32(0x00011000));
    const __m256i bytes = _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(groups, group_bytes), lane_words);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), bytes);
  }
  return decoded;
}
#endif

}  // namespace

std::vector<Base64Kernel> SupportedBase64Kernels() {
  std::vector<Base64Kernel> kernels = {Base64Kernel::kPortable};
#if BACKLINT_BASE64_AVX2
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2")) kernels.push_back(Base64Kernel::kAvx2);
#endif
  return kernels;
}

bool DecodeBase64(std::string_view text, std::string& bytes) {
  static const Base64Kernel kFastest = SupportedBase64Kernels().back();
  return DecodeBase64(text, bytes, kFastest);
}

bool DecodeBase64(std::string_view text, std::string& bytes, [[maybe_unused]] Base64Kernel kernel) {
  if (text.size() % 4 != 0) return false;
  bytes.resize(text.size() / 4 * 3);
  if (text.empty()) return true;
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  const unsigned char* const last_quantum = in + text.size() - 4;
  char* out = bytes.data();
#if BACKLINT_BASE64_AVX2
  if (kernel == Base64Kernel::kAvx2) {
    const size_t decoded = DecodeBlocksAvx2(in, text.size(), out);
    in += decoded;
    out += decoded / 4 * 3;
  }
#endif
  // Checked once at the end: the loop has no branch but its own.
  uint32_t seen = 0;
  for (; in != last_quantum; in += 4, out += 3) {
    const uint32_t quantum = Quantum(in);
    seen |= quantum;
    WriteBytes(quantum, out);
  }
  // In the last quantum '=' stands for zero bits ('A'), and is allowed nowhere else.
  const size_t padding = text.ends_with("==") ? 2 : text.ends_with('=') ? 1 : 0;
  const std::array<unsigned char, 4> last = {in[0], in[1], padding == 2 ? static_cast<unsigned char>('A') : in[2],
                                             padding >= 1 ? static_cast<unsigned char>('A') : in[3]};
  const uint32_t quantum = Quantum(last.data());
  seen |= quantum;
  WriteBytes(quantum, out);
  if (seen & kNotInAlphabet) return false;
  bytes.resize(bytes.size() - padding);
  return true;
}

}  // namespace backlint
