// The lists `layerpush bench` sweeps: comma-separated, in the order given, each item checked;
// empty items, duplicates, bad numbers and out-of-range values refuse the whole list.
#include "engine/util/sweep_list.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace layerpush::engine {
namespace {

TEST(SweepListTest, IntListsKeepTheirOrder) {
  EXPECT_EQ(parse_int_list("1,2,5,8", 1, 256), (std::vector<int>{1, 2, 5, 8}));
  EXPECT_EQ(parse_int_list("8,1", 1, 256), (std::vector<int>{8, 1}));
  EXPECT_EQ(parse_int_list("3", 1, 256), (std::vector<int>{3}));
  EXPECT_EQ(parse_int_list("256", 1, 256), (std::vector<int>{256}));
}

TEST(SweepListTest, BadIntListsAreRefused) {
  for (const std::string text : {"", ",", "1,", ",1", "1,,2", "0", "257", "-1", "1,x", "2.5",
                                 "1 ,2", "1,1", "5,2,5", "99999999999999999999"})
    EXPECT_FALSE(parse_int_list(text, 1, 256)) << '"' << text << '"';
}

TEST(SweepListTest, SizeListsTakeUnits) {
  EXPECT_EQ(parse_size_list("0,16M"), (std::vector<std::uint64_t>{0, 16u << 20}));
  EXPECT_EQ(parse_size_list("256K,1048576,1G"),
            (std::vector<std::uint64_t>{256u << 10, 1u << 20, 1ull << 30}));
}

TEST(SweepListTest, BadSizeListsAreRefused) {
  for (const std::string text : {"", "0,", "16X", "1M,1M", "1M,1048576", "-1", "0,,8M"})
    EXPECT_FALSE(parse_size_list(text)) << '"' << text << '"';
}

}  // namespace
}  // namespace layerpush::engine
