// The script of a replay, from the real Quintana Roo 2019 database: one acta
// per row, the published cells typed by both capturistas, the published
// times, and the times outside the night brought to its edges.
#include "sim/replay.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "base/tiempo.h"
#include "formats/catalogo.h"
#include "formats/source.h"

namespace prep::sim {
namespace {

constexpr char kQroo[] = PREP_SHARED_DATA "/qroo2019-prep-final/20190603_0547_PREP_DIP_QROO.zip";

TEST(FechaPublicada, ReadsTheFormatsPublishersUse) {
  // 2019-06-03 05:47:00 at UTC-5 is 10:47:00 UTC.
  const int64_t esperado = DiasDesdeCivil(2019, 6, 3) * kMsPorDia + (10 * 60 + 47) * kMsPorMinuto;
  EXPECT_EQ(FechaPublicada("2019-06-03 05:47:00", -300), esperado);
  EXPECT_EQ(FechaPublicada("03/06/2019 05:47:00", -300), esperado);
  EXPECT_EQ(FechaPublicada("03/06/2019 05:47", -300), esperado);
  EXPECT_EQ(FechaPublicada("2019/06/03 05:47", -300), esperado);
  EXPECT_EQ(FechaPublicada("2019-06-03T05:47:00", -300), esperado);
  for (const char* nada : {"", "-", "N/A", "03/06/19 05:47", "2019-13-03 05:47:00",
                           "2019-06-03 25:00:00", "hoy 05:47", "2019-06-03"}) {
    EXPECT_FALSE(FechaPublicada(nada, -300).has_value()) << nada;
  }
}

TEST(OffsetDeCorte, ReadsTheCorteLine) {
  EXPECT_EQ(OffsetDeCorte("2019/06/03 05:47 (UTC-5)"), -300);
  EXPECT_EQ(OffsetDeCorte("20/02/2023 11:05 (UTC-6)"), -360);
  EXPECT_EQ(OffsetDeCorte("x (UTC+5:30)"), 330);
  EXPECT_EQ(OffsetDeCorte("x (UTC)"), 0);
  EXPECT_FALSE(OffsetDeCorte("2019/06/03 05:47").has_value());
  EXPECT_FALSE(OffsetDeCorte("(UTC-99)").has_value());
}

TEST(GuionDeBase, QuintanaRoo2019) {
  if (!std::filesystem::exists(kQroo)) GTEST_SKIP() << kQroo << " not present";
  auto files = formats::ReadResultsFiles(kQroo);
  ASSERT_TRUE(files.ok());
  auto db = formats::PrepDatabase::Open(files->at(0).name, std::move(files->at(0).bytes));
  ASSERT_TRUE(db.ok());
  auto cat = formats::CatalogoFromDatabase(**db);
  ASSERT_TRUE(cat.ok());
  auto r = GuionDeBase(**db, *cat);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->filas, 2136u);
  EXPECT_EQ(r->guion.actas.size(), 2136u);
  EXPECT_EQ(r->offset_minutos, -300);
  const int64_t corte = DiasDesdeCivil(2019, 6, 3) * kMsPorDia + (10 * 60 + 47) * kMsPorMinuto;
  EXPECT_EQ(r->corte_utc_ms, corte);
  // IEQROO typed some acopio times after the corte (12:49 for 00:49) and a
  // few the morning before the polls opened: the later ones are moved to the
  // corte; the night keeps its 30 hours.
  EXPECT_GT(r->fuera_de_la_noche, 0u);
  const auto [desde, hasta] = r->guion.Intervalo();
  EXPECT_LE(hasta, corte);
  EXPECT_GE(desde, corte - kNocheMaximaMs);

  // Row 1 (file line 8): 230085B010002, captured and counted, both captures
  // equal to the published cells, verified at its published time 03:07:10.
  const ActaGuion& a = r->guion.actas.front();
  EXPECT_EQ(a.clave, "230085B010002");
  EXPECT_FALSE(a.sin_acta.has_value());
  EXPECT_EQ(a.mecanismos_traslado, "F");
  std::vector<Fase> fases;
  for (const auto& p : a.pasos) fases.push_back(p.fase);
  EXPECT_EQ(fases, (std::vector<Fase>{Fase::kAcopio, Fase::kDigitalizacion, Fase::kCaptura,
                                      Fase::kCaptura, Fase::kVerificacion}));
  EXPECT_EQ(a.pasos[2].valores, a.valores);
  EXPECT_EQ(a.pasos[3].valores, a.valores);
  EXPECT_NE(a.pasos[2].operador, a.pasos[3].operador);
  EXPECT_EQ(a.valores[0], domain::CaptureValue::Count(7));  // PAN 7
  EXPECT_EQ(a.pasos.back().at_ms, corte - (2 * 60 + 39) * kMsPorMinuto - 50 * 1000);

  // The second row has SIN DATO cells, typed as such; columns that do not
  // run there ("-") are typed 0.
  const ActaGuion& b = r->guion.actas[1];
  EXPECT_EQ(b.clave, "230085C010002");
  EXPECT_EQ(b.valores[10].kind, domain::CaptureKind::kSinDato);
  size_t sin_acta = 0, con_captura = 0;
  for (const auto& x : r->guion.actas) {
    if (x.sin_acta) {
      ++sin_acta;
      ASSERT_EQ(x.pasos.size(), 1u) << x.clave;
      EXPECT_EQ(x.pasos[0].fase, Fase::kAcopio);
    }
    for (const auto& p : x.pasos) con_captura += p.fase == Fase::kVerificacion;
  }
  EXPECT_EQ(sin_acta + con_captura, 2136u);  // every row of this file was registered
}

}  // namespace
}  // namespace prep::sim
