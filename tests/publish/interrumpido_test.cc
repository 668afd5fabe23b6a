// A crash inside Publicar, after the whole corte folder was renamed into
// cortes/ and before index.json listed it (the window a SIGKILL hit in the
// simulacro with every fault). The folder is whole, so the next publisher
// lists it, as the dead one would have, and the chain verifies; a folder that
// is not such a corte is refused by name and left where it is.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "publish/corte_sintetico.h"
#include "publish/firma.h"
#include "publish/publicador.h"
#include "publish/verificar.h"
#include "store/imagenes.h"

namespace prep::publish {
namespace {

namespace fs = std::filesystem;
using testing::CorteSintetico;

std::string Leer(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void Escribir(const fs::path& p, const std::string& s) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << s;
}

// The same actas `minutos` later.
Corte Despues(const Corte& c, int minutos, bool final = false) {
  CorteInfo info = c.info;
  info.instante_utc_ms += minutos * kMsPorMinuto;
  info.id = FormatearFecha(info.instante_utc_ms, info.offset_minutos, FormatoFecha::kIdCorte);
  info.siguiente_utc_ms = info.instante_utc_ms + 20 * kMsPorMinuto;
  info.final = final;
  return ArmarCorte(info, c.contienda, c.actas);
}

std::vector<std::string> Ids(const fs::path& pub) {
  const auto j = nlohmann::json::parse(Leer(pub / "cortes" / "index.json"));
  std::vector<std::string> r;
  for (const auto& c : j["cortes"]) r.push_back(c["id"].get<std::string>());
  return r;
}

class InterrumpidoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pub_ = fs::temp_directory_path() /
           ("prep_interrumpido_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(pub_);
    o_.raiz = pub_.string();
    o_.claves = NuevasClaves();
    o_.reloj = [] { return testing::InstanteCorte(); };
  }
  void TearDown() override { fs::remove_all(pub_); }

  // Publishes `a`, then `siguientes`, and puts index.json and `actual` back as
  // they were after `a`: the state a crash after each rename and before its
  // index.json would leave.
  void PublicarSinListar(const Corte& a, const std::vector<Corte>& siguientes) {
    auto p = Publicador::Abrir(o_);
    ASSERT_TRUE(p.ok()) << p.status().message();
    ASSERT_TRUE((*p)->Publicar(a).ok());
    indice_ = Leer(pub_ / "cortes" / "index.json");
    for (const Corte& c : siguientes) ASSERT_TRUE((*p)->Publicar(c).ok());
    Escribir(pub_ / "cortes" / "index.json", indice_);
    fs::remove(pub_ / "actual");
    fs::create_directory_symlink(fs::path("cortes") / a.info.id, pub_ / "actual");
  }

