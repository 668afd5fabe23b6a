// An attacker's view of the server (SECURITY.md): every API endpoint × every
// role, with and without a session; rate limits; a stolen terminal's session
// ended by its administrador; security headers; TLS; slow and flooding
// clients; no password in anything the server keeps. A real server on a
// loopback port, a real SQLite file.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "http/client.h"
#include "http/consola.h"
#include "http/server.h"
#include "http/servicio.h"
#include "imagen_de_prueba.h"

namespace prep {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::Fetch;
using testing::HttpReply;

const std::string kPassword = "Clave-de-prueba-2020";

// Distrito 1: secciones 1–3; distrito 2: sección 11. One casilla básica and its acta "2" each.
domain::Catalogo Catalogo() {
  domain::Catalogo c;
  c.entidad_id = 5;
  c.entidad_nombre = "COAHUILA";
  c.columns = domain::ContestColumns({{"PAN", ""}, {"PRI", ""}}, {}, 0);
  c.distritos = {{1, "Uno"}, {2, "Dos"}};
  for (auto [distrito, seccion] :
       std::vector<std::pair<int, int>>{{1, 1}, {1, 2}, {1, 3}, {2, 11}}) {
    domain::Casilla casilla;
    casilla.id = {5, seccion, domain::TipoCasilla::kBasica, 1, 0};
    casilla.distrito = distrito;
    casilla.lista_nominal = 500;
    c.casillas.push_back(casilla);
    c.actas.push_back(
        {{casilla.id, "2"}, "", domain::ActaKind::kMayoriaRelativa, c.casillas.size() - 1});
  }
  c.RebuildIndex();
  return c;
}
const std::string kActa = "050001B01002";  // sección 1, distrito 1

class SeguridadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("prep_seguridad_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void Abrir(http::Tasa por_sesion = {}, http::Tasa sin_sesion = {}) {
    http::ServicioOpciones o;
    o.data_dir = dir_.string();
    o.reloj = [this] { return reloj_.load(); };
    o.directorio.password = auth::PasswordParams{1, 8192};  // argon2id, cheap for tests
    o.sedes["CATD01"] = {"CATD", 1};
    o.sedes["CATD02"] = {"CATD", 2};
    o.sedes["CCV01"] = {"CCV", 0};
    o.tasa_por_sesion = por_sesion;
    o.tasa_sin_sesion = sin_sesion;
    o.forzar_corte = [](bool) -> Result<std::string> { return std::string("20200607_1900"); };
    auto s = http::Servicio::Abrir(Catalogo(), std::move(o));
    ASSERT_TRUE(s.ok()) << s.status().message();
    servicio_ = std::move(*s);
    http::Router router = *servicio_->Rutas();
    http::MontarConsola(router);
    server_ = std::make_unique<http::Server>(http::ServerOptions{},
                                             std::make_shared<const http::Router>(router));
    ASSERT_TRUE(server_->Start().ok());
    ASSERT_TRUE(servicio_->directorio().CrearPrimerAdministrador("admin", kPassword, reloj_).ok());
  }
  void TearDown() override {
    if (server_) server_->Stop();
    servicio_.reset();
    fs::remove_all(dir_);
  }

  HttpReply Call(const std::string& token, const std::string& method, const std::string& path,
                 const std::string& body = "", const std::string& content_type = "") {
    ++reloj_;
    std::map<std::string, std::string> h{{"Idempotency-Key", "k" + std::to_string(++keys_)}};
    if (!token.empty()) h["Authorization"] = "Bearer " + token;
    if (!content_type.empty()) h["Content-Type"] = content_type;
    return Fetch(server_->port(), method, path, body, h);
  }
  std::string Login(const std::string& u) {
    auto r = Fetch(server_->port(), "POST", "/api/v1/sesiones",
                   json{{"usuario", u}, {"password", kPassword}}.dump());
    EXPECT_EQ(r.status, 201) << u << ": " << r.body;
    return json::parse(r.body, nullptr, false).value("token", "");
  }
  void Crear(const std::string& admin, const std::string& nombre, const std::string& rol,
             const std::string& sitio) {
    auto r = Call(
        admin, "POST", "/api/v1/usuarios",
        json{{"nombre", nombre}, {"rol", rol}, {"sitio", sitio}, {"password", kPassword}}.dump());
    ASSERT_EQ(r.status, 201) << r.body;
  }
  // Every event of the log but the audit trail's own records: what a refused call must not
  // change.
  std::vector<std::string> Estado() {
    auto events = servicio_->store().Read(1, 1 << 20);
    EXPECT_TRUE(events.ok());
    std::vector<std::string> out;
    for (const auto& e : *events) {
      if (e.type != "auditoria") out.push_back(e.hash);
    }
    return out;
  }

