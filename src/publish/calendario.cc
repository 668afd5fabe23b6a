#include "publish/calendario.h"

#include <algorithm>
#include <map>

namespace prep::publish {
namespace {
constexpr int64_t kHoraMs = 3600 * 1000;
}  // namespace

Calendario::Calendario(const formats::Acuerdos& a) : offset_minutos_(a.offset_minutos) {
  const int64_t inicio = a.inicio_publicacion_utc_ms;
  const int64_t fin = std::max(a.ultima_actualizacion_utc_ms, inicio);
  std::map<int64_t, CorteProgramado> por_instante;
  // i * hour / n from the start, exactly (integer ms; 3,600,000 divides by
  // every cadence up to 60 per hour that divides it, and otherwise rounds down).
  auto programar = [&](int por_hora, bool base) {
    if (por_hora <= 0) return;
    for (int64_t i = 0;; ++i) {
      const int64_t t = inicio + (i * kHoraMs) / por_hora;
      if (t > fin) break;
      CorteProgramado& c = por_instante[t];
      c.instante_utc_ms = t;
      (base ? c.base_de_datos : c.datos) = true;
    }
  };
  programar(a.actualizaciones_datos_por_hora, false);
  programar(a.actualizaciones_bd_por_hora, true);
  CorteProgramado& ultimo = por_instante[fin];
  ultimo.instante_utc_ms = fin;
  ultimo.datos = ultimo.base_de_datos = ultimo.final = true;
  for (auto& [t, c] : por_instante) cortes_.push_back(c);
}

std::optional<CorteProgramado> Calendario::Siguiente(int64_t after_utc_ms) const {
  auto it =
      std::upper_bound(cortes_.begin(), cortes_.end(), after_utc_ms,
                       [](int64_t t, const CorteProgramado& c) { return t < c.instante_utc_ms; });
  if (it == cortes_.end()) return std::nullopt;
  return *it;
}

std::optional<CorteProgramado> Calendario::Vigente(int64_t now_utc_ms) const {
  auto it =
      std::upper_bound(cortes_.begin(), cortes_.end(), now_utc_ms,
                       [](int64_t t, const CorteProgramado& c) { return t < c.instante_utc_ms; });
  if (it == cortes_.begin()) return std::nullopt;
  return *(it - 1);
}

}  // namespace prep::publish
