// Continuity (spec §8.2): backups that bring back every event, and a
// replicated PostgreSQL whose primary dies under load.
//
//   RestoreDrill   `prep backup` taken while `prep serve` writes, restored
//                  into a new folder on SQLite and on PostgreSQL: the same
//                  events (seq and hash), a verifying chain, and a server that
//                  answers the same acta as the original.
//   PitrDrill      PostgreSQL's own: a base backup (pg_basebackup) and the
//                  archived WAL bring back the events written after the base.
//   Failover       Patroni primary + synchronous standby (scripts/pg-cluster.sh);
//                  the primary's postgres and patroni are SIGKILLed during a
//                  capture load through the HTTP API.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>

#include "imagen_de_prueba.h"
#include "integration/proceso_prep.h"
#include "postgres_de_prueba.h"
#include "store/store.h"

namespace prep {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::Acopiar;
using testing::Fetch;
using testing::kPassword;
using testing::Login;
using testing::RunWithStdin;
using testing::ServerProcess;

std::string Salida(const std::string& cmd, int* rc) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) {
    *rc = -1;
    return out;
  }
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  *rc = ::pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

// An election folder with its users (from the QROO 2019 catálogo; a simulacro,
// so a coordinador may force cortes), its log in `store` ("" = SQLite).
void Preparar(const std::string& data, const std::string& store) {
  ASSERT_EQ(
      RunWithStdin("init --simulacro --from-prep-csv " + testing::kQrooZip + " --data " + data +
                       " --admin admin" + (store.empty() ? "" : " --store '" + store + "'"),
                   kPassword + "\\n"),
      0);
  ASSERT_TRUE(testing::AgregarUsuarios(data, {{"acopio", "acopiador", "CATD01"},
                                              {"digi", "digitalizador", "CATD01"},
                                              {"ana", "capturista", "CATD01"},
                                              {"beto", "capturista", "CATD01"},
                                              {"coord", "coordinador", "CCV"}}));
}

std::vector<store::Event> Eventos(const std::string& data) {
  auto st = store::OpenStore(data);
  EXPECT_TRUE(st.ok()) << st.status().message();
  if (!st.ok()) return {};
  EXPECT_TRUE((*st)->VerifyChain().ok());
  auto e = (*st)->Read(1, 10000000);
  return e.ok() ? *e : std::vector<store::Event>{};
}

class Carpeta {
 public:
  explicit Carpeta(const std::string& nombre)
      : dir_(fs::temp_directory_path() / (nombre + "_" + std::to_string(::getpid()))) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~Carpeta() { fs::remove_all(dir_); }
  std::string operator/(const std::string& s) const { return (dir_ / s).string(); }

 private:
  fs::path dir_;
};

