// Crash test: `prep serve` is killed with SIGKILL several times while two
// capturistas send captures concurrently, and restarted each time. Clients
// retry with the same Idempotency-Key, as the console does. Afterwards every
// request that got a 2xx is in the log exactly once and the chain verifies.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>

#include "imagen_de_prueba.h"
#include "integration/proceso_prep.h"
#include "store/store.h"

namespace prep {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::Fetch;

using testing::kPassword;
using testing::RunWithStdin;
using testing::ServerProcess;

TEST(Crash, SigkillDuringCapturesLosesNothingAcknowledged) {
  const fs::path dir = fs::temp_directory_path() / ("prep_crash_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const std::string data = (dir / "data").string();
  ASSERT_EQ(RunWithStdin(
                "init --from-prep-csv " + testing::kQrooZip + " --data " + data + " --admin admin",
                kPassword + "\\n"),
            0);
  ASSERT_TRUE(testing::AgregarUsuarios(data, {{"acopio", "acopiador", "CATD01"},
                                              {"digi", "digitalizador", "CATD01"},
                                              {"ana", "capturista", "CATD01"},
                                              {"beto", "capturista", "CATD01"}}));
  // The actas to capture, with their real cells.
  const auto actas = testing::ActasDeQroo(120);
  ASSERT_EQ(actas.size(), 120u);

  const uint16_t port = testing::FreePort();
  ServerProcess server(data, port);
  ASSERT_TRUE(server.Start()) << "prep serve did not start";
  auto login = [&](const std::string& u) { return testing::Login(port, u); };
  ASSERT_NO_FATAL_FAILURE(testing::Acopiar(port, actas));  // not under crashes

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
      EXPECT_TRUE(server.Start());
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
