#include "domain/classifier.h"

#include <gtest/gtest.h>

namespace prep::domain {
namespace {

CaptureValue N(int64_t n) { return CaptureValue::Count(n); }
const CaptureValue kIl = CaptureValue::Ilegible();
const CaptureValue kSd = CaptureValue::SinDato();

ActaCaptura Votos(std::vector<CaptureValue> v) {
  ActaCaptura a;
  a.votos = std::move(v);
  return a;
}

ActaLimits Ordinaria(int64_t ln, int64_t reps) { return {ln, reps, false, std::nullopt}; }

TEST(Classifier, CleanActaIsContabilizada) {
  const auto c = Classify(Votos({N(100), N(80), N(4)}), Ordinaria(500, 4));
  EXPECT_TRUE(c.contabilizada);
  EXPECT_TRUE(c.observaciones.Empty());
  EXPECT_EQ(c.total_votos_calculado, 184);
}

TEST(Classifier, OneIlegibleFieldCountsAsZeroAndStillCounts) {
  const auto c = Classify(Votos({kIl, N(80), N(4)}), Ordinaria(500, 4));
  EXPECT_TRUE(c.contabilizada);
  EXPECT_EQ(c.observaciones, (ObservacionSet{Observacion::kIlegible}));
  EXPECT_EQ(c.total_votos_calculado, 84);
}

TEST(Classifier, OneSinDatoFieldCountsAsZeroAndStillCounts) {
  const auto c = Classify(Votos({N(10), kSd, N(4)}), Ordinaria(500, 4));
  EXPECT_TRUE(c.contabilizada);
  EXPECT_EQ(c.observaciones, (ObservacionSet{Observacion::kSinDato}));
  EXPECT_EQ(c.total_votos_calculado, 14);
}

TEST(Classifier, IlegibleAndSinDatoTogetherWithOneCount) {
  const auto c = Classify(Votos({kIl, kSd, N(1)}), Ordinaria(500, 4));
  EXPECT_TRUE(c.contabilizada);
  EXPECT_EQ(c.observaciones, (ObservacionSet{Observacion::kIlegible, Observacion::kSinDato}));
}

TEST(Classifier, AllIlegibleIsNotContabilizada) {
  const auto c = Classify(Votos({kIl, kIl, kIl}), Ordinaria(500, 4));
  EXPECT_FALSE(c.contabilizada);
  EXPECT_EQ(c.observaciones, (ObservacionSet{Observacion::kTodosIlegibles}));
}

TEST(Classifier, AllEmptyIsNotContabilizada) {
  const auto c = Classify(Votos({kSd, kSd, kSd}), Ordinaria(500, 4));
  EXPECT_FALSE(c.contabilizada);
  EXPECT_EQ(c.observaciones, (ObservacionSet{Observacion::kTodosSinDato}));
}

TEST(Classifier, MixedIlegibleAndEmptyWithNoCountIsNotContabilizadaByDefault) {
  // IEQROO 2019: "TODOS ILEGIBLES O SIN DATO", CONTABILIZADA 0.
  const auto c = Classify(Votos({kIl, kSd, kSd}), Ordinaria(500, 4));
  EXPECT_FALSE(c.contabilizada);
  EXPECT_EQ(c.observaciones, (ObservacionSet{Observacion::kTodosIlegiblesOSinDato}));
}

TEST(Classifier, MixedIlegibleAndEmptyUnderTheIne2023Convention) {
  // INE 2023 (Tamaulipas, lines 1003 and 2072 of the real file): such an acta is
  // contabilizada with ['Ilegible', 'Sin dato'] and 0 votes.
  ClassifierSettings ine;
  ine.mixto_ilegible_sin_dato_contabiliza = true;
  const auto c = Classify(Votos({kIl, kSd, kSd}), Ordinaria(500, 4), ine);
  EXPECT_TRUE(c.contabilizada);
  EXPECT_EQ(c.observaciones, (ObservacionSet{Observacion::kIlegible, Observacion::kSinDato}));
  // The setting does not touch the all-ilegible case.
  EXPECT_FALSE(Classify(Votos({kIl, kIl}), Ordinaria(500, 4), ine).contabilizada);
}

TEST(Classifier, ExcedeListaNominalExactlyAtTheLimitCounts) {
  // LN 500 + 4 representantes = 504 votes: at the limit, not above it.
  const auto c = Classify(Votos({N(500), N(4)}), Ordinaria(500, 4));
  EXPECT_TRUE(c.contabilizada);
  EXPECT_TRUE(c.observaciones.Empty());
}

TEST(Classifier, ExcedeListaNominalOneAboveTheLimit) {
  const auto c = Classify(Votos({N(500), N(5)}), Ordinaria(500, 4));
  EXPECT_FALSE(c.contabilizada);
  EXPECT_EQ(c.observaciones, (ObservacionSet{Observacion::kExcedeListaNominal}));
}

TEST(Classifier, RepresentantesRaiseTheLimit) {
  // 505 votes exceed LN 500 alone, not LN 500 + 5 representantes.
  EXPECT_FALSE(Classify(Votos({N(505)}), Ordinaria(500, 0)).contabilizada);
  EXPECT_TRUE(Classify(Votos({N(505)}), Ordinaria(500, 5)).contabilizada);
}

TEST(Classifier, RepresentantesSumPropietariosAndSuplentesLocalAndFederal) {
  Casilla casilla;
  casilla.lista_nominal = 500;
  casilla.representantes = {2, 2, 1, 1};
  EXPECT_EQ(ActaLimits::ForCasilla(casilla).representantes, 6);
  EXPECT_TRUE(Classify(Votos({N(506)}), ActaLimits::ForCasilla(casilla)).contabilizada);
  EXPECT_FALSE(Classify(Votos({N(507)}), ActaLimits::ForCasilla(casilla)).contabilizada);
}

TEST(Classifier, ExcedeKeepsFieldObservaciones) {
  // INE 2024 data: "Excede Lista Nominal, Ilegible, Sin dato".
  const auto c = Classify(Votos({N(600), kIl, kSd}), Ordinaria(500, 4));
  EXPECT_FALSE(c.contabilizada);
  EXPECT_EQ(c.observaciones, (ObservacionSet{Observacion::kExcedeListaNominal,
                                             Observacion::kIlegible, Observacion::kSinDato}));
}

TEST(Classifier, CasillaEspecialIsMeasuredAgainstItsBoletas) {
  Casilla especial;
  especial.id.tipo = TipoCasilla::kEspecial;
  especial.lista_nominal = 0;  // especiales have no lista nominal
  especial.boletas_especial = 750;
  especial.representantes = {4, 0, 0, 0};
  const ActaLimits limits = ActaLimits::ForCasilla(especial);
  EXPECT_TRUE(Classify(Votos({N(700), N(54)}), limits).contabilizada);  // 754 = 750 + 4
  const auto c = Classify(Votos({N(700), N(55)}), limits);              // 755
  EXPECT_FALSE(c.contabilizada);
  EXPECT_TRUE(c.observaciones.Has(Observacion::kExcedeListaNominal));
}

TEST(Classifier, CasillaEspecialIgnoresItsZeroListaNominal) {
  // Without the especial rule every especial acta would exceed LN 0.
  const ActaLimits limits{0, 3, true, 750};
  EXPECT_TRUE(Classify(Votos({N(300)}), limits).contabilizada);
}

TEST(Classifier, CasillaEspecialWithoutBoletasSkipsTheTest) {
  const ActaLimits limits{0, 3, true, std::nullopt};
  EXPECT_TRUE(Classify(Votos({N(5000)}), limits).contabilizada);
}

class SinActaTest : public ::testing::TestWithParam<std::pair<SinActaMotivo, const char*>> {};

TEST_P(SinActaTest, IsNotContabilizadaAndKeepsItsReason) {
  ActaCaptura a = Votos({N(10), N(20)});  // whatever was typed is ignored
  a.sin_acta = GetParam().first;
  const auto c = Classify(a, Ordinaria(500, 4));
  EXPECT_FALSE(c.contabilizada);
  EXPECT_EQ(c.observaciones, (ObservacionSet{Observacion::kSinActa}));
  EXPECT_EQ(c.sin_acta_motivo, GetParam().first);
  EXPECT_EQ(c.observaciones.ToString(c.sin_acta_motivo), GetParam().second);
}

INSTANTIATE_TEST_SUITE_P(
    Motivos1a4, SinActaTest,
    ::testing::Values(
        std::make_pair(SinActaMotivo::kPaqueteNoEntregado, "Sin acta por paquete no entregado"),
        std::make_pair(SinActaMotivo::kCasillaNoInstalada, "Sin acta por casilla no instalada"),
        std::make_pair(SinActaMotivo::kSinSobre, "Sin acta por paquete entregado sin sobre"),
        std::make_pair(SinActaMotivo::kContingenciaUrnaElectronica,
                       "Sin acta por contingencia en urna electrónica")));

TEST(Classifier, FueraDeCatalogoIsNeverContabilizada) {
  ActaCaptura a = Votos({N(10), N(20)});
  a.en_catalogo = false;
  const auto c = Classify(a, Ordinaria(500, 4));
  EXPECT_FALSE(c.contabilizada);
  EXPECT_EQ(c.observaciones, (ObservacionSet{Observacion::kFueraDeCatalogo}));
}

TEST(Classifier, ZeroVotesAllCountedIsContabilizada) {
  // A casilla where nobody voted: every field legible, all zero.
  EXPECT_TRUE(Classify(Votos({N(0), N(0), N(0)}), Ordinaria(500, 4)).contabilizada);
}

TEST(Classifier, ObservacionSetPrintsInPublisherWords) {
  ObservacionSet s{Observacion::kExcedeListaNominal, Observacion::kIlegible};
  EXPECT_EQ(s.ToString(), "Ilegible, Excede Lista Nominal");
}

}  // namespace
}  // namespace prep::domain
