// The level files of a corte (docs/publicacion.md, prep-corte/3): entidad.json
// and one datos/distritos/NN.json per distrito, read back as a program would
// and compared with the tally the corte was built from, and with actas.jsonl,
// the casilla level they point into by clave.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "domain/tally.h"
#include "publish/corte_sintetico.h"
#include "publish/firma.h"
#include "publish/publicador.h"
#include "publish/verificar.h"

namespace prep::publish {
namespace {

namespace fs = std::filesystem;
using domain::SummaryField;

std::string Leer(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The level's resumen, field by field, as Summarize gives it for its counts.
void ResumenIgual(const nlohmann::json& resumen, const domain::LevelTally& t, const Corte& corte,
                  const std::string& donde) {
  const domain::SummaryBlock r = domain::Summarize(t.counts, corte.Ajustes());
  for (int i = 0; i < domain::kSummaryFieldCount; ++i) {
    const auto f = static_cast<SummaryField>(i);
    const std::string nombre(domain::SummaryFieldName(f));
    ASSERT_TRUE(resumen.contains(nombre)) << donde << ": " << nombre;
    const nlohmann::json& v = resumen.at(nombre);
    const std::string texto = v.is_string() ? v.get<std::string>() : v.dump();
    EXPECT_EQ(texto, r.Format(f)) << donde << ": " << nombre;
  }
}

TEST(NivelesTest, DistritoFilesHoldEachSeccionsTallyAndTheClavesOfItsActas) {
  const fs::path pub = fs::temp_directory_path() / ("prep_niveles_" + std::to_string(::getpid()));
  fs::remove_all(pub);
  OpcionesPublicador o;
  o.raiz = pub.string();
  o.claves = NuevasClaves();
  o.reloj = [] { return testing::InstanteCorte(); };
  const Corte corte = testing::CorteSintetico();
  auto p = Publicador::Abrir(o);
  ASSERT_TRUE(p.ok()) << p.status().message();
  auto r = (*p)->Publicar(corte);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const fs::path datos = fs::path(r->carpeta) / "datos";

  // The casilla level: (distrito, sección) -> claves, in file order.
  std::map<std::pair<int, int>, std::vector<std::string>> registros;
  std::istringstream lineas(Leer(datos / "actas.jsonl"));
  for (std::string l; std::getline(lineas, l);) {
    const auto a = nlohmann::json::parse(l);
    if (a.at("estado") == "fuera_de_catalogo") continue;
    registros[{a.at("distrito").get<int>(), a.at("seccion").get<int>()}].push_back(
        a.at("clave_acta").get<std::string>());
  }
  ASSERT_EQ(registros.size(), 3u);  // secciones 85 and 86 in distrito 1, 1203 in 2

  const auto entidad = nlohmann::json::parse(Leer(datos / "entidad.json"));
  EXPECT_EQ(entidad.at("esquema"), "prep-corte/3");
  ResumenIgual(entidad.at("resumen"), corte.tally.entidad, corte, "entidad");

  size_t secciones = 0;
  for (const domain::Distrito& d : corte.catalogo().distritos) {
    const std::string nombre = (d.id < 10 ? "0" : "") + std::to_string(d.id) + ".json";
    const auto j = nlohmann::json::parse(Leer(datos / "distritos" / nombre));
    EXPECT_EQ(j.at("esquema"), "prep-corte/3");
    EXPECT_EQ(j.at("nivel"), "distrito");
    EXPECT_EQ(j.at("distrito"), d.id);
    ResumenIgual(j.at("resumen"), corte.tally.distritos.at(d.id), corte, nombre);
    for (const auto& s : j.at("secciones")) {
      ++secciones;
      const int seccion = s.at("seccion").get<int>();
      const std::string donde = nombre + " sección " + std::to_string(seccion);
      const domain::LevelTally& t = corte.tally.secciones.at(seccion);
      ResumenIgual(s.at("resumen"), t, corte, donde);
      EXPECT_EQ(s.at("actas_esperadas"), t.counts.esperadas) << donde;
      EXPECT_EQ(s.at("actas_capturadas"), t.counts.capturadas) << donde;
      EXPECT_EQ(s.at("actas_contabilizadas"), t.counts.contabilizadas) << donde;
      for (size_t c = 0; c < corte.catalogo().columns.size(); ++c) {
        const int64_t esperado = c < t.votos.size() ? t.votos[c] : 0;
        EXPECT_EQ(s.at("votos").at(corte.catalogo().columns[c].name), esperado)
            << donde << ": " << corte.catalogo().columns[c].name;
      }
      // The claves point into actas.jsonl: the same actas, in the same order.
      EXPECT_EQ(s.at("actas").get<std::vector<std::string>>(), registros.at({d.id, seccion}))
          << donde;
    }
  }
  EXPECT_EQ(secciones, registros.size());
  fs::remove_all(pub);
}

// An acta record names its image by hash and extension (prep-corte/3); the
// checker builds the path itself, so a record cannot send it outside PUB.
TEST(NivelesTest, RecordsNameTheirImageByHashAndExtensionWhichVerifyChecks) {
  const fs::path pub = fs::temp_directory_path() / ("prep_imagen_" + std::to_string(::getpid()));
  for (const std::string ext : {"png", "../../x"}) {
    fs::remove_all(pub);
    OpcionesPublicador o;
    o.raiz = pub.string();
    o.claves = NuevasClaves();
    o.reloj = [] { return testing::InstanteCorte(); };
    testing::OpcionesCorteSintetico oc;
    oc.extension = ext;
    auto p = Publicador::Abrir(o);
    ASSERT_TRUE(p.ok()) << p.status().message();
    auto r = (*p)->Publicar(testing::CorteSintetico(oc));
    ASSERT_TRUE(r.ok()) << r.status().message();
    std::istringstream lineas(Leer(fs::path(r->carpeta) / "datos" / "actas.jsonl"));
    size_t con_imagen = 0;
    for (std::string l; std::getline(lineas, l);) {
      const auto a = nlohmann::json::parse(l);
      if (!a.contains("imagen")) continue;
      ++con_imagen;
      EXPECT_EQ(a["imagen"]["sha256"], oc.sha_imagen);
      EXPECT_EQ(a["imagen"]["extension"], ext);
      EXPECT_FALSE(a["imagen"].contains("ruta"));
    }
    EXPECT_GT(con_imagen, 0u);
    // The image files are not there (no image store here): with images
    // checked, a good name fails on the missing file, a bad one before it.
    auto fuente = FuenteCarpeta(pub.string());
    auto v = VerificarEspejo(*fuente, {o.claves.publica, true});
    ASSERT_FALSE(v.ok());
    if (ext == "png") {
      EXPECT_NE(v.status().message().find("imagenes/" + oc.sha_imagen + ".png"), std::string::npos)
          << v.status().message();
    } else {
      EXPECT_NE(v.status().message().find("names its image file badly"), std::string::npos)
          << v.status().message();
    }
    EXPECT_TRUE(VerificarEspejo(*fuente, {o.claves.publica, false}).ok());
  }
  fs::remove_all(pub);
}

}  // namespace
}  // namespace prep::publish
