// Users, sessions and login throttling: the Directorio.
//
// The directory is the state of the user events (usuario_creado,
// usuario_reasignado, usuario_desactivado, usuario_reactivado,
// contrasena_cambiada), so it can be rebuilt by replaying them with Aplicar().
// A management operation (CrearUsuario, Reasignar, ...) runs in this order:
//   1. the acting user, looked up again here by name (a stale or forged copy
//      of an administrador is not trusted), must be allowed
//      kAdministrarUsuarios at all (only administrador is);
//   2. the input is validated (user name [a-z0-9._-]{3,32}, known role, a
//      site valid for the role, password policy);
//   3. the actor's scope must cover the sites involved (Autorizar);
//   4. the event is written to the DiarioUsuarios (durably, in the real one);
//   5. only then is it applied, through the same code as Aplicar().
// A refusal at any step changes nothing. Every call, allowed or refused,
// leaves exactly one RegistroAuditoria (never a password or a hash).
// An administrador cannot change its own role or site, nor deactivate
// itself, so the directory never loses its last administrador by accident.
//
// Login() checks a password against its argon2id hash and opens a Sesion: a
// random 32-byte token (64 hex characters) that expires after
// AjustesDirectorio::duracion_sesion_ms. Only a BLAKE2b hash of each token is
// kept. Unknown users, wrong passwords and malformed names get the same
// answer, after the same argon2id work. After `max_fallos` failures for one
// name within `ventana_fallos_ms`, that name is refused for `bloqueo_ms`, even
// with the right password; a success clears its failures. Deactivating a
// user, reassigning it or changing its password closes its sessions. Sessions
// and failure counts live in memory only (a restart logs everyone out).
//
// Time is always passed in (`now_ms`, UTC ms since the epoch), never read.
// Errors: kInvalidArgument for malformed input; kNotFound for a managed user
// that does not exist; kFailedPrecondition for anything refused (permission,
// scope, bad credentials, throttling, expired session); the DiarioUsuarios's
// own error when it cannot write.
// Thread-safety: Directorio is safe to use from many threads. Management
// operations are serialised; logins hash outside the lock, so argon2id does not
// stall Autenticar(), which only takes a shared lock.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "auth/audit.h"
#include "auth/password.h"
#include "auth/roles.h"
#include "base/status.h"

namespace prep::auth {

struct Usuario {
  std::string nombre;  // [a-z0-9._-]{3,32}
  Rol rol = Rol::kConsulta;
  std::string sitio;          // CATD/CCV id, or "*" for central roles
  std::string password_hash;  // argon2id encoded string
  bool activo = true;

  friend bool operator==(const Usuario&, const Usuario&) = default;
};

// OK when `nombre` matches [a-z0-9._-]{3,32} and is not reserved ("sistema").
Status ValidarNombreUsuario(std::string_view nombre);
// OK when `sitio` is a CATD/CCV id ([A-Za-z0-9._-]{1,32}), or "*" for a role
// that admits it (RolAdmiteSitioCentral).
Status ValidarSitio(std::string_view sitio, Rol rol);

// The actor of events written without a user (CrearPrimerAdministrador).
inline constexpr char kActorSistema[] = "sistema";

// One user event, shaped like store::EventDraft (type, actor, site, at_ms,
// payload; no acta) so the persistent DiarioUsuarios is a thin adapter.
// `payload` is a JSON object with sorted keys:
//   usuario_creado       {"nombre","password_hash","rol","sitio"}
//   usuario_reasignado   {"nombre","rol","sitio"}
//   usuario_desactivado  {"nombre"}
//   usuario_reactivado   {"nombre"}
//   contrasena_cambiada  {"nombre","password_hash"}
// The log that holds these events holds password hashes: it is not public.
struct EventoUsuario {
  std::string tipo;
  std::string actor;  // who did it
  std::string sitio;  // the actor's site
  int64_t at_ms = 0;
  std::string payload;

  friend bool operator==(const EventoUsuario&, const EventoUsuario&) = default;
};
inline constexpr char kUsuarioCreado[] = "usuario_creado";
inline constexpr char kUsuarioReasignado[] = "usuario_reasignado";
inline constexpr char kUsuarioDesactivado[] = "usuario_desactivado";
inline constexpr char kUsuarioReactivado[] = "usuario_reactivado";
inline constexpr char kContrasenaCambiada[] = "contrasena_cambiada";
// True for the five types above (to pick user events out of the whole log).
bool EsEventoUsuario(std::string_view tipo);

// Where the directory writes its events before applying them. A non-OK
// return refuses the operation, and the directory stays unchanged.
class DiarioUsuarios {
 public:
  virtual ~DiarioUsuarios() = default;
  virtual Status Anotar(const EventoUsuario& evento) = 0;
};

// Keeps the events in memory (tests; a directory that is never persisted).
class DiarioEnMemoria final : public DiarioUsuarios {
 public:
  Status Anotar(const EventoUsuario& evento) override;
  std::vector<EventoUsuario> Eventos() const;  // a copy, in order

