// The Directorio: user management, replay, login, throttling, sessions.
#include "auth/users.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace prep::auth {
namespace {

constexpr int64_t kT0 = 1'559'516'400'000;  // 2019-06-02 23:00 UTC
constexpr int64_t kMinuto = 60'000;
constexpr int64_t kHora = 60 * kMinuto;
constexpr char kClaveAdmin[] = "Admin-central-2019";
constexpr char kClave[] = "Chetumal-Bacalar-7";

AjustesDirectorio AjustesDePrueba() {
  AjustesDirectorio a;
  a.password = PasswordParams::Minimo();
  return a;
}

// A journal that refuses every write (a full disk).
class DiarioQueFalla final : public DiarioUsuarios {
 public:
  Status Anotar(const EventoUsuario&) override { return Status::IoError("disco lleno"); }
};

class DirectorioTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.CrearPrimerAdministrador("admin", kClaveAdmin, kT0).ok());
  }

  Usuario Admin() const { return *dir_.Buscar("admin"); }
  Usuario Get(std::string_view nombre) const {
    std::optional<Usuario> u = dir_.Buscar(nombre);
    EXPECT_TRUE(u.has_value()) << nombre;
    return u.value_or(Usuario{});
  }
  // Creates `nombre` as admin, with kClave.
  void Crear(std::string_view nombre, std::string_view rol, std::string_view sitio) {
    Status s = dir_.CrearUsuario(Admin(), nombre, rol, sitio, kClave, kT0);
    ASSERT_TRUE(s.ok()) << s.message();
  }

  // Everything observable about the directory's users and journal.
  struct Foto {
    std::vector<Usuario> usuarios;
    size_t eventos;
    bool operator==(const Foto&) const = default;
  };
  Foto Tomar() const { return {dir_.Usuarios(), diario_.Eventos().size()}; }

  DiarioEnMemoria diario_;
  BitacoraEnMemoria bitacora_;
  Directorio dir_{AjustesDePrueba(), diario_, bitacora_};
};

// ---------------------------------------------------------------------------
// User management.

TEST_F(DirectorioTest, PrimerAdministrador) {
  Usuario a = Admin();
  EXPECT_EQ(a.rol, Rol::kAdministrador);
  EXPECT_EQ(a.sitio, "*");
  EXPECT_TRUE(a.activo);
  EXPECT_EQ(a.password_hash.rfind("$argon2id$", 0), 0u);
  ASSERT_EQ(diario_.Eventos().size(), 1u);
  EXPECT_EQ(diario_.Eventos()[0].actor, "sistema");
  Status s = dir_.CrearPrimerAdministrador("otro.admin", kClaveAdmin, kT0);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(dir_.Usuarios().size(), 1u);
}

