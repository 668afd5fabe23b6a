#include "ops/avance.h"

#include <algorithm>
#include <array>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>

namespace prep::ops {
namespace {

using nlohmann::ordered_json;

constexpr int64_t kHoraMs = 60 * 60 * 1000;

enum class Espera : uint8_t { kDigitalizacion, kCaptura, kVerificacion, kRedigitalizacion };

const char* NombreDe(Espera e) {
  switch (e) {
    case Espera::kDigitalizacion:
      return "digitalizacion";
    case Espera::kCaptura:
      return "captura";
    case Espera::kVerificacion:
      return "verificacion";
    case Espera::kRedigitalizacion:
      return "redigitalizacion";
  }
  return "";
}

// A stuck acta before the cut: no strings copied until it makes the list.
struct Candidata {
  int64_t desde_ms;
  const std::string* clave;
  Espera espera;
  int distrito;
};

bool MasAntigua(const Candidata& a, const Candidata& b) {
  if (a.desde_ms != b.desde_ms) return a.desde_ms < b.desde_ms;
  return *a.clave < *b.clave;
}

// Nearest rank: the value at rank ceil(p·n/100) (1-based) of the sorted durations.
LatenciaFase Percentiles(const char* fase, std::vector<int64_t>& v) {
  LatenciaFase l;
  l.fase = fase;
  l.n = static_cast<int64_t>(v.size());
  if (v.empty()) return l;
  const size_t n = v.size();
  auto indice = [n](size_t p) { return (p * n + 99) / 100 - 1; };
  const size_t k99 = indice(99), k90 = indice(90), k50 = indice(50);
  // Largest rank first: everything below it is then in the prefix, so each
  // later selection only scans that prefix.
  std::nth_element(v.begin(), v.begin() + k99, v.end());
  l.p99_ms = v[k99];
  l.max_ms = *std::max_element(v.begin() + k99, v.end());
  std::nth_element(v.begin(), v.begin() + k90, v.begin() + k99 + 1);
  l.p90_ms = v[k90];
  std::nth_element(v.begin(), v.begin() + k50, v.begin() + k90 + 1);
  l.p50_ms = v[k50];
  return l;
}

// The distrito of a catálogo acta from its clave without searching the
// catálogo's index (a string map: at 170,000 actas the searches alone take
// longer than the whole budget). A CLAVE_ACTA starts with entidad (2 digits)
// and sección (4), and a sección lies in one distrito; both are checked on
// this catálogo as its actas are added, and where they do not hold the caller
// searches the index.
class DistritoPorSeccion {
 public:
  static constexpr int kBuscar = std::numeric_limits<int>::min();

  void Agregar(const domain::Acta& acta, const domain::Casilla& casilla) {
    if (!confiable_) return;
    const int entidad = casilla.id.entidad, seccion = casilla.id.seccion;
    const bool en_rango = entidad >= 0 && entidad <= 99 && seccion >= 0 && seccion <= 9999;
    // A clave of the publisher's own making must carry the same prefix.
    if (!en_rango || (!acta.clave.empty() && Leer(acta.clave) != entidad * 10000 + seccion)) {
      confiable_ = false;  // then no clave can be trusted to name its sección
      return;
    }
    std::vector<int>& secciones = por_entidad_[entidad];
    if (secciones.empty()) secciones.assign(10000, kSinActa);
    int& d = secciones[seccion];
    if (d == kSinActa) {
      d = casilla.distrito;
    } else if (d != casilla.distrito) {
      d = kBuscar;  // a sección split between distritos
    }
  }

  // The distrito of the catálogo acta `clave`, or kBuscar.
  int Distrito(std::string_view clave) const {
    const int v = confiable_ ? Leer(clave) : -1;
    if (v < 0) return kBuscar;
    const std::vector<int>& secciones = por_entidad_[v / 10000];
    if (secciones.empty()) return kBuscar;
    const int d = secciones[v % 10000];
    return d == kSinActa ? kBuscar : d;
  }

 private:
  static constexpr int kSinActa = kBuscar + 1;

  // entidad·10000 + sección from the first six characters, or -1.
  static int Leer(std::string_view clave) {
    if (clave.size() < 6) return -1;
    int v = 0;
    for (size_t k = 0; k < 6; ++k) {
      if (clave[k] < '0' || clave[k] > '9') return -1;
      v = v * 10 + (clave[k] - '0');
    }
    return v;
  }

