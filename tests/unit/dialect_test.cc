// One small election written in every dialect trait listed in
// ../shared/data/README.md; each variant must read back to the same figures.
//
// The election (worked by hand, so the expected values are reasoning, not
// output): contest PAN, PRI, C_PAN_PRI, CAND_IND_1, NO_REGISTRADOS, NULOS.
//   1 050001B0100  100  80  5 10 1 4  = 200  LN 500 rep 4  contabilizada
//   2 050001C0100  ILEG 90  2  8 0 3  = 103  LN 500 rep 4  contabilizada, Ilegible
//   3 050002S0100   30  20  0  - 0 1  =  51  LN 0 (especial)  contabilizada
//   4 050003B0100  sin acta (paquete no entregado)  LN 400   capturada, no contabilizada
//   5 050003C0100  all ILEGIBLE                      LN 400   capturada, no contabilizada
//   6 050004B0100  not captured yet                  LN 300
//   7 fuera de catálogo
// Summary: esperadas 6, registradas 6, fuera 1, capturadas 5, 83.3333 %,
// contabilizadas 3, 50.0000 %, inconsistencias (2 and 5) 2/6 = 33.3333 %, no
// contabilizadas 2, LN 1000, C_CS 354, S_CS 303, participación 354/1000 = 35.4000.
// Columns over contabilizadas: PAN 130, PRI 190, C_PAN_PRI 7, CAND_IND_1 18,
// NO_REGISTRADOS 1, NULOS 8.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "check/check.h"
#include "formats/prep_database.h"

