#include <algorithm>

#include "store/store.h"

namespace prep::store {

Result<ResumenCopia> CopiarBitacora(Store& origen, Store& destino,
                                    const std::function<void(int64_t)>& avance) {
  PREP_ASSIGN_OR_RETURN(int64_t ya, destino.LastSeq());
  if (ya != 0) {
    return Status::FailedPrecondition("the destination store already holds " + std::to_string(ya) +
                                      " events; a copy goes into an empty one");
  }
  ResumenCopia r;
  constexpr size_t kLote = 5000;
  for (int64_t siguiente = 1;;) {
    PREP_ASSIGN_OR_RETURN(std::vector<Event> lote, origen.Read(siguiente, kLote));
    std::vector<std::unique_ptr<Ticket>> tickets;
    tickets.reserve(lote.size());
    for (const Event& e : lote) {
      PREP_ASSIGN_OR_RETURN(auto t, destino.Reserve(e));
      // The same drafts in the same order give the same seq and hash: anything
      // else means the source is not the chain it claims to be.
      if (t->event().seq != e.seq || t->event().hash != e.hash) {
        return Status::IoError("event " + std::to_string(e.seq) +
                               ": copied, it does not hash as in the source (" +
                               e.hash.substr(0, 16) + "…); the source was altered");
      }
      tickets.push_back(std::move(t));
    }
    for (auto& t : tickets) PREP_RETURN_IF_ERROR(destino.Wait(*t));
    if (!lote.empty()) {
      r.eventos = lote.back().seq;
      r.ultimo_hash = lote.back().hash;
      if (avance) avance(r.eventos);
    }
    if (lote.size() < kLote) break;
    siguiente = lote.back().seq + 1;
  }
  PREP_RETURN_IF_ERROR(destino.VerifyChain());
  return r;
}

}  // namespace prep::store