  fs::path dir_;
  std::atomic<int64_t> reloj_{1'591'567'200'000};  // 2020-06-07 22:00 UTC
  int keys_ = 0;
  std::unique_ptr<http::Servicio> servicio_;
  std::unique_ptr<http::Server> server_;
};

// The expected matrix, derived from the role × action table of auth/roles.h and what each
// endpoint does (docs/openapi.yaml), not from the server's code:
//   * ping and POST /sesiones are how anyone starts: no session needed;
//   * reading the election, an acta's state, an image, one's own upload, and ending one's own
//     session are for any signed-in user (an acta's view hides the other capture from a
//     capturista; tested in api_test);
//   * each phase's write is for its role only; an orden (recaptura/redigitalización) for a
//     verificador or a cotejador; the work queue for the role of its phase;
//   * users: administrador only; forcing a corte: coordinador (central); the audit trail:
//     auditor only; the puesta en ceros: administrador and auditor; progress (avance): the
//     roles that consult (coordinador, administrador, auditor, consulta); the acopio list: the
//     acopiador and the coordinador; the pending scans: the digitalizador.
struct Caso {
  std::string method;
  std::string path;
  std::string body;
  std::string content_type;
  std::set<std::string> roles;  // allowed; "*": any signed-in user; "publico": no session needed
};

