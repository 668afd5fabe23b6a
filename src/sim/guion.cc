#include "sim/guion.h"

#include <algorithm>
#include <limits>

namespace prep::sim {

std::string_view NombreFase(Fase f) {
  switch (f) {
    case Fase::kAcopio:
      return "acopio";
    case Fase::kDigitalizacion:
      return "digitalizacion";
    case Fase::kCaptura:
      return "captura";
    case Fase::kVerificacion:
      return "verificacion";
    case Fase::kOrden:
      return "orden";
    case Fase::kCotejo:
      return "cotejo";
  }
  return "?";
}

size_t Guion::Pasos() const {
  size_t n = 0;
  for (const ActaGuion& a : actas) n += a.pasos.size();
  return n;
}

std::pair<int64_t, int64_t> Guion::Intervalo() const {
  int64_t desde = std::numeric_limits<int64_t>::max(), hasta = std::numeric_limits<int64_t>::min();
  for (const ActaGuion& a : actas) {
    for (const Paso& p : a.pasos) {
      desde = std::min(desde, p.at_ms);
      hasta = std::max(hasta, p.at_ms);
    }
  }
  if (desde > hasta) return {0, 0};
  return {desde, hasta};
}

}  // namespace prep::sim
