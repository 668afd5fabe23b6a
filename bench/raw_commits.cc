// prep_raw_commits: the baseline of bench/pipeline_bench.sh. Reads the
// workflow events a run stored (DATA/prep.sqlite) and inserts the same events
// into a fresh SQLite file with the same pragmas (WAL, synchronous=FULL), one
// commit each, on one thread: what the disk and SQLite alone allow.
//
//   prep_raw_commits DATA/prep.sqlite OUT.sqlite
//
// Prints: RAW commits=N segundos=S por_segundo=R
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "ops/operaciones.h"
#include "store/store.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: prep_raw_commits DATA/prep.sqlite OUT.sqlite\n");
    return 2;
  }
  auto store = prep::store::OpenSqliteStore(argv[1]);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().message().c_str());
    return 2;
  }
  std::vector<prep::store::Event> eventos;
  for (int64_t next = 1;;) {
    auto lote = (*store)->Read(next, 10000);
    if (!lote.ok()) {
      std::fprintf(stderr, "%s\n", lote.status().message().c_str());
      return 2;
    }
    if (lote->empty()) break;
    for (auto& e : *lote) {
      if (prep::ops::EsEventoDeActa(e.type)) eventos.push_back(std::move(e));
    }
    next = eventos.empty() ? next + static_cast<int64_t>(lote->size()) : lote->back().seq + 1;
  }
  std::filesystem::remove(argv[2]);
  sqlite3* raw = nullptr;
  if (sqlite3_open(argv[2], &raw) != SQLITE_OK) return 2;
  sqlite3_exec(raw,
               "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE events (seq INTEGER "
               "PRIMARY KEY, type TEXT, acta TEXT, actor TEXT, site TEXT, at_ms INTEGER, payload "
               "TEXT, idempotency_key TEXT, prev_hash TEXT, hash TEXT, UNIQUE (actor, "
               "idempotency_key))",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* ins = nullptr;
  sqlite3_prepare_v2(raw, "INSERT INTO events VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)", -1, &ins,
                     nullptr);
  const auto inicio = std::chrono::steady_clock::now();
  for (const auto& e : eventos) {
    sqlite3_bind_int64(ins, 1, e.seq);
    const std::string* textos[] = {
        &e.type, &e.acta, &e.actor, &e.site, &e.payload, &e.idempotency_key, &e.prev_hash, &e.hash};
    const int columnas[] = {2, 3, 4, 5, 7, 8, 9, 10};
    for (int i = 0; i < 8; ++i) {
      sqlite3_bind_text(ins, columnas[i], textos[i]->data(), static_cast<int>(textos[i]->size()),
                        SQLITE_STATIC);
    }
    sqlite3_bind_int64(ins, 6, e.at_ms);
    if (sqlite3_step(ins) != SQLITE_DONE) {
      std::fprintf(stderr, "insert: %s\n", sqlite3_errmsg(raw));
      return 2;
    }
    sqlite3_reset(ins);
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - inicio).count();
  sqlite3_finalize(ins);
  sqlite3_close(raw);
  std::printf("RAW commits=%zu segundos=%.1f por_segundo=%.1f\n", eventos.size(), s,
              static_cast<double>(eventos.size()) / s);
  return 0;
}
