// The manifest's cryptography and the schedule of cortes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "publish/calendario.h"
#include "publish/firma.h"
#include "publish/json_texto.h"
#include "store/imagenes.h"

namespace prep::publish {
namespace {

// RFC 6962 §2.1 written as the RFC states it (split at the largest power of
// two below n), to check the iterative tree against.
std::string Mth(const std::vector<std::string>& d, size_t a, size_t b) {
  if (b - a == 1) return *DesdeHex(store::Sha256Hex(std::string(1, '\0') + d[a]));
  size_t k = 1;
  while (k * 2 < b - a) k *= 2;
  return *DesdeHex(store::Sha256Hex(std::string(1, '\1') + Mth(d, a, a + k) + Mth(d, a + k, b)));
}

TEST(MerkleTest, EqualsTheRfc6962DefinitionForEverySizeUpTo40) {
  std::vector<std::string> datos;
  for (int n = 1; n <= 40; ++n) {
    datos.push_back("acta " + std::to_string(n));
    std::vector<std::string_view> v(datos.begin(), datos.end());
    EXPECT_EQ(RaizMerkle(v), Hex(Mth(datos, 0, datos.size()))) << n;
  }
}

TEST(MerkleTest, KnownVectors) {
  // RFC 6962: the empty tree is SHA-256 of nothing; one leaf "" is SHA-256(0x00).
  EXPECT_EQ(RaizMerkle({}), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(RaizMerkle({std::string_view("")}),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
}

TEST(MerkleTest, OrderAndEveryByteMatter) {
  EXPECT_NE(RaizMerkle({"a", "b"}), RaizMerkle({"b", "a"}));
  EXPECT_NE(RaizMerkle({"a", "b", "c"}), RaizMerkle({"a", "b", "d"}));
  // A leaf is not confused with an inner node (the 0x00/0x01 prefixes).
  EXPECT_NE(RaizMerkle({"ab"}), RaizMerkle({"a", "b"}));
}

TEST(FirmaTest, SignsAndRejectsAnyChange) {
  const ParClaves k = NuevasClaves();
  ASSERT_EQ(k.publica.size(), 64u);
  ASSERT_EQ(k.secreta.size(), 128u);
  auto f = Firmar("manifest", k.secreta);
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_TRUE(FirmaValida("manifest", *f, k.publica));
  EXPECT_FALSE(FirmaValida("manifesT", *f, k.publica));
  std::string g = *f;
  g[10] = g[10] == '0' ? '1' : '0';
  EXPECT_FALSE(FirmaValida("manifest", g, k.publica));
  EXPECT_FALSE(FirmaValida("manifest", *f, NuevasClaves().publica));
  EXPECT_FALSE(FirmaValida("manifest", "zz", k.publica));
  EXPECT_FALSE(Firmar("x", "abcd").ok());
}

TEST(FirmaTest, TwoKeyPairsDiffer) { EXPECT_NE(NuevasClaves().publica, NuevasClaves().publica); }

constexpr int64_t kHora = 3600 * 1000;
// 2020-10-18 19:30 at UTC-5 = 2020-10-19 00:30 UTC.
constexpr int64_t kInicio = 1603067400000;

formats::Acuerdos Acuerdos(int datos, int bd, int64_t duracion) {
  formats::Acuerdos a;
  a.inicio_publicacion_utc_ms = kInicio;
  a.offset_minutos = -300;
  a.actualizaciones_datos_por_hora = datos;
  a.actualizaciones_bd_por_hora = bd;
  a.ultima_actualizacion_utc_ms = kInicio + duracion;
  return a;
}

TEST(CalendarioTest, UnionOfTheTwoCadencesAndAFinalCorte) {
  // 4 data updates per hour (every 15 min) and 3 database ones (every 20 min) over 2 h:
  // :00 :15 :20 :30 :40 :45 each hour, plus the final at 2:00.
  const Calendario c(Acuerdos(4, 3, 2 * kHora));
  std::vector<int64_t> minutos;
  for (const auto& x : c.cortes()) minutos.push_back((x.instante_utc_ms - kInicio) / 60000);
  EXPECT_EQ(minutos, (std::vector<int64_t>{0, 15, 20, 30, 40, 45, 60, 75, 80, 90, 100, 105, 120}));
  EXPECT_TRUE(c.cortes()[0].datos && c.cortes()[0].base_de_datos);
  EXPECT_TRUE(c.cortes()[1].datos && !c.cortes()[1].base_de_datos);  // :15
  EXPECT_TRUE(!c.cortes()[2].datos && c.cortes()[2].base_de_datos);  // :20
  for (size_t i = 0; i + 1 < c.cortes().size(); ++i) EXPECT_FALSE(c.cortes()[i].final);
  EXPECT_TRUE(c.cortes().back().final);
  EXPECT_TRUE(c.cortes().back().base_de_datos);
}

TEST(CalendarioTest, NothingBeforeTheStartNorAfterTheFinal) {
  const Calendario c(Acuerdos(3, 3, 24 * kHora));
  EXPECT_EQ(c.cortes().size(), 24u * 3 + 1);
  EXPECT_FALSE(c.Vigente(kInicio - 1).has_value());
  EXPECT_EQ(c.Vigente(kInicio)->instante_utc_ms, kInicio);
  EXPECT_EQ(c.Vigente(kInicio + 20 * 60000 - 1)->instante_utc_ms, kInicio);
  EXPECT_EQ(c.Siguiente(kInicio)->instante_utc_ms, kInicio + 20 * 60000);
  EXPECT_EQ(c.Siguiente(kInicio - 5)->instante_utc_ms, kInicio);
  EXPECT_TRUE(c.Vigente(kInicio + 30 * kHora)->final);
  EXPECT_FALSE(c.Siguiente(kInicio + 24 * kHora).has_value());
}

TEST(CalendarioTest, ALastUpdateOffTheCadenceIsItsOwnFinalCorte) {
  const Calendario c(Acuerdos(3, 3, kHora + 7 * 60000));
  ASSERT_EQ(c.cortes().size(), 5u);  // 0, 20, 40, 60, 67
  EXPECT_EQ(c.cortes()[3].instante_utc_ms, kInicio + kHora);
  EXPECT_FALSE(c.cortes()[3].final);
  EXPECT_EQ(c.cortes()[4].instante_utc_ms, kInicio + kHora + 7 * 60000);
  EXPECT_TRUE(c.cortes()[4].final);
}

TEST(JsonTextoTest, CommasEscapesAndNesting) {
  JsonTexto j;
  j.AbrirObjeto();
  j.Clave("a");
  j.Texto("x\"y\\z\n\x01ñ");
  j.Clave("b");
  j.AbrirLista();
  j.Entero(-3);
  j.Nulo();
  j.Booleano(true);
  j.Crudo("{\"c\":1}");
  j.CerrarLista();
  j.Clave("d");
  j.AbrirObjeto();
  j.CerrarObjeto();
  j.CerrarObjeto();
  EXPECT_EQ(j.Tomar(), R"({"a":"x\"y\\z\u000a\u0001ñ","b":[-3,null,true,{"c":1}],"d":{}})");
}

TEST(JsonTextoTest, WritesLinesPastItsFirstRoomAndStartsOverKeepingIt) {
  // The acta records: one line per value, the buffer growing past its first
  // room (5,000 characters each), emptied and written again as a file's
  // blocks are.
  const std::string largo(5000, 'x');
  const std::string linea = "[\"\\\"first\",\"" + largo + "\\\\\",\"\"]\n";
  JsonTexto j;
  for (int vuelta = 0; vuelta < 2; ++vuelta) {
    for (int i = 0; i < 3; ++i) {
      j.AbrirLista();
      j.Texto("\"first");
      j.Texto(largo + "\\");
      j.Texto("");
      j.CerrarLista();
      j.FinDeLinea();
    }
    EXPECT_EQ(j.Tamano(), 3 * linea.size());
    EXPECT_EQ(j.Vista(), linea + linea + linea);
    j.Vaciar();
  }
  j.Entero(7);
  EXPECT_EQ(j.Tomar(), "7");
}

}  // namespace
}  // namespace prep::publish
