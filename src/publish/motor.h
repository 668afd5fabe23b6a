// The publication engine of one election: the schedule (Calendario), the
// state at each instant (Instantanea) and the writer (Publicador), driven by
// an injected clock. `prep serve` calls Tick() every second; `prep publish`
// calls Forzar(). Every corte is built from the event log alone, so any of
// them can be rebuilt later byte for byte (apart from the signing time).
// Thread-safety: not thread-safe; the caller serialises calls.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "formats/election_config.h"
#include "ops/operaciones.h"
#include "publish/calendario.h"
#include "publish/instantanea.h"
#include "publish/publicador.h"
#include "store/store.h"

namespace prep::publish {

struct OpcionesMotor {
  std::shared_ptr<const Contienda> contienda;
  ops::Ajustes ajustes;  // the workflow's, to rebuild acta state as the operation did
  formats::Acuerdos acuerdos;
  OpcionesPublicador publicador;  // raiz, imágenes, dialecto, claves, simulacro, reloj
  // A corte for instant T is built once the clock passes T + margen, so that
  // requests stamped just before T have committed.
  int64_t margen_ms = 2000;
  // A scheduled corte is published at most this late: a server started (or
  // restarted) long after a corte's instant does not publish it, nor close a
  // PREP whose schedule ended while it was down (`prep publish --final` does).
  int64_t max_retraso_ms = 10 * 60 * 1000;
};

class MotorPublicacion {
 public:
  static Result<std::unique_ptr<MotorPublicacion>> Abrir(OpcionesMotor opciones,
                                                         store::Store& store);
  MotorPublicacion(OpcionesMotor o, store::Store& store);

  // Publishes the scheduled corte that is due at `ahora_utc_ms`, if any and
  // not yet published. Cortes missed while the server was down are not
  // published late: only the latest due one is, and only within
  // max_retraso_ms of its instant. Returns the corte published.
  Result<std::optional<CortePublicado>> Tick(int64_t ahora_utc_ms);

  // A corte now, outside the schedule (a drill, or the close with `final`):
  // its instant is `ahora` (its id, ahora's minute). Refused before the start
  // of publication unless this is a simulacro.
  Result<CortePublicado> Forzar(int64_t ahora_utc_ms, bool final);

  // Builds the corte at `info.instante_utc_ms` without publishing it.
  Result<Corte> Construir(CorteInfo info);

  const Calendario& calendario() const { return calendario_; }
  bool cerrado() const { return publicador_->cerrado(); }
  // The instant of the last corte published by this engine, or 0.
  int64_t ultimo_instante() const { return ultimo_instante_; }

 private:
  OpcionesMotor o_;
  store::Store& store_;
  Calendario calendario_;
  std::unique_ptr<Publicador> publicador_;
  std::unique_ptr<Instantanea> instantanea_;
  int64_t ultimo_instante_ = 0;
};

// The image store's extension for an image: the file DIR/ab/<sha>.<ext> that exists.
ExtensionImagen ExtensionEnCarpeta(std::string carpeta_imagenes);

}  // namespace prep::publish
