#include "backlint/app/output_path.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace backlint {
namespace {

class OutputPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) / "output_path_test";
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "sub");
    std::ofstream(dir_ / "events.jsonl") << "{}\n";
    std::ofstream(dir_ / "other.jsonl") << "{}\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_;
};

TEST_F(OutputPathTest, FindsTheInputThatIsTheOutputWhateverItsSpelling) {
  EXPECT_EQ(InputSameAs(Path("events.jsonl"), {Path("other.jsonl"), Path("events.jsonl")}), Path("events.jsonl"));
  EXPECT_EQ(InputSameAs(Path("sub/../events.jsonl"), {Path("events.jsonl")}), Path("events.jsonl"));
  std::filesystem::create_symlink(Path("events.jsonl"), Path("link.jsonl"));
  EXPECT_EQ(InputSameAs(Path("link.jsonl"), {Path("events.jsonl")}), Path("events.jsonl"));
}

TEST_F(OutputPathTest, OtherFilesStandardInputAndNewFilesMatchNothing) {
  EXPECT_EQ(InputSameAs(Path("disavow.txt"), {Path("events.jsonl"), "-"}), std::nullopt);
  EXPECT_EQ(InputSameAs(Path("other.jsonl"), {Path("events.jsonl")}), std::nullopt);
  EXPECT_EQ(InputSameAs(Path("events.jsonl"), {}), std::nullopt);
}

}  // namespace
}  // namespace backlint