namespace prep::check {
namespace {

using domain::SummaryField;

std::string Wrap(const char* before, const std::string& k, const char* after);

struct Spec {
  std::string encoding = "utf8";  // utf8, bom, latin1
  char d = '|';
  std::string eol = "\n";
  bool sep_line = true;
  bool blank_before_summary = false;
  bool blank_after_summary = true;
  std::string title = "DIPUTACIONES LOCALES";
  std::string corte = "2019/06/03 05:47 (UTC-5)";
  std::vector<std::string> summary_names = {"ACTAS_ESPERADAS",
                                            "ACTAS_REGISTRADAS",
                                            "ACTAS_FUERA_CATALOGO",
                                            "ACTAS_CAPTURADAS",
                                            "PORCENTAJE_ACTAS_CAPTURADAS",
                                            "ACTAS_CONTABILIZADAS",
                                            "PORCENTAJE_ACTAS_CONTABILIZADAS",
                                            "PORCENTAJE_ACTAS_INCONSISTENCIAS",
                                            "ACTAS_NO_CONTABILIZADAS",
                                            "LISTA_NOMINAL_ACTAS_CONTABILIZADAS",
                                            "TOTAL_VOTOS_C_CS",
                                            "TOTAL_VOTOS_S_CS",
                                            "PORCENTAJE_PARTICIPACION_CIUDADANA"};
  std::vector<std::string> summary_values = {"6",   "6",       "1",       "5", "83.3333",
                                             "3",   "50.0000", "33.3333", "2", "1000",
                                             "354", "303",     "35.4000"};
  std::function<std::string(const std::string&)> key = [](const std::string& k) {
    return Wrap("=\"", k, "\"");
  };
  std::string id_prefix;  // "'" for '001-style ids
  std::string estado = "COAHUILA";
  std::string na = "-";
  std::string no_obs;
  std::string ilegible_cell = "ILEGIBLE";
  std::string ilegible_obs = "ALGUN DATO ILEGIBLE O SIN DATO";
  std::string sin_acta_obs = "SIN ACTA POR PAQUETE NO ENTREGADO";
  std::string sin_acta_cell = "0";
  std::string todos_obs = "TODOS ILEGIBLES O SIN DATO";
  std::string not_captured_cell = "-";
  std::string not_captured_contab = "-";
  std::string fuera_contab = "2";
  std::string fuera_key = "-";
  std::string fuera_obs = "FUERA DE CATALOGO";
  std::string total_col = "TOTAL_VOTOS_CALCULADO";
  std::string sha_col = "SHA";
  std::string id_estado_col = "ID_ESTADO";
  std::string estado_col = "ESTADO";
  std::string ci_col = "CAND_IND_1";
  std::string fecha = "2019-06-03 02:45:00";
  std::string digitalizacion = "ESCANER";
  bool trailing_delim = false;
  bool duplicate_first_row = false;
};

// Wraps a key the way publishers protect it from spreadsheets. (Built with +=:
// GCC 12 warns falsely on "lit" + s + "lit" under -O3.)
std::string Wrap(const char* before, const std::string& k, const char* after) {
  std::string out(before);
  out += k;
  out += after;
  return out;
}

std::string ToLatin1(const std::string& utf8) {
  std::string out;
  for (size_t i = 0; i < utf8.size(); ++i) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    if (c == 0xC3 && i + 1 < utf8.size()) {
      out.push_back(static_cast<char>((static_cast<unsigned char>(utf8[++i]) & 0x3F) | 0xC0));
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string Build(const Spec& s) {
  std::string o;
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) o += (i ? std::string(1, s.d) : "") + cells[i];
    if (s.trailing_delim) o += s.d;
    o += s.eol;
  };
  if (s.sep_line) o += std::string("sep=") + s.d + s.eol;
  o += s.title + s.eol + s.corte + s.eol;
  if (s.blank_before_summary) o += s.eol;
  line(s.summary_names);
  line(s.summary_values);
  if (s.blank_after_summary) o += s.eol;
  line({"CLAVE_CASILLA",
        "CLAVE_ACTA",
        s.id_estado_col,
        s.estado_col,
        "ID_DISTRITO",
        "DISTRITO",
        "SECCION",
        "ID_CASILLA",
        "TIPO_CASILLA",
        "EXT_CONTIGUA",
        "UBICACION_CASILLA",
        "TIPO_ACTA",
        "TOTAL_BOLETAS_SOBRANTES",
        "TOTAL_PERSONAS_VOTARON",
        "TOTAL_REP_PARTIDO_CI_VOTARON",
        "TOTAL_VOTOS_SACADOS",
        "PAN",
        "PRI",
        "C_PAN_PRI",
        s.ci_col,
        "NO_REGISTRADOS",
        "NULOS",
        "TOTAL_VOTOS_ASENTADO",
        s.total_col,
        "LISTA_NOMINAL",
        "REPRESENTANTES_PP_CI",
        "OBSERVACIONES",
        "CONTABILIZADA",
        "MECANISMOS_TRASLADO",
        s.sha_col,
        "FECHA_HORA_ACOPIO",
        "FECHA_HORA_CAPTURA",
        "FECHA_HORA_VERIFICACION",
        "ORIGEN",
        "DIGITALIZACION",
        "TIPO_DOCUMENTO"});
  const std::string sha(64, 'a');
  auto acta = [&](const std::string& casilla, int seccion, char tipo,
                  std::vector<std::string> votos, const std::string& total, const std::string& ln,
                  const std::string& rep, const std::string& obs, const std::string& contab) {
    const std::string k_casilla = s.key(casilla);
    const std::string k_acta = s.key(casilla + "02");
    char sec[8];
    std::snprintf(sec, sizeof(sec), "%04d", seccion);
    std::vector<std::string> cells = {k_casilla,
                                      k_acta,
                                      s.id_prefix + "05",
                                      s.estado,
                                      s.id_prefix + "001",
                                      "SALTILLO",
                                      s.id_prefix + sec,
                                      s.id_prefix + "01",
                                      std::string(1, tipo),
                                      "00",
                                      "1",
                                      "2",
                                      "300",
                                      "200",
                                      "4",
                                      "200"};
    for (auto& v : votos) cells.push_back(v);
    for (const std::string& c :
         {total, total, ln, rep, obs, contab, std::string("F"), sha, s.fecha, s.fecha, s.fecha,
          std::string("CATD"), s.digitalizacion, std::string("ACTA PREP")}) {
      cells.push_back(c);
    }
    line(cells);
  };
  acta("050001B0100", 1, 'B', {"100", "80", "5", "10", "1", "4"}, "200", "500", "4", s.no_obs, "1");
  if (s.duplicate_first_row) {
    acta("050001B0100", 1, 'B', {"100", "80", "5", "10", "1", "4"}, "200", "500", "4", s.no_obs,
         "1");
  }
  acta("050001C0100", 1, 'C', {s.ilegible_cell, "90", "2", "8", "0", "3"}, "103", "500", "4",
       s.ilegible_obs, "1");
  acta("050002S0100", 2, 'S', {"30", "20", "0", s.na, "0", "1"}, "51", "0", "6", s.no_obs, "1");
  const std::string sa = s.sin_acta_cell;
  acta("050003B0100", 3, 'B', {sa, sa, sa, sa, sa, sa}, sa, "400", "2", s.sin_acta_obs, "0");
  const std::string il = s.ilegible_cell;
  acta("050003C0100", 3, 'C', {il, il, il, il, il, il}, "0", "400", "2", s.todos_obs, "0");
  const std::string nc = s.not_captured_cell;
  acta("050004B0100", 4, 'B', {nc, nc, nc, nc, nc, nc}, nc, "300", "3", "", s.not_captured_contab);
  // Fuera de catálogo: keys unusable.
  std::vector<std::string> fuera = {s.fuera_key, s.fuera_key, "05", s.estado, "1", "SALTILLO",
                                    "9999",      "1",         "C",  "0",      "1", "2",
                                    "-",         "-",         "-",  "-"};
  for (int i = 0; i < 6; ++i) fuera.push_back("-");
  for (const std::string& c :
       {std::string("-"), std::string("-"), std::string("-"), std::string("-"), s.fuera_obs,
        s.fuera_contab, std::string("-"), std::string("-"), std::string("-"), std::string("-"),
        std::string("-"), std::string("CASILLA"), std::string("MOVIL"), std::string("-")}) {
    fuera.push_back(c);
  }
  line(fuera);
  if (s.encoding == "bom") {
    std::string with_bom = "\xEF\xBB\xBF";
    with_bom += o;
    return with_bom;
  }
  if (s.encoding == "latin1") return ToLatin1(o);
  return o;
}

Result<CheckReport> CheckSpec(const Spec& s, size_t threads = 2) {
  auto db = formats::PrepDatabase::Open("dialect.csv", Build(s));
  if (!db.ok()) return db.status();
  CheckOptions options;
  options.threads = threads;
  return CheckDatabase(**db, options);
}

int64_t Column(const CheckReport& r, const std::string& key) {
  for (const auto& [k, v] : r.columns) {
    if (k == key) return v;
  }
  ADD_FAILURE() << "no column " << key;
  return -1;
}

void ExpectTheElection(const Spec& s) {
  auto r = CheckSpec(s);
  ASSERT_TRUE(r.ok()) << r.status().message() << "\n" << Build(s);
  for (SummaryField f : r->mismatches) ADD_FAILURE() << "mismatch " << domain::SummaryFieldName(f);
  EXPECT_EQ(r->ExitCode(), 0);
  EXPECT_EQ(r->actas.rows, 7);
  EXPECT_EQ(r->actas.catalogue, 6);
  EXPECT_EQ(r->actas.fuera_de_catalogo, 1);
  EXPECT_EQ(r->actas.not_captured, 1);
  EXPECT_EQ(r->actas.capturadas, 5);
  EXPECT_EQ(r->actas.contabilizadas, 3);
  EXPECT_EQ(r->recomputed.Get(SummaryField::kTotalVotosConCasillasEspeciales), 354);
  EXPECT_EQ(r->recomputed.Get(SummaryField::kTotalVotosSinCasillasEspeciales), 303);
  EXPECT_EQ(r->recomputed.Get(SummaryField::kListaNominalActasContabilizadas), 1000);
  EXPECT_EQ(Column(*r, "PAN"), 130);
  EXPECT_EQ(Column(*r, "PRI"), 190);
  EXPECT_EQ(Column(*r, "C_PAN_PRI"), 7);
  EXPECT_EQ(Column(*r, s.ci_col), 18);
  EXPECT_EQ(Column(*r, "NO_REGISTRADOS"), 1);
  EXPECT_EQ(Column(*r, "NULOS"), 8);
  EXPECT_EQ(r->participacion, s.summary_names.size() == 13 ? "C_CS" : "sin dato");
  EXPECT_EQ(r->reclassification.disagree, 0);
  EXPECT_TRUE(r->reclassification.unrecognised_observaciones.empty());
  // The same file read on one thread gives the same report.
  auto one = CheckSpec(s, 1);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->columns, r->columns);
  EXPECT_EQ(one->recomputed, r->recomputed);
}

TEST(Dialect, IeqrooStyleBaseline) {
  Spec s;
  ExpectTheElection(s);
  auto r = CheckSpec(s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->dialect.delimiter, '|');
  EXPECT_TRUE(r->dialect.sep_line);
  EXPECT_EQ(r->dialect.line_ends, "LF");
  EXPECT_EQ(r->dialect.column_header_line, 7u);
  EXPECT_EQ(r->eleccion, "DIPUTACIONES LOCALES");
  EXPECT_EQ(r->corte, "2019/06/03 05:47 (UTC-5)");
}

TEST(Dialect, Utf8BomCommaAndCrOnlyLineEnds) {
  Spec s;
  s.encoding = "bom";
  s.d = ',';
  s.eol = "\r";
  s.sep_line = false;
  s.blank_before_summary = true;
  s.title = "Elección extraordinaria para la Senaduría";
  ExpectTheElection(s);
  auto r = CheckSpec(s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->dialect.line_ends, "CR");
  EXPECT_EQ(r->dialect.encoding, formats::TextEncoding::kUtf8Bom);
  EXPECT_EQ(r->eleccion, "Elección extraordinaria para la Senaduría");
  EXPECT_EQ(r->dialect.column_header_line, 7u);
}

TEST(Dialect, Latin1WithCrlf) {
  Spec s;
  s.encoding = "latin1";
  s.eol = "\r\n";
  s.estado = "MÉXICO";
  s.title = "ELECCIÓN DE DIPUTACIONES";
  ExpectTheElection(s);
  auto r = CheckSpec(s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->dialect.encoding, formats::TextEncoding::kWindows1252);
  EXPECT_EQ(r->eleccion, "ELECCIÓN DE DIPUTACIONES");
}

TEST(Dialect, NoSepLineCommaHeaderOnLineSix) {
  Spec s;  // IEE Puebla 2018
  s.sep_line = false;
  s.d = ',';
  s.corte = "02/07/2018 20:00 (UTC-5)";
  ExpectTheElection(s);
  auto r = CheckSpec(s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->dialect.column_header_line, 6u);
  EXPECT_EQ(r->corte, "02/07/2018 20:00 (UTC-5)");
}

TEST(Dialect, HeaderOnLineEightWithBlankBeforeSummary) {
  Spec s;
  s.blank_before_summary = true;
  s.corte = "3/6/2019 09:15 (UTC-5)";
  ExpectTheElection(s);
  auto r = CheckSpec(s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->dialect.column_header_line, 8u);
  EXPECT_EQ(r->corte, "3/6/2019 09:15 (UTC-5)");
}

TEST(Dialect, NoBlankLineBetweenSummaryAndTable) {
  Spec s;
  s.blank_after_summary = false;
  ExpectTheElection(s);
}

TEST(Dialect, SummaryWithThousandsSeparatorsFloatsAndPercentSigns) {
  Spec s;
  s.d = ',';
  s.sep_line = false;
  s.summary_values = {"6",         "6", "1",         "5",     "'83.3333%", "3",        "'50.0000%",
                      "'33.3333%", "2", "\"1,000\"", "354.0", "303.0",     "'35.4000%"};
  ExpectTheElection(s);
}

TEST(Dialect, FieldNamesThatDifferByYear) {
  Spec s;
  s.summary_names[2] = "ACTAS_FUERA_DE_CATÁLOGO";
  s.summary_names[7] = "PORCENTAJE_ACTAS_CON_INCONSISTENCIAS";
  s.total_col = "TOTAL_VOTOS";
  s.sha_col = "CODIGO_INTEGRIDAD";
  s.id_estado_col = "ID_ENTIDAD";
  s.estado_col = "ENTIDAD";
  ExpectTheElection(s);
}

TEST(Dialect, ProtectedKeysAndIds) {
  for (auto protect : std::vector<std::function<std::string(const std::string&)>>{
           [](const std::string& k) { return Wrap("=\"", k, "\""); },
           [](const std::string& k) { return Wrap("'", k, ""); },
           [](const std::string& k) { return Wrap("'", k, "'"); },
           [](const std::string& k) { return k; }}) {
    Spec s;
    s.key = protect;
    s.id_prefix = "'";
    ExpectTheElection(s);
  }
}

TEST(Dialect, NotApplicableCells) {
  for (const char* na : {"-", "", "N/A"}) {
    Spec s;
    s.na = na;
    ExpectTheElection(s);
  }
}

TEST(Dialect, NoObservationSpellings) {
  for (const char* none : {"", " ", " - "}) {
    Spec s;
    s.no_obs = none;
    ExpectTheElection(s);
  }
}

TEST(Dialect, VoteCellWordsInAnyCase) {
  for (const char* il : {"ILEGIBLE", "Ilegible", "ilegible"}) {
    Spec s;
    s.ilegible_cell = il;
    s.todos_obs = "Todos los campos ilegibles";
    ExpectTheElection(s);
  }
}

TEST(Dialect, SinDatoCellsCountAsZero) {
  Spec s;
  s.ilegible_cell = "Sin dato";
  s.ilegible_obs = "['Sin dato']";
  s.todos_obs = "['Todos los campos vacíos']";
  ExpectTheElection(s);
}

TEST(Dialect, SinActaRowsWithZerosEmptyDashOrWords) {
  for (const char* cell : {"0", "", "-", "SIN ACTA", "Sin Acta"}) {
    Spec s;
    s.sin_acta_cell = cell;
    ExpectTheElection(s);
  }
}

TEST(Dialect, SinActaReasonsAsWordsOrNumbers) {
  for (const char* obs :
       {"SIN ACTA POR PAQUETE NO ENTREGADO", "Sin Acta(1)", "Sin acta(3)", "Sin Acta",
        "SIN ACTA POR CASILLA NO INSTALADA", "SIN ACTA POR CONTINGENCIA EN URNA ELECTRONICA"}) {
    Spec s;
    s.sin_acta_obs = obs;
    ExpectTheElection(s);
  }
}

TEST(Dialect, NotCapturedRowsWithDashOrEmpty) {
  for (const char* cell : {"-", ""}) {
    for (const char* contab : {"-", ""}) {
      Spec s;
      s.not_captured_cell = cell;
      s.not_captured_contab = contab;
      ExpectTheElection(s);
    }
  }
}

TEST(Dialect, FueraDeCatalogoRows) {
  for (const char* contab : {"2", "-"}) {
    for (const char* key : {"-", ""}) {
      Spec s;
      s.fuera_contab = contab;
      s.fuera_key = key;
      s.fuera_obs = "Fuera de Catálogo";
      ExpectTheElection(s);
    }
  }
}

TEST(Dialect, ObservationWrittenAsCommaListOrPythonList) {
  for (const char* obs : {"Ilegible", "Ilegible, Sin dato", "['Ilegible', 'Sin dato']",
                          "ALGUN DATO ILEGIBLE O SIN DATO"}) {
    Spec s;
    s.ilegible_obs = obs;
    ExpectTheElection(s);
  }
}

TEST(Dialect, RepeatedColumnNamesStayApart) {
  Spec s;
  s.ci_col = "PAN";  // a second column named PAN
  auto r = CheckSpec(s);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->ExitCode(), 0);
  EXPECT_EQ(Column(*r, "PAN"), 130);
  EXPECT_EQ(Column(*r, "PAN#2"), 18);
}

