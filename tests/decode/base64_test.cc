#include "backlint/decode/base64.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <optional>
#include <random>
#include <string>
#include <string_view>

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

}  // namespace
}  // namespace backlint
