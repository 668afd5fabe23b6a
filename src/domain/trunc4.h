// Percentages as Anexo 13 publishes them: four decimals, the fourth truncated,
// never rounded ("el decimal de la cuarta posición es truncado y no redondeado").
//
// A Percent4 is held as an integer count of ten-thousandths of a percent, so no
// floating point is ever involved: 95.0842 % is Percent4{950842}.
// Thread-safety: values.
#pragma once

#include <cstdint>
#include <string>

namespace prep::domain {

struct Percent4 {
  int64_t ten_thousandths = 0;

  // "95.0842": at least one integer digit, a dot, exactly four decimals.
  std::string ToString() const;
  friend bool operator==(Percent4 a, Percent4 b) = default;
};

// trunc4(100 * numerator / denominator). A zero denominator gives 0.0000, which
// is what publishers print before the first acta arrives.
// REQUIRES: numerator >= 0, denominator >= 0.
Percent4 Trunc4Percent(int64_t numerator, int64_t denominator);

}  // namespace prep::domain
