// The PostgreSQL backend: the store of a replicated set-up (a primary and a
// synchronous standby under Patroni; docs/continuidad.md). Text columns are
// BYTEA because the hash covers bytes, not characters: an idempotency key or
// a payload is stored exactly as it came, whatever the database's encoding.
//
// Failover: the connection string may name several hosts
// (target_session_attrs=read-write finds the primary). When the link breaks
// the backend reconnects until `retry_ms` runs out. A batch whose COMMIT got
// no answer may or may not be stored, so before writing it again the backend
// reads the log's tail on the new primary: the batch is there (done), absent
// with its predecessor in place (write it), or anything else (refused: the log
// diverged, and the process must restart and rebuild from what is stored).
#include <arpa/inet.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <functional>
#include <mutex>
#include <thread>

#include "store/chained_store.h"

namespace prep::store {
namespace {

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS events (
  seq BIGINT PRIMARY KEY,
  type BYTEA NOT NULL,
  acta BYTEA NOT NULL,
  actor BYTEA NOT NULL,
  site BYTEA NOT NULL,
  at_ms BIGINT NOT NULL,
  payload BYTEA NOT NULL,
  idempotency_key BYTEA NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  UNIQUE (actor, idempotency_key)
))sql";

constexpr char kColumns[] =
    "seq, type, acta, actor, site, at_ms, payload, idempotency_key, prev_hash, hash";
constexpr Oid kInt8 = 20;
constexpr Oid kBytea = 17;
constexpr Oid kText = 25;
constexpr size_t kRowsPerInsert = 500;  // 10 parameters each; PostgreSQL allows 65,535

using PgResult = std::unique_ptr<PGresult, decltype(&PQclear)>;

// Parameters in binary format (integers in network order).
class Params {
 public:
  void Int(int64_t v) {
    uint64_t be = (static_cast<uint64_t>(htonl(static_cast<uint32_t>(v))) << 32) |
                  htonl(static_cast<uint32_t>(static_cast<uint64_t>(v) >> 32));
    std::string s(8, '\0');
    std::memcpy(s.data(), &be, 8);
    Add(kInt8, std::move(s));
  }
  void Bytes(const std::string& s) { Add(kBytea, s); }
  void Text(const std::string& s) { Add(kText, s); }
  int size() const { return static_cast<int>(values_.size()); }
  PGresult* Exec(PGconn* c, const std::string& sql) {
    std::vector<const char*> v;
    std::vector<int> len;
    std::vector<int> fmt(values_.size(), 1);
    for (const std::string& s : values_) {
      v.push_back(s.data());
      len.push_back(static_cast<int>(s.size()));
    }
    return PQexecParams(c, sql.c_str(), size(), types_.data(), v.data(), len.data(), fmt.data(), 1);
  }

 private:
  void Add(Oid t, std::string s) {
    types_.push_back(t);
    values_.push_back(std::move(s));
  }
  std::vector<Oid> types_;
  std::vector<std::string> values_;
};

int64_t IntAt(const PGresult* r, int row, int col) {
  uint64_t be = 0;
  std::memcpy(&be, PQgetvalue(r, row, col), 8);
  return static_cast<int64_t>((static_cast<uint64_t>(ntohl(static_cast<uint32_t>(be))) << 32) |
                              ntohl(static_cast<uint32_t>(be >> 32)));
}
std::string BytesAt(const PGresult* r, int row, int col) {
  return std::string(PQgetvalue(r, row, col), static_cast<size_t>(PQgetlength(r, row, col)));
}
Event RowToEvent(const PGresult* r, int row) {
  Event e;
  e.seq = IntAt(r, row, 0);
  e.type = BytesAt(r, row, 1);
  e.acta = BytesAt(r, row, 2);
  e.actor = BytesAt(r, row, 3);
  e.site = BytesAt(r, row, 4);
  e.at_ms = IntAt(r, row, 5);
  e.payload = BytesAt(r, row, 6);
  e.idempotency_key = BytesAt(r, row, 7);
  e.prev_hash = BytesAt(r, row, 8);
  e.hash = BytesAt(r, row, 9);
  return e;
}

// The connection string without its password, for messages.
std::string DisplayName(const std::string& conninfo) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
  if (opts == nullptr) {
    PQfreemem(err);
    return "postgresql";
  }
  std::string host = "localhost";
  std::string port = "5432";
  std::string db;
  for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    if (std::strcmp(o->keyword, "host") == 0) host = o->val;
    if (std::strcmp(o->keyword, "port") == 0) port = o->val;
    if (std::strcmp(o->keyword, "dbname") == 0) db = o->val;
  }
  PQconninfoFree(opts);
  return "postgresql host=" + host + " port=" + port + (db.empty() ? "" : " dbname=" + db);
}