 private:
  mutable std::mutex mu_;
  std::vector<EventoUsuario> eventos_;
};

struct AjustesDirectorio {
  PasswordParams password;                                 // argon2id cost of new hashes
  int64_t duracion_sesion_ms = int64_t{12} * 3600 * 1000;  // a session lasts a shift
  int max_fallos = 5;                                      // failed logins before the lock
  int64_t ventana_fallos_ms = int64_t{15} * 60 * 1000;     // ... counted within this window
  int64_t bloqueo_ms = int64_t{15} * 60 * 1000;            // how long the name stays locked
};

struct Sesion {
  std::string token;  // 64 hex characters; the server keeps only its hash
  std::string nombre;
  Rol rol = Rol::kConsulta;
  std::string sitio;
  int64_t inicio_ms = 0;
  int64_t expira_ms = 0;
};

class Directorio {
 public:
  // `diario` and `bitacora` must outlive the directory.
  Directorio(const AjustesDirectorio& ajustes, DiarioUsuarios& diario, BitacoraAuditoria& bitacora);
  Directorio(const Directorio&) = delete;
  Directorio& operator=(const Directorio&) = delete;

  // Applies a stored event (replay on start-up). No authorisation, no
  // journal, no audit: the event was checked when it was written. Not OK for
  // an event this code cannot have written (unknown type, bad payload, a user
  // created twice, ...), and then nothing changes.
  Status Aplicar(const EventoUsuario& evento);

  // The first administrador (actor "sistema", site "*"); refused unless the
  // directory is empty.
  Status CrearPrimerAdministrador(std::string_view nombre, std::string_view password,
                                  int64_t now_ms);

  // User management: only an administrador whose scope covers the sites
  // involved (the new user's; for Reasignar both the old and the new site).
  // `rol` is a role name as NombreRol() writes it.
  Status CrearUsuario(const Usuario& actor, std::string_view nombre, std::string_view rol,
                      std::string_view sitio, std::string_view password, int64_t now_ms);
  Status Reasignar(const Usuario& actor, std::string_view nombre, std::string_view rol,
                   std::string_view sitio, int64_t now_ms);
  Status Desactivar(const Usuario& actor, std::string_view nombre, int64_t now_ms);
  Status Reactivar(const Usuario& actor, std::string_view nombre, int64_t now_ms);
  Status CambiarContrasena(const Usuario& actor, std::string_view nombre, std::string_view nueva,
                           int64_t now_ms);

  Result<Sesion> Login(std::string_view nombre, std::string_view password, int64_t now_ms);
  // The current record of the session's user (a copy: role and site as they
  // are now). Refused for an unknown, expired or closed session.
  Result<Usuario> Autenticar(std::string_view token, int64_t now_ms) const;
  Status Logout(std::string_view token, int64_t now_ms);

  std::optional<Usuario> Buscar(std::string_view nombre) const;
  std::vector<Usuario> Usuarios() const;  // by name
  size_t SesionesAbiertas(int64_t now_ms) const;

 private:
  struct SesionGuardada {
    std::string nombre;
    int64_t expira_ms = 0;
  };
  struct Intentos {
    std::deque<int64_t> fallos;  // times of recent failures, oldest first
    int en_curso = 0;            // logins between their two phases
    int64_t bloqueado_hasta_ms = 0;
  };

  // Runs one management operation (escritura_mu_ held): step 1, then
  // `preparar` (steps 2 and 3: validation, scope, the event), then the write;
  // one audit record whatever happens.
  using Preparar = std::function<Result<EventoUsuario>(const Usuario& actor_vigente)>;
  Status Gestionar(const Usuario& actor, const char* accion, std::string_view objetivo,
                   int64_t now_ms, const Preparar& preparar);
  Result<Usuario> ActorVigente(const Usuario& actor) const;  // step 1
  // Journals and applies (escritura_mu_ held, mu_ not).
  Status Escribir(const EventoUsuario& evento);
  Status AplicarBloqueado(const EventoUsuario& evento);  // mu_ held exclusively
  void CerrarSesionesDe(const std::string& nombre);      // mu_ held exclusively
  void Auditar(const RegistroAuditoria& registro);

  const AjustesDirectorio ajustes_;
  DiarioUsuarios& diario_;
  BitacoraAuditoria& bitacora_;
  std::string hash_senuelo_;  // verified for unknown names, to take the same time

  std::mutex escritura_mu_;       // serialises management operations and Aplicar
  mutable std::shared_mutex mu_;  // guards the three maps below
  std::map<std::string, Usuario, std::less<>> usuarios_;
  std::unordered_map<std::string, SesionGuardada> sesiones_;  // by BLAKE2b(token)
  std::unordered_map<std::string, Intentos> intentos_;        // by user name
};

}  // namespace prep::auth
