// SqliteStore: the embedded default. One connection, serialised by a mutex;
// WAL journal with synchronous=FULL, so a COMMIT that returned is on disk.
#include <sqlite3.h>

#include <mutex>

#include "store/store.h"

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
  Statement(sqlite3* db, const char* sql) {
    rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
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

class SqliteStore : public Store {
 public:
  SqliteStore(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}
  ~SqliteStore() override { sqlite3_close_v2(db_); }

  Status Init() {
    for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                               "PRAGMA busy_timeout=10000", "PRAGMA foreign_keys=ON"}) {
      PREP_RETURN_IF_ERROR(Exec(pragma));
    }
    PREP_RETURN_IF_ERROR(Exec(kSchema));
    Statement last(db_, "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1");
    if (!last.ok()) return Error("read the last event");
    if (sqlite3_step(last.get()) == SQLITE_ROW) {
      last_seq_ = last.Int(0);
      last_hash_ = last.Text(1);
    }
    return VerifyChain();
  }

  Result<AppendResult> Append(const EventDraft& draft) override {
    if (draft.idempotency_key.empty()) {
      return Status::InvalidArgument("idempotency_key: every write needs one");
    }
    std::lock_guard<std::mutex> lock(mu_);
    {
      Statement find(db_, (std::string("SELECT ") + kColumns +
                           " FROM events WHERE actor = ?1 AND idempotency_key = ?2")
                              .c_str());
      if (!find.ok()) return Error("look up the idempotency key");
      find.Bind(1, draft.actor);
      find.Bind(2, draft.idempotency_key);
      if (sqlite3_step(find.get()) == SQLITE_ROW) {
        Event prior = RowToEvent(find);
        if (prior.type != draft.type || prior.acta != draft.acta || prior.site != draft.site ||
            prior.payload != draft.payload) {
          return Status::FailedPrecondition(
              "idempotency_key '" + draft.idempotency_key + "' was already used by " + draft.actor +
              " for a different request (event " + std::to_string(prior.seq) + ")");
        }
        return AppendResult{std::move(prior), true};
      }
    }
    Event e;
    static_cast<EventDraft&>(e) = draft;
    e.seq = last_seq_ + 1;
    e.prev_hash = last_seq_ == 0 ? kGenesisHash : last_hash_;
    e.hash = EventHash(e);
    Statement insert(db_,
                     "INSERT INTO events (seq, type, acta, actor, site, at_ms, payload, "
                     "idempotency_key, prev_hash, hash) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)");
    if (!insert.ok()) return Error("prepare the insert");
    insert.Bind(1, e.seq);
    insert.Bind(2, e.type);
    insert.Bind(3, e.acta);
    insert.Bind(4, e.actor);
    insert.Bind(5, e.site);
    insert.Bind(6, e.at_ms);
    insert.Bind(7, e.payload);
    insert.Bind(8, e.idempotency_key);
    insert.Bind(9, e.prev_hash);
    insert.Bind(10, e.hash);
    // Autocommit: the statement is its own transaction, durable when it returns.
    if (sqlite3_step(insert.get()) != SQLITE_DONE)
      return Error("append event " + std::to_string(e.seq));
    last_seq_ = e.seq;
    last_hash_ = e.hash;
    return AppendResult{std::move(e), false};
  }

  Result<std::vector<Event>> Read(int64_t from_seq, size_t limit) override {
    std::lock_guard<std::mutex> lock(mu_);
    Statement s(db_, (std::string("SELECT ") + kColumns +
                      " FROM events WHERE seq >= ?1 ORDER BY seq LIMIT ?2")
                         .c_str());
    if (!s.ok()) return Error("read events");
    s.Bind(1, from_seq);
    s.Bind(2, static_cast<int64_t>(limit));
    std::vector<Event> out;
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) out.push_back(RowToEvent(s));
    if (rc != SQLITE_DONE) return Error("read events");
    return out;
  }

  Result<std::optional<Event>> FindByKey(const std::string& actor,
                                         const std::string& idempotency_key) override {
    std::lock_guard<std::mutex> lock(mu_);
    Statement find(db_, (std::string("SELECT ") + kColumns +
                         " FROM events WHERE actor = ?1 AND idempotency_key = ?2")
                            .c_str());
    if (!find.ok()) return Error("look up the idempotency key");
    find.Bind(1, actor);
    find.Bind(2, idempotency_key);
    if (sqlite3_step(find.get()) == SQLITE_ROW) return std::optional<Event>(RowToEvent(find));
    return std::optional<Event>();
  }

  Result<int64_t> LastSeq() override {
    std::lock_guard<std::mutex> lock(mu_);
    return last_seq_;
  }

  Status VerifyChain() override {
    Statement s(db_, (std::string("SELECT ") + kColumns + " FROM events ORDER BY seq").c_str());
    if (!s.ok()) return Error("read events");
    std::string prev = kGenesisHash;
    int64_t expected = 1;
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
      const Event e = RowToEvent(s);
      const std::string what = path_ + ": event " + std::to_string(e.seq) + " (" + e.type +
                               (e.acta.empty() ? "" : ", acta " + e.acta) + "): ";
      if (e.seq != expected) {
        return Status::IoError(what + "the log has a gap: event " + std::to_string(expected) +
                               " is missing");
      }
      if (e.prev_hash != prev) {
        return Status::IoError(what + "its prev_hash does not match event " +
                               std::to_string(e.seq - 1) + "; the chain is broken here");
      }
      if (EventHash(e) != e.hash) {
        return Status::IoError(what + "its content does not match its hash; it was altered");
      }
      prev = e.hash;
      ++expected;
    }
    if (rc != SQLITE_DONE) return Error("verify the chain");
    return Status::Ok();
  }

 private:
  Status Exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = path_ + ": " + (err != nullptr ? err : "sqlite error");
      sqlite3_free(err);
      return Status::IoError(msg);
    }
    return Status::Ok();
  }
  Status Error(const std::string& doing) {
    return Status::IoError(path_ + ": cannot " + doing + ": " + sqlite3_errmsg(db_));
  }

  std::string path_;
  sqlite3* db_;
  std::mutex mu_;
  int64_t last_seq_ = 0;
  std::string last_hash_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg =
        path + ": cannot open the store: " + (db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close_v2(db);
    return Status::IoError(msg);
  }
  auto store = std::make_unique<SqliteStore>(path, db);
  PREP_RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace prep::store