TEST_F(DirectorioTest, PrimerAdministradorValidaNombreYContrasena) {
  DiarioEnMemoria diario;
  BitacoraEnMemoria bitacora;
  Directorio vacio(AjustesDePrueba(), diario, bitacora);
  EXPECT_EQ(vacio.CrearPrimerAdministrador("Admin", kClaveAdmin, kT0).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(vacio.CrearPrimerAdministrador("admin", "corta", kT0).code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(vacio.Usuarios().empty());
  EXPECT_TRUE(diario.Eventos().empty());
}

TEST_F(DirectorioTest, AdministradorCreaUsuario) {
  Crear("capturista.catd01", "capturista", "CATD01");
  Usuario u = Get("capturista.catd01");
  EXPECT_EQ(u.rol, Rol::kCapturista);
  EXPECT_EQ(u.sitio, "CATD01");
  EXPECT_TRUE(u.activo);
  EXPECT_TRUE(VerifyPassword(u.password_hash, kClave));

  ASSERT_EQ(diario_.Eventos().size(), 2u);
  const EventoUsuario e = diario_.Eventos()[1];
  EXPECT_EQ(e.tipo, "usuario_creado");
  EXPECT_EQ(e.actor, "admin");
  EXPECT_EQ(e.sitio, "*");
  EXPECT_EQ(e.at_ms, kT0);
  auto p = nlohmann::json::parse(e.payload);
  EXPECT_EQ(p["nombre"], "capturista.catd01");
  EXPECT_EQ(p["rol"], "capturista");
  EXPECT_EQ(p["sitio"], "CATD01");
  EXPECT_EQ(p["password_hash"], u.password_hash);
  EXPECT_EQ(e.payload.find(kClave), std::string::npos);
}

// No role but administrador manages users, central or not, and a refused
// call changes nothing.
TEST_F(DirectorioTest, SoloAdministradorGestionaUsuarios) {
  Crear("objetivo", "capturista", "CATD01");
  int n = 0;
  for (Rol rol : kRoles) {
    if (rol == Rol::kAdministrador) continue;
    for (std::string sitio : {"CATD01", "*"}) {
      if (sitio == "*" && !RolAdmiteSitioCentral(rol)) continue;
      const std::string nombre = "actor" + std::to_string(n++);
      Crear(nombre, NombreRol(rol), sitio);
      const Usuario actor = Get(nombre);
      const Foto antes = Tomar();
      std::vector<Status> respuestas = {
          dir_.CrearUsuario(actor, "nuevo", "capturista", "CATD01", kClave, kT0),
          dir_.CrearUsuario(actor, "nuevo", "administrador", "*", kClave, kT0),
          dir_.Reasignar(actor, "objetivo", "verificador", "CATD01", kT0),
          dir_.Reasignar(actor, nombre, "administrador", "*", kT0),  // promote itself
          dir_.Desactivar(actor, "objetivo", kT0),
          dir_.Reactivar(actor, "objetivo", kT0),
          dir_.CambiarContrasena(actor, "objetivo", "Otra-clave-larga-1", kT0),
          dir_.CambiarContrasena(actor, "admin", "Otra-clave-larga-1", kT0),
      };
      for (const Status& s : respuestas) {
        EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << nombre << ": " << s.message();
        EXPECT_EQ(s.message(),
                  "el rol " + std::string(NombreRol(rol)) + " no permite administrar usuarios");
      }
      EXPECT_TRUE(Tomar() == antes) << NombreRol(rol) << " " << sitio;
    }
  }
  EXPECT_EQ(n, 11);  // 8 roles in CATD01, 3 of them also central
}

// The actor is looked up again: a forged or stale copy of an administrador
// does not work.
TEST_F(DirectorioTest, ActorFalsificadoOObsoleto) {
  Crear("capturista1", "capturista", "CATD01");
  const Foto antes = Tomar();
  Usuario falso = Get("capturista1");
  falso.rol = Rol::kAdministrador;
  falso.sitio = "*";
  EXPECT_EQ(dir_.CrearUsuario(falso, "nuevo", "capturista", "CATD01", kClave, kT0).code(),
            StatusCode::kFailedPrecondition);
  Usuario inventado{"nadie", Rol::kAdministrador, "*", "", true};
  Status s = dir_.CrearUsuario(inventado, "nuevo", "capturista", "CATD01", kClave, kT0);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "el usuario nadie no existe");
  EXPECT_TRUE(Tomar() == antes);

  // An administrador demoted after it authenticated.
  Crear("admin2", "administrador", "*");
  const Usuario copia = Get("admin2");
  ASSERT_TRUE(dir_.Reasignar(Admin(), "admin2", "consulta", "*", kT0).ok());
  EXPECT_EQ(dir_.Desactivar(copia, "capturista1", kT0).code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Get("capturista1").activo);
}

TEST_F(DirectorioTest, AdministradorDeUnSitio) {
  Crear("admin.catd01", "administrador", "CATD01");
  Crear("cap.catd02", "capturista", "CATD02");
  const Usuario local = Get("admin.catd01");
  EXPECT_TRUE(dir_.CrearUsuario(local, "cap.catd01", "capturista", "CATD01", kClave, kT0).ok());
  const Foto antes = Tomar();
  // Not for another CATD, nor a central user, nor moving its own user away.
  Status s = dir_.CrearUsuario(local, "cap.otro", "capturista", "CATD02", kClave, kT0);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(),
            "el usuario admin.catd01 está asignado a CATD01 y no puede actuar por CATD02");
  EXPECT_FALSE(dir_.CrearUsuario(local, "jefe", "coordinador", "*", kClave, kT0).ok());
  EXPECT_FALSE(dir_.Reasignar(local, "cap.catd01", "capturista", "CATD02", kT0).ok());
  EXPECT_FALSE(dir_.Reasignar(local, "cap.catd02", "capturista", "CATD01", kT0).ok());
  EXPECT_FALSE(dir_.Desactivar(local, "cap.catd02", kT0).ok());
  EXPECT_FALSE(dir_.CambiarContrasena(local, "cap.catd02", "Otra-clave-larga-1", kT0).ok());
  EXPECT_FALSE(dir_.CambiarContrasena(local, "admin", "Otra-clave-larga-1", kT0).ok());
  EXPECT_TRUE(Tomar() == antes);
  // Configuration is election-wide: a site administrador cannot.
  EXPECT_FALSE(Autorizar(local, Accion::kAdministrarConfiguracion, "CATD01").permitido);
}

