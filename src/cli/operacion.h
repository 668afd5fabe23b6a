// `prep init`, `prep users` and `prep serve`: the data folder of an election.
//
// DATA/eleccion.json   what the election was created from (a config file or
//                      a published PREP database) and its SHA-256
// DATA/eleccion/       a copy of that source (and the casillas CSV it names)
// DATA/prep.sqlite     the hash-chained event log (or DATA/almacen: where it is)
// DATA/imagenes/       the acta images, by SHA-256
// DATA/claves/         the Ed25519 keys that sign the cortes: vivo.{pub,key} and
//                      simulacro.{pub,key} (a drill's cortes are never signed as live)
// DATA/publicacion/    the published cortes (src/publish/publicador.h)
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "base/status.h"
#include "formats/election_config.h"
#include "http/servicio.h"
#include "publish/corte.h"
#include "publish/firma.h"

namespace prep::cli {

struct Eleccion {
  domain::Catalogo catalogo;
  http::ServicioOpciones opciones;  // everything but data_dir and reloj
  // What the cortes publish: the catálogo again, candidaturas, file names.
  std::shared_ptr<const publish::Contienda> contienda;
  // The schedule; absent for an election derived from a published database
  // (it has no acuerdos): its cortes are only forced (`prep publish`).
  std::optional<formats::Acuerdos> acuerdos;
  bool simulacro = false;  // `prep init --simulacro`: every corte is a drill
};

struct OpcionesInit {
  std::string admin;
  std::string admin_password;
  bool simulacro = false;
  // A PostgreSQL connection string: the log lives there (written to
  // DATA/almacen, owner-only, so every command finds it); empty: DATA/prep.sqlite.
  std::string store;
};

// Creates DATA from a config file (every error listed; nothing created on error).
Status InitDesdeConfig(const std::string& config, const std::string& data,
                       const OpcionesInit& opciones);
// Creates DATA from a published PREP database (CSV or zip).
Status InitDesdePrepCsv(const std::string& archivo, const std::string& data,
                        const OpcionesInit& opciones);
// The signing keys of DATA for this mode (vivo or simulacro).
Result<publish::ParClaves> LeerClaves(const std::string& data, bool simulacro);
// Loads the election of DATA (as `prep serve` does).
Result<Eleccion> CargarEleccion(const std::string& data);
Result<std::unique_ptr<http::Servicio>> AbrirServicio(const std::string& data);

// The election's clock: the real one, or, for a simulacro with DATA/reloj.json
// (prep demo, prep simulacro), the accelerated one, `escala` times faster.
// A live election with a reloj.json is refused.
struct RelojEleccion {
  std::function<int64_t()> ahora;
  double escala = 1;
};
Result<RelojEleccion> RelojDe(const std::string& data, bool simulacro);

struct OpcionesPublicar {
  std::string dialecto = "ieqroo2019";  // or "ine2024"
  std::string organo;                   // the institute, for the site's header
};

struct OpcionesServir {
  std::string listen = "127.0.0.1:8080";
  int threads = 256;
  std::string tls_certificado;  // PEM; with tls_clave, HTTPS only
  std::string tls_clave;
  // Per second; 0 turns a limit off (see http::kTasaPorSesion, kTasaSinSesion).
  double tasa_por_sesion = 20;
  double tasa_sin_sesion = 10;
};

// The API, the public site of DATA/publicacion and the scheduler of cortes.
int Serve(const std::string& data, const OpcionesServir& servir, const OpcionesPublicar& publicar);
int64_t AhoraMs();

}  // namespace prep::cli
