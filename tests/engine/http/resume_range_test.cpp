// Resuming a broken blob GET: the Range asked for, Content-Range parsing, and how many bytes of
// an answer repeat what was read before (or that the answer must not be used at all).
#include "engine/http/resume_range.h"

#include <gtest/gtest.h>

namespace layerpush::engine {
namespace {

TEST(ResumeRangeTest, AsksForEverythingFromTheOffset) {
  EXPECT_EQ(range_from(1048576), "bytes=1048576-");
}

TEST(ResumeRangeTest, ParsesContentRange) {
  const auto range = parse_content_range("bytes 100-199/1000");
  ASSERT_TRUE(range.has_value());
  EXPECT_EQ(range->first, 100u);
  EXPECT_EQ(range->last, 199u);
  EXPECT_EQ(range->total, 1000u);
  const auto unknown_total = parse_content_range("bytes 5-9/*");
  ASSERT_TRUE(unknown_total.has_value());
  EXPECT_FALSE(unknown_total->total.has_value());
  EXPECT_EQ(parse_content_range("bytes 0-18446744073709551614/18446744073709551615")->last,
            18446744073709551614u);
}

TEST(ResumeRangeTest, RefusesMalformedContentRange) {
  for (const char* bad :
       {"", "bytes", "bytes */1000", "items 0-1/2", "bytes 9-5/10", "bytes 0-9/10x", "bytes 0-9",
        "bytes -9/10", "bytes 0-/10", "bytes 0-10/10", "bytes 1 -2/3",
        "bytes 0-18446744073709551616/*", "0-9/10"})
    EXPECT_FALSE(parse_content_range(bad).has_value()) << bad;
}

TEST(ResumeRangeTest, A206AtTheOffsetRepeatsNothing) {
  EXPECT_EQ(bytes_to_skip(100, 206, "bytes 100-999/1000"), 0u);
  EXPECT_EQ(bytes_to_skip(100, 206, "bytes 100-999/*"), 0u);
}

TEST(ResumeRangeTest, A200RepeatsEverythingBeforeTheOffset) {
  EXPECT_EQ(bytes_to_skip(100, 200, ""), 100u);
  EXPECT_EQ(bytes_to_skip(0, 200, ""), 0u);
}

TEST(ResumeRangeTest, AnotherRangeOrNoneMustNotBeUsed) {
  EXPECT_FALSE(bytes_to_skip(100, 206, "bytes 0-999/1000").has_value());
  EXPECT_FALSE(bytes_to_skip(100, 206, "bytes 101-999/1000").has_value());
  EXPECT_FALSE(bytes_to_skip(100, 206, "").has_value());
  EXPECT_FALSE(bytes_to_skip(0, 206, "bytes 0-999/1000").has_value());  // nothing was asked
  EXPECT_FALSE(bytes_to_skip(100, 416, "bytes */100").has_value());
}

}  // namespace
}  // namespace layerpush::engine
