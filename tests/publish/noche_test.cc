// A whole election night through the publication engine, with an injected
// clock: a real SQLite event log written by the workflow (ops), the
// scheduler ticking every minute from before the start to after the close,
// and everything published checked by the two tools a citizen would use:
// `prep check` on every database zip and `prep verify` on the whole mirror.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "base/tiempo.h"
#include "check/check.h"
#include "formats/election_config.h"
#include "http/client.h"
#include "http/server.h"
#include "http/static_files.h"
#include "imagen_de_prueba.h"
#include "ops/operaciones.h"
#include "publish/motor.h"
#include "publish/verificar.h"
#include "store/imagenes.h"
#include "store/store.h"

namespace prep::publish {
namespace {

namespace fs = std::filesystem;
using domain::CaptureValue;

constexpr int64_t kMinuto = 60 * 1000;

std::string Leer(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}
void Escribir(const fs::path& p, const std::string& b) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << b;
}

struct Parametros {
  DialectoBase dialecto;
  bool simulacro;
};

// The election of tests/data/config/small.toml (7 casillas, 8 actas, two
// distritos, a coalición, candidaturas independientes), its log and its images.
class Eleccion {
 public:
  explicit Eleccion(const fs::path& dir) : dir_(dir) {
    auto c = formats::ReadElectionConfig(PREP_SOURCE_DIR "/tests/data/config/small.toml");
    EXPECT_TRUE(c.ok()) << c.status().message();
    config_ = *c;
    contienda_ = ContiendaDe(config_);
    ajustes_.clasificador = config_.clasificador;
    ops_ = std::make_unique<ops::Operaciones>(contienda_->catalogo, ajustes_);
    auto s = store::OpenSqliteStore((dir / "prep.sqlite").string());
    EXPECT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
  }

  std::string Clave(size_t i) const {
    const auto& a = contienda_->catalogo.actas[i];
    return a.clave.empty() ? a.id.Clave() : a.clave;
  }
  size_t Actas() const { return contienda_->catalogo.actas.size(); }
  size_t Columnas() const { return contienda_->catalogo.columns.size(); }

  void Paso(const std::string& usuario, const std::string& clave, ops::Paso paso, int64_t at) {
    ops::Solicitud s{clave, std::move(paso), at, "k" + std::to_string(++claves_)};
    auto d = ops_->Proponer({usuario, "CCV1"}, s);
    ASSERT_TRUE(d.ok()) << clave << ": " << d.status().message();
    auto e = store_->Append(*d);
    ASSERT_TRUE(e.ok()) << e.status().message();
    ASSERT_TRUE(ops_->Aplicar(e->event).ok());
  }

  // Acopio, an image, two equal captures and a verificación that accepts them.
  void Completa(const std::string& clave, const std::vector<CaptureValue>& votos, int64_t at) {
    Paso("acopiador", clave, ops::Acopio{std::nullopt, "D", at}, at);
    const std::string png = testing::PngDePrueba("acta " + clave);
    auto img = store::GuardarImagen((dir_ / "imagenes").string(), png);
    ASSERT_TRUE(img.ok());
    Paso("digitalizador", clave, ops::Digitalizacion{img->sha256, "CATD", "ESCANER", img->bytes},
         at);
    Paso("capturista1", clave, ops::Captura{votos}, at);
    Paso("capturista2", clave, ops::Captura{votos}, at);
    Paso("verificador", clave, ops::Verificacion{true, {}, ""}, at);
  }

  std::vector<CaptureValue> Votos(int64_t base) const {
    std::vector<CaptureValue> v;
    for (size_t i = 0; i < Columnas(); ++i) v.push_back(CaptureValue::Count(base + i));
    return v;
  }

  OpcionesMotor Opciones(const Parametros& p, const ParClaves& claves, int64_t* reloj) const {
    OpcionesMotor o;
    o.contienda = contienda_;
    o.ajustes = ajustes_;
    o.acuerdos = config_.acuerdos;
    o.publicador.raiz = (dir_ / "pub").string();
    o.publicador.carpeta_imagenes = (dir_ / "imagenes").string();
    o.publicador.dialecto = p.dialecto;
    o.publicador.claves = claves;
    o.publicador.simulacro = p.simulacro;
    o.publicador.reloj = [reloj] { return *reloj; };
    return o;
  }