TEST_F(DirectorioTest, ValidaEntradas) {
  Crear("existente", "capturista", "CATD01");
  const Foto antes = Tomar();
  struct Caso {
    std::string nombre, rol, sitio, password;
    StatusCode code;
    std::string mensaje;  // a part of it
  };
  const std::vector<Caso> casos = {
      {"ab", "capturista", "CATD01", kClave, StatusCode::kInvalidArgument, "de 3 a 32"},
      {std::string(33, 'a'), "capturista", "CATD01", kClave, StatusCode::kInvalidArgument,
       "de 3 a 32"},
      {"Ana", "capturista", "CATD01", kClave, StatusCode::kInvalidArgument, "inválido"},
      {"ana perez", "capturista", "CATD01", kClave, StatusCode::kInvalidArgument, "inválido"},
      {"ana@catd", "capturista", "CATD01", kClave, StatusCode::kInvalidArgument, "inválido"},
      {"", "capturista", "CATD01", kClave, StatusCode::kInvalidArgument, "inválido"},
      {"sistema", "capturista", "CATD01", kClave, StatusCode::kInvalidArgument, "reservado"},
      {"ana", "supervisor", "CATD01", kClave, StatusCode::kInvalidArgument,
       "rol desconocido \"supervisor\""},
      {"ana", "Capturista", "CATD01", kClave, StatusCode::kInvalidArgument, "rol desconocido"},
      {"ana", "capturista", "", kClave, StatusCode::kInvalidArgument, "falta el sitio"},
      {"ana", "capturista", "*", kClave, StatusCode::kInvalidArgument, "un solo CATD o CCV"},
      {"ana", "capturista", "CATD 01", kClave, StatusCode::kInvalidArgument, "sitio inválido"},
      {"ana", "capturista", std::string(33, 'C'), kClave, StatusCode::kInvalidArgument,
       "sitio inválido"},
      {"existente", "capturista", "CATD01", kClave, StatusCode::kFailedPrecondition, "ya existe"},
      {"ana", "capturista", "CATD01", "corta", StatusCode::kInvalidArgument, "longitud mínima"},
      {"ana.lopez", "capturista", "CATD01", "ANA.LOPEZ", StatusCode::kInvalidArgument,
       "longitud mínima"},
      {"ana.lopez.2019", "capturista", "CATD01", "ANA.LOPEZ.2019", StatusCode::kInvalidArgument,
       "distinta del usuario"},
  };
  for (const Caso& c : casos) {
    Status s = dir_.CrearUsuario(Admin(), c.nombre, c.rol, c.sitio, c.password, kT0);
    EXPECT_EQ(s.code(), c.code) << c.nombre << "/" << c.rol << "/" << c.sitio << ": "
                                << s.message();
    EXPECT_NE(s.message().find(c.mensaje), std::string::npos) << s.message();
  }
  EXPECT_TRUE(Tomar() == antes);
  // Central roles may be "*" or one site.
  for (const char* rol : {"coordinador", "administrador", "auditor", "consulta"}) {
    Crear(std::string(rol) + ".central", rol, "*");
    Crear(std::string(rol) + ".ccv1", rol, "CCV1");
  }
}

