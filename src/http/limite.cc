#include "http/limite.h"

#include <algorithm>
#include <functional>

namespace prep::http {

bool LimitadorDeTasa::Permitir(std::string_view clave, int64_t ahora_ms, int64_t* espera_ms) {
  if (!activo()) return true;
  Fragmento& f = fragmentos_[std::hash<std::string_view>{}(clave) % kFragmentos];
  std::lock_guard<std::mutex> l(f.mu);
  auto it = f.cubetas.find(std::string(clave));
  if (it == f.cubetas.end()) {
    if (f.cubetas.size() >= kMaxClaves) {
      std::erase_if(f.cubetas, [&](const auto& kv) {
        const Cubeta& c = kv.second;
        return c.fichas + (ahora_ms - c.desde_ms) * tasa_.por_segundo / 1000.0 >= tasa_.rafaga;
      });
    }
    it = f.cubetas.emplace(std::string(clave), Cubeta{tasa_.rafaga, ahora_ms}).first;
  }
  Cubeta& c = it->second;
  if (ahora_ms > c.desde_ms) {
    c.fichas =
        std::min(tasa_.rafaga, c.fichas + (ahora_ms - c.desde_ms) * tasa_.por_segundo / 1000.0);
    c.desde_ms = ahora_ms;
  }
  if (c.fichas >= 1) {
    c.fichas -= 1;
    return true;
  }
  if (espera_ms != nullptr) {
    *espera_ms = static_cast<int64_t>((1 - c.fichas) * 1000.0 / tasa_.por_segundo) + 1;
  }
  return false;
}

}  // namespace prep::http