  const formats::EleccionConfig& config() const { return config_; }
  store::Store& store() { return *store_; }

 private:
  fs::path dir_;
  formats::EleccionConfig config_;
  std::shared_ptr<const Contienda> contienda_;
  ops::Ajustes ajustes_;
  std::unique_ptr<ops::Operaciones> ops_;
  std::unique_ptr<store::Store> store_;
  int claves_ = 0;
};

class NocheTest : public ::testing::TestWithParam<Parametros> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("prep_noche_" + std::to_string(::getpid()) + "_" +
            std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
            std::string(NombreDialecto(GetParam().dialecto)));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_P(NocheTest, AWholeNightOnScheduleThenCheckedAndVerified) {
  const Parametros p = GetParam();
  Eleccion e(dir_);
  const formats::Acuerdos& a = e.config().acuerdos;
  const int64_t inicio = a.inicio_publicacion_utc_ms;
  const int64_t fin = a.ultima_actualizacion_utc_ms;
  const ParClaves claves = NuevasClaves();
  int64_t reloj = inicio - 60 * kMinuto;
  auto motor = MotorPublicacion::Abrir(e.Opciones(p, claves, &reloj), e.store());
  ASSERT_TRUE(motor.ok()) << motor.status().message();
  const Calendario& cal = (*motor)->calendario();
  const fs::path pub = dir_ / "pub";

  // When each acta becomes publishable; what the log says when.
  std::map<std::string, int64_t> verificada_en;
  const size_t n = e.Actas();
  ASSERT_GE(n, 8u);
  // Two actas before the start: in the first corte, not before it.
  e.Completa(e.Clave(0), e.Votos(10), inicio - 20 * kMinuto);
  verificada_en[e.Clave(0)] = inicio - 20 * kMinuto;
  std::map<int64_t, std::function<void()>> agenda;
  // Events stamped exactly at a corte's instant belong to it; a millisecond later, to the next.
  const int64_t t1 = cal.cortes()[3].instante_utc_ms;
  agenda[t1] = [&] {
    e.Completa(e.Clave(1), e.Votos(20), t1);
    verificada_en[e.Clave(1)] = t1;
    e.Completa(e.Clave(2), e.Votos(30), t1 + 1);
    verificada_en[e.Clave(2)] = t1 + 1;
  };
  const int64_t t2 = inicio + 5 * 60 * kMinuto + 7 * kMinuto;
  agenda[t2] = [&] {
    // Sin acta, and one outside the catálogo.
    e.Paso("acopiador", e.Clave(3), ops::Acopio{domain::SinActaMotivo::kPaqueteNoEntregado, "", t2},
           t2);
    verificada_en[e.Clave(3)] = t2;
    e.Paso("acopiador", "059999B0100002", ops::Acopio{std::nullopt, "F", t2}, t2);
    // Excede lista nominal: far more votes than voters.
    e.Completa(e.Clave(4), e.Votos(5000), t2);
    verificada_en[e.Clave(4)] = t2;
  };
  const int64_t t3 = inicio + 9 * 60 * kMinuto + 3 * kMinuto;
  agenda[t3] = [&] {
    // The first acta corrected: recaptura, then the verificador fixes a value.
    e.Paso("coordinador", e.Clave(0), ops::OrdenRecaptura{"suma no cuadra"}, t3);
    e.Paso("capturista3", e.Clave(0), ops::Captura{e.Votos(10)}, t3);
    e.Paso("capturista4", e.Clave(0), ops::Captura{e.Votos(10)}, t3);
    e.Paso("verificador", e.Clave(0),
           ops::Verificacion{false, e.Votos(11), "el PAN dice 11, no 10"}, t3);
  };

  std::vector<CortePublicado> publicados;
  std::vector<int64_t> publicado_en;
  for (reloj = inicio - 60 * kMinuto; reloj <= fin + 90 * kMinuto; reloj += kMinuto) {
    for (auto it = agenda.begin(); it != agenda.end() && it->first <= reloj;) {
      it->second();
      it = agenda.erase(it);
    }
    if (reloj < inicio) {
      ASSERT_FALSE(fs::exists(pub / "actual")) << "a corte before the start";
    }
    auto r = (*motor)->Tick(reloj);
    ASSERT_TRUE(r.ok()) << r.status().message();
    if (*r) {
      publicados.push_back(**r);
      publicado_en.push_back(reloj);
    }
  }
  ASSERT_TRUE(agenda.empty());

  // Exactly the scheduled cortes, in order, each published within a tick of its instant.
  ASSERT_EQ(publicados.size(), cal.cortes().size());
  for (size_t i = 0; i < publicados.size(); ++i) {
    const int64_t t = cal.cortes()[i].instante_utc_ms;
    EXPECT_EQ(publicados[i].id, FormatearFecha(t, a.offset_minutos, FormatoFecha::kIdCorte));
    EXPECT_GE(publicado_en[i], t);
    EXPECT_LE(publicado_en[i], t + 2 * kMinuto);
  }
  EXPECT_TRUE((*motor)->cerrado());
  // Nothing after the final corte: the folder holds exactly the cortes and the index.
  size_t carpetas = 0;
  for (const auto& d : fs::directory_iterator(pub / "cortes")) carpetas += d.is_directory();
  EXPECT_EQ(carpetas, cal.cortes().size());
  EXPECT_EQ(fs::read_symlink(pub / "actual"), fs::path("cortes") / publicados.back().id);

  // Each corte shows exactly the actas the log had at its instant.
  std::string ultimo_cambios;
  size_t con_zip = 0;
  for (size_t i = 0; i < publicados.size(); ++i) {
    const fs::path c = pub / "cortes" / publicados[i].id;
    const int64_t t = cal.cortes()[i].instante_utc_ms;
    std::istringstream lineas(Leer(c / "datos" / "actas.jsonl"));
    std::string linea;
    while (std::getline(lineas, linea)) {
      auto r = nlohmann::json::parse(linea);
      const std::string clave = r["clave_acta"];
      const std::string estado = r["estado"];
      if (estado == "fuera_de_catalogo") {
        EXPECT_GE(t, t2) << clave;
        continue;
      }
      auto v = verificada_en.find(clave);
      const bool deberia = v != verificada_en.end() && v->second <= t;
      EXPECT_EQ(estado != "sin_capturar", deberia) << publicados[i].id << " " << clave;
      if (clave == e.Clave(4) && deberia) {
        EXPECT_EQ(estado, "no_contabilizada");
      }
    }
    auto m = nlohmann::json::parse(Leer(c / "manifest.json"));
    EXPECT_EQ(m["simulacro"], p.simulacro);
    EXPECT_EQ(m["corte"]["final"], i + 1 == publicados.size());
    auto entidad = nlohmann::json::parse(Leer(c / "datos" / "entidad.json"));
    EXPECT_EQ(entidad["simulacro"], p.simulacro);
    const std::string html = Leer(c / "index.html");
    EXPECT_EQ(html.find("SIMULACRO") != std::string::npos, p.simulacro);
    if (cal.cortes()[i].base_de_datos) {
      ++con_zip;
      const std::string zip = m["corte"]["base_de_datos"];
      auto reports = check::CheckPath((c / zip).string(), {});
      ASSERT_TRUE(reports.ok()) << zip << ": " << reports.status().message();
      for (const auto& rep : *reports) {
        EXPECT_EQ(rep.ExitCode(), 0) << zip << "\n" << check::FormatHuman(rep);
        EXPECT_EQ(rep.reclassification.disagree, 0) << zip;
        EXPECT_EQ(rep.eleccion.find("SIMULACRO") != std::string::npos, p.simulacro);
      }
      if (t >= t2) {
        // Summary counts after t2: 8 esperadas; registered: 0,1,2 (verified), 3 (sin acta), 4.
        EXPECT_EQ((*reports)[0].recomputed.Get(domain::SummaryField::kActasFueraCatalogo), 1);
      }
    } else {
      EXPECT_TRUE(m["corte"]["base_de_datos"].is_null());
    }
    const std::string cambios = Leer(c / "datos" / "cambios.json");
    if (t >= t3 && t - t3 < 20 * kMinuto && ultimo_cambios.empty()) ultimo_cambios = cambios;
  }
  EXPECT_GT(con_zip, 0u);
  // The correction shows in the first corte after it, with its reason.
  auto cambios = nlohmann::json::parse(ultimo_cambios);
  ASSERT_EQ(cambios["corregidas"].size(), 1u) << ultimo_cambios;
  EXPECT_EQ(cambios["corregidas"][0]["clave_acta"], e.Clave(0));
  EXPECT_EQ(cambios["corregidas"][0]["motivo"], "el PAN dice 11, no 10");

  // prep verify: the whole chain passes.
  auto fuente = FuenteCarpeta(pub.string());
  auto v = VerificarEspejo(*fuente, {claves.publica, true});
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(v->cortes.size(), publicados.size());
  EXPECT_EQ(v->imagenes, 4u);
  EXPECT_EQ(v->simulacro, p.simulacro);
  // Another key is not trusted.
  EXPECT_FALSE(VerificarEspejo(*fuente, {NuevasClaves().publica, true}).ok());

  // Every precompressed sibling is a gzip of exactly its file (a browser given
  // index.html.gz sees index.html), inflated here by zlib, not by the writer's library.
  size_t gz = 0;
  for (const auto& f : fs::recursive_directory_iterator(pub / "cortes" / publicados.back().id)) {
    if (f.path().extension() != ".gz") continue;
    const std::string comprimido = Leer(f.path());
    z_stream z{};
    ASSERT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
    std::string claro(1 << 20, '\0');
    std::string todo;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(comprimido.data()));
    z.avail_in = static_cast<uInt>(comprimido.size());
    int rc = Z_OK;
    while (rc == Z_OK) {
      z.next_out = reinterpret_cast<Bytef*>(claro.data());
      z.avail_out = static_cast<uInt>(claro.size());
      rc = inflate(&z, Z_NO_FLUSH);
      todo.append(claro.data(), claro.size() - z.avail_out);
    }
    inflateEnd(&z);
    EXPECT_EQ(rc, Z_STREAM_END) << f.path();
    fs::path sin = f.path();
    sin.replace_extension();
    EXPECT_EQ(todo, Leer(sin)) << f.path();
    ++gz;
  }
  // Which files have a sibling: what a browser loads on its way to a sección
  // (the pages but the sección pages, estilo.css, buscar.js, entidad.json);
  // not the sección pages nor the other data files.
  const fs::path ultima = pub / "cortes" / publicados.back().id;
  size_t esperados = 0;
  for (const auto& f : fs::recursive_directory_iterator(ultima)) {
    if (!f.is_regular_file() || f.path().extension() == ".gz") continue;
    const std::string rel = fs::relative(f.path(), ultima).string();
    const std::string ext = f.path().extension().string();
    const bool pagina =
        (ext == ".html" || ext == ".css" || ext == ".js") && !rel.starts_with("secciones/");
    const bool debe = (pagina || rel == "datos/entidad.json") && f.file_size() >= 256;
    EXPECT_EQ(fs::exists(f.path().string() + ".gz"), debe) << rel;
    esperados += debe;
  }
  EXPECT_EQ(gz, esperados);
  EXPECT_GE(gz, 6u);
  EXPECT_TRUE(fs::exists(ultima / "index.html.gz"));
  EXPECT_TRUE(fs::exists(pub / "cortes" / publicados.back().id / "datos" / "entidad.json.gz"));