TEST(Dialect, TrailingDelimiterOnEveryRow) {
  Spec s;
  s.trailing_delim = true;
  ExpectTheElection(s);
}

TEST(Dialect, SummaryBlockWithoutVoteTotals) {
  Spec s;  // IEEM 2017 style: no LN, C_CS, S_CS nor participation
  s.summary_names.resize(9);
  s.summary_values.resize(9);
  ExpectTheElection(s);
  auto r = CheckSpec(s);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->published.Get(SummaryField::kTotalVotosConCasillasEspeciales).has_value());
}

TEST(Dialect, RepeatedActaKeysAreNeverMerged) {
  Spec s;
  s.duplicate_first_row = true;
  auto r = CheckSpec(s);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->actas.rows, 8);
  EXPECT_EQ(r->recomputed.Get(SummaryField::kActasEsperadas), 7);
  EXPECT_EQ(r->recomputed.Get(SummaryField::kTotalVotosConCasillasEspeciales), 554);
  EXPECT_EQ(Column(*r, "PAN"), 230);
}

TEST(Dialect, DateTimesAndWordCaseVariants) {
  for (const char* fecha :
       {"2019-06-03 02:45:00", "03/06/2019 02:45:00", "03/06/2019 02:45", "N/A"}) {
    Spec s;
    s.fecha = fecha;
    s.digitalizacion = "Escáner";
    ExpectTheElection(s);
  }
}

