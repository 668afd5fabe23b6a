// The role × action × scope matrix of src/auth/roles.h, every cell.
#include "auth/roles.h"

#include <gtest/gtest.h>

#include <string>
#include <tuple>

#include "auth/users.h"

namespace prep::auth {
namespace {

// The matrix again, written out independently of roles.cc: rows in kRoles
// order, columns in kAcciones order (acopio digit captu verif cotej orden
// coord corte usuar confi audit consu).
constexpr const char* kMatriz[] = {
    "X...........",  // acopiador
    ".X..........",  // digitalizador
    "..X.........",  // capturista
    "...X.X......",  // verificador
    "....XX......",  // cotejador
    "......XX...X",  // coordinador
    "........XX.X",  // administrador
    "..........XX",  // auditor
    "...........X",  // consulta
};

bool Esperado(Rol rol, Accion accion) {
  return kMatriz[static_cast<int>(rol)][static_cast<int>(accion)] == 'X';
}

Usuario U(Rol rol, std::string sitio, bool activo = true) {
  return {"operador.1", rol, std::move(sitio), "", activo};
}

class MatrizTest : public ::testing::TestWithParam<std::tuple<Rol, Accion>> {};

TEST_P(MatrizTest, Celda) {
  const auto [rol, accion] = GetParam();
  const bool permitido = Esperado(rol, accion);
  const bool central =
      accion == Accion::kForzarCorte || accion == Accion::kAdministrarConfiguracion;
  ASSERT_EQ(RolPermite(rol, accion), permitido);
  ASSERT_EQ(EsAccionCentral(accion), central);

  // A user of CATD01 acting for its own site: allowed iff the role allows
  // it and the action is not election-wide.
  Decision propio = Autorizar(U(rol, "CATD01"), accion, "CATD01");
  EXPECT_EQ(propio.permitido, permitido && !central) << propio.motivo;
  EXPECT_EQ(propio.motivo.empty(), propio.permitido) << propio.motivo;

  // ... acting for another site: never.
  Decision ajeno = Autorizar(U(rol, "CATD01"), accion, "CATD02");
  EXPECT_FALSE(ajeno.permitido);
  EXPECT_FALSE(ajeno.motivo.empty());
  if (permitido && !central) {
    EXPECT_NE(ajeno.motivo.find("no puede actuar por CATD02"), std::string::npos) << ajeno.motivo;
  }
  // ... acting for the whole election: never.
  EXPECT_FALSE(Autorizar(U(rol, "CATD01"), accion, kSitioCentral).permitido);

  // A central user ("*"): any site, when the role admits a central scope.
  const bool admite_central = rol == Rol::kCoordinador || rol == Rol::kAdministrador ||
                              rol == Rol::kAuditor || rol == Rol::kConsulta;
  ASSERT_EQ(RolAdmiteSitioCentral(rol), admite_central);
  for (const char* objetivo : {"CATD02", "CCV1", kSitioCentral}) {
    Decision d = Autorizar(U(rol, kSitioCentral), accion, objetivo);
    EXPECT_EQ(d.permitido, permitido && admite_central) << objetivo << ": " << d.motivo;
    EXPECT_EQ(d.motivo.empty(), d.permitido);
  }

  // An inactive user: nothing, not even in its own site.
  Decision inactivo = Autorizar(U(rol, "CATD01", false), accion, "CATD01");
  EXPECT_FALSE(inactivo.permitido);
  EXPECT_NE(inactivo.motivo.find("desactivado"), std::string::npos);
  EXPECT_FALSE(Autorizar(U(rol, kSitioCentral, false), accion, "CATD01").permitido);

  // A user with no site: nothing.
  EXPECT_FALSE(Autorizar(U(rol, ""), accion, "CATD01").permitido);
}

INSTANTIATE_TEST_SUITE_P(Todas, MatrizTest,
                         ::testing::Combine(::testing::ValuesIn(kRoles),
                                            ::testing::ValuesIn(kAcciones)),
                         [](const ::testing::TestParamInfo<MatrizTest::ParamType>& info) {
                           return std::string(NombreRol(std::get<0>(info.param))) + "_" +
                                  std::string(NombreAccion(std::get<1>(info.param)));
                         });

TEST(RolesTest, CapturistaNoVerifica) {
  Decision d = Autorizar(U(Rol::kCapturista, "CCV1"), Accion::kVerificar, "CCV1");
  EXPECT_FALSE(d.permitido);
  EXPECT_EQ(d.motivo, "el rol capturista no permite verificar actas");
  EXPECT_TRUE(Autorizar(U(Rol::kCapturista, "CCV1"), Accion::kCapturar, "CCV1").permitido);
}

TEST(RolesTest, UnCatdNoActuaPorOtro) {
  Decision d = Autorizar(U(Rol::kAcopiador, "CATD01"), Accion::kRegistrarAcopio, "CATD02");
  EXPECT_FALSE(d.permitido);
  EXPECT_EQ(d.motivo, "el usuario operador.1 está asignado a CATD01 y no puede actuar por CATD02");
  // Site ids are compared exactly.
  EXPECT_FALSE(
      Autorizar(U(Rol::kAcopiador, "CATD01"), Accion::kRegistrarAcopio, "catd01").permitido);
  EXPECT_FALSE(
      Autorizar(U(Rol::kAcopiador, "CATD01"), Accion::kRegistrarAcopio, "CATD011").permitido);
}

TEST(RolesTest, RolOperativoNoPuedeSerCentral) {
  Decision d = Autorizar(U(Rol::kCapturista, kSitioCentral), Accion::kCapturar, "CATD01");
  EXPECT_FALSE(d.permitido);
  EXPECT_EQ(d.motivo, "el rol capturista debe estar asignado a un solo CATD o CCV, no a \"*\"");
}

TEST(RolesTest, AccionCentralPideUsuarioCentral) {
  Decision d = Autorizar(U(Rol::kCoordinador, "CATD01"), Accion::kForzarCorte, "CATD01");
  EXPECT_FALSE(d.permitido);
  EXPECT_EQ(d.motivo,
            "forzar un corte abarca toda la elección y el usuario operador.1 está asignado solo "
            "a CATD01");
  // A central user may, whatever site is named.
  EXPECT_TRUE(Autorizar(U(Rol::kCoordinador, kSitioCentral), Accion::kForzarCorte, "").permitido);
}

TEST(RolesTest, SinSitioObjetivo) {
  Decision d = Autorizar(U(Rol::kConsulta, kSitioCentral), Accion::kConsultar, "");
  EXPECT_FALSE(d.permitido);
  EXPECT_EQ(d.motivo, "no se indicó el CATD o CCV para consultar");
}

TEST(RolesTest, NombresDeIdaYVuelta) {
  for (Rol r : kRoles) EXPECT_EQ(RolDesdeNombre(NombreRol(r)), r);
  EXPECT_EQ(RolDesdeNombre("Capturista"), std::nullopt);
  EXPECT_EQ(RolDesdeNombre("supervisor"), std::nullopt);
  EXPECT_EQ(RolDesdeNombre(""), std::nullopt);
  EXPECT_EQ(NombreAccion(Accion::kOrdenarRecaptura), "ordenar_recaptura");
  EXPECT_EQ(NombreAccion(Accion::kAdministrarUsuarios), "administrar_usuarios");
}

TEST(RolesTest, SoloAdministradorAdministraUsuarios) {
  for (Rol r : kRoles) {
    EXPECT_EQ(RolPermite(r, Accion::kAdministrarUsuarios), r == Rol::kAdministrador)
        << NombreRol(r);
  }
}

}  // namespace
}  // namespace prep::auth
