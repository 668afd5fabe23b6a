// What the integration tests that run `prep serve` as a real process share:
// a free loopback port, the CLI with a password on stdin, the server process
// (started, SIGKILLed, restarted) and real actas of QROO 2019 to capture.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "formats/prep_database.h"
#include "formats/source.h"
#include "http/client.h"
#include "imagen_de_prueba.h"

namespace prep::testing {

inline const std::string kQrooZip =
    std::string(PREP_SHARED_DATA) + "/qroo2019-prep-final/20190603_0547_PREP_DIP_QROO.zip";
inline const std::string kPassword = "Clave-de-prueba-2020";

inline int RunWithStdin(const std::string& args, const std::string& input) {
  const std::string cmd =
      "printf '" + input + "' | " + std::string(PREP_BINARY) + " " + args + " >/dev/null";
  return std::system(cmd.c_str());
}

inline uint16_t FreePort() {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

// `prep users add` (as admin) for each {nombre, rol, sitio}; false at the first that fails.
inline bool AgregarUsuarios(const std::string& data,
                            const std::vector<std::array<std::string, 3>>& usuarios) {
  for (const auto& [u, rol, sitio] : usuarios) {
    if (RunWithStdin("users add --data " + data + " --como admin " + u + " " + rol + " " + sitio,
                     kPassword + "\\n" + kPassword + "\\n") != 0) {
      return false;
    }
  }
  return true;
}

// A session token, or "" when the login is refused.
inline std::string Login(uint16_t port, const std::string& u) {
  auto r = Fetch(port, "POST", "/api/v1/sesiones",
                 nlohmann::json{{"usuario", u}, {"password", kPassword}}.dump());
  return r.status == 201 ? nlohmann::json::parse(r.body)["token"].get<std::string>()
                         : std::string();
}

// Acopio (by "acopio") and an image (by "digi") of each acta: the captures need them.
inline void Acopiar(uint16_t port,
                    const std::vector<std::pair<std::string, nlohmann::json>>& actas) {
  const std::string ta = Login(port, "acopio");
  const std::string td = Login(port, "digi");
  for (const auto& [clave, _] : actas) {
    ASSERT_EQ(Fetch(port, "POST", "/api/v1/actas/" + clave + "/acopio", "{}",
                    {{"Authorization", "Bearer " + ta}, {"Idempotency-Key", "a-" + clave}})
                  .status,
              201);
    ASSERT_EQ(Fetch(port, "POST", "/api/v1/actas/" + clave + "/imagenes", PngDePrueba(clave),
                    {{"Authorization", "Bearer " + td}, {"Idempotency-Key", "i-" + clave}})
                  .status,
              201);
  }
}

class ServerProcess {
 public:
  ServerProcess(std::string data, uint16_t port, std::vector<std::string> extra = {})
      : data_(std::move(data)), port_(port), extra_(std::move(extra)) {}
  ~ServerProcess() { Kill(); }
  // True once it answers /api/v1/ping (up to `wait_ms`).
  bool Start(int wait_ms = 10000) {
    pid_ = ::fork();
    if (pid_ == 0) {
      const std::string listen = "127.0.0.1:" + std::to_string(port_);
      if (::freopen("/dev/null", "w", stdout) == nullptr) ::_exit(126);
      std::vector<const char*> argv = {PREP_BINARY,   "serve",    "--data",
                                       data_.c_str(), "--listen", listen.c_str()};
      for (const std::string& a : extra_) argv.push_back(a.c_str());
      argv.push_back(nullptr);
      ::execv(PREP_BINARY, const_cast<char* const*>(argv.data()));
      ::_exit(127);
    }
    for (int i = 0; i < wait_ms / 50; ++i) {
      if (Fetch(port_, "GET", "/api/v1/ping").status != 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  void Kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  std::string data_;
  uint16_t port_;
  std::vector<std::string> extra_;
  pid_t pid_ = -1;
};

// Up to `n` contabilizada actas of QROO 2019 with the cells a capturista types.
inline std::vector<std::pair<std::string, nlohmann::json>> ActasDeQroo(size_t n) {
  std::vector<std::pair<std::string, nlohmann::json>> actas;
  auto files = formats::ReadResultsFiles(kQrooZip);
  if (!files.ok()) return actas;
  auto db = formats::PrepDatabase::Open("q", std::move((*files)[0].bytes));
  if (!db.ok()) return actas;
  (void)(*db)->ForEachActa([&](const formats::ActaRecord& a) {
    if (a.kind != formats::RowKind::kContabilizada || actas.size() >= n) return Status::Ok();
    nlohmann::json v = nlohmann::json::array();
    for (const auto& c : a.votos) {
      if (c.kind == domain::CaptureKind::kCount) {
        v.push_back(c.count);
      } else {
        v.push_back(c.kind == domain::CaptureKind::kIlegible ? "ILEGIBLE" : "SIN DATO");
      }
    }
    actas.emplace_back(std::string(a.clave_acta), nlohmann::json{{"valores", v}});
    return Status::Ok();
  });
  return actas;
}

}  // namespace prep::testing