// One connection, reopened after a failure; `retryable` says whether the
// last failure was the link or the server going away (worth retrying on the
// next primary) rather than the statement.
class Conexion {
 public:
  explicit Conexion(std::string conninfo) : conninfo_(std::move(conninfo)) {}
  ~Conexion() { Cerrar(); }
  Conexion(const Conexion&) = delete;
  Conexion& operator=(const Conexion&) = delete;

  // Runs `sql` (with `p`); on success the rows (binary). `*retryable` says
  // whether a failure came from the connection rather than the statement.
  Result<PgResult> Exec(const std::string& sql, Params& p, bool* retryable) {
    *retryable = false;
    if (c_ == nullptr || PQstatus(c_) != CONNECTION_OK) {
      Cerrar();
      c_ = PQconnectdb(conninfo_.c_str());
      if (PQstatus(c_) != CONNECTION_OK) {
        *retryable = true;
        std::string msg = PQerrorMessage(c_);
        Cerrar();
        return Status::IoError("cannot connect: " + Trim(msg));
      }
      // The server's notices ("relation already exists, skipping") are not ours to print.
      PQsetNoticeProcessor(
          c_, [](void*, const char*) {}, nullptr);
    }
    PgResult r(p.Exec(c_, sql), &PQclear);
    const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return r;
    const char* state = r ? PQresultErrorField(r.get(), PG_DIAG_SQLSTATE) : nullptr;
    const std::string code = state != nullptr ? state : "";
    // No SQLSTATE: the failure is libpq's, not the server's (the link broke:
    // "server closed the connection unexpectedly"). Class 08: connection
    // exceptions; 57P0x: the server is shutting down or starting; 25006: a
    // read-only transaction (this node was demoted); 53300: too many connections.
    *retryable = code.empty() || PQstatus(c_) != CONNECTION_OK || code.rfind("08", 0) == 0 ||
                 code.rfind("57P0", 0) == 0 || code == "25006" || code == "53300";
    std::string msg = r ? PQresultErrorMessage(r.get()) : PQerrorMessage(c_);
    if (*retryable) Cerrar();
    return Status::IoError(Trim(msg) + (code.empty() ? "" : " (SQLSTATE " + code + ")"));
  }
  Result<PgResult> Exec(const std::string& sql, bool* retryable) {
    Params none;
    return Exec(sql, none, retryable);
  }
  void Cerrar() {
    if (c_ != nullptr) PQfinish(c_);
    c_ = nullptr;
  }

 private:
  static std::string Trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
  }
  std::string conninfo_;
  PGconn* c_ = nullptr;
};

class PgBackend final : public Backend {
 public:
  PgBackend(const std::string& conninfo, const PgOptions& o)
      : name_(DisplayName(conninfo)), options_(o), writer_(conninfo), reader_(conninfo) {}

  Status Init() {
    return Retrying(reader_, read_mu_, "create the schema",
                    [&](Conexion& c, bool* retry) { return c.Exec(kSchema, retry).status(); });
  }

  std::string Name() const override { return name_; }

  Result<std::pair<int64_t, std::string>> Last() override {
    std::pair<int64_t, std::string> out{0, ""};
    PREP_RETURN_IF_ERROR(
        Retrying(reader_, read_mu_, "read the last event", [&](Conexion& c, bool* retry) {
          PREP_ASSIGN_OR_RETURN(
              auto r, c.Exec("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1", retry));
          if (PQntuples(r.get()) == 1) out = {IntAt(r.get(), 0, 0), BytesAt(r.get(), 0, 1)};
          return Status::Ok();
        }));
    return out;
  }

  Result<std::vector<Event>> Read(int64_t from_seq, size_t limit) override {
    std::vector<Event> out;
    PREP_RETURN_IF_ERROR(Retrying(reader_, read_mu_, "read events", [&](Conexion& c, bool* retry) {
      Params p;
      p.Int(from_seq);
      p.Int(static_cast<int64_t>(limit));
      PREP_ASSIGN_OR_RETURN(auto r, c.Exec(std::string("SELECT ") + kColumns +
                                               " FROM events WHERE seq >= $1 ORDER BY seq LIMIT $2",
                                           p, retry));
      out.clear();
      for (int i = 0; i < PQntuples(r.get()); ++i) out.push_back(RowToEvent(r.get(), i));
      return Status::Ok();
    }));
    return out;
  }