TEST(Dialect, HeaderThatDisagreesWithItsRowsIsNamed) {
  Spec s;  // Puebla 2018: ACTAS_NO_CONTABILIZADAS one short
  s.summary_values[8] = "1";
  auto r = CheckSpec(s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->ExitCode(), 1);
  ASSERT_EQ(r->mismatches.size(), 1u);
  EXPECT_EQ(r->mismatches[0], SummaryField::kActasNoContabilizadas);
}

TEST(Dialect, PercentageOneStepBelowTrunc4IsAMismatch) {
  Spec s;
  s.summary_values[4] = "83.3332";
  auto r = CheckSpec(s);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->mismatches.size(), 1u);
  EXPECT_EQ(r->mismatches[0], SummaryField::kPorcentajeActasCapturadas);
}

TEST(Dialect, ParticipationConventions) {
  Spec s;
  s.summary_values[12] = "30.3000";  // S_CS, as IEE Puebla 2018
  auto r = CheckSpec(s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->ExitCode(), 0);
  EXPECT_EQ(r->participacion, "S_CS");
  s.summary_values[12] = "30.3001";  // neither
  r = CheckSpec(s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->participacion, "ninguna");
  ASSERT_EQ(r->mismatches.size(), 1u);
  EXPECT_EQ(r->mismatches[0], SummaryField::kPorcentajeParticipacionCiudadana);
}

