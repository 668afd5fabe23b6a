#include "domain/election.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace prep::domain {
namespace {

std::vector<std::string> Names(const std::vector<VoteColumn>& cols) {
  std::vector<std::string> out;
  for (const auto& c : cols) out.push_back(c.name);
  return out;
}

TEST(ContestColumns, ReproducesTheQuintanaRoo2019Header) {
  // The vote columns of QROO_DIP_LOC_2019.csv, in the file's order.
  const std::vector<Partido> partidos = {
      {"PAN", ""}, {"PRI", ""},    {"PRD", ""}, {"PVEM", ""},  {"PT", ""},
      {"MC", ""},  {"MORENA", ""}, {"MAS", ""}, {"CQROO", ""}, {"PESQROO", ""}};
  const std::vector<Coalicion> coaliciones = {
      {"Orden y Desarrollo", {"PAN", "PRD", "PESQROO"}},
      {"Juntos Haremos Historia", {"PVEM", "PT", "MORENA"}}};
  const auto cols = ContestColumns(partidos, coaliciones, 3);
  EXPECT_EQ(Names(cols), (std::vector<std::string>{"PAN",
                                                   "PRI",
                                                   "PRD",
                                                   "PVEM",
                                                   "PT",
                                                   "MC",
                                                   "MORENA",
                                                   "MAS",
                                                   "CQROO",
                                                   "PESQROO",
                                                   "C_PAN_PRD_PESQROO",
                                                   "C_PAN_PRD",
                                                   "C_PAN_PESQROO",
                                                   "C_PRD_PESQROO",
                                                   "C_PVEM_PT_MORENA",
                                                   "C_PVEM_PT",
                                                   "C_PVEM_MORENA",
                                                   "C_PT_MORENA",
                                                   "CAND_IND_1",
                                                   "CAND_IND_2",
                                                   "CAND_IND_3",
                                                   "NO_REGISTRADOS",
                                                   "NULOS"}));
  EXPECT_EQ(cols[10].kind, VoteColumnKind::kCombinacion);
  EXPECT_EQ(cols[10].partidos, (std::vector<std::string>{"PAN", "PRD", "PESQROO"}));
  EXPECT_EQ(cols[18].kind, VoteColumnKind::kCandidaturaIndependiente);
  EXPECT_EQ(cols.back().kind, VoteColumnKind::kNulos);
}

TEST(ContestColumns, FivePartyCoalitionHasTwentySixCombinations) {
  // Puebla 2018: PAN-PRD-MC-CPP-PSI gives 2^5 − 1 − 5 = 26 combination columns,
  // from C_PAN_PRD_MC_CPP_PSI down to C_CPP_PSI, as in PUE_GOB_2018.csv.
  const auto cols =
      ContestColumns({}, {{"Por Puebla al Frente", {"PAN", "PRD", "MC", "CPP", "PSI"}}}, 0);
  ASSERT_EQ(cols.size(), 26u + 2u);
  EXPECT_EQ(cols[0].name, "C_PAN_PRD_MC_CPP_PSI");
  EXPECT_EQ(cols[1].name, "C_PAN_PRD_MC_CPP");
  EXPECT_EQ(cols[5].name, "C_PRD_MC_CPP_PSI");
  EXPECT_EQ(cols[6].name, "C_PAN_PRD_MC");
  EXPECT_EQ(cols[25].name, "C_CPP_PSI");
}

TEST(ContestColumns, NoCoalitionsNoIndependientes) {
  EXPECT_EQ(Names(ContestColumns({{"PRI", ""}}, {}, 0)),
            (std::vector<std::string>{"PRI", "NO_REGISTRADOS", "NULOS"}));
}

TEST(CasillaId, ClaveFollowsTheLeeme) {
  CasillaId id{23, 85, TipoCasilla::kBasica, 1, 0};
  EXPECT_EQ(id.Clave(), "230085B0100");
  ActaId acta{{5, 1234, TipoCasilla::kEspecial, 1, 0}, "03"};
  EXPECT_EQ(acta.Clave(), "051234S010003");
}

TEST(Catalogo, FindsActasByClave) {
  Catalogo c;
  c.actas.push_back({{{23, 85, TipoCasilla::kBasica, 1, 0}, "02"},
                     "230085B010002",
                     ActaKind::kMayoriaRelativa,
                     0});
  c.actas.push_back(
      {{{23, 85, TipoCasilla::kContigua, 1, 0}, "02"}, "", ActaKind::kMayoriaRelativa, 1});
  c.RebuildIndex();
  EXPECT_EQ(c.FindActa("230085B010002"), 0u);  // by its published clave
  EXPECT_EQ(c.FindActa("230085C010002"), 1u);  // by id.Clave(): TIPO_ACTA "02"
  EXPECT_FALSE(c.FindActa("230085B01002").has_value());
  EXPECT_FALSE(c.FindActa("230085C020002").has_value());
}

}  // namespace
}  // namespace prep::domain

namespace prep::domain {
namespace {

// Clave writes its digits by hand in range and falls back to snprintf outside
// it; both give what "%02d%04d%c%02d%02d" prints.
TEST(CasillaClaveTest, MatchesPrintfInAndOutOfRange) {
  for (const CasillaId id : {CasillaId{5, 1, TipoCasilla::kBasica, 1, 0},
                             CasillaId{32, 9999, TipoCasilla::kContigua, 99, 99},
                             CasillaId{0, 0, TipoCasilla::kEspecial, 0, 0},
                             CasillaId{5, 12345, TipoCasilla::kExtraordinaria, 1, 2},
                             CasillaId{123, 7, TipoCasilla::kBasica, 100, 0},
                             CasillaId{-1, 7, TipoCasilla::kBasica, 1, 0}}) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%02d%04d%c%02d%02d", id.entidad, id.seccion,
                  static_cast<char>(id.tipo), id.id_casilla, id.ext_contigua);
    EXPECT_EQ(id.Clave(), buf);
  }
}

}  // namespace
}  // namespace prep::domain
