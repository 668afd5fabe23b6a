#include "formats/election_config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <numeric>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace prep::formats {
namespace {

namespace fs = std::filesystem;

fs::path SourceRoot() { return fs::path(__FILE__).parent_path().parent_path().parent_path(); }
fs::path ConfigDir() { return SourceRoot() / "tests" / "data" / "config"; }

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

// The error lines of a failed result, with the test data folder removed from
// file names.
std::vector<std::string> Errors(const Result<EleccionConfig>& r) {
  if (r.ok()) return {"(no error)"};
  std::string message = r.status().message();
  const std::string dir = ConfigDir().string() + "/";
  for (size_t at; (at = message.find(dir)) != std::string::npos;) message.erase(at, dir.size());
  return Lines(message);
}

// A test config with some text replaced; each `from` must occur exactly once.
std::string Edited(const std::string& file,
                   std::vector<std::pair<std::string, std::string>> edits) {
  std::string text = ReadText(ConfigDir() / file);
  for (const auto& [from, to] : edits) {
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << file << " has no " << from;
    if (at == std::string::npos) continue;
    EXPECT_EQ(text.find(from, at + 1), std::string::npos) << file << " has " << from << " twice";
    text.replace(at, from.size(), to);
  }
  return text;
}

Result<EleccionConfig> Small(std::vector<std::pair<std::string, std::string>> edits = {}) {
  return ParseElectionConfig(Edited("small.toml", std::move(edits)), "small.toml");
}
Result<EleccionConfig> Minimal(std::vector<std::pair<std::string, std::string>> edits = {}) {
  return ParseElectionConfig(Edited("minimal.toml", std::move(edits)), "minimal.toml");
}

std::vector<std::string> ColumnNames(const domain::Catalogo& c) {
  std::vector<std::string> out;
  for (const auto& col : c.columns) out.push_back(col.name);
  return out;
}

// Expects exactly one error, equal to `expected`.
#define EXPECT_ONLY_ERROR(result, expected) \
  EXPECT_EQ(Errors(result), std::vector<std::string>{expected})

// Expects exactly one error, starting with `prefix`.
#define EXPECT_ONLY_ERROR_PREFIX(result, prefix)                        \
  do {                                                                  \
    const std::vector<std::string> errors_ = Errors(result);            \
    ASSERT_EQ(errors_.size(), 1u) << ::testing::PrintToString(errors_); \
    EXPECT_EQ(errors_[0].rfind(prefix, 0), 0u) << errors_[0];           \
  } while (0)

// --- The Coahuila 2020 example ----------------------------------------------

class CoahuilaExample : public ::testing::Test {
 protected:
  // Read once for the suite: 3,828 casillas.
  static void SetUpTestSuite() {
    auto r = ReadElectionConfig((SourceRoot() / "examples" / "coahuila2020.toml").string());
    ASSERT_TRUE(r.ok()) << r.status().message();
    config_ = std::make_unique<EleccionConfig>(std::move(r).value());
  }
  static void TearDownTestSuite() { config_.reset(); }
  void SetUp() override { ASSERT_NE(config_, nullptr); }
  static const EleccionConfig& config() { return *config_; }