TEST(Dialect, InconsistencyConventions) {
  Spec s;
  s.summary_values[7] = "16.6666";  // LEEME text: only the Ilegible acta
  auto r = CheckSpec(s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->ExitCode(), 0);
  EXPECT_EQ(r->inconsistencias, "LEEME");
}

TEST(Dialect, BadContabilizadaIsAnErrorWithItsLine) {
  Spec s;
  s.not_captured_contab = "x";
  auto r = CheckSpec(s);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("dialect.csv:13: column CONTABILIZADA"), std::string::npos)
      << r.status().message();
}

TEST(Dialect, BadVoteCellNamesItsColumn) {
  Spec s;
  s.na = "abc";
  auto r = CheckSpec(s);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("dialect.csv:10: column CAND_IND_1: 'abc'"),
            std::string::npos)
      << r.status().message();
}

TEST(Dialect, CountsOfEveryLengthUpToNineDigits) {
  // Vote cells of 1 to 9 digits (the reader converts up to 8 at once), with
  // leading zeros and protections; the column totals are plain sums.
  std::string csv =
      "ACTAS_ESPERADAS|ACTAS_CONTABILIZADAS\n9|9\n\n"
      "CLAVE_ACTA|TIPO_CASILLA|PAN|NULOS|TOTAL_VOTOS_CALCULADO|LISTA_NOMINAL|CONTABILIZADA\n";
  int64_t pan = 0;
  int64_t nulos = 0;
  const std::vector<std::string> cells = {"7",          "10",     "205",     "0999",    "'4321'",
                                          "=\"54321\"", "123456", "9876543", "12345678"};
  for (size_t k = 0; k < cells.size(); ++k) {
    const int64_t value = std::stoll(cells[k].substr(cells[k].find_first_of("0123456789")));
    pan += value;
    nulos += static_cast<int64_t>(k) * 111111111;
    csv += "A" + std::to_string(k) + "|B|" + cells[k] + "|" + std::to_string(k * 111111111) +
           "|-|999999999|1\n";
  }
  auto db = formats::PrepDatabase::Open("lengths.csv", csv);
  ASSERT_TRUE(db.ok()) << db.status().message();
  auto r = CheckDatabase(**db, CheckOptions{});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(Column(*r, "PAN"), pan);
  EXPECT_EQ(Column(*r, "NULOS"), nulos);
}

