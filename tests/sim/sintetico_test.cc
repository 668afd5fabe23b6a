// The synthetic night of the Coahuila 2020 example (3,841 actas): what the
// demo and the simulacros play. The expected shares are the generator's rates
// (sim/sintetico.h) with a tolerance of about four standard deviations of a
// binomial over 3,841 actas, so a broken generator fails and a sound one
// does not.
#include "sim/sintetico.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>

#include "domain/classifier.h"
#include "formats/election_config.h"
#include "publish/instantanea.h"
#include "sim/ejecutor.h"

namespace prep::sim {
namespace {

using domain::CaptureKind;

constexpr int64_t kHora = 3600 * 1000;

class SinteticoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto c = formats::ReadElectionConfig(PREP_SOURCE_DIR "/examples/coahuila2020.toml");
    ASSERT_TRUE(c.ok()) << c.status().message();
    config_ = std::make_unique<formats::EleccionConfig>(std::move(*c));
    contienda_ = publish::ContiendaDe(*config_);
  }
  static OpcionesSintetico Opciones(uint64_t semilla) {
    OpcionesSintetico o;
    o.semilla = semilla;
    o.cierre_ms = config_->acuerdos.inicio_publicacion_utc_ms;
    o.fin_ms = config_->acuerdos.ultima_actualizacion_utc_ms;
    o.perfil = PerfilCoahuila2020();
    return o;
  }
  static inline std::unique_ptr<formats::EleccionConfig> config_;
  static inline std::shared_ptr<const publish::Contienda> contienda_;
};

std::string Huella(const Guion& g) {
  std::string s;
  for (const auto& a : g.actas) {
    s += a.clave + ":";
    for (const auto& v : a.valores)
      s += std::to_string(static_cast<int>(v.kind)) + std::to_string(v.count) + ",";
    for (const auto& p : a.pasos)
      s += std::to_string(p.at_ms) + "/" + std::to_string(static_cast<int>(p.fase)) + ";";
  }
  return s;
}

TEST_F(SinteticoTest, TheSameSeedGivesTheSameNightAndAnotherSeedAnother) {
  const Guion a = GuionSintetico(*contienda_, Opciones(7));
  const Guion b = GuionSintetico(*contienda_, Opciones(7));
  const Guion c = GuionSintetico(*contienda_, Opciones(8));
  EXPECT_EQ(Huella(a), Huella(b));
  EXPECT_NE(Huella(a), Huella(c));
}

TEST_F(SinteticoTest, EveryActaOfTheCatalogueAndAFewOutsideIt) {
  const Guion g = GuionSintetico(*contienda_, Opciones(2020));
  const auto& cat = contienda_->catalogo;
  ASSERT_EQ(cat.actas.size(), 3841u);
  int64_t fuera = 0;
  std::set<std::string> claves;
  for (const auto& a : g.actas) {
    EXPECT_TRUE(claves.insert(a.clave).second) << a.clave;
    EXPECT_EQ(a.valores.size(), cat.columns.size()) << a.clave;
    EXPECT_EQ(a.fuera_de_catalogo, !cat.FindActa(a.clave).has_value()) << a.clave;
    fuera += a.fuera_de_catalogo;
  }
  EXPECT_EQ(fuera, Tasas{}.fuera_de_catalogo);
  EXPECT_EQ(g.actas.size(), cat.actas.size() + static_cast<size_t>(fuera));
  EXPECT_EQ(g.columnas.size(), cat.columns.size());
}

TEST_F(SinteticoTest, StepsAreInOrderInsideTheWindowAndMakeSense) {
  const OpcionesSintetico o = Opciones(2020);
  const Guion g = GuionSintetico(*contienda_, o);
  for (const auto& a : g.actas) {
    int64_t previo = 0;
    int imagenes = 0, capturas = 0, verificaciones = 0;
    std::set<int> operadores;
    bool redigitalizar = false;
    for (const auto& p : a.pasos) {
      EXPECT_GE(p.at_ms, previo) << a.clave;
      EXPECT_GE(p.at_ms, o.cierre_ms) << a.clave;
      EXPECT_LE(p.at_ms, o.fin_ms) << a.clave;
      previo = p.at_ms;
      switch (p.fase) {
        case Fase::kDigitalizacion:
          ++imagenes;
          // A rescan only after the order; the first blurred image gets one.
          if (p.imagen > 0) {
            EXPECT_TRUE(redigitalizar) << a.clave;
          }
          break;
        case Fase::kOrden:
          if (p.redigitalizacion) redigitalizar = true;
          EXPECT_FALSE(p.motivo.empty());
          break;
        case Fase::kCaptura:
          ++capturas;
          EXPECT_GT(imagenes, 0) << a.clave << ": a capture before any image";
          EXPECT_TRUE(operadores.insert(p.operador).second)
              << a.clave << ": the same capturista twice";
          EXPECT_EQ(p.valores.size(), a.valores.size());
          break;
        case Fase::kVerificacion:
          ++verificaciones;
          EXPECT_GE(capturas, 2) << a.clave;
          // A correction always restores what the paper says.
          if (!p.aceptar) {
            EXPECT_EQ(p.valores, a.valores) << a.clave;
          }
          break;
        default:
          break;
      }
    }
    if (a.sin_acta || a.fuera_de_catalogo) {
      EXPECT_EQ(capturas, 0) << a.clave;
    }
    EXPECT_LE(verificaciones, 1) << a.clave;
  }
}