 private:
  static inline std::unique_ptr<EleccionConfig> config_;
};

TEST_F(CoahuilaExample, HasTheTotalsOfSpec91) {
  const domain::Catalogo& c = config().catalogo;
  EXPECT_EQ(c.entidad_id, 5);
  EXPECT_EQ(c.entidad_nombre, "COAHUILA");
  EXPECT_EQ(config().entidad_siglas, "COAH");
  EXPECT_EQ(c.eleccion, "DIPUTACIONES LOCALES");
  EXPECT_EQ(config().clave_eleccion, "DIP_LOC");
  ASSERT_EQ(c.distritos.size(), 16u);
  for (size_t i = 0; i < c.distritos.size(); ++i) {
    EXPECT_EQ(c.distritos[i].id, static_cast<int>(i) + 1);
    EXPECT_FALSE(c.distritos[i].cabecera.empty());
  }
  EXPECT_EQ(c.casillas.size(), 3828u);
  EXPECT_EQ(config().casillas_archivo, "coahuila2020_casillas.csv");
  int64_t lista_nominal = 0;
  int especiales = 0;
  std::set<int> distritos;
  for (const domain::Casilla& casilla : c.casillas) {
    lista_nominal += casilla.lista_nominal;
    distritos.insert(casilla.distrito);
    EXPECT_EQ(casilla.id.entidad, 5);
    EXPECT_EQ(casilla.id.Clave().substr(0, 2), "05");
    if (casilla.IsEspecial()) {
      ++especiales;
      EXPECT_EQ(casilla.lista_nominal, 0);
      EXPECT_EQ(casilla.boletas_especial, 750);
    } else {
      EXPECT_FALSE(casilla.boletas_especial.has_value());
    }
  }
  EXPECT_EQ(especiales, 13);
  EXPECT_EQ(lista_nominal, 2'220'746);
  EXPECT_EQ(distritos.size(), 16u);
}

TEST_F(CoahuilaExample, DerivesOneMrActaPerCasillaAndAnRpActaPerEspecial) {
  const domain::Catalogo& c = config().catalogo;
  ASSERT_EQ(c.actas.size(), 3841u);
  int rp = 0;
  for (size_t i = 0; i < c.actas.size(); ++i) {
    const domain::Acta& acta = c.actas[i];
    const domain::Casilla& casilla = c.casillas[acta.casilla_index];
    EXPECT_EQ(acta.id.casilla, casilla.id);
    if (acta.kind == domain::ActaKind::kRepresentacionProporcional) {
      ++rp;
      EXPECT_TRUE(casilla.IsEspecial());
      EXPECT_EQ(acta.id.tipo_acta, "3");
    } else {
      EXPECT_EQ(acta.id.tipo_acta, "2");
    }
    // The index is built: every acta is found by its CLAVE_ACTA.
    EXPECT_EQ(c.FindActa(acta.id.Clave()), i);
  }
  EXPECT_EQ(rp, 13);
  EXPECT_FALSE(c.FindActa("050001B010009").has_value());
}

TEST_F(CoahuilaExample, AcuerdosAreInUtc) {
  const Acuerdos& a = config().acuerdos;
  // 2020-10-18 18:00 at UTC-5 is 23:00 UTC: 1603062000 s since the epoch.
  EXPECT_EQ(a.inicio_publicacion_utc_ms, int64_t{1603062000} * 1000);
  EXPECT_EQ(a.offset_minutos, -300);
  EXPECT_EQ(a.ultima_actualizacion_utc_ms, int64_t{1603148400} * 1000);
  EXPECT_EQ(a.ultima_actualizacion_utc_ms - a.inicio_publicacion_utc_ms, 24 * 3600 * 1000);
  EXPECT_EQ(a.actualizaciones_datos_por_hora, 3);
  EXPECT_EQ(a.actualizaciones_bd_por_hora, 3);
}

TEST_F(CoahuilaExample, VoteColumnsArePartidosThenIndependientes) {
  const domain::Catalogo& c = config().catalogo;
  EXPECT_TRUE(c.coaliciones.empty());
  // Distrito 8 has two candidaturas independientes: CAND_IND_1 and CAND_IND_2.
  EXPECT_EQ(ColumnNames(c),
            (std::vector<std::string>{"PAN", "PRI", "PRD", "PT", "PVEM", "UDC", "MC", "MORENA",
                                      "PRC", "PEZ", "UNIDOS", "CAND_IND_1", "CAND_IND_2",
                                      "NO_REGISTRADOS", "NULOS"}));
  EXPECT_EQ(c.partidos.size(), 11u);
  EXPECT_EQ(c.partidos[9].nombre, "Partido Emiliano Zapata la Tierra y su Producto");
  ASSERT_EQ(c.candidaturas_independientes.size(), 4u);
  EXPECT_EQ(c.candidaturas_independientes[1].distrito, 8);
}

TEST_F(CoahuilaExample, SedesAndSettings) {
  int catd = 0;
  int ccv = 0;
  std::set<int> distritos;
  for (const Sede& s : config().sedes) {
    if (s.tipo == "CATD") {
      ++catd;
      distritos.insert(s.distrito);
    } else {
      ++ccv;
      EXPECT_EQ(s.distrito, 0);
    }
  }
  EXPECT_EQ(catd, 16);
  EXPECT_EQ(ccv, 2);
  EXPECT_EQ(distritos.size(), 16u);
  EXPECT_EQ(config().participacion, domain::Participacion::kAnexo13);
  EXPECT_EQ(config().inconsistencias, domain::LeemeInconsistencias());
  EXPECT_EQ(config().desempate, DesempateCaptura::kVerificador);
  EXPECT_FALSE(config().clasificador.mixto_ilegible_sin_dato_contabiliza);
}

// --- Valid configs --------------------------------------------------------

TEST(ElectionConfig, MinimalConfigTakesTheDefaults) {
  auto r = ReadElectionConfig((ConfigDir() / "minimal.toml").string());
  ASSERT_TRUE(r.ok()) << r.status().message();
  const EleccionConfig& c = *r;
  EXPECT_EQ(ColumnNames(c.catalogo), (std::vector<std::string>{"PRI", "NO_REGISTRADOS", "NULOS"}));
  ASSERT_EQ(c.catalogo.casillas.size(), 1u);
  EXPECT_EQ(c.catalogo.casillas[0].id.Clave(), "050001B0100");
  EXPECT_EQ(c.catalogo.casillas[0].ubicacion, 1);
  EXPECT_EQ(c.catalogo.casillas[0].representantes.Total(), 0);
  ASSERT_EQ(c.catalogo.actas.size(), 1u);
  EXPECT_EQ(c.catalogo.FindActa("050001B01002"), 0u);
  EXPECT_EQ(c.tipo_acta_mr, "2");
  EXPECT_EQ(c.tipo_acta_rp, "3");
  EXPECT_EQ(c.participacion, domain::Participacion::kAnexo13);
  EXPECT_EQ(c.inconsistencias, domain::LeemeInconsistencias());
  EXPECT_EQ(c.desempate, DesempateCaptura::kVerificador);
  EXPECT_TRUE(c.candidaturas.empty());
  EXPECT_TRUE(c.casillas_archivo.empty());
}

TEST(ElectionConfig, SmallConfigUsesEveryPartOfTheSchema) {
  auto r = Small();
  ASSERT_TRUE(r.ok()) << r.status().message();
  const EleccionConfig& c = *r;
  EXPECT_EQ(ColumnNames(c.catalogo),
            (std::vector<std::string>{"PAN", "PRI", "PRD", "MC", "C_PAN_PRD_MC", "C_PAN_PRD",
                                      "C_PAN_MC", "C_PRD_MC", "CAND_IND_1", "CAND_IND_2",
                                      "NO_REGISTRADOS", "NULOS"}));
  ASSERT_EQ(c.catalogo.coaliciones.size(), 1u);
  EXPECT_EQ(c.catalogo.coaliciones[0].partidos, (std::vector<std::string>{"PAN", "PRD", "MC"}));
  ASSERT_EQ(c.candidaturas.size(), 6u);
  EXPECT_EQ(c.candidaturas[0].coalicion, "Alianza Ejemplo");
  EXPECT_EQ(c.candidaturas[0].suplente, "Persona Dos");
  EXPECT_EQ(c.candidaturas[1].partido, "PRI");
  EXPECT_TRUE(c.candidaturas[2].independiente);
  ASSERT_EQ(c.catalogo.candidaturas_independientes.size(), 3u);
  EXPECT_EQ(c.catalogo.candidaturas_independientes[2].nombre, "Persona Siete");
  EXPECT_EQ(c.catalogo.candidaturas_independientes[2].distrito, 2);

  // 7 casillas, one especial: 8 actas.
  ASSERT_EQ(c.catalogo.casillas.size(), 7u);
  EXPECT_EQ(c.catalogo.casillas[0].representantes.Total(), 2);
  EXPECT_EQ(c.catalogo.casillas[1].id.Clave(), "050001C0100");
  EXPECT_EQ(c.catalogo.casillas[3].id.Clave(), "050002E0100");
  EXPECT_EQ(c.catalogo.casillas[4].id.Clave(), "050002E0101");
  EXPECT_EQ(c.catalogo.casillas[4].ubicacion, 2);
  EXPECT_EQ(c.catalogo.casillas[6].municipio, 25);
  ASSERT_EQ(c.catalogo.actas.size(), 8u);
  EXPECT_EQ(c.catalogo.FindActa("050001S01003"), 6u);
  EXPECT_EQ(c.catalogo.actas[6].kind, domain::ActaKind::kRepresentacionProporcional);

  // 19:30 at UTC-5 is 00:30 UTC of the 19th.
  EXPECT_EQ(c.acuerdos.inicio_publicacion_utc_ms, int64_t{1603067400} * 1000);
  EXPECT_EQ(c.acuerdos.actualizaciones_datos_por_hora, 4);

  EXPECT_EQ(c.participacion, domain::Participacion::kSinCasillasEspeciales);
  EXPECT_EQ(c.inconsistencias, domain::PublishedInconsistencias());
  EXPECT_TRUE(c.clasificador.mixto_ilegible_sin_dato_contabiliza);
  EXPECT_EQ(c.desempate, DesempateCaptura::kTerceraCaptura);
  ASSERT_EQ(c.sedes.size(), 3u);
  EXPECT_EQ(c.sedes[1].distrito, 2);
  EXPECT_EQ(c.sedes[2].tipo, "CCV");
  EXPECT_EQ(c.sedes[2].distrito, 0);
}

TEST(ElectionConfig, RpActasCanBeTurnedOffAndTipoActaChanged) {
  auto r = Small({{"tipo_acta_rp = \"3\"", "acta_rp_casillas_especiales = false"},
                  {"tipo_acta_mr = \"2\"", "tipo_acta_mr = \"05\""}});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->catalogo.actas.size(), 7u);
  EXPECT_EQ(r->catalogo.FindActa("050001S010005"), 5u);
}

