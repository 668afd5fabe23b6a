// Civil dates and times for published labels: UTC instants shown at the
// election's offset ("2019/06/03 05:47 (UTC-5)"). Integer arithmetic on the
// proleptic Gregorian calendar (H. Hinnant's algorithms); no time-zone
// database, since every published time carries its offset explicitly.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

namespace prep {

inline constexpr int64_t kMsPorMinuto = 60 * 1000;
inline constexpr int64_t kMsPorDia = 24 * 60 * kMsPorMinuto;

struct FechaHora {
  int anio = 1970, mes = 1, dia = 1;
  int hora = 0, minuto = 0, segundo = 0;
};

// Days since 1970-01-01 of a date, and back.
int64_t DiasDesdeCivil(int64_t anio, int64_t mes, int64_t dia);
FechaHora FechaHoraLocal(int64_t utc_ms, int offset_minutos);

enum class FormatoFecha {
  kIso,         // 2019-06-03 05:47:00
  kDiaMesAnio,  // 03/06/2019 05:47:00
  kCorteQroo,   // 2019/06/03 05:47
  kCorteIne,    // 03/06/2019 05:47
  kIdCorte,     // 20190603_0547
  kIso8601,     // 2019-06-03T05:47:00-05:00
};

std::string FormatearFecha(int64_t utc_ms, int offset_minutos, FormatoFecha formato);
// The same written at `p`, which has room for kMaxBytesFecha; returns the end.
inline constexpr size_t kMaxBytesFecha = 128;
char* EscribirFecha(char* p, int64_t utc_ms, int offset_minutos, FormatoFecha formato);
// The same, appended to `out` (std::string or Escritor; no allocation of its own).
template <class Salida>
void AnadirFecha(Salida& out, int64_t utc_ms, int offset_minutos, FormatoFecha formato) {
  char buf[kMaxBytesFecha];
  out.append(buf, EscribirFecha(buf, utc_ms, offset_minutos, formato));
}
// "(UTC-5)", "(UTC-5:30)", "(UTC)".
std::string EtiquetaOffset(int offset_minutos);

}  // namespace prep