  Result<std::optional<Event>> Find(const std::string& actor, const std::string& key) override {
    std::optional<Event> out;
    PREP_RETURN_IF_ERROR(
        Retrying(reader_, read_mu_, "look up the idempotency key", [&](Conexion& c, bool* retry) {
          Params p;
          p.Bytes(actor);
          p.Bytes(key);
          PREP_ASSIGN_OR_RETURN(auto r,
                                c.Exec(std::string("SELECT ") + kColumns +
                                           " FROM events WHERE actor = $1 AND idempotency_key = $2",
                                       p, retry));
          if (PQntuples(r.get()) == 1) out = RowToEvent(r.get(), 0);
          return Status::Ok();
        }));
    return out;
  }

  Result<std::string> Schema() override {
    std::string out;
    PREP_RETURN_IF_ERROR(
        Retrying(reader_, read_mu_, "read the schema", [&](Conexion& c, bool* retry) {
          // Text results: the one query here that is not binary.
          PREP_ASSIGN_OR_RETURN(
              auto r,
              c.Exec("SELECT convert_to(column_name || ' ' || data_type || ' ' || is_nullable, "
                     "'UTF8') FROM information_schema.columns WHERE table_name = 'events' "
                     "AND table_schema = current_schema() ORDER BY ordinal_position",
                     retry));
          out = "events:\n";
          for (int i = 0; i < PQntuples(r.get()); ++i) out += "  " + BytesAt(r.get(), i, 0) + "\n";
          PREP_ASSIGN_OR_RETURN(
              auto k,
              c.Exec("SELECT convert_to(conname || ' ' || pg_get_constraintdef(oid), 'UTF8') "
                     "FROM pg_constraint WHERE conrelid = 'events'::regclass ORDER BY conname",
                     retry));
          for (int i = 0; i < PQntuples(k.get()); ++i) out += "  " + BytesAt(k.get(), i, 0) + "\n";
          return Status::Ok();
        }));
    return out;
  }

  Status Commit(const std::vector<const Event*>& batch) override {
    bool maybe_stored = false;  // an earlier attempt's COMMIT got no answer
    return Retrying(writer_, write_mu_, "append events " + Range(batch),
                    [&](Conexion& c, bool* retry) -> Status {
                      if (maybe_stored) {
                        PREP_ASSIGN_OR_RETURN(bool stored, AlreadyStored(c, batch, retry));
                        if (stored) return Status::Ok();
                      }
                      maybe_stored = true;
                      return Insert(c, batch, retry);
                    });
  }

 private:
  static std::string Range(const std::vector<const Event*>& batch) {
    return std::to_string(batch.front()->seq) + ".." + std::to_string(batch.back()->seq);
  }