TEST(ElectionConfig, LastUpdateIsComparedInUtcAcrossOffsets) {
  // Exactly 24 h after 19:30 at UTC-5, written in UTC.
  auto r = Small({{"ultima_actualizacion = 2020-10-19T12:00:00-05:00",
                   "ultima_actualizacion = 2020-10-20T00:30:00Z"}});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->acuerdos.offset_minutos, -300);
}

TEST(ElectionConfig, CasillasFromASpreadsheetCsv) {
  // ';' separator, UTF-8 BOM, CRLF, LEEME column names, a blank line, empty
  // optional cells and a lower-case tipo.
  auto r = ReadElectionConfig((ConfigDir() / "csv.toml").string());
  ASSERT_TRUE(r.ok()) << r.status().message();
  const auto& casillas = r->catalogo.casillas;
  ASSERT_EQ(casillas.size(), 5u);
  EXPECT_EQ(r->casillas_archivo, "csv_casillas.csv");
  EXPECT_EQ(casillas[0].id.Clave(), "050010B0100");
  EXPECT_EQ(casillas[0].representantes.Total(), 3);
  EXPECT_EQ(casillas[1].id.Clave(), "050010C0100");
  EXPECT_EQ(casillas[2].id.Clave(), "050011B0100");
  EXPECT_EQ(casillas[2].ubicacion, 2);
  EXPECT_EQ(casillas[3].boletas_especial, 750);
  EXPECT_EQ(casillas[4].distrito, 2);
  EXPECT_EQ(casillas[4].municipio, 28);
  EXPECT_EQ(r->catalogo.actas.size(), 6u);
  EXPECT_EQ(r->acuerdos.inicio_publicacion_utc_ms, int64_t{1603062000} * 1000);
}

