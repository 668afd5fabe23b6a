// The operations API end to end: a real server on a loopback port, a real
// SQLite file, the catálogo of the real Quintana Roo 2019 database, and the
// vote cells of its actas typed through HTTP as two capturistas would.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "domain/classifier.h"
#include "formats/catalogo.h"
#include "formats/prep_database.h"
#include "formats/source.h"
#include "http/client.h"
#include "http/server.h"
#include "http/servicio.h"
#include "imagen_de_prueba.h"
#include "store/imagenes.h"

namespace prep {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::Fetch;

const std::string kData = PREP_SHARED_DATA;
const std::string kPassword = "Clave-de-prueba-2020";

struct FilaQroo {
  std::string clave;
  int distrito = 0;
  std::vector<domain::CaptureValue> valores;
  std::vector<uint8_t> aplica;
  int64_t lista_nominal = 0;
  int64_t representantes = 0;
  bool especial = false;
};

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("prep_api_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto files =
        formats::ReadResultsFiles(kData + "/qroo2019-prep-final/20190603_0547_PREP_DIP_QROO.zip");
    ASSERT_TRUE(files.ok());
    auto db = formats::PrepDatabase::Open((*files)[0].name, std::move((*files)[0].bytes));
    ASSERT_TRUE(db.ok());
    auto cat = formats::CatalogoFromDatabase(**db);
    ASSERT_TRUE(cat.ok());
    ASSERT_TRUE((*db)
                    ->ForEachActa([&](const formats::ActaRecord& a) {
                      if (a.kind != formats::RowKind::kContabilizada || filas_.size() >= 400)
                        return Status::Ok();
                      filas_.push_back({std::string(a.clave_acta), a.distrito, a.votos, a.aplica,
                                        a.lista_nominal, a.representantes,
                                        a.tipo_casilla == domain::TipoCasilla::kEspecial});
                      return Status::Ok();
                    })
                    .ok());
    catalogo_ = std::move(*cat);
    Abrir();
    ASSERT_TRUE(servicio_->directorio().CrearPrimerAdministrador("admin", kPassword, reloj_).ok());
    admin_ = Login("admin");
    for (auto [nombre, rol, sitio] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"acopio1", "acopiador", "CATD01"},
             {"digi1", "digitalizador", "CATD01"},
             {"ana", "capturista", "CCV01"},
             {"beto", "capturista", "CCV01"},
             {"carla", "capturista", "CATD01"},
             {"vero", "verificador", "CCV01"},
             {"coty", "cotejador", "CCV01"},
             {"acopio2", "acopiador", "CATD02"}}) {
      auto r = Post(
          admin_, "/api/v1/usuarios",
          json{{"nombre", nombre}, {"rol", rol}, {"sitio", sitio}, {"password", kPassword}}.dump(),
          "");
      ASSERT_EQ(r.status, 201) << r.body;
      tokens_[nombre] = Login(nombre);
    }
  }
  // Opens the service on dir_ (rebuilding its state from the log) and serves it.
  void Abrir() {
    http::ServicioOpciones o;
    o.data_dir = dir_.string();
    o.reloj = [this] { return reloj_.load(); };
    o.directorio.password = auth::PasswordParams{1, 8192};  // argon2id, cheap for tests
    for (int d = 1; d <= 15; ++d)
      o.sedes["CATD" + std::string(d < 10 ? "0" : "") + std::to_string(d)] = {"CATD", d};
    o.sedes["CCV01"] = {"CCV", 0};
    auto s = http::Servicio::Abrir(catalogo_, std::move(o));
    ASSERT_TRUE(s.ok()) << s.status().message();
    servicio_ = std::move(*s);
    http::ServerOptions so;
    so.max_body_bytes = 2 << 20;
    server_ = std::make_unique<http::Server>(so, servicio_->Rutas());
    ASSERT_TRUE(server_->Start().ok());
  }
  // A restart: sessions live in memory, so everyone logs in again.
  void Reiniciar() {
    server_->Stop();
    server_.reset();
    servicio_.reset();
    Abrir();
    admin_ = Login("admin");
    for (auto& [nombre, token] : tokens_) token = Login(nombre);
  }

  void TearDown() override {
    if (server_) server_->Stop();
    servicio_.reset();
    fs::remove_all(dir_);
  }

  std::string Login(const std::string& u) {
    auto r = Fetch(server_->port(), "POST", "/api/v1/sesiones",
                   json{{"usuario", u}, {"password", kPassword}}.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return json::parse(r.body, nullptr, false).value("token", "");
  }

  testing::HttpReply Post(const std::string& token, const std::string& path,
                          const std::string& body, const std::string& key) {
    ++reloj_;
    std::map<std::string, std::string> h{{"Authorization", "Bearer " + token}};
    if (!key.empty()) h["Idempotency-Key"] = key;
    return Fetch(server_->port(), "POST", path, body, h);
  }
  testing::HttpReply As(const std::string& user, const std::string& path, const std::string& body) {
    return Post(tokens_.at(user), path, body, "k" + std::to_string(++keys_));
  }
  json Get(const std::string& user, const std::string& path) {
    auto r =
        Fetch(server_->port(), "GET", path, "", {{"Authorization", "Bearer " + tokens_.at(user)}});
    return json::parse(r.body, nullptr, false);
  }
  static std::string Png(const std::string& seed) { return testing::PngDePrueba(seed); }
  static json Valores(const FilaQroo& f) {
    json a = json::array();
    for (const auto& v : f.valores) {
      if (v.kind == domain::CaptureKind::kCount) {
        a.push_back(v.count);
      } else {
        a.push_back(v.kind == domain::CaptureKind::kIlegible ? "ILEGIBLE" : "SIN DATO");
      }
    }
    return json{{"valores", a}};
  }
  std::string Acta(const FilaQroo& f) const { return "/api/v1/actas/" + f.clave; }

  fs::path dir_;
  domain::Catalogo catalogo_;
  std::atomic<int64_t> reloj_{1'571'000'000'000};
  std::unique_ptr<http::Servicio> servicio_;
  std::unique_ptr<http::Server> server_;
  std::string admin_;
  std::map<std::string, std::string> tokens_;
  std::vector<FilaQroo> filas_;
  int keys_ = 0;
};

