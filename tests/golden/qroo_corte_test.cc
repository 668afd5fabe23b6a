// Golden test of the publication engine on real data: the Quintana Roo 2019
// final database (../shared/data/qroo2019-prep-final). Every acta row becomes
// an ActaPublicada classified by OUR classifier (as the operation would), the
// corte is built and published, and:
//  * `prep check` on the zip we wrote agrees with it completely (summary block,
//    per-column totals, every acta's classification);
//  * against the publisher's file, as `prep check` recomputes it, the counts
//    that do not depend on the classifier are equal, and ACTAS_CONTABILIZADAS,
//    LISTA_NOMINAL_ACTAS_CONTABILIZADAS, TOTAL_VOTOS_* and each column differ
//    by exactly the actas `prep check` reports as disagreeing (6 in this file:
//    contabilizadas by IEQROO although their votes exceed the lista nominal
//    plus representantes; see tests/golden/shared_data_test.cc).
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "check/check.h"
#include "formats/catalogo.h"
#include "formats/prep_database.h"
#include "formats/source.h"
#include "publish/motor.h"
#include "publish/publicador.h"
#include "publish/verificar.h"

namespace prep::publish {
namespace {

namespace fs = std::filesystem;
using domain::SummaryField;

constexpr char kQroo[] = PREP_SHARED_DATA "/qroo2019-prep-final/20190603_0547_PREP_DIP_QROO.zip";

TEST(QrooCorteTest, OurCorteOfTheRealActasMatchesPrepCheck) {
  if (!fs::exists(kQroo)) GTEST_SKIP() << kQroo << " not present";
  auto files = formats::ReadResultsFiles(kQroo);
  ASSERT_TRUE(files.ok()) << files.status().message();
  const std::string nombre = files->at(0).name;
  auto db = formats::PrepDatabase::Open(nombre, std::move(files->at(0).bytes));
  ASSERT_TRUE(db.ok()) << db.status().message();
  auto original = check::CheckDatabase(**db, {});
  ASSERT_TRUE(original.ok()) << original.status().message();

  auto k = std::make_shared<Contienda>();
  auto cat = formats::CatalogoFromDatabase(**db);
  ASSERT_TRUE(cat.ok()) << cat.status().message();
  k->catalogo = std::move(*cat);
  k->catalogo.RebuildIndex();
  k->clave_eleccion = "DIP_LOC";
  k->entidad_siglas = "QROO";
  k->anio = 2019;
  // The conventions prep check finds in this file.
  ASSERT_EQ(original->inconsistencias, "LEEME+TODOS");
  k->tally.inconsistencias = domain::PublishedInconsistencias();
  k->tally.participacion = domain::Participacion::kAnexo13;

  // Row by row, as the operation would have recorded them, classified by us.
  std::vector<ActaPublicada> actas;
  std::vector<ActaPublicada> fuera;
  std::vector<int64_t> delta_votos(k->catalogo.columns.size(), 0);
  int64_t delta_contabilizadas = 0, delta_ln = 0, delta_total = 0;
  int64_t discrepan = 0;
  Status st = (*db)->ForEachActa([&](const formats::ActaRecord& r) -> Status {
    ActaPublicada a;
    a.clave_acta = std::string(r.clave_acta);
    if (r.kind != formats::RowKind::kFueraDeCatalogo)
      a.acta_index = k->catalogo.FindActa(r.clave_acta);
    if (r.kind != formats::RowKind::kFueraDeCatalogo && !a.acta_index) {
      return Status::Internal(a.clave_acta + ": not in the derived catálogo");
    }
    a.capturada =
        r.kind == formats::RowKind::kContabilizada || r.kind == formats::RowKind::kNoContabilizada;
    a.votos = r.votos;
    a.aplica = r.aplica;
    if (a.capturada) {
      domain::ActaCaptura c;
      for (size_t i = 0; i < r.votos.size(); ++i) {
        if (r.aplica[i]) c.votos.push_back(r.votos[i]);
      }
      if (r.observacion.set.Has(domain::Observacion::kSinActa)) c.sin_acta = r.observacion.motivo;
      domain::ActaLimits lim;
      lim.lista_nominal = r.lista_nominal;
      lim.representantes = r.representantes;
      lim.especial = r.tipo_casilla == domain::TipoCasilla::kEspecial;
      if (!r.lista_nominal_known && !lim.especial) lim.especial = true;  // as prep check does
      a.clasificacion = domain::Classify(c, lim);
      if (c.sin_acta) a.votos.clear();
      const bool publicada = r.kind == formats::RowKind::kContabilizada;
      if (a.clasificacion.contabilizada != publicada) {
        ++discrepan;
        const int s = a.clasificacion.contabilizada ? 1 : -1;
        delta_contabilizadas += s;
        delta_ln += s * r.lista_nominal;
        delta_total += s * a.clasificacion.total_votos_calculado;
        for (size_t i = 0; i < r.votos.size(); ++i) delta_votos[i] += s * r.votos[i].Votes();
      }
    }
    (a.acta_index ? actas : fuera).push_back(std::move(a));
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.message();
  // Catálogo order, then fuera de catálogo, as Instantanea gives them.
  std::sort(actas.begin(), actas.end(), [](const ActaPublicada& x, const ActaPublicada& y) {
    return *x.acta_index < *y.acta_index;
  });
  for (auto& a : fuera) actas.push_back(std::move(a));
  EXPECT_EQ(discrepan, original->reclassification.disagree);
  EXPECT_EQ(discrepan, 6);

  CorteInfo info;
  info.id = "20190603_0547";
  info.instante_utc_ms = 1559558820000;  // 2019-06-03 05:47 at UTC-5
  info.offset_minutos = -300;
  info.final = true;
  const Corte corte = ArmarCorte(info, k, std::move(actas));

  // Against the publisher's file as prep check recomputes it.
  const domain::SummaryBlock& pub = original->recomputed;
  for (SummaryField f : {SummaryField::kActasEsperadas, SummaryField::kActasRegistradas,
                         SummaryField::kActasFueraCatalogo, SummaryField::kActasCapturadas,
                         SummaryField::kPorcentajeActasCapturadas}) {
    EXPECT_EQ(corte.resumen.Get(f), pub.Get(f)) << domain::SummaryFieldName(f);
  }
  EXPECT_EQ(corte.resumen.Get(SummaryField::kActasContabilizadas),
            pub.Get(SummaryField::kActasContabilizadas) + delta_contabilizadas);
  EXPECT_EQ(corte.resumen.Get(SummaryField::kActasContabilizadas), 2025);
  EXPECT_EQ(corte.resumen.Get(SummaryField::kListaNominalActasContabilizadas),
            pub.Get(SummaryField::kListaNominalActasContabilizadas) + delta_ln);
  EXPECT_EQ(corte.resumen.Get(SummaryField::kTotalVotosConCasillasEspeciales),
            pub.Get(SummaryField::kTotalVotosConCasillasEspeciales) + delta_total);
  ASSERT_EQ(original->columns.size(), corte.catalogo().columns.size());
  for (size_t i = 0; i < original->columns.size(); ++i) {
    EXPECT_EQ(corte.tally.entidad.votos[i], original->columns[i].second + delta_votos[i])
        << original->columns[i].first;
  }

  // Published, then read back by prep check and by prep verify.
  const fs::path pubdir = fs::temp_directory_path() / ("prep_qroo_" + std::to_string(::getpid()));
  fs::remove_all(pubdir);
  OpcionesPublicador o;
  o.raiz = pubdir.string();
  o.claves = NuevasClaves();
  o.reloj = [] { return int64_t{1559558900000}; };
  for (DialectoBase d : {DialectoBase::kIeqroo2019, DialectoBase::kIne2024}) {
    fs::remove_all(pubdir);
    o.dialecto = d;
    auto p = Publicador::Abrir(o);
    ASSERT_TRUE(p.ok()) << p.status().message();
    auto r = (*p)->Publicar(corte);
    ASSERT_TRUE(r.ok()) << r.status().message();
    auto reports = check::CheckPath(r->carpeta + "/" + NombresDe(corte).zip, {});
    ASSERT_TRUE(reports.ok()) << reports.status().message();
    ASSERT_EQ(reports->size(), 1u);
    const check::CheckReport& ours = reports->front();
    EXPECT_EQ(ours.ExitCode(), 0) << check::FormatHuman(ours);
    EXPECT_EQ(ours.recomputed, corte.resumen) << NombreDialecto(d);
    EXPECT_EQ(ours.reclassification.disagree, 0) << NombreDialecto(d);
    EXPECT_EQ(ours.reclassification.agree, original->reclassification.agree + discrepan);
    for (size_t i = 0; i < ours.columns.size(); ++i) {
      EXPECT_EQ(ours.columns[i].second, corte.tally.entidad.votos[i]) << ours.columns[i].first;
    }
    auto fuente = FuenteCarpeta(pubdir.string());
    auto v = VerificarEspejo(*fuente, {o.claves.publica, false});
    ASSERT_TRUE(v.ok()) << v.status().message();
    EXPECT_EQ(v->actas, corte.actas.size());
  }
  fs::remove_all(pubdir);
}

}  // namespace
}  // namespace prep::publish