TEST(ElectionConfig, Windows1252ConfigIsDecoded) {
  std::string text = ReadText(ConfigDir() / "minimal.toml");
  const std::string utf8 =
      "Acu\xC3\xB1"
      "a";
  for (size_t at; (at = text.find(utf8)) != std::string::npos;) {
    text.replace(at, utf8.size(),
                 "Acu\xF1"
                 "a");
  }
  auto r = ParseElectionConfig(text, "minimal.toml");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->catalogo.distritos[0].cabecera, utf8);
}

// --- One test per rule ----------------------------------------------------

TEST(Acuerdos, DataUpdatesBelowThree) {
  EXPECT_ONLY_ERROR(
      Small({{"actualizaciones_datos_por_hora = 4", "actualizaciones_datos_por_hora = 2"}}),
      "small.toml:acuerdos.actualizaciones_datos_por_hora: 2 is below the minimum of "
      "3 (Anexo 13: at least three per hour)");
}

TEST(Acuerdos, DatabaseUpdatesBelowThree) {
  EXPECT_ONLY_ERROR(Small({{"actualizaciones_bd_por_hora = 3", "actualizaciones_bd_por_hora = 1"}}),
                    "small.toml:acuerdos.actualizaciones_bd_por_hora: 1 is below the minimum of 3 "
                    "(Anexo 13: at least three per hour)");
}

TEST(Acuerdos, UpdatesAboveOnePerMinute) {
  EXPECT_ONLY_ERROR(
      Small({{"actualizaciones_bd_por_hora = 3", "actualizaciones_bd_por_hora = 61"}}),
      "small.toml:acuerdos.actualizaciones_bd_por_hora: 61 is above the maximum of "
      "60 (one a minute)");
}

TEST(Acuerdos, LastUpdateMoreThan24HoursAfterTheStart) {
  EXPECT_ONLY_ERROR(Small({{"ultima_actualizacion = 2020-10-19T12:00:00-05:00",
                            "ultima_actualizacion = 2020-10-19T20:00:00-05:00"}}),
                    "small.toml:acuerdos.ultima_actualizacion: is 24 h 30 min after "
                    "inicio_publicacion; the PREP publishes for at most 24 h from its start "
                    "(Reglamento de Elecciones)");
}

TEST(Acuerdos, LastUpdateNotAfterTheStart) {
  EXPECT_ONLY_ERROR(Small({{"ultima_actualizacion = 2020-10-19T12:00:00-05:00",
                            "ultima_actualizacion = 2020-10-18T19:30:00-05:00"}}),
                    "small.toml:acuerdos.ultima_actualizacion: is not after inicio_publicacion");
}

TEST(Acuerdos, StartOutsideEighteenToTwentyLocal) {
  EXPECT_ONLY_ERROR(Small({{"inicio_publicacion = 2020-10-18T19:30:00-05:00",
                            "inicio_publicacion = 2020-10-18T21:00:00-05:00"}}),
                    "small.toml:acuerdos.inicio_publicacion: starts at 21:00 local time; a local "
                    "election's PREP starts publishing between 18:00 and 20:00 local time "
                    "(Reglamento de Elecciones)");
  // 20:00 itself is allowed; 20:00 at UTC-6 is 20:00 local too.
  EXPECT_TRUE(Small({{"inicio_publicacion = 2020-10-18T19:30:00-05:00",
                      "inicio_publicacion = 2020-10-18T20:00:00-06:00"}})
                  .ok());
}

TEST(Acuerdos, StartWithoutUtcOffset) {
  EXPECT_ONLY_ERROR(Small({{"inicio_publicacion = 2020-10-18T19:30:00-05:00",
                            "inicio_publicacion = 2020-10-18T19:30:00"}}),
                    "small.toml:acuerdos.inicio_publicacion: has no UTC offset; write the local "
                    "time with its offset, e.g. 2020-10-18T18:00:00-05:00 for 18:00 at UTC-5");
}

TEST(Acuerdos, StartAsQuotedText) {
  EXPECT_ONLY_ERROR_PREFIX(Small({{"inicio_publicacion = 2020-10-18T19:30:00-05:00",
                                   "inicio_publicacion = \"2020-10-18 19:30\""}}),
                           "small.toml:acuerdos.inicio_publicacion: expected a date-time with its "
                           "UTC offset");
}