TEST_F(ApiTest, ManyActasFromAcopioToClassification) {
  int done = 0;
  for (size_t i = 0; i < filas_.size() && done < 60; ++i) {
    const FilaQroo& f = filas_[i];
    if (f.distrito != 1) continue;
    ++done;
    ASSERT_EQ(As("acopio1", Acta(f) + "/acopio", R"({"mecanismos_traslado":"F"})").status, 201);
    ASSERT_EQ(Post(tokens_["digi1"], Acta(f) + "/imagenes?origen=CATD&dispositivo=ESCANER",
                   Png(f.clave), "img-" + f.clave)
                  .status,
              201);
    ASSERT_EQ(As("ana", Acta(f) + "/capturas", Valores(f).dump()).status, 201);
    if (done % 3 == 0) {
      // Beto mistypes the first field; the verificador settles it against the image.
      json wrong = Valores(f);
      wrong["valores"][0] = 9999;
      ASSERT_EQ(As("beto", Acta(f) + "/capturas", wrong.dump()).status, 201);
      EXPECT_TRUE(Get("vero", Acta(f))["discrepancia"].get<bool>());
      EXPECT_EQ(As("vero", Acta(f) + "/verificacion", R"({"aceptar":true})").status, 409);
      json fix = Valores(f);
      fix["aceptar"] = false;
      fix["motivo"] = "el PAN dice otra cifra en la imagen";
      ASSERT_EQ(As("vero", Acta(f) + "/verificacion", fix.dump()).status, 201);
    } else {
      ASSERT_EQ(As("beto", Acta(f) + "/capturas", Valores(f).dump()).status, 201);
      ASSERT_EQ(As("vero", Acta(f) + "/verificacion", R"({"aceptar":true})").status, 201);
    }
    // The classification the API reports is the domain's, on the file's cells.
    domain::ActaCaptura captura;
    for (size_t k = 0; k < f.valores.size(); ++k) captura.votos.push_back(f.valores[k]);
    const auto expected =
        domain::Classify(captura, {f.lista_nominal, f.representantes, f.especial, std::nullopt});
    const json view = Get("vero", Acta(f));
    EXPECT_EQ(view["verificada"], true);
    EXPECT_EQ(view["contabilizada"], expected.contabilizada) << f.clave;
    EXPECT_EQ(view["valores"], Valores(f)["valores"]);
    // Blind capture: a capturista never sees values.
    EXPECT_FALSE(Get("ana", Acta(f)).contains("valores_capturas"));
  }
  EXPECT_EQ(done, 60);
  EXPECT_TRUE(servicio_->store().VerifyChain().ok());
}

