// The event log, on both backends: a real SQLite file in a temporary folder,
// and a real PostgreSQL server (tests/postgres_de_prueba.h). Every behaviour
// of the Store interface is checked on each; what only one backend has
// (an unopenable path; a server that dies mid-write) is tested after.
#include "store/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <set>
#include <thread>

#include "postgres_de_prueba.h"

namespace prep::store {
namespace {

namespace fs = std::filesystem;

enum class Motor { kSqlite, kPostgres };

class StoreTest : public ::testing::TestWithParam<Motor> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("prep_store_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "prep.sqlite").string();
    if (GetParam() == Motor::kPostgres) {
      std::string error;
      pg_ = prueba::PostgresDePrueba::Iniciar(&error);
      ASSERT_TRUE(pg_) << error;
      conninfo_ = pg_->NuevaBase("prep");
    }
  }
  void TearDown() override {
    pg_.reset();
    fs::remove_all(dir_);
  }

  Result<std::unique_ptr<Store>> OpenResult() {
    if (GetParam() == Motor::kSqlite) return OpenSqliteStore(path_);
    return OpenPostgresStore(conninfo_);
  }
  std::unique_ptr<Store> Open() {
    auto s = OpenResult();
    EXPECT_TRUE(s.ok()) << s.status().message();
    return s.ok() ? std::move(s).value() : nullptr;
  }

  static EventDraft Draft(const std::string& key, const std::string& payload = "{\"n\":1}") {
    return {"captura", "230085B010002", "capturista1", "CATD01", 1700000000000, payload, key};
  }

  // Runs SQL on the database behind the store's back (a tampering
  // administrator). PostgreSQL keeps text as BYTEA: `pg_sql` is its spelling.
  void Tamper(const std::string& sqlite_sql, const std::string& pg_sql) {
    if (GetParam() == Motor::kPostgres) {
      ASSERT_EQ(pg_->Sql(pg_sql, "prep"), "");
      return;
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, sqlite_sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db);
    sqlite3_close(db);
  }