TEST_F(DirectorioTest, Reasignar) {
  Crear("operador", "capturista", "CATD01");
  ASSERT_TRUE(dir_.Reasignar(Admin(), "operador", "verificador", "CCV1", kT0).ok());
  Usuario u = Get("operador");
  EXPECT_EQ(u.rol, Rol::kVerificador);
  EXPECT_EQ(u.sitio, "CCV1");
  EXPECT_TRUE(VerifyPassword(u.password_hash, kClave));
  EXPECT_EQ(diario_.Eventos().back().tipo, "usuario_reasignado");

  const Foto antes = Tomar();
  EXPECT_EQ(dir_.Reasignar(Admin(), "fantasma", "capturista", "CATD01", kT0).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(dir_.Reasignar(Admin(), "operador", "jefe", "CATD01", kT0).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(dir_.Reasignar(Admin(), "operador", "capturista", "*", kT0).code(),
            StatusCode::kInvalidArgument);
  // An administrador cannot demote or move itself.
  Status s = dir_.Reasignar(Admin(), "admin", "consulta", "*", kT0);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("su propio rol"), std::string::npos);
  EXPECT_TRUE(Tomar() == antes);
}

TEST_F(DirectorioTest, DesactivarYReactivar) {
  Crear("operador", "acopiador", "CATD03");
  Result<Sesion> sesion = dir_.Login("operador", kClave, kT0);
  ASSERT_TRUE(sesion.ok());
  ASSERT_TRUE(dir_.Desactivar(Admin(), "operador", kT0 + 1).ok());
  EXPECT_FALSE(Get("operador").activo);
  // Its sessions are closed, and it cannot log in, even with its password.
  EXPECT_FALSE(dir_.Autenticar(sesion->token, kT0 + 2).ok());
  Result<Sesion> otra = dir_.Login("operador", kClave, kT0 + 3);
  ASSERT_FALSE(otra.ok());
  EXPECT_EQ(otra.status().message(), "el usuario está desactivado; consulte al administrador");
  // An inactive user may do nothing.
  EXPECT_FALSE(Autorizar(Get("operador"), Accion::kRegistrarAcopio, "CATD03").permitido);

  const Foto antes = Tomar();
  EXPECT_EQ(dir_.Desactivar(Admin(), "operador", kT0).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(dir_.Desactivar(Admin(), "fantasma", kT0).code(), StatusCode::kNotFound);
  EXPECT_EQ(dir_.Desactivar(Admin(), "admin", kT0).code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Tomar() == antes);

  ASSERT_TRUE(dir_.Reactivar(Admin(), "operador", kT0 + 4).ok());
  EXPECT_TRUE(Get("operador").activo);
  EXPECT_TRUE(dir_.Login("operador", kClave, kT0 + 5).ok());
  EXPECT_EQ(dir_.Reactivar(Admin(), "operador", kT0).code(), StatusCode::kFailedPrecondition);
}

TEST_F(DirectorioTest, CambiarContrasena) {
  Crear("operador", "digitalizador", "CATD01");
  Result<Sesion> sesion = dir_.Login("operador", kClave, kT0);
  ASSERT_TRUE(sesion.ok());
  const std::string nueva = "Felipe-Carrillo-Puerto-3";
  ASSERT_TRUE(dir_.CambiarContrasena(Admin(), "operador", nueva, kT0 + 1).ok());
  EXPECT_EQ(diario_.Eventos().back().tipo, "contrasena_cambiada");
  EXPECT_EQ(diario_.Eventos().back().payload.find(nueva), std::string::npos);
  EXPECT_FALSE(dir_.Autenticar(sesion->token, kT0 + 2).ok());  // sessions closed
  EXPECT_FALSE(dir_.Login("operador", kClave, kT0 + 3).ok());
  EXPECT_TRUE(dir_.Login("operador", nueva, kT0 + 4).ok());

  const Foto antes = Tomar();
  EXPECT_EQ(dir_.CambiarContrasena(Admin(), "operador", "corta", kT0).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(dir_.CambiarContrasena(Admin(), "fantasma", nueva, kT0).code(), StatusCode::kNotFound);
  EXPECT_TRUE(Tomar() == antes);
  // An administrador may change its own.
  EXPECT_TRUE(dir_.CambiarContrasena(Admin(), "admin", nueva, kT0).ok());
}

TEST_F(DirectorioTest, DiarioQueFallaNoCambiaNada) {
  DiarioQueFalla roto;
  BitacoraEnMemoria bitacora;
  Directorio dir(AjustesDePrueba(), roto, bitacora);
  Status s = dir.CrearPrimerAdministrador("admin", kClaveAdmin, kT0);
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_TRUE(dir.Usuarios().empty());
  // With users replayed from a log, every write still fails cleanly.
  for (const EventoUsuario& e : diario_.Eventos()) ASSERT_TRUE(dir.Aplicar(e).ok());
  const std::vector<Usuario> antes = dir.Usuarios();
  const Usuario admin = *dir.Buscar("admin");
  EXPECT_EQ(dir.CrearUsuario(admin, "nuevo", "capturista", "CATD01", kClave, kT0).code(),
            StatusCode::kIoError);
  EXPECT_EQ(dir.CambiarContrasena(admin, "admin", "Otra-clave-larga-1", kT0).code(),
            StatusCode::kIoError);
  EXPECT_EQ(dir.Usuarios(), antes);
  ASSERT_FALSE(bitacora.Registros().empty());
  EXPECT_FALSE(bitacora.Registros().back().permitido);
  EXPECT_EQ(bitacora.Registros().back().motivo, "disco lleno");
}

// ---------------------------------------------------------------------------
// Replay.

TEST_F(DirectorioTest, ReconstruyeDesdeElDiario) {
  Crear("cap1", "capturista", "CATD01");
  Crear("ver1", "verificador", "CCV1");
  ASSERT_TRUE(dir_.Reasignar(Admin(), "cap1", "cotejador", "CCV1", kT0).ok());
  ASSERT_TRUE(dir_.Desactivar(Admin(), "ver1", kT0).ok());
  ASSERT_TRUE(dir_.CambiarContrasena(Admin(), "cap1", "Otra-clave-larga-1", kT0).ok());

  DiarioEnMemoria diario;
  BitacoraEnMemoria bitacora;
  Directorio copia(AjustesDePrueba(), diario, bitacora);
  for (const EventoUsuario& e : diario_.Eventos()) {
    Status s = copia.Aplicar(e);
    ASSERT_TRUE(s.ok()) << s.message();
  }
  EXPECT_EQ(copia.Usuarios(), dir_.Usuarios());
  EXPECT_TRUE(diario.Eventos().empty());      // replay writes nothing
  EXPECT_TRUE(bitacora.Registros().empty());  // and audits nothing
  EXPECT_TRUE(copia.Login("cap1", "Otra-clave-larga-1", kT0).ok());
}

TEST_F(DirectorioTest, AplicarRechazaEventosAjenos) {
  const std::string hash = Admin().password_hash;
  auto ev = [](std::string tipo, const nlohmann::json& p) {
    return EventoUsuario{std::move(tipo), "admin", "*", kT0, p.dump()};
  };
  const std::vector<EventoUsuario> malos = {
      ev("usuario_borrado", {{"nombre", "admin"}}),
      {"usuario_creado", "admin", "*", kT0, "{no es json"},
      {"usuario_creado", "admin", "*", kT0, "[1,2]"},
      ev("usuario_creado", {{"nombre", "x1x"}, {"rol", "capturista"}, {"sitio", "CATD01"}}),
      ev("usuario_creado",
         {{"nombre", "admin"}, {"rol", "consulta"}, {"sitio", "*"}, {"password_hash", hash}}),
      ev("usuario_creado",
         {{"nombre", "nuevo"}, {"rol", "jefe"}, {"sitio", "*"}, {"password_hash", hash}}),
      ev("usuario_creado",
         {{"nombre", "nuevo"}, {"rol", "capturista"}, {"sitio", "*"}, {"password_hash", hash}}),
      ev("usuario_creado", {{"nombre", "nuevo"},
                            {"rol", "consulta"},
                            {"sitio", "*"},
                            {"password_hash", "$2b$10$abc"}}),
      ev("usuario_creado",
         {{"nombre", "Nuevo"}, {"rol", "consulta"}, {"sitio", "*"}, {"password_hash", hash}}),
      ev("usuario_creado",
         {{"nombre", 7}, {"rol", "consulta"}, {"sitio", "*"}, {"password_hash", hash}}),
      ev("usuario_desactivado", {{"nombre", "fantasma"}}),
      ev("usuario_desactivado", {{"nombre", "admin"}, {"rol", "consulta"}}),
      ev("contrasena_cambiada", {{"nombre", "admin"}, {"password_hash", "texto plano"}}),
      ev("usuario_reasignado", {{"nombre", "admin"}, {"rol", "consulta"}}),
  };
  const Foto antes = Tomar();
  for (const EventoUsuario& e : malos) {
    Status s = dir_.Aplicar(e);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << e.tipo << " " << e.payload;
    EXPECT_EQ(s.message().rfind("evento de usuario ", 0), 0u) << s.message();
  }
  EXPECT_TRUE(Tomar() == antes);
  EXPECT_TRUE(EsEventoUsuario("usuario_creado"));
  EXPECT_FALSE(EsEventoUsuario("captura"));
}

// ---------------------------------------------------------------------------
// Login and sessions.

TEST_F(DirectorioTest, LoginAbreSesion) {
  Crear("cap1", "capturista", "CATD01");
  Result<Sesion> s = dir_.Login("cap1", kClave, kT0);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->token.size(), 64u);
  EXPECT_EQ(s->token.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(s->nombre, "cap1");
  EXPECT_EQ(s->rol, Rol::kCapturista);
  EXPECT_EQ(s->sitio, "CATD01");
  EXPECT_EQ(s->inicio_ms, kT0);
  EXPECT_EQ(s->expira_ms, kT0 + 12 * kHora);
  Result<Usuario> u = dir_.Autenticar(s->token, kT0 + kHora);
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->nombre, "cap1");
  EXPECT_EQ(u->rol, Rol::kCapturista);
  // Two logins, two different tokens, both valid.
  Result<Sesion> s2 = dir_.Login("cap1", kClave, kT0);
  ASSERT_TRUE(s2.ok());
  EXPECT_NE(s->token, s2->token);
  EXPECT_EQ(dir_.SesionesAbiertas(kT0), 2u);
}

TEST_F(DirectorioTest, MismoMensajeParaUsuarioDesconocidoYContrasenaIncorrecta) {
  Crear("cap1", "capturista", "CATD01");
  Result<Sesion> mala = dir_.Login("cap1", "Incorrecta-123", kT0);
  Result<Sesion> desconocido = dir_.Login("fantasma", kClave, kT0);
  Result<Sesion> malformado = dir_.Login("No Existe!", kClave, kT0);
  Result<Sesion> vacio = dir_.Login("", "", kT0);
  for (const Result<Sesion>* r : {&mala, &desconocido, &malformado, &vacio}) {
    ASSERT_FALSE(r->ok());
    EXPECT_EQ(r->status().code(), StatusCode::kFailedPrecondition);
    EXPECT_EQ(r->status().message(), "usuario o contraseña incorrectos");
  }
  EXPECT_EQ(dir_.SesionesAbiertas(kT0), 0u);
}

TEST_F(DirectorioTest, BloqueoTrasCincoFallos) {
  Crear("cap1", "capturista", "CATD01");
  for (int i = 0; i < 5; ++i) {
    Result<Sesion> r = dir_.Login("cap1", "Incorrecta-123", kT0 + i * kMinuto);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message(), "usuario o contraseña incorrectos") << i;
  }
  const int64_t quinto = kT0 + 4 * kMinuto;
  // Locked, even with the right password.
  Result<Sesion> r = dir_.Login("cap1", kClave, quinto + kMinuto);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(r.status().message(),
            "demasiados intentos fallidos para este usuario: espere 14 minutos antes de volver a "
            "intentarlo");
  r = dir_.Login("cap1", kClave, quinto);
  EXPECT_NE(r.status().message().find("espere 15 minutos"), std::string::npos);
  r = dir_.Login("cap1", kClave, quinto + 15 * kMinuto - 1);
  EXPECT_NE(r.status().message().find("espere 1 minuto "), std::string::npos);
  // Other users are not affected.
  Crear("cap2", "capturista", "CATD01");
  EXPECT_TRUE(dir_.Login("cap2", kClave, quinto + kMinuto).ok());
  // After the lock, the right password works again.
  EXPECT_TRUE(dir_.Login("cap1", kClave, quinto + 15 * kMinuto).ok());
}

TEST_F(DirectorioTest, LosFallosCuentanDentroDeLaVentana) {
  Crear("cap1", "capturista", "CATD01");
  // Five failures 4 minutes apart span 16 minutes: never five within 15.
  for (int i = 0; i < 5; ++i) {
    ASSERT_FALSE(dir_.Login("cap1", "Incorrecta-123", kT0 + 4 * kMinuto * i).ok());
  }
  EXPECT_TRUE(dir_.Login("cap1", kClave, kT0 + 17 * kMinuto).ok());
}

TEST_F(DirectorioTest, UnExitoReiniciaLaCuenta) {
  Crear("cap1", "capturista", "CATD01");
  for (int ronda = 0; ronda < 3; ++ronda) {
    for (int i = 0; i < 4; ++i) ASSERT_FALSE(dir_.Login("cap1", "Incorrecta-123", kT0).ok());
    ASSERT_TRUE(dir_.Login("cap1", kClave, kT0).ok()) << ronda;
  }
}

TEST_F(DirectorioTest, BloqueoIgualParaUsuarioDesconocido) {
  // The lock does not tell who exists.
  for (const char* nombre : {"cap1", "fantasma"}) {
    if (std::string(nombre) == "cap1") Crear("cap1", "capturista", "CATD01");
    for (int i = 0; i < 5; ++i) ASSERT_FALSE(dir_.Login(nombre, "Incorrecta-123", kT0).ok());
    Result<Sesion> r = dir_.Login(nombre, kClave, kT0);
    EXPECT_NE(r.status().message().find("demasiados intentos fallidos"), std::string::npos)
        << nombre;
  }
}

TEST_F(DirectorioTest, AjustesDeBloqueo) {
  AjustesDirectorio a = AjustesDePrueba();
  a.max_fallos = 2;
  a.bloqueo_ms = kHora;
  DiarioEnMemoria diario;
  BitacoraEnMemoria bitacora;
  Directorio dir(a, diario, bitacora);
  ASSERT_TRUE(dir.CrearPrimerAdministrador("admin", kClaveAdmin, kT0).ok());
  ASSERT_FALSE(dir.Login("admin", "x", kT0).ok());
  ASSERT_FALSE(dir.Login("admin", "x", kT0).ok());
  EXPECT_FALSE(dir.Login("admin", kClaveAdmin, kT0 + 59 * kMinuto).ok());
  EXPECT_TRUE(dir.Login("admin", kClaveAdmin, kT0 + kHora).ok());
}

TEST_F(DirectorioTest, IntentosConcurrentesNoPasanDelLimite) {
  Crear("cap1", "capturista", "CATD01");
  std::atomic<int> credenciales{0};
  std::vector<std::thread> hilos;
  hilos.reserve(8);
  for (int i = 0; i < 8; ++i) {
    hilos.emplace_back([&] {
      Result<Sesion> r = dir_.Login("cap1", "Incorrecta-123", kT0);
      EXPECT_FALSE(r.ok());
      if (r.status().message() == "usuario o contraseña incorrectos") ++credenciales;
    });
  }
  for (std::thread& h : hilos) h.join();
  EXPECT_LE(credenciales.load(), 5);
  EXPECT_FALSE(dir_.Login("cap1", kClave, kT0).ok());
}

TEST_F(DirectorioTest, SesionExpira) {
  Crear("cap1", "capturista", "CATD01");
  Result<Sesion> s = dir_.Login("cap1", kClave, kT0);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(dir_.Autenticar(s->token, kT0 + 12 * kHora - 1).ok());
  Result<Usuario> u = dir_.Autenticar(s->token, kT0 + 12 * kHora);
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.status().message(), "la sesión expiró; inicie sesión de nuevo");
  EXPECT_EQ(dir_.SesionesAbiertas(kT0 + 12 * kHora), 0u);

  AjustesDirectorio a = AjustesDePrueba();
  a.duracion_sesion_ms = 30 * kMinuto;
  DiarioEnMemoria diario;
  BitacoraEnMemoria bitacora;
  Directorio corto(a, diario, bitacora);
  ASSERT_TRUE(corto.CrearPrimerAdministrador("admin", kClaveAdmin, kT0).ok());
  Result<Sesion> c = corto.Login("admin", kClaveAdmin, kT0);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->expira_ms, kT0 + 30 * kMinuto);
  EXPECT_FALSE(corto.Autenticar(c->token, kT0 + 30 * kMinuto).ok());
}

