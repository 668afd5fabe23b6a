#include "domain/trunc4.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>

namespace prep::domain {
namespace {

// Every expectation below is worked by hand: 100·a/b to five decimals, then the
// fifth dropped.
TEST(Trunc4, QuintanaRooContabilizadas) {
  // 2031/2136 = 0.950842696... → 95.0842 (rounding would give 95.0843).
  EXPECT_EQ(Trunc4Percent(2031, 2136).ToString(), "95.0842");
}

TEST(Trunc4, TamaulipasContabilizadasNeverRounds) {
  // 4682/4778 = 0.979907911... → 97.9907 (rounding would give 97.9908).
  EXPECT_EQ(Trunc4Percent(4682, 4778).ToString(), "97.9907");
}

TEST(Trunc4, ZeroOverZeroIsZero) { EXPECT_EQ(Trunc4Percent(0, 0).ToString(), "0.0000"); }

TEST(Trunc4, ZeroNumerator) { EXPECT_EQ(Trunc4Percent(0, 2136).ToString(), "0.0000"); }

TEST(Trunc4, Whole) { EXPECT_EQ(Trunc4Percent(2136, 2136).ToString(), "100.0000"); }

TEST(Trunc4, TwoThirdsTruncates) {
  // 66.66666... → 66.6666; rounding would give 66.6667.
  EXPECT_EQ(Trunc4Percent(2, 3).ToString(), "66.6666");
}

TEST(Trunc4, ParticipationQuintanaRoo) {
  // 263005/1187254 = 0.221523... → 22.1523.
  EXPECT_EQ(Trunc4Percent(263005, 1187254).ToString(), "22.1523");
}

TEST(Trunc4, SmallestStep) {
  // 1/1,000,000 = 0.0001 %; one less in a million is below the step.
  EXPECT_EQ(Trunc4Percent(1, 1000000).ToString(), "0.0001");
  EXPECT_EQ(Trunc4Percent(1, 1000001).ToString(), "0.0000");
}

TEST(Trunc4, NoOverflowAtNationalScale) {
  // 100,000,000 votes over 98,000,000 voters: the product 1e8·1e6 overflows
  // 32 bits and is close to the int64 range; the result is 102.0408.
  EXPECT_EQ(Trunc4Percent(100000000, 98000000).ToString(), "102.0408");
  EXPECT_EQ(Trunc4Percent(9000000000000, 9000000000000).ToString(), "100.0000");
}

TEST(Trunc4, HeldAsTenThousandths) {
  EXPECT_EQ(Trunc4Percent(2031, 2136).ten_thousandths, 950842);
  EXPECT_EQ(Percent4{5}.ToString(), "0.0005");
}

}  // namespace
}  // namespace prep::domain

namespace prep::domain {
namespace {

// ToString writes its digits by hand; these hold it to the printf format it
// replaced ("%s%lld.%04lld"), including the extremes.
TEST(Trunc4, ToStringMatchesPrintf) {
  for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{9999}, int64_t{10000}, int64_t{-1},
                    int64_t{-10001}, int64_t{123456789}, INT64_MAX, INT64_MIN + 1}) {
    const bool neg = v < 0;
    const uint64_t m = neg ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s%llu.%04llu", neg ? "-" : "",
                  static_cast<unsigned long long>(m / 10000),
                  static_cast<unsigned long long>(m % 10000));
    EXPECT_EQ(Percent4{v}.ToString(), buf) << v;
  }
  EXPECT_EQ(Percent4{INT64_MIN}.ToString(), "-922337203685477.5808");
}

}  // namespace
}  // namespace prep::domain
