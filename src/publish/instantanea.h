// The state a corte publishes: the event log applied, in order, up to the
// corte's instant. A corte at instant T reflects exactly the workflow events
// of the log's longest prefix whose workflow events are stamped <= T (the
// first one stamped after T and everything after it wait for the next corte;
// user, audit and election events are not looked at), so the same log always
// gives the same corte: live, on replay, or in `prep audit recompute`.
// Incremental: each corte applies only the events since the previous one.
// Thread-safety: not thread-safe; one publisher owns it.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "ops/operaciones.h"
#include "publish/corte.h"
#include "store/store.h"

namespace prep::publish {

// The extension ("png", "jpg", "pdf") of a stored image, or "" if it is not stored.
using ExtensionImagen = std::function<std::string(const std::string& sha256)>;

class Instantanea {
 public:
  Instantanea(std::shared_ptr<const Contienda> contienda, ops::Ajustes ajustes,
              ExtensionImagen extension);

  // Applies the events after the last applied one, up to (not including) the
  // first stamped after `instante_utc_ms`. Not OK on a read error or an event
  // the workflow cannot apply (a corrupt log): the state is then unusable.
  // `hasta_seq` also stops it at that event: a rebuild of a published corte
  // reads exactly the events the corte read (its manifest names the last),
  // not later ones stamped before its instant but committed after it was built.
  Status AvanzarHasta(store::Store& store, int64_t instante_utc_ms,
                      int64_t hasta_seq = std::numeric_limits<int64_t>::max());

  // Every acta of the catálogo, in catálogo order, then those fuera de
  // catálogo in order of registration: what ArmarCorte takes.
  std::vector<ActaPublicada> Actas() const;
  // The last event of the log this snapshot has taken into account (applied
  // or passed over): a rebuild reads up to it and no further.
  int64_t ultimo_seq() const { return pendiente_ ? pendiente_->seq - 1 : siguiente_seq_ - 1; }
  const ops::Operaciones& operaciones() const { return ops_; }

 private:
  std::shared_ptr<const Contienda> contienda_;
  std::map<int, std::vector<uint8_t>> ajustes_columnas_;  // ops::Ajustes::columnas_por_distrito
  ops::Operaciones ops_;
  ExtensionImagen extension_;
  int64_t siguiente_seq_ = 1;
  std::optional<store::Event> pendiente_;  // read, stamped after the last instant
  std::vector<std::string> fuera_de_catalogo_;
  // Per acta of the catálogo, which vote columns run where it is.
  std::vector<std::vector<uint8_t>> aplica_por_distrito_;
  std::map<int, size_t> indice_distrito_;
  mutable std::map<std::string, std::string> extensiones_;
};

// Which vote columns run in each distrito: a candidatura independiente column
// CAND_IND_k where the distrito has at least k of them; a coalición's
// combination where the coalición postulates (when candidaturas are given).
// Empty vector = every column runs.
std::vector<uint8_t> ColumnasQueAplican(const Contienda& contienda, int distrito);

}  // namespace prep::publish