  fs::path pub_;
  OpcionesPublicador o_;
  std::string indice_;  // index.json after the first corte
};

TEST_F(InterrumpidoTest, UnlistedCortesAreListedInOrderAndTheChainGoesOn) {
  const Corte a = CorteSintetico();
  const Corte b = Despues(a, 20);
  const Corte c = Despues(a, 40);
  PublicarSinListar(a, {b, c});
  ASSERT_EQ(Ids(pub_), std::vector<std::string>{a.info.id});
  {
    auto fuente = FuenteCarpeta(pub_.string());
    auto v = VerificarEspejo(*fuente, {o_.claves.publica, false});
    ASSERT_FALSE(v.ok()) << "the crash state must not verify, or this test tests nothing";
    EXPECT_NE(v.status().message().find("belongs to no corte of the index"), std::string::npos)
        << v.status().message();
  }

  auto p = Publicador::Abrir(o_);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ((*p)->cortes(), 3u);
  EXPECT_EQ((*p)->ultimo_instante_utc_ms(), c.info.instante_utc_ms);
  EXPECT_EQ(fs::read_symlink(pub_ / "actual"), fs::path("cortes") / c.info.id);
  // The scheduled next corte chains to the last of them.
  const Corte d = Despues(a, 60, /*final=*/true);
  auto r = (*p)->Publicar(d);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(Ids(pub_), (std::vector<std::string>{a.info.id, b.info.id, c.info.id, d.info.id}));
  auto fuente = FuenteCarpeta(pub_.string());
  auto v = VerificarEspejo(*fuente, {o_.claves.publica, false});
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(v->cortes.size(), 4u);
  // Listed cortes are byte for byte what the dead publisher wrote: the index
  // entry it would have written matches the manifest's SHA-256.
  const auto j = nlohmann::json::parse(Leer(pub_ / "cortes" / "index.json"));
  EXPECT_EQ(j["cortes"][1]["sha256_manifest"],
            store::Sha256Hex(Leer(pub_ / "cortes" / b.info.id / "manifest.json")));
  EXPECT_EQ(j["cortes"][1]["base_de_datos"],
            nlohmann::json::parse(
                Leer(pub_ / "cortes" / b.info.id / "manifest.json"))["corte"]["base_de_datos"]);
}

// The crash one step later: listed, but `actual` still at the corte before.
TEST_F(InterrumpidoTest, ACurrentLinkLeftOneBehindIsMovedToTheLastListedCorte) {
  const Corte a = CorteSintetico();
  const Corte b = Despues(a, 20);
  {
    auto p = Publicador::Abrir(o_);
    ASSERT_TRUE(p.ok()) << p.status().message();
    ASSERT_TRUE((*p)->Publicar(a).ok());
    ASSERT_TRUE((*p)->Publicar(b).ok());
  }
  fs::remove(pub_ / "actual");
  fs::create_directory_symlink(fs::path("cortes") / a.info.id, pub_ / "actual");
  auto p = Publicador::Abrir(o_);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(fs::read_symlink(pub_ / "actual"), fs::path("cortes") / b.info.id);
  EXPECT_EQ((*p)->cortes(), 2u);
}

TEST_F(InterrumpidoTest, AFolderThatIsNotAnUnlistedCorteIsRefusedByNameAndKept) {
  const Corte a = CorteSintetico();
  const Corte b = Despues(a, 20);
  PublicarSinListar(a, {b});
  // Signed by us and chained, but its manifest names b: copied under another name.
  const fs::path copia = pub_ / "cortes" / "20991231_2359";
  fs::copy(pub_ / "cortes" / b.info.id, copia, fs::copy_options::recursive);
  fs::rename(pub_ / "cortes" / b.info.id, pub_ / ".b");
  {
    auto p = Publicador::Abrir(o_);
    ASSERT_FALSE(p.ok());
    EXPECT_NE(p.status().message().find(copia.string()), std::string::npos) << p.status().message();
    EXPECT_NE(p.status().message().find("another corte id"), std::string::npos)
        << p.status().message();
  }
  fs::remove_all(copia);
  fs::rename(pub_ / ".b", pub_ / "cortes" / b.info.id);

  // Another key: a corte of some other PREP.
  OpcionesPublicador otra = o_;
  otra.claves = NuevasClaves();
  {
    auto p = Publicador::Abrir(otra);
    ASSERT_FALSE(p.ok());
    EXPECT_NE(p.status().message().find("not signed with this PREP's key"), std::string::npos)
        << p.status().message();
  }

  // A folder with no manifest, and one whose manifest was altered after signing.
  const fs::path vacia = pub_ / "cortes" / "00000000_0000";
  fs::create_directories(vacia);
  {
    auto p = Publicador::Abrir(o_);
    ASSERT_FALSE(p.ok());
    EXPECT_NE(p.status().message().find(vacia.string() + ": not listed"), std::string::npos)
        << p.status().message();
    EXPECT_NE(p.status().message().find("no manifest.json"), std::string::npos)
        << p.status().message();
  }
  fs::remove_all(vacia);
  const fs::path m = pub_ / "cortes" / b.info.id / "manifest.json";
  const std::string original = Leer(m);
  std::string cambiado = original;
  cambiado[cambiado.size() / 2] ^= 0x01;
  Escribir(m, cambiado);
  {
    auto p = Publicador::Abrir(o_);
    ASSERT_FALSE(p.ok());
    EXPECT_NE(p.status().message().find("not signed"), std::string::npos) << p.status().message();
  }
  // Nothing was listed or removed by the refusals.
  EXPECT_EQ(Leer(pub_ / "cortes" / "index.json"), indice_);
  EXPECT_TRUE(fs::exists(pub_ / "cortes" / b.info.id / "manifest.json.sig"));
  Escribir(m, original);
  auto p = Publicador::Abrir(o_);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ((*p)->cortes(), 2u);
}

}  // namespace
}  // namespace prep::publish
