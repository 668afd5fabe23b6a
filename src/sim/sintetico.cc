#include "sim/sintetico.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <random>

#include "publish/instantanea.h"

namespace prep::sim {
namespace {

using domain::CaptureKind;
using domain::CaptureValue;

constexpr int64_t kMinuto = 60 * 1000;
constexpr int64_t kHora = 60 * kMinuto;

// Deterministic draws, the same on every platform (std:: distributions are not).
class Azar {
 public:
  explicit Azar(uint64_t semilla) : rng_(Mezclar(semilla)) {}
  static uint64_t Mezclar(uint64_t x) {  // splitmix64
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }
  double U() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }
  double U(double a, double b) { return a + (b - a) * U(); }
  int64_t Entero(int64_t a, int64_t b) {  // [a, b]
    return a + static_cast<int64_t>(U() * static_cast<double>(b - a + 1));
  }
  double Normal() {  // Box-Muller
    const double u1 = std::max(U(), 1e-300), u2 = U();
    return std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
  }
  // Minutes, log-normal with this median and spread.
  int64_t LogNormalMin(double mediana_min, double sigma) {
    return static_cast<int64_t>(mediana_min * std::exp(sigma * Normal()) * kMinuto);
  }

 private:
  std::mt19937_64 rng_;
};

// Cumulative share of actas registered, by hours after the casillas close:
// IEQROO 2019's verified-actas curve (spec §9.3) moved 15 minutes earlier
// (acopio precedes verificación), starting 45 minutes after the close.
constexpr std::array<std::pair<double, double>, 12> kCurva = {{{0.75, 0.0},
                                                               {1.75, 0.138},
                                                               {2.75, 0.289},
                                                               {3.75, 0.469},
                                                               {4.75, 0.636},
                                                               {5.75, 0.731},
                                                               {6.75, 0.797},
                                                               {7.75, 0.853},
                                                               {8.75, 0.899},
                                                               {9.75, 0.942},
                                                               {10.75, 0.989},
                                                               {11.5, 1.0}}};

// Hours after the close at which a share u of the actas has arrived.
double HorasDeLlegada(double u) {
  for (size_t i = 1; i < kCurva.size(); ++i) {
    if (u <= kCurva[i].second) {
      const auto [h0, c0] = kCurva[i - 1];
      const auto [h1, c1] = kCurva[i];
      return h0 + (h1 - h0) * (u - c0) / (c1 - c0);
    }
  }
  return kCurva.back().first;
}

double PesoBase(const PerfilVotacion& p, const domain::VoteColumn& c) {
  if (auto it = p.pesos.find(c.name); it != p.pesos.end()) return it->second;
  switch (c.kind) {
    case domain::VoteColumnKind::kPartido:
      return p.peso_partido;
    case domain::VoteColumnKind::kCombinacion:
      return p.peso_combinacion;
    case domain::VoteColumnKind::kCandidaturaIndependiente:
      return p.peso_independiente;
    case domain::VoteColumnKind::kNoRegistrados:
      return p.peso_no_registrados;
    case domain::VoteColumnKind::kNulos:
      return p.peso_nulos;
  }
  return p.peso_partido;
}

// `votantes` votes over the columns that apply, in proportion to `pesos`
// (largest remainders, so they add up exactly).
std::vector<CaptureValue> Repartir(int64_t votantes, const std::vector<double>& pesos) {
  const double suma = std::accumulate(pesos.begin(), pesos.end(), 0.0);
  std::vector<CaptureValue> v(pesos.size(), CaptureValue::Count(0));
  if (suma <= 0 || votantes <= 0) return v;
  std::vector<std::pair<double, size_t>> restos;
  int64_t dados = 0;
  for (size_t k = 0; k < pesos.size(); ++k) {
    const double e = static_cast<double>(votantes) * pesos[k] / suma;
    v[k].count = static_cast<int64_t>(std::floor(e));
    dados += v[k].count;
    if (pesos[k] > 0) restos.emplace_back(e - std::floor(e), k);
  }
  std::sort(restos.begin(), restos.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (size_t i = 0; dados < votantes && !restos.empty(); ++i, ++dados) {
    ++v[restos[i % restos.size()].second].count;
  }
  return v;
}

// Indexes of the columns that apply and hold a count.
std::vector<size_t> Contables(const std::vector<CaptureValue>& v, const std::vector<uint8_t>& ap) {
  std::vector<size_t> out;
  for (size_t k = 0; k < v.size(); ++k) {
    if ((ap.empty() || ap[k]) && v[k].kind == CaptureKind::kCount) out.push_back(k);
  }
  return out;
}

// A capturista's slip on field k: a digit off, or two digits swapped.
CaptureValue Error(Azar& azar, const CaptureValue& v) {
  const int64_t n = v.kind == CaptureKind::kCount ? v.count : 0;
  if (n >= 10 && azar.U() < 0.4) {
    std::string s = std::to_string(n);
    std::swap(s[s.size() - 1], s[s.size() - 2]);
    const int64_t swapped = std::stoll(s);
    if (swapped != n) return CaptureValue::Count(swapped);
  }
  const int64_t delta = azar.Entero(1, 9);
  return CaptureValue::Count(n >= delta && azar.U() < 0.5 ? n - delta : n + delta);
}

std::string Mecanismo(Azar& azar) {
  const double u = azar.U();
  return u < 0.55 ? "F" : u < 0.85 ? "D" : u < 0.95 ? "I" : "F-D";
}

}  // namespace

double CurvaLlegada(double horas) {
  if (horas <= kCurva.front().first) return 0;
  for (size_t i = 1; i < kCurva.size(); ++i) {
    if (horas <= kCurva[i].first) {
      const auto [h0, c0] = kCurva[i - 1];
      const auto [h1, c1] = kCurva[i];
      return c0 + (c1 - c0) * (horas - h0) / (h1 - h0);
    }
  }
  return 1;
}

PerfilVotacion PerfilCoahuila2020() {
  PerfilVotacion p;
  p.participacion = 0.392;
  // Press totals (spec §9.1); the other partidos share what is left.
  p.pesos = {{"PRI", 0.4912}, {"MORENA", 0.1969}, {"PAN", 0.1017},  {"UDC", 0.04},
             {"PVEM", 0.03},  {"PT", 0.025},      {"MC", 0.025},    {"PRD", 0.015},
             {"PRC", 0.01},   {"PEZ", 0.008},     {"UNIDOS", 0.008}};
  return p;
}

Guion GuionSintetico(const publish::Contienda& k, const OpcionesSintetico& o) {
  const domain::Catalogo& cat = k.catalogo;
  const Tasas& t = o.tasas;
  Guion g;
  for (const auto& c : cat.columns) g.columnas.push_back(c.name);

  std::map<int, std::vector<uint8_t>> aplica;
  for (const auto& d : cat.distritos) aplica[d.id] = publish::ColumnasQueAplican(k, d.id);
  // Each distrito leans its own way (and so does each casilla, below).
  std::map<int, std::pair<double, std::vector<double>>> sesgo;
  for (const auto& d : cat.distritos) {
    Azar azar(o.semilla * 7919 + static_cast<uint64_t>(d.id));
    auto& [part, pesos] = sesgo[d.id];
    part = 0.05 * azar.Normal();
    for (const auto& c : cat.columns)
      pesos.push_back(PesoBase(o.perfil, c) * std::exp(0.25 * azar.Normal()));
  }

  auto pasos_de_captura = [&](Azar& azar, ActaGuion& a, int64_t desde) {
    // Two blind captures, then verificación; the mistakes of the night.
    const std::vector<uint8_t>& ap = aplica[a.distrito];
    const std::vector<size_t> campos = Contables(a.valores, ap);
    const double u = azar.U();
    int64_t tc = desde + azar.LogNormalMin(4, 0.6);
    Paso c1 = Paso::Captura(tc, 0, a.valores);
    tc += azar.Entero(30, 300) * 1000;
    Paso c2 = Paso::Captura(tc, 1, a.valores);
    int64_t tv = tc + std::min<int64_t>(azar.LogNormalMin(3.7, 1.0), 2 * kHora);
    Paso v = Paso::De(Fase::kVerificacion, tv);
    std::vector<Paso> ps;
    if (!campos.empty() && u < t.recaptura) {
      // Both captures are careless; the verificador sends them back.
      const size_t f1 = campos[azar.Entero(0, static_cast<int64_t>(campos.size()) - 1)];
      c1.valores[f1] = Error(azar, c1.valores[f1]);
      c2.valores[f1] = Error(azar, c2.valores[f1]);
      ps = {c1, c2};
      const int64_t to = tc + azar.Entero(1, 5) * kMinuto;
      Paso orden = Paso::De(Fase::kOrden, to);
      orden.motivo = "las dos capturas tienen errores: recapturar";
      ps.push_back(orden);
      Paso c3 = Paso::Captura(to + azar.LogNormalMin(3, 0.5), 2, a.valores);
      Paso c4 = Paso::Captura(c3.at_ms + azar.Entero(30, 240) * 1000, 3, a.valores);
      v.at_ms = c4.at_ms + azar.LogNormalMin(3, 0.6);
      ps.insert(ps.end(), {c3, c4, v});
    } else if (!campos.empty() && u < t.recaptura + t.discrepancia) {
      const size_t f = campos[azar.Entero(0, static_cast<int64_t>(campos.size()) - 1)];
      c2.valores[f] = Error(azar, c2.valores[f]);
      v.aceptar = false;
      v.valores = a.valores;
      v.motivo =
          "las capturas difieren en " + cat.columns[f].name + "; se toma el valor de la imagen";
      ps = {c1, c2, v};
    } else if (!campos.empty() && u < t.recaptura + t.discrepancia + t.error_comun) {
      const size_t f = campos[azar.Entero(0, static_cast<int64_t>(campos.size()) - 1)];
      c1.valores[f] = c2.valores[f] = Error(azar, c1.valores[f]);
      v.aceptar = false;
      v.valores = a.valores;
      v.motivo =
          "ambas capturas leyeron mal " + cat.columns[f].name + "; corregida contra la imagen";
      ps = {c1, c2, v};
    } else {
      ps = {c1, c2, v};
    }
    if (azar.U() < t.cotejo) {
      Paso cj = Paso::De(Fase::kCotejo, ps.back().at_ms + azar.Entero(20, 90) * kMinuto);
      ps.push_back(cj);
    }
    for (auto& p : ps) a.pasos.push_back(std::move(p));
  };

  for (size_t i = 0; i < cat.actas.size(); ++i) {
    Azar azar(o.semilla ^ Azar::Mezclar(i + 1));
    const domain::Acta& acta = cat.actas[i];
    const domain::Casilla& casilla = cat.casillas[acta.casilla_index];
    ActaGuion a;
    a.clave = acta.clave.empty() ? acta.id.Clave() : acta.clave;
    a.distrito = casilla.distrito;
    a.mecanismos_traslado = Mecanismo(azar);
    const std::vector<uint8_t>& ap = aplica[a.distrito];
    const auto& [sesgo_part, sesgo_pesos] = sesgo[a.distrito];

    // What the officials wrote.
    int64_t votantes;
    if (casilla.IsEspecial()) {
      votantes = azar.Entero(120, std::min<int64_t>(650, casilla.boletas_especial.value_or(750)));
    } else {
      const double p =
          std::clamp(o.perfil.participacion + sesgo_part + 0.06 * azar.Normal(), 0.05, 0.95);
      votantes = std::llround(static_cast<double>(casilla.lista_nominal) * p);
    }
    std::vector<double> pesos(cat.columns.size(), 0);
    for (size_t c = 0; c < cat.columns.size(); ++c) {
      if (ap.empty() || ap[c]) pesos[c] = sesgo_pesos[c] * std::exp(0.15 * azar.Normal());
    }
    a.valores = Repartir(votantes, pesos);

    double u = azar.U();
    auto toca = [&u](double tasa) {
      const bool si = u < tasa;
      u -= tasa;
      return si;
    };
    const int64_t llegada =
        o.cierre_ms + static_cast<int64_t>(HorasDeLlegada(azar.U()) * static_cast<double>(kHora));
    std::vector<size_t> campos = Contables(a.valores, ap);
    if (toca(t.no_llega)) {
      g.actas.push_back(std::move(a));  // no steps: it stays "no capturada"
      continue;
    }
    if (toca(t.sin_acta)) {
      const double m = azar.U();
      a.sin_acta = m < 0.5    ? domain::SinActaMotivo::kPaqueteNoEntregado
                   : m < 0.65 ? domain::SinActaMotivo::kCasillaNoInstalada
                              : domain::SinActaMotivo::kSinSobre;
      a.pasos.push_back(Paso::De(Fase::kAcopio, llegada));
      g.actas.push_back(std::move(a));
      continue;
    }
    if (toca(t.excede_lista) && !casilla.IsEspecial() && !campos.empty()) {
      const int64_t limite = casilla.lista_nominal + casilla.representantes.Total();
      const int64_t total =
          std::accumulate(a.valores.begin(), a.valores.end(), int64_t{0},
                          [](int64_t s, const CaptureValue& v) { return s + v.Votes(); });
      a.valores[campos[0]].count += std::max<int64_t>(0, limite - total) + azar.Entero(5, 60);
    } else if (toca(t.todos_ilegibles)) {
      for (size_t c : campos) a.valores[c] = CaptureValue::Ilegible();
    } else if (toca(t.ilegible) && !campos.empty()) {
      a.valores[campos[azar.Entero(0, static_cast<int64_t>(campos.size()) - 1)]] =
          CaptureValue::Ilegible();
    } else if (toca(t.sin_dato) && !campos.empty()) {
      const int n = azar.U() < 0.7 ? 1 : 2;
      for (int j = 0; j < n; ++j) {
        a.valores[campos[azar.Entero(0, static_cast<int64_t>(campos.size()) - 1)]] =
            CaptureValue::SinDato();
      }
    }

    // The image: PREP Casilla's photograph before the Sobre arrives, or the
    // CATD's scan after.
    const bool casilla_movil = azar.U() < t.prep_casilla;
    int64_t t_imagen;
    if (casilla_movil) {
      a.origen = "CASILLA";
      a.dispositivo = "MOVIL";
      t_imagen = std::max(o.cierre_ms + 20 * kMinuto, llegada - azar.Entero(15, 75) * kMinuto);
    } else {
      t_imagen = llegada + azar.Entero(60, 480) * 1000;
    }
    a.pasos.push_back(Paso::De(Fase::kAcopio, llegada));
    Paso img = Paso::De(Fase::kDigitalizacion, t_imagen);
    if (azar.U() < t.redigitalizacion) {
      img.borrosa = true;
      a.pasos.push_back(img);
      Paso orden = Paso::De(Fase::kOrden, t_imagen + azar.Entero(2, 10) * kMinuto);
      orden.redigitalizacion = true;
      orden.motivo = "imagen borrosa: no se leen las cifras";
      a.pasos.push_back(orden);
      img = Paso::De(Fase::kDigitalizacion, orden.at_ms + azar.Entero(3, 20) * kMinuto);
      img.imagen = 1;
      t_imagen = img.at_ms;
    }
    a.pasos.push_back(img);
    pasos_de_captura(azar, a, t_imagen);
    // Order by time: PREP Casilla's captures may come before the acopio.
    std::stable_sort(a.pasos.begin(), a.pasos.end(),
                     [](const Paso& x, const Paso& y) { return x.at_ms < y.at_ms; });
    g.actas.push_back(std::move(a));
  }

  // Sobres whose acta is not in the catálogo: registered and scanned, never captured.
  for (int j = 0; j < t.fuera_de_catalogo && !cat.distritos.empty(); ++j) {
    Azar azar(o.semilla ^ Azar::Mezclar(0xfc00 + static_cast<uint64_t>(j)));
    domain::ActaId id;
    id.casilla.entidad = cat.entidad_id;
    id.casilla.seccion = 9990 + j;
    id.casilla.tipo = domain::TipoCasilla::kExtraordinaria;
    id.casilla.id_casilla = 1;
    id.casilla.ext_contigua = 1;
    id.tipo_acta = cat.actas.empty() ? "2" : cat.actas.front().id.tipo_acta;
    if (cat.FindActa(id.Clave())) continue;
    ActaGuion a;
    a.clave = id.Clave();
    a.fuera_de_catalogo = true;
    a.distrito = cat.distritos[azar.Entero(0, static_cast<int64_t>(cat.distritos.size()) - 1)].id;
    a.mecanismos_traslado.assign(1, 'F');  // (GCC 12 -Wrestrict misfires on = "F")
    a.valores = Repartir(azar.Entero(80, 300), std::vector<double>(cat.columns.size(), 1.0));
    const int64_t llegada = o.cierre_ms + static_cast<int64_t>(HorasDeLlegada(azar.U(0.05, 0.95)) *
                                                               static_cast<double>(kHora));
    a.pasos.push_back(Paso::De(Fase::kAcopio, llegada));
    a.pasos.push_back(Paso::De(Fase::kDigitalizacion, llegada + azar.Entero(60, 480) * 1000));
    g.actas.push_back(std::move(a));
  }

  // Nothing after the last update: what had not happened by then never does.
  for (ActaGuion& a : g.actas) {
    auto fuera = std::find_if(a.pasos.begin(), a.pasos.end(),
                              [&](const Paso& p) { return p.at_ms > o.fin_ms; });
    a.pasos.erase(fuera, a.pasos.end());
  }
  return g;
}

}  // namespace prep::sim
