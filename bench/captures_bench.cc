// Durable captures per second through the HTTP API, against raw SQLite commits
// of the same events, in the same run (BENCHMARKS.md, issue 4).
//
//   prep_captures_bench [--clients 200] [--server-threads 32] [--tasa R] [--shared ../shared]
//                       [--store URL]
//
// --store: the log in that (empty) PostgreSQL database instead of a SQLite
// file (bench/pg_bench.sh: a Patroni primary with a synchronous standby).
//
// Set-up (not timed): a data folder with the Quintana Roo 2019 catálogo
// (2,136 actas), one acopio and one image per acta, `clients` capturistas.
// Timed: each acta captured twice by two different capturistas, `clients`
// concurrent keep-alive connections to the server on 127.0.0.1. A 2xx means
// the capture is on disk (synchronous=FULL). Baseline: the same capture
// events inserted into a fresh SQLite file with the same pragmas, one commit
// each, one thread.
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "formats/catalogo.h"
#include "formats/prep_database.h"
#include "formats/source.h"
#include "http/server.h"
#include "http/servicio.h"
#include "imagen_de_prueba.h"

namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

const char kPassword[] = "Clave-de-prueba-2020";

class Conexion {
 public:
  explicit Conexion(uint16_t port) : stream_(ioc_) {
    stream_.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  }
  std::pair<int, std::string> Post(const std::string& target, const std::string& body,
                                   const std::string& token, const std::string& key) {
    bhttp::request<bhttp::string_body> req(bhttp::verb::post, target, 11);
    req.set(bhttp::field::host, "127.0.0.1");
    req.keep_alive(true);
    if (!token.empty()) req.set(bhttp::field::authorization, "Bearer " + token);
    if (!key.empty()) req.set("Idempotency-Key", key);
    req.body() = body;
    req.prepare_payload();
    bhttp::write(stream_, req);
    bhttp::response<bhttp::string_body> res;
    bhttp::read(stream_, buffer_, res);
    return {static_cast<int>(res.result_int()), res.body()};
  }