  // One byte flipped anywhere fails, naming the file; restored, it passes again.
  const std::string medio = "cortes/" + publicados[publicados.size() / 2].id + "/";
  const std::string ultimo = "cortes/" + publicados.back().id + "/";
  std::vector<std::string> objetivos = {
      medio + "index.html",
      medio + "index.html.gz",
      medio + "datos/entidad.json",
      ultimo + "datos/actas.jsonl",
      ultimo + "manifest.json",
      ultimo + "manifest.json.sig",
      medio + "manifest.json",
      "cortes/index.json",
      "clave-publica.txt",
      ultimo + std::string(nlohmann::json::parse(
                   Leer(pub / ultimo / "manifest.json"))["corte"]["base_de_datos"]),
  };
  for (const auto& f : fs::directory_iterator(pub / "imagenes")) {
    objetivos.push_back("imagenes/" + f.path().filename().string());
    break;
  }
  for (const std::string& rel : objetivos) {
    const fs::path f = pub / rel;
    const std::string original = Leer(f);
    ASSERT_FALSE(original.empty()) << rel;
    std::string cambiado = original;
    cambiado[cambiado.size() / 2] ^= 0x20;
    Escribir(f, cambiado);
    auto r = VerificarEspejo(*fuente, {});
    ASSERT_FALSE(r.ok()) << rel << " altered, yet verified";
    EXPECT_NE(r.status().message().find(rel), std::string::npos)
        << "altered " << rel << "; message: " << r.status().message();
    Escribir(f, original);
  }
  // A file slipped into a corte, or a corte folder the index does not list.
  Escribir(pub / medio / "extra.html", "<p>no</p>");
  auto r = VerificarEspejo(*fuente, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(medio + "extra.html"), std::string::npos);
  fs::remove(pub / medio / "extra.html");
  ASSERT_TRUE(VerificarEspejo(*fuente, {}).ok());

