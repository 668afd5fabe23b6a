#include "domain/trunc4.h"

#include <cstdio>

namespace prep::domain {

std::string Percent4::ToString() const {
  int64_t v = ten_thousandths;
  const bool negative = v < 0;
  if (negative) v = -v;
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%s%lld.%04lld", negative ? "-" : "",
                static_cast<long long>(v / 10000), static_cast<long long>(v % 10000));
  return buf;
}

Percent4 Trunc4Percent(int64_t numerator, int64_t denominator) {
  if (denominator <= 0 || numerator <= 0) return Percent4{0};
  // 128-bit so that 100 * 10000 * numerator cannot overflow for any int64.
  const __int128 scaled = static_cast<__int128>(numerator) * 1000000;
  return Percent4{static_cast<int64_t>(scaled / denominator)};
}

}  // namespace prep::domain