TEST(ParseObservacion, CompoundSentence) {
  const auto o = formats::ParseObservacion("EXCEDE LISTA NOMINAL. ALGUN CAMPO ILEGIBLE O SIN DATO");
  EXPECT_TRUE(o.recognised);
  EXPECT_TRUE(o.set.Has(domain::Observacion::kExcedeListaNominal));
  EXPECT_TRUE(o.set.Has(domain::Observacion::kIlegible));
}

TEST(ParseObservacion, SinActaReasons) {
  using domain::SinActaMotivo;
  EXPECT_EQ(formats::ParseObservacion("Sin Acta(2)").motivo, SinActaMotivo::kCasillaNoInstalada);
  EXPECT_EQ(formats::ParseObservacion("SIN ACTA POR PAQUETE ENTREGADO SIN SOBRE").motivo,
            SinActaMotivo::kSinSobre);
  EXPECT_EQ(formats::ParseObservacion("Sin acta(4)").motivo,
            SinActaMotivo::kContingenciaUrnaElectronica);
  EXPECT_EQ(formats::ParseObservacion("Sin Acta").motivo, SinActaMotivo::kNoEspecificado);
}

TEST(ParseObservacion, UnknownTextIsFlagged) {
  EXPECT_FALSE(formats::ParseObservacion("Paquete con muestras de alteración").recognised);
}

TEST(ParseSummaryValue, Forms) {
  EXPECT_EQ(formats::ParseSummaryValue("7,672", false), 7672);
  EXPECT_EQ(formats::ParseSummaryValue("2658993.0", false), 2658993);
  EXPECT_EQ(formats::ParseSummaryValue("'99.5698%", true), 995698);
  EXPECT_EQ(formats::ParseSummaryValue("95.0842", true), 950842);
  EXPECT_EQ(formats::ParseSummaryValue("100", true), 1000000);
  EXPECT_FALSE(formats::ParseSummaryValue("12,34", false).has_value());
  EXPECT_FALSE(formats::ParseSummaryValue("2.5", false).has_value());
  EXPECT_FALSE(formats::ParseSummaryValue("abc", true).has_value());
}

}  // namespace
}  // namespace prep::check
