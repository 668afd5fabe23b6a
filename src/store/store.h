// The append-only, hash-chained event log of the proceso técnico operativo.
//
// Every operation (acopio, digitalización, captura, verificación, cotejo, user
// and configuration changes) is one Event. Each event carries the SHA-256 of
// the one before it, so any change to a stored event breaks the chain at that
// event, and VerifyChain() names it. Acta state is materialised from the log
// (src/ops) and can always be rebuilt by replaying it.
//
// A success from Append() means the event is durable (on disk, fsynced). Every
// append carries the client's idempotency key: a retry with the same key and
// the same content returns the stored event; with other content it is refused,
// so a retried request never applies twice.
// Thread-safety: implementations are safe to call from many threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace prep::store {

// What a caller asks to record.
struct EventDraft {
  std::string type;             // "acopio", "captura", ...
  std::string acta;             // CLAVE_ACTA, or "" for events about no acta
  std::string actor;            // user name
  std::string site;             // CATD or CCV
  int64_t at_ms = 0;            // UTC milliseconds since the epoch (the caller's Clock)
  std::string payload;          // JSON text; stored and hashed byte for byte
  std::string idempotency_key;  // chosen by the client; unique per actor
};

struct Event : EventDraft {
  int64_t seq = 0;        // 1, 2, 3, ... with no gaps
  std::string prev_hash;  // hex SHA-256 of event seq-1 (64 zeros for the first)
  std::string hash;       // hex SHA-256 of this event (see EventHash)
};

struct AppendResult {
  Event event;
  bool replayed = false;  // the idempotency key was seen: nothing was written
};

// The hash that chains `e` to its predecessor: SHA-256 over prev_hash, seq and
// every field of the draft, each length-prefixed so no two events collide by
// concatenation. Hex, lower case.
std::string EventHash(const Event& e);
inline constexpr char kGenesisHash[] =
    "0000000000000000000000000000000000000000000000000000000000000000";

// A place in the chain, reserved but maybe not yet on disk (see Reserve).
class Ticket {
 public:
  virtual ~Ticket() = default;
  virtual const Event& event() const = 0;
  virtual bool replayed() const = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Reserve + Wait.
  virtual Result<AppendResult> Append(const EventDraft& draft) = 0;
  // Two steps of Append, for callers that apply events under a lock of their
  // own: Reserve checks the idempotency key and gives the event its seq and
  // hash (the order of Reserve calls is the order of the chain); Wait returns
  // once the event is durable. Many Waits share one commit (group commit), so
  // the caller should not hold its lock while waiting. A failed commit fails
  // every later call: the process must restart and rebuild from the log.
  virtual Result<std::unique_ptr<Ticket>> Reserve(const EventDraft& draft) = 0;
  virtual Status Wait(Ticket& ticket) = 0;
  // Events with seq in [from_seq, from_seq + limit), in order.
  virtual Result<std::vector<Event>> Read(int64_t from_seq, size_t limit) = 0;
  virtual Result<int64_t> LastSeq() = 0;
  // The event `actor` recorded under `idempotency_key`, if any.
  virtual Result<std::optional<Event>> FindByKey(const std::string& actor,
                                                 const std::string& idempotency_key) = 0;
  // Recomputes every hash in order. Not OK when an event does not match: the
  // message names the first such event ("event 17 (captura, acta ...): ...").
  virtual Status VerifyChain() = 0;
  // The log's table as the database describes it (for the notary's manifest:
  // the schema in use is the schema that was audited), and where it lives.
  virtual Result<std::string> Schema() = 0;
  virtual std::string Name() const = 0;
};

// Opens (creating it if needed) a SQLite store at `path`: WAL journal,
// synchronous=FULL, the chain verified on open.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

struct PgOptions {
  // How long a write or read keeps reconnecting (to the new primary after a
  // failover) before it fails; Patroni promotes a standby in about ttl seconds.
  int64_t retry_ms = 60000;
  int64_t retry_pause_ms = 200;
};

// Opens (creating the table if needed) a store in PostgreSQL. `conninfo` is a
// libpq connection string; several hosts with target_session_attrs=read-write
// follow the primary across a failover. The chain is verified on open.
Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& conninfo,
                                                 const PgOptions& options = {});

// The store of an election's data folder: the PostgreSQL database named in
// DATA_DIR/almacen (GuardarAlmacen), else DATA_DIR/prep.sqlite.
inline constexpr char kArchivoAlmacen[] = "almacen";
Result<std::unique_ptr<Store>> OpenStore(const std::string& data_dir);
// OK for a PostgreSQL connection string (postgresql://... or host=... dbname=...);
// otherwise InvalidArgument, naming it.
Status ComprobarUrlAlmacen(const std::string& url);
// Checks `url`, then writes it to DATA_DIR/almacen, created owner-only (it may
// hold a password): `prep init --store`, `prep restore --store`.
Status GuardarAlmacen(const std::string& data_dir, const std::string& url);

struct ResumenCopia {
  int64_t eventos = 0;
  std::string ultimo_hash;  // of the last event ("" when the log is empty)
};
// Copies every event of `origen` into the empty store `destino` (of either
// kind), checking that each one chains and hashes as in the source, then
// verifies the copy's chain. Backups and restores (`prep backup`/`restore`).
Result<ResumenCopia> CopiarBitacora(Store& origen, Store& destino,
                                    const std::function<void(int64_t)>& avance = {});

}  // namespace prep::store
