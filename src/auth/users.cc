#include "auth/users.h"

#include <sodium.h>

#include <array>
#include <nlohmann/json.hpp>
#include <utility>

#include "auth/sodium_init.h"

namespace prep::auth {
namespace {

// Bytes a client sent (a path, a key, a name) may be invalid UTF-8: replaced with U+FFFD when
// written as JSON, never thrown on.
constexpr auto kReemplazarUtf8Invalido = nlohmann::json::error_handler_t::replace;

using nlohmann::json;

constexpr size_t kMaxAuditoria = 64;  // bytes kept of a name typed by anyone
constexpr size_t kPodarIntentos = 4096;
constexpr size_t kBytesToken = 32;

// At most `max` bytes of `s`, cut at a UTF-8 character boundary.
std::string Recortar(std::string_view s, size_t max = kMaxAuditoria) {
  if (s.size() <= max) return std::string(s);
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n)) + "...";
}

bool CaracterDeNombre(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

bool CaracterDeSitio(char c) { return CaracterDeNombre(c) || (c >= 'A' && c <= 'Z'); }

bool NombreBienFormado(std::string_view nombre) {
  if (nombre.size() < 3 || nombre.size() > 32) return false;
  for (char c : nombre) {
    if (!CaracterDeNombre(c)) return false;
  }
  return true;
}

bool EsHashArgon2id(std::string_view h) {
  constexpr std::string_view kPrefijo = crypto_pwhash_argon2id_STRPREFIX;
  return h.size() < crypto_pwhash_argon2id_STRBYTES && h.substr(0, kPrefijo.size()) == kPrefijo;
}

std::string ListaDeRoles() {
  std::string s;
  for (Rol r : kRoles) {
    if (!s.empty()) s += ", ";
    s += NombreRol(r);
  }
  return s;
}

Result<Rol> LeerRol(std::string_view rol) {
  std::optional<Rol> r = RolDesdeNombre(rol);
  if (!r) {
    return Status::InvalidArgument("rol desconocido \"" + Recortar(rol, 32) +
                                   "\"; los roles son: " + ListaDeRoles());
  }
  return *r;
}

// The scope check of a management operation on a user of `sitio`.
Status Alcance(const Usuario& actor, std::string_view sitio) {
  Decision d = Autorizar(actor, Accion::kAdministrarUsuarios, sitio);
  if (!d.permitido) return Status::FailedPrecondition(std::move(d.motivo));
  return Status::Ok();
}

Status NoASiMismo(const Usuario& actor, std::string_view nombre) {
  if (actor.nombre == nombre) {
    return Status::FailedPrecondition(
        "un administrador no puede cambiar su propio rol o sitio ni desactivarse; pídalo a "
        "otro administrador");
  }
  return Status::Ok();
}

std::string TokenAleatorio() {
  std::array<unsigned char, kBytesToken> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  std::array<char, kBytesToken * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), bytes.data(), bytes.size());
  sodium_memzero(bytes.data(), bytes.size());
  return {hex.data(), kBytesToken * 2};
}

