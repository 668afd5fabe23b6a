#include "domain/tally.h"

#include <gtest/gtest.h>

namespace prep::domain {
namespace {

using F = SummaryField;

ActaTallyInput Contabilizada(int64_t ln, int64_t votos, bool especial = false) {
  ActaTallyInput a;
  a.capturada = true;
  a.contabilizada = true;
  a.lista_nominal = ln;
  a.total_votos = votos;
  a.especial = especial;
  return a;
}

ActaTallyInput NoContabilizada(ObservacionSet obs) {
  ActaTallyInput a;
  a.capturada = true;
  a.observaciones = obs;
  return a;
}

// Six actas esperadas plus one fuera de catálogo: three contabilizadas (LN
// 500 + 500 + 0, votes 200 + 103 + 51, the last from a casilla especial), one
// todos ilegibles, one sin acta, one not yet captured. Expected values are
// worked by hand in the tests.
SummaryCounts Example() {
  SummaryCounts c;
  ActaTallyInput ilegible = Contabilizada(500, 103);
  ilegible.observaciones = {Observacion::kIlegible};
  c.Add(Contabilizada(500, 200));
  c.Add(ilegible);
  c.Add(Contabilizada(0, 51, /*especial=*/true));
  c.Add(NoContabilizada({Observacion::kTodosIlegibles}));
  c.Add(NoContabilizada({Observacion::kSinActa}));
  ActaTallyInput no_capturada;
  c.Add(no_capturada);
  ActaTallyInput fuera;
  fuera.en_catalogo = false;
  c.Add(fuera);
  return c;
}

TEST(Tally, SummaryFieldsFollowTheFormulas) {
  TallySettings s;
  s.ultimo_corte = true;
  const SummaryBlock b = Summarize(Example(), s);
  EXPECT_EQ(b.Get(F::kActasEsperadas), 6);
  EXPECT_EQ(b.Get(F::kActasFueraCatalogo), 1);
  EXPECT_EQ(b.Get(F::kActasCapturadas), 5);
  EXPECT_EQ(b.Get(F::kActasRegistradas), 6);                      // capturadas + fuera
  EXPECT_EQ(b.Format(F::kPorcentajeActasCapturadas), "83.3333");  // 5/6
  EXPECT_EQ(b.Get(F::kActasContabilizadas), 3);
  EXPECT_EQ(b.Format(F::kPorcentajeActasContabilizadas), "50.0000");
  EXPECT_EQ(b.Get(F::kActasNoContabilizadas), 2);  // includes sin acta
  EXPECT_EQ(b.Get(F::kListaNominalActasContabilizadas), 1000);
  EXPECT_EQ(b.Get(F::kTotalVotosConCasillasEspeciales), 354);
  EXPECT_EQ(b.Get(F::kTotalVotosSinCasillasEspeciales), 303);
  // LEEME set: only the Ilegible acta (1/6); sin acta never counts.
  EXPECT_EQ(b.Format(F::kPorcentajeActasInconsistencias), "16.6666");
  // Last corte, Anexo 13: C_CS / LN = 354/1000.
  EXPECT_EQ(b.Format(F::kPorcentajeParticipacionCiudadana), "35.4000");
}

TEST(Tally, ParticipationDuringOperationLeavesOutEspeciales) {
  TallySettings s;
  s.ultimo_corte = false;
  EXPECT_EQ(Summarize(Example(), s).Format(F::kPorcentajeParticipacionCiudadana), "30.3000");
}

TEST(Tally, Puebla2018ConventionUsesSinCasillasEspecialesEvenAtTheEnd) {
  TallySettings s;
  s.ultimo_corte = true;
  s.participacion = Participacion::kSinCasillasEspeciales;
  EXPECT_EQ(Summarize(Example(), s).Format(F::kPorcentajeParticipacionCiudadana), "30.3000");
}

TEST(Tally, InconsistencySetIsASetting) {
  TallySettings s;
  s.inconsistencias = PublishedInconsistencias();  // counts "todos" too: 2/6
  EXPECT_EQ(Summarize(Example(), s).Format(F::kPorcentajeActasInconsistencias), "33.3333");
}

TEST(Tally, EmptyElectionIsAllZeros) {
  const SummaryBlock b = Summarize(SummaryCounts{}, TallySettings{});
  for (int i = 0; i < kSummaryFieldCount; ++i) EXPECT_EQ(b.values[i], 0);
  EXPECT_EQ(b.Format(F::kPorcentajeActasCapturadas), "0.0000");
}

TEST(Tally, MergeEqualsSequentialAdd) {
  SummaryCounts a = Example();
  SummaryCounts b = Example();
  a.Merge(b);
  const SummaryBlock merged = Summarize(a, TallySettings{});
  EXPECT_EQ(merged.Get(F::kActasEsperadas), 12);
  EXPECT_EQ(merged.Get(F::kTotalVotosConCasillasEspeciales), 708);
  EXPECT_EQ(merged.Format(F::kPorcentajeActasContabilizadas), "50.0000");
}

TEST(Tally, VotesPerColumnOnlyFromContabilizadas) {
  LevelTally t;
  const std::vector<CaptureValue> v1 = {CaptureValue::Count(5), CaptureValue::Ilegible()};
  const std::vector<CaptureValue> v2 = {CaptureValue::Count(7), CaptureValue::Count(9)};
  t.Add(Contabilizada(100, 5), v1);
  t.Add(NoContabilizada({Observacion::kExcedeListaNominal}), v2);
  ASSERT_EQ(t.votos.size(), 2u);
  EXPECT_EQ(t.votos[0], 5);
  EXPECT_EQ(t.votos[1], 0);
}

TEST(Tally, ByLevelKeepsDistritoAndSeccion) {
  TallyByLevel levels;
  const std::vector<CaptureValue> v = {CaptureValue::Count(10)};
  levels.Add(1, 85, Contabilizada(400, 10), v);
  levels.Add(1, 85, Contabilizada(400, 10), v);
  levels.Add(2, 90, Contabilizada(300, 10), v);
  EXPECT_EQ(levels.entidad.votos[0], 30);
  EXPECT_EQ(levels.distritos[1].votos[0], 20);
  EXPECT_EQ(levels.secciones[85].counts.contabilizadas, 2);
  EXPECT_EQ(levels.secciones[90].counts.contabilizadas, 1);
  EXPECT_EQ(levels.secciones.size(), 2u);
  EXPECT_EQ(Summarize(levels.distritos[1].counts, TallySettings{})
                .Get(F::kListaNominalActasContabilizadas),
            800);
}

TEST(Tally, FieldNamesAreCanonical) {
  EXPECT_EQ(SummaryFieldName(F::kActasEsperadas), "ACTAS_ESPERADAS");
  EXPECT_EQ(SummaryFieldName(F::kPorcentajeParticipacionCiudadana),
            "PORCENTAJE_PARTICIPACION_CIUDADANA");
}

}  // namespace
}  // namespace prep::domain
