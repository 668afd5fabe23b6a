// `prep init` keys, `prep publish`, `prep verify` and the publication side of
// `prep serve` (the site at /, POST /api/v1/cortes), as an operator runs them.
#include <gtest/gtest.h>
#include <openssl/sha.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/prep_cli.h"
#include "http/client.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
const std::string kExample = (fs::path(__FILE__).parent_path().parent_path().parent_path() /
                              "examples" / "coahuila2020.toml")
                                 .string();
const std::string kPassword = "Clave-de-prueba-2020";

using prep::testing::LeerArchivo;
using prep::testing::Outcome;

class PublishCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("prep_pubcli_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  Outcome Prep(const std::string& args, const std::string& input = "") {
    return prep::testing::RunPrep(dir_, args, input);
  }
  fs::path dir_;
};

TEST_F(PublishCli, InitMakesTwoKeyPairsPublishSignsWithTheModesKeyAndVerifyNamesABadFile) {
  const std::string data = (dir_ / "d").string();
  ASSERT_EQ(Prep("init --config " + kExample + " --data " + data + " --simulacro").exit_code, 0);
  const fs::path claves = fs::path(data) / "claves";
  for (const char* k : {"vivo.key", "simulacro.key"}) {
    struct stat st {};
    ASSERT_EQ(::stat((claves / k).c_str(), &st), 0) << k;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << k << ": a signing key readable by others";
  }
  const std::string vivo = LeerArchivo(claves / "vivo.pub"),
                    sim = LeerArchivo(claves / "simulacro.pub");
  EXPECT_EQ(vivo.size(), 65u);
  EXPECT_NE(vivo, sim);

  auto p = Prep("publish --data " + data);
  ASSERT_EQ(p.exit_code, 0) << p.err;
  const fs::path pub = fs::path(data) / "publicacion";
  EXPECT_EQ(LeerArchivo(pub / "clave-publica.txt"), sim) << "a simulacro signed with the live key";
  auto m = json::parse(LeerArchivo(pub / "actual" / "manifest.json"));
  EXPECT_TRUE(m["simulacro"].get<bool>());

  auto v = Prep("verify " + pub.string());
  EXPECT_EQ(v.exit_code, 0) << v.err;
  EXPECT_NE(v.out.find("SIMULACRO"), std::string::npos);
  // Trusting the live key, the simulacro's cortes do not verify.
  EXPECT_EQ(Prep("verify " + pub.string() + " --clave " + vivo.substr(0, 64)).exit_code, 1);

  const std::string zip = m["corte"]["base_de_datos"];
  EXPECT_EQ(Prep("check " + (pub / "actual" / zip).string()).exit_code, 0);

  // One byte of a sección page changed: exit 1, the page named.
  fs::path pagina;
  for (const auto& f : fs::directory_iterator(pub / "actual" / "secciones")) {
    if (f.path().extension() == ".html") {
      pagina = f.path();
      break;
    }
  }
  ASSERT_FALSE(pagina.empty());
  std::string bytes = LeerArchivo(pagina);
  bytes[bytes.size() / 3] ^= 1;
  std::ofstream(pagina, std::ios::binary | std::ios::trunc) << bytes;
  auto mal = Prep("verify " + pub.string());
  EXPECT_EQ(mal.exit_code, 1);
  EXPECT_NE(mal.err.find("secciones/" + pagina.filename().string()), std::string::npos) << mal.err;
  EXPECT_EQ(Prep("verify " + (dir_ / "nada").string()).exit_code, 2);
}

TEST_F(PublishCli, TheFinalCorteClosesThePrep) {
  const std::string data = (dir_ / "d").string();
  ASSERT_EQ(Prep("init --config " + kExample + " --data " + data).exit_code, 0);
  auto f = Prep("publish --data " + data + " --final --dialecto ine2024");
  ASSERT_EQ(f.exit_code, 0) << f.err;
  auto otra = Prep("publish --data " + data);
  EXPECT_EQ(otra.exit_code, 2);
  EXPECT_NE(otra.err.find("closed"), std::string::npos) << otra.err;
  EXPECT_EQ(Prep("publish --data " + data + " --dialecto xml").exit_code, 2);

  // The closing report for the acta circunstanciada: the final corte, its levels, and the
  // hashes a notary writes down, each of which anyone can recompute from the files.
  auto cierre = Prep("audit close --data " + data);
  EXPECT_EQ(cierre.exit_code, 0) << cierre.out << cierre.err;
  EXPECT_NE(cierre.out.find("INFORME DE CIERRE DEL PREP"), std::string::npos);
  EXPECT_NE(cierre.out.find(", corte final"), std::string::npos) << cierre.out;
  EXPECT_NE(cierre.out.find("ACTAS_ESPERADAS                     3,841"), std::string::npos)
      << cierre.out;
  EXPECT_NE(cierre.out.find("Distrito 16"), std::string::npos) << cierre.out;
  fs::path corte;
  for (const auto& e : fs::directory_iterator(fs::path(data) / "publicacion" / "cortes")) {
    if (e.is_directory()) corte = e.path();
  }
  std::ifstream in(corte / "manifest.json", std::ios::binary);
  const std::string manifest(std::istreambuf_iterator<char>(in), {});
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(manifest.data()), manifest.size(), md);
  std::string hex;
  for (unsigned char c : md) {
    char b[3];
    std::snprintf(b, sizeof b, "%02x", c);
    hex += b;
  }
  EXPECT_NE(cierre.out.find("manifest.json del corte final (SHA-256): " + hex), std::string::npos)
      << cierre.out;
  const auto m = nlohmann::json::parse(manifest);
  EXPECT_NE(cierre.out.find(m["merkle"]["raiz"].get<std::string>()), std::string::npos);
  // A published file altered after the close: the report says so and fails.
  {
    std::fstream page(corte / "index.html", std::ios::in | std::ios::out | std::ios::binary);
    page.seekp(100);
    page.put('#');
  }
  auto alterado = Prep("audit close --data " + data);
  EXPECT_EQ(alterado.exit_code, 1);
  EXPECT_NE(alterado.out.find("FALLA"), std::string::npos) << alterado.out;
  EXPECT_NE(alterado.out.find("index.html"), std::string::npos) << alterado.out;
}

