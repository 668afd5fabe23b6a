// The database zip written as its CSV is produced: the results CSV handed on a
// block at a time, each entry deflated (ISA-L) as it arrives, and the zip read
// back with libzip, which checks every entry's CRC-32 and sizes.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zip.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "publish/base_de_datos.h"
#include "publish/corte_sintetico.h"

namespace prep::publish {
namespace {

namespace fs = std::filesystem;

std::string Leer(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class ZipTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("prep-zip-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Every entry of the zip, by name, as libzip inflates it (a wrong CRC or
  // size is a read error there, so it fails the test).
  static std::vector<std::pair<std::string, std::string>> Entradas(const fs::path& zip) {
    std::vector<std::pair<std::string, std::string>> out;
    int err = 0;
    zip_t* za = zip_open(zip.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &err);
    EXPECT_NE(za, nullptr) << "libzip error " << err;
    if (za == nullptr) return out;
    for (zip_int64_t i = 0; i < zip_get_num_entries(za, 0); ++i) {
      zip_stat_t st;
      zip_stat_index(za, static_cast<zip_uint64_t>(i), 0, &st);
      EXPECT_EQ(st.comp_method, ZIP_CM_DEFLATE) << st.name;
      zip_file_t* f = zip_fopen_index(za, static_cast<zip_uint64_t>(i), 0);
      std::string texto(st.size, '\0');
      const zip_int64_t n = zip_fread(f, texto.data(), texto.size());
      EXPECT_EQ(n, static_cast<zip_int64_t>(st.size)) << st.name << ": " << zip_file_strerror(f);
      char mas = 0;
      EXPECT_EQ(zip_fread(f, &mas, 1), 0) << st.name;  // the CRC is checked at the end
      zip_fclose(f);
      out.emplace_back(st.name, std::move(texto));
    }
    zip_close(za);
    return out;
  }

  fs::path dir_;
};

// Several MB of text that deflates to more than one of the 1 MiB blocks the
// compressed bytes are kept in (rows of pseudo-random numbers, as a CSV).
std::string TextoGrande() {
  std::string t;
  uint64_t x = 0x9E3779B97F4A7C15ULL;
  while (t.size() < (size_t{6} << 20)) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    t += std::to_string(x % 1000003) + "|" + std::to_string((x >> 20) % 997) + "|" +
         std::to_string(x >> 40) + "\n";
  }
  return t;
}

TEST_F(ZipTest, AnEntryDeflatedInUnevenPiecesReadsBackWholeWithItsCrc) {
  const std::string texto = TextoGrande();
  Desinflado d("grande.csv");
  // Pieces of 1 byte, a few bytes, a block and more, and an empty one.
  const std::vector<size_t> trozos = {1, 7, 0, 262144, 3, 1 << 20, 12345};
  size_t pos = 0;
  for (size_t i = 0; pos < texto.size(); ++i) {
    const size_t n = std::min(trozos[i % trozos.size()], texto.size() - pos);
    d.Anadir(std::string_view(texto).substr(pos, n));
    pos += n;
  }
  ASSERT_TRUE(d.Terminar().ok());
  EXPECT_EQ(d.tamano(), texto.size());
  EXPECT_EQ(d.crc(), crc32(0, reinterpret_cast<const Bytef*>(texto.data()),
                           static_cast<uInt>(texto.size())));
  EXPECT_GT(d.comprimido_bytes(), size_t{1} << 20) << "the test must span output blocks";
  EXPECT_LT(d.comprimido_bytes(), texto.size());

  std::vector<Desinflado> entradas;
  entradas.push_back(std::move(d));
  entradas.push_back(Desinflar("vacio.txt", ""));
  entradas.push_back(Desinflar("LEEME.txt", "Léeme\r\n"));
  const fs::path zip = dir_ / "a.zip";
  ASSERT_TRUE(EscribirZip(zip.string(), entradas, 1603070400000, -300).ok());
  const auto leidas = Entradas(zip);
  ASSERT_EQ(leidas.size(), 3u);
  EXPECT_EQ(leidas[0].first, "grande.csv");
  EXPECT_TRUE(leidas[0].second == texto) << "the inflated entry differs from what was added";
  EXPECT_EQ(leidas[1], std::make_pair(std::string("vacio.txt"), std::string()));
  EXPECT_EQ(leidas[2], std::make_pair(std::string("LEEME.txt"), std::string("Léeme\r\n")));
}

TEST_F(ZipTest, TheSameTextInTheSamePiecesGivesTheSameZip) {
  const std::string texto = TextoGrande();
  std::string zips[2];
  for (int vez = 0; vez < 2; ++vez) {
    std::vector<Desinflado> entradas;
    entradas.emplace_back("grande.csv");
    for (size_t pos = 0; pos < texto.size(); pos += 262144) {
      entradas.back().Anadir(std::string_view(texto).substr(pos, 262144));
    }
    const fs::path zip = dir_ / ("z" + std::to_string(vez) + ".zip");
    ASSERT_TRUE(EscribirZip(zip.string(), entradas, 1603070400000, -300).ok());
    zips[vez] = Leer(zip);
  }
  EXPECT_FALSE(zips[0].empty());
  EXPECT_TRUE(zips[0] == zips[1]) << "a corte published twice must give the same zip";
}

TEST_F(ZipTest, TheResultsCsvInBlocksIsTheWholeCsv) {
  // Many copies of the synthetic actas: a CSV of several blocks.
  Corte corte = testing::CorteSintetico();
  const std::vector<ActaPublicada> base = corte.actas;
  while (corte.actas.size() < 8000) {
    corte.actas.insert(corte.actas.end(), base.begin(), base.end());
  }
  for (DialectoBase dialecto : {DialectoBase::kIeqroo2019, DialectoBase::kIne2024}) {
    const std::string entero = ResultadosCsv(corte, dialecto);
    std::string unido;
    size_t bloques = 0;
    ResultadosCsv(corte, dialecto, [&](std::string_view b) {
      ++bloques;
      // Each block ends at the end of a row (LF in one dialect, CR in the other).
      ASSERT_FALSE(b.empty());
      EXPECT_EQ(b.back(), dialecto == DialectoBase::kIne2024 ? '\r' : '\n');
      unido.append(b);
    });
    EXPECT_GT(bloques, 2u) << "the CSV must span several blocks (" << entero.size() << " bytes)";
    EXPECT_TRUE(unido == entero) << NombreDialecto(dialecto);
  }
}

TEST_F(ZipTest, AZipThatCannotBeCreatedIsAnErrorNamingIt) {
  std::vector<Desinflado> entradas;
  entradas.push_back(Desinflar("a.txt", "a"));
  const fs::path ruta = dir_ / "no-existe" / "a.zip";
  const Status s = EscribirZip(ruta.string(), entradas, 1603070400000, -300);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(ruta.string()), std::string::npos) << s.message();
}

}  // namespace
}  // namespace prep::publish