TEST(Casillas, NegativeListaNominal) {
  EXPECT_ONLY_ERROR(
      Small({{"id_casilla = 1, lista_nominal = 611", "id_casilla = 1, lista_nominal = -4"}}),
      "small.toml:casillas.lista[2].lista_nominal: -4 is negative");
}

TEST(Casillas, DuplicateIdentification) {
  EXPECT_ONLY_ERROR(Small({{"tipo = \"C\", id_casilla = 1", "tipo = \"B\", id_casilla = 1"}}),
                    "small.toml:casillas.lista[2]: casilla 050001B0100 is listed twice (first at "
                    "casillas.lista[1])");
}

TEST(Casillas, UnknownDistrito) {
  EXPECT_ONLY_ERROR(Small({{"distrito = 2, municipio = 25", "distrito = 3, municipio = 25"}}),
                    "small.toml:casillas.lista[7].distrito: distrito 3 is not in distritos");
}

TEST(Casillas, UnknownTipo) {
  EXPECT_ONLY_ERROR(
      Small({{"tipo = \"E\", lista_nominal = 150", "tipo = \"X\", lista_nominal = 150"}}),
      "small.toml:casillas.lista[4].tipo: unknown tipo de casilla \"X\" (B básica, C "
      "contigua, E extraordinaria, S especial, M mesa de voto en el extranjero, P/V "
      "prisión preventiva, A voto anticipado)");
}

TEST(Casillas, EspecialNeedsBoletas) {
  EXPECT_ONLY_ERROR(
      Small({{"lista_nominal = 0, boletas = 750", "lista_nominal = 0"}}),
      "small.toml:casillas.lista[6].boletas: is missing: a casilla especial needs the "
      "number of boletas approved for it (its excede-lista-nominal limit)");
}

TEST(Casillas, EspecialHasNoListaNominal) {
  EXPECT_ONLY_ERROR(
      Small({{"lista_nominal = 0, boletas = 750", "lista_nominal = 20, boletas = 750"}}),
      "small.toml:casillas.lista[6].lista_nominal: 20 but a casilla especial has no "
      "lista nominal (write 0; its limit is its boletas)");
}

TEST(Casillas, BoletasOnlyForEspeciales) {
  EXPECT_ONLY_ERROR(
      Small({{"lista_nominal = 500 }", "lista_nominal = 500, boletas = 500 }"}}),
      "small.toml:casillas.lista[7].boletas: 500 but only a casilla especial (tipo S) "
      "has boletas here; leave it empty");
}

TEST(Casillas, SeccionInTwoDistritos) {
  EXPECT_ONLY_ERROR(Small({{"seccion = 3, tipo = \"B\"", "seccion = 2, tipo = \"C\""}}),
                    "small.toml:casillas.lista[7].distrito: sección 2 is in distrito 2 here but in "
                    "distrito 1 at casillas.lista[3]");
}

TEST(Casillas, ExtContiguaOnlyForExtraordinarias) {
  EXPECT_ONLY_ERROR(
      Small({{"tipo = \"B\", ubicacion = 2", "tipo = \"B\", ext_contigua = 1, ubicacion = 2"}}),
      "small.toml:casillas.lista[3].ext_contigua: 1 but only an extraordinaria has "
      "contiguas of its own (ext_contigua 0)");
}

TEST(Casillas, FieldsWithinTheirRanges) {
  EXPECT_ONLY_ERROR(
      Small({{"seccion = 3", "seccion = 10000"}}),
      "small.toml:casillas.lista[7].seccion: 10000 is above the maximum of 9999 (four "
      "digits in CLAVE_CASILLA)");
  EXPECT_ONLY_ERROR(Small({{"seccion = 3", "seccion = 3, ubicacion = 3"}}),
                    "small.toml:casillas.lista[7].ubicacion: 3 is above the maximum of 2 (1 "
                    "urbana, 2 no urbana)");
  EXPECT_ONLY_ERROR(Small({{"tipo = \"C\", id_casilla = 1", "tipo = \"C\", id_casilla = 0"}}),
                    "small.toml:casillas.lista[2].id_casilla: 0 is below the minimum of 1 (two "
                    "digits in CLAVE_CASILLA)");
}

TEST(Casillas, WrongTypeInARow) {
  EXPECT_ONLY_ERROR(Small({{"seccion = 3", "seccion = \"3\""}}),
                    "small.toml:casillas.lista[7].seccion: expected a whole number, got \"3\"");
}

TEST(Casillas, ArchivoOrListaNotBoth) {
  EXPECT_ONLY_ERROR(Small({{"[casillas]\n", "[casillas]\narchivo = \"csv_casillas.csv\"\n"}}),
                    "small.toml:casillas: give either archivo = \"casillas.csv\" (a CSV file next "
                    "to this one) or lista = [ { ... }, ... ], not both and not neither");
}

TEST(Casillas, EmptyLista) {
  EXPECT_ONLY_ERROR(Minimal({{"{ distrito = 1, municipio = 2, seccion = 1, tipo = \"B\", "
                              "lista_nominal = 612 },",
                              ""}}),
                    "minimal.toml:casillas.lista: is empty: no casillas");
}

