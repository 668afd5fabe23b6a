// `prep publish`, `prep verify` and the publication side of `prep serve`:
// the engine (src/publish/motor.h) put together from a data folder.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "base/status.h"
#include "cli/operacion.h"
#include "publish/motor.h"

namespace prep::cli {

// The engine's options for DATA: DATA/publicacion, DATA/imagenes, the key of
// the election's mode, its schedule (none for an election derived from a
// database: an empty calendar that never publishes by itself).
Result<publish::OpcionesMotor> OpcionesDeMotor(const std::string& data, const Eleccion& eleccion,
                                               const OpcionesPublicar& publicar,
                                               std::function<int64_t()> reloj);

// The publication side of `prep serve`: `tick` (called every 200 ms)
// publishes the scheduled corte that is due; `forzar` publishes one now (the
// API's POST /api/v1/cortes). Both are serialised internally.
struct Publicacion {
  std::function<void()> tick;
  std::function<Result<std::string>(bool final)> forzar;
  // Where publication stands, as JSON (for GET /api/v1/eleccion and /avance):
  // {"simulacro","clave_publica","cerrado","ultimo_corte","siguiente_corte",
  // "siguiente_corte_ms"}; cheap, never waits for a corte being built.
  std::function<std::string()> estado;
};
// `reloj` is the election's clock (the real one, or a simulacro's accelerated
// one); `escala` is how many of its ms pass per real ms, to keep the
// engine's margins real seconds.
Result<Publicacion> IniciarPublicacion(const std::string& data, const Eleccion& eleccion,
                                       const OpcionesPublicar& publicar, store::Store& store,
                                       std::function<int64_t()> reloj, double escala = 1);

// A corte now, or the final one. Exit 0 on success, 2 on error.
int Publish(const std::string& data, bool final, const OpcionesPublicar& publicar);
// Exit 0 when everything verifies, 1 when something does not (the file is
// named), 2 when the target cannot be read at all.
int Verify(const std::string& destino, const std::string& clave_publica, bool imagenes);

}  // namespace prep::cli
