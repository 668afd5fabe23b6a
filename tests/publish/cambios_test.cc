// The change list (datos/cambios.json) compares each acta's record with the
// last corte's. The publisher finds the last corte's acta by position first
// (the catálogo's order) and by CLAVE_ACTA when the positions differ; both
// must give the same list, also after the publisher is reopened from disk:
// new actas, a change of state (with its reason) and a correction.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "publish/corte_sintetico.h"
#include "publish/firma.h"
#include "publish/publicador.h"

namespace prep::publish {
namespace {

namespace fs = std::filesystem;
using testing::CorteSintetico;

std::set<std::string> Claves(const nlohmann::json& lista) {
  std::set<std::string> r;
  for (const auto& x : lista) r.insert(x.at("clave_acta").get<std::string>());
  return r;
}

TEST(CambiosTest, ReorderedActasAndAReopenedPublisherGiveTheSameList) {
  const fs::path pub = fs::temp_directory_path() / ("prep_cambios_" + std::to_string(::getpid()));
  fs::remove_all(pub);
  OpcionesPublicador o;
  o.raiz = pub.string();
  o.claves = NuevasClaves();
  o.reloj = [] { return testing::InstanteCorte(); };
  const Corte a = CorteSintetico();
  {
    auto p = Publicador::Abrir(o);
    ASSERT_TRUE(p.ok()) << p.status().message();
    ASSERT_TRUE((*p)->Publicar(a).ok());
  }

  // Twenty minutes later: acta 2 (sección 0086) is captured, acta 0's PAN is
  // corrected, and the actas come in reverse order (no position matches).
  std::vector<ActaPublicada> actas = a.actas;
  ASSERT_FALSE(actas[2].capturada);
  actas[2].capturada = true;
  actas[2].votos = actas[1].votos;
  actas[2].clasificacion = actas[0].clasificacion;
  actas[0].votos[0] = domain::CaptureValue::Count(121);
  actas[0].motivo_correccion = "el PAN dice 121";
  // Acta 1 stops counting (its corrected record exceeds the lista nominal).
  ASSERT_TRUE(actas[1].capturada && actas[1].clasificacion.contabilizada);
  actas[1].clasificacion.contabilizada = false;
  actas[1].motivo_correccion = "excede la lista nominal";
  std::reverse(actas.begin(), actas.end());
  CorteInfo info = a.info;
  info.instante_utc_ms += 20 * kMsPorMinuto;
  info.id = FormatearFecha(info.instante_utc_ms, info.offset_minutos, FormatoFecha::kIdCorte);
  info.siguiente_utc_ms = info.instante_utc_ms + 20 * kMsPorMinuto;
  const Corte b = ArmarCorte(info, a.contienda, std::move(actas));

  auto p = Publicador::Abrir(o);  // reopened: the last corte is read back from disk
  ASSERT_TRUE(p.ok()) << p.status().message();
  auto r = (*p)->Publicar(b);
  ASSERT_TRUE(r.ok()) << r.status().message();
  std::ifstream in(fs::path(r->carpeta) / "datos" / "cambios.json");
  const auto cambios = nlohmann::json::parse(in);
  EXPECT_EQ(Claves(cambios["nuevas"]), std::set<std::string>{a.actas[2].clave_acta});
  ASSERT_EQ(cambios["cambio_de_estado"].size(), 1u) << cambios.dump();
  EXPECT_EQ(cambios["cambio_de_estado"][0]["clave_acta"], a.actas[1].clave_acta);
  EXPECT_EQ(cambios["cambio_de_estado"][0]["antes"], "contabilizada");
  EXPECT_EQ(cambios["cambio_de_estado"][0]["despues"], "no_contabilizada");
  EXPECT_EQ(cambios["cambio_de_estado"][0]["motivo"], "excede la lista nominal");
  EXPECT_EQ(Claves(cambios["corregidas"]), std::set<std::string>{a.actas[0].clave_acta});
  EXPECT_EQ(cambios["corregidas"][0]["motivo"], "el PAN dice 121");
  fs::remove_all(pub);
}

}  // namespace
}  // namespace prep::publish