TEST_F(ApiTest, RulesAreEnforcedServerSide) {
  const FilaQroo& f = filas_[0];  // distrito 1
  ASSERT_EQ(f.distrito, 1);
  ASSERT_EQ(As("acopio1", Acta(f) + "/acopio", "{}").status, 201);
  ASSERT_EQ(Post(tokens_["digi1"], Acta(f) + "/imagenes", Png("x"), "img").status, 201);
  ASSERT_EQ(As("ana", Acta(f) + "/capturas", Valores(f).dump()).status, 201);
  // The same person cannot capture an acta twice.
  EXPECT_EQ(As("ana", Acta(f) + "/capturas", Valores(f).dump()).status, 409);
  // A capturista cannot verify.
  EXPECT_EQ(As("carla", Acta(f) + "/verificacion", R"({"aceptar":true})").status, 403);
  // A CATD user cannot act for another CATD's acta.
  const FilaQroo* otro = nullptr;
  for (const auto& g : filas_) {
    if (g.distrito == 2) {
      otro = &g;
      break;
    }
  }
  ASSERT_NE(otro, nullptr);
  EXPECT_EQ(As("acopio1", Acta(*otro) + "/acopio", "{}").status, 403);
  EXPECT_EQ(As("acopio2", Acta(*otro) + "/acopio", "{}").status, 201);
  // No role but administrador manages users.
  auto r = Post(
      tokens_["vero"], "/api/v1/usuarios",
      json{{"nombre", "intruso"}, {"rol", "administrador"}, {"sitio", "*"}, {"password", kPassword}}
          .dump(),
      "");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(
      Fetch(server_->port(), "GET", "/api/v1/usuarios", "", {{"Authorization", "Bearer " + admin_}})
          .body.find("intruso"),
      std::string::npos);
  // No token, no service.
  EXPECT_EQ(Post("nada", Acta(f) + "/capturas", Valores(f).dump(), "z").status, 401);
  // Refused calls changed nothing: still one capture.
  EXPECT_EQ(Get("vero", Acta(f))["capturas"], 1);
}

TEST_F(ApiTest, BadInputGetsAClear4xxAndChangesNothing) {
  const FilaQroo& f = filas_[0];
  ASSERT_EQ(As("acopio1", Acta(f) + "/acopio", "{}").status, 201);
  ASSERT_EQ(Post(tokens_["digi1"], Acta(f) + "/imagenes", Png("y"), "img").status, 201);
  auto error_of = [](const testing::HttpReply& r) {
    return json::parse(r.body, nullptr, false)["error"];
  };
  // The stored image comes back by its SHA-256, with its type.
  const std::string sha = Get("vero", Acta(f))["imagenes"][0]["sha256"];
  auto img = Fetch(server_->port(), "GET", "/api/v1/imagenes/" + sha, "",
                   {{"Authorization", "Bearer " + tokens_.at("vero")}});
  EXPECT_EQ(img.status, 200);
  EXPECT_EQ(img.body, Png("y"));
  EXPECT_EQ(img.headers["Content-Type"], "image/png");
  auto a = As("ana", Acta(f) + "/capturas", "{not json");
  EXPECT_EQ(a.status, 422);
  EXPECT_EQ(error_of(a)["field"], "body");
  auto b = As("ana", "/api/v1/actas/999999X999999/capturas", Valores(f).dump());
  EXPECT_EQ(b.status, 409);  // unknown acta: fuera de catálogo, not captured
  json negative = Valores(f);
  negative["valores"][1] = -5;
  auto c = As("ana", Acta(f) + "/capturas", negative.dump());
  EXPECT_EQ(c.status, 422);
  EXPECT_EQ(error_of(c)["field"], "valores");
  json absurd = Valores(f);
  absurd["valores"][1] = 5000000;
  EXPECT_EQ(As("ana", Acta(f) + "/capturas", absurd.dump()).status, 422);
  json word = Valores(f);
  word["valores"][1] = "mucho";
  EXPECT_EQ(As("ana", Acta(f) + "/capturas", word.dump()).status, 422);
  auto d = Post(tokens_["digi1"], Acta(f) + "/imagenes", "just text renamed acta.jpg", "img2");
  EXPECT_EQ(d.status, 422);
  EXPECT_NE(error_of(d)["message"].get<std::string>().find("PNG, JPEG or PDF"), std::string::npos);
  auto e = Post(tokens_["digi1"], Acta(f) + "/imagenes", Png(std::string(3 << 20, 'z')), "img3");
  EXPECT_EQ(e.status, 413);
  // An idempotency key replayed with the same body is answered again, not applied.
  ASSERT_EQ(Post(tokens_["ana"], Acta(f) + "/capturas", Valores(f).dump(), "same").status, 201);
  auto again = Post(tokens_["ana"], Acta(f) + "/capturas", Valores(f).dump(), "same");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(json::parse(again.body)["replay"], true);
  // ... and with a different body it is refused.
  json other = Valores(f);
  other["valores"][0] = 1;
  EXPECT_EQ(Post(tokens_["ana"], Acta(f) + "/capturas", other.dump(), "same").status, 409);
  // Writes without a key are refused.
  EXPECT_EQ(Post(tokens_["beto"], Acta(f) + "/capturas", Valores(f).dump(), "").status, 400);
  const json view = Get("vero", Acta(f));
  EXPECT_EQ(view["capturas"], 1);
  EXPECT_EQ(view["imagenes"].size(), 1u);
}

