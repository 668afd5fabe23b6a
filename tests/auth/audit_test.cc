// The audit trail: one record per allowed or refused action, never a password.
#include "auth/audit.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "auth/users.h"

namespace prep::auth {
namespace {

constexpr int64_t kT0 = 1'559'516'400'000;
constexpr char kClaveAdmin[] = "Admin-central-2019";
constexpr char kClave[] = "Chetumal-Bacalar-7";

AjustesDirectorio AjustesDePrueba() {
  AjustesDirectorio a;
  a.password = PasswordParams::Minimo();
  return a;
}

RegistroAuditoria R(int64_t at, std::string usuario, std::string sitio, std::string accion,
                    std::string objetivo, bool permitido, std::string motivo) {
  return {at,        std::move(usuario), std::move(sitio), std::move(accion), std::move(objetivo),
          permitido, std::move(motivo)};
}

class AuditoriaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.CrearPrimerAdministrador("admin", kClaveAdmin, kT0).ok());
  }
  Usuario Admin() const { return *dir_.Buscar("admin"); }
  RegistroAuditoria Ultimo() const {
    std::vector<RegistroAuditoria> r = bitacora_.Registros();
    EXPECT_FALSE(r.empty());
    return r.empty() ? RegistroAuditoria{} : r.back();
  }

  DiarioEnMemoria diario_;
  BitacoraEnMemoria bitacora_;
  Directorio dir_{AjustesDePrueba(), diario_, bitacora_};
};

TEST_F(AuditoriaTest, GestionPermitidaYNegada) {
  EXPECT_EQ(Ultimo(), R(kT0, "sistema", "*", "crear_primer_administrador", "admin", true, ""));
  ASSERT_TRUE(dir_.CrearUsuario(Admin(), "cap1", "capturista", "CATD01", kClave, kT0 + 1).ok());
  EXPECT_EQ(Ultimo(), R(kT0 + 1, "admin", "*", "crear_usuario", "cap1", true, ""));

  const Usuario cap1 = *dir_.Buscar("cap1");
  EXPECT_FALSE(dir_.Desactivar(cap1, "admin", kT0 + 2).ok());
  EXPECT_EQ(Ultimo(), R(kT0 + 2, "cap1", "CATD01", "desactivar_usuario", "admin", false,
                        "el rol capturista no permite administrar usuarios"));

  EXPECT_FALSE(dir_.CrearUsuario(Admin(), "x", "capturista", "CATD01", kClave, kT0 + 3).ok());
  RegistroAuditoria r = Ultimo();
  EXPECT_EQ(r.accion, "crear_usuario");
  EXPECT_FALSE(r.permitido);
  EXPECT_NE(r.motivo.find("nombre de usuario inválido"), std::string::npos);

  ASSERT_TRUE(dir_.Reasignar(Admin(), "cap1", "verificador", "CCV1", kT0 + 4).ok());
  EXPECT_EQ(Ultimo(), R(kT0 + 4, "admin", "*", "reasignar_usuario", "cap1", true, ""));
  ASSERT_TRUE(dir_.CambiarContrasena(Admin(), "cap1", "Otra-clave-larga-1", kT0 + 5).ok());
  EXPECT_EQ(Ultimo(), R(kT0 + 5, "admin", "*", "cambiar_contrasena", "cap1", true, ""));
  ASSERT_TRUE(dir_.Desactivar(Admin(), "cap1", kT0 + 6).ok());
  EXPECT_EQ(Ultimo(), R(kT0 + 6, "admin", "*", "desactivar_usuario", "cap1", true, ""));
  ASSERT_TRUE(dir_.Reactivar(Admin(), "cap1", kT0 + 7).ok());
  EXPECT_EQ(Ultimo(), R(kT0 + 7, "admin", "*", "reactivar_usuario", "cap1", true, ""));
}

TEST_F(AuditoriaTest, UnRegistroPorLlamada) {
  ASSERT_TRUE(dir_.CrearUsuario(Admin(), "cap1", "capturista", "CATD01", kClave, kT0).ok());
  const size_t antes = bitacora_.Registros().size();
  const Usuario cap1 = *dir_.Buscar("cap1");
  (void)dir_.CrearUsuario(cap1, "otro", "capturista", "CATD01", kClave, kT0);
  (void)dir_.CrearUsuario(Admin(), "cap1", "capturista", "CATD01", kClave, kT0);
  (void)dir_.Reasignar(Admin(), "fantasma", "capturista", "CATD01", kT0);
  (void)dir_.Login("cap1", kClave, kT0);
  (void)dir_.Login("cap1", "mala", kT0);
  (void)dir_.Logout("nada", kT0);
  (void)dir_.Autenticar("nada", kT0);  // authentication is not an action: not recorded
  EXPECT_EQ(bitacora_.Registros().size(), antes + 6);
}

