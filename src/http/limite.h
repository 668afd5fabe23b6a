// Rate limits for the API: a token bucket per key (a session's token, or the
// address of a client without one). A bucket holds up to `rafaga` requests and
// refills at `por_segundo`; a request that finds it empty is refused (429) and
// costs nothing. A person at a console makes a few requests a second; a script
// hammering the API, or guessing logins from one address, runs dry.
//
// Thread-safety: Permitir() may be called from any thread (sharded locks).
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace prep::http {

struct Tasa {
  double por_segundo = 0;  // 0: no limit
  double rafaga = 0;       // the most requests at once after a pause
};

class LimitadorDeTasa {
 public:
  explicit LimitadorDeTasa(Tasa tasa) : tasa_(tasa) {}

  // True if `clave` may make one more request at `ahora_ms` (a monotonic clock); takes one
  // token. When false, `*espera_ms` (if given) says when the next token comes.
  bool Permitir(std::string_view clave, int64_t ahora_ms, int64_t* espera_ms = nullptr);

  bool activo() const { return tasa_.por_segundo > 0; }

 private:
  struct Cubeta {
    double fichas = 0;
    int64_t desde_ms = 0;
  };
  struct Fragmento {
    std::mutex mu;
    std::unordered_map<std::string, Cubeta> cubetas;  // guarded by mu
  };
  static constexpr size_t kFragmentos = 16;
  // Past this many keys in a shard, the full buckets (idle long enough to refill) are
  // forgotten: a flood of made-up tokens or addresses cannot grow memory without bound.
  static constexpr size_t kMaxClaves = 50000;

  Tasa tasa_;
  std::array<Fragmento, kFragmentos> fragmentos_;
};

}  // namespace prep::http