bool TokenBienFormado(std::string_view token) {
  if (token.size() != kBytesToken * 2) return false;
  for (char c : token) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// What the server keeps of a token: its BLAKE2b-256, so neither a memory dump
// nor the timing of a map lookup gives a usable token away.
std::string Huella(std::string_view token) {
  std::array<unsigned char, crypto_generichash_BYTES> h{};
  crypto_generichash(h.data(), h.size(), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}

// The fields of a user event's payload.
struct Cambio {
  std::string nombre;
  std::string rol;
  std::string sitio;
  std::string password_hash;
};

Result<Cambio> LeerPayload(const EventoUsuario& e) {
  const json j = json::parse(e.payload, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::InvalidArgument("el payload no es un objeto JSON");
  }
  const bool con_rol = e.tipo == kUsuarioCreado || e.tipo == kUsuarioReasignado;
  const bool con_hash = e.tipo == kUsuarioCreado || e.tipo == kContrasenaCambiada;
  Cambio c;
  struct Campo {
    const char* nombre;
    bool requerido;
    std::string* destino;
  };
  for (const Campo& campo :
       {Campo{"nombre", true, &c.nombre}, Campo{"rol", con_rol, &c.rol},
        Campo{"sitio", con_rol, &c.sitio}, Campo{"password_hash", con_hash, &c.password_hash}}) {
    auto it = j.find(campo.nombre);
    if (!campo.requerido) {
      if (it != j.end()) {
        return Status::InvalidArgument(std::string("campo inesperado \"") + campo.nombre + "\"");
      }
      continue;
    }
    if (it == j.end() || !it->is_string()) {
      return Status::InvalidArgument(std::string("falta el campo de texto \"") + campo.nombre +
                                     "\"");
    }
    *campo.destino = it->get<std::string>();
  }
  return c;
}

std::string Payload(const json& j) { return j.dump(-1, ' ', false, kReemplazarUtf8Invalido); }

}  // namespace

Status ValidarNombreUsuario(std::string_view nombre) {
  if (!NombreBienFormado(nombre)) {
    return Status::InvalidArgument(
        "nombre de usuario inválido \"" + Recortar(nombre, 40) +
        "\": debe tener de 3 a 32 caracteres entre a-z, 0-9, '.', '_' y '-'");
  }
  if (nombre == kActorSistema) {
    return Status::InvalidArgument("el nombre de usuario \"sistema\" está reservado");
  }
  return Status::Ok();
}

Status ValidarSitio(std::string_view sitio, Rol rol) {
  if (sitio.empty()) {
    return Status::InvalidArgument("falta el sitio: indique el CATD o CCV del usuario");
  }
  if (sitio == kSitioCentral) {
    if (!RolAdmiteSitioCentral(rol)) {
      return Status::InvalidArgument("el rol " + std::string(NombreRol(rol)) +
                                     " debe asignarse a un solo CATD o CCV, no a \"*\"");
    }
    return Status::Ok();
  }
  bool valido = sitio.size() <= 32;
  for (char c : sitio) valido = valido && CaracterDeSitio(c);
  if (!valido) {
    return Status::InvalidArgument("sitio inválido \"" + Recortar(sitio, 40) +
                                   "\": un CATD o CCV se identifica con 1 a 32 caracteres "
                                   "entre A-Z, a-z, 0-9, '.', '_' y '-', o \"*\"");
  }
  return Status::Ok();
}

bool EsEventoUsuario(std::string_view tipo) {
  return tipo == kUsuarioCreado || tipo == kUsuarioReasignado || tipo == kUsuarioDesactivado ||
         tipo == kUsuarioReactivado || tipo == kContrasenaCambiada;
}

Status DiarioEnMemoria::Anotar(const EventoUsuario& evento) {
  std::lock_guard<std::mutex> lock(mu_);
  eventos_.push_back(evento);
  return Status::Ok();
}

std::vector<EventoUsuario> DiarioEnMemoria::Eventos() const {
  std::lock_guard<std::mutex> lock(mu_);
  return eventos_;
}

Directorio::Directorio(const AjustesDirectorio& ajustes, DiarioUsuarios& diario,
                       BitacoraAuditoria& bitacora)
    : ajustes_(ajustes), diario_(diario), bitacora_(bitacora) {
  // A hash no password matches, with the same cost as real ones. If the
  // parameters are invalid it stays empty and every CrearUsuario says why.
  if (internal::SodiumListo()) {
    std::array<char, 33> azar{};
    randombytes_buf(azar.data(), 32);
    Result<std::string> h = HashPassword(std::string_view(azar.data(), 32), ajustes_.password);
    if (h.ok()) hash_senuelo_ = std::move(h).value();
  }
}

// ---------------------------------------------------------------------------
// Replay and the common path of every write.

Status Directorio::Aplicar(const EventoUsuario& evento) {
  std::lock_guard<std::mutex> escritura(escritura_mu_);
  std::unique_lock<std::shared_mutex> lock(mu_);
  return AplicarBloqueado(evento);
}

Status Directorio::AplicarBloqueado(const EventoUsuario& e) {
  auto error = [&e](const std::string& m) {
    return Status::InvalidArgument("evento de usuario " + Recortar(e.tipo, 40) + ": " + m);
  };
  if (!EsEventoUsuario(e.tipo)) return error("tipo desconocido");
  Result<Cambio> leido = LeerPayload(e);
  if (!leido.ok()) return error(leido.status().message());
  const Cambio& c = *leido;
  if (Status s = ValidarNombreUsuario(c.nombre); !s.ok()) return error(s.message());
  std::optional<Rol> rol;
  if (e.tipo == kUsuarioCreado || e.tipo == kUsuarioReasignado) {
    rol = RolDesdeNombre(c.rol);
    if (!rol) return error("rol desconocido \"" + Recortar(c.rol, 32) + "\"");
    if (Status s = ValidarSitio(c.sitio, *rol); !s.ok()) return error(s.message());
  }
  if ((e.tipo == kUsuarioCreado || e.tipo == kContrasenaCambiada) &&
      !EsHashArgon2id(c.password_hash)) {
    return error("password_hash no es un hash argon2id");
  }

  auto it = usuarios_.find(c.nombre);
  if (e.tipo == kUsuarioCreado) {
    if (it != usuarios_.end()) return error("el usuario " + c.nombre + " ya existe");
    usuarios_.emplace(c.nombre, Usuario{c.nombre, *rol, c.sitio, c.password_hash, true});
    return Status::Ok();
  }
  if (it == usuarios_.end()) return error("el usuario " + c.nombre + " no existe");
  Usuario& u = it->second;
  if (e.tipo == kUsuarioReasignado) {
    u.rol = *rol;
    u.sitio = c.sitio;
  } else if (e.tipo == kUsuarioDesactivado) {
    u.activo = false;
  } else if (e.tipo == kUsuarioReactivado) {
    u.activo = true;
  } else {  // kContrasenaCambiada
    u.password_hash = c.password_hash;
  }
  CerrarSesionesDe(u.nombre);
  return Status::Ok();
}

void Directorio::CerrarSesionesDe(const std::string& nombre) {
  std::erase_if(sesiones_, [&nombre](const auto& kv) { return kv.second.nombre == nombre; });
}

Status Directorio::Escribir(const EventoUsuario& evento) {
  PREP_RETURN_IF_ERROR(diario_.Anotar(evento));
  std::unique_lock<std::shared_mutex> lock(mu_);
  Status s = AplicarBloqueado(evento);
  if (!s.ok()) return Status::Internal("evento anotado que no se pudo aplicar: " + s.message());
  return Status::Ok();
}

void Directorio::Auditar(const RegistroAuditoria& registro) { bitacora_.Registrar(registro); }

Result<Usuario> Directorio::ActorVigente(const Usuario& actor) const {
  std::optional<Usuario> vigente = Buscar(actor.nombre);
  if (!vigente) {
    return Status::FailedPrecondition("el usuario " + Recortar(actor.nombre) + " no existe");
  }
  // May this user manage users at all (active, administrador)?
  Decision d = Autorizar(*vigente, Accion::kAdministrarUsuarios, vigente->sitio);
  if (!d.permitido) return Status::FailedPrecondition(std::move(d.motivo));
  return *vigente;
}

// ---------------------------------------------------------------------------
// User management.

Status Directorio::CrearPrimerAdministrador(std::string_view nombre, std::string_view password,
                                            int64_t now_ms) {
  std::lock_guard<std::mutex> escritura(escritura_mu_);
  Status s = [&]() -> Status {
    {
      std::shared_lock<std::shared_mutex> lock(mu_);
      if (!usuarios_.empty()) {
        return Status::FailedPrecondition(
            "el directorio ya tiene usuarios: el primer administrador solo se crea en un "
            "directorio vacío");
      }
    }
    PREP_RETURN_IF_ERROR(ValidarNombreUsuario(nombre));
    PREP_RETURN_IF_ERROR(CheckPasswordPolicy(password, nombre));
    PREP_ASSIGN_OR_RETURN(std::string hash, HashPassword(password, ajustes_.password));
    json p = {{"nombre", nombre},
              {"rol", NombreRol(Rol::kAdministrador)},
              {"sitio", kSitioCentral},
              {"password_hash", hash}};
    return Escribir({kUsuarioCreado, kActorSistema, kSitioCentral, now_ms, Payload(p)});
  }();
  Auditar({now_ms, kActorSistema, kSitioCentral, "crear_primer_administrador", Recortar(nombre),
           s.ok(), s.message()});
  return s;
}

Status Directorio::Gestionar(const Usuario& actor, const char* accion, std::string_view objetivo,
                             int64_t now_ms, const Preparar& preparar) {
  std::string sitio_actor = actor.sitio;
  Status s = [&]() -> Status {
    PREP_ASSIGN_OR_RETURN(Usuario vigente, ActorVigente(actor));
    sitio_actor = vigente.sitio;
    PREP_ASSIGN_OR_RETURN(EventoUsuario evento, preparar(vigente));
    return Escribir(evento);
  }();
  Auditar({now_ms, Recortar(actor.nombre), Recortar(sitio_actor), accion, Recortar(objetivo),
           s.ok(), s.message()});
  return s;
}

Status Directorio::CrearUsuario(const Usuario& actor, std::string_view nombre, std::string_view rol,
                                std::string_view sitio, std::string_view password, int64_t now_ms) {
  std::lock_guard<std::mutex> escritura(escritura_mu_);
  return Gestionar(
      actor, "crear_usuario", nombre, now_ms, [&](const Usuario& vigente) -> Result<EventoUsuario> {
        PREP_RETURN_IF_ERROR(ValidarNombreUsuario(nombre));
        PREP_ASSIGN_OR_RETURN(Rol r, LeerRol(rol));
        PREP_RETURN_IF_ERROR(ValidarSitio(sitio, r));
        PREP_RETURN_IF_ERROR(Alcance(vigente, sitio));
        if (Buscar(nombre)) {
          return Status::FailedPrecondition("el usuario " + std::string(nombre) + " ya existe");
        }
        PREP_RETURN_IF_ERROR(CheckPasswordPolicy(password, nombre));
        PREP_ASSIGN_OR_RETURN(std::string hash, HashPassword(password, ajustes_.password));
        json p = {
            {"nombre", nombre}, {"rol", NombreRol(r)}, {"sitio", sitio}, {"password_hash", hash}};
        return EventoUsuario{kUsuarioCreado, vigente.nombre, vigente.sitio, now_ms, Payload(p)};
      });
}

Status Directorio::Reasignar(const Usuario& actor, std::string_view nombre, std::string_view rol,
                             std::string_view sitio, int64_t now_ms) {
  std::lock_guard<std::mutex> escritura(escritura_mu_);
  return Gestionar(
      actor, "reasignar_usuario", nombre, now_ms,
      [&](const Usuario& vigente) -> Result<EventoUsuario> {
        std::optional<Usuario> u = Buscar(nombre);
        if (!u) {
          return Status::NotFound("el usuario " + Recortar(nombre) + " no existe");
        }
        PREP_RETURN_IF_ERROR(NoASiMismo(vigente, nombre));
        PREP_ASSIGN_OR_RETURN(Rol r, LeerRol(rol));
        PREP_RETURN_IF_ERROR(ValidarSitio(sitio, r));
        PREP_RETURN_IF_ERROR(Alcance(vigente, u->sitio));
        PREP_RETURN_IF_ERROR(Alcance(vigente, sitio));
        json p = {{"nombre", nombre}, {"rol", NombreRol(r)}, {"sitio", sitio}};
        return EventoUsuario{kUsuarioReasignado, vigente.nombre, vigente.sitio, now_ms, Payload(p)};
      });
}

Status Directorio::Desactivar(const Usuario& actor, std::string_view nombre, int64_t now_ms) {
  std::lock_guard<std::mutex> escritura(escritura_mu_);
  return Gestionar(
      actor, "desactivar_usuario", nombre, now_ms,
      [&](const Usuario& vigente) -> Result<EventoUsuario> {
        std::optional<Usuario> u = Buscar(nombre);
        if (!u) {
          return Status::NotFound("el usuario " + Recortar(nombre) + " no existe");
        }
        PREP_RETURN_IF_ERROR(NoASiMismo(vigente, nombre));
        PREP_RETURN_IF_ERROR(Alcance(vigente, u->sitio));
        if (!u->activo) {
          return Status::FailedPrecondition("el usuario " + u->nombre + " ya está desactivado");
        }
        return EventoUsuario{kUsuarioDesactivado, vigente.nombre, vigente.sitio, now_ms,
                             Payload(json{{"nombre", nombre}})};
      });
}

Status Directorio::Reactivar(const Usuario& actor, std::string_view nombre, int64_t now_ms) {
  std::lock_guard<std::mutex> escritura(escritura_mu_);
  return Gestionar(
      actor, "reactivar_usuario", nombre, now_ms,
      [&](const Usuario& vigente) -> Result<EventoUsuario> {
        std::optional<Usuario> u = Buscar(nombre);
        if (!u) {
          return Status::NotFound("el usuario " + Recortar(nombre) + " no existe");
        }
        PREP_RETURN_IF_ERROR(Alcance(vigente, u->sitio));
        if (u->activo) {
          return Status::FailedPrecondition("el usuario " + u->nombre + " ya está activo");
        }
        return EventoUsuario{kUsuarioReactivado, vigente.nombre, vigente.sitio, now_ms,
                             Payload(json{{"nombre", nombre}})};
      });
}

Status Directorio::CambiarContrasena(const Usuario& actor, std::string_view nombre,
                                     std::string_view nueva, int64_t now_ms) {
  std::lock_guard<std::mutex> escritura(escritura_mu_);
  return Gestionar(actor, "cambiar_contrasena", nombre, now_ms,
                   [&](const Usuario& vigente) -> Result<EventoUsuario> {
                     std::optional<Usuario> u = Buscar(nombre);
                     if (!u) {
                       return Status::NotFound("el usuario " + Recortar(nombre) + " no existe");
                     }
                     PREP_RETURN_IF_ERROR(Alcance(vigente, u->sitio));
                     PREP_RETURN_IF_ERROR(CheckPasswordPolicy(nueva, nombre));
                     PREP_ASSIGN_OR_RETURN(std::string hash,
                                           HashPassword(nueva, ajustes_.password));
                     json p = {{"nombre", nombre}, {"password_hash", hash}};
                     return EventoUsuario{kContrasenaCambiada, vigente.nombre, vigente.sitio,
                                          now_ms, Payload(p)};
                   });
}

// ---------------------------------------------------------------------------
// Sessions.

Result<Sesion> Directorio::Login(std::string_view nombre_in, std::string_view password,
                                 int64_t now_ms) {
  const std::string nombre(nombre_in);
  RegistroAuditoria registro{now_ms, Recortar(nombre), "", "iniciar_sesion", "", false, ""};
  auto negar = [&](std::string motivo_auditoria, Status respuesta) -> Result<Sesion> {
    registro.motivo = std::move(motivo_auditoria);
    Auditar(registro);
    return respuesta;
  };
  const Status credenciales = Status::FailedPrecondition("usuario o contraseña incorrectos");
  if (!internal::SodiumListo()) {
    return negar("libsodium no pudo iniciarse", Status::Internal("libsodium no pudo iniciarse"));
  }
  const bool bien_formado = NombreBienFormado(nombre);

  // Phase 1: throttling, and a copy of what the check needs.
  std::optional<Usuario> usuario;
  {
    std::unique_lock<std::shared_mutex> lock(mu_);
    std::erase_if(sesiones_, [now_ms](const auto& kv) { return kv.second.expira_ms <= now_ms; });
    if (bien_formado) {
      auto it = usuarios_.find(nombre);
      if (it != usuarios_.end()) {
        usuario = it->second;
        registro.sitio = usuario->sitio;
      }
      if (intentos_.size() > kPodarIntentos) {
        std::erase_if(intentos_, [&](const auto& kv) {
          const Intentos& in = kv.second;
          return in.en_curso == 0 && in.bloqueado_hasta_ms <= now_ms &&
                 (in.fallos.empty() || in.fallos.back() <= now_ms - ajustes_.ventana_fallos_ms);
        });
      }
      Intentos& in = intentos_[nombre];
      if (in.bloqueado_hasta_ms > now_ms) {
        const int64_t minutos = (in.bloqueado_hasta_ms - now_ms + 59'999) / 60'000;
        return negar("bloqueado por intentos fallidos",
                     Status::ResourceExhausted(
                         "demasiados intentos fallidos para este usuario: espere " +
                         std::to_string(minutos) + (minutos == 1 ? " minuto" : " minutos") +
                         " antes de volver a intentarlo"));
      }
      while (!in.fallos.empty() && in.fallos.front() <= now_ms - ajustes_.ventana_fallos_ms) {
        in.fallos.pop_front();
      }
      if (static_cast<int>(in.fallos.size()) + in.en_curso >= ajustes_.max_fallos) {
        return negar("intentos simultáneos",
                     Status::FailedPrecondition("hay otros intentos de inicio de sesión en "
                                                "curso para este usuario; intente de nuevo en "
                                                "unos segundos"));
      }
      ++in.en_curso;
    }
  }

  // The slow part, without the lock. Unknown names check the decoy hash.
  const bool correcta =
      VerifyPassword(usuario ? usuario->password_hash : hash_senuelo_, password) && usuario;
  if (!bien_formado) return negar("usuario desconocido", credenciales);

  // Phase 2: count the result; open the session.
  Sesion sesion;
  {
    std::unique_lock<std::shared_mutex> lock(mu_);
    Intentos& in = intentos_[nombre];
    --in.en_curso;
    if (!correcta) {
      in.fallos.push_back(now_ms);
      if (static_cast<int>(in.fallos.size()) >= ajustes_.max_fallos) {
        in.bloqueado_hasta_ms = now_ms + ajustes_.bloqueo_ms;
        in.fallos.clear();
      }
      lock.unlock();
      return negar(usuario ? "contraseña incorrecta" : "usuario desconocido", credenciales);
    }
    in.fallos.clear();
    if (in.en_curso == 0) intentos_.erase(nombre);
    // The user as it is now (it may have changed during the check).
    auto it = usuarios_.find(nombre);
    if (it == usuarios_.end() || !it->second.activo) {
      lock.unlock();
      return negar(
          "usuario desactivado",
          Status::FailedPrecondition("el usuario está desactivado; consulte al administrador"));
    }
    const Usuario& u = it->second;
    sesion = {TokenAleatorio(), u.nombre, u.rol,
              u.sitio,          now_ms,   now_ms + ajustes_.duracion_sesion_ms};
    sesiones_[Huella(sesion.token)] = {u.nombre, sesion.expira_ms};
  }
  registro.permitido = true;
  Auditar(registro);
  return sesion;
}

Result<Usuario> Directorio::Autenticar(std::string_view token, int64_t now_ms) const {
  const Status invalida = Status::FailedPrecondition("sesión no válida; inicie sesión");
  if (!TokenBienFormado(token) || !internal::SodiumListo()) return invalida;
  std::shared_lock<std::shared_mutex> lock(mu_);
  auto s = sesiones_.find(Huella(token));
  if (s == sesiones_.end()) return invalida;
  if (s->second.expira_ms <= now_ms) {
    return Status::FailedPrecondition("la sesión expiró; inicie sesión de nuevo");
  }
  auto u = usuarios_.find(s->second.nombre);
  if (u == usuarios_.end() || !u->second.activo) return invalida;
  return u->second;
}

Status Directorio::Logout(std::string_view token, int64_t now_ms) {
  RegistroAuditoria registro{now_ms, "", "", "cerrar_sesion", "", false, ""};
  if (TokenBienFormado(token) && internal::SodiumListo()) {
    std::unique_lock<std::shared_mutex> lock(mu_);
    auto s = sesiones_.find(Huella(token));
    if (s != sesiones_.end()) {
      registro.usuario = s->second.nombre;
      auto u = usuarios_.find(s->second.nombre);
      if (u != usuarios_.end()) registro.sitio = u->second.sitio;
      registro.permitido = true;
      sesiones_.erase(s);
    }
  }
  if (!registro.permitido) registro.motivo = "sesión no válida";
  Auditar(registro);
  if (!registro.permitido) return Status::FailedPrecondition("sesión no válida");
  return Status::Ok();
}

// ---------------------------------------------------------------------------
// Reading.

std::optional<Usuario> Directorio::Buscar(std::string_view nombre) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  auto it = usuarios_.find(nombre);
  if (it == usuarios_.end()) return std::nullopt;
  return it->second;
}

std::vector<Usuario> Directorio::Usuarios() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  std::vector<Usuario> out;
  out.reserve(usuarios_.size());
  for (const auto& [nombre, u] : usuarios_) out.push_back(u);
  return out;
}

size_t Directorio::SesionesAbiertas(int64_t now_ms) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  size_t n = 0;
  for (const auto& [huella, s] : sesiones_) n += s.expira_ms > now_ms ? 1 : 0;
  return n;
}

}  // namespace prep::auth