TEST_F(SeguridadTest, EveryEndpointTimesEveryRoleWithAndWithoutASession) {
  Abrir();
  const std::string admin = Login("admin");
  const std::vector<std::pair<std::string, std::string>> roles = {
      {"acopiador", "CATD01"}, {"digitalizador", "CATD01"},
      {"capturista", "CCV01"}, {"verificador", "CCV01"},
      {"cotejador", "CCV01"},  {"coordinador", "*"},
      {"administrador", "*"},  {"auditor", "*"},
      {"consulta", "*"}};
  std::map<std::string, std::string> tokens;
  for (const auto& [rol, sitio] : roles) {
    if (rol != "administrador") Crear(admin, "u_" + rol, rol, sitio);
    tokens[rol] = rol == "administrador" ? admin : Login("u_" + rol);
  }
  Crear(admin, "victima", "consulta", "*");
  const std::string png = testing::PngDePrueba("acta");
  const std::string sha(64, 'a');
  const std::string acta = "/api/v1/actas/" + kActa;
  const std::string valores = json{{"valores", {10, 20, 0, 1}}}.dump();
  const std::vector<Caso> casos = {
      {"GET", "/api/v1/ping", "", "", {"publico"}},
      {"POST",
       "/api/v1/sesiones",
       json{{"usuario", "nadie"}, {"password", "x"}}.dump(),
       "",
       {"publico"}},
      {"POST", acta + "/acopio", json{{"mecanismos_traslado", "D"}}.dump(), "", {"acopiador"}},
      {"GET", "/api/v1/subidas/subida-de-prueba", "", "", {"*"}},
      {"PUT",
       "/api/v1/subidas/subida-de-prueba?desde=0",
       png,
       "application/octet-stream",
       {"digitalizador"}},
      {"POST", acta + "/imagenes", png, "image/png", {"digitalizador"}},
      {"POST", acta + "/capturas", valores, "", {"capturista"}},
      {"POST", acta + "/verificacion", json{{"aceptar", true}}.dump(), "", {"verificador"}},
      {"POST",
       acta + "/ordenes",
       json{{"tipo", "recaptura"}, {"motivo", "prueba"}}.dump(),
       "",
       {"verificador", "cotejador"}},
      {"POST", acta + "/cotejo", json{{"codigo", 1}}.dump(), "", {"cotejador"}},
      {"GET", acta, "", "", {"*"}},
      {"POST", "/api/v1/cola/captura", "", "", {"capturista"}},
      {"POST", "/api/v1/cola/verificacion", "", "", {"verificador"}},
      {"GET", "/api/v1/imagenes/" + sha, "", "", {"*"}},
      {"POST",
       "/api/v1/usuarios",
       json{{"nombre", "nuevo"}, {"rol", "consulta"}, {"sitio", "*"}, {"password", kPassword}}
           .dump(),
       "",
       {"administrador"}},
      {"POST",
       "/api/v1/usuarios/victima",
       json{{"accion", "desactivar"}}.dump(),
       "",
       {"administrador"}},
      {"GET", "/api/v1/usuarios", "", "", {"administrador"}},
      {"POST", "/api/v1/cortes", "{}", "", {"coordinador"}},
      {"GET", "/api/v1/eleccion", "", "", {"*"}},
      {"GET", "/api/v1/acopios", "", "", {"acopiador", "coordinador"}},
      {"GET", "/api/v1/pendientes", "", "", {"digitalizador"}},
      {"GET", "/api/v1/avance", "", "", {"coordinador", "administrador", "auditor", "consulta"}},
      {"GET", "/api/v1/puesta-en-ceros", "", "", {"administrador", "auditor"}},
      {"GET", "/api/v1/auditoria", "", "", {"auditor"}},
      // Last: it ends the caller's session.
      {"DELETE", "/api/v1/sesiones", "", "", {"*"}},
  };
  int llamadas = 0;
  for (const Caso& c : casos) {
    SCOPED_TRACE(c.method + " " + c.path);
    const bool publico = c.roles.count("publico") > 0;
    // Without a session, and with a made-up token.
    for (const std::string& token : {std::string(), std::string(64, 'f')}) {
      const auto antes = Estado();
      auto r = Call(token, c.method, c.path, c.body, c.content_type);
      ++llamadas;
      if (publico) {
        EXPECT_NE(r.status, 403) << r.body;
        EXPECT_LT(r.status, 500) << r.body;
      } else {
        EXPECT_EQ(r.status, 401) << (token.empty() ? "no session: " : "bad token: ") << r.body;
        EXPECT_EQ(Estado(), antes) << "a call without a session changed the store";
      }
    }
    for (const auto& [rol, sitio] : roles) {
      SCOPED_TRACE(rol);
      const bool permitido = publico || c.roles.count("*") || c.roles.count(rol);
      const auto antes = Estado();
      auto r = Call(tokens[rol], c.method, c.path, c.body, c.content_type);
      ++llamadas;
      if (permitido) {
        // (A login with a wrong password is a 401 for anyone: that is its answer, not a refusal.)
        if (!publico) {
          EXPECT_NE(r.status, 401) << r.body;
        }
        EXPECT_NE(r.status, 403) << r.body;
        EXPECT_LT(r.status, 500) << r.body;
      } else {
        EXPECT_EQ(r.status, 403) << r.body;
        EXPECT_EQ(json::parse(r.body, nullptr, false)["error"]["code"], "forbidden") << r.body;
        EXPECT_EQ(Estado(), antes) << "a refused call changed the store";
      }
    }
  }
  EXPECT_EQ(llamadas, static_cast<int>(casos.size()) * 11);
  // The allowed ones did act: the acopio, the image and a capture are in the acta's state.
  const std::string auditor = Login("u_auditor");
  auto vista = json::parse(Call(auditor, "GET", acta).body, nullptr, false);
  EXPECT_EQ(vista.value("acopiada", false), true) << vista.dump();
}

TEST_F(SeguridadTest, AnActaOfAnotherCatdIsRefusedAndTheRefusalIsAudited) {
  Abrir();
  const std::string admin = Login("admin");
  Crear(admin, "acopio2", "acopiador", "CATD02");
  const auto antes = Estado();
  auto r = Call(Login("acopio2"), "POST", "/api/v1/actas/" + kActa + "/acopio", "{}");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(Estado(), antes);
  Crear(admin, "aud", "auditor", "*");
  auto trail = json::parse(Call(Login("aud"), "GET", "/api/v1/auditoria?usuario=acopio2").body,
                           nullptr, false);
  ASSERT_TRUE(trail.is_array()) << trail.dump();
  bool negada = false;
  for (const auto& e : trail) {
    const std::string p = e.value("payload", "");
    if (p.find("\"permitido\":false") != std::string::npos && p.find(kActa) != std::string::npos)
      negada = true;
  }
  EXPECT_TRUE(negada) << trail.dump();
}