TEST_F(DirectorioTest, Logout) {
  Crear("cap1", "capturista", "CATD01");
  Result<Sesion> a = dir_.Login("cap1", kClave, kT0);
  Result<Sesion> b = dir_.Login("cap1", kClave, kT0);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(dir_.Logout(a->token, kT0 + 1).ok());
  EXPECT_FALSE(dir_.Autenticar(a->token, kT0 + 2).ok());
  EXPECT_TRUE(dir_.Autenticar(b->token, kT0 + 2).ok());  // only that session
  EXPECT_EQ(dir_.Logout(a->token, kT0 + 3).code(), StatusCode::kFailedPrecondition);
}

TEST_F(DirectorioTest, TokensAjenosNoAutentican) {
  Crear("cap1", "capturista", "CATD01");
  Result<Sesion> s = dir_.Login("cap1", kClave, kT0);
  ASSERT_TRUE(s.ok());
  std::string otro = s->token;
  otro[0] = otro[0] == 'a' ? 'b' : 'a';
  std::string mayusculas = s->token;
  for (char& c : mayusculas) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const std::string& t : {std::string(), std::string("x"), otro, s->token + "0",
                               s->token.substr(1), mayusculas, std::string(64, '0')}) {
    Result<Usuario> u = dir_.Autenticar(t, kT0);
    ASSERT_FALSE(u.ok()) << t;
    EXPECT_EQ(u.status().message(), "sesión no válida; inicie sesión");
  }
}