 private:
  boost::asio::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  int clients = 200;
  int server_threads = 32;
  std::string shared = "../shared";
  // Offered load, captures/s over all clients (open loop); 0: each client sends
  // its next capture as soon as the last is answered (saturation).
  double tasa = 0;
  std::string store_url;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--clients") clients = std::atoi(argv[i + 1]);
    if (std::string(argv[i]) == "--shared") shared = argv[i + 1];
    if (std::string(argv[i]) == "--server-threads") server_threads = std::atoi(argv[i + 1]);
    if (std::string(argv[i]) == "--tasa") tasa = std::atof(argv[i + 1]);
    if (std::string(argv[i]) == "--store") store_url = argv[i + 1];
  }
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() / ("prep_captures_bench_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);

  auto files = prep::formats::ReadResultsFiles(
      shared + "/data/qroo2019-prep-final/20190603_0547_PREP_DIP_QROO.zip");
  if (!files.ok()) return std::fprintf(stderr, "%s\n", files.status().message().c_str()), 2;
  auto db = prep::formats::PrepDatabase::Open("qroo", std::move((*files)[0].bytes));
  auto cat = prep::formats::CatalogoFromDatabase(**db);
  std::vector<std::pair<std::string, json>> actas;
  (void)(*db)->ForEachActa([&](const prep::formats::ActaRecord& a) {
    if (a.kind == prep::formats::RowKind::kFueraDeCatalogo) return prep::Status::Ok();
    json v = json::array();
    for (const auto& c : a.votos)
      v.push_back(c.kind == prep::domain::CaptureKind::kCount ? c.count : 0);
    actas.emplace_back(std::string(a.clave_acta), json{{"valores", v}});
    return prep::Status::Ok();
  });

  if (!store_url.empty()) {
    if (auto st = prep::store::GuardarAlmacen(dir.string(), store_url); !st.ok()) {
      return std::fprintf(stderr, "%s\n", st.message().c_str()), 2;
    }
  }
  std::atomic<int64_t> reloj{1'571'000'000'000};
  prep::http::ServicioOpciones o;
  o.data_dir = dir.string();
  o.reloj = [&] { return ++reloj; };
  o.directorio.password = prep::auth::PasswordParams{1, 8192};
  auto servicio = prep::http::Servicio::Abrir(std::move(*cat), std::move(o));
  if (!servicio.ok()) return std::fprintf(stderr, "%s\n", servicio.status().message().c_str()), 2;
  auto& dir_usuarios = (*servicio)->directorio();
  (void)dir_usuarios.CrearPrimerAdministrador("admin", kPassword, 1);
  prep::http::ServerOptions so;
  so.threads = server_threads;
  so.max_body_bytes = 1 << 20;
  prep::http::Server server(so, (*servicio)->Rutas());
  if (!server.Start().ok()) return 2;
  const uint16_t port = server.port();

  Conexion setup(port);
  auto login = [&](Conexion& c, const std::string& u) {
    auto r =
        c.Post("/api/v1/sesiones", json{{"usuario", u}, {"password", kPassword}}.dump(), "", "");
    return json::parse(r.second, nullptr, false).value("token", "");
  };
  const std::string admin = login(setup, "admin");
  auto crear = [&](const std::string& u, const std::string& rol) {
    setup.Post(
        "/api/v1/usuarios",
        json{{"nombre", u}, {"rol", rol}, {"sitio", "CCV01"}, {"password", kPassword}}.dump(),
        admin, "");
  };
  crear("acopio", "acopiador");
  crear("digi", "digitalizador");
  for (int c = 0; c < clients; ++c) crear("cap" + std::to_string(c), "capturista");
  const std::string t_acopio = login(setup, "acopio");
  const std::string t_digi = login(setup, "digi");
  for (const auto& [clave, _] : actas) {
    setup.Post("/api/v1/actas/" + clave + "/acopio", "{}", t_acopio, "a" + clave);
    setup.Post("/api/v1/actas/" + clave + "/imagenes", prep::testing::PngDePrueba(clave), t_digi,
               "i" + clave);
  }

  // Timed part: every acta captured by two capturistas.
  struct Trabajo {
    std::vector<std::pair<size_t, int>> capturas;  // acta index, round (0 or 1)
  };
  std::vector<Trabajo> trabajo(static_cast<size_t>(clients));
  for (size_t i = 0; i < actas.size(); ++i) {
    for (int r = 0; r < 2; ++r)
      trabajo[(2 * i + static_cast<size_t>(r)) % static_cast<size_t>(clients)].capturas.push_back(
          {i, r});
  }
  std::vector<std::vector<double>> latencias(static_cast<size_t>(clients));
  std::atomic<int> errores{0};
  std::vector<std::string> tokens;
  for (int c = 0; c < clients; ++c) tokens.push_back(login(setup, "cap" + std::to_string(c)));
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      Conexion con(port);
      size_t k = 0;
      for (const auto& [i, r] : trabajo[static_cast<size_t>(c)].capturas) {
        auto t0 = Clock::now();
        if (tasa > 0) {
          // Its turn on a fixed schedule (client c, c + clients, ...), and the
          // latency counts from the turn: a late answer also delays the next
          // request's measure rather than hiding it (no coordinated omission).
          const double turno =
              (static_cast<double>(c) + static_cast<double>(k++) * static_cast<double>(clients)) /
              tasa;
          t0 = start +
               std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(turno));
          std::this_thread::sleep_until(t0);
        }
        auto res =
            con.Post("/api/v1/actas/" + actas[i].first + "/capturas", actas[i].second.dump(),
                     tokens[static_cast<size_t>(c)], "c" + std::to_string(r) + actas[i].first);
        latencias[static_cast<size_t>(c)].push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        if (res.first != 201) ++errores;
      }
    });
  }
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  server.Stop();
  std::vector<double> all;
  for (auto& v : latencias) all.insert(all.end(), v.begin(), v.end());

  // Baseline: the same capture events, one commit each, raw SQLite.
  auto events = (*servicio)->store().Read(1, 1 << 30);
  std::vector<prep::store::Event> capturas;
  for (const auto& e : *events) {
    if (e.type == "captura") capturas.push_back(e);
  }
  const std::string raw_path = (dir / "raw.sqlite").string();
  sqlite3* raw = nullptr;
  sqlite3_open(raw_path.c_str(), &raw);
  sqlite3_exec(raw,
               "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE events (seq INTEGER "
               "PRIMARY KEY, "
               "type TEXT, acta TEXT, actor TEXT, site TEXT, at_ms INTEGER, payload TEXT, "
               "idempotency_key TEXT, "
               "prev_hash TEXT, hash TEXT, UNIQUE (actor, idempotency_key))",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* ins = nullptr;
  sqlite3_prepare_v2(raw, "INSERT INTO events VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)", -1, &ins,
                     nullptr);
  const auto raw_start = Clock::now();
  for (const auto& e : capturas) {
    sqlite3_bind_int64(ins, 1, e.seq);
    for (auto [k, v] : std::vector<std::pair<int, const std::string*>>{{2, &e.type},
                                                                       {3, &e.acta},
                                                                       {4, &e.actor},
                                                                       {5, &e.site},
                                                                       {7, &e.payload},
                                                                       {8, &e.idempotency_key},
                                                                       {9, &e.prev_hash},
                                                                       {10, &e.hash}}) {
      sqlite3_bind_text(ins, k, v->data(), static_cast<int>(v->size()), SQLITE_STATIC);
    }
    sqlite3_bind_int64(ins, 6, e.at_ms);
    sqlite3_step(ins);
    sqlite3_reset(ins);
  }
  const double raw_seconds = std::chrono::duration<double>(Clock::now() - raw_start).count();
  sqlite3_finalize(ins);
  sqlite3_close(raw);

  const double rate = static_cast<double>(all.size()) / seconds;
  const double raw_rate = static_cast<double>(capturas.size()) / raw_seconds;
  std::printf("store                 %s\n",
              store_url.empty() ? "SQLite (synchronous=FULL)" : "PostgreSQL (--store)");
  std::printf("clients               %d (keep-alive, 127.0.0.1), server threads %d, %s\n", clients,
              server_threads,
              tasa > 0
                  ? ("offered " + std::to_string(static_cast<int>(tasa)) + " captures/s").c_str()
                  : "no think time (saturation)");
  std::printf("captures              %zu in %.3f s, %d non-201\n", all.size(), seconds,
              errores.load());
  std::printf("API captures/s        %.0f  (p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms)\n",
              rate, Percentile(all, 0.5), Percentile(all, 0.9), Percentile(all, 0.99),
              Percentile(all, 1.0));
  std::printf("raw SQLite commits/s  %.0f  (%zu commits, one per event, synchronous=FULL)\n",
              raw_rate, capturas.size());
  std::printf("ratio API/raw         %.2f\n", rate / raw_rate);
  fs::remove_all(dir);
  return errores.load() == 0 ? 0 : 1;
}