TEST(Casillas, ArchivoMustStayInTheConfigFolder) {
  EXPECT_ONLY_ERROR(Minimal({{"lista = [\n  { distrito = 1, municipio = 2, seccion = 1, tipo = "
                              "\"B\", lista_nominal = 612 },\n]",
                              "archivo = \"../casillas.csv\""}}),
                    "minimal.toml:casillas.archivo: \"../casillas.csv\" must be a path relative to "
                    "this file's folder, inside it (e.g. \"casillas.csv\")");
}

TEST(Casillas, MissingCsvFile) {
  auto r = ParseElectionConfig(Edited("csv.toml", {{"csv_casillas.csv", "no_such.csv"}}),
                               (ConfigDir() / "csv.toml").string());
  EXPECT_ONLY_ERROR_PREFIX(r,
                           "csv.toml:casillas.archivo: cannot read the casillas file: no_such.csv: "
                           "cannot read: ");
}

TEST(Distritos, EachNeedsCasillas) {
  EXPECT_ONLY_ERROR(Small({{"{ id = 2, cabecera = \"Piedras Negras\" },",
                            "{ id = 2, cabecera = \"Piedras Negras\" },\n  { id = 3, cabecera = "
                            "\"Sabinas\" },"}}),
                    "small.toml:distritos[3]: distrito 3 has no casillas");
}

TEST(Distritos, DuplicateId) {
  EXPECT_ONLY_ERROR(
      Minimal({{"[[sedes]]", "[[distritos]]\nid = 1\ncabecera = \"Otra\"\n\n[[sedes]]"}}),
      "minimal.toml:distritos[2].id: duplicate distrito 1 (first at distritos[1].id)");
}

TEST(Partidos, DuplicateSiglasIgnoringCase) {
  EXPECT_ONLY_ERROR(
      Minimal({{"[[distritos]]",
                "[[partidos]]\nsiglas = \"pri\"\nnombre = \"Otro\"\n\n[[distritos]]"}}),
      "minimal.toml:partidos[2].siglas: duplicate partido \"pri\" (first at "
      "partidos[1].siglas)");
}

TEST(Partidos, SiglasThatNameAnotherKindOfColumn) {
  EXPECT_ONLY_ERROR(Minimal({{"siglas = \"PRI\"", "siglas = \"NULOS\""}}),
                    "minimal.toml:partidos[1].siglas: \"NULOS\" would be read as a coalition, "
                    "candidatura independiente, no registrados or nulos column");
  EXPECT_ONLY_ERROR(Minimal({{"siglas = \"PRI\"", "siglas = \"P-RI\""}}),
                    "minimal.toml:partidos[1].siglas: \"P-RI\" must be letters, digits and '_' "
                    "only: it is the name of a vote column");
}

TEST(Partidos, AtLeastOne) {
  auto r =
      Minimal({{"[[partidos]]\nsiglas = \"PRI\"\nnombre = \"Partido Revolucionario "
                "Institucional\"\n",
                ""}});
  EXPECT_ONLY_ERROR(r, "minimal.toml:partidos: is missing");
}

TEST(Coaliciones, UnknownPartido) {
  EXPECT_ONLY_ERROR(Small({{"[\"PAN\", \"PRD\", \"MC\"]", "[\"PAN\", \"PRD\", \"PT\"]"}}),
                    "small.toml:coaliciones[1].partidos[3]: unknown partido \"PT\" (not in "
                    "partidos)");
}

TEST(Coaliciones, NeedTwoPartidos) {
  EXPECT_ONLY_ERROR(Small({{"[\"PAN\", \"PRD\", \"MC\"]", "[\"PAN\"]"}}),
                    "small.toml:coaliciones[1].partidos: a coalición needs at least two partidos");
}

TEST(Coaliciones, APartidoInOneCoalicionOnly) {
  EXPECT_ONLY_ERROR(Small({{"partidos = [\"PAN\", \"PRD\", \"MC\"] },",
                            "partidos = [\"PAN\", \"PRD\", \"MC\"] },\n  { nombre = \"Otra\", "
                            "partidos = [\"PRI\", \"PRD\"] },"}}),
                    "small.toml:coaliciones[2].partidos[2]: partido \"PRD\" is already in the "
                    "coalición at coaliciones[1]");
}

TEST(Candidaturas, UnknownPartido) {
  EXPECT_ONLY_ERROR(Small({{"partido = \"PAN\", propietario", "partido = \"PT\", propietario"}}),
                    "small.toml:candidaturas[5].partido: unknown partido \"PT\" (not in partidos)");
}

TEST(Candidaturas, ExactlyOnePostulante) {
  EXPECT_ONLY_ERROR(Small({{"partido = \"PAN\", propietario",
                            "partido = \"PAN\", independiente = true, propietario"}}),
                    "small.toml:candidaturas[5]: give exactly one of partido = \"SIGLAS\", "
                    "coalicion = \"Nombre\" or independiente = true");
}

TEST(Candidaturas, APartidoPostulatesOncePerDistrito) {
  // PRD is in the coalición that already postulates in distrito 1.
  EXPECT_ONLY_ERROR(Small({{"partido = \"PRI\", propietario", "partido = \"PRD\", propietario"}}),
                    "small.toml:candidaturas[2]: partido \"PRD\" already has a candidatura in "
                    "distrito 1 (at candidaturas[1])");
}

