// `prep`: the command line. Thin: parse flags, call the libraries, map
// Status to exit codes (0 ok, 1 a finding such as a mismatch, 2 unusable input).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>

#include "check/check.h"
#include "cli/auditoria.h"
#include "cli/operacion.h"
#include "cli/publicacion.h"
#include "cli/respaldo.h"
#include "cli/simulacion.h"

namespace {

// A password from standard input (one line), so it never shows in `ps` or
// in the shell history.
std::string LeerPassword(const char* para) {
  if (isatty(0)) std::cerr << "Contraseña de " << para << ": " << std::flush;
  std::string line;
  std::getline(std::cin, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  return line;
}

int Report(const prep::Status& s, const std::string& ok_message) {
  if (!s.ok()) {
    std::cerr << s.message() << "\n";
    return 2;
  }
  std::cout << ok_message << "\n";
  return 0;
}

int RunCheck(const std::string& file, bool json, size_t threads, size_t examples) {
  prep::check::CheckOptions options;
  options.threads = threads;
  options.max_examples = examples;
  auto reports = prep::check::CheckPath(file, options);
  if (!reports.ok()) {
    std::cerr << reports.status().message() << "\n";
    return 2;
  }
  int exit_code = 0;
  for (const auto& r : *reports) exit_code = std::max(exit_code, r.ExitCode());
  if (json) {
    if (reports->size() == 1) {
      std::cout << prep::check::ToJson(reports->front()).dump(2) << "\n";
    } else {
      nlohmann::ordered_json all;
      all["files"] = nlohmann::ordered_json::array();
      for (const auto& r : *reports) all["files"].push_back(prep::check::ToJson(r));
      all["exit_code"] = exit_code;
      std::cout << all.dump(2) << "\n";
    }
  } else {
    for (size_t i = 0; i < reports->size(); ++i) {
      if (i > 0) std::cout << "\n" << std::string(72, '=') << "\n\n";
      std::cout << prep::check::FormatHuman((*reports)[i]);
    }
  }
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"prep: Programa de Resultados Electorales Preliminares, verificable"};
  app.require_subcommand(1);

  std::string file;
  bool json = false;
  size_t threads = std::max(1u, std::min(2u, std::thread::hardware_concurrency()));
  size_t examples = 5;
  CLI::App* check = app.add_subcommand(
      "check",
      "Recalcula una base de datos PREP publicada (CSV o zip) y la compara con su encabezado");
  check->add_option("FILE", file, "CSV de resultados o zip publicado")->required();
  check->add_flag("--json", json, "una salida JSON (documentada en README.md)");
  check->add_option("--threads", threads, "hilos para leer las actas")->check(CLI::Range(1, 64));
  check->add_option("--examples", examples, "ejemplos por tipo de discrepancia")
      ->check(CLI::Range(0, 1000));

  std::string config, from_csv, data, admin;
  CLI::App* init = app.add_subcommand("init", "Crea la carpeta de datos de una elección");
  auto* opt_config = init->add_option("--config", config, "archivo de configuración (TOML)");
  auto* opt_csv =
      init->add_option("--from-prep-csv", from_csv, "base de datos PREP publicada (CSV o zip)");
  opt_config->excludes(opt_csv);
  init->add_option("--data", data, "carpeta de datos (vacía)")->required();
  std::string init_store;
  init->add_option("--store", init_store,
                   "cadena de conexión PostgreSQL (postgresql://h1:p1,h2:p2/prep?"
                   "target_session_attrs=read-write): la bitácora vive ahí; sin ella, en "
                   "DATA/prep.sqlite");
  bool simulacro = false;
  init->add_flag("--simulacro", simulacro,
                 "una elección de simulacro: todos sus cortes lo dicen y se firman con la clave "
                 "de simulacro");
  init->add_option("--admin", admin,
                   "crea el primer administrador (contraseña por la entrada estándar)");

  std::string usuario, rol, sitio, como;
  CLI::App* users = app.add_subcommand("users", "Gestiona usuarios");
  users->require_subcommand(1);
  CLI::App* users_add = users->add_subcommand(
      "add",
      "Crea un usuario (contraseñas por la entrada estándar: la del administrador y la nueva)");
  users_add->add_option("--data", data, "carpeta de datos")->required();
  users_add->add_option("--como", como, "administrador que la crea")->required();
  users_add->add_option("NOMBRE", usuario)->required();
  users_add->add_option("ROL", rol)->required();
  users_add->add_option("SITIO", sitio)->required();
  CLI::App* users_list = users->add_subcommand("list", "Lista los usuarios");
  users_list->add_option("--data", data, "carpeta de datos")->required();

  prep::cli::OpcionesServir servir;
  CLI::App* serve = app.add_subcommand("serve", "Sirve la API de operación");
  serve->add_option("--data", data, "carpeta de datos")->required();
  serve->add_option("--listen", servir.listen, "dirección:puerto (por omisión 127.0.0.1:8080)");
  // A write's handler waits for the group commit on its thread: with at least
  // as many threads as people writing at once, no request queues for a thread
  // (bench/captures_bench.cc: p99 20-27 ms at 2,000 captures/s from 200
  // clients with 256 threads, 99-121 ms with 32).
  serve
      ->add_option("--threads", servir.threads,
                   "hilos del servidor: las escrituras esperan al disco (se agrupan), así que "
                   "conviene uno por persona escribiendo a la vez (por omisión 256)")
      ->check(CLI::Range(1, 1024));
  serve->add_option("--tls-cert", servir.tls_certificado,
                    "certificado TLS (PEM, con su cadena): con --tls-key, solo HTTPS");
  serve->add_option("--tls-key", servir.tls_clave, "clave privada TLS (PEM)");
  serve
      ->add_option("--tasa-por-sesion", servir.tasa_por_sesion,
                   "solicitudes por segundo de cada sesión (ráfaga: 10 s de ellas; 0: sin "
                   "límite; por omisión 20)")
      ->check(CLI::Range(0.0, 1e6));
  serve
      ->add_option("--tasa-sin-sesion", servir.tasa_sin_sesion,
                   "solicitudes por segundo sin sesión, por dirección (inicios de sesión; "
                   "ráfaga: 6 s de ellas; 0: sin límite; por omisión 10)")
      ->check(CLI::Range(0.0, 1e6));

  prep::cli::OpcionesPublicar publicar;
  for (CLI::App* sub : {serve}) {
    sub->add_option("--dialecto", publicar.dialecto,
                    "formato de la base de datos: ieqroo2019 (por omisión) o ine2024");
    sub->add_option("--organo", publicar.organo, "el instituto, para el encabezado del sitio");
  }

  std::string respaldo_destino, respaldo_origen, restore_store;
  CLI::App* backup = app.add_subcommand(
      "backup", "Respalda la carpeta de datos y la bitácora (copia consistente, incremental)");
  backup->add_option("--data", data, "carpeta de datos")->required();
  backup->add_option("--to", respaldo_destino, "carpeta del respaldo")->required();
  CLI::App* restore = app.add_subcommand(
      "restore", "Restaura un respaldo en una carpeta nueva y verifica la cadena");
  restore->add_option("--from", respaldo_origen, "carpeta del respaldo")->required();
  restore->add_option("--data", data, "carpeta de datos nueva (no debe existir o estar vacía)")
      ->required();
  restore->add_option("--store", restore_store,
                      "cadena de conexión PostgreSQL (base vacía): la bitácora va ahí");

  bool final = false;
  CLI::App* publish =
      app.add_subcommand("publish", "Publica un corte ahora (simulacros, o el cierre con --final)");
  publish->add_option("--data", data, "carpeta de datos")->required();
  publish->add_flag("--final", final, "el último corte: cierra el PREP");
  publish->add_option("--dialecto", publicar.dialecto, "ieqroo2019 (por omisión) o ine2024");
  publish->add_option("--organo", publicar.organo, "el instituto, para el encabezado del sitio");

  std::string destino, clave;
  bool sin_imagenes = false;
  CLI::App* verify = app.add_subcommand(
      "verify",
      "Verifica cortes publicados (carpeta o http://): hashes, firma, cadena, raíz Merkle");
  verify->add_option("DESTINO", destino, "carpeta de publicación, de un corte, o URL http://")
      ->required();
  verify->add_option("--clave", clave, "clave pública Ed25519 (hex) en la que se confía");
  verify->add_flag("--sin-imagenes", sin_imagenes, "no descarga ni comprueba las imágenes");

  prep::cli::OpcionesDemo demo_o;
  demo_o.noche.data = "prep-demo";
  bool salir = false, quedarse = false;
  CLI::App* demo = app.add_subcommand(
      "demo",
      "Una noche de elección simulada (Coahuila 2020, SIMULACRO) con el servidor, el sitio y los "
      "cortes; se reanuda si se interrumpe");
  prep::cli::OpcionesSimulacro sim_o;
  CLI::App* simulacro_cmd = app.add_subcommand(
      "simulacro", "Un simulacro de la noche con fallas inyectadas, y su informe");
  prep::cli::OpcionesReplay replay_o;
  CLI::App* replay = app.add_subcommand(
      "replay", "Repite, por la API, la noche de una base de datos PREP publicada");
  for (auto [sub, noche] : {std::pair{demo, &demo_o.noche}, std::pair{simulacro_cmd, &sim_o.noche},
                            std::pair{replay, &replay_o.noche}}) {
    sub->add_option("--data", noche->data, "carpeta de la elección simulada");
    sub->add_option("--minutos", noche->minutos, "minutos reales para toda la noche")
        ->check(CLI::Range(0.05, 1440.0));
    sub->add_option("--puerto", noche->puerto, "puerto en 127.0.0.1 (0: uno libre)")
        ->check(CLI::Range(0, 65535));
    sub->add_option("--hilos", noche->hilos, "operadores simulados trabajando a la vez")
        ->check(CLI::Range(1, 64));
    sub->add_option("--semilla", noche->semilla, "semilla de la noche sintética");
    sub->add_flag("--desde-cero", noche->desde_cero, "borra la corrida anterior de esa carpeta");
  }
  demo->add_option("--config", demo_o.config, "configuración de la elección (TOML)");
  demo->add_flag("--salir", salir, "termina tras el corte final (sin seguir sirviendo el sitio)");
  demo->add_flag("--quedarse", quedarse, "sigue sirviendo el sitio tras el corte final");
  simulacro_cmd->add_option("--config", sim_o.config, "configuración de la elección (TOML)")
      ->required();
  simulacro_cmd
      ->add_option("--fallas", sim_o.fallas, "reinicio, lenta, soltada, duplicado, catd o todas")
      ->delimiter(',');
  simulacro_cmd->add_option("--reinicios", sim_o.reinicios, "veces que se mata el servidor")
      ->check(CLI::Range(0, 100));
  simulacro_cmd->add_option("--informe", sim_o.informe, "carpeta del informe (DATA/informe)");
  replay->add_option("ARCHIVO", replay_o.archivo, "base de datos PREP publicada (CSV o zip)")
      ->required();
  replay->add_option("--velocidad", replay_o.velocidad,
                     "veces más rápido que la noche real (0: cabe en --minutos)");
  replay
      ->add_option("--cortes-cada", replay_o.cortes_cada_min, "minutos de la elección entre cortes")
      ->check(CLI::Range(1, 1440));
  replay->add_flag("--sin-esperas", replay_o.sin_esperas,
                   "cada paso en cuanto se confirma el anterior, con el reloj real (mide la "
                   "tubería)");

  CLI::App* audit = app.add_subcommand(
      "audit", "Auditoría: manifiesto del sistema, puesta en ceros, recálculo de los cortes");
  audit->require_subcommand(1);
  std::string audit_json, audit_a, audit_b, audit_corte;
  CLI::App* audit_manifest =
      audit->add_subcommand("manifest",
                            "SHA-256 del programa, la consola, el esquema, la "
                            "elección y las claves públicas (para el acta notarial)");
  audit_manifest->add_option("--data", data, "carpeta de datos (sin ella, sólo el programa)");
  audit_manifest->add_option("--json", audit_json, "escribe también el manifiesto en JSON");
  CLI::App* audit_compare =
      audit->add_subcommand("compare", "Compara dos manifiestos JSON de prep audit manifest");
  audit_compare->add_option("A", audit_a)->required();
  audit_compare->add_option("B", audit_b)->required();
  CLI::App* audit_zero = audit->add_subcommand(
      "zero", "Puesta en ceros: comprueba que la base de datos no tiene datos de actas");
  audit_zero->add_option("--data", data, "carpeta de datos")->required();
  CLI::App* audit_close = audit->add_subcommand(
      "close",
      "informe de cierre para el acta circunstanciada: actas y votos por nivel del "
      "corte final, su hora, los hashes finales y las comprobaciones");
  audit_close->add_option("--data", data, "carpeta de datos")->required();
  CLI::App* audit_recompute = audit->add_subcommand(
      "recompute",
      "Recalcula cada corte publicado desde la bitácora y lo compara archivo por archivo");
  audit_recompute->add_option("--data", data, "carpeta de datos")->required();
  audit_recompute->add_option("--corte", audit_corte, "sólo este corte (YYYYMMDD_HHMM)");
  std::string audit_salida;
  audit_recompute->add_option("--salida", audit_salida,
                              "conserva los cortes recalculados en esta carpeta");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (check->parsed()) return RunCheck(file, json, threads, examples);
  if (init->parsed()) {
    if (config.empty() == from_csv.empty()) {
      std::cerr << "prep init: use --config FILE or --from-prep-csv FILE\n";
      return 2;
    }
    prep::cli::OpcionesInit o;
    o.admin = admin;
    o.admin_password = admin.empty() ? "" : LeerPassword(admin.c_str());
    o.simulacro = simulacro;
    o.store = init_store;
    const prep::Status s = config.empty() ? prep::cli::InitDesdePrepCsv(from_csv, data, o)
                                          : prep::cli::InitDesdeConfig(config, data, o);
    return Report(s, "prep init: elección creada en " + data);
  }
  if (users_add->parsed()) {
    const std::string admin_password = LeerPassword(como.c_str());
    const std::string nueva = LeerPassword(usuario.c_str());
    auto servicio = prep::cli::AbrirServicio(data);
    if (!servicio.ok()) return Report(servicio.status(), "");
    auto& dir = (*servicio)->directorio();
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    auto sesion = dir.Login(como, admin_password, now);
    if (!sesion.ok()) return Report(sesion.status(), "");
    auto actor = dir.Autenticar(sesion->token, now);
    if (!actor.ok()) return Report(actor.status(), "");
    const prep::Status s = dir.CrearUsuario(*actor, usuario, rol, sitio, nueva, now);
    (void)dir.Logout(sesion->token, now);
    return Report(s, "prep users: " + usuario + " creado (" + rol + ", " + sitio + ")");
  }
  if (users_list->parsed()) {
    auto servicio = prep::cli::AbrirServicio(data);
    if (!servicio.ok()) return Report(servicio.status(), "");
    for (const auto& u : (*servicio)->directorio().Usuarios()) {
      std::cout << u.nombre << "\t" << prep::auth::NombreRol(u.rol) << "\t" << u.sitio << "\t"
                << (u.activo ? "activo" : "inactivo") << "\n";
    }
    return 0;
  }
  if (serve->parsed()) return prep::cli::Serve(data, servir, publicar);
  if (backup->parsed()) return prep::cli::Backup(data, respaldo_destino);
  if (restore->parsed()) return prep::cli::Restore(respaldo_origen, data, restore_store);
  if (publish->parsed()) return prep::cli::Publish(data, final, publicar);
  if (verify->parsed()) return prep::cli::Verify(destino, clave, !sin_imagenes);
  if (audit_manifest->parsed()) return prep::cli::AuditManifest(data, audit_json);
  if (audit_compare->parsed()) return prep::cli::AuditCompare(audit_a, audit_b);
  if (audit_zero->parsed()) return prep::cli::AuditZero(data);
  if (audit_close->parsed()) return prep::cli::AuditClose(data);
  if (audit_recompute->parsed()) return prep::cli::AuditRecompute(data, audit_corte, audit_salida);
  if (demo->parsed()) {
    if (salir) demo_o.quedarse = 0;
    if (quedarse) demo_o.quedarse = 1;
    return prep::cli::Demo(demo_o);
  }
  if (simulacro_cmd->parsed()) {
    if (sim_o.noche.data.empty()) sim_o.noche.data = "prep-simulacro";
    return prep::cli::Simulacro(sim_o);
  }
  if (replay->parsed()) {
    if (replay_o.noche.data.empty()) replay_o.noche.data = "prep-replay";
    return prep::cli::Replay(replay_o);
  }
  return 2;
}
