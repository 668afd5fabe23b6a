// Arbitrary bytes as what a client sends the server: parsed by the same
// parser, limits and target decoding as a connection, then routed (literal
// and {param} segments, the fallback for the site), and the body read as the
// API reads JSON. Whatever arrives must end as a Status or a 4xx, never a
// crash, leak or UB.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "http/server.h"

namespace {

const prep::http::Router& Rutas() {
  static const prep::http::Router router = [] {
    prep::http::Router r;
    const auto eco = [](const prep::http::Request& q) {
      std::string s = q.method + " " + q.path;
      for (const auto& [k, v] : q.params) s += " " + k + "=" + v;
      for (const auto& [k, v] : q.query) s += " " + k + "=" + v;
      return prep::http::Response::Json(
          200, nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    };
    r.Add("POST", "/api/v1/actas/{clave}/capturas", eco);
    r.Add("GET", "/api/v1/actas/{clave}", eco);
    r.Add("PUT", "/api/v1/subidas/{id}", eco);
    r.SetFallback(eco);
    return r;
  }();
  return router;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  prep::http::ServerOptions limits;
  limits.max_body_bytes = 64 << 10;
  limits.max_header_bytes = 8 << 10;
  prep::http::Request request;
  auto used = prep::http::ParseRequest(bytes, limits, &request);
  if (!used.ok()) return 0;
  if (*used > size) __builtin_trap();
  prep::http::Response response = Rutas().Dispatch(request);
  if (response.status < 100 || response.status > 599) __builtin_trap();
  // The API's reading of a JSON body: no exceptions, a discarded value on bad input.
  const auto j = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_object() && j.contains("valores") && j["valores"].is_array()) {
    for (const auto& v : j["valores"]) (void)v.is_number_integer();
  }
  return 0;
}