TEST(RestoreDrill, OnlineBackupRestoresIntoSqliteAndPostgres) {
  Carpeta dir("prep_respaldo");
  const std::string data = dir / "data";
  ASSERT_NO_FATAL_FAILURE(Preparar(data, ""));
  const auto actas = testing::ActasDeQroo(40);
  ASSERT_EQ(actas.size(), 40u);
  const uint16_t port = testing::FreePort();
  ServerProcess server(data, port, {"--tasa-por-sesion", "0"});
  ASSERT_TRUE(server.Start());
  ASSERT_NO_FATAL_FAILURE(Acopiar(port, actas));
  // Captures go on while the backup is taken: it must be a consistent cut.
  std::atomic<bool> fin{false};
  std::thread capturista([&] {
    const std::string t = Login(port, "ana");
    for (const auto& [clave, valores] : actas) {
      EXPECT_EQ(Fetch(port, "POST", "/api/v1/actas/" + clave + "/capturas", valores.dump(),
                      {{"Authorization", "Bearer " + t}, {"Idempotency-Key", "c-" + clave}})
                    .status,
                201);
    }
    fin = true;
  });
  ASSERT_EQ(std::system((std::string(PREP_BINARY) + " backup --data " + data + " --to " +
                         (dir / "respaldo") + " >/dev/null")
                            .c_str()),
            0);
  capturista.join();
  const std::string t = Login(port, "coord");
  const std::string acta = "/api/v1/actas/" + actas[7].first;
  const auto original = Fetch(port, "GET", acta, "", {{"Authorization", "Bearer " + t}});
  ASSERT_EQ(original.status, 200);
  // A second, incremental backup after the captures.
  ASSERT_EQ(std::system((std::string(PREP_BINARY) + " backup --data " + data + " --to " +
                         (dir / "respaldo") + " >/dev/null")
                            .c_str()),
            0);
  server.Kill();
  const auto eventos = Eventos(data);
  ASSERT_GT(eventos.size(), 120u);

  std::string error;
  auto pg = prueba::PostgresDePrueba::Iniciar(&error);
  ASSERT_TRUE(pg) << error;
  const std::string url = pg->NuevaBase("restaurada");
  struct Caso {
    std::string data, store;
  };
  for (const Caso& c : {Caso{dir / "en_sqlite", ""}, Caso{dir / "en_postgres", url}}) {
    SCOPED_TRACE(c.store.empty() ? "SQLite" : "PostgreSQL");
    ASSERT_EQ(std::system((std::string(PREP_BINARY) + " restore --from " + (dir / "respaldo") +
                           " --data " + c.data +
                           (c.store.empty() ? "" : " --store '" + c.store + "'") + " >/dev/null")
                              .c_str()),
              0);
    const auto restauradas = Eventos(c.data);
    ASSERT_EQ(restauradas.size(), eventos.size());
    for (size_t i = 0; i < eventos.size(); ++i) {
      EXPECT_EQ(restauradas[i].hash, eventos[i].hash) << "event " << eventos[i].seq;
    }
    EXPECT_EQ(fs::exists(c.data + "/prep.sqlite"), c.store.empty());
    // The restored folder runs: same users, same acta.
    const uint16_t p2 = testing::FreePort();
    ServerProcess restaurado(c.data, p2, {"--tasa-por-sesion", "0"});
    ASSERT_TRUE(restaurado.Start(30000));
    const std::string t2 = Login(p2, "coord");
    const auto copia = Fetch(p2, "GET", acta, "", {{"Authorization", "Bearer " + t2}});
    EXPECT_EQ(copia.status, 200);
    EXPECT_EQ(json::parse(copia.body), json::parse(original.body));
    // The notary's manifest reads the schema of the store in use.
    int rc = 0;
    const std::string manifiesto =
        Salida(std::string(PREP_BINARY) + " audit manifest --data " + c.data, &rc);
    EXPECT_EQ(rc, 0) << manifiesto;
    EXPECT_NE(manifiesto.find(c.store.empty() ? "prep.sqlite" : "postgresql:events"),
              std::string::npos)
        << manifiesto;
  }
  // A manifest whose fields have the wrong type is refused with a message, not a crash.
  {
    const std::string malo = dir / "respaldo_malo";
    fs::create_directories(malo);
    std::ofstream(malo + "/respaldo.json") << R"({"eventos": "muchos", "ultimo_hash": 7})";
    int rc = 0;
    const std::string salida = Salida(std::string(PREP_BINARY) + " restore --from " + malo +
                                          " --data " + (dir / "nunca") + " 2>&1",
                                      &rc);
    EXPECT_EQ(WEXITSTATUS(rc), 2) << salida;
    EXPECT_NE(salida.find("not a backup's manifest"), std::string::npos) << salida;
    EXPECT_FALSE(fs::exists(dir / "nunca"));
  }
  // Restoring over a folder in use is refused and changes nothing.
  EXPECT_NE(std::system((std::string(PREP_BINARY) + " restore --from " + (dir / "respaldo") +
                         " --data " + data + " 2>/dev/null")
                            .c_str()),
            0);
  EXPECT_EQ(Eventos(data).size(), eventos.size());
}