  fs::path dir_;
  std::string path_;
  std::unique_ptr<prueba::PostgresDePrueba> pg_;
  std::string conninfo_;
};

TEST_P(StoreTest, AppendsChainAndReadsBack) {
  auto store = Open();
  ASSERT_TRUE(store);
  auto a = store->Append(Draft("k1"));
  auto b = store->Append(Draft("k2", "{\"n\":2}"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->event.seq, 1);
  EXPECT_EQ(a->event.prev_hash, kGenesisHash);
  EXPECT_EQ(b->event.seq, 2);
  EXPECT_EQ(b->event.prev_hash, a->event.hash);
  EXPECT_EQ(b->event.hash, EventHash(b->event));
  EXPECT_EQ(b->event.hash.size(), 64u);
  auto events = store->Read(1, 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[1].payload, "{\"n\":2}");
  EXPECT_EQ(*store->LastSeq(), 2);
  EXPECT_TRUE(store->VerifyChain().ok());
}

TEST_P(StoreTest, SurvivesReopening) {
  std::string last_hash;
  {
    auto store = Open();
    for (int i = 0; i < 50; ++i) ASSERT_TRUE(store->Append(Draft("k" + std::to_string(i))).ok());
    last_hash = store->Read(50, 1)->front().hash;
  }
  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_EQ(*store->LastSeq(), 50);
  auto next = store->Append(Draft("after-reopen"));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->event.seq, 51);
  EXPECT_EQ(next->event.prev_hash, last_hash);
}

TEST_P(StoreTest, SameKeySameRequestIsReplayedNotApplied) {
  auto store = Open();
  auto first = store->Append(Draft("retry-me"));
  EventDraft retry = Draft("retry-me");
  retry.at_ms += 5000;  // the retry arrives later: still the same request
  auto second = store->Append(retry);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_FALSE(first->replayed);
  EXPECT_TRUE(second->replayed);
  EXPECT_EQ(second->event.seq, first->event.seq);
  EXPECT_EQ(*store->LastSeq(), 1);
}

TEST_P(StoreTest, SameKeyDifferentRequestIsRefusedAndChangesNothing) {
  auto store = Open();
  ASSERT_TRUE(store->Append(Draft("k")).ok());
  auto other = store->Append(Draft("k", "{\"n\":999}"));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(other.status().message().find("already used"), std::string::npos);
  EXPECT_EQ(*store->LastSeq(), 1);
  // The same key from another person is another request.
  EventDraft someone_else = Draft("k");
  someone_else.actor = "capturista2";
  EXPECT_TRUE(store->Append(someone_else).ok());
}

TEST_P(StoreTest, MissingIdempotencyKeyIsRefused) {
  auto store = Open();
  EXPECT_FALSE(store->Append(Draft("")).ok());
  EXPECT_EQ(*store->LastSeq(), 0);
}

TEST_P(StoreTest, AlteredPayloadIsNamedOnOpen) {
  {
    auto store = Open();
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(store->Append(Draft("k" + std::to_string(i))).ok());
  }
  Tamper("UPDATE events SET payload = '{\"n\":7}' WHERE seq = 3",
         "UPDATE events SET payload = convert_to('{\"n\":7}', 'UTF8') WHERE seq = 3");
  auto reopened = OpenResult();
  ASSERT_FALSE(reopened.ok());
  EXPECT_NE(reopened.status().message().find("event 3 (captura, acta 230085B010002)"),
            std::string::npos)
      << reopened.status().message();
  EXPECT_NE(reopened.status().message().find("altered"), std::string::npos);
}

TEST_P(StoreTest, RehashedEventBreaksTheNextLink) {
  {
    auto store = Open();
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(store->Append(Draft("k" + std::to_string(i))).ok());
  }
  // A careful forger recomputes event 2's hash; event 3 still points at the old one.
  auto store = Open();
  Event e2 = store->Read(2, 1)->front();
  e2.payload = "{\"n\":42}";
  const std::string forged = EventHash(e2);
  store.reset();
  Tamper("UPDATE events SET payload = '{\"n\":42}', hash = '" + forged + "' WHERE seq = 2",
         "UPDATE events SET payload = convert_to('{\"n\":42}', 'UTF8'), hash = '" + forged +
             "' WHERE seq = 2");
  auto reopened = OpenResult();
  ASSERT_FALSE(reopened.ok());
  EXPECT_NE(reopened.status().message().find("event 3"), std::string::npos)
      << reopened.status().message();
  EXPECT_NE(reopened.status().message().find("chain is broken"), std::string::npos);
}

TEST_P(StoreTest, DeletedEventIsAGap) {
  {
    auto store = Open();
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(store->Append(Draft("k" + std::to_string(i))).ok());
  }
  Tamper("DELETE FROM events WHERE seq = 2", "DELETE FROM events WHERE seq = 2");
  auto reopened = OpenResult();
  ASSERT_FALSE(reopened.ok());
  EXPECT_NE(reopened.status().message().find("event 2 is missing"), std::string::npos)
      << reopened.status().message();
}

TEST_P(StoreTest, ConcurrentAppendsKeepOneChain) {
  auto store = Open();
  constexpr int kThreads = 4;
  constexpr int kEach = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        EventDraft d = Draft("t" + std::to_string(t) + "-" + std::to_string(i));
        d.actor = "capturista" + std::to_string(t);
        ASSERT_TRUE(store->Append(d).ok());
        if (i % 10 == 0) {
          ASSERT_TRUE(store->Append(d)->replayed);  // a retry
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(*store->LastSeq(), kThreads * kEach);
  EXPECT_TRUE(store->VerifyChain().ok());
  auto events = store->Read(1, 1000);
  std::set<std::string> keys;
  for (const auto& e : *events) keys.insert(e.actor + "/" + e.idempotency_key);
  EXPECT_EQ(keys.size(), static_cast<size_t>(kThreads * kEach));
}

TEST_P(StoreTest, AnyBytesRoundTripAndHashTheSame) {
  // An Idempotency-Key header or a payload need not be UTF-8; the hash covers
  // bytes, so the store gives back exactly the bytes it was given.
  auto store = Open();
  ASSERT_TRUE(store);
  EventDraft d = Draft(std::string("clave-\xff\xfe-\x01", 10), std::string("{\"x\":\"\xc3\x28\"}"));
  d.acta = "ACTA-\xe9";
  auto a = store->Append(d);
  ASSERT_TRUE(a.ok()) << a.status().message();
  store.reset();
  store = Open();
  ASSERT_TRUE(store);
  auto back = store->Read(1, 1);
  ASSERT_TRUE(back.ok() && back->size() == 1u);
  EXPECT_EQ((*back)[0].idempotency_key, d.idempotency_key);
  EXPECT_EQ((*back)[0].payload, d.payload);
  EXPECT_EQ((*back)[0].acta, d.acta);
  EXPECT_EQ((*back)[0].hash, a->event.hash);
  EXPECT_TRUE(store->FindByKey(d.actor, d.idempotency_key)->has_value());
  EXPECT_TRUE(store->Append(d)->replayed);
}

TEST_P(StoreTest, ALargeBatchIsOneChain) {
  // More reservations than one INSERT carries (PostgreSQL: 500 rows each).
  auto store = Open();
  ASSERT_TRUE(store);
  std::vector<std::unique_ptr<Ticket>> tickets;
  for (int i = 0; i < 1203; ++i) {
    auto t = store->Reserve(Draft("lote-" + std::to_string(i)));
    ASSERT_TRUE(t.ok());
    tickets.push_back(std::move(*t));
  }
  for (auto& t : tickets) ASSERT_TRUE(store->Wait(*t).ok());
  store.reset();
  store = Open();
  ASSERT_TRUE(store);
  EXPECT_EQ(*store->LastSeq(), 1203);
  EXPECT_EQ(store->Read(1200, 10)->size(), 4u);
}

TEST_P(StoreTest, SchemaDescribesTheTableAndChangesWithIt) {
  // The notary's manifest hashes this text: a column added behind the
  // system's back must change it.
  auto store = Open();
  ASSERT_TRUE(store);
  auto antes = store->Schema();
  ASSERT_TRUE(antes.ok()) << antes.status().message();
  for (const char* columna : {"idempotency_key", "prev_hash", "payload"}) {
    EXPECT_NE(antes->find(columna), std::string::npos) << *antes;
  }
  Tamper("ALTER TABLE events ADD COLUMN nota TEXT", "ALTER TABLE events ADD COLUMN nota TEXT");
  auto despues = store->Schema();
  ASSERT_TRUE(despues.ok());
  EXPECT_NE(*despues, *antes);
  EXPECT_NE(despues->find("nota"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Motores, StoreTest, ::testing::Values(Motor::kSqlite, Motor::kPostgres),
                         [](const auto& i) {
                           return i.param == Motor::kSqlite ? "Sqlite" : "Postgres";
                         });

TEST(SqliteStoreTest, UnopenablePathIsAClearError) {
  const fs::path dir =
      fs::temp_directory_path() / ("prep_store_none_" + std::to_string(::getpid()));
  auto s = OpenSqliteStore((dir / "no" / "such" / "dir" / "prep.sqlite").string());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("cannot open the store"), std::string::npos);
}

TEST(PostgresStoreTest, UnreachableServerIsAClearErrorAfterItsRetries) {
  PgOptions o;
  o.retry_ms = 600;
  o.retry_pause_ms = 100;
  auto s = OpenPostgresStore("host=/nonexistent/prep port=5432 dbname=prep connect_timeout=1", o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("cannot connect"), std::string::npos) << s.status().message();
  EXPECT_NE(s.status().message().find("gave up after"), std::string::npos);
  EXPECT_NE(s.status().message().find("host=/nonexistent/prep"), std::string::npos);
}

TEST(PostgresStoreTest, OpenStoreChoosesByConnectionString) {
  EXPECT_TRUE(ComprobarUrlAlmacen("postgresql://prep@127.0.0.1:5432,127.0.0.1:5433/prep").ok());
  EXPECT_TRUE(ComprobarUrlAlmacen("host=/tmp dbname=prep").ok());
  EXPECT_FALSE(ComprobarUrlAlmacen("/var/lib/prep").ok());
  // A bad connection string is refused and nothing is written.
  const fs::path dir = fs::temp_directory_path() / ("prep_almacen_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const Status s = GuardarAlmacen(dir.string(), "mysql://x");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(dir / kArchivoAlmacen));
  // A good one is written, owner-only.
  ASSERT_TRUE(GuardarAlmacen(dir.string(), "host=/nonexistent/prep dbname=prep").ok());
  EXPECT_EQ(fs::status(dir / kArchivoAlmacen).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  fs::remove_all(dir);
}

// An outage longer than the retry window. A commit that gives up fails that
// write and every later one (the caller applied the event in memory; only a
// restart, which rebuilds from the stored log, is safe), and the stored log
// stays whole. A write that fails earlier, looking up its idempotency key,
// applied nothing: once the database is back, writes go on without a restart.
TEST(PostgresStoreTest, OutageLongerThanTheRetryWindow) {
  std::string error;
  auto pg = prueba::PostgresDePrueba::Iniciar(&error);
  ASSERT_TRUE(pg) << error;
  const std::string conninfo = pg->NuevaBase("prep");
  PgOptions o;
  o.retry_ms = 700;
  o.retry_pause_ms = 100;
  auto draft = [](const std::string& k) {
    return EventDraft{"captura", "A1", "ana", "CATD01", 1700000000000, "{}", k};
  };
  {
    auto store = OpenPostgresStore(conninfo, o);
    ASSERT_TRUE(store.ok()) << store.status().message();
    ASSERT_TRUE((*store)->Append(draft("k1")).ok());
    auto ticket = (*store)->Reserve(draft("k2"));
    ASSERT_TRUE(ticket.ok());
    ASSERT_TRUE(pg->Matar());
    const Status lost = (*store)->Wait(**ticket);
    ASSERT_FALSE(lost.ok());
    EXPECT_NE(lost.message().find("gave up after"), std::string::npos) << lost.message();
    ASSERT_TRUE(pg->Arrancar());
    EXPECT_FALSE((*store)->Append(draft("k3")).ok());
  }
  auto store = OpenPostgresStore(conninfo, o);
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_EQ(*(*store)->LastSeq(), 1);
  ASSERT_TRUE((*store)->Append(draft("k2")).ok());
  ASSERT_TRUE(pg->Matar());
  EXPECT_FALSE((*store)->Append(draft("k4")).ok());  // the lookup gives up
  ASSERT_TRUE(pg->Arrancar());
  EXPECT_TRUE((*store)->Append(draft("k5")).ok());
  EXPECT_EQ(*(*store)->LastSeq(), 3);
  EXPECT_TRUE((*store)->VerifyChain().ok());
}

// The server dies (SIGKILL-like immediate stop) while writers are appending
// and comes back: the store reconnects, every append that returned OK is
// stored exactly once, and the chain verifies.
TEST(PostgresStoreTest, ServerCrashMidWriteLosesNothingAcknowledged) {
  std::string error;
  auto pg = prueba::PostgresDePrueba::Iniciar(&error);
  ASSERT_TRUE(pg) << error;
  const std::string conninfo = pg->NuevaBase("prep");
  auto store = OpenPostgresStore(conninfo);
  ASSERT_TRUE(store.ok()) << store.status().message();
  std::atomic<bool> parar{false};
  std::atomic<int> ok_count{0};
  std::mutex mu;
  std::set<std::string> acked;
  std::string fallo;
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; !parar; ++i) {
        EventDraft d{"captura",
                     "A" + std::to_string(i),
                     "cap" + std::to_string(t),
                     "CATD01",
                     1700000000000 + i,
                     "{\"i\":" + std::to_string(i) + "}",
                     "k" + std::to_string(i)};
        auto r = (*store)->Append(d);
        if (!r.ok()) {  // the store gave up: the test fails, saying why
          std::lock_guard<std::mutex> l(mu);
          if (fallo.empty()) fallo = r.status().message();
          parar = true;
          return;
        }
        ++ok_count;
        std::lock_guard<std::mutex> l(mu);
        acked.insert(d.actor + "/" + d.idempotency_key);
      }
    });
  }
  // Bounded waits: a store that gives up stops the writers, and the test says so.
  auto esperar = [&](int hasta) {
    const auto limite = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    while (ok_count < hasta && !parar && std::chrono::steady_clock::now() < limite)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  };
  esperar(200);
  ASSERT_TRUE(pg->Matar());
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  ASSERT_TRUE(pg->Arrancar());
  const int at_restart = ok_count;
  esperar(at_restart + 200);
  parar = true;
  for (auto& w : writers) w.join();
  ASSERT_EQ(fallo, "");
  EXPECT_GE(ok_count, at_restart + 200);
  store->reset();
  auto reopened = OpenPostgresStore(conninfo);
  ASSERT_TRUE(reopened.ok()) << reopened.status().message();
  const int64_t last = *(*reopened)->LastSeq();
  auto events = (*reopened)->Read(1, static_cast<size_t>(last) + 1);
  ASSERT_TRUE(events.ok());
  std::set<std::string> stored;
  for (const Event& e : *events) {
    EXPECT_TRUE(stored.insert(e.actor + "/" + e.idempotency_key).second) << "twice: " << e.seq;
  }
  for (const std::string& k : acked) EXPECT_TRUE(stored.count(k)) << "acknowledged, lost: " << k;
  EXPECT_GE(stored.size(), acked.size());
  EXPECT_TRUE((*reopened)->VerifyChain().ok());
}

}  // namespace
}  // namespace prep::store
