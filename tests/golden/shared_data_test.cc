// Golden tests on the real published databases of ../shared/data. Expected
// figures are the publishers' own header blocks and the third-party answer
// keys quoted in ../shared/data/README.md and each SOURCE.txt; none of them
// was produced by this program.
#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "check/check.h"
#include "formats/catalogo.h"
#include "formats/source.h"

namespace prep::check {
namespace {

using domain::SummaryField;

const std::string kData = PREP_SHARED_DATA;

CheckReport CheckOne(const std::string& relative) {
  auto reports = CheckPath(kData + "/" + relative, CheckOptions{});
  EXPECT_TRUE(reports.ok()) << reports.status().message();
  if (!reports.ok() || reports->size() != 1) {
    ADD_FAILURE() << relative << ": expected one results table";
    return {};
  }
  return reports->front();
}

int64_t Col(const CheckReport& r, const std::string& key) {
  for (const auto& [k, v] : r.columns) {
    if (k == key) return v;
  }
  ADD_FAILURE() << "no column " << key;
  return 0;
}

// A candidate's votes: its party columns plus every coalition-combination
// column made only of its parties ("C_PAN_PRD" or "PAN-PRD").
int64_t Candidate(const CheckReport& r, const std::set<std::string>& partidos) {
  int64_t total = 0;
  for (const auto& [key, votes] : r.columns) {
    std::string name = key.rfind("C_", 0) == 0 ? key.substr(2) : key;
    for (char& c : name) {
      if (c == '-') c = '_';
    }
    std::stringstream parts(name);
    std::string p;
    bool all = true;
    bool any = false;
    while (std::getline(parts, p, '_')) {
      any = true;
      all = all && partidos.count(p) > 0;
    }
    if (any && all) total += votes;
  }
  return total;
}

// Press figures are trunc4 percentages cut to two decimals.
std::string Press(int64_t votes, int64_t total) {
  const std::string p = domain::Trunc4Percent(votes, total).ToString();
  return p.substr(0, p.size() - 2);
}

void ExpectPublishedEqualsRecomputed(const CheckReport& r) {
  for (int i = 0; i < domain::kSummaryFieldCount; ++i) {
    const auto f = static_cast<SummaryField>(i);
    if (!r.published.Get(f)) continue;
    EXPECT_EQ(*r.published.Get(f), r.recomputed.Get(f)) << domain::SummaryFieldName(f);
  }
}

TEST(Golden, QuintanaRoo2019ZipReproducesItsHeaderExactly) {
  const CheckReport r = CheckOne("qroo2019-prep-final/20190603_0547_PREP_DIP_QROO.zip");
  EXPECT_EQ(r.ExitCode(), 0);
  EXPECT_TRUE(r.mismatches.empty());
  ExpectPublishedEqualsRecomputed(r);
  // Every one of the 13 fields is published and equal.
  for (int i = 0; i < domain::kSummaryFieldCount; ++i) {
    EXPECT_TRUE(r.published.Get(static_cast<SummaryField>(i)).has_value());
  }
  // Answer key: 2,136 actas at 100 %, 2,031 contabilizadas, 263,005 votes.
  EXPECT_EQ(r.actas.rows, 2136);
  EXPECT_EQ(r.recomputed.Get(SummaryField::kActasContabilizadas), 2031);
  EXPECT_EQ(r.recomputed.Format(SummaryField::kPorcentajeActasContabilizadas), "95.0842");
  int64_t sum = 0;
  for (const auto& [k, v] : r.columns) sum += v;
  EXPECT_EQ(sum, 263005);
  EXPECT_EQ(r.participacion, "C_CS");           // final corte, Anexo 13
  EXPECT_EQ(r.inconsistencias, "LEEME+TODOS");  // (462 + 30) / 2136 = 23.0337
  // Spec §4: six actas above LN + representantes were still contabilizadas.
  EXPECT_EQ(r.reclassification.disagree, 6);
  EXPECT_EQ(r.reclassification.reasons.at("excede_lista_nominal"), 6);
  EXPECT_EQ(r.reclassification.agree, 2130);
  EXPECT_EQ(r.reclassification.total_votos_calculado_differs, 0);
  const auto& first = r.reclassification.examples.at("excede_lista_nominal").front();
  EXPECT_EQ(first.clave_acta, "230535C010002");  // 465 > 445 + 7, quoted in the spec
}

TEST(Golden, QuintanaRooUnzippedCsvGivesTheSameReport) {
  const CheckReport zip = CheckOne("qroo2019-prep-final/20190603_0547_PREP_DIP_QROO.zip");
  const CheckReport csv = CheckOne("qroo2019-prep-final/unzipped/QROO_DIP_LOC_2019.csv");
  EXPECT_EQ(csv.ExitCode(), 0);
  EXPECT_EQ(csv.columns, zip.columns);
  EXPECT_EQ(csv.recomputed, zip.recomputed);
}

struct PueblaCase {
  const char* path;
  int64_t published_no_contabilizadas;
  int64_t rows_no_contabilizadas;
};

class Puebla2018 : public ::testing::TestWithParam<PueblaCase> {};

TEST_P(Puebla2018, HeaderLeavesOutUnexplainedNoContabilizadasAndCheckSaysSo) {
  const CheckReport r = CheckOne(GetParam().path);
  EXPECT_EQ(r.ExitCode(), 1);
  ASSERT_EQ(r.mismatches.size(), 1u);
  EXPECT_EQ(r.mismatches[0], SummaryField::kActasNoContabilizadas);
  EXPECT_EQ(*r.published.Get(SummaryField::kActasNoContabilizadas),
            GetParam().published_no_contabilizadas);
  EXPECT_EQ(r.recomputed.Get(SummaryField::kActasNoContabilizadas),
            GetParam().rows_no_contabilizadas);
  // The difference is exactly the rows with CONTABILIZADA 0 and no observation.
  EXPECT_EQ(r.participacion, "S_CS");  // IEE Puebla 2018 used S_CS at its final corte
  EXPECT_GT(r.actas.not_captured, 0);
}

INSTANTIATE_TEST_SUITE_P(
    Elections, Puebla2018,
    ::testing::Values(
        PueblaCase{"pue2018-prep/20180702_2000_PREP_GOB_PUE/PUE_GOB_2018.csv", 1174, 1175},
        PueblaCase{"pue2018-prep/20180702_2000_PREP_DIP_LOC_PUE/PUE_DIP_LOC_2018.csv", 1199, 1201},
        PueblaCase{"pue2018-prep/20180702_2000_PREP_AYUN_PUE/PUE_AYUN_2018.csv", 1276, 1277}));

TEST(Golden, Puebla2018GubernaturaAnswerKey) {
  const CheckReport r = CheckOne("pue2018-prep/20180702_2000_PREP_GOB_PUE/PUE_GOB_2018.csv");
  const int64_t alonso = Candidate(r, {"PAN", "PRD", "MC", "CPP", "PSI"});
  const int64_t barbosa = Candidate(r, {"PT", "MORENA", "PES"});
  const int64_t doger = Candidate(r, {"PRI"});
  const int64_t chain = Candidate(r, {"PV"});
  const int64_t total = r.recomputed.Get(SummaryField::kTotalVotosConCasillasEspeciales);
  EXPECT_EQ(alonso, 957686);
  EXPECT_EQ(barbosa, 861501);
  EXPECT_EQ(doger, 465452);
  EXPECT_EQ(chain, 127556);
  EXPECT_EQ(Col(r, "NO_REGISTRADOS"), 1806);
  EXPECT_EQ(Col(r, "NULOS"), 102964);
  EXPECT_EQ(total, 2516965);
  EXPECT_EQ(Press(alonso, total), "38.04");
  EXPECT_EQ(Press(barbosa, total), "34.22");
  EXPECT_EQ(Press(doger, total), "18.49");
  EXPECT_EQ(Press(chain, total), "5.06");
  EXPECT_EQ(r.recomputed.Get(SummaryField::kActasCapturadas), 7407);
  EXPECT_EQ(r.recomputed.Get(SummaryField::kActasEsperadas), 7548);
  EXPECT_EQ(r.recomputed.Format(SummaryField::kPorcentajeParticipacionCiudadana).substr(0, 5),
            "67.64");
}

TEST(Golden, Tamaulipas2023PrepZip) {
  const CheckReport r = CheckOne("tamps2023-sen-ext-ine/20230220_1105_PREP_SEN_TAMPS_ext.zip");
  EXPECT_EQ(r.ExitCode(), 0);
  ExpectPublishedEqualsRecomputed(r);
  EXPECT_EQ(r.actas.rows, 4782);
  EXPECT_EQ(r.actas.fuera_de_catalogo, 4);
  EXPECT_EQ(r.dialect.line_ends, "CR");
  EXPECT_EQ(r.dialect.encoding, formats::TextEncoding::kUtf8Bom);
  const int64_t total = r.recomputed.Get(SummaryField::kTotalVotosConCasillasEspeciales);
  const int64_t gomez = Candidate(r, {"MORENA", "PT"});
  const int64_t sanmiguel = Candidate(r, {"PAN", "PRI", "PRD"});
  const int64_t munoz = Candidate(r, {"PVEM"});
  EXPECT_EQ(gomez, 421091);
  EXPECT_EQ(sanmiguel, 130459);
  EXPECT_EQ(munoz, 23256);
  EXPECT_EQ(Press(gomez, total), "71.32");
  EXPECT_EQ(Press(sanmiguel, total), "22.09");
  EXPECT_EQ(Press(munoz, total), "3.93");  // the press wrote 3.9
  EXPECT_EQ(r.recomputed.Format(SummaryField::kPorcentajeActasContabilizadas), "97.9907");
  EXPECT_EQ(r.recomputed.Format(SummaryField::kPorcentajeParticipacionCiudadana), "21.9615");
  // INE 2023 contabiliza actas whose fields mix Ilegible and Sin dato (lines
  // 1003 and 2072); the check adopts the file's convention for them.
  EXPECT_EQ(r.reclassification.mixto_convention, "contabilizada");
  EXPECT_EQ(r.reclassification.mixto_contabilizadas, 2);
  EXPECT_EQ(r.reclassification.disagree, 0);
  EXPECT_TRUE(r.reclassification.unrecognised_observaciones.empty());
}

TEST(Golden, Tamaulipas2023UnzippedFolderMatchesTheZip) {
  const CheckReport zip = CheckOne("tamps2023-sen-ext-ine/20230220_1105_PREP_SEN_TAMPS_ext.zip");
  for (const char* dir :
       {"unzipped_20230220_1105_PREP_SEN_TAMPS_ext", "20230220_1105_PREP_SEN_TAMPS_ext"}) {
    const CheckReport csv =
        CheckOne(std::string("tamps2023-sen-ext-ine/") + dir + "/TAMPS_SEN_FED_ext_2023.csv");
    EXPECT_EQ(csv.ExitCode(), 0) << dir;
    EXPECT_EQ(csv.columns, zip.columns) << dir;
  }
}

TEST(Golden, Tamaulipas2023ComputosAreAnIndependentAnswerKey) {
  const CheckReport r = CheckOne(
      "tamps2023-sen-ext-ine/20230222_2200_COMPUTOS_SEN_TAMPS_ext/TAMPS_SEN_FED_ext_2023.csv");
  EXPECT_TRUE(r.computos);
  EXPECT_EQ(r.ExitCode(), 0);
  ExpectPublishedEqualsRecomputed(r);
  EXPECT_EQ(r.dialect.encoding, formats::TextEncoding::kWindows1252);
  EXPECT_EQ(r.actas.rows, 4778);
  EXPECT_EQ(*r.published.Get(SummaryField::kListaNominalActasContabilizadas), 2738995);
  EXPECT_EQ(r.recomputed.Get(SummaryField::kTotalVotosConCasillasEspeciales), 594259);
  EXPECT_EQ(Col(r, "MORENA"), 386173);
  EXPECT_EQ(Col(r, "PAN"), 100847);
  EXPECT_EQ(Col(r, "PT"), 31985);
}

TEST(Golden, CatalogoOfQuintanaRoo2019) {
  // Counted independently of prep (one row per acta, keys all distinct):
  // 2,136 actas in 2,136 casillas (11 especiales, each published with its
  // TIPO_ACTA 3 acta only), 15 distritos, lista nominal 1,247,995.
  auto files =
      formats::ReadResultsFiles(kData + "/qroo2019-prep-final/20190603_0547_PREP_DIP_QROO.zip");
  ASSERT_TRUE(files.ok());
  auto db = formats::PrepDatabase::Open((*files)[0].name, std::move((*files)[0].bytes));
  ASSERT_TRUE(db.ok());
  auto cat = formats::CatalogoFromDatabase(**db);
  ASSERT_TRUE(cat.ok()) << cat.status().message();
  EXPECT_EQ(cat->entidad_id, 23);
  EXPECT_EQ(cat->entidad_nombre, "QUINTANA ROO");
  EXPECT_EQ(cat->eleccion, "DIPUTACIONES LOCALES");
  EXPECT_EQ(cat->actas.size(), 2136u);
  EXPECT_EQ(cat->casillas.size(), 2136u);
  EXPECT_EQ(cat->distritos.size(), 15u);
  int64_t ln = 0;
  int especiales = 0;
  for (const auto& c : cat->casillas) {
    ln += c.lista_nominal;
    especiales += c.IsEspecial();
  }
  EXPECT_EQ(ln, 1247995);
  EXPECT_EQ(especiales, 11);
  ASSERT_EQ(cat->columns.size(), 23u);
  EXPECT_EQ(cat->partidos.size(), 10u);
  EXPECT_EQ(cat->columns[10].name, "C_PAN_PRD_PESQROO");
  EXPECT_EQ(cat->columns[10].partidos, (std::vector<std::string>{"PAN", "PRD", "PESQROO"}));
  EXPECT_EQ(cat->columns[18].kind, domain::VoteColumnKind::kCandidaturaIndependiente);
  EXPECT_EQ(cat->columns[22].kind, domain::VoteColumnKind::kNulos);
  ASSERT_TRUE(cat->FindActa("230085B010002").has_value());
  EXPECT_EQ(cat->casillas[cat->actas[*cat->FindActa("230085B010002")].casilla_index].lista_nominal,
            483);
}

TEST(Golden, CatalogoOfTamaulipas2023LeavesFueraDeCatalogoOut) {
  auto files = formats::ReadResultsFiles(
      kData + "/tamps2023-sen-ext-ine/20230220_1105_PREP_SEN_TAMPS_ext.zip");
  ASSERT_TRUE(files.ok());
  auto db = formats::PrepDatabase::Open((*files)[0].name, std::move((*files)[0].bytes));
  ASSERT_TRUE(db.ok());
  auto cat = formats::CatalogoFromDatabase(**db);
  ASSERT_TRUE(cat.ok());
  EXPECT_EQ(cat->actas.size(), 4778u);  // 4,782 rows − 4 fuera de catálogo
  EXPECT_EQ(cat->columns[6].name, "PAN-PRI-PRD");
  EXPECT_EQ(cat->columns[6].kind, domain::VoteColumnKind::kCombinacion);
  EXPECT_EQ(cat->columns[11].kind, domain::VoteColumnKind::kNoRegistrados);  // NO_REGISTRADAS
}

}  // namespace
}  // namespace prep::check
