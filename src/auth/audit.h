// The audit trail: one RegistroAuditoria per action asked of the system,
// allowed or refused (logins, logouts, user management, and through
// AutorizarYRegistrar every operation of the operations core), for the ente
// auditor.
//
// A record never holds a password or a password hash. `permitido` says whether
// the action was carried out; a refusal says why in `motivo` (Spanish).
// BitacoraAuditoria is the sink: the in-memory one below serves tests; the
// persistent one will append RegistroAJson() to the event log.
// Thread-safety: BitacoraAuditoria implementations must accept calls from many
// threads (BitacoraEnMemoria does); Registrar must not call back into the
// caller (Directorio calls it while holding its locks).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "auth/roles.h"
#include "base/status.h"

namespace prep::auth {

struct RegistroAuditoria {
  int64_t at_ms = 0;     // UTC ms since the epoch, the caller's clock
  std::string usuario;   // who acted, or the name typed at a login
  std::string sitio;     // the actor's CATD/CCV or "*"; "" when not known
  std::string accion;    // "iniciar_sesion", "crear_usuario", NombreAccion(...), ...
  std::string objetivo;  // what was acted on: a user name, an acta, a site; may be ""
  bool permitido = false;
  std::string motivo;  // why it was refused; "" when permitido

  friend bool operator==(const RegistroAuditoria&, const RegistroAuditoria&) = default;
};

class BitacoraAuditoria {
 public:
  virtual ~BitacoraAuditoria() = default;
  virtual void Registrar(const RegistroAuditoria& registro) = 0;
};

// Keeps every record in memory, in order.
class BitacoraEnMemoria final : public BitacoraAuditoria {
 public:
  void Registrar(const RegistroAuditoria& registro) override;
  std::vector<RegistroAuditoria> Registros() const;  // a copy

 private:
  mutable std::mutex mu_;
  std::vector<RegistroAuditoria> registros_;
};

// One JSON object with the fields above, in declaration order.
std::string RegistroAJson(const RegistroAuditoria& registro);

// For the operations core: Autorizar(usuario, accion, sitio_objetivo), and one
// record of the decision (accion = NombreAccion(accion), objetivo as given,
// e.g. the CLAVE_ACTA). OK, or kFailedPrecondition with the reason.
Status AutorizarYRegistrar(BitacoraAuditoria& bitacora, const Usuario& usuario, Accion accion,
                           std::string_view sitio_objetivo, std::string_view objetivo,
                           int64_t now_ms);

}  // namespace prep::auth
