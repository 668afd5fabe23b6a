// A simulacro report from realistic synthetic figures, for tests/e2e/informe.mjs:
// a 24 h election night at UTC-5 run 288 times faster, five progress series of
// about 3,900 actas each, a corte every 20 minutes, two restarts and an
// incident whose text is hostile HTML. Writes DIR/index.html, DIR/fases.csv,
// DIR/avance.csv and DIR/incidentes.csv.
//
//   informe_fixture DIR
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "base/tiempo.h"
#include "sim/informe.h"

namespace {

namespace fs = std::filesystem;
using prep::kMsPorMinuto;
using prep::sim::DatosInforme;

constexpr int64_t kHora = 60 * kMsPorMinuto;
constexpr int64_t kActas = 3921;

// Actas finish a phase along a logistic curve centred `centro` hours after the
// start of the window; `total` of them finish within it.
prep::sim::SerieAvance Serie(std::string nombre, int64_t inicio, double centro, double escala,
                             int64_t total) {
  prep::sim::SerieAvance s{std::move(nombre), {}};
  for (int64_t i = 1; i <= total; ++i) {
    const double p = (static_cast<double>(i) - 0.5) / static_cast<double>(kActas);
    const double horas = std::max(0.05, centro + escala * std::log(p / (1 - p)));
    const int64_t t = inicio + static_cast<int64_t>(horas * static_cast<double>(kHora));
    if (!s.puntos.empty() && t < s.puntos.back().first) continue;
    s.puntos.emplace_back(t, i);
  }
  return s;
}

bool Escribir(const fs::path& ruta, const std::string& texto) {
  std::ofstream f(ruta, std::ios::binary);
  f << texto;
  f.close();
  if (!f) std::cerr << ruta.string() << ": no se pudo escribir\n";
  return static_cast<bool>(f);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "uso: informe_fixture DIR\n";
    return 2;
  }
  const fs::path dir = argv[1];
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    std::cerr << dir.string() << ": " << ec.message() << "\n";
    return 1;
  }

  DatosInforme d;
  d.titulo = "Simulacro 1 — Diputaciones locales, Coahuila 2020";
  d.eleccion = "DIPUTACIONES LOCALES";
  d.offset_minutos = -300;
  // 18/10/2020 18:00 at UTC-5 is 23:00 UTC.
  d.inicio_ms = prep::DiasDesdeCivil(2020, 10, 18) * prep::kMsPorDia + 23 * kHora;
  d.fin_ms = d.inicio_ms + 24 * kHora;
  d.generado_utc_ms = prep::DiasDesdeCivil(2020, 9, 30) * prep::kMsPorDia + 17 * kHora;
  d.factor = 288;
  d.minutos_reales = 5.2;
  d.actas_esperadas = kActas;

  d.fases = {
      {"acopio", 3915, 12, 8.4, 21.7, 58.3, 412.9},
      {"digitalizacion", 3911, 30, 35.2, 88.1, 190.4, 1250.0},
      {"captura", 7810, 41, 12.9, 30.5, 77.0, 980.2},
      {"verificacion", 3890, 9, 10.1, 25.3, 61.8, 845.5},
      {"orden", 3890, 0, 3.2, 6.9, 14.4, 40.1},
      {"cotejo", 3875, 2, 9.7, 22.2, 50.6, 301.7},
  };
  d.avance = {
      Serie("acopiadas", d.inicio_ms, 4.0, 1.3, 3915),
      Serie("digitalizadas", d.inicio_ms, 4.6, 1.4, 3911),
      Serie("capturadas", d.inicio_ms, 5.5, 1.6, 3905),
      Serie("verificadas", d.inicio_ms, 6.1, 1.7, 3890),
      Serie("publicadas", d.inicio_ms, 6.6, 1.7, 3881),
  };
  d.dentro_de_ventana = {{"acopiadas", 3915},
                         {"digitalizadas", 3911},
                         {"capturadas", 3905},
                         {"verificadas", 3890},
                         {"publicadas", 3881}};
  for (int64_t t = d.inicio_ms + 20 * kMsPorMinuto; t <= d.fin_ms; t += 20 * kMsPorMinuto) {
    d.cortes_ms.push_back(t);
  }

  d.integridad.acuses = 27292;
  d.integridad.encontrados = 27292;
  d.integridad.cadena_ok = true;
  d.integridad.cadena = "27,301 eventos; la cadena de hashes verifica hasta el último";
  d.publicacion.cortes = static_cast<int64_t>(d.cortes_ms.size());
  d.publicacion.verifica = true;
  d.publicacion.verificacion = "72 cortes: firmas, manifiestos y SHA-256 correctos";
  d.publicacion.zips = d.publicacion.cortes;
  d.publicacion.zips_ok = d.publicacion.cortes;
  d.publicacion.final_id = "20201019_1800";

  d.fallas = {"Servidor detenido con SIGKILL dos veces durante la captura",
              "Red con 5 % de pérdida y 200 ms de latencia añadida entre CATD y servidor",
              "Disco lleno simulado durante un corte"};
  d.reinicios = {{d.inicio_ms + 3 * kHora + 17 * kMsPorMinuto, 2340},
                 {d.inicio_ms + 7 * kHora + 48 * kMsPorMinuto, 1875}};
  d.incidentes = {
      {d.inicio_ms + 2 * kHora, "CATD 07 sin red durante 10 minutos"},
      {d.inicio_ms + 5 * kHora + 31 * kMsPorMinuto,
       "Respuesta del servidor: <script>alert(\"x\")</script> & 'comillas'"},
      {d.inicio_ms + 9 * kHora + 5 * kMsPorMinuto, "Corte 20201019_0300 publicado con retraso"},
  };

  const bool ok = Escribir(dir / "index.html", prep::sim::InformeHtml(d)) &&
                  Escribir(dir / "fases.csv", prep::sim::InformeFasesCsv(d)) &&
                  Escribir(dir / "avance.csv", prep::sim::InformeAvanceCsv(d)) &&
                  Escribir(dir / "incidentes.csv", prep::sim::InformeIncidentesCsv(d));
  return ok ? 0 : 1;
}