  bool confiable_ = true;
  // By entidad, then sección: kSinActa, kBuscar or the distrito.
  std::array<std::vector<int>, 100> por_entidad_;
};

// Walking the map of Expedientes is a chain of dependent cache misses (each
// node spans six cache lines, its captures live elsewhere on the heap), the
// most of CalcularAvance's time. Asking for them a few nodes ahead lets the
// misses overlap: at 170,000 actas the pass went from ~55 to ~35 ms.
template <class T>
void Anticipar(const T* p, size_t n) {
  const char* bytes = reinterpret_cast<const char*>(p);
  for (size_t k = 0; k < n * sizeof(T); k += 64) __builtin_prefetch(bytes + k);
}

// Avance::por_ccv's entry for a site, for every capture and verification.
// Searching the string map each time costs ~14 ms at 170,000 actas (400,000
// lookups); site ids are short ("CCV01", "CATD03"), so they are packed into
// two words and found in a small open-addressing table without memcmp (~4
// ms). The map stays the record: the table only remembers pointers into it,
// and ids longer than 16 bytes go to the map directly.
class SitiosCcv {
 public:
  explicit SitiosCcv(std::map<std::string, Avance::PorCcv>& por_ccv)
      : por_ccv_(por_ccv), tabla_(64) {}

  Avance::PorCcv& De(const std::string& sitio) {
    if (sitio.size() > 16) return por_ccv_[sitio];
    Ranura clave{0, 0, static_cast<uint8_t>(sitio.size()), nullptr};
    for (size_t k = 0; k < sitio.size(); ++k) {
      const uint64_t c = static_cast<unsigned char>(sitio[k]);
      (k < 8 ? clave.a : clave.b) |= c << (8 * (k % 8));
    }
    const size_t mascara = tabla_.size() - 1;
    for (size_t i = Hash(clave) & mascara;; i = (i + 1) & mascara) {
      Ranura& r = tabla_[i];
      if (r.ccv == nullptr) {
        r = clave;
        r.ccv = &por_ccv_[sitio];
        Avance::PorCcv* ccv = r.ccv;
        if (++usadas_ * 2 > tabla_.size()) Crecer();
        return *ccv;
      }
      if (r.a == clave.a && r.b == clave.b && r.largo == clave.largo) return *r.ccv;
    }
  }

 private:
  struct Ranura {
    uint64_t a, b;
    uint8_t largo;
    Avance::PorCcv* ccv;  // nullptr: empty
  };

  // The bytes that tell "CCV01" from "CCV02" sit high in the word: fold them down.
  static size_t Hash(const Ranura& r) {
    const uint64_t h = (r.a * 0x9E3779B97F4A7C15ULL) ^ (r.b * 0xC2B2AE3D27D4EB4FULL) ^ r.largo;
    return static_cast<size_t>(h ^ (h >> 32));
  }

  void Crecer() {
    const std::vector<Ranura> vieja = std::exchange(tabla_, std::vector<Ranura>(tabla_.size() * 2));
    const size_t mascara = tabla_.size() - 1;
    for (const Ranura& r : vieja) {
      if (r.ccv == nullptr) continue;
      size_t i = Hash(r) & mascara;
      while (tabla_[i].ccv != nullptr) i = (i + 1) & mascara;
      tabla_[i] = r;
    }
  }

