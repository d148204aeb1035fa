#include "backlint/decode/base64.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace backlint {
namespace {

// The decoding this one replaced: OpenSSL's, after a check of the strict shape that EVP_DecodeBlock
// itself does not make (it skips whitespace and reads a misplaced '=' as zero bits).
std::optional<std::string> OpenSslDecode(std::string_view text) {
  constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const size_t padding = text.ends_with("==") ? 2 : text.ends_with('=') ? 1 : 0;
  if (text.size() % 4 != 0 ||
      text.substr(0, text.size() - padding).find_first_not_of(kAlphabet) != std::string_view::npos) {
    return std::nullopt;
  }
  std::string bytes(text.size() / 4 * 3, '\0');
  const int decoded =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(bytes.data()),
                      reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (decoded < 0) return std::nullopt;
  bytes.resize(static_cast<size_t>(decoded) - padding);
  return bytes;
}

std::optional<std::string> Decode(std::string_view text) {
  std::string bytes;
  if (!DecodeBase64(text, bytes)) return std::nullopt;
  return bytes;
}

std::optional<std::string> DecodeWith(Base64Kernel kernel, std::string_view text) {
  std::string bytes;
  if (!DecodeBase64(text, bytes, kernel)) return std::nullopt;
  return bytes;
}

std::string OpenSslEncode(std::string_view bytes) {
  std::string text(4 * ((bytes.size() + 2) / 3) + 1, '\0');  // EVP_EncodeBlock writes a terminating NUL
  text.resize(static_cast<size_t>(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()),
                                                  reinterpret_cast<const unsigned char*>(bytes.data()),
                                                  static_cast<int>(bytes.size()))));
  return text;
}

TEST(Base64Test, DecodesTheRfc4648TestVectors) {
  EXPECT_EQ(Decode(""), "");
  EXPECT_EQ(Decode("Zg=="), "f");
  EXPECT_EQ(Decode("Zm8="), "fo");
  EXPECT_EQ(Decode("Zm9v"), "foo");
  EXPECT_EQ(Decode("Zm9vYg=="), "foob");
  EXPECT_EQ(Decode("Zm9vYmE="), "fooba");
  EXPECT_EQ(Decode("Zm9vYmFy"), "foobar");
  EXPECT_EQ(Decode("+/+/"), "\xFB\xFF\xBF");
}

TEST(Base64Test, RejectsAnythingButWholeQuantaWithPaddingAtTheEnd) {
  for (std::string_view text : {"Zg", "Zg=", "Z===", "====", "Zg==Zg==", "Zm=v", "Zm9v\n", " Zm9v", "Zm9-",
                                "Zm9_", "Zm9v Zm9v", "Zm9\x80"}) {
    EXPECT_EQ(Decode(text), std::nullopt) << text;
  }
}

TEST(Base64Test, IgnoresTheUnusedBitsOfAPaddedLastQuantum) {
  EXPECT_EQ(Decode("Zh=="), "f");
  EXPECT_EQ(Decode("Zm9="), "fo");
}

TEST(Base64Test, OverwritesAReusedBuffer) {
  std::string bytes = "a much longer previous content";
  ASSERT_TRUE(DecodeBase64("Zm9v", bytes));
  EXPECT_EQ(bytes, "foo");
  ASSERT_TRUE(DecodeBase64("", bytes));
  EXPECT_EQ(bytes, "");
}

// Random texts near the valid shape (valid ones, and ones with one character or the length wrong)
// decode exactly as OpenSSL's decoding with the strict check did.
TEST(Base64Test, AgreesWithOpenSslOnRandomTexts) {
  constexpr std::string_view kCharacters =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ \n\x80";
  std::mt19937 random(20241130);
  std::uniform_int_distribution<int> byte(0, 255);
  int valid = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string bytes(static_cast<size_t>(random() % 40), '\0');
    for (char& c : bytes) c = static_cast<char>(byte(random));
    std::string text(4 * ((bytes.size() + 2) / 3), '\0');
    text.resize(static_cast<size_t>(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()),
                                                    reinterpret_cast<const unsigned char*>(bytes.data()),
                                                    static_cast<int>(bytes.size()))));
    switch (round % 4) {
      case 0: break;  // valid as encoded
      case 1:         // one character replaced
        if (!text.empty()) text[random() % text.size()] = kCharacters[random() % kCharacters.size()];
        break;
      case 2: text.insert(random() % (text.size() + 1), 1, kCharacters[random() % kCharacters.size()]); break;
      case 3: text.erase(0, std::min<size_t>(text.size(), random() % 3)); break;
    }
    const std::optional<std::string> expected = OpenSslDecode(text);
    EXPECT_EQ(Decode(text), expected) << text;
    if (round % 4 == 0) {
      EXPECT_EQ(expected, bytes);
    }
    valid += expected.has_value();
  }
  EXPECT_GT(valid, 5000);  // the invalid cases did not crowd out the valid ones
  EXPECT_LT(valid, 19000);
}