// The running server: the site at /, and a coordinador forcing a drill corte.
TEST_F(PublishCli, ServeServesTheSiteAndACoordinadorForcesADrillCorte) {
  const std::string data = (dir_ / "d").string();
  ASSERT_EQ(Prep("init --config " + kExample + " --data " + data + " --simulacro --admin admin",
                 kPassword + "\\n")
                .exit_code,
            0);
  ASSERT_EQ(Prep("users add --data " + data + " --como admin coord coordinador '*'",
                 kPassword + "\\n" + kPassword + "\\n")
                .exit_code,
            0);
  ASSERT_EQ(Prep("users add --data " + data + " --como admin cap capturista CCV1",
                 kPassword + "\\n" + kPassword + "\\n")
                .exit_code,
            0);
  const std::string log = (dir_ / "serve.out").string();
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::freopen(log.c_str(), "w", stdout);
    ::execl(PREP_BINARY, PREP_BINARY, "serve", "--data", data.c_str(), "--listen", "127.0.0.1:0",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Stopped however the test ends, so no server outlives it.
  struct Parar {
    pid_t pid;
    bool hecho = false;
    ~Parar() {
      if (hecho) return;
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  } parar{pid};
  uint16_t port = 0;
  for (int i = 0; i < 100 && port == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const std::string out = LeerArchivo(log);
    const std::string marca = "sitio público en http://127.0.0.1:";
    const size_t at = out.find(marca);
    if (at != std::string::npos) {
      port = static_cast<uint16_t>(std::atoi(out.c_str() + at + marca.size()));
    }
  }
  ASSERT_NE(port, 0) << LeerArchivo(log);

  // Nothing published yet: no site, and no error either.
  EXPECT_EQ(prep::testing::Fetch(port, "GET", "/").status, 404);

  auto login = [&](const std::string& u) {
    auto r = prep::testing::Fetch(port, "POST", "/api/v1/sesiones",
                                  json{{"usuario", u}, {"password", kPassword}}.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return json::parse(r.body, nullptr, false).value("token", "");
  };
  auto forzar = [&](const std::string& token, const std::string& key) {
    return prep::testing::Fetch(port, "POST", "/api/v1/cortes", "{}",
                                {{"Authorization", "Bearer " + token}, {"Idempotency-Key", key}});
  };
  EXPECT_EQ(forzar(login("cap"), "k1").status, 403);
  EXPECT_EQ(prep::testing::Fetch(port, "POST", "/api/v1/cortes", "{}").status, 401);
  const std::string coord = login("coord");
  auto r = forzar(coord, "k2");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = json::parse(r.body)["corte"];
  auto home = prep::testing::Fetch(port, "GET", "/");
  EXPECT_EQ(home.status, 200);
  EXPECT_NE(home.body.find("content=\"" + id + "\""), std::string::npos);
  EXPECT_EQ(prep::testing::Fetch(port, "GET", "/cortes/" + id + "/datos/entidad.json").status, 200);
  // One corte per minute: a second one in the same minute is refused, and says why
  // (unless the minute just turned).
  auto otra = forzar(coord, "k3");
  if (otra.status == 409) {
    EXPECT_NE(otra.body.find("already published"), std::string::npos) << otra.body;
  } else {
    EXPECT_EQ(otra.status, 201) << otra.body;
  }
  auto v = Prep("verify http://127.0.0.1:" + std::to_string(port) + "/");
  EXPECT_EQ(v.exit_code, 0) << v.err;
  EXPECT_NE(v.out.find("verifica (SIMULACRO)"), std::string::npos) << v.out;

  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  parar.hecho = true;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

}  // namespace
