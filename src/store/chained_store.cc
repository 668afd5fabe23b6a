#include "store/chained_store.h"

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>

namespace prep::store {
namespace {

bool SameRequest(const Event& prior, const EventDraft& d) {
  return prior.type == d.type && prior.acta == d.acta && prior.site == d.site &&
         prior.payload == d.payload;
}

struct Writer {
  Event event;
  bool done = false;
  Status status;
};

class ChainedTicket final : public Ticket {
 public:
  ChainedTicket(std::shared_ptr<Writer> w, bool replayed)
      : writer_(std::move(w)), replayed_(replayed) {}
  const Event& event() const override { return writer_->event; }
  bool replayed() const override { return replayed_; }
  std::shared_ptr<Writer> writer_;

 private:
  bool replayed_;
};

class ChainedStore final : public Store {
 public:
  explicit ChainedStore(std::unique_ptr<Backend> backend) : backend_(std::move(backend)) {}

  Status Init() {
    PREP_ASSIGN_OR_RETURN(auto last, backend_->Last());
    last_seq_ = last.first;
    last_hash_ = std::move(last.second);
    return VerifyChain();
  }

  Result<AppendResult> Append(const EventDraft& draft) override {
    PREP_ASSIGN_OR_RETURN(auto ticket, Reserve(draft));
    PREP_RETURN_IF_ERROR(Wait(*ticket));
    return AppendResult{ticket->event(), ticket->replayed()};
  }

  Result<std::unique_ptr<Ticket>> Reserve(const EventDraft& draft) override {
    if (draft.idempotency_key.empty()) {
      return Status::InvalidArgument("idempotency_key: every write needs one");
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (!failed_.ok()) return failed_;
    // A retry of a request still being committed, or already stored.
    const auto key = std::make_pair(draft.actor, draft.idempotency_key);
    if (auto it = inflight_.find(key); it != inflight_.end()) {
      if (!SameRequest(it->second->event, draft)) return Conflict(draft, it->second->event.seq);
      return std::unique_ptr<Ticket>(new ChainedTicket(it->second, true));
    }
    PREP_ASSIGN_OR_RETURN(std::optional<Event> prior,
                          backend_->Find(draft.actor, draft.idempotency_key));
    if (prior) {
      if (!SameRequest(*prior, draft)) return Conflict(draft, prior->seq);
      auto w = std::make_shared<Writer>();
      w->event = std::move(*prior);
      w->done = true;
      return std::unique_ptr<Ticket>(new ChainedTicket(w, true));
    }
    auto w = std::make_shared<Writer>();
    static_cast<EventDraft&>(w->event) = draft;
    w->event.seq = last_seq_ + 1;
    w->event.prev_hash = last_seq_ == 0 ? kGenesisHash : last_hash_;
    w->event.hash = EventHash(w->event);
    last_seq_ = w->event.seq;
    last_hash_ = w->event.hash;
    pending_.push_back(w);
    inflight_[key] = w;
    return std::unique_ptr<Ticket>(new ChainedTicket(w, false));
  }

  Status Wait(Ticket& ticket) override {
    auto& t = static_cast<ChainedTicket&>(ticket);
    std::unique_lock<std::mutex> lock(mu_);
    while (!t.writer_->done) {
      if (committing_) {
        cv_.wait(lock);
        continue;
      }
      // Lead a commit of everything pending.
      committing_ = true;
      std::vector<std::shared_ptr<Writer>> batch(pending_.begin(), pending_.end());
      pending_.clear();
      lock.unlock();
      std::vector<const Event*> events;
      events.reserve(batch.size());
      for (const auto& w : batch) events.push_back(&w->event);
      // After a failed commit nothing more is written: the events behind it
      // chain to one that is not stored, and writing them would leave a gap.
      const Status st = !failed_.ok()    ? failed_
                        : events.empty() ? Status::Ok()
                                         : backend_->Commit(events);
      lock.lock();
      for (auto& w : batch) {
        w->done = true;
        w->status = st;
        inflight_.erase({w->event.actor, w->event.idempotency_key});
      }
      if (!st.ok()) failed_ = st;
      committing_ = false;
      cv_.notify_all();
    }
    return t.writer_->status;
  }

  Result<std::vector<Event>> Read(int64_t from_seq, size_t limit) override {
    return backend_->Read(from_seq, limit);
  }

  Result<std::optional<Event>> FindByKey(const std::string& actor,
                                         const std::string& idempotency_key) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (auto it = inflight_.find({actor, idempotency_key}); it != inflight_.end()) {
        return std::optional<Event>(it->second->event);
      }
    }
    return backend_->Find(actor, idempotency_key);
  }

  Result<int64_t> LastSeq() override {
    std::lock_guard<std::mutex> lock(mu_);
    return last_seq_;
  }

  Result<std::string> Schema() override { return backend_->Schema(); }
  std::string Name() const override { return backend_->Name(); }

  Status VerifyChain() override {
    constexpr size_t kChunk = 10000;
    std::string prev = kGenesisHash;
    int64_t expected = 1;
    for (;;) {
      PREP_ASSIGN_OR_RETURN(std::vector<Event> events, backend_->Read(expected, kChunk));
      for (const Event& e : events) {
        const std::string what = backend_->Name() + ": event " + std::to_string(e.seq) + " (" +
                                 e.type + (e.acta.empty() ? "" : ", acta " + e.acta) + "): ";
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
      if (events.size() < kChunk) return Status::Ok();
    }
  }

 private:
  Status Conflict(const EventDraft& d, int64_t seq) {
    return Status::FailedPrecondition(
        "idempotency_key '" + d.idempotency_key + "' was already used by " + d.actor +
        " for a different request (event " + std::to_string(seq) + ")");
  }

  std::unique_ptr<Backend> backend_;
  std::mutex mu_;  // the fields below
  std::condition_variable cv_;
  int64_t last_seq_ = 0;  // including reserved, uncommitted events
  std::string last_hash_;
  std::deque<std::shared_ptr<Writer>> pending_;
  std::map<std::pair<std::string, std::string>, std::shared_ptr<Writer>> inflight_;
  bool committing_ = false;
  Status failed_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenChainedStore(std::unique_ptr<Backend> backend) {
  auto store = std::make_unique<ChainedStore>(std::move(backend));
  PREP_RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace prep::store
