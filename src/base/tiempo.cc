#include "base/tiempo.h"

#include <cstdio>

#include "base/texto.h"

namespace prep {
namespace {

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

int64_t DiasDesdeCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

FechaHora FechaHoraLocal(int64_t utc_ms, int offset_minutos) {
  const int64_t local = utc_ms + offset_minutos * kMsPorMinuto;
  int64_t z = FloorDiv(local, kMsPorDia);
  const int64_t ms_del_dia = local - z * kMsPorDia;
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  FechaHora f;
  f.dia = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  f.mes = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  f.anio = static_cast<int>(yoe + era * 400 + (f.mes <= 2 ? 1 : 0));
  const int64_t s = ms_del_dia / 1000;
  f.hora = static_cast<int>(s / 3600);
  f.minuto = static_cast<int>(s / 60 % 60);
  f.segundo = static_cast<int>(s % 60);
  return f;
}

char* EscribirFecha(char* p, int64_t utc_ms, int offset_minutos, FormatoFecha formato) {
  // Written field by field, not through snprintf: a national corte formats a
  // few million dates. The widths are printf's "%0Nd" (EscribirRelleno); no
  // field is longer than 11 characters (an int), 8 fields and 7 separators.
  const FechaHora f = FechaHoraLocal(utc_ms, offset_minutos);
  const auto fecha = [&](char sep, bool dia_primero) {
    p = EscribirRelleno(p, dia_primero ? f.dia : f.anio, dia_primero ? 2 : 4);
    *p++ = sep;
    p = EscribirRelleno(p, f.mes, 2);
    *p++ = sep;
    p = EscribirRelleno(p, dia_primero ? f.anio : f.dia, dia_primero ? 4 : 2);
  };
  const auto hora = [&](bool segundos) {
    p = EscribirRelleno(p, f.hora, 2);
    *p++ = ':';
    p = EscribirRelleno(p, f.minuto, 2);
    if (segundos) {
      *p++ = ':';
      p = EscribirRelleno(p, f.segundo, 2);
    }
  };
  switch (formato) {
    case FormatoFecha::kIso:
      fecha('-', false);
      *p++ = ' ';
      hora(true);
      break;
    case FormatoFecha::kDiaMesAnio:
      fecha('/', true);
      *p++ = ' ';
      hora(true);
      break;
    case FormatoFecha::kCorteQroo:
      fecha('/', false);
      *p++ = ' ';
      hora(false);
      break;
    case FormatoFecha::kCorteIne:
      fecha('/', true);
      *p++ = ' ';
      hora(false);
      break;
    case FormatoFecha::kIdCorte:
      p = EscribirRelleno(p, f.anio, 4);
      p = EscribirRelleno(p, f.mes, 2);
      p = EscribirRelleno(p, f.dia, 2);
      *p++ = '_';
      p = EscribirRelleno(p, f.hora, 2);
      p = EscribirRelleno(p, f.minuto, 2);
      break;
    case FormatoFecha::kIso8601: {
      const int a = offset_minutos < 0 ? -offset_minutos : offset_minutos;
      fecha('-', false);
      *p++ = 'T';
      hora(true);
      *p++ = offset_minutos < 0 ? '-' : '+';
      p = EscribirRelleno(p, a / 60, 2);
      *p++ = ':';
      p = EscribirRelleno(p, a % 60, 2);
      break;
    }
  }
  return p;
}

std::string FormatearFecha(int64_t utc_ms, int offset_minutos, FormatoFecha formato) {
  std::string out;
  AnadirFecha(out, utc_ms, offset_minutos, formato);
  return out;
}

std::string EtiquetaOffset(int offset_minutos) {
  if (offset_minutos == 0) return "(UTC)";
  const int a = offset_minutos < 0 ? -offset_minutos : offset_minutos;
  std::string out = "(UTC";
  out += offset_minutos < 0 ? '-' : '+';
  out += std::to_string(a / 60);
  if (a % 60 != 0) {
    char buf[8];
    std::snprintf(buf, sizeof buf, ":%02d", a % 60);
    out += buf;
  }
  return out + ")";
}

}  // namespace prep
