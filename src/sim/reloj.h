// The clock of a simulated night: the election's time runs `factor` times
// faster than the real one (24 hours in five minutes is 288). `prep demo`,
// `prep simulacro` and the `prep serve` they start read the same
// DATA/reloj.json, so the server stamps events and publishes cortes on the
// same clock the simulated operators follow, across restarts of either.
// Only an election created as a simulacro may run on it (cli/operacion.cc).
// Thread-safety: values; the file functions are independent calls.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"

namespace prep::sim {

struct RelojSimulado {
  int64_t virtual_ms = 0;  // the election's clock (UTC ms) ...
  int64_t real_ms = 0;     // ... at this real instant (UTC ms)
  double factor = 1;       // election ms per real ms; > 0

  int64_t Ahora(int64_t real_ahora_ms) const {
    return virtual_ms + static_cast<int64_t>(static_cast<double>(real_ahora_ms - real_ms) * factor);
  }
  // The real instant at which the election's clock reads `virtual`.
  int64_t RealDe(int64_t virtual_instante_ms) const {
    return real_ms +
           static_cast<int64_t>(static_cast<double>(virtual_instante_ms - virtual_ms) / factor);
  }
  // An election-clock duration in real ms (at least 1).
  int64_t DuracionReal(int64_t virtual_ms_duracion) const;
};

// The real clock, UTC ms.
int64_t AhoraRealMs();

// DATA/reloj.json.
std::string RutaReloj(const std::string& data);
// NotFound when the file does not exist; InvalidArgument when it is not a clock.
Result<RelojSimulado> LeerReloj(const std::string& data);
// Written whole to a temporary file and renamed, so a reader never sees half.
Status EscribirReloj(const std::string& data, const RelojSimulado& reloj);

}  // namespace prep::sim