TEST(Sedes, UnknownTipo) {
  EXPECT_ONLY_ERROR(Small({{"tipo = \"CCV\"", "tipo = \"CCT\""}}),
                    "small.toml:sedes[3].tipo: unknown value \"CCT\" (one of: \"CATD\", \"CCV\")");
}

TEST(Sedes, CatdInAnUnknownDistrito) {
  EXPECT_ONLY_ERROR(Small({{"tipo = \"CATD\", distrito = 2", "tipo = \"CATD\", distrito = 7"}}),
                    "small.toml:sedes[2].distrito: distrito 7 is not in distritos");
}

TEST(Sedes, DuplicateId) {
  EXPECT_ONLY_ERROR(Small({{"id = \"CCV1\"", "id = \"CATD01\""}}),
                    "small.toml:sedes[3].id: duplicate sede \"CATD01\" (first at sedes[1].id)");
}

TEST(Sedes, AtLeastOneCatd) {
  EXPECT_EQ(Errors(Minimal({{"tipo = \"CATD\"", "tipo = \"CCV\""}})),
            (std::vector<std::string>{
                "minimal.toml:sedes[1].distrito: 1 but a CCV serves the whole entidad; leave "
                "distrito out",
                "minimal.toml:sedes: no CATD: actas are received (acopio) at a CATD; list at "
                "least one"}));
}

TEST(Ajustes, UnknownValue) {
  EXPECT_ONLY_ERROR(Small({{"\"sin_casillas_especiales\"", "\"sin_especiales\""}}),
                    "small.toml:ajustes.participacion: unknown value \"sin_especiales\" (one of: "
                    "\"anexo13\", \"sin_casillas_especiales\")");
}

TEST(Eleccion, TipoActaRpDiffersFromMr) {
  EXPECT_ONLY_ERROR(Small({{"tipo_acta_rp = \"3\"", "tipo_acta_rp = \"2\""}}),
                    "small.toml:eleccion.tipo_acta_rp: \"2\" is also tipo_acta_mr; the two actas "
                    "of a casilla especial need different TIPO_ACTA");
}

TEST(Eleccion, ClaveInCapitals) {
  EXPECT_ONLY_ERROR(Minimal({{"clave = \"DIP_LOC\"", "clave = \"dip loc\""}}),
                    "minimal.toml:eleccion.clave: \"dip loc\" must be capital letters, digits and "
                    "'_' (e.g. DIP_LOC): it names the published files");
}

TEST(Entidad, IdBetweenOneAndThirtyTwo) {
  EXPECT_ONLY_ERROR(Minimal({{"id = 5", "id = 33"}}),
                    "minimal.toml:entidad.id: 33 is above the maximum of 32 (the INE number of the "
                    "entidad, 1 to 32)");
}

TEST(Schema, WrongType) {
  EXPECT_ONLY_ERROR(Minimal({{"id = 5", "id = \"5\""}}),
                    "minimal.toml:entidad.id: expected a whole number, got \"5\"");
}

TEST(Schema, MissingSection) {
  EXPECT_ONLY_ERROR(
      Minimal({{"[eleccion]\nnombre = \"DIPUTACIONES LOCALES\"\nclave = \"DIP_LOC\"\n", ""}}),
      "minimal.toml:eleccion: is missing");
}

TEST(Schema, MisspeltKey) {
  EXPECT_EQ(Errors(Small({{"actualizaciones_bd_por_hora = 3", "actualizaciones_bd_hora = 3"}})),
            (std::vector<std::string>{
                "small.toml:acuerdos.actualizaciones_bd_por_hora: is missing",
                "small.toml:acuerdos.actualizaciones_bd_hora: unknown key (known here: "
                "actualizaciones_bd_por_hora, actualizaciones_datos_por_hora, inicio_publicacion, "
                "ultima_actualizacion)"}));
}

TEST(Schema, ListWrittenUnderATableHeader) {
  // The TOML trap: after [casillas], `coaliciones = [...]` is casillas.coaliciones.
  EXPECT_ONLY_ERROR(
      Minimal({{"lista_nominal = 612 },\n]", "lista_nominal = 612 },\n]\ncoaliciones = []"}}),
      "minimal.toml:casillas.coaliciones: unknown key: written after the [casillas] "
      "header, it belongs to casillas; move it above the first [table] header");
}

TEST(Schema, ListWrittenUnderAnArrayHeader) {
  EXPECT_ONLY_ERROR(Minimal({{"distrito = 1\n", "distrito = 1\ncoaliciones = []\n"}}),
                    "minimal.toml:sedes[1].coaliciones: unknown key: written after the [[sedes]] "
                    "header, it belongs to sedes[1]; move it above the first [table] header");
}

