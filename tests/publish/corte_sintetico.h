// A small synthetic corte for the site tests (tests/publish/sitio_test.cc) and
// the browser fixture (tests/e2e/sitio_fixture.cc): two distritos, three
// secciones, a coalición, a candidatura independiente with a hostile name, and
// one acta of each kind the pages must show differently (contabilizada, with
// an ILEGIBLE field, not captured, sin acta, excede lista nominal, casilla
// especial with its RP acta, fuera de catálogo).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/tiempo.h"
#include "domain/classifier.h"
#include "domain/election.h"
#include "publish/corte.h"

namespace prep::testing {

// Contains markup and quotes: every page must show it escaped.
inline constexpr const char* kNombreHostil = "<script>alert(\"x\")</script> O'Brien & Hijos";

struct OpcionesCorteSintetico {
  bool simulacro = false;
  bool final = false;
  bool base_de_datos = true;
  // The image of every captured acta (its SHA-256, lower-case hex) and extension.
  std::string sha_imagen = std::string(64, 'a');
  std::string extension = "png";
};

inline std::shared_ptr<const publish::Contienda> ContiendaSintetica() {
  auto k = std::make_shared<publish::Contienda>();
  domain::Catalogo& cat = k->catalogo;
  cat.entidad_id = 5;
  cat.entidad_nombre = "COAHUILA DE ZARAGOZA";
  cat.eleccion = "DIPUTACIONES LOCALES";
  cat.distritos = {{1, "SALTILLO"}, {2, "TORREÓN"}};
  cat.partidos = {{"PAN", "Partido Acción Nacional"},
                  {"PRI", "Partido Revolucionario Institucional"},
                  {"PRD", "Partido de la Revolución Democrática"},
                  {"MORENA", "Morena"}};
  cat.coaliciones = {{"Coahuila Primero", {"PRI", "PRD"}}};
  cat.candidaturas_independientes = {{kNombreHostil, 1}};
  cat.columns = domain::ContestColumns(cat.partidos, cat.coaliciones, 1);

  using T = domain::TipoCasilla;
  struct C {
    int seccion;
    T tipo;
    int id;
    int distrito;
    int64_t ln;
  };
  const C casillas[] = {{85, T::kBasica, 1, 1, 600},     {85, T::kContigua, 1, 1, 590},
                        {86, T::kBasica, 1, 1, 700},     {1203, T::kBasica, 1, 2, 500},
                        {1203, T::kContigua, 1, 2, 100}, {1203, T::kEspecial, 1, 2, 0}};
  for (const C& c : casillas) {
    domain::Casilla casilla;
    casilla.id = {cat.entidad_id, c.seccion, c.tipo, c.id, 0};
    casilla.distrito = c.distrito;
    casilla.lista_nominal = c.ln;
    if (c.tipo == T::kEspecial) casilla.boletas_especial = 750;
    cat.casillas.push_back(casilla);
    const size_t ci = cat.casillas.size() - 1;
    domain::Acta mr;
    mr.id = {casilla.id, "2"};
    mr.casilla_index = ci;
    cat.actas.push_back(mr);
    if (c.tipo == T::kEspecial) {
      domain::Acta rp = mr;
      rp.id.tipo_acta = "3";
      rp.kind = domain::ActaKind::kRepresentacionProporcional;
      cat.actas.push_back(rp);
    }
  }
  cat.RebuildIndex();
  k->candidaturas = {{1, "PAN", "", false, "Ana Pérez", "Luisa Gómez"},
                     {1, "", "Coahuila Primero", false, "Juan Díaz", ""},
                     {1, "", "", true, kNombreHostil, "Pedro Ruiz"},
                     {2, "MORENA", "", false, "Rosa Luna", "Eva Sol"}};
  k->clave_eleccion = "DIP_LOC";
  k->entidad_siglas = "COAH";
  k->anio = 2020;
  return k;
}

// 2020-10-18 20:20 in Coahuila (UTC-5).
inline int64_t InstanteCorte() {
  return (DiasDesdeCivil(2020, 10, 19) * 24 * 60 + 1 * 60 + 20) * kMsPorMinuto;
}

// Votes of acta `i` in column order: 8 columns (PAN, PRI, PRD, MORENA,
// C_PRI_PRD, CAND_IND_1, NO_REGISTRADOS, NULOS).
inline publish::Corte CorteSintetico(const OpcionesCorteSintetico& o = {}) {
  auto k = ContiendaSintetica();
  const domain::Catalogo& cat = k->catalogo;
  const size_t ncol = cat.columns.size();
  using V = domain::CaptureValue;
  std::vector<publish::ActaPublicada> actas;
  auto agregar = [&](size_t acta_index, std::optional<std::vector<V>> votos,
                     std::optional<domain::SinActaMotivo> sin_acta = std::nullopt) {
    const domain::Acta& acta = cat.actas[acta_index];
    const domain::Casilla& casilla = cat.casillas[acta.casilla_index];
    publish::ActaPublicada a;
    a.acta_index = acta_index;
    a.clave_acta = acta.id.Clave();
    a.aplica.assign(ncol, 1);
    // The candidatura independiente runs in distrito 1 only.
    for (size_t c = 0; c < ncol; ++c) {
      if (cat.columns[c].kind == domain::VoteColumnKind::kCandidaturaIndependiente) {
        a.aplica[c] = casilla.distrito == 1;
      }
    }
    a.votos.assign(ncol, V::SinDato());
    if (votos || sin_acta) {
      a.capturada = true;
      domain::ActaCaptura captura;
      captura.sin_acta = sin_acta;
      if (votos) {
        for (size_t c = 0; c < ncol; ++c) {
          if (!a.aplica[c]) continue;
          a.votos[c] = (*votos)[c];
          captura.votos.push_back((*votos)[c]);
        }
      }
      a.clasificacion = domain::Classify(captura, domain::ActaLimits::ForCasilla(casilla));
      a.sha256 = o.sha_imagen;
      a.extension_imagen = o.extension;
      a.hora_acopio_ms = InstanteCorte() - 40 * kMsPorMinuto;
      a.hora_captura_ms = InstanteCorte() - 30 * kMsPorMinuto;
      a.hora_verificacion_ms = InstanteCorte() - 20 * kMsPorMinuto;
      a.origen = "CATD";
      a.digitalizacion = "ESCANER";
    }
    actas.push_back(std::move(a));
  };
  auto n = [](int64_t v) { return V::Count(v); };
  // Sección 0085, distrito 1.
  agregar(0, std::vector<V>{n(120), n(90), n(30), n(150), n(12), n(40), n(1), n(9)});
  agregar(1, std::vector<V>{n(100), V::Ilegible(), n(25), n(140), n(8), n(35), n(0), n(7)});
  // Sección 0086: not captured yet.
  agregar(2, std::nullopt);
  // Sección 1203, distrito 2: sin acta, excede lista nominal, especial MR and RP.
  agregar(3, std::nullopt, domain::SinActaMotivo::kPaqueteNoEntregado);
  agregar(4, std::vector<V>{n(300), n(10), n(10), n(10), n(0), n(0), n(0), n(1)});
  agregar(5, std::vector<V>{n(50), n(60), n(5), n(70), n(3), n(0), n(0), n(2)});
  agregar(6, std::vector<V>{n(45), n(55), n(5), n(75), n(3), n(0), n(0), n(2)});
  // Fuera de catálogo: counted at the entidad only.
  {
    publish::ActaPublicada a;
    a.clave_acta = "059999B01002";
    a.capturada = true;
    a.clasificacion.observaciones.Add(domain::Observacion::kFueraDeCatalogo);
    a.votos.assign(ncol, V::SinDato());
    actas.push_back(std::move(a));
  }

  publish::CorteInfo info;
  info.instante_utc_ms = InstanteCorte();
  info.id = FormatearFecha(info.instante_utc_ms, -300, FormatoFecha::kIdCorte);
  info.offset_minutos = -300;
  info.final = o.final;
  info.simulacro = o.simulacro;
  info.base_de_datos = o.base_de_datos;
  if (!o.final) info.siguiente_utc_ms = info.instante_utc_ms + 20 * kMsPorMinuto;
  return publish::ArmarCorte(std::move(info), std::move(k), std::move(actas));
}

}  // namespace prep::testing