TEST(PitrDrill, BaseBackupAndArchivedWalBringBackEveryEvent) {
  std::string error;
  auto pg = prueba::PostgresDePrueba::Iniciar(&error);
  ASSERT_TRUE(pg) << error;
  const std::string d = pg->dir();
  ASSERT_TRUE(pg->Comando("mkdir -p " + d + "/archivo"));
  const std::string archivo =
      "-c wal_level=replica -c archive_mode=on -c archive_command='cp %p " + d + "/archivo/%f'";
  ASSERT_TRUE(pg->Matar());
  ASSERT_TRUE(pg->Arrancar(archivo)) << d;
  const std::string url = pg->NuevaBase("prep");
  auto escribir = [&](int desde, int hasta) {
    auto st = store::OpenPostgresStore(url);
    ASSERT_TRUE(st.ok()) << st.status().message();
    for (int i = desde; i < hasta; i += 100) {
      std::vector<std::unique_ptr<store::Ticket>> ts;
      for (int k = i; k < i + 100; ++k) {
        auto t =
            (*st)->Reserve({"captura", "A" + std::to_string(k), "ana", "CATD01", 1700000000000 + k,
                            "{\"k\":" + std::to_string(k) + "}", "k" + std::to_string(k)});
        ASSERT_TRUE(t.ok());
        ts.push_back(std::move(*t));
      }
      for (auto& t : ts) ASSERT_TRUE((*st)->Wait(*t).ok());
    }
  };
  escribir(0, 1000);
  ASSERT_TRUE(pg->Comando(pg->bin() + "/pg_basebackup -h " + d + " -U postgres -D " + d +
                          "/base -X stream --checkpoint=fast >/dev/null 2>&1"));
  escribir(1000, 2500);  // after the base backup: only in the archived WAL
  std::string last_hash;
  {
    auto st = store::OpenPostgresStore(url);
    ASSERT_TRUE(st.ok());
    last_hash = (*st)->Read(2500, 1)->front().hash;
  }
  ASSERT_EQ(pg->Sql("SELECT pg_switch_wal()"), "");
  // Wait for the archiver to copy the last segment.
  for (int i = 0; i < 100 && pg->Sql("SELECT 1 FROM pg_stat_archiver WHERE last_archived_wal "
                                     "IS NOT NULL AND last_archived_wal >= "
                                     "pg_walfile_name(pg_current_wal_lsn() - 1)") != "";
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  // The machine is lost: its data folder goes; the base backup and the
  // archive come back, and PostgreSQL replays the archive to its end.
  ASSERT_TRUE(pg->Matar());
  ASSERT_TRUE(pg->Comando("rm -rf " + d + "/data && cp -a " + d + "/base " + d + "/data && touch " +
                          d + "/data/recovery.signal"));
  ASSERT_TRUE(pg->Arrancar("-c restore_command='cp " + d + "/archivo/%f %p'")) << d;
  for (int i = 0; i < 300 && pg->Sql("SELECT 1 WHERE NOT pg_is_in_recovery()") != ""; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  auto st = store::OpenPostgresStore(url);  // verifies the chain on open
  ASSERT_TRUE(st.ok()) << st.status().message();
  EXPECT_EQ(*(*st)->LastSeq(), 2500);
  EXPECT_EQ((*st)->Read(2500, 1)->front().hash, last_hash);
}

// Six consecutive free loopback ports for the cluster.
uint16_t PuertosLibres() {
  for (int intento = 0; intento < 50; ++intento) {
    const uint16_t base = static_cast<uint16_t>(21000 + (::getpid() * 7 + intento * 61) % 9000);
    bool libres = true;
    for (uint16_t p = base; p < base + 6 && libres; ++p) {
      boost::asio::io_context ioc;
      boost::asio::ip::tcp::acceptor a(ioc);
      boost::system::error_code ec;
      a.open(boost::asio::ip::tcp::v4(), ec);
      a.bind({boost::asio::ip::make_address("127.0.0.1"), p}, ec);
      libres = !ec;
    }
    if (libres) return base;
  }
  return 0;
}

TEST(Failover, SigkillOfThePrimaryUnderCaptureLoadLosesNothingAcknowledged) {
  const std::string script = std::string(PREP_SOURCE_DIR) + "/scripts/pg-cluster.sh";
  char plantilla[] = "/tmp/prep_pgc_XXXXXX";
  ASSERT_NE(::mkdtemp(plantilla), nullptr);
  const std::string cluster = plantilla;
  struct Parar {
    std::string cmd;
    ~Parar() { (void)std::system(cmd.c_str()); }
  } parar{script + " stop " + cluster + " >/dev/null 2>&1; rm -rf " + cluster};
  const uint16_t base = PuertosLibres();
  ASSERT_NE(base, 0);
  int rc = 0;
  const std::string url = Salida(
      script + " start " + cluster + " " + std::to_string(base) + " 2>" + cluster + "/arranque.log",
      &rc);
  ASSERT_EQ(rc, 0) << "the cluster did not start; see " << cluster << "/arranque.log";

  Carpeta dir("prep_conmuta");
  const std::string data = dir / "data";
  ASSERT_NO_FATAL_FAILURE(Preparar(data, url));
  const auto actas = testing::ActasDeQroo(150);
  const uint16_t port = testing::FreePort();
  ServerProcess server(data, port, {"--tasa-por-sesion", "0"});
  ASSERT_TRUE(server.Start(30000));
  ASSERT_NO_FATAL_FAILURE(Acopiar(port, actas));
  // A corte published before the failure: the public site must keep serving it.
  const std::string tc = Login(port, "coord");
  ASSERT_EQ(Fetch(port, "POST", "/api/v1/cortes", "{}",
                  {{"Authorization", "Bearer " + tc}, {"Idempotency-Key", "corte-1"}})
                .status,
            201);

  using Reloj = std::chrono::steady_clock;
  std::mutex mu;
  std::set<std::pair<std::string, std::string>> acknowledged;
  std::vector<Reloj::time_point> acuses;
  std::atomic<int> reintentos{0};
  std::atomic<int> hechas{0};
  auto capturista = [&](const std::string& u, size_t desde, size_t hasta) {
    std::string token = Login(port, u);
    for (size_t i = desde; i < hasta; ++i) {
      const auto& [clave, valores] = actas[i];
      const std::string key = "c-" + u + "-" + clave;
      const auto deadline = Reloj::now() + std::chrono::seconds(90);
      while (Reloj::now() < deadline) {
        auto r = Fetch(port, "POST", "/api/v1/actas/" + clave + "/capturas", valores.dump(),
                       {{"Authorization", "Bearer " + token}, {"Idempotency-Key", key}});
        if (r.status == 200 || r.status == 201) {
          std::lock_guard<std::mutex> lock(mu);
          acknowledged.insert({u, key});
          acuses.push_back(Reloj::now());
          ++hechas;
          break;
        }
        ++reintentos;
        if (r.status >= 400 && r.status < 500) {
          ADD_FAILURE() << u << " " << clave << ": " << r.status << " " << r.body;
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  };
  std::vector<std::thread> clientes;
  clientes.emplace_back(capturista, "ana", 0, actas.size());
  clientes.emplace_back(capturista, "beto", 0, actas.size());
  while (hechas < 60) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const auto t_kill = Reloj::now();
  const std::string viejo = Salida(script + " kill-primary " + cluster + " 2>/dev/null", &rc);
  ASSERT_EQ(rc, 0);
  // While there is no primary, the published corte and the API's health answer.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_EQ(Fetch(port, "GET", "/").status, 200);
  EXPECT_EQ(Fetch(port, "GET", "/api/v1/ping").status, 200);
  const std::string nuevo =
      Salida(script + " wait-primary " + cluster + " " + viejo + " 60 2>/dev/null", &rc);
  ASSERT_EQ(rc, 0) << "no standby was promoted";
  EXPECT_NE(nuevo, viejo);
  for (auto& c : clientes) c.join();
  server.Kill();
  // The cluster archives its WAL continuously (base backups restore from it).
  size_t segmentos = 0;
  for (const auto& f : fs::directory_iterator(cluster + "/archivo"))
    segmentos += f.is_regular_file();
  EXPECT_GT(segmentos, 0u);

  // Without service: the longest stretch after the kill with no capture
  // acknowledged (requests in flight wait inside the store for the new primary).
  std::sort(acuses.begin(), acuses.end());
  double sin_servicio = 0;
  size_t despues = 0;
  Reloj::time_point previo = t_kill;
  for (const auto& t : acuses) {
    if (t < t_kill) continue;
    ++despues;
    sin_servicio = std::max(sin_servicio, std::chrono::duration<double>(t - previo).count());
    previo = t;
  }
  EXPECT_GT(despues, 100u) << "the load ended before the failover";
  EXPECT_GT(sin_servicio, 1.0) << "no gap: the kill did not hit the primary in use";

  const auto eventos = Eventos(data);  // through the same multi-host URL
  std::set<std::pair<std::string, std::string>> stored;
  for (const auto& e : eventos) {
    if (e.type != "captura") continue;
    EXPECT_TRUE(stored.insert({e.actor, e.idempotency_key}).second)
        << "twice: " << e.idempotency_key;
  }
  size_t perdidas = 0;
  for (const auto& ack : acknowledged) perdidas += stored.count(ack) == 0;
  EXPECT_EQ(perdidas, 0u);
  EXPECT_EQ(acknowledged.size(), 2 * actas.size());
  std::cout << "failover: primary " << viejo << " SIGKILLed, standby " << nuevo
            << " promoted; without service " << sin_servicio << " s; " << acknowledged.size()
            << " captures acknowledged, " << reintentos << " retried requests, " << perdidas
            << " lost\n";
  std::ofstream(fs::temp_directory_path() / "prep_failover_medido.txt")
      << sin_servicio << " " << acknowledged.size() << " " << perdidas << "\n";
}

}  // namespace
}  // namespace prep
