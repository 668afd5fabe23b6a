// Crash test: `prep serve` is killed with SIGKILL several times while two
// capturistas send captures concurrently, and restarted each time. Clients
// retry with the same Idempotency-Key, as the console does. Afterwards every
// request that got a 2xx is in the log exactly once and the chain verifies.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "formats/prep_database.h"
#include "formats/source.h"
#include "http/client.h"
#include "imagen_de_prueba.h"
#include "store/store.h"

namespace prep {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::Fetch;

const std::string kData = PREP_SHARED_DATA;
const std::string kZip = kData + "/qroo2019-prep-final/20190603_0547_PREP_DIP_QROO.zip";
const std::string kPassword = "Clave-de-prueba-2020";

int RunWithStdin(const std::string& args, const std::string& input) {
  const std::string cmd =
      "printf '" + input + "' | " + std::string(PREP_BINARY) + " " + args + " >/dev/null";
  return std::system(cmd.c_str());
}

uint16_t FreePort() {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

class ServerProcess {
 public:
  ServerProcess(std::string data, uint16_t port) : data_(std::move(data)), port_(port) {}
  ~ServerProcess() { Kill(); }
  void Start() {
    pid_ = ::fork();
    if (pid_ == 0) {
      const std::string listen = "127.0.0.1:" + std::to_string(port_);
      ::freopen("/dev/null", "w", stdout);
      ::execl(PREP_BINARY, PREP_BINARY, "serve", "--data", data_.c_str(), "--listen",
              listen.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 200; ++i) {  // up to 10 s
      if (Fetch(port_, "GET", "/api/v1/ping").status != 0) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "prep serve did not start";
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
  pid_t pid_ = -1;
};

TEST(Crash, SigkillDuringCapturesLosesNothingAcknowledged) {
  const fs::path dir = fs::temp_directory_path() / ("prep_crash_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const std::string data = (dir / "data").string();
  ASSERT_EQ(RunWithStdin("init --from-prep-csv " + kZip + " --data " + data + " --admin admin",
                         kPassword + "\\n"),
            0);
  for (auto [u, rol] : std::vector<std::pair<std::string, std::string>>{{"acopio", "acopiador"},
                                                                        {"digi", "digitalizador"},
                                                                        {"ana", "capturista"},
                                                                        {"beto", "capturista"}}) {
    ASSERT_EQ(
        RunWithStdin("users add --data " + data + " --como admin " + u + " " + rol + " CATD01",
                     kPassword + "\\n" + kPassword + "\\n"),
        0);
  }
  // The actas to capture, with their real cells.
  auto files = formats::ReadResultsFiles(kZip);
  ASSERT_TRUE(files.ok());
  auto db = formats::PrepDatabase::Open("q", std::move((*files)[0].bytes));
  ASSERT_TRUE(db.ok());
  std::vector<std::pair<std::string, json>> actas;
  ASSERT_TRUE((*db)
                  ->ForEachActa([&](const formats::ActaRecord& a) {
                    if (a.kind != formats::RowKind::kContabilizada || actas.size() >= 120)
                      return Status::Ok();
                    json v = json::array();
                    for (const auto& c : a.votos) {
                      if (c.kind == domain::CaptureKind::kCount) {
                        v.push_back(c.count);
                      } else {
                        v.push_back(c.kind == domain::CaptureKind::kIlegible ? "ILEGIBLE"
                                                                             : "SIN DATO");
                      }
                    }
                    actas.emplace_back(std::string(a.clave_acta), json{{"valores", v}});
                    return Status::Ok();
                  })
                  .ok());

  const uint16_t port = FreePort();
  ServerProcess server(data, port);
  server.Start();
  auto login = [&](const std::string& u) {
    auto r = Fetch(port, "POST", "/api/v1/sesiones",
                   json{{"usuario", u}, {"password", kPassword}}.dump());
    return r.status == 201 ? json::parse(r.body)["token"].get<std::string>() : std::string();
  };
  // Acopio and image first (not under crashes).
  const std::string t_acopio = login("acopio");
  const std::string t_digi = login("digi");
  for (const auto& [clave, _] : actas) {
    ASSERT_EQ(Fetch(port, "POST", "/api/v1/actas/" + clave + "/acopio", "{}",
                    {{"Authorization", "Bearer " + t_acopio}, {"Idempotency-Key", "a-" + clave}})
                  .status,
              201);
    ASSERT_EQ(
        Fetch(port, "POST", "/api/v1/actas/" + clave + "/imagenes", testing::PngDePrueba(clave),
              {{"Authorization", "Bearer " + t_digi}, {"Idempotency-Key", "i-" + clave}})
            .status,
        201);
  }

  std::mutex mu;
  std::set<std::pair<std::string, std::string>> acknowledged;  // (usuario, key)
  std::atomic<int> retries{0};
  auto capturista = [&](const std::string& u) {
    std::string token = login(u);
    for (const auto& [clave, valores] : actas) {
      const std::string key = "c-" + u + "-" + clave;
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
      while (std::chrono::steady_clock::now() < deadline) {
        auto r = Fetch(port, "POST", "/api/v1/actas/" + clave + "/capturas", valores.dump(),
                       {{"Authorization", "Bearer " + token}, {"Idempotency-Key", key}});
        if (r.status == 200 || r.status == 201) {
          std::lock_guard<std::mutex> lock(mu);
          acknowledged.insert({u, key});
          break;
        }
        ++retries;
        if (r.status == 401) token = login(u);  // sessions do not survive a restart
        if (r.status >= 400 && r.status != 401) {
          ADD_FAILURE() << u << " " << clave << ": " << r.status << " " << r.body;
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
  };
  std::thread a(capturista, "ana");
  std::thread b(capturista, "beto");
  std::thread killer([&] {
    for (int k = 0; k < 3; ++k) {
      std::this_thread::sleep_for(std::chrono::milliseconds(150));
      server.Kill();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      server.Start();
    }
  });
  a.join();
  b.join();
  killer.join();
  server.Kill();

  // Every acknowledged capture is in the log, once; the chain verifies.
  auto st = store::OpenSqliteStore(data + "/prep.sqlite");
  ASSERT_TRUE(st.ok()) << st.status().message();
  EXPECT_TRUE((*st)->VerifyChain().ok());
  auto events = (*st)->Read(1, 1000000);
  ASSERT_TRUE(events.ok());
  std::set<std::pair<std::string, std::string>> stored;
  std::map<std::pair<std::string, std::string>, int> per_acta_user;
  for (const auto& e : *events) {
    if (e.type != "captura") continue;
    EXPECT_TRUE(stored.insert({e.actor, e.idempotency_key}).second)
        << "duplicated " << e.idempotency_key;
    ++per_acta_user[{e.acta, e.actor}];
  }
  for (const auto& ack : acknowledged) EXPECT_TRUE(stored.count(ack)) << "lost " << ack.second;
  for (const auto& [k, n] : per_acta_user) EXPECT_EQ(n, 1) << k.first << " " << k.second;
  EXPECT_EQ(acknowledged.size(), 2 * actas.size());
  std::cout << "crash test: " << acknowledged.size() << " acknowledged captures, " << retries
            << " retried requests, 3 SIGKILLs, 0 lost\n";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace prep