TEST_F(SinteticoTest, ArrivalsFollowTheCurveAndTheCasesHaveTheirShares) {
  const Guion g = GuionSintetico(*contienda_, Opciones(2020));
  const auto& cat = contienda_->catalogo;
  const int64_t cierre = config_->acuerdos.inicio_publicacion_utc_ms;
  int64_t acopiadas = 0, a_las_4h = 0, sin_acta = 0, sin_pasos = 0, discrepancias = 0,
          redigitalizadas = 0, casilla = 0;
  std::map<std::string, int64_t> observaciones;
  int64_t votos = 0, ln = 0, pri = 0, excede = 0;
  const size_t i_pri = [&] {
    for (size_t k = 0; k < cat.columns.size(); ++k)
      if (cat.columns[k].name == "PRI") return k;
    return size_t{0};
  }();
  for (const auto& a : g.actas) {
    if (a.fuera_de_catalogo) continue;
    if (a.pasos.empty()) ++sin_pasos;
    if (a.sin_acta) ++sin_acta;
    if (a.origen == "CASILLA") ++casilla;
    for (const auto& p : a.pasos) {
      if (p.fase == Fase::kAcopio) {
        ++acopiadas;
        a_las_4h += p.at_ms <= cierre + 4 * kHora;
      }
      if (p.fase == Fase::kVerificacion && !p.aceptar) ++discrepancias;
      if (p.fase == Fase::kOrden && p.redigitalizacion) ++redigitalizadas;
    }
    if (a.sin_acta) continue;
    const auto& acta = cat.actas[*cat.FindActa(a.clave)];
    const auto& cas = cat.casillas[acta.casilla_index];
    domain::ActaCaptura cap;
    const auto corren = publish::ColumnasQueAplican(*contienda_, cas.distrito);
    for (size_t k = 0; k < a.valores.size(); ++k) {
      if (corren.empty() || corren[k]) cap.votos.push_back(a.valores[k]);
    }
    const auto cl = domain::Classify(cap, domain::ActaLimits::ForCasilla(cas));
    if (cl.observaciones.Has(domain::Observacion::kExcedeListaNominal)) ++excede;
    if (cl.observaciones.Has(domain::Observacion::kIlegible)) ++observaciones["ilegible"];
    if (cl.observaciones.Has(domain::Observacion::kSinDato)) ++observaciones["sin dato"];
    if (cl.observaciones.Has(domain::Observacion::kTodosIlegibles)) ++observaciones["todos"];
    if (cl.contabilizada && !cas.IsEspecial()) {
      votos += cl.total_votos_calculado;
      ln += cas.lista_nominal;
      pri += a.valores[i_pri].Votes();
    }
  }
  const double n = static_cast<double>(cat.actas.size());
  // IEQROO's curve: 46.9 % by 4 h after the close (sim/sintetico.cc), among those that arrive.
  EXPECT_NEAR(static_cast<double>(a_las_4h) / static_cast<double>(acopiadas), CurvaLlegada(4),
              0.035);
  const Tasas t;
  EXPECT_NEAR(sin_pasos / n, t.no_llega, 0.007);
  EXPECT_NEAR(sin_acta / n, t.sin_acta, 0.006);
  EXPECT_NEAR(casilla / n, t.prep_casilla, 0.035);
  EXPECT_NEAR(discrepancias / n, t.discrepancia + t.error_comun, 0.02);
  EXPECT_NEAR(redigitalizadas / n, t.redigitalizacion, 0.005);
  EXPECT_GE(excede, 1);
  EXPECT_NEAR(observaciones["ilegible"] / n, t.ilegible + t.todos_ilegibles, 0.01);
  EXPECT_NEAR(observaciones["sin dato"] / n, t.sin_dato, 0.01);
  // Participation and the leading party near the profile (spec §9.1).
  EXPECT_NEAR(static_cast<double>(votos) / static_cast<double>(ln), 0.392, 0.02);
  EXPECT_NEAR(static_cast<double>(pri) / static_cast<double>(votos), 0.4912, 0.03);
}

TEST_F(SinteticoTest, ThePeopleOfTheNight) {
  const Guion g = GuionSintetico(*contienda_, Opciones(2020));
  Plantilla p;
  p.catd_de_distrito = {{1, "CATD01"}, {2, "CATD02"}};
  p.ccv = {"CCV1", "CCV2"};
  std::set<std::string> nombres;
  for (const auto& u : p.Usuarios()) EXPECT_TRUE(nombres.insert(u.nombre).second) << u.nombre;
  for (const auto& a : g.actas) {
    std::set<std::string> capturistas;
    for (const auto& paso : a.pasos) {
      const std::string quien = p.QuienHace(a, paso);
      EXPECT_TRUE(nombres.count(quien)) << quien << " is not in the template";
      if (paso.fase == Fase::kCaptura) {
        EXPECT_TRUE(capturistas.insert(quien).second) << a.clave;
      }
      if (paso.fase == Fase::kVerificacion) {
        EXPECT_FALSE(capturistas.count(quien)) << a.clave;
      }
      if (paso.fase == Fase::kAcopio) {
        EXPECT_EQ(quien, "acopiador." + std::string(a.distrito == 2 ? "catd02" : "catd01"));
      }
    }
  }
}

TEST(CurvaLlegada, IsTheCumulativeShareOfSpec93) {
  EXPECT_EQ(CurvaLlegada(0), 0);
  EXPECT_EQ(CurvaLlegada(0.75), 0);
  EXPECT_DOUBLE_EQ(CurvaLlegada(3.75), 0.469);  // 22:00 in IEQROO 2019, 15 minutes earlier
  EXPECT_EQ(CurvaLlegada(12), 1);
  for (double h = 0; h < 12; h += 0.25) EXPECT_LE(CurvaLlegada(h), CurvaLlegada(h + 0.25));
}

}  // namespace
}  // namespace prep::sim
