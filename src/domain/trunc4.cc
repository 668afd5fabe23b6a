#include "domain/trunc4.h"

#include <cstdint>

namespace prep::domain {

std::string Percent4::ToString() const {
  // "-" if negative, the integer part, '.', four digits, as "%s%lld.%04lld"
  // would print them, written directly: a national corte formats a few hundred
  // thousand. Unsigned, so that INT64_MIN has a magnitude too.
  const bool negative = ten_thousandths < 0;
  const uint64_t v = negative ? 0 - static_cast<uint64_t>(ten_thousandths)
                              : static_cast<uint64_t>(ten_thousandths);
  char buf[32];
  char* const fin = buf + sizeof(buf);
  char* p = fin;
  uint64_t frac = v % 10000;
  for (int i = 0; i < 4; ++i, frac /= 10) *--p = static_cast<char>('0' + frac % 10);
  *--p = '.';
  uint64_t ent = v / 10000;
  do {
    *--p = static_cast<char>('0' + ent % 10);
    ent /= 10;
  } while (ent > 0);
  if (negative) *--p = '-';
  return std::string(p, fin);
}

Percent4 Trunc4Percent(int64_t numerator, int64_t denominator) {
  if (denominator <= 0 || numerator <= 0) return Percent4{0};
  // 128-bit so that 100 * 10000 * numerator cannot overflow for any int64.
  const __int128 scaled = static_cast<__int128>(numerator) * 1000000;
  return Percent4{static_cast<int64_t>(scaled / denominator)};
}

}  // namespace prep::domain