TEST_F(SeguridadTest, RateLimitsAnswer429WithRetryAfterPerSessionAndPerAddress) {
  Abrir(/*por_sesion=*/{5, 10}, /*sin_sesion=*/{2, 6});
  const std::string admin = Login("admin");  // 1 of the address's 6
  Crear(admin, "cons", "consulta", "*");     // 1 of the session's 10
  const std::string cons = Login("cons");    // 2 of the address's 6
  // A session's burst of 10, then refused: a script, not a person.
  int ok = 0, limitadas = 0;
  std::string retry_after;
  for (int i = 0; i < 25; ++i) {
    auto r = Call(admin, "GET", "/api/v1/eleccion");
    if (r.status == 200) ++ok;
    if (r.status == 429) {
      ++limitadas;
      retry_after = r.headers["Retry-After"];
      EXPECT_EQ(json::parse(r.body, nullptr, false)["error"]["code"], "rate_limited");
    }
  }
  EXPECT_GE(ok, 9);
  EXPECT_LE(ok, 13);  // the burst and what refilled (5/s) while the loop ran
  EXPECT_GE(limitadas, 12);
  EXPECT_FALSE(retry_after.empty());
  EXPECT_GE(std::atoi(retry_after.c_str()), 1);
  // Another session is not affected; a pause refills the first.
  EXPECT_EQ(Call(cons, "GET", "/api/v1/eleccion").status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  EXPECT_EQ(Call(admin, "GET", "/api/v1/eleccion").status, 200);

  // Without a session, per address: guessing logins runs dry after the burst, whatever the
  // user name (the per-name lockout is a separate control, api_test and users_test).
  int intentos = 0;
  bool limitado = false;
  for (; intentos < 20 && !limitado; ++intentos) {
    auto r = Fetch(server_->port(), "POST", "/api/v1/sesiones",
                   json{{"usuario", "u" + std::to_string(intentos)}, {"password", "x"}}.dump());
    limitado = r.status == 429;
    if (limitado) {
      EXPECT_EQ(json::parse(r.body, nullptr, false)["error"]["code"], "rate_limited");
    }
  }
  EXPECT_TRUE(limitado);
  EXPECT_LE(intentos, 8);
  // A made-up token is counted against the address, not a fresh bucket of its own.
  auto r = Call(std::string(64, 'e'), "GET", "/api/v1/eleccion");
  EXPECT_EQ(r.status, 429) << r.body;
}

TEST_F(SeguridadTest, WithoutLimitsAScriptIsNeverRefused) {
  Abrir();  // the library's default: off (prep serve turns them on)
  const std::string admin = Login("admin");
  for (int i = 0; i < 100; ++i) ASSERT_EQ(Call(admin, "GET", "/api/v1/eleccion").status, 200);
}

// A CATD terminal is stolen with a session open: the administrador deactivates the user,
// and the very next request with that token is refused.
TEST_F(SeguridadTest, AStolenTerminalsSessionEndsWhenItsUserIsDeactivated) {
  Abrir();
  const std::string admin = Login("admin");
  Crear(admin, "acopio1", "acopiador", "CATD01");
  const std::string robado = Login("acopio1");
  ASSERT_EQ(Call(robado, "GET", "/api/v1/acopios").status, 200);
  ASSERT_EQ(
      Call(admin, "POST", "/api/v1/usuarios/acopio1", json{{"accion", "desactivar"}}.dump()).status,
      200);
  const auto antes = Estado();
  EXPECT_EQ(Call(robado, "GET", "/api/v1/acopios").status, 401);
  EXPECT_EQ(Call(robado, "POST", "/api/v1/actas/" + kActa + "/acopio", "{}").status, 401);
  EXPECT_EQ(Estado(), antes);
  EXPECT_EQ(Fetch(server_->port(), "POST", "/api/v1/sesiones",
                  json{{"usuario", "acopio1"}, {"password", kPassword}}.dump())
                .status,
            401);
}

TEST_F(SeguridadTest, NoPasswordInTheLogTheAuditTrailOrItsExport) {
  Abrir();
  const std::string admin = Login("admin");
  const std::string otra = "Otra-clave-secreta-77";
  Crear(admin, "aud", "auditor", "*");
  Fetch(server_->port(), "POST", "/api/v1/sesiones",
        json{{"usuario", "aud"}, {"password", otra}}.dump());  // a wrong one
  ASSERT_EQ(Call(admin, "POST", "/api/v1/usuarios/aud",
                 json{{"accion", "cambiar_contrasena"}, {"password", otra}}.dump())
                .status,
            200);
  const std::string aud = Fetch(server_->port(), "POST", "/api/v1/sesiones",
                                json{{"usuario", "aud"}, {"password", otra}}.dump())
                              .body;
  const std::string token = json::parse(aud, nullptr, false).value("token", "");
  ASSERT_FALSE(token.empty()) << aud;
  auto events = servicio_->store().Read(1, 1 << 20);
  ASSERT_TRUE(events.ok());
  std::string todo;
  for (const auto& e : *events) todo += e.payload + e.actor + e.acta + "\n";
  todo += Call(token, "GET", "/api/v1/auditoria?formato=csv").body;
  todo += Call(token, "GET", "/api/v1/auditoria").body;
  // The raw database file too: a password or a session token never reaches the disk.
  std::ifstream db(dir_ / "prep.sqlite", std::ios::binary);
  todo.append(std::istreambuf_iterator<char>(db), {});
  for (const auto& f : fs::directory_iterator(dir_)) {
    if (f.path().filename().string().rfind("prep.sqlite-wal", 0) == 0) {
      std::ifstream wal(f.path(), std::ios::binary);
      todo.append(std::istreambuf_iterator<char>(wal), {});
    }
  }
  EXPECT_GT(todo.size(), 1000u);
  EXPECT_EQ(todo.find(kPassword), std::string::npos);
  EXPECT_EQ(todo.find(otra), std::string::npos);
  EXPECT_EQ(todo.find(token), std::string::npos);
  EXPECT_NE(todo.find("$argon2id$"), std::string::npos);  // what is kept instead
}

TEST_F(SeguridadTest, SecurityHeadersOnTheApiAndTheConsole) {
  Abrir();
  for (const std::string path : {"/api/v1/ping", "/api/v1/eleccion", "/api/v1/no-existe"}) {
    auto r = Fetch(server_->port(), "GET", path);
    SCOPED_TRACE(path);
    EXPECT_EQ(r.headers["X-Content-Type-Options"], "nosniff");
    EXPECT_EQ(r.headers["X-Frame-Options"], "DENY");
    EXPECT_EQ(r.headers["Referrer-Policy"], "no-referrer");
    EXPECT_EQ(r.headers["Cache-Control"], "no-store");
    EXPECT_EQ(r.headers.count("Strict-Transport-Security"), 0u);  // plain HTTP: meaningless
  }
  auto c = Fetch(server_->port(), "GET", "/consola/");
  ASSERT_EQ(c.status, 200);
  const std::string csp = c.headers["Content-Security-Policy"];
  EXPECT_NE(csp.find("default-src 'self'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos) << csp;
  EXPECT_EQ(c.headers["X-Frame-Options"], "DENY");
  // The session is a bearer token the console keeps in sessionStorage and sends itself: the
  // server sets no cookie, so a forged cross-site request carries no credential (no CSRF).
  EXPECT_EQ(c.headers.count("Set-Cookie"), 0u);
  auto login = Fetch(server_->port(), "POST", "/api/v1/sesiones",
                     json{{"usuario", "admin"}, {"password", kPassword}}.dump());
  EXPECT_EQ(login.status, 201);
  EXPECT_EQ(login.headers.count("Set-Cookie"), 0u);
  // A cookie is no way in.
  auto with_cookie =
      Fetch(server_->port(), "GET", "/api/v1/eleccion", "",
            {{"Cookie", "token=" + json::parse(login.body)["token"].get<std::string>()}});
  EXPECT_EQ(with_cookie.status, 401);
}

// A self-signed certificate for 127.0.0.1 (EC P-256), written as PEM files.
void CertificadoDePrueba(const fs::path& cert, const fs::path& key) {
  EVP_PKEY* pkey = EVP_EC_gen("P-256");
  ASSERT_NE(pkey, nullptr);
  X509* x = X509_new();
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), 0);
  X509_gmtime_adj(X509_getm_notAfter(x), 3600);
  X509_set_pubkey(x, pkey);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(x, name);
  ASSERT_GT(X509_sign(x, pkey, EVP_sha256()), 0);
  FILE* f = std::fopen(cert.c_str(), "w");
  PEM_write_X509(f, x);
  std::fclose(f);
  f = std::fopen(key.c_str(), "w");
  PEM_write_PrivateKey(f, pkey, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
  X509_free(x);
  EVP_PKEY_free(pkey);
}

TEST_F(SeguridadTest, TlsServesHttpsWithHstsAndNothingInTheClear) {
  const fs::path cert = dir_ / "cert.pem", key = dir_ / "key.pem";
  CertificadoDePrueba(cert, key);
  auto router = std::make_shared<http::Router>();
  router->Add("GET", "/api/v1/ping",
              [](const http::Request&) { return http::Response::Json(200, R"({"ok":true})"); });
  http::ServerOptions so;
  so.timeout_seconds = 2;
  so.tls_certificate_file = cert.string();
  so.tls_key_file = key.string();
  http::Server server(so, router);
  ASSERT_TRUE(server.Start().ok());
  ASSERT_TRUE(server.tls());

  namespace asio = boost::asio;
  namespace beast = boost::beast;
  namespace bhttp = boost::beast::http;
  asio::io_context ioc;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.load_verify_file(cert.string());  // the client trusts exactly this certificate
  ctx.set_verify_mode(asio::ssl::verify_peer);
  for (int i = 0; i < 2; ++i) {  // two requests on one connection
    static std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> stream;
    if (i == 0) {
      stream = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ioc, ctx);
      beast::get_lowest_layer(*stream).connect(
          {asio::ip::make_address("127.0.0.1"), server.port()});
      stream->handshake(asio::ssl::stream_base::client);
    }
    bhttp::request<bhttp::string_body> req(bhttp::verb::get, "/api/v1/ping", 11);
    req.set(bhttp::field::host, "127.0.0.1");
    bhttp::write(*stream, req);
    beast::flat_buffer buf;
    bhttp::response<bhttp::string_body> res;
    bhttp::read(*stream, buf, res);
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_EQ(res.body(), R"({"ok":true})");
    EXPECT_EQ(res[bhttp::field::strict_transport_security], "max-age=63072000");
    if (i == 1) stream.reset();
  }
  // Plain HTTP to the TLS port gets no HTTP answer.
  auto plain = Fetch(server.port(), "GET", "/api/v1/ping");
  EXPECT_EQ(plain.status, 0);
  EXPECT_FALSE(plain.error.empty());
  server.Stop();

  // A missing or mismatched key is refused at start, with the file named.
  http::ServerOptions bad = so;
  bad.tls_key_file = (dir_ / "no-existe.pem").string();
  http::Server nope(bad, router);
  Status st = nope.Start();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("no-existe.pem"), std::string::npos) << st.message();
}

