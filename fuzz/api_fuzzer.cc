// Arbitrary bytes as calls to the operations API, by any role or none: the
// first byte picks the caller (one of the nine roles, or no session), the first
// line is "METHOD TARGET", the rest the body. They go through the same request
// parser and the real handlers over a real SQLite store in a temporary folder,
// so every JSON body reader (acopio, captures, verificación, órdenes, users,
// uploads) sees hostile input. Any call must end as an answer below 500:
// never a crash, a leak, UB, or an internal error.
#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/server.h"
#include "http/servicio.h"

namespace {

constexpr const char* kPassword = "Clave-de-fuzz-2020";

// Distrito 1: secciones 1 and 2, one casilla básica and its acta "2" each.
prep::domain::Catalogo Catalogo() {
  prep::domain::Catalogo c;
  c.entidad_id = 5;
  c.entidad_nombre = "COAHUILA";
  c.columns = prep::domain::ContestColumns({{"PAN", ""}, {"PRI", ""}}, {}, 0);
  c.distritos = {{1, "Uno"}};
  for (int seccion : {1, 2}) {
    prep::domain::Casilla casilla;
    casilla.id = {5, seccion, prep::domain::TipoCasilla::kBasica, 1, 0};
    casilla.distrito = 1;
    casilla.lista_nominal = 500;
    c.casillas.push_back(casilla);
    c.actas.push_back(
        {{casilla.id, "2"}, "", prep::domain::ActaKind::kMayoriaRelativa, c.casillas.size() - 1});
  }
  c.RebuildIndex();
  return c;
}

struct Entorno {
  std::unique_ptr<prep::http::Servicio> servicio;
  std::shared_ptr<const prep::http::Router> rutas;
  std::vector<std::string> tokens;  // one per role; "" = no session
  int64_t reloj = 1'591'567'200'000;
  uint64_t llamadas = 0;

  prep::http::Response Llamar(const std::string& token, const std::string& linea,
                              std::string_view body) {
    std::string crudo = linea + " HTTP/1.1\r\nHost: fuzz\r\n";
    if (!token.empty()) crudo += "Authorization: Bearer " + token + "\r\n";
    crudo += "Idempotency-Key: f" + std::to_string(++llamadas) + "\r\n";
    crudo += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    crudo.append(body);
    prep::http::Request r;
    r.peer = "127.0.0.1";
    prep::http::ServerOptions limites;
    limites.max_body_bytes = 1 << 20;
    if (!prep::http::ParseRequest(crudo, limites, &r).ok())
      return prep::http::Response::Json(400, "{}");
    return rutas->Dispatch(r);
  }
};

Entorno& Preparar() {
  static Entorno* e = [] {
    static Entorno entorno;
    char plantilla[] = "/tmp/prep_api_fuzzer_XXXXXX";
    const char* dir = mkdtemp(plantilla);
    if (dir == nullptr) __builtin_trap();
    // libFuzzer ends the run with exit(): the store's folder goes with it.
    static std::string carpeta = dir;
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(carpeta, ec);
    });
    prep::http::ServicioOpciones o;
    o.data_dir = dir;
    o.reloj = [] { return ++entorno.reloj; };
    o.directorio.password = prep::auth::PasswordParams{1, 8192};  // argon2id, cheap
    o.sedes["CATD01"] = {"CATD", 1};
    o.sedes["CCV01"] = {"CCV", 0};
    auto s = prep::http::Servicio::Abrir(Catalogo(), std::move(o));
    if (!s.ok()) __builtin_trap();
    entorno.servicio = std::move(*s);
    entorno.rutas = entorno.servicio->Rutas();
    if (!entorno.servicio->directorio()
             .CrearPrimerAdministrador("admin", kPassword, entorno.reloj)
             .ok()) {
      __builtin_trap();
    }
    const auto login = [](const std::string& u) {
      auto r = entorno.Llamar("", "POST /api/v1/sesiones",
                              nlohmann::json{{"usuario", u}, {"password", kPassword}}.dump());
      return nlohmann::json::parse(r.body, nullptr, false).value("token", "");
    };
    const std::string admin = login("admin");
    for (auto [rol, sitio] :
         std::vector<std::pair<std::string, std::string>>{{"acopiador", "CATD01"},
                                                          {"digitalizador", "CATD01"},
                                                          {"capturista", "CCV01"},
                                                          {"verificador", "CCV01"},
                                                          {"cotejador", "CCV01"},
                                                          {"coordinador", "*"},
                                                          {"auditor", "*"},
                                                          {"consulta", "*"}}) {
      entorno.Llamar(
          admin, "POST /api/v1/usuarios",
          nlohmann::json{
              {"nombre", "u_" + rol}, {"rol", rol}, {"sitio", sitio}, {"password", kPassword}}
              .dump());
      entorno.tokens.push_back(login("u_" + rol));
    }
    entorno.tokens.push_back(admin);
    entorno.tokens.push_back("");
    for (size_t i = 0; i + 1 < entorno.tokens.size(); ++i) {
      if (entorno.tokens[i].empty()) __builtin_trap();  // the set-up failed
    }
    // A first acta through acopio and an image, so later phases have something to act on.
    entorno.Llamar(entorno.tokens[0], "POST /api/v1/actas/050001B01002/acopio", "{}");
    return &entorno;
  }();
  return *e;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  Entorno& e = Preparar();
  const std::string& token = e.tokens[data[0] % e.tokens.size()];
  const std::string_view resto(reinterpret_cast<const char*>(data + 1), size - 1);
  const size_t nl = resto.find('\n');
  if (nl == std::string_view::npos || nl == 0 || nl > 512) return 0;
  const std::string linea(resto.substr(0, nl));
  // One request line: no CR/LF or NUL inside (the parser would refuse it anyway).
  if (linea.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) return 0;
  // Ending a role's session would leave the rest of the run without it.
  if (linea.find("/sesiones") != std::string::npos && linea.rfind("DELETE", 0) == 0) return 0;
  const prep::http::Response r = e.Llamar(token, linea, resto.substr(nl + 1));
  if (r.status < 100 || r.status >= 500) __builtin_trap();
  return 0;
}
