#include "backlint/decode/base64.h"

#include <array>
#include <cstdint>

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

}  // namespace

bool DecodeBase64(std::string_view text, std::string& bytes) {
  if (text.size() % 4 != 0) return false;
  bytes.resize(text.size() / 4 * 3);
  if (text.empty()) return true;
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  char* out = bytes.data();
  // Checked once at the end: the loop has no branch but its own.
  uint32_t seen = 0;
  for (const unsigned char* last = in + text.size() - 4; in != last; in += 4, out += 3) {
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
