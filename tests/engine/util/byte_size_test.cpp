// Sizes from the command line: plain byte counts and binary K/M/G units, in any case, with an
// optional "i" and "B"; everything else (signs, other units, overflow) is refused.
#include "engine/util/byte_size.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace layerpush::engine {
namespace {

TEST(ByteSizeTest, PlainNumbersAreBytes) {
  EXPECT_EQ(parse_byte_size("0"), 0u);
  EXPECT_EQ(parse_byte_size("1"), 1u);
  EXPECT_EQ(parse_byte_size("1048576"), 1048576u);
  EXPECT_EQ(parse_byte_size("18446744073709551615"), UINT64_MAX);
}

TEST(ByteSizeTest, UnitsAreBinary) {
  EXPECT_EQ(parse_byte_size("512K"), 512u << 10);
  EXPECT_EQ(parse_byte_size("5M"), 5u << 20);
  EXPECT_EQ(parse_byte_size("1G"), 1ull << 30);
  EXPECT_EQ(parse_byte_size("0K"), 0u);
  EXPECT_EQ(parse_byte_size("3G"), 3ull << 30);
}

TEST(ByteSizeTest, UnitsTakeAnOptionalIAndBInAnyCase) {
  for (const std::string text : {"5M", "5m", "5MB", "5mb", "5Mb", "5MiB", "5mib", "5MIB", "5Mi"})
    EXPECT_EQ(parse_byte_size(text), 5u << 20) << text;
  EXPECT_EQ(parse_byte_size("512KiB"), 512u << 10);
  EXPECT_EQ(parse_byte_size("512kb"), 512u << 10);
  EXPECT_EQ(parse_byte_size("2GiB"), 2ull << 30);
  EXPECT_EQ(parse_byte_size("7B"), 7u);
}

TEST(ByteSizeTest, LargestValuesThatFit) {
  EXPECT_EQ(parse_byte_size("17179869183G"), 17179869183ull << 30);  // (2^34 - 1) GiB
  EXPECT_EQ(parse_byte_size("17592186044415M"), 17592186044415ull << 20);
  EXPECT_EQ(parse_byte_size("18014398509481983K"), 18014398509481983ull << 10);
}

TEST(ByteSizeTest, RefusesMalformedText) {
  const std::vector<std::string> bad = {"",    "abc",  "5X",  "-1",  "5MM",  "M",    "K5",
                                        " 5",  "5 M",  "5M ", "+5",  "5T",   "5.5M", "5BB",
                                        "5Bi", "0x10", "5KM", "1e3", "5MiBB"};
  for (const auto& text : bad) EXPECT_EQ(parse_byte_size(text), std::nullopt) << '"' << text << '"';
}

TEST(ByteSizeTest, RefusesOverflow) {
  EXPECT_EQ(parse_byte_size("99999999999999999999"), std::nullopt);
  EXPECT_EQ(parse_byte_size("18446744073709551616"), std::nullopt);  // 2^64
  EXPECT_EQ(parse_byte_size("17179869184G"), std::nullopt);          // 2^34 GiB = 2^64
  EXPECT_EQ(parse_byte_size("17592186044416M"), std::nullopt);       // 2^44 MiB = 2^64
  EXPECT_EQ(parse_byte_size("18014398509481984K"), std::nullopt);    // 2^54 KiB = 2^64
  EXPECT_EQ(parse_byte_size("99999999999999999999G"), std::nullopt);
}

}  // namespace
}  // namespace layerpush::engine