TEST_F(ApiTest, ARetriedAcopioIsAReplayThoughTheServerClockMoved) {
  // The acopio's arrival time is the server's clock at the first request; a
  // retry (the answer was lost on a slow link) comes later and must be
  // answered as the same request. Found by prep simulacro's dropped connections.
  const FilaQroo& f = filas_[0];
  auto first =
      Post(tokens_["acopio1"], Acta(f) + "/acopio", R"({"mecanismos_traslado":"F"})", "sobre-1");
  ASSERT_EQ(first.status, 201) << first.body;
  reloj_ += 90'000;
  auto retry =
      Post(tokens_["acopio1"], Acta(f) + "/acopio", R"({"mecanismos_traslado":"F"})", "sobre-1");
  EXPECT_EQ(retry.status, 200) << retry.body;
  EXPECT_EQ(json::parse(retry.body)["replay"], true);
  EXPECT_EQ(json::parse(retry.body)["evento"]["seq"], json::parse(first.body)["evento"]["seq"]);
  // Another mechanism under the same key is another request.
  auto other =
      Post(tokens_["acopio1"], Acta(f) + "/acopio", R"({"mecanismos_traslado":"D"})", "sobre-1");
  EXPECT_EQ(other.status, 409);
  EXPECT_EQ(json::parse(other.body)["error"]["code"], "idempotency_conflict");
}

