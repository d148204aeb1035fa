#include "backlint/extract/flat_text_table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace backlint {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

// `key`'s value, entering it with `value` when absent.
int* Enter(FlatTextTable<int>& table, std::string_view key, int value) {
  return table.FindOrInsert(key, [&] { return std::optional(value); });
}

// `key`'s value, or null: a lookup that enters nothing.
int* Lookup(FlatTextTable<int>& table, std::string_view key) {
  return table.FindOrInsert(key, [] { return std::optional<int>(); });
}

std::vector<std::pair<std::string, int>> Entries(const FlatTextTable<int>& table) {
  std::vector<std::pair<std::string, int>> entries;
  table.ForEach([&](std::string_view key, int value) { entries.emplace_back(key, value); });
  return entries;
}

TEST(FlatTextTableTest, FindsWhatEnteredAndKeepsTheFirstValue) {
  FlatTextTable<int> table;
  EXPECT_EQ(Lookup(table, "alps"), nullptr);
  EXPECT_EQ(*Enter(table, "alps", 1), 1);
  EXPECT_EQ(*Enter(table, "hiking", 2), 2);
  EXPECT_EQ(*Enter(table, "alps", 3), 1);  // found, so make() is not asked again
  *Lookup(table, "hiking") += 10;
  EXPECT_EQ(*Lookup(table, "hiking"), 12);
  EXPECT_EQ(Lookup(table, "alp"), nullptr);
  EXPECT_EQ(Lookup(table, "alpss"), nullptr);
  EXPECT_EQ(table.size(), 2U);
}

TEST(FlatTextTableTest, MakeIsCalledOnlyForAbsentKeysAndMayLeaveThemOut) {
  FlatTextTable<int> table;
  int calls = 0;
  const auto refuse = [&] {
    ++calls;
    return std::optional<int>();
  };
  EXPECT_EQ(table.FindOrInsert("late", refuse), nullptr);
  EXPECT_EQ(table.FindOrInsert("late", refuse), nullptr);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(table.size(), 0U);
  Enter(table, "early", 5);
  EXPECT_EQ(*table.FindOrInsert("early", refuse), 5);
  EXPECT_EQ(calls, 2);
}

TEST(FlatTextTableTest, EmptyKeysAndKeysWithNulBytesAreKeysLikeAnyOther) {
  FlatTextTable<int> table;
  Enter(table, "", 1);
  Enter(table, std::string_view("a\0b", 3), 2);
  Enter(table, std::string_view("a\0c", 3), 3);
  Enter(table, std::string_view("\0", 1), 4);
  EXPECT_EQ(*Lookup(table, ""), 1);
  EXPECT_EQ(*Lookup(table, std::string_view("a\0b", 3)), 2);
  EXPECT_EQ(*Lookup(table, std::string_view("a\0c", 3)), 3);
  EXPECT_EQ(*Lookup(table, std::string_view("\0", 1)), 4);
  EXPECT_EQ(Lookup(table, "a"), nullptr);
  EXPECT_EQ(table.size(), 4U);
}

TEST(FlatTextTableTest, KeysDifferingInOneByteAtAnyPlaceAreDistinct) {
  // Every length around the comparison's cases (up to three bytes, four to seven, eight to sixteen,
  // longer), each with one variant per byte: equal lengths and mostly equal bytes must not be mistaken.
  FlatTextTable<int> table;
  std::map<std::string, int> expected;
  for (std::size_t length = 1; length <= 40; ++length) {
    const std::string base(length, 'k');
    expected.emplace(base, static_cast<int>(expected.size()));
    for (std::size_t at = 0; at < length; ++at) {
      std::string variant = base;
      variant[at] = 'q';
      expected.emplace(variant, static_cast<int>(expected.size()));
    }
  }
  for (const auto& [key, value] : expected) Enter(table, key, value);
  ASSERT_EQ(table.size(), expected.size());
  for (const auto& [key, value] : expected) {
    const int* found = Lookup(table, key);
    ASSERT_NE(found, nullptr) << key;
    EXPECT_EQ(*found, value) << key;
  }
  EXPECT_EQ(Lookup(table, std::string(41, 'k')), nullptr);
  EXPECT_EQ(Lookup(table, "qkkkkkkkkkkkkkkkkkkkq"), nullptr);  // two bytes differ: no variant
}