TEST_F(DirectorioTest, ReasignarCierraLasSesiones) {
  Crear("cap1", "capturista", "CATD01");
  Result<Sesion> s = dir_.Login("cap1", kClave, kT0);
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(dir_.Reasignar(Admin(), "cap1", "capturista", "CATD02", kT0).ok());
  EXPECT_FALSE(dir_.Autenticar(s->token, kT0).ok());
  Result<Sesion> nueva = dir_.Login("cap1", kClave, kT0);
  ASSERT_TRUE(nueva.ok());
  EXPECT_EQ(nueva->sitio, "CATD02");
}

TEST_F(DirectorioTest, AutenticarEnParaleloConLogins) {
  Crear("cap1", "capturista", "CATD01");
  Result<Sesion> s = dir_.Login("cap1", kClave, kT0);
  ASSERT_TRUE(s.ok());
  std::atomic<int> fallos{0};
  std::vector<std::thread> hilos;
  hilos.reserve(4);
  for (int i = 0; i < 4; ++i) {
    hilos.emplace_back([&, i] {
      for (int j = 0; j < 50; ++j) {
        if (i % 2 == 0) {
          if (!dir_.Autenticar(s->token, kT0).ok()) ++fallos;
        } else {
          if (!dir_.Login("cap1", kClave, kT0).ok()) ++fallos;
        }
      }
    });
  }
  for (std::thread& h : hilos) h.join();
  EXPECT_EQ(fallos.load(), 0);
  EXPECT_EQ(dir_.SesionesAbiertas(kT0), 101u);
}

}  // namespace
}  // namespace prep::auth