  // Runs `fn` until it succeeds, fails for a reason other than the
  // connection, or options_.retry_ms runs out.
  Status Retrying(Conexion& c, std::mutex& mu, const std::string& doing,
                  const std::function<Status(Conexion&, bool*)>& fn) {
    std::lock_guard<std::mutex> lock(mu);
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.retry_ms);
    for (;;) {
      bool retry = false;
      Status st = fn(c, &retry);
      if (st.ok()) return st;
      if (!retry || std::chrono::steady_clock::now() >= deadline) {
        return Status::IoError(
            name_ + ": cannot " + doing + ": " + st.message() +
            (retry ? " (gave up after " + std::to_string(options_.retry_ms / 1000) + " s)" : ""));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(options_.retry_pause_ms));
    }
  }

  Status Insert(Conexion& c, const std::vector<const Event*>& batch, bool* retry) {
    const bool one = batch.size() <= kRowsPerInsert;
    if (!one) PREP_RETURN_IF_ERROR(c.Exec("BEGIN", retry).status());
    for (size_t i = 0; i < batch.size(); i += kRowsPerInsert) {
      std::string sql =
          "INSERT INTO events (seq, type, acta, actor, site, at_ms, payload, idempotency_key, "
          "prev_hash, hash) VALUES ";
      Params p;
      for (size_t j = i; j < std::min(batch.size(), i + kRowsPerInsert); ++j) {
        const Event& e = *batch[j];
        const int b = p.size();
        if (j > i) sql += ",";
        sql += "(";
        for (int k = 1; k <= 10; ++k) sql += (k > 1 ? ",$" : "$") + std::to_string(b + k);
        sql += ")";
        p.Int(e.seq);
        p.Bytes(e.type);
        p.Bytes(e.acta);
        p.Bytes(e.actor);
        p.Bytes(e.site);
        p.Int(e.at_ms);
        p.Bytes(e.payload);
        p.Bytes(e.idempotency_key);
        p.Text(e.prev_hash);
        p.Text(e.hash);
      }
      auto r = c.Exec(sql, p, retry);
      if (!r.ok()) {
        if (!one && !*retry) (void)c.Exec("ROLLBACK", retry);
        return r.status();
      }
    }
    if (!one) PREP_RETURN_IF_ERROR(c.Exec("COMMIT", retry).status());
    return Status::Ok();
  }

  // After a COMMIT without an answer: true when the batch is stored, false
  // when it is absent and may be written; an error when the log diverged.
  Result<bool> AlreadyStored(Conexion& c, const std::vector<const Event*>& batch, bool* retry) {
    const int64_t first = batch.front()->seq;
    Params p;
    p.Int(first - 1);
    p.Int(static_cast<int64_t>(batch.size()) + 2);
    PREP_ASSIGN_OR_RETURN(
        auto r,
        c.Exec("SELECT seq, hash FROM events WHERE seq >= $1 ORDER BY seq LIMIT $2", p, retry));
    const int n = PQntuples(r.get());
    int row = 0;
    if (first > 1) {
      if (n == 0 || IntAt(r.get(), 0, 0) != first - 1 ||
          BytesAt(r.get(), 0, 1) != batch.front()->prev_hash) {
        return Diverged(first - 1);
      }
      row = 1;
    }
    if (row == n) return false;
    if (n - row != static_cast<int>(batch.size())) return Diverged(first);
    for (size_t i = 0; i < batch.size(); ++i, ++row) {
      if (IntAt(r.get(), row, 0) != batch[i]->seq || BytesAt(r.get(), row, 1) != batch[i]->hash) {
        return Diverged(batch[i]->seq);
      }
    }
    return true;
  }

  Status Diverged(int64_t seq) const {
    return Status::FailedPrecondition(
        "after reconnecting, the stored log differs from this server's at event " +
        std::to_string(seq) +
        ": another writer, or a failover lost committed events; restart to rebuild from the "
        "stored log");
  }

  std::string name_;
  PgOptions options_;
  std::mutex write_mu_;
  Conexion writer_;
  std::mutex read_mu_;
  Conexion reader_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& conninfo,
                                                 const PgOptions& options) {
  auto backend = std::make_unique<PgBackend>(conninfo, options);
  PREP_RETURN_IF_ERROR(backend->Init());
  return OpenChainedStore(std::move(backend));
}

Status ComprobarUrlAlmacen(const std::string& url) {
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0 ||
      url.find("host=") != std::string::npos || url.find("dbname=") != std::string::npos) {
    return Status::Ok();
  }
  return Status::InvalidArgument("'" + url +
                                 "': not a PostgreSQL connection string (postgresql://... or "
                                 "host=... dbname=...)");
}

Status GuardarAlmacen(const std::string& data_dir, const std::string& url) {
  PREP_RETURN_IF_ERROR(ComprobarUrlAlmacen(url));
  const std::string archivo = data_dir + "/" + kArchivoAlmacen;
  const int fd = ::open(archivo.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IoError(archivo + ": cannot create: " + std::strerror(errno));
  const std::string linea = url + "\n";
  const bool escrito =
      ::write(fd, linea.data(), linea.size()) == static_cast<ssize_t>(linea.size());
  const bool cerrado = ::close(fd) == 0;
  if (!escrito || !cerrado) return Status::IoError(archivo + ": cannot write");
  return Status::Ok();
}

Result<std::unique_ptr<Store>> OpenStore(const std::string& data_dir) {
  const std::string archivo = data_dir + "/" + kArchivoAlmacen;
  std::ifstream in(archivo);
  if (!in) return OpenSqliteStore(data_dir + "/prep.sqlite");
  std::string linea;
  std::getline(in, linea);
  while (!linea.empty() && (linea.back() == '\r' || linea.back() == ' ')) linea.pop_back();
  if (Status st = ComprobarUrlAlmacen(linea); !st.ok()) {
    return Status::InvalidArgument(archivo +
                                   ": its first line is not a PostgreSQL connection string");
  }
  return OpenPostgresStore(linea);
}

}  // namespace prep::store
