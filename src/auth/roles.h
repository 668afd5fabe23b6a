// Who may do what, and for which CATD/CCV: the nine roles of the proceso
// técnico operativo, the actions of the operations core, and Autorizar(), the
// one pure function that decides.
//
// Every user is scoped to one site: a CATD or CCV id ("CATD01", "CCV1") or
// "*" (kSitioCentral, the whole election). Operational roles (acopiador,
// digitalizador, capturista, verificador, cotejador) always work for one site;
// coordinador, administrador, auditor and consulta may be central or work for
// one site. An action is allowed when the role allows it (table below) AND the
// user's scope covers the site acted for: a user of CATD01 cannot act for
// CATD02; a central user can act for any site. Actions marked (c) concern the
// whole election, so only central users ("*") may do them, whatever site is
// named.
//
//   role \ action  acopio digit captu verif cotej orden coord corte usuar confi audit consu
//   acopiador        X     .     .     .     .     .     .     .     .     .     .     .
//   digitalizador    .     X     .     .     .     .     .     .     .     .     .     .
//   capturista       .     .     X     .     .     .     .     .     .     .     .     .
//   verificador      .     .     .     X     .     X     .     .     .     .     .     .
//   cotejador        .     .     .     .     X     X     .     .     .     .     .     .
//   coordinador      .     .     .     .     .     .     X     X(c)  .     .     .     X
//   administrador    .     .     .     .     .     .     .     .     X     X(c)  .     X
//   auditor          .     .     .     .     .     .     .     .     .     .     X     X
//   consulta         .     .     .     .     .     .     .     .     .     .     .     X
//
//   acopio = kRegistrarAcopio, digit = kDigitalizar, captu = kCapturar,
//   verif = kVerificar, cotej = kCotejar, orden = kOrdenarRecaptura,
//   coord = kCoordinar, corte = kForzarCorte, usuar = kAdministrarUsuarios,
//   confi = kAdministrarConfiguracion, audit = kLeerAuditoria,
//   consu = kConsultar.
//
// Notes on the matrix:
// * Each operational role does its own phase and nothing else; in particular
//   a capturista cannot verify, and operational roles get no read-only views
//   (kConsultar), which would show a capturista the other, blind, capture.
// * A cotejador, like a verificador, may order recaptura or redigitalización
//   (spec §2.1, phase 6).
// * Whether a corte may be forced (drill mode only) is decided by the
//   publisher; here only the permission.
// * The auditor reads the audit trail; nobody else does (the administrador is
//   one of the people it audits).
//
// Refusals carry a Spanish reason for the person and the audit trail.
// Thread-safety: pure functions over values.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace prep::auth {

struct Usuario;  // users.h

enum class Rol : uint8_t {
  kAcopiador,
  kDigitalizador,
  kCapturista,
  kVerificador,
  kCotejador,
  kCoordinador,
  kAdministrador,
  kAuditor,
  kConsulta,
};
inline constexpr std::array<Rol, 9> kRoles = {
    Rol::kAcopiador,   Rol::kDigitalizador, Rol::kCapturista, Rol::kVerificador, Rol::kCotejador,
    Rol::kCoordinador, Rol::kAdministrador, Rol::kAuditor,    Rol::kConsulta};

// What the operations core (and the directory) asks permission for.
enum class Accion : uint8_t {
  kRegistrarAcopio,           // register a Sobre PREP's arrival, or "sin acta"
  kDigitalizar,               // upload an acta image
  kCapturar,                  // type an acta's numbers
  kVerificar,                 // compare the capture with the image, resolve discrepancies
  kCotejar,                   // compare published data with the original acta
  kOrdenarRecaptura,          // order a recaptura or a redigitalización
  kCoordinar,                 // progress, latency and incidents per site
  kForzarCorte,               // force a corte (drills) (c)
  kAdministrarUsuarios,       // create users, change role/site, deactivate, reset passwords
  kAdministrarConfiguracion,  // election setup, schedule, keys (c)
  kLeerAuditoria,             // read the audit trail
  kConsultar,                 // read-only views of the operation
};
inline constexpr std::array<Accion, 12> kAcciones = {Accion::kRegistrarAcopio,
                                                     Accion::kDigitalizar,
                                                     Accion::kCapturar,
                                                     Accion::kVerificar,
                                                     Accion::kCotejar,
                                                     Accion::kOrdenarRecaptura,
                                                     Accion::kCoordinar,
                                                     Accion::kForzarCorte,
                                                     Accion::kAdministrarUsuarios,
                                                     Accion::kAdministrarConfiguracion,
                                                     Accion::kLeerAuditoria,
                                                     Accion::kConsultar};

// The scope of a central user and the target of election-wide actions.
inline constexpr char kSitioCentral[] = "*";

// "acopiador", "digitalizador", ... (the words stored in events and shown).
std::string_view NombreRol(Rol rol);
// Inverse of NombreRol; nullopt for anything else (exact, lower case).
std::optional<Rol> RolDesdeNombre(std::string_view nombre);
// "registrar_acopio", "digitalizar", ..., "consultar".
std::string_view NombreAccion(Accion accion);

// The role column of the matrix, ignoring scope.
bool RolPermite(Rol rol, Accion accion);
// True for coordinador, administrador, auditor and consulta.
bool RolAdmiteSitioCentral(Rol rol);
// True for kForzarCorte and kAdministrarConfiguracion.
bool EsAccionCentral(Accion accion);

struct Decision {
  bool permitido = false;
  std::string motivo;  // Spanish; empty when permitido
};

// Decides whether `usuario` may do `accion` for the site `sitio_objetivo`
// (the CATD/CCV the acta or user belongs to, or "*" for the whole election).
// Refused, with the reason, when: the user is inactive; the user has no site,
// or an operational role has "*"; the target is empty; the role does not allow
// the action; the action is central and the user is not; the user's site is
// not "*" and differs from the target.
Decision Autorizar(const Usuario& usuario, Accion accion, std::string_view sitio_objetivo);

}  // namespace prep::auth