// A client that sends its request a byte at a time, forever, is cut off at the request's
// deadline although it never goes quiet (slowloris).
TEST_F(SeguridadTest, ASlowClientIsCutOffAtTheRequestDeadline) {
  auto router = std::make_shared<http::Router>();
  router->Add("GET", "/api/v1/ping",
              [](const http::Request&) { return http::Response::Json(200, "{}"); });
  http::ServerOptions so;
  so.timeout_seconds = 1;
  http::Server server(so, router);
  ASSERT_TRUE(server.Start().ok());
  namespace asio = boost::asio;
  asio::io_context ioc;
  asio::ip::tcp::socket s(ioc);
  s.connect({asio::ip::make_address("127.0.0.1"), server.port()});
  asio::write(s, asio::buffer(std::string("GET /api/v1/ping HTTP/1.1\r\n")));
  const auto start = std::chrono::steady_clock::now();
  boost::system::error_code ec;
  int sent = 0;
  while (!ec && std::chrono::steady_clock::now() - start < std::chrono::seconds(8)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    asio::write(s, asio::buffer(std::string("X-a: b\r\n")), ec);
    if (!ec) ++sent;
  }
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(ec) << "still connected after " << sent << " header lines";
  EXPECT_LT(waited, std::chrono::seconds(6));
  server.Stop();
}