TEST_F(ApiTest, AResumableUploadGoesOnAfterACutAndIsStoredOnce) {
  // PREP Casilla on a weak link: a 600 KB photo in 256 KB pieces, cut after the
  // first; the phone asks how much arrived, sends from there (a piece at the
  // wrong offset is refused with where to go on), then stores it; a retry of
  // the last call is answered, not applied, again.
  const FilaQroo& f = filas_[0];
  ASSERT_EQ(As("acopio1", Acta(f) + "/acopio", "{}").status, 201);
  const std::string foto = Png(std::string(600'000, 'f'));
  const std::string id = "foto-0123456789";
  const std::map<std::string, std::string> h{{"Authorization", "Bearer " + tokens_["digi1"]}};
  auto put = [&](uint64_t desde, size_t n) {
    return Fetch(server_->port(), "PUT",
                 "/api/v1/subidas/" + id + "?desde=" + std::to_string(desde), foto.substr(desde, n),
                 h);
  };
  auto recibidos = [&] {
    auto r = Fetch(server_->port(), "GET", "/api/v1/subidas/" + id, "", h);
    return json::parse(r.body, nullptr, false).value("recibidos", int64_t{-1});
  };
  EXPECT_EQ(recibidos(), 0);
  ASSERT_EQ(put(0, 262'144).status, 200);
  EXPECT_EQ(recibidos(), 262'144);
  // The phone lost the answer and sends the first piece again: refused, with where to go on.
  auto dup = put(0, 262'144);
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(json::parse(dup.body)["recibidos"], 262'144);
  EXPECT_EQ(put(262'144, 262'144).status, 200);
  EXPECT_EQ(put(524'288, 262'144).status, 200);
  EXPECT_EQ(recibidos(), static_cast<int64_t>(foto.size()));
  // Another user cannot see or add to it, and an id cannot name a path.
  auto ajeno = Fetch(server_->port(), "GET", "/api/v1/subidas/" + id, "",
                     {{"Authorization", "Bearer " + tokens_["ana"]}});
  EXPECT_EQ(json::parse(ajeno.body)["recibidos"], 0);
  EXPECT_EQ(Fetch(server_->port(), "PUT", "/api/v1/subidas/" + id + "?desde=0", "x",
                  {{"Authorization", "Bearer " + tokens_["ana"]}})
                .status,
            403);
  EXPECT_EQ(Fetch(server_->port(), "GET", "/api/v1/subidas/..%2f..%2fprep.sqlite", "", h).status,
            404);
  EXPECT_EQ(Fetch(server_->port(), "GET", "/api/v1/subidas/..prep.sqlite", "", h).status, 422);
  const std::string fin = Acta(f) + "/imagenes?origen=CASILLA&dispositivo=MOVIL&subida=" + id;
  auto guardada = Post(tokens_["digi1"], fin, "", id);
  ASSERT_EQ(guardada.status, 201) << guardada.body;
  EXPECT_EQ(json::parse(guardada.body)["datos"]["sha256"], store::Sha256Hex(foto));
  EXPECT_EQ(json::parse(guardada.body)["datos"]["bytes"], foto.size());
  auto otra_vez = Post(tokens_["digi1"], fin, "", id);
  EXPECT_EQ(otra_vez.status, 200);
  EXPECT_EQ(json::parse(otra_vez.body)["replay"], true);
  const json vista = Get("vero", Acta(f));
  ASSERT_EQ(vista["imagenes"].size(), 1u);
  EXPECT_EQ(vista["imagenes"][0]["origen"], "CASILLA");
  // Nothing uploaded under an id: a clear 404, nothing stored.
  EXPECT_EQ(
      Post(tokens_["digi1"], Acta(filas_[1]) + "/imagenes?subida=nunca-subida-0", "", "k-x").status,
      404);
}

TEST_F(ApiTest, WorkQueueNeverHandsOneActaToTwoPeopleAndTakesBackExpiredClaims) {
  // Two actas ready for capture.
  for (int i = 0; i < 2; ++i) {
    const FilaQroo& f = filas_[static_cast<size_t>(i)];
    ASSERT_EQ(f.distrito, 1);
    ASSERT_EQ(As("acopio1", Acta(f) + "/acopio", "{}").status, 201);
    ASSERT_EQ(Post(tokens_["digi1"], Acta(f) + "/imagenes", Png(f.clave), "img" + f.clave).status,
              201);
  }
  auto next = [&](const std::string& u) {
    auto r = Post(tokens_.at(u), "/api/v1/cola/captura", "", "");
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body, nullptr, false)["clave_acta"];
  };
  const json a = next("ana");
  const json b = next("beto");
  ASSERT_TRUE(a.is_string() && b.is_string());
  EXPECT_NE(a, b);            // never the same acta to two people at once
  EXPECT_EQ(next("ana"), a);  // asking again keeps one's own claim
  // carla (CATD01) finds both claimed...
  EXPECT_TRUE(next("carla").is_null());
  // ...until ana's claim expires (10 minutes).
  reloj_ += 11 * 60 * 1000;
  EXPECT_TRUE(next("carla").is_string());
  // A verificador's queue is empty: no acta has its two captures yet.
  auto v = Post(tokens_["vero"], "/api/v1/cola/verificacion", "", "");
  EXPECT_TRUE(json::parse(v.body)["clave_acta"].is_null());
  // An acopiador has no capture queue.
  EXPECT_EQ(Post(tokens_["acopio1"], "/api/v1/cola/captura", "", "").status, 403);
}

TEST_F(ApiTest, WorkQueueClaimsSurviveARestartAndEndWhenTheWorkIsDone) {
  for (int i = 0; i < 2; ++i) {
    const FilaQroo& f = filas_[static_cast<size_t>(i)];
    ASSERT_EQ(As("acopio1", Acta(f) + "/acopio", "{}").status, 201);
    ASSERT_EQ(Post(tokens_["digi1"], Acta(f) + "/imagenes", Png(f.clave), "img" + f.clave).status,
              201);
  }
  auto next = [&](const std::string& u) {
    auto r = Post(tokens_.at(u), "/api/v1/cola/captura", "", "");
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body, nullptr, false)["clave_acta"];
  };
  const json a = next("ana");
  const json b = next("beto");
  ASSERT_TRUE(a.is_string() && b.is_string());
  ASSERT_NE(a, b);
  Reiniciar();
  // After the restart both claims hold: carla gets nothing, ana and beto keep theirs.
  EXPECT_TRUE(next("carla").is_null());
  EXPECT_EQ(next("ana"), a);
  EXPECT_EQ(next("beto"), b);
  // ana captures her acta: her claim ends with it, so carla can take it now
  // for its second capture, without waiting for the claim to expire.
  const FilaQroo& fa = filas_[0].clave == a.get<std::string>() ? filas_[0] : filas_[1];
  ASSERT_EQ(As("ana", Acta(fa) + "/capturas", Valores(fa).dump()).status, 201);
  EXPECT_EQ(next("carla"), a);
  // ... and that too survives a restart; ana, who captured it, is not offered it.
  Reiniciar();
  EXPECT_EQ(next("carla"), a);
  EXPECT_TRUE(next("ana").is_null());
  EXPECT_TRUE(servicio_->store().VerifyChain().ok());
}

TEST_F(ApiTest, AdministradorManagesUsersAndOthersCannot) {
  auto change = [&](const std::string& token, const std::string& nombre, const json& body) {
    return Post(token, "/api/v1/usuarios/" + nombre, body.dump(), "");
  };
  // Move carla to another CATD; her session closes; she now acts there only.
  EXPECT_EQ(
      change(admin_, "carla", {{"accion", "reasignar"}, {"rol", "capturista"}, {"sitio", "CATD02"}})
          .status,
      200);
  EXPECT_EQ(Post(tokens_["carla"], "/api/v1/cola/captura", "", "").status, 401);
  // Deactivated users cannot log in; reactivated ones can.
  EXPECT_EQ(change(admin_, "beto", {{"accion", "desactivar"}}).status, 200);
  EXPECT_EQ(Fetch(server_->port(), "POST", "/api/v1/sesiones",
                  json{{"usuario", "beto"}, {"password", kPassword}}.dump())
                .status,
            401);
  EXPECT_EQ(change(admin_, "beto", {{"accion", "reactivar"}}).status, 200);
  EXPECT_FALSE(Login("beto").empty());
  // A weak password is refused with the rule that failed.
  auto weak = change(admin_, "ana", {{"accion", "cambiar_contrasena"}, {"password", "corta"}});
  EXPECT_EQ(weak.status, 422) << weak.body;
  // No role but administrador.
  EXPECT_EQ(change(tokens_["vero"], "ana", {{"accion", "desactivar"}}).status, 403);
  EXPECT_EQ(change(admin_, "ana", {{"accion", "borrar"}}).status, 422);
  auto list = Fetch(server_->port(), "GET", "/api/v1/usuarios", "",
                    {{"Authorization", "Bearer " + admin_}});
  const json users = json::parse(list.body);
  for (const auto& u : users) {
    if (u["nombre"] == "ana") {
      EXPECT_EQ(u["activo"], true);
    }
    if (u["nombre"] == "carla") {
      EXPECT_EQ(u["sitio"], "CATD02");
    }
  }
}

TEST_F(ApiTest, RepeatedBadLoginsAreThrottledWith429) {
  const std::string bad = json{{"usuario", "ana"}, {"password", "no-es-la-clave-1"}}.dump();
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(Fetch(server_->port(), "POST", "/api/v1/sesiones", bad).status, 401);
  const std::string good = json{{"usuario", "ana"}, {"password", kPassword}}.dump();
  auto r = Fetch(server_->port(), "POST", "/api/v1/sesiones", good);
  EXPECT_EQ(r.status, 429);  // locked, even with the right password
  EXPECT_EQ(json::parse(r.body)["error"]["code"], "too_many_attempts");
  reloj_ += 16 * 60 * 1000;
  EXPECT_EQ(Fetch(server_->port(), "POST", "/api/v1/sesiones", good).status, 201);
}

// The audit trail for the ente auditor: JSON or CSV, the same events with the
// chain (each row's prev_hash is the row before's hash), no password hashes.
TEST_F(ApiTest, AuditorExportsTheTrailAsJsonAndCsvWithItsChain) {
  auto r = Post(
      admin_, "/api/v1/usuarios",
      json{{"nombre", "audi"}, {"rol", "auditor"}, {"sitio", "*"}, {"password", kPassword}}.dump(),
      "");
  ASSERT_EQ(r.status, 201) << r.body;
  tokens_["audi"] = Login("audi");
  // A refused action, so the trail holds an "auditoria" event too.
  EXPECT_EQ(Fetch(server_->port(), "GET", "/api/v1/auditoria", "",
                  {{"Authorization", "Bearer " + tokens_.at("ana")}})
                .status,
            403);
  const json eventos = Get("audi", "/api/v1/auditoria");
  ASSERT_TRUE(eventos.is_array());
  ASSERT_GT(eventos.size(), 10u);
  auto csv = Fetch(server_->port(), "GET", "/api/v1/auditoria?formato=csv", "",
                   {{"Authorization", "Bearer " + tokens_.at("audi")}});
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.headers["Content-Type"], "text/csv; charset=utf-8");
  std::vector<std::string> filas;
  for (size_t a = 0, b; a < csv.body.size(); a = b + 2) {
    b = csv.body.find("\r\n", a);
    ASSERT_NE(b, std::string::npos);
    filas.push_back(csv.body.substr(a, b - a));
  }
  ASSERT_EQ(filas[0], "seq,tipo,acta,usuario,sitio,at_ms,prev_hash,hash,payload");
  // The trail grew by the events of the JSON read itself; compare the common part.
  ASSERT_GE(filas.size() - 1, eventos.size());
  bool refusal = false;
  std::string anterior = std::string(64, '0');
  for (size_t i = 0; i < eventos.size(); ++i) {
    const json& e = eventos[i];
    EXPECT_EQ(e["prev_hash"], anterior) << i;
    anterior = e["hash"];
    const std::string fila = filas[i + 1];
    EXPECT_EQ(fila.rfind(std::to_string(e["seq"].get<int64_t>()) + ",", 0), 0u) << fila;
    EXPECT_NE(fila.find("," + e["prev_hash"].get<std::string>() + "," + anterior + ","),
              std::string::npos)
        << fila;
    refusal |= e["tipo"] == "auditoria" && e["usuario"] == "ana";
  }
  EXPECT_TRUE(refusal) << "the refused read is not in the trail";
  EXPECT_EQ(csv.body.find("argon2"), std::string::npos) << "a password hash was exported";
  EXPECT_EQ(Fetch(server_->port(), "GET", "/api/v1/auditoria?formato=xml", "",
                  {{"Authorization", "Bearer " + tokens_.at("audi")}})
                .status,
            422);
}

TEST_F(ApiTest, StateSurvivesARestart) {
  const FilaQroo& f = filas_[0];
  ASSERT_EQ(As("acopio1", Acta(f) + "/acopio", "{}").status, 201);
  ASSERT_EQ(Post(tokens_["digi1"], Acta(f) + "/imagenes", Png("z"), "img").status, 201);
  ASSERT_EQ(As("ana", Acta(f) + "/capturas", Valores(f).dump()).status, 201);
  server_->Stop();
  server_.reset();
  servicio_.reset();
  auto files =
      formats::ReadResultsFiles(kData + "/qroo2019-prep-final/20190603_0547_PREP_DIP_QROO.zip");
  ASSERT_TRUE(files.ok());
  auto db = formats::PrepDatabase::Open("q", std::move((*files)[0].bytes));
  ASSERT_TRUE(db.ok());
  auto cat = formats::CatalogoFromDatabase(**db);
  http::ServicioOpciones o;
  o.data_dir = dir_.string();
  o.reloj = [this] { return reloj_.load(); };
  auto s = http::Servicio::Abrir(std::move(*cat), std::move(o));
  ASSERT_TRUE(s.ok()) << s.status().message();
  const ops::Expediente* x = (*s)->operaciones().Buscar(f.clave);
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->capturas.size(), 1u);
  EXPECT_EQ(x->imagenes.size(), 1u);
  EXPECT_TRUE((*s)->directorio().Buscar("ana").has_value());
}

}  // namespace
}  // namespace prep