TEST_F(AuditoriaTest, Sesiones) {
  ASSERT_TRUE(dir_.CrearUsuario(Admin(), "cap1", "capturista", "CATD01", kClave, kT0).ok());
  Result<Sesion> s = dir_.Login("cap1", kClave, kT0 + 1);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(Ultimo(), R(kT0 + 1, "cap1", "CATD01", "iniciar_sesion", "", true, ""));
  ASSERT_TRUE(dir_.Logout(s->token, kT0 + 2).ok());
  EXPECT_EQ(Ultimo(), R(kT0 + 2, "cap1", "CATD01", "cerrar_sesion", "", true, ""));
  EXPECT_FALSE(dir_.Logout(s->token, kT0 + 3).ok());
  EXPECT_EQ(Ultimo(), R(kT0 + 3, "", "", "cerrar_sesion", "", false, "sesión no válida"));

  // The trail tells the auditor what the person is not told.
  (void)dir_.Login("cap1", "Incorrecta-123", kT0 + 4);
  EXPECT_EQ(Ultimo(),
            R(kT0 + 4, "cap1", "CATD01", "iniciar_sesion", "", false, "contraseña incorrecta"));
  (void)dir_.Login("fantasma", "Incorrecta-123", kT0 + 5);
  EXPECT_EQ(Ultimo(),
            R(kT0 + 5, "fantasma", "", "iniciar_sesion", "", false, "usuario desconocido"));
  for (int i = 0; i < 4; ++i) (void)dir_.Login("cap1", "Incorrecta-123", kT0 + 6);
  (void)dir_.Login("cap1", kClave, kT0 + 7);
  EXPECT_EQ(Ultimo(), R(kT0 + 7, "cap1", "CATD01", "iniciar_sesion", "", false,
                        "bloqueado por intentos fallidos"));
}

TEST_F(AuditoriaTest, NombresLargosSeRecortan) {
  const std::string largo(500, 'a');
  (void)dir_.Login(largo, "x", kT0);
  EXPECT_EQ(Ultimo().usuario, std::string(64, 'a') + "...");
}

// No record, no status message and no event ever holds a password; no record
// holds a hash either.
TEST_F(AuditoriaTest, NuncaUnaContrasena) {
  const std::vector<std::string> claves = {kClaveAdmin, kClave, "Secreto-Nuevo-42", "Mala-Clave-77",
                                           "corta-9"};
  std::vector<Status> respuestas;
  respuestas.push_back(dir_.CrearUsuario(Admin(), "cap1", "capturista", "CATD01", kClave, kT0));
  respuestas.push_back(dir_.CrearUsuario(Admin(), "cap2", "capturista", "CATD01", "corta-9", kT0));
  respuestas.push_back(dir_.CambiarContrasena(Admin(), "cap1", "Secreto-Nuevo-42", kT0));
  respuestas.push_back(dir_.Login("cap1", "Mala-Clave-77", kT0).status());
  respuestas.push_back(dir_.Login("cap1", "Secreto-Nuevo-42", kT0).status());
  respuestas.push_back(dir_.Login("admin", kClaveAdmin, kT0).status());
  respuestas.push_back(dir_.Login("fantasma", kClave, kT0).status());
  const Usuario cap1 = *dir_.Buscar("cap1");
  respuestas.push_back(
      dir_.CrearUsuario(cap1, "cap3", "capturista", "CATD01", "Mala-Clave-77", kT0));
  for (int i = 0; i < 6; ++i) {
    respuestas.push_back(dir_.Login("cap1", "Mala-Clave-77", kT0).status());
  }

  const std::vector<RegistroAuditoria> registros = bitacora_.Registros();
  ASSERT_GE(registros.size(), 15u);
  for (const RegistroAuditoria& r : registros) {
    const std::string texto = RegistroAJson(r);
    for (const std::string& c : claves) EXPECT_EQ(texto.find(c), std::string::npos) << texto;
    EXPECT_EQ(texto.find("$argon2id$"), std::string::npos) << texto;
  }
  for (const Status& s : respuestas) {
    for (const std::string& c : claves) {
      EXPECT_EQ(s.message().find(c), std::string::npos) << s.message();
    }
  }
  for (const EventoUsuario& e : diario_.Eventos()) {
    for (const std::string& c : claves) EXPECT_EQ(e.payload.find(c), std::string::npos);
  }
}

TEST(AutorizarYRegistrarTest, RegistraLaDecision) {
  BitacoraEnMemoria bitacora;
  const Usuario cap{"cap1", Rol::kCapturista, "CATD01", "", true};
  EXPECT_TRUE(
      AutorizarYRegistrar(bitacora, cap, Accion::kCapturar, "CATD01", "230085B010002", kT0).ok());
  Status s =
      AutorizarYRegistrar(bitacora, cap, Accion::kVerificar, "CATD01", "230085B010002", kT0 + 1);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "el rol capturista no permite verificar actas");
  s = AutorizarYRegistrar(bitacora, cap, Accion::kCapturar, "CATD02", "230090B010002", kT0 + 2);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  const std::vector<RegistroAuditoria> r = bitacora.Registros();
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0], R(kT0, "cap1", "CATD01", "capturar", "230085B010002", true, ""));
  EXPECT_EQ(r[1], R(kT0 + 1, "cap1", "CATD01", "verificar", "230085B010002", false,
                    "el rol capturista no permite verificar actas"));
  EXPECT_EQ(r[2], R(kT0 + 2, "cap1", "CATD01", "capturar", "230090B010002", false,
                    "el usuario cap1 está asignado a CATD01 y no puede actuar por CATD02"));
}

TEST(RegistroAJsonTest, CamposEnOrden) {
  const std::string j = RegistroAJson(
      R(kT0, "cap1", "CATD01", "capturar", "230085B010002", false, "el rol no permite"));
  EXPECT_EQ(j,
            "{\"at_ms\":1559516400000,\"usuario\":\"cap1\",\"sitio\":\"CATD01\","
            "\"accion\":\"capturar\",\"objetivo\":\"230085B010002\",\"permitido\":false,"
            "\"motivo\":\"el rol no permite\"}");
  // A name typed at a login may be broken UTF-8: replaced, never thrown on.
  const std::string roto = RegistroAJson(R(kT0, "a\xff\xfe", "", "iniciar_sesion", "", false, ""));
  EXPECT_TRUE(nlohmann::json::accept(roto)) << roto;
}

}  // namespace
}  // namespace prep::auth