TEST(FlatTextTableTest, ManyKeysSharingSlotsAreAllFoundAfterEveryGrowth) {
  // Thousands of keys through a table that starts small: many probe past slots that other keys took, and
  // each growth moves them all. Checked against std::map after each insert that grew the table.
  FlatTextTable<int> table;
  std::map<std::string, int> expected;
  std::mt19937 random(7);
  std::size_t growths = 0;
  for (int i = 0; i < 5000; ++i) {
    std::string key = "https://example.com/" + std::to_string(random() % 3000);
    if (i % 3 == 0) key = key.substr(random() % key.size());
    const std::size_t capacity = table.capacity();
    const int value = *Enter(table, key, i);
    EXPECT_EQ(value, expected.emplace(key, i).first->second) << key;
    if (table.capacity() == capacity) continue;
    ++growths;
    for (const auto& [known, known_value] : expected) {
      const int* found = Lookup(table, known);
      ASSERT_NE(found, nullptr) << known;
      ASSERT_EQ(*found, known_value) << known;
    }
  }
  EXPECT_GE(growths, 5U);
  EXPECT_EQ(table.size(), expected.size());
}

TEST(FlatTextTableTest, CapacityStaysWithinTwiceTheKeys) {
  FlatTextTable<int> table;
  EXPECT_EQ(table.capacity(), 0U);
  for (int i = 0; i < 10000; ++i) {
    Enter(table, "key" + std::to_string(i), i);
    EXPECT_GE(table.capacity(), table.size());
    if (table.size() > 8) {
      EXPECT_LT(table.capacity(), 2 * table.size()) << table.size();
    }
  }
}

TEST(FlatTextTableTest, ReservedRoomTakesThatManyKeysWithoutGrowing) {
  FlatTextTable<int> table;
  table.Reserve(1000);
  const std::size_t capacity = table.capacity();
  EXPECT_GE(capacity, 1000U);
  EXPECT_LT(capacity, 2000U);
  for (int i = 0; i < 1000; ++i) Enter(table, "word" + std::to_string(i), i);
  EXPECT_EQ(table.capacity(), capacity);
  table.Reserve(10);  // never shrinks
  EXPECT_EQ(table.capacity(), capacity);
  EXPECT_EQ(*Lookup(table, "word999"), 999);
}

TEST(FlatTextTableTest, VisitsKeysInTheOrderTheyEntered) {
  FlatTextTable<int> table;
  for (const char* key : {"zebra", "apple", "mango", "apple", "kiwi"}) Enter(table, key, static_cast<int>(table.size()));
  EXPECT_THAT(Entries(table), ElementsAre(Pair("zebra", 0), Pair("apple", 1), Pair("mango", 2), Pair("kiwi", 3)));
}

TEST(FlatTextTableTest, ACopyIsIndependentOfItsOriginal) {
  // PageTerms starts each page's vocabulary as a copy of the stop-words' table.
  FlatTextTable<int> original;
  Enter(original, "the", 0);
  Enter(original, "and", 0);
  FlatTextTable<int> copy = original;
  for (int i = 0; i < 100; ++i) Enter(copy, "term" + std::to_string(i), i);  // grows the copy
  *Lookup(copy, "the") = 7;
  EXPECT_EQ(*Lookup(copy, "the"), 7);
  EXPECT_EQ(*Lookup(copy, "term42"), 42);
  EXPECT_THAT(Entries(original), ElementsAre(Pair("the", 0), Pair("and", 0)));
  EXPECT_EQ(Lookup(original, "term42"), nullptr);
}

}  // namespace
}  // namespace backlint
