// The workflow rules of the proceso técnico operativo, on a two-casilla
// catálogo, through Proponer (check) and Aplicar (apply) as the server will.
#include "ops/operaciones.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace prep::ops {
namespace {

using domain::CaptureValue;
using domain::Observacion;

domain::Catalogo Catalogo() {
  domain::Catalogo c;
  c.columns = domain::ContestColumns({{"PAN", ""}, {"PRI", ""}}, {}, 0);  // PAN PRI NR NULOS
  domain::Casilla b;
  b.id = {5, 1, domain::TipoCasilla::kBasica, 1, 0};
  b.lista_nominal = 500;
  b.representantes.propietarios_locales = 4;
  domain::Casilla s = b;
  s.id.tipo = domain::TipoCasilla::kEspecial;
  s.lista_nominal = 0;
  s.boletas_especial = 750;
  c.casillas = {b, s};
  c.actas.push_back({{b.id, "2"}, "", domain::ActaKind::kMayoriaRelativa, 0});
  c.actas.push_back({{s.id, "2"}, "", domain::ActaKind::kMayoriaRelativa, 1});
  return c;
}

const std::string kB = "050001B01002";
const std::string kS = "050001S01002";
const std::string kSha(64, 'a');

std::vector<CaptureValue> V(int64_t pan, int64_t pri, int64_t nr, int64_t nulos) {
  return {CaptureValue::Count(pan), CaptureValue::Count(pri), CaptureValue::Count(nr),
          CaptureValue::Count(nulos)};
}

class OperacionesTest : public ::testing::Test {
 protected:
  explicit OperacionesTest(Ajustes a = {}) : ops_(Catalogo(), a) {}

  // Proposes and, if allowed, applies (as the server does after Append).
  Status Hacer(const std::string& usuario, const std::string& clave, Paso paso) {
    Solicitud s{clave, std::move(paso), 1000 * (seq_ + 1), "k" + std::to_string(seq_)};
    auto draft = ops_.Proponer({usuario, "CATD01"}, s);
    if (!draft.ok()) return draft.status();
    store::Event e;
    static_cast<store::EventDraft&>(e) = *draft;
    e.seq = ++seq_;
    log_.push_back(e);
    return ops_.Aplicar(e);
  }

  void HastaDosCapturas(const std::string& clave, std::vector<CaptureValue> a,
                        std::vector<CaptureValue> b) {
    ASSERT_TRUE(Hacer("acopiador", clave, Acopio{std::nullopt, "F", 500}).ok());
    ASSERT_TRUE(Hacer("digitalizador", clave, Digitalizacion{kSha, "CATD", "ESCANER", 1234}).ok());
    ASSERT_TRUE(Hacer("ana", clave, Captura{std::move(a)}).ok());
    ASSERT_TRUE(Hacer("beto", clave, Captura{std::move(b)}).ok());
  }

