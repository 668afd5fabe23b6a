// What every Store backend shares: idempotency keys, seq and hash assignment,
// and group commit (events reserved while a commit is in flight are written
// together in the next transaction; LevelDB's writer queue, in short). A
// backend only writes batches of chained events and reads rows back.
// Internal to src/store.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/store.h"

namespace prep::store {

class Backend {
 public:
  virtual ~Backend() = default;
  // Where the log lives, for messages ("/data/prep.sqlite", "postgresql 127.0.0.1:5432").
  virtual std::string Name() const = 0;
  // The last committed event's seq and hash; {0, ""} for an empty log.
  virtual Result<std::pair<int64_t, std::string>> Last() = 0;
  // Writes consecutive, chained events in one transaction; OK means durable.
  // Called by one thread at a time, while Read and Find may run on others.
  virtual Status Commit(const std::vector<const Event*>& batch) = 0;
  virtual Result<std::vector<Event>> Read(int64_t from_seq, size_t limit) = 0;
  virtual Result<std::optional<Event>> Find(const std::string& actor, const std::string& key) = 0;
  virtual Result<std::string> Schema() = 0;
};

// A Store over `backend`, its chain verified before it is returned.
Result<std::unique_ptr<Store>> OpenChainedStore(std::unique_ptr<Backend> backend);

}  // namespace prep::store