TEST(Syntax, ErrorGivesItsLine) {
  auto r = Minimal({{"actualizaciones_bd_por_hora = 3", "actualizaciones_bd_por_hora = "}});
  EXPECT_ONLY_ERROR(r,
                    "minimal.toml:14: TOML syntax error: missing value after key-value separator "
                    "'=' (expected value, but got nothing)");
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST(Syntax, DuplicateKeyGivesTheSecondLine) {
  EXPECT_ONLY_ERROR_PREFIX(Minimal({{"siglas = \"COAH\"", "siglas = \"COAH\"\nid = 6"}}),
                           "minimal.toml:6: TOML syntax error: ");
}

TEST(Syntax, NotTextAtAll) {
  auto r = ParseElectionConfig(std::string("a = 1\n\0\x01\x02", 9), "bin.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind("bin.toml:", 0), 0u) << r.status().message();
}

// --- CSV errors --------------------------------------------------------------

TEST(CasillasCsv, EveryBadRowWithFileAndLine) {
  auto r = ReadElectionConfig((ConfigDir() / "bad_csv.toml").string());
  EXPECT_EQ(Errors(r),
            (std::vector<std::string>{
                "bad_casillas.csv:3: lista_nominal: -4 is negative",
                "bad_casillas.csv:4: tipo: unknown tipo de casilla \"X\" (B básica, C contigua, E "
                "extraordinaria, S especial, M mesa de voto en el extranjero, P/V prisión "
                "preventiva, A voto anticipado)",
                "bad_casillas.csv:5: casilla 050010B0100 is listed twice (first at line 2)",
                "bad_casillas.csv:6: distrito: distrito 9 is not in distritos",
                "bad_casillas.csv:7: lista_nominal: \"doce\" is not a whole number",
                "bad_casillas.csv:8: boletas: is missing: a casilla especial needs the number of "
                "boletas approved for it (its excede-lista-nominal limit)",
                "bad_casillas.csv:9: boletas: 750 but only a casilla especial (tipo S) has boletas "
                "here; leave it empty",
                "bad_casillas.csv:10: has 7 fields but the header has 10"}));
}

TEST(CasillasCsv, UnknownAndMissingColumns) {
  auto r = ReadElectionConfig((ConfigDir() / "unknown_column.toml").string());
  EXPECT_EQ(Errors(r),
            (std::vector<std::string>{
                "unknown_column.csv:1: unknown column \"lista_nominl\" (the columns are distrito, "
                "municipio, seccion, tipo, id_casilla, ext_contigua, ubicacion, lista_nominal, "
                "representantes, boletas; remove any other)",
                "unknown_column.csv:1: missing column lista_nominal"}));
}

// --- All errors at once -------------------------------------------------------

TEST(ElectionConfig, ReportsEveryErrorWithFileAndKey) {
  auto r = Small({{"actualizaciones_datos_por_hora = 4", "actualizaciones_datos_por_hora = 2"},
                  {"[\"PAN\", \"PRD\", \"MC\"]", "[\"PAN\", \"PRD\", \"PT\"]"},
                  {"id_casilla = 1, lista_nominal = 611", "id_casilla = 1, lista_nominal = -4"},
                  {"tipo = \"E\", lista_nominal = 150", "tipo = \"X\", lista_nominal = 150"},
                  {"tipo = \"CCV\"", "tipo = \"CCT\""},
                  {"clave = \"DIP_LOC\"", "clave = \"\""}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  const std::vector<std::string> errors = Errors(r);
  const std::vector<std::string> keys = {
      "small.toml:eleccion.clave: is empty",
      "small.toml:acuerdos.actualizaciones_datos_por_hora: 2 is below the minimum of 3",
      "small.toml:coaliciones[1].partidos[3]: unknown partido \"PT\"",
      "small.toml:sedes[3].tipo: unknown value \"CCT\"",
      "small.toml:casillas.lista[2].lista_nominal: -4 is negative",
      "small.toml:casillas.lista[4].tipo: unknown tipo de casilla \"X\"",
  };
  ASSERT_EQ(errors.size(), keys.size()) << r.status().message();
  for (size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(errors[i].rfind(keys[i], 0), 0u) << errors[i];
  }
}

TEST(ElectionConfig, ErrorsPastOneThousandAreCounted) {
  const fs::path dir = fs::temp_directory_path() /
                       ("prep_config_test_" + std::to_string(static_cast<long>(::getpid())));
  fs::create_directories(dir);
  {
    std::ofstream toml(dir / "big.toml");
    toml << Edited("bad_csv.toml", {{"bad_casillas.csv", "big.csv"}});
    std::ofstream csv(dir / "big.csv");
    csv << "distrito,municipio,seccion,tipo,lista_nominal\n";
    for (int s = 1; s <= 1100; ++s) csv << "1,2," << s << ",B,-1\n";
  }
  auto r = ReadElectionConfig((dir / "big.toml").string());
  fs::remove_all(dir);
  ASSERT_FALSE(r.ok());
  const std::vector<std::string> lines = Lines(r.status().message());
  ASSERT_EQ(lines.size(), 1001u);
  EXPECT_EQ(lines.back(), "... and 100 more errors");
}

TEST(ElectionConfig, MissingFileIsNotFound) {
  auto r = ReadElectionConfig((ConfigDir() / "no_such.toml").string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace prep::formats
