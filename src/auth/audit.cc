#include "auth/audit.h"

#include <nlohmann/json.hpp>

#include "auth/users.h"

namespace prep::auth {

void BitacoraEnMemoria::Registrar(const RegistroAuditoria& registro) {
  std::lock_guard<std::mutex> lock(mu_);
  registros_.push_back(registro);
}

std::vector<RegistroAuditoria> BitacoraEnMemoria::Registros() const {
  std::lock_guard<std::mutex> lock(mu_);
  return registros_;
}

std::string RegistroAJson(const RegistroAuditoria& r) {
  nlohmann::ordered_json j;
  j["at_ms"] = r.at_ms;
  j["usuario"] = r.usuario;
  j["sitio"] = r.sitio;
  j["accion"] = r.accion;
  j["objetivo"] = r.objetivo;
  j["permitido"] = r.permitido;
  j["motivo"] = r.motivo;
  // Invalid UTF-8 (a name typed at a login) is replaced, never thrown on.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Status AutorizarYRegistrar(BitacoraAuditoria& bitacora, const Usuario& usuario, Accion accion,
                           std::string_view sitio_objetivo, std::string_view objetivo,
                           int64_t now_ms) {
  Decision d = Autorizar(usuario, accion, sitio_objetivo);
  bitacora.Registrar({now_ms, usuario.nombre, usuario.sitio, std::string(NombreAccion(accion)),
                      std::string(objetivo), d.permitido, d.motivo});
  if (!d.permitido) return Status::FailedPrecondition(std::move(d.motivo));
  return Status::Ok();
}

}  // namespace prep::auth