// A path or an acta key that is not UTF-8 (found by fuzz/api_fuzzer and http_request_fuzzer:
// the JSON error that names it threw, and the answer became a 500 internal error).
TEST_F(SeguridadTest, BytesThatAreNotUtf8InThePathGetAClear4xx) {
  Abrir();
  const std::string admin = Login("admin");
  for (const auto& [method, path, status] : std::vector<std::tuple<std::string, std::string, int>>{
           {"GET", "/api/v1/no%FF%FEexiste", 404},
           {"POST", "/api/v1/subidas/abcdefgh%FF%FF", 405},
           {"GET", "/api/v1/actas/%F0%9F%FF", 404},
           {"POST", "/api/v1/actas/%C3%28/capturas", 403}}) {
    SCOPED_TRACE(method + " " + path);
    auto r = Call(admin, method, path, "{}");
    EXPECT_EQ(r.status, status) << r.body;
    const json j = json::parse(r.body, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << r.body;
    EXPECT_TRUE(j["error"]["message"].is_string());
  }
  // The refusal above is in the audit trail, its key replaced, not lost.
  Crear(admin, "aud", "auditor", "*");
  auto trail = Call(Login("aud"), "GET", "/api/v1/auditoria?usuario=admin");
  EXPECT_NE(trail.body.find("\\\"permitido\\\":false"), std::string::npos) << trail.body;
}

// JSON values of the wrong type (found by fuzz/api_fuzzer: "aceptar": "si" threw inside the
// handler and became a 500). Each is a 4xx naming the field, and nothing is stored.
TEST_F(SeguridadTest, JsonValuesOfTheWrongTypeGetA4xx) {
  Abrir();
  const std::string admin = Login("admin");
  Crear(admin, "vero", "verificador", "CCV01");
  Crear(admin, "coord", "coordinador", "*");
  const std::string vero = Login("vero"), coord = Login("coord");
  const auto antes = Estado();
  for (const auto& [token, path, body, campo] :
       std::vector<std::tuple<std::string, std::string, std::string, std::string>>{
           {vero, "/api/v1/actas/" + kActa + "/verificacion", R"({"aceptar":"si"})", "aceptar"},
           {vero, "/api/v1/actas/" + kActa + "/verificacion", R"({"aceptar":[true]})", "aceptar"},
           {vero, "/api/v1/actas/" + kActa + "/ordenes", R"({"tipo":5,"motivo":{}})", "tipo"},
           {coord, "/api/v1/cortes", R"({"final":"no"})", "final"}}) {
    SCOPED_TRACE(path + " " + body);
    auto r = Call(token, "POST", path, body);
    EXPECT_GE(r.status, 400) << r.body;
    EXPECT_LT(r.status, 500) << r.body;
    EXPECT_NE(r.body.find(campo), std::string::npos) << r.body;
  }
  EXPECT_EQ(Estado(), antes);
}

// Headers beyond the limit: 431 and the connection closed, whatever the handler.
TEST_F(SeguridadTest, OversizedHeadersAre431) {
  Abrir();
  auto r = Fetch(server_->port(), "GET", "/api/v1/ping", "",
                 {{"X-Relleno", std::string(20 << 10, 'a')}});
  EXPECT_EQ(r.status, 431) << r.error;
  EXPECT_EQ(json::parse(r.body, nullptr, false)["error"]["code"], "headers_too_large");
  EXPECT_EQ(Fetch(server_->port(), "GET", "/api/v1/ping").status, 200);
}

// More connections than the limit: the extra ones are closed at once; when one ends, a new one
// is served again.
TEST_F(SeguridadTest, AConnectionFloodIsCappedAndServiceResumes) {
  auto router = std::make_shared<http::Router>();
  router->Add("GET", "/api/v1/ping",
              [](const http::Request&) { return http::Response::Json(200, "{}"); });
  http::ServerOptions so;
  so.max_connections = 5;
  http::Server server(so, router);
  ASSERT_TRUE(server.Start().ok());
  namespace asio = boost::asio;
  asio::io_context ioc;
  std::vector<std::unique_ptr<asio::ip::tcp::socket>> held;
  for (int i = 0; i < 5; ++i) {
    held.push_back(std::make_unique<asio::ip::tcp::socket>(ioc));
    held.back()->connect({asio::ip::make_address("127.0.0.1"), server.port()});
  }
  for (int i = 0; i < 50 && server.open_connections() < 5; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(server.open_connections(), 5);
  auto refused = Fetch(server.port(), "GET", "/api/v1/ping");
  EXPECT_EQ(refused.status, 0);
  EXPECT_FALSE(refused.error.empty());
  held.clear();  // the five go away
  int status = 0;
  for (int i = 0; i < 100 && status != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    status = Fetch(server.port(), "GET", "/api/v1/ping").status;
  }
  EXPECT_EQ(status, 200);
  server.Stop();
}

}  // namespace
}  // namespace prep
