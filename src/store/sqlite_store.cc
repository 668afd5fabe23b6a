// The SQLite backend: the embedded default. WAL journal with
// synchronous=FULL, so a COMMIT that returned is on disk; group commit
// (chained_store.cc) makes it one fsync per batch. One connection writes (the
// commit leader of the moment), another reads.
#include <sqlite3.h>

#include <mutex>

#include "store/chained_store.h"

namespace prep::store {
namespace {

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  acta TEXT NOT NULL,
  actor TEXT NOT NULL,
  site TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  payload TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  UNIQUE (actor, idempotency_key)
);
)sql";

class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) {
    rc_ = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  bool ok() const { return rc_ == SQLITE_OK; }
  sqlite3_stmt* get() { return stmt_; }
  void Bind(int i, const std::string& s) {
    sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  }
  void Bind(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  std::string Text(int col) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p == nullptr ? std::string()
                        : std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
  }
  int64_t Int(int col) { return sqlite3_column_int64(stmt_, col); }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_;
};

Event RowToEvent(Statement& s) {
  Event e;
  e.seq = s.Int(0);
  e.type = s.Text(1);
  e.acta = s.Text(2);
  e.actor = s.Text(3);
  e.site = s.Text(4);
  e.at_ms = s.Int(5);
  e.payload = s.Text(6);
  e.idempotency_key = s.Text(7);
  e.prev_hash = s.Text(8);
  e.hash = s.Text(9);
  return e;
}

constexpr char kColumns[] =
    "seq, type, acta, actor, site, at_ms, payload, idempotency_key, prev_hash, hash";

class SqliteBackend final : public Backend {
 public:
  SqliteBackend(std::string path, sqlite3* writer, sqlite3* reader)
      : path_(std::move(path)), writer_(writer), reader_(reader) {}
  ~SqliteBackend() override {
    sqlite3_close_v2(reader_);
    sqlite3_close_v2(writer_);
  }

  Status Init() {
    for (sqlite3* db : {writer_, reader_}) {
      for (const char* pragma :
           {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA busy_timeout=10000"}) {
        PREP_RETURN_IF_ERROR(Exec(db, pragma));
      }
    }
    return Exec(writer_, kSchema);
  }

  std::string Name() const override { return path_; }

  Result<std::pair<int64_t, std::string>> Last() override {
    std::lock_guard<std::mutex> lock(read_mu_);
    Statement last(reader_, "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1");
    if (!last.ok()) return Error(reader_, "read the last event");
    if (sqlite3_step(last.get()) == SQLITE_ROW) {
      return std::make_pair(last.Int(0), last.Text(1));
    }
    return std::make_pair(int64_t{0}, std::string());
  }

  Result<std::vector<Event>> Read(int64_t from_seq, size_t limit) override {
    std::lock_guard<std::mutex> lock(read_mu_);
    Statement s(reader_, std::string("SELECT ") + kColumns +
                             " FROM events WHERE seq >= ?1 ORDER BY seq LIMIT ?2");
    if (!s.ok()) return Error(reader_, "read events");
    s.Bind(1, from_seq);
    s.Bind(2, static_cast<int64_t>(limit));
    std::vector<Event> out;
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) out.push_back(RowToEvent(s));
    if (rc != SQLITE_DONE) return Error(reader_, "read events");
    return out;
  }

  Result<std::string> Schema() override {
    std::lock_guard<std::mutex> lock(read_mu_);
    Statement st(reader_, "SELECT coalesce(sql, '') FROM sqlite_master ORDER BY name");
    if (!st.ok()) return Error(reader_, "read the schema");
    std::string sql;
    while (sqlite3_step(st.get()) == SQLITE_ROW) {
      sql += st.Text(0);
      sql += ";\n";
    }
    return sql;
  }

  // Reads the committed log (never the batch being written).
  Result<std::optional<Event>> Find(const std::string& actor, const std::string& key) override {
    std::lock_guard<std::mutex> lock(read_mu_);
    Statement find(reader_, std::string("SELECT ") + kColumns +
                                " FROM events WHERE actor = ?1 AND idempotency_key = ?2");
    if (!find.ok()) return Error(reader_, "look up the idempotency key");
    find.Bind(1, actor);
    find.Bind(2, key);
    if (sqlite3_step(find.get()) == SQLITE_ROW) return std::optional<Event>(RowToEvent(find));
    return std::optional<Event>();
  }

  Status Commit(const std::vector<const Event*>& batch) override {
    PREP_RETURN_IF_ERROR(Exec(writer_, "BEGIN IMMEDIATE"));
    Statement insert(writer_,
                     "INSERT INTO events (seq, type, acta, actor, site, at_ms, payload, "
                     "idempotency_key, prev_hash, hash) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)");
    if (!insert.ok()) {
      (void)Exec(writer_, "ROLLBACK");
      return Error(writer_, "prepare the insert");
    }
    for (const Event* e : batch) {
      insert.Bind(1, e->seq);
      insert.Bind(2, e->type);
      insert.Bind(3, e->acta);
      insert.Bind(4, e->actor);
      insert.Bind(5, e->site);
      insert.Bind(6, e->at_ms);
      insert.Bind(7, e->payload);
      insert.Bind(8, e->idempotency_key);
      insert.Bind(9, e->prev_hash);
      insert.Bind(10, e->hash);
      if (sqlite3_step(insert.get()) != SQLITE_DONE) {
        Status st = Error(writer_, "append event " + std::to_string(e->seq));
        (void)Exec(writer_, "ROLLBACK");
        return st;
      }
      insert.Reset();
    }
    return Exec(writer_, "COMMIT");
  }

 private:
  Status Exec(sqlite3* db, const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = path_ + ": " + (err != nullptr ? err : "sqlite error");
      sqlite3_free(err);
      return Status::IoError(msg);
    }
    return Status::Ok();
  }
  Status Error(sqlite3* db, const std::string& doing) {
    return Status::IoError(path_ + ": cannot " + doing + ": " + sqlite3_errmsg(db));
  }

  std::string path_;
  sqlite3* writer_;  // used by Commit only (one caller at a time)
  sqlite3* reader_;
  std::mutex read_mu_;  // the reader connection
};

sqlite3* OpenConnection(const std::string& path, std::string* error) {
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    *error = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return nullptr;
  }
  return db;
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  std::string error;
  sqlite3* writer = OpenConnection(path, &error);
  if (writer == nullptr) return Status::IoError(path + ": cannot open the store: " + error);
  // The schema must exist before the reader looks at it.
  char* err = nullptr;
  if (sqlite3_exec(writer, "PRAGMA journal_mode=WAL", nullptr, nullptr, &err) != SQLITE_OK ||
      sqlite3_exec(writer, kSchema, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = path + ": cannot open the store: " + (err ? err : "sqlite error");
    sqlite3_free(err);
    sqlite3_close_v2(writer);
    return Status::IoError(msg);
  }
  sqlite3* reader = OpenConnection(path, &error);
  if (reader == nullptr) {
    sqlite3_close_v2(writer);
    return Status::IoError(path + ": cannot open the store: " + error);
  }
  auto backend = std::make_unique<SqliteBackend>(path, writer, reader);
  PREP_RETURN_IF_ERROR(backend->Init());
  return OpenChainedStore(std::move(backend));
}

}  // namespace prep::store