  std::map<std::string, Avance::PorCcv>& por_ccv_;
  std::vector<Ranura> tabla_;
  size_t usadas_ = 0;
};

void AgregarConteos(ordered_json& o, const Conteos& c) {
  o["esperadas"] = c.esperadas;
  o["acopiadas"] = c.acopiadas;
  o["sin_acta"] = c.sin_acta;
  o["digitalizadas"] = c.digitalizadas;
  o["capturadas"] = c.capturadas;
  o["verificadas"] = c.verificadas;
  o["discrepancias"] = c.discrepancias;
}

}  // namespace

Conteos& Conteos::operator+=(const Conteos& o) {
  esperadas += o.esperadas;
  acopiadas += o.acopiadas;
  sin_acta += o.sin_acta;
  digitalizadas += o.digitalizadas;
  capturadas += o.capturadas;
  verificadas += o.verificadas;
  discrepancias += o.discrepancias;
  return *this;
}

Avance CalcularAvance(const Operaciones& ops, const std::map<int, std::string>& catd_de_distrito,
                      int64_t ahora_ms, int64_t umbral_atorada_ms, size_t max_atoradas) {
  const domain::Catalogo& cat = ops.catalogo();
  Avance a;
  a.ahora_ms = ahora_ms;
  for (const domain::Distrito& d : cat.distritos) a.por_distrito[d.id];

  // Consecutive actas are mostly of the same distrito: remember the last one
  // rather than search the map for each.
  int ultimo_distrito = 0;
  Conteos* ultimo = nullptr;
  auto conteos_de = [&](int distrito) -> Conteos& {
    if (ultimo == nullptr || distrito != ultimo_distrito) {
      ultimo_distrito = distrito;
      ultimo = &a.por_distrito[distrito];
    }
    return *ultimo;
  };
  DistritoPorSeccion por_seccion;
  for (const domain::Acta& acta : cat.actas) {
    const domain::Casilla& casilla = cat.casillas[acta.casilla_index];
    ++conteos_de(casilla.distrito).esperadas;
    por_seccion.Agregar(acta, casilla);
  }

  const auto& expedientes = ops.Expedientes();
  std::array<std::vector<int64_t>, 4> duraciones;
  for (auto& d : duraciones) d.reserve(expedientes.size());
  auto medir = [](std::vector<int64_t>& v, int64_t desde, int64_t hasta) {
    // Negative only with PREP Casilla (the image, or even the verification,
    // before the Sobre): that phase did not wait for the acopio.
    if (hasta >= desde) v.push_back(hasta - desde);
  };
  auto en_la_hora = [&](int64_t t) { return t > ahora_ms - kHoraMs && t <= ahora_ms; };
  std::vector<Candidata> candidatas;
  SitiosCcv sitios(a.por_ccv);

  // The node kLejos ahead, and the captures of the one kLejos / 2 ahead
  // (whose node has arrived by then).
  constexpr int kLejos = 16;
  auto lejos = expedientes.begin(), cerca = expedientes.begin();
  for (int k = 0; k < kLejos && lejos != expedientes.end(); ++k, ++lejos) {
    if (k < kLejos / 2) ++cerca;
  }
  for (const auto& [clave, x] : expedientes) {
    if (lejos != expedientes.end()) {
      Anticipar(&*lejos, 1);
      ++lejos;
    }
    if (cerca != expedientes.end()) {
      Anticipar(cerca->second.capturas.data(), cerca->second.capturas.size());
      ++cerca;
    }
    int distrito = x.en_catalogo ? por_seccion.Distrito(clave) : 0;
    bool en_catalogo = x.en_catalogo;
    if (distrito == DistritoPorSeccion::kBuscar) {
      const std::optional<size_t> i = cat.FindActa(clave);
      en_catalogo = i.has_value();
      distrito = i ? cat.casillas[cat.actas[*i].casilla_index].distrito : 0;
    }
    if (en_catalogo) {
      Conteos& c = conteos_de(distrito);
      c.acopiadas += x.acopiada;
      c.sin_acta += x.sin_acta.has_value();
      c.digitalizadas += x.Digitalizada();
      c.capturadas += x.CapturasCompletas() || x.verificada;
      c.verificadas += x.verificada;
      // Discrepancia() stays true after the verificador settled it.
      c.discrepancias += x.Discrepancia() && !x.verificada;
    } else {
      ++a.fuera_de_catalogo;
    }

    const bool con_imagen = !x.imagenes.empty();
    const bool con_acopio = x.acopiada && !x.sin_acta;
    const bool capturada = x.CapturasCompletas();
    a.acopios_ultima_hora += x.acopiada && en_la_hora(x.hora_acopio_ms);
    a.imagenes_ultima_hora += con_imagen && en_la_hora(x.hora_digitalizacion_ms);
    a.capturas_ultima_hora += capturada && en_la_hora(x.hora_captura_ms);
    a.verificaciones_ultima_hora += x.verificada && en_la_hora(x.hora_verificacion_ms);
    if (con_acopio && con_imagen) medir(duraciones[0], x.hora_acopio_ms, x.hora_digitalizacion_ms);
    if (con_imagen && capturada) medir(duraciones[1], x.hora_digitalizacion_ms, x.hora_captura_ms);
    if (x.verificada) {
      medir(duraciones[2], x.hora_captura_ms, x.hora_verificacion_ms);
      if (con_acopio) medir(duraciones[3], x.hora_acopio_ms, x.hora_verificacion_ms);
    }

    for (const Expediente::CapturaHecha& c : x.capturas) ++sitios.De(c.sitio).capturas;
    if (x.verificada) ++sitios.De(x.sitio_verificacion).verificaciones;

    if (x.sin_acta || x.verificada) continue;
    std::optional<Candidata> atorada;
    if (x.redigitalizacion_pendiente) {
      // The order's time is not in the Expediente: take the latest step known
      // to come before it (captures and verification need the old image, and
      // none is possible until the new one), so the wait shown is at most
      // overstated, never hidden.
      atorada =
          Candidata{std::max({x.hora_digitalizacion_ms, x.hora_captura_ms, x.hora_verificacion_ms}),
                    &clave, Espera::kRedigitalizacion, distrito};
    } else if (!con_imagen) {
      if (x.acopiada)
        atorada = Candidata{x.hora_acopio_ms, &clave, Espera::kDigitalizacion, distrito};
    } else if (!capturada) {
      // Since the first image: a recaptura or redigitalización adds to the wait.
      atorada = Candidata{x.hora_digitalizacion_ms, &clave, Espera::kCaptura, distrito};
    } else {
      atorada = Candidata{x.hora_captura_ms, &clave, Espera::kVerificacion, distrito};
    }
    if (atorada && ahora_ms - atorada->desde_ms > umbral_atorada_ms) candidatas.push_back(*atorada);
  }

  for (const auto& [distrito, c] : a.por_distrito) a.total += c;
  for (const auto& [distrito, catd] : catd_de_distrito) {
    Conteos& c = a.por_catd[catd];
    auto d = a.por_distrito.find(distrito);
    if (d != a.por_distrito.end()) c += d->second;
  }

  static constexpr std::array<const char*, 4> kFases = {
      "acopio_a_digitalizacion", "digitalizacion_a_captura", "captura_a_verificacion",
      "acopio_a_verificacion"};
  for (size_t f = 0; f < kFases.size(); ++f) {
    a.latencias.push_back(Percentiles(kFases[f], duraciones[f]));
  }

  a.atoradas_total = static_cast<int64_t>(candidatas.size());
  const size_t corte = std::min(max_atoradas, candidatas.size());
  std::partial_sort(candidatas.begin(), candidatas.begin() + corte, candidatas.end(), MasAntigua);
  a.atoradas.reserve(corte);
  for (size_t k = 0; k < corte; ++k) {
    const Candidata& c = candidatas[k];
    a.atoradas.push_back({*c.clave, NombreDe(c.espera), c.desde_ms, c.distrito});
  }
  return a;
}

ordered_json AvanceJson(const Avance& a) {
  ordered_json j;
  j["ahora_ms"] = a.ahora_ms;
  ordered_json total = ordered_json::object();
  AgregarConteos(total, a.total);
  j["total"] = std::move(total);
  ordered_json distritos = ordered_json::array();
  for (const auto& [distrito, c] : a.por_distrito) {
    ordered_json o{{"distrito", distrito}};
    AgregarConteos(o, c);
    distritos.push_back(std::move(o));
  }
  j["por_distrito"] = std::move(distritos);
  ordered_json catds = ordered_json::array();
  for (const auto& [sede, c] : a.por_catd) {
    ordered_json o{{"sede", sede}};
    AgregarConteos(o, c);
    catds.push_back(std::move(o));
  }
  j["por_catd"] = std::move(catds);
  ordered_json ccvs = ordered_json::array();
  for (const auto& [sede, c] : a.por_ccv) {
    ccvs.push_back(ordered_json{
        {"sede", sede}, {"capturas", c.capturas}, {"verificaciones", c.verificaciones}});
  }
  j["por_ccv"] = std::move(ccvs);
  j["fuera_de_catalogo"] = a.fuera_de_catalogo;
  j["acopios_ultima_hora"] = a.acopios_ultima_hora;
  j["imagenes_ultima_hora"] = a.imagenes_ultima_hora;
  j["capturas_ultima_hora"] = a.capturas_ultima_hora;
  j["verificaciones_ultima_hora"] = a.verificaciones_ultima_hora;
  ordered_json latencias = ordered_json::array();
  for (const LatenciaFase& l : a.latencias) {
    latencias.push_back(ordered_json{{"fase", l.fase},
                                     {"n", l.n},
                                     {"p50_ms", l.p50_ms},
                                     {"p90_ms", l.p90_ms},
                                     {"p99_ms", l.p99_ms},
                                     {"max_ms", l.max_ms}});
  }
  j["latencias"] = std::move(latencias);
  ordered_json atoradas = ordered_json::array();
  for (const Atorada& t : a.atoradas) {
    atoradas.push_back(ordered_json{{"clave_acta", t.clave_acta},
                                    {"espera", t.espera},
                                    {"desde_ms", t.desde_ms},
                                    {"distrito", t.distrito}});
  }
  j["atoradas"] = std::move(atoradas);
  j["atoradas_total"] = a.atoradas_total;
  return j;
}

}  // namespace prep::ops
