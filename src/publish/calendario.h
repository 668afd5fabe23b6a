// The schedule of cortes from the acuerdos (RE art. 339; spec §7): from the
// start of publication, N data updates and M database updates per hour (each
// at least 3; they may differ), evenly spaced from the start, up to the last
// update, which is the final corte. A corte publishes the database zip when
// its instant is on the database cadence; the data (JSON, site) at every one.
// Nothing before the start; nothing after the final corte.
// Pure; the clock is the caller's. Thread-safety: a value.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "formats/election_config.h"

namespace prep::publish {

struct CorteProgramado {
  int64_t instante_utc_ms = 0;
  bool datos = false;          // on the data cadence
  bool base_de_datos = false;  // on the database cadence (or the final corte)
  bool final = false;
};

class Calendario {
 public:
  explicit Calendario(const formats::Acuerdos& acuerdos);

  // Every corte of the night, in order; the last is final.
  const std::vector<CorteProgramado>& cortes() const { return cortes_; }
  // The first corte with instant > after_utc_ms, or nullopt after the final one.
  std::optional<CorteProgramado> Siguiente(int64_t after_utc_ms) const;
  // The last corte with instant <= now_utc_ms (what should be current), if any.
  std::optional<CorteProgramado> Vigente(int64_t now_utc_ms) const;
  int offset_minutos() const { return offset_minutos_; }

 private:
  std::vector<CorteProgramado> cortes_;
  int offset_minutos_ = 0;
};

}  // namespace prep::publish