  // A corte of the other mode cannot join this chain; nor can anything follow the final one.
  auto otro = e.Opciones({p.dialecto, !p.simulacro}, claves, &reloj);
  EXPECT_FALSE(Publicador::Abrir(otro.publicador).ok());
  EXPECT_FALSE((*motor)->Forzar(reloj, false).ok());
}

INSTANTIATE_TEST_SUITE_P(Dialectos, NocheTest,
                         ::testing::Values(Parametros{DialectoBase::kIeqroo2019, false},
                                           Parametros{DialectoBase::kIne2024, true}),
                         [](const auto& info) {
                           return std::string(NombreDialecto(info.param.dialecto)) +
                                  (info.param.simulacro ? "_simulacro" : "_vivo");
                         });

// A server started long after a corte's instant (or after the whole schedule)
// does not publish it late, nor close the PREP by itself.
TEST(RetrasoTest, LateStartsPublishNothingUntilTheNextCorte) {
  const fs::path dir = fs::temp_directory_path() / ("prep_retraso_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  Eleccion e(dir);
  const formats::Acuerdos& a = e.config().acuerdos;
  int64_t reloj = a.ultima_actualizacion_utc_ms + 60 * kMinuto;
  auto motor = MotorPublicacion::Abrir(
      e.Opciones({DialectoBase::kIeqroo2019, false}, NuevasClaves(), &reloj), e.store());
  ASSERT_TRUE(motor.ok());
  auto r = (*motor)->Tick(reloj);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
  EXPECT_FALSE((*motor)->cerrado());
  // Started 14 minutes into the night (cortes every 15): the first corte, due 14
  // minutes ago, is not published late; the next one is, on time.
  reloj = a.inicio_publicacion_utc_ms + 14 * kMinuto;
  r = (*motor)->Tick(reloj);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
  const int64_t siguiente = (*motor)->calendario().Siguiente(reloj)->instante_utc_ms;
  r = (*motor)->Tick(siguiente + 3000);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ((*r)->id, FormatearFecha(siguiente, a.offset_minutos, FormatoFecha::kIdCorte));
  fs::remove_all(dir);
}

// Readers of the built-in server while cortes are switched: every answer is a
// whole file of one corte (its bytes hash to that corte's manifest entry), and
// no reader ever goes back to an older corte.
TEST(ConmutacionTest, ReadersNeverSeeAMixOfTwoCortes) {
  const fs::path dir = fs::temp_directory_path() / ("prep_conmuta_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  Eleccion e(dir);
  const ParClaves claves = NuevasClaves();
  int64_t reloj = e.config().acuerdos.inicio_publicacion_utc_ms;
  auto motor = MotorPublicacion::Abrir(
      e.Opciones({DialectoBase::kIeqroo2019, false}, claves, &reloj), e.store());
  ASSERT_TRUE(motor.ok());
  ASSERT_TRUE((*motor)->Forzar(reloj, false).ok());

  http::StaticSiteOptions so;
  so.root = (dir / "pub").string();
  so.settle_seconds = 0;
  auto sitio = http::StaticSite::Open(so);
  ASSERT_TRUE(sitio.ok());
  auto router = std::make_shared<http::Router>();
  http::MountStaticSite(*router, *sitio);
  http::ServerOptions o;
  o.address = "127.0.0.1";
  o.port = 0;
  o.threads = 4;
  http::Server server(o, router);
  ASSERT_TRUE(server.Start().ok());

  std::atomic<bool> fin{false};
  struct Visto {
    std::string id, ruta, sha;
  };
  std::vector<std::vector<Visto>> vistos(3);
  std::vector<std::string> fallas(3);
  std::vector<std::thread> lectores;
  for (int k = 0; k < 3; ++k) {
    lectores.emplace_back([&, k] {
      const std::string ruta = k == 2 ? "datos/entidad.json" : "index.html";
      std::string anterior;
      // Bounded: at most 3,000 requests each, stopping when the cortes are done.
      for (int i = 0; i < 3000 && !fin; ++i) {
        auto r = testing::Fetch(server.port(), "GET", k == 2 ? "/" + ruta : "/");
        if (r.status != 200) {
          fallas[k] = "HTTP " + std::to_string(r.status) + " " + r.error;
          return;
        }
        std::string id;
        if (k == 2) {
          id = nlohmann::json::parse(r.body)["corte"]["id"];
        } else {
          const size_t m = r.body.find("name=\"prep-corte\" content=\"");
          if (m == std::string::npos) {
            fallas[k] = "no prep-corte meta";
            return;
          }
          id = r.body.substr(m + 27, 13);
        }
        if (id < anterior) fallas[k] = "went back from " + anterior + " to " + id;
        anterior = id;
        vistos[k].push_back({id, ruta, store::Sha256Hex(r.body)});
      }
    });
  }
  std::vector<std::string> ids;
  for (int i = 1; i <= 8; ++i) {
    reloj += kMinuto;
    e.Completa(e.Clave(i % e.Actas()), e.Votos(i), reloj - 1);
    auto r = (*motor)->Forzar(reloj, false);
    ASSERT_TRUE(r.ok()) << r.status().message();
    ids.push_back(r->id);
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
  }
  fin = true;
  for (auto& t : lectores) t.join();
  server.Stop();
  size_t respuestas = 0;
  std::set<std::string> distintos;
  for (int k = 0; k < 3; ++k) {
    EXPECT_EQ(fallas[k], "") << "reader " << k;
    for (const Visto& v : vistos[k]) {
      ++respuestas;
      distintos.insert(v.id);
      auto m = nlohmann::json::parse(Leer(dir / "pub" / "cortes" / v.id / "manifest.json"));
      bool hallado = false;
      for (const auto& f : m["archivos"]) {
        if (f["ruta"] == v.ruta) hallado = f["sha256"] == v.sha;
      }
      EXPECT_TRUE(hallado) << v.ruta << " of " << v.id << " is not that corte's file";
    }
  }
  EXPECT_GT(respuestas, 0u);
  EXPECT_GE(distintos.size(), 2u) << "the readers saw only one corte: no switch was exercised";
  std::cout << "[ conmutación ] " << respuestas << " respuestas, " << distintos.size()
            << " cortes distintos vistos, 0 mezclas\n";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace prep::publish
