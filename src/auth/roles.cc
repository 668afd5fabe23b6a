#include "auth/roles.h"

#include <cstddef>

#include "auth/users.h"

namespace prep::auth {
namespace {

// Rows of the matrix in roles.h, one bit per Accion.
constexpr uint32_t Bit(Accion a) { return uint32_t{1} << static_cast<unsigned>(a); }

constexpr uint32_t Permisos(Rol rol) {
  switch (rol) {
    case Rol::kAcopiador:
      return Bit(Accion::kRegistrarAcopio);
    case Rol::kDigitalizador:
      return Bit(Accion::kDigitalizar);
    case Rol::kCapturista:
      return Bit(Accion::kCapturar);
    case Rol::kVerificador:
      return Bit(Accion::kVerificar) | Bit(Accion::kOrdenarRecaptura);
    case Rol::kCotejador:
      return Bit(Accion::kCotejar) | Bit(Accion::kOrdenarRecaptura);
    case Rol::kCoordinador:
      return Bit(Accion::kCoordinar) | Bit(Accion::kForzarCorte) | Bit(Accion::kConsultar);
    case Rol::kAdministrador:
      return Bit(Accion::kAdministrarUsuarios) | Bit(Accion::kAdministrarConfiguracion) |
             Bit(Accion::kConsultar);
    case Rol::kAuditor:
      return Bit(Accion::kLeerAuditoria) | Bit(Accion::kConsultar);
    case Rol::kConsulta:
      return Bit(Accion::kConsultar);
  }
  return 0;
}

// What the action is, for a sentence: "el rol capturista no permite <...>".
std::string_view Descripcion(Accion accion) {
  switch (accion) {
    case Accion::kRegistrarAcopio:
      return "registrar el acopio de actas";
    case Accion::kDigitalizar:
      return "digitalizar actas";
    case Accion::kCapturar:
      return "capturar actas";
    case Accion::kVerificar:
      return "verificar actas";
    case Accion::kCotejar:
      return "cotejar actas";
    case Accion::kOrdenarRecaptura:
      return "ordenar recaptura o redigitalización";
    case Accion::kCoordinar:
      return "coordinar la operación";
    case Accion::kForzarCorte:
      return "forzar un corte";
    case Accion::kAdministrarUsuarios:
      return "administrar usuarios";
    case Accion::kAdministrarConfiguracion:
      return "administrar la configuración";
    case Accion::kLeerAuditoria:
      return "leer la bitácora de auditoría";
    case Accion::kConsultar:
      return "consultar";
  }
  return "?";
}

Decision Negar(std::string motivo) { return {false, std::move(motivo)}; }

}  // namespace

std::string_view NombreRol(Rol rol) {
  switch (rol) {
    case Rol::kAcopiador:
      return "acopiador";
    case Rol::kDigitalizador:
      return "digitalizador";
    case Rol::kCapturista:
      return "capturista";
    case Rol::kVerificador:
      return "verificador";
    case Rol::kCotejador:
      return "cotejador";
    case Rol::kCoordinador:
      return "coordinador";
    case Rol::kAdministrador:
      return "administrador";
    case Rol::kAuditor:
      return "auditor";
    case Rol::kConsulta:
      return "consulta";
  }
  return "?";
}

std::optional<Rol> RolDesdeNombre(std::string_view nombre) {
  for (Rol r : kRoles) {
    if (NombreRol(r) == nombre) return r;
  }
  return std::nullopt;
}

std::string_view NombreAccion(Accion accion) {
  switch (accion) {
    case Accion::kRegistrarAcopio:
      return "registrar_acopio";
    case Accion::kDigitalizar:
      return "digitalizar";
    case Accion::kCapturar:
      return "capturar";
    case Accion::kVerificar:
      return "verificar";
    case Accion::kCotejar:
      return "cotejar";
    case Accion::kOrdenarRecaptura:
      return "ordenar_recaptura";
    case Accion::kCoordinar:
      return "coordinar";
    case Accion::kForzarCorte:
      return "forzar_corte";
    case Accion::kAdministrarUsuarios:
      return "administrar_usuarios";
    case Accion::kAdministrarConfiguracion:
      return "administrar_configuracion";
    case Accion::kLeerAuditoria:
      return "leer_auditoria";
    case Accion::kConsultar:
      return "consultar";
  }
  return "?";
}

bool RolPermite(Rol rol, Accion accion) { return (Permisos(rol) & Bit(accion)) != 0; }

bool RolAdmiteSitioCentral(Rol rol) {
  switch (rol) {
    case Rol::kCoordinador:
    case Rol::kAdministrador:
    case Rol::kAuditor:
    case Rol::kConsulta:
      return true;
    default:
      return false;
  }
}

bool EsAccionCentral(Accion accion) {
  return accion == Accion::kForzarCorte || accion == Accion::kAdministrarConfiguracion;
}

Decision Autorizar(const Usuario& usuario, Accion accion, std::string_view sitio_objetivo) {
  const std::string rol(NombreRol(usuario.rol));
  if (!usuario.activo) {
    return Negar("el usuario " + usuario.nombre + " está desactivado");
  }
  if (usuario.sitio.empty()) {
    return Negar("el usuario " + usuario.nombre + " no tiene CATD o CCV asignado");
  }
  const bool central = usuario.sitio == kSitioCentral;
  if (central && !RolAdmiteSitioCentral(usuario.rol)) {
    return Negar("el rol " + rol + " debe estar asignado a un solo CATD o CCV, no a \"*\"");
  }
  if (!RolPermite(usuario.rol, accion)) {
    return Negar("el rol " + rol + " no permite " + std::string(Descripcion(accion)));
  }
  if (EsAccionCentral(accion)) {
    if (!central) {
      return Negar(std::string(Descripcion(accion)) + " abarca toda la elección y el usuario " +
                   usuario.nombre + " está asignado solo a " + usuario.sitio);
    }
    return {true, {}};
  }
  if (sitio_objetivo.empty()) {
    return Negar("no se indicó el CATD o CCV para " + std::string(Descripcion(accion)));
  }
  if (!central && usuario.sitio != sitio_objetivo) {
    return Negar("el usuario " + usuario.nombre + " está asignado a " + usuario.sitio +
                 " y no puede actuar por " + std::string(sitio_objetivo));
  }
  return {true, {}};
}

}  // namespace prep::auth
