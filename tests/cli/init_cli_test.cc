// `prep init`, `prep users` as an administrator runs them, on real files.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "cli/prep_cli.h"

namespace {

namespace fs = std::filesystem;
const std::string kData = PREP_SHARED_DATA;
const std::string kExample = (fs::path(__FILE__).parent_path().parent_path().parent_path() /
                              "examples" / "coahuila2020.toml")
                                 .string();
const std::string kPassword = "Clave-de-prueba-2020";

using prep::testing::Outcome;

class InitCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("prep_init_" + std::to_string(::getpid()) + "_" +
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

TEST_F(InitCli, CoahuilaExampleCreatesTheDataFolderOnce) {
  const std::string data = (dir_ / "coah").string();
  auto o =
      Prep("init --config " + kExample + " --data " + data + " --admin admin", kPassword + "\\n");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_TRUE(fs::exists(data + "/prep.sqlite"));
  EXPECT_TRUE(fs::exists(data + "/eleccion.json"));
  EXPECT_TRUE(fs::exists(data + "/eleccion/coahuila2020.toml"));
  auto again = Prep("init --config " + kExample + " --data " + data);
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("already holds an election"), std::string::npos) << again.err;
  auto list = Prep("users list --data " + data);
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("admin\tadministrador\t*"), std::string::npos) << list.out;
}

TEST_F(InitCli, AuditManifestZeroAndCompareBeforeTheNight) {
  // What the notary witnesses the day before: the system's hashes, and an
  // election with no acta data (puesta en ceros).
  const std::string data = (dir_ / "coah").string();
  ASSERT_EQ(
      Prep("init --config " + kExample + " --data " + data + " --admin admin", kPassword + "\n")
          .exit_code,
      0);
  auto cero = Prep("audit zero --data " + data);
  EXPECT_EQ(cero.exit_code, 0) << cero.out << cero.err;
  EXPECT_NE(cero.out.find("RESULTADO: EN CEROS"), std::string::npos) << cero.out;
  const std::string a = (dir_ / "a.json").string(), b = (dir_ / "b.json").string(),
                    c = (dir_ / "c.json").string();
  auto m = Prep("audit manifest --data " + data + " --json " + a);
  ASSERT_EQ(m.exit_code, 0) << m.err;
  for (const char* parte :
       {"programa", "consola/index.html", "esquema", "eleccion/coahuila2020.toml",
        "claves/vivo.pub", "Huella del manifiesto"}) {
    EXPECT_NE(m.out.find(parte), std::string::npos) << parte;
  }
  EXPECT_EQ(m.out.find(".key"), std::string::npos) << "a secret key is never listed";
  ASSERT_EQ(Prep("audit manifest --data " + data + " --json " + b).exit_code, 0);
  auto igual = Prep("audit compare " + a + " " + b);
  EXPECT_EQ(igual.exit_code, 0) << igual.out;
  // A changed public key is named.
  { std::ofstream(data + "/claves/vivo.pub", std::ios::app) << "x"; }
  ASSERT_EQ(Prep("audit manifest --data " + data + " --json " + c).exit_code, 0);
  auto distinto = Prep("audit compare " + a + " " + c);
  EXPECT_EQ(distinto.exit_code, 1);
  EXPECT_NE(distinto.out.find("cambió: clave claves/vivo.pub"), std::string::npos) << distinto.out;
}

TEST_F(InitCli, BadConfigListsEveryErrorAndCreatesNothing) {
  const std::string config = (dir_ / "mala.toml").string();
  std::ofstream(config) << "[eleccion]\nnombre = 3\n";
  const std::string data = (dir_ / "nada").string();
  auto o = Prep("init --config " + config + " --data " + data);
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_FALSE(fs::exists(data));
  int lines = 0;
  std::stringstream ss(o.err);
  std::string line;
  while (std::getline(ss, line)) {
    ++lines;
    EXPECT_TRUE(std::regex_search(line, std::regex("mala\\.toml:[a-z_.\\[\\]0-9]+: "))) << line;
  }
  EXPECT_GE(lines, 3) << o.err;
  EXPECT_NE(o.err.find("eleccion.nombre"), std::string::npos);
}

TEST_F(InitCli, FromPrepCsvUsersAndTamperDetection) {
  const std::string data = (dir_ / "qroo").string();
  ASSERT_EQ(Prep("init --from-prep-csv " + kData +
                     "/qroo2019-prep-final/20190603_0547_PREP_DIP_QROO.zip --data " + data +
                     " --admin admin",
                 kPassword + "\\n")
                .exit_code,
            0);
  auto add = Prep("users add --data " + data + " --como admin ana capturista CCV01",
                  kPassword + "\\n" + kPassword + "\\n");
  EXPECT_EQ(add.exit_code, 0) << add.err;
  auto wrong = Prep("users add --data " + data + " --como admin beto capturista CCV01",
                    "no-es-la-clave\\n" + kPassword + "\\n");
  EXPECT_EQ(wrong.exit_code, 2);
  auto weak = Prep("users add --data " + data + " --como admin carla capturista CCV01",
                   kPassword + "\\ncorta\\n");
  EXPECT_EQ(weak.exit_code, 2);
  auto list = Prep("users list --data " + data);
  EXPECT_NE(list.out.find("ana\tcapturista\tCCV01"), std::string::npos);
  EXPECT_EQ(list.out.find("beto"), std::string::npos);
  EXPECT_EQ(list.out.find("carla"), std::string::npos);
  // A changed source file is caught at start.
  for (const auto& e : fs::directory_iterator(data + "/eleccion")) {
    std::ofstream(e.path(), std::ios::app) << "x";
  }
  auto tampered = Prep("users list --data " + data);
  EXPECT_EQ(tampered.exit_code, 2);
  EXPECT_NE(tampered.err.find("were changed"), std::string::npos) << tampered.err;
}

}  // namespace
