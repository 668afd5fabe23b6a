// The operations API (/api/v1): the proceso técnico operativo over HTTP.
//
// Every write is: authenticate the bearer token (src/auth) → check the
// Idempotency-Key (a retry returns the stored answer; the same key with
// another request is a 409) → authorise the role and the CATD/CCV scope →
// check the acta's workflow rules (src/ops) → append the event durably
// (src/store) → apply it. A refused request changes nothing and is written to
// the audit trail, as is every allowed one. Users and the audit trail live in
// the same hash-chained log as the actas.
// Thread-safety: the router's handlers may run on many threads.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "auth/users.h"
#include "base/status.h"
#include "domain/election.h"
#include "http/limite.h"
#include "http/server.h"
#include "ops/operaciones.h"
#include "store/store.h"

namespace prep::http {

struct SedeInfo {
  std::string tipo;  // "CATD" or "CCV"
  int distrito = 0;  // for a CATD: the distrito whose actas it receives
};

// A person at a console makes a few requests a second, and a burst when a screen loads; a
// CATD or a phone carrier's NAT puts many people behind one address, who log in once each.
inline constexpr Tasa kTasaPorSesion{20, 200};
inline constexpr Tasa kTasaSinSesion{10, 60};

struct ServicioOpciones {
  std::string data_dir;  // imagenes/ and the store (store::OpenStore) live here
  ops::Ajustes ajustes;
  auth::AjustesDirectorio directorio;
  std::map<std::string, SedeInfo> sedes;  // by id
  std::function<int64_t()> reloj;         // UTC ms; injected
  size_t max_json_bytes = 64 << 10;
  int64_t reclamo_ms = 10 * 60 * 1000;  // how long a work-queue claim lasts
  // POST /api/v1/cortes (kForzarCorte): publishes a corte now and returns its
  // id; `final` closes the PREP. Unset: the route answers 409 (no publisher).
  std::function<Result<std::string>(bool final)> forzar_corte;
  // Where publication stands, as a JSON object (next and last corte, closed,
  // simulacro, public key), for GET /api/v1/eleccion; unset: null.
  std::function<std::string()> estado_publicacion;
  // Requests per second for each session (by its token) and for each address making
  // requests without one (logins); refused: 429 with Retry-After. Off here (0); `prep
  // serve` turns them on (kTasaPorSesion, kTasaSinSesion) unless told otherwise.
  Tasa tasa_por_sesion;
  Tasa tasa_sin_sesion;
};

class Servicio {
 public:
  // Opens the store of DATA_DIR (store::OpenStore; verifying its chain) and rebuilds the state
  // from the log.
  static Result<std::unique_ptr<Servicio>> Abrir(domain::Catalogo catalogo,
                                                 ServicioOpciones opciones);
  ~Servicio();

  std::shared_ptr<const Router> Rutas();
  auth::Directorio& directorio();
  store::Store& store();
  // Applies events appended by others (tests, tools) — not needed in normal use.
  const ops::Operaciones& operaciones() const;

 private:
  struct Impl;
  explicit Servicio(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace prep::http