// The kernels are checked one by one: DecodeBase64 itself only ever runs the fastest.
class Base64KernelTest : public testing::TestWithParam<Base64Kernel> {};

INSTANTIATE_TEST_SUITE_P(SupportedKernels, Base64KernelTest, testing::ValuesIn(SupportedBase64Kernels()),
                         [](const testing::TestParamInfo<Base64Kernel>& kernel) {
                           return kernel.param == Base64Kernel::kAvx2 ? "Avx2" : "Portable";
                         });

TEST(Base64KernelsTest, ThePortableKernelComesFirstAndAvx2IsUsedWhereTheCpuHasIt) {
  const std::vector<Base64Kernel> kernels = SupportedBase64Kernels();
  ASSERT_FALSE(kernels.empty());
  EXPECT_EQ(kernels.front(), Base64Kernel::kPortable);
#if defined(__x86_64__)
  __builtin_cpu_init();
  EXPECT_EQ(std::count(kernels.begin(), kernels.end(), Base64Kernel::kAvx2), __builtin_cpu_supports("avx2") ? 1 : 0);
#endif
}

// Every byte value at every place of texts long enough for several vector blocks: a character outside
// the alphabet anywhere is rejected, and every other text decodes as OpenSSL decodes it.
TEST_P(Base64KernelTest, EachByteAtEachPlaceDecodesAsOpenSslDecodesIt) {
  std::string bytes(96, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 37 + 11);
  const std::string valid = OpenSslEncode(bytes);  // 128 characters, no padding
  for (size_t place = 0; place < valid.size(); ++place) {
    for (int byte = 0; byte < 256; ++byte) {
      std::string text = valid;
      text[place] = static_cast<char>(byte);
      ASSERT_EQ(DecodeWith(GetParam(), text), OpenSslDecode(text)) << "byte " << byte << " at " << place;
    }
  }
  EXPECT_EQ(DecodeWith(GetParam(), valid), bytes);
}

// Random lengths around the vector block sizes, valid and with one character wrong, and padded ends.
TEST_P(Base64KernelTest, AgreesWithOpenSslOnRandomLongTexts) {
  constexpr std::string_view kCharacters = "ABZaz09+/=-_ \n\x80";
  std::mt19937 random(20261130);
  int valid = 0;
  for (int round = 0; round < 4000; ++round) {
    std::string bytes(static_cast<size_t>(random() % 200), '\0');
    for (char& c : bytes) c = static_cast<char>(random());
    std::string text = OpenSslEncode(bytes);
    if (round % 2 == 1 && !text.empty()) text[random() % text.size()] = kCharacters[random() % kCharacters.size()];
    const std::optional<std::string> expected = OpenSslDecode(text);
    ASSERT_EQ(DecodeWith(GetParam(), text), expected) << text;
    if (round % 2 == 0) {
      ASSERT_EQ(expected, bytes);
    }
    valid += expected.has_value();
  }
  EXPECT_GT(valid, 2000);
  EXPECT_LT(valid, 3500);
}

// Real pages, base64-encoded as `html_base64` carries them, come back byte for byte.
TEST_P(Base64KernelTest, CorpusPagesRoundTrip) {
  const std::filesystem::path directory = BACKLINT_CORPUS_DIR "/pages";
  if (!std::filesystem::is_directory(directory)) GTEST_SKIP() << "corpus pages not found at " << directory;
  std::string decoded;  // reused, as the JSON decoder reuses a page's HTML
  int pages = 0;
  for (const std::filesystem::directory_entry& file : std::filesystem::directory_iterator(directory)) {
    std::stringstream html;
    html << std::ifstream(file.path(), std::ios::binary).rdbuf();
    ASSERT_TRUE(DecodeBase64(OpenSslEncode(html.str()), decoded, GetParam())) << file.path();
    ASSERT_EQ(decoded, html.str()) << file.path();
    ++pages;
  }
  EXPECT_GT(pages, 100);
}

}  // namespace
}  // namespace backlint
