#include "sim/reloj.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace prep::sim {

int64_t RelojSimulado::DuracionReal(int64_t virtual_ms_duracion) const {
  const double r = static_cast<double>(virtual_ms_duracion) / factor;
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil(r)));
}

int64_t AhoraRealMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string RutaReloj(const std::string& data) {
  return (std::filesystem::path(data) / "reloj.json").string();
}

Result<RelojSimulado> LeerReloj(const std::string& data) {
  const std::string ruta = RutaReloj(data);
  std::error_code ec;
  if (!std::filesystem::exists(ruta, ec)) return Status::NotFound(ruta + ": no simulated clock");
  std::ifstream in(ruta);
  const auto j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || !j.contains("virtual_ms") ||
      !j["virtual_ms"].is_number_integer() || !j.contains("real_ms") ||
      !j["real_ms"].is_number_integer() || !j.contains("factor") || !j["factor"].is_number()) {
    return Status::InvalidArgument(ruta +
                                   ": not a simulated clock ({virtual_ms, real_ms, factor})");
  }
  RelojSimulado r{j["virtual_ms"].get<int64_t>(), j["real_ms"].get<int64_t>(),
                  j["factor"].get<double>()};
  if (!(r.factor > 0) || r.factor > 1e6) {
    return Status::InvalidArgument(ruta + ":factor: must be above 0 and at most 1,000,000");
  }
  return r;
}

Status EscribirReloj(const std::string& data, const RelojSimulado& r) {
  const std::string ruta = RutaReloj(data);
  const std::string tmp = ruta + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << nlohmann::ordered_json{{"virtual_ms", r.virtual_ms},
                                  {"real_ms", r.real_ms},
                                  {"factor", r.factor}}
               .dump(2)
        << "\n";
    if (!out) return Status::IoError(tmp + ": cannot write");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, ruta, ec);
  if (ec) return Status::IoError(ruta + ": cannot replace: " + ec.message());
  return Status::Ok();
}

}  // namespace prep::sim
