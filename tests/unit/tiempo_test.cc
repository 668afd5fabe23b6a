// AnadirFecha writes its digits by hand (publication formats millions of
// dates); these tests hold it to the snprintf formats it replaced, written out
// here independently, over a sweep of instants and offsets.
#include "base/tiempo.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace prep {
namespace {

std::string Esperado(int64_t utc_ms, int offset, FormatoFecha formato) {
  const FechaHora f = FechaHoraLocal(utc_ms, offset);
  const int a = offset < 0 ? -offset : offset;
  char b[96];
  switch (formato) {
    case FormatoFecha::kIso:
      std::snprintf(b, sizeof b, "%04d-%02d-%02d %02d:%02d:%02d", f.anio, f.mes, f.dia, f.hora,
                    f.minuto, f.segundo);
      break;
    case FormatoFecha::kDiaMesAnio:
      std::snprintf(b, sizeof b, "%02d/%02d/%04d %02d:%02d:%02d", f.dia, f.mes, f.anio, f.hora,
                    f.minuto, f.segundo);
      break;
    case FormatoFecha::kCorteQroo:
      std::snprintf(b, sizeof b, "%04d/%02d/%02d %02d:%02d", f.anio, f.mes, f.dia, f.hora,
                    f.minuto);
      break;
    case FormatoFecha::kCorteIne:
      std::snprintf(b, sizeof b, "%02d/%02d/%04d %02d:%02d", f.dia, f.mes, f.anio, f.hora,
                    f.minuto);
      break;
    case FormatoFecha::kIdCorte:
      std::snprintf(b, sizeof b, "%04d%02d%02d_%02d%02d", f.anio, f.mes, f.dia, f.hora, f.minuto);
      break;
    case FormatoFecha::kIso8601:
      std::snprintf(b, sizeof b, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", f.anio, f.mes, f.dia,
                    f.hora, f.minuto, f.segundo, offset < 0 ? '-' : '+', a / 60, a % 60);
      break;
  }
  return b;
}

TEST(FechaTest, KnownInstantInEveryFormat) {
  // 2020-10-19 01:20:05 UTC is 2020-10-18 20:20:05 in Coahuila (UTC-5).
  const int64_t t = (DiasDesdeCivil(2020, 10, 19) * 86400 + 1 * 3600 + 20 * 60 + 5) * 1000;
  EXPECT_EQ(FormatearFecha(t, -300, FormatoFecha::kIso8601), "2020-10-18T20:20:05-05:00");
  EXPECT_EQ(FormatearFecha(t, -300, FormatoFecha::kIso), "2020-10-18 20:20:05");
  EXPECT_EQ(FormatearFecha(t, -300, FormatoFecha::kDiaMesAnio), "18/10/2020 20:20:05");
  EXPECT_EQ(FormatearFecha(t, -300, FormatoFecha::kCorteQroo), "2020/10/18 20:20");
  EXPECT_EQ(FormatearFecha(t, -300, FormatoFecha::kCorteIne), "18/10/2020 20:20");
  EXPECT_EQ(FormatearFecha(t, -300, FormatoFecha::kIdCorte), "20201018_2020");
  EXPECT_EQ(FormatearFecha(t, 330, FormatoFecha::kIso8601), "2020-10-19T06:50:05+05:30");
  std::string out = "x";
  AnadirFecha(out, t, 0, FormatoFecha::kIso8601);
  EXPECT_EQ(out, "x2020-10-19T01:20:05+00:00");
}

TEST(FechaTest, SweepMatchesSnprintf) {
  const FormatoFecha formatos[] = {FormatoFecha::kIso,       FormatoFecha::kDiaMesAnio,
                                   FormatoFecha::kCorteQroo, FormatoFecha::kCorteIne,
                                   FormatoFecha::kIdCorte,   FormatoFecha::kIso8601};
  const int offsets[] = {-720, -360, -300, -1, 0, 59, 330, 840};
  // From 1969 to 2100 in uneven steps (a prime number of seconds), plus years
  // -12, 0 and 10000, outside the usual widths.
  int checked = 0;
  for (int64_t t = -86400000LL * 400; t < 4102444800000LL; t += 1000LL * 7919 * 613) {
    for (int off : offsets) {
      for (FormatoFecha f : formatos) {
        ASSERT_EQ(FormatearFecha(t, off, f), Esperado(t, off, f)) << t << " " << off;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 40000);
  for (int64_t t : {DiasDesdeCivil(-12, 5, 9) * 86400000, DiasDesdeCivil(0, 1, 1) * 86400000,
                    DiasDesdeCivil(10000, 3, 1) * 86400000}) {
    for (FormatoFecha f : formatos) EXPECT_EQ(FormatearFecha(t, -300, f), Esperado(t, -300, f));
  }
}

}  // namespace
}  // namespace prep