  Operaciones ops_;
  std::vector<store::Event> log_;
  int64_t seq_ = 0;
};

TEST_F(OperacionesTest, EqualCapturesThenVerificationGiveAContabilizadaActa) {
  HastaDosCapturas(kB, V(100, 80, 1, 4), V(100, 80, 1, 4));
  const Expediente* x = ops_.Buscar(kB);
  ASSERT_NE(x, nullptr);
  EXPECT_TRUE(x->acordados.has_value());
  EXPECT_FALSE(x->Discrepancia());
  EXPECT_FALSE(ops_.Clasificacion(kB).has_value());  // not before verificación
  ASSERT_TRUE(Hacer("vero", kB, Verificacion{true, {}, ""}).ok());
  auto c = ops_.Clasificacion(kB);
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(c->contabilizada);
  EXPECT_EQ(c->total_votos_calculado, 185);
  EXPECT_TRUE(x->correcciones.empty());
}

TEST_F(OperacionesTest, DifferentCapturesNeedTheVerificadorsValuesAndKeepBeforeAndAfter) {
  HastaDosCapturas(kB, V(100, 80, 1, 4), V(100, 88, 1, 4));
  EXPECT_TRUE(ops_.Buscar(kB)->Discrepancia());
  const Status accept = Hacer("vero", kB, Verificacion{true, {}, ""});
  EXPECT_FALSE(accept.ok());
  EXPECT_NE(accept.message().find("difieren"), std::string::npos);
  ASSERT_TRUE(
      Hacer("vero", kB, Verificacion{false, V(100, 80, 1, 4), "se lee 80 en la imagen"}).ok());
  const Expediente* x = ops_.Buscar(kB);
  ASSERT_EQ(x->correcciones.size(), 1u);
  EXPECT_EQ(x->correcciones[0].antes, V(100, 80, 1, 4));  // the first capture
  EXPECT_EQ(x->correcciones[0].despues, V(100, 80, 1, 4));
  EXPECT_EQ(ops_.Clasificacion(kB)->total_votos_calculado, 185);
}

TEST_F(OperacionesTest, SamePersonCannotCaptureTwiceNorVerifyWhatSheCaptured) {
  ASSERT_TRUE(Hacer("acopiador", kB, Acopio{std::nullopt, "", 500}).ok());
  ASSERT_TRUE(Hacer("digitalizador", kB, Digitalizacion{kSha, "CASILLA", "MOVIL", 10}).ok());
  ASSERT_TRUE(Hacer("ana", kB, Captura{V(1, 2, 0, 0)}).ok());
  EXPECT_FALSE(Hacer("ana", kB, Captura{V(1, 2, 0, 0)}).ok());
  ASSERT_TRUE(Hacer("beto", kB, Captura{V(1, 2, 0, 0)}).ok());
  EXPECT_FALSE(Hacer("carla", kB, Captura{V(1, 2, 0, 0)}).ok());  // already two
  const Status own = Hacer("ana", kB, Verificacion{true, {}, ""});
  EXPECT_FALSE(own.ok());
  EXPECT_NE(own.message().find("otra persona debe verificarla"), std::string::npos);
}

TEST_F(OperacionesTest, CaptureNeedsAnImage) {
  ASSERT_TRUE(Hacer("acopiador", kB, Acopio{std::nullopt, "", 500}).ok());
  EXPECT_FALSE(Hacer("ana", kB, Captura{V(1, 2, 0, 0)}).ok());
}

TEST_F(OperacionesTest, RefusedRequestsChangeNothing) {
  HastaDosCapturas(kB, V(1, 2, 0, 0), V(1, 2, 0, 0));
  const size_t before = log_.size();
  EXPECT_FALSE(Hacer("carla", kB, Captura{{CaptureValue::Count(1)}}).ok());  // 1 field, not 4
  EXPECT_FALSE(Hacer("carla", kB, Captura{V(-1, 2, 0, 0)}).ok());            // negative
  EXPECT_FALSE(Hacer("carla", kB, Captura{V(1000000, 2, 0, 0)}).ok());       // absurd
  EXPECT_FALSE(Hacer("acopiador", kB, Acopio{std::nullopt, "", 1}).ok());    // second sobre
  EXPECT_FALSE(Hacer("acopiador", kS, Acopio{std::nullopt, "X", 1}).ok());   // bad mecanismo
  EXPECT_FALSE(Hacer("dig", kB, Digitalizacion{"nothex", "CATD", "ESCANER", 1}).ok());
  EXPECT_FALSE(Hacer("cot", kB, Cotejo{1}).ok());  // not verified yet
  EXPECT_EQ(log_.size(), before);
  EXPECT_EQ(ops_.Buscar(kB)->capturas.size(), 2u);
  EXPECT_EQ(ops_.Buscar(kS), nullptr);
}

TEST_F(OperacionesTest, IlegibleAndSinDatoAreCapturedAndClassified) {
  std::vector<CaptureValue> v = {CaptureValue::Ilegible(), CaptureValue::Count(80),
                                 CaptureValue::SinDato(), CaptureValue::Count(3)};
  HastaDosCapturas(kB, v, v);
  ASSERT_TRUE(Hacer("vero", kB, Verificacion{true, {}, ""}).ok());
  auto c = ops_.Clasificacion(kB);
  EXPECT_TRUE(c->contabilizada);
  EXPECT_EQ(c->observaciones,
            (domain::ObservacionSet{Observacion::kIlegible, Observacion::kSinDato}));
}

TEST_F(OperacionesTest, ExcedeListaNominalIsCapturedAsIsAndNotCounted) {
  HastaDosCapturas(kB, V(400, 105, 0, 0), V(400, 105, 0, 0));  // 505 > 500 + 4
  ASSERT_TRUE(Hacer("vero", kB, Verificacion{true, {}, ""}).ok());
  auto c = ops_.Clasificacion(kB);
  EXPECT_FALSE(c->contabilizada);
  EXPECT_TRUE(c->observaciones.Has(Observacion::kExcedeListaNominal));
}

TEST_F(OperacionesTest, CasillaEspecialUsesItsBoletas) {
  HastaDosCapturas(kS, V(700, 50, 0, 4), V(700, 50, 0, 4));  // 754 = 750 + 4
  ASSERT_TRUE(Hacer("vero", kS, Verificacion{true, {}, ""}).ok());
  EXPECT_TRUE(ops_.Clasificacion(kS)->contabilizada);
}

TEST_F(OperacionesTest, SinActaIsClassifiedWithItsReasonAndCannotBeCaptured) {
  ASSERT_TRUE(
      Hacer("acopiador", kB, Acopio{domain::SinActaMotivo::kPaqueteNoEntregado, "", 1}).ok());
  EXPECT_FALSE(Hacer("dig", kB, Digitalizacion{kSha, "CATD", "ESCANER", 1}).ok());
  auto c = ops_.Clasificacion(kB);
  ASSERT_TRUE(c.has_value());
  EXPECT_FALSE(c->contabilizada);
  EXPECT_EQ(c->sin_acta_motivo, domain::SinActaMotivo::kPaqueteNoEntregado);
}

TEST_F(OperacionesTest, FueraDeCatalogoIsRegisteredButNotCaptured) {
  const std::string fuera = "059999C01002";
  ASSERT_TRUE(Hacer("acopiador", fuera, Acopio{std::nullopt, "", 1}).ok());
  ASSERT_TRUE(Hacer("dig", fuera, Digitalizacion{kSha, "CATD", "ESCANER", 1}).ok());
  EXPECT_FALSE(Hacer("ana", fuera, Captura{V(1, 1, 0, 0)}).ok());
  auto c = ops_.Clasificacion(fuera);
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(c->observaciones.Has(Observacion::kFueraDeCatalogo));
}

TEST_F(OperacionesTest, RecapturaStartsANewRoundWithNewPeople) {
  HastaDosCapturas(kB, V(1, 2, 0, 0), V(1, 2, 0, 0));
  ASSERT_TRUE(Hacer("vero", kB, Verificacion{true, {}, ""}).ok());
  ASSERT_TRUE(Hacer("vero", kB, OrdenRecaptura{"suma no cuadra"}).ok());
  const Expediente* x = ops_.Buscar(kB);
  EXPECT_FALSE(x->verificada);
  EXPECT_TRUE(x->capturas.empty());
  EXPECT_EQ(x->ronda, 1);
  ASSERT_TRUE(Hacer("carla", kB, Captura{V(3, 2, 0, 0)}).ok());
  ASSERT_TRUE(Hacer("dani", kB, Captura{V(3, 2, 0, 0)}).ok());
  ASSERT_TRUE(Hacer("vero", kB, Verificacion{true, {}, ""}).ok());
  EXPECT_EQ(ops_.Clasificacion(kB)->total_votos_calculado, 5);
}

TEST_F(OperacionesTest, RedigitalizacionKeepsEveryImage) {
  HastaDosCapturas(kB, V(1, 2, 0, 0), V(1, 2, 0, 0));
  ASSERT_TRUE(Hacer("vero", kB, OrdenRedigitalizacion{"imagen borrosa"}).ok());
  EXPECT_FALSE(Hacer("carla", kB, Captura{V(1, 2, 0, 0)}).ok());  // no usable image yet
  ASSERT_TRUE(Hacer("dig", kB, Digitalizacion{std::string(64, 'b'), "CATD", "ESCANER", 99}).ok());
  const Expediente* x = ops_.Buscar(kB);
  ASSERT_EQ(x->imagenes.size(), 2u);
  EXPECT_EQ(x->imagenes[0].sha256, kSha);
  EXPECT_EQ(x->imagenes[1].sha256, std::string(64, 'b'));
  EXPECT_TRUE(Hacer("carla", kB, Captura{V(1, 2, 0, 0)}).ok());
}

TEST_F(OperacionesTest, CotejoAfterVerificacion) {
  HastaDosCapturas(kB, V(1, 2, 0, 0), V(1, 2, 0, 0));
  ASSERT_TRUE(Hacer("vero", kB, Verificacion{true, {}, ""}).ok());
  EXPECT_FALSE(Hacer("coty", kB, Cotejo{4}).ok());
  ASSERT_TRUE(Hacer("coty", kB, Cotejo{1}).ok());
  EXPECT_EQ(ops_.Buscar(kB)->cotejo, 1);
}

TEST_F(OperacionesTest, StateRebuiltFromTheLogIsTheSame) {
  HastaDosCapturas(kB, V(100, 80, 1, 4), V(100, 88, 1, 4));
  ASSERT_TRUE(Hacer("vero", kB, Verificacion{false, V(100, 80, 1, 4), ""}).ok());
  ASSERT_TRUE(Hacer("acopiador", kS, Acopio{domain::SinActaMotivo::kSinSobre, "D-F", 9}).ok());
  Operaciones replay(Catalogo(), Ajustes{});
  for (const auto& e : log_) ASSERT_TRUE(replay.Aplicar(e).ok());
  for (const std::string& k : {kB, kS}) {
    EXPECT_EQ(replay.Clasificacion(k)->contabilizada, ops_.Clasificacion(k)->contabilizada) << k;
    EXPECT_EQ(replay.Clasificacion(k)->total_votos_calculado,
              ops_.Clasificacion(k)->total_votos_calculado);
  }
  EXPECT_EQ(replay.Buscar(kB)->correcciones.size(), 1u);
  EXPECT_EQ(replay.Buscar(kS)->mecanismos_traslado, "D-F");
}

TEST_F(OperacionesTest, CorruptEventIsReported) {
  store::Event e;
  e.seq = 7;
  e.type = "captura";
  e.acta = kB;
  e.payload = "{\"valores\": [1, \"x\"]}";
  EXPECT_FALSE(ops_.Aplicar(e).ok());
  e.payload = "not json";
  EXPECT_FALSE(ops_.Aplicar(e).ok());
  e.type = "captura";
  e.payload = "{}";
  EXPECT_FALSE(ops_.Aplicar(e).ok());
}

class TerceraCapturaTest : public OperacionesTest {
 protected:
  TerceraCapturaTest() : OperacionesTest(Ajustes{Desempate::kTerceraCaptura, {}, {}}) {}
};

TEST_F(TerceraCapturaTest, AThirdCaptureSettlesEachField) {
  HastaDosCapturas(kB, V(100, 80, 1, 4), V(100, 88, 1, 4));
  EXPECT_FALSE(Hacer("vero", kB, Verificacion{false, V(100, 80, 1, 4), "x"}).ok());  // third first
  ASSERT_TRUE(Hacer("carla", kB, Captura{V(100, 80, 1, 5)}).ok());
  const Expediente* x = ops_.Buscar(kB);
  ASSERT_TRUE(x->acordados.has_value());
  EXPECT_EQ(*x->acordados, V(100, 80, 1, 4));  // PRI from ana+carla, NULOS from ana+beto
  ASSERT_TRUE(Hacer("vero", kB, Verificacion{true, {}, ""}).ok());
  EXPECT_EQ(ops_.Clasificacion(kB)->total_votos_calculado, 185);
}

// The same flow through the real SQLite event log, then rebuilt from it.
TEST(OperacionesConStore, AppendThenReplayFromTheFile) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("prep_ops_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "prep.sqlite").string();
  {
    auto st = store::OpenSqliteStore(path);
    ASSERT_TRUE(st.ok());
    Operaciones ops(Catalogo(), {});
    int n = 0;
    auto hacer = [&](const std::string& u, Paso p) {
      auto d =
          ops.Proponer({u, "CATD01"}, Solicitud{kB, std::move(p), 1000, "k" + std::to_string(n++)});
      ASSERT_TRUE(d.ok()) << d.status().message();
      auto r = (*st)->Append(*d);
      ASSERT_TRUE(r.ok());
      ASSERT_TRUE(ops.Aplicar(r->event).ok());
    };
    hacer("acopiador", Acopio{std::nullopt, "F", 1});
    hacer("dig", Digitalizacion{kSha, "CATD", "ESCANER", 5});
    hacer("ana", Captura{V(10, 20, 0, 1)});
    hacer("beto", Captura{V(10, 20, 0, 1)});
    hacer("vero", Verificacion{true, {}, ""});
  }
  auto st = store::OpenSqliteStore(path);
  ASSERT_TRUE(st.ok());
  Operaciones rebuilt(Catalogo(), {});
  auto events = (*st)->Read(1, 100);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->size(), 5u);
  for (const auto& e : *events) ASSERT_TRUE(rebuilt.Aplicar(e).ok());
  EXPECT_EQ(rebuilt.Clasificacion(kB)->total_votos_calculado, 31);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace prep::ops

namespace prep::ops {
namespace {

// A column that does not run where the acta is (here PRI: say, a candidatura
// registered elsewhere) is published as "-"; the classification must not see
// its 0, or an acta whose every real field is ILEGIBLE would pass for one with
// a legible 0 and be counted.
class ColumnasQueNoCorrenTest : public OperacionesTest {
 protected:
  static Ajustes ConPriFuera() {
    Ajustes a;
    a.columnas_por_distrito[0] = {1, 0, 1, 1};  // PAN, (PRI no), NR, NULOS
    return a;
  }
  ColumnasQueNoCorrenTest() : OperacionesTest(ConPriFuera()) {}
};

TEST_F(ColumnasQueNoCorrenTest, AllRunningFieldsIlegibleIsTodosIlegibles) {
  const std::vector<CaptureValue> v = {CaptureValue::Ilegible(), CaptureValue::Count(0),
                                       CaptureValue::Ilegible(), CaptureValue::Ilegible()};
  HastaDosCapturas(kB, v, v);
  ASSERT_TRUE(Hacer("vero", kB, Verificacion{true, {}, ""}).ok());
  auto c = ops_.Clasificacion(kB);
  ASSERT_TRUE(c.has_value());
  EXPECT_FALSE(c->contabilizada);
  EXPECT_TRUE(c->observaciones.Has(Observacion::kTodosIlegibles));
}

TEST(ColumnasQueCorren, WithoutTheSettingEveryColumnCounts) {
  // The same acta where PRI runs: its 0 is a legible field, so the acta is
  // counted with an ILEGIBLE observation.
  Operaciones ops(Catalogo(), Ajustes{});
  const std::vector<CaptureValue> v = {CaptureValue::Ilegible(), CaptureValue::Count(0),
                                       CaptureValue::Ilegible(), CaptureValue::Ilegible()};
  int64_t seq = 0;
  auto hacer = [&](const std::string& u, Paso p) {
    auto d = ops.Proponer({u, "CATD01"}, {kB, std::move(p), 1000, "k" + std::to_string(seq)});
    ASSERT_TRUE(d.ok()) << d.status().message();
    store::Event e;
    static_cast<store::EventDraft&>(e) = *d;
    e.seq = ++seq;
    ASSERT_TRUE(ops.Aplicar(e).ok());
  };
  hacer("acopiador", Acopio{std::nullopt, "F", 500});
  hacer("digitalizador", Digitalizacion{kSha, "CATD", "ESCANER", 1});
  hacer("ana", Captura{v});
  hacer("beto", Captura{v});
  hacer("vero", Verificacion{true, {}, ""});
  auto c = ops.Clasificacion(kB);
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(c->contabilizada);
  EXPECT_TRUE(c->observaciones.Has(Observacion::kIlegible));
}

TEST_F(OperacionesTest, SinActaWithoutAReasonIsRecordedAndReplayed) {
  // Databases before 2021 publish "Sin Acta" with no reason; a replay records it so.
  ASSERT_TRUE(Hacer("acopiador", kB, Acopio{domain::SinActaMotivo::kNoEspecificado, "", 500}).ok());
  Operaciones otra(Catalogo(), {});
  for (const auto& e : log_) ASSERT_TRUE(otra.Aplicar(e).ok());
  for (const Operaciones* o : {&ops_, &otra}) {
    auto c = o->Clasificacion(kB);
    ASSERT_TRUE(c.has_value());
    EXPECT_FALSE(c->contabilizada);
    EXPECT_TRUE(c->observaciones.Has(Observacion::kSinActa));
    EXPECT_EQ(c->sin_acta_motivo, domain::SinActaMotivo::kNoEspecificado);
  }
  EXPECT_NE(log_.back().payload.find("\"sin_acta\":-1"), std::string::npos) << log_.back().payload;
}

}  // namespace
}  // namespace prep::ops
