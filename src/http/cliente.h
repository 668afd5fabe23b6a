// A blocking HTTP/1.1 client on Boost.Beast: one kept-alive connection to one host:port, a
// deadline over each whole request, and two faults to inject in drills (simulacros): a slow
// link, and a connection dropped once the server has the request.
//
// For the election-night simulator (one Cliente per simulated operator) and `prep verify
// http://...`. No TLS: it talks to our own server over loopback or to a plain-HTTP mirror.
// Thread-safety: not thread-safe; one Cliente per thread (a thread may hand it to another
// between calls).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace prep::http {

using Encabezados = std::vector<std::pair<std::string, std::string>>;

struct RespuestaHttp {
  int status = 0;
  std::string body;
  Encabezados headers;  // names lower-cased, in the order they came
  // The value of the first field named `name` (any case), or "" if absent.
  std::string Header(std::string_view name) const;
};

struct OpcionesCliente {
  std::string host = "127.0.0.1";
  std::string port = "8080";
  int64_t timeout_ms = 30'000;  // connect + whole request/response, retry included
  uint64_t max_body_bytes = 1ull << 31;
  // Fault injection for drills (simulacros): a slow link writes the request in small pieces
  // with pauses so it takes about bytes/bytes_por_segundo seconds; 0 = full speed. The pauses
  // count against timeout_ms, as a slow link's would.
  int64_t bytes_por_segundo = 0;
};

class Cliente {
 public:
  explicit Cliente(OpcionesCliente o);
  ~Cliente();
  Cliente(const Cliente&) = delete;
  Cliente& operator=(const Cliente&) = delete;

  // Sends one request over a kept-alive connection (opened on first use or after the server
  // closed it). If a REUSED connection turns out to be closed by the server before any byte of
  // the response arrives, reconnects and sends once more (standard keep-alive behaviour; a
  // non-idempotent request is therefore sent twice only if the server dropped it unanswered).
  // Sets Host (unless given), Content-Length (when there is a body, or for POST, PUT and
  // PATCH), User-Agent (unless given) and Content-Type: application/json (unless given, when
  // the body starts with '{' or '['). Any status is a response, not an error.
  // InvalidArgument: a method, target or header that cannot go on the wire, or a
  // Content-Length / Transfer-Encoding / Connection header (the client owns framing).
  // IoError (naming host:port, method and target): refused, reset, timeout, malformed or
  // oversized response.
  Result<RespuestaHttp> Enviar(std::string_view metodo, std::string_view ruta,
                               std::string_view cuerpo = {}, const Encabezados& encabezados = {});

  // Fault injection: sends the request completely on a NEW connection (a stale kept-alive one
  // could swallow it unseen) and then closes it WITHOUT reading the response, as a connection
  // dropped after the server got the request. Ok if the bytes were written; the kept-alive
  // connection, if any, is dropped too.
  Status EnviarYSoltar(std::string_view metodo, std::string_view ruta, std::string_view cuerpo = {},
                       const Encabezados& encabezados = {});

  void Cerrar();  // drops the kept-alive connection

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "http://host[:port][/prefix/]" → host, port (default "80"), prefix (always ends in '/').
// "[::1]" gives host "::1". InvalidArgument for another scheme, no host, a port that is not
// 1..65535, user info, a query or a fragment.
struct UrlHttp {
  std::string host, port, prefijo;
};
Result<UrlHttp> ParsearUrl(std::string_view url);

}  // namespace prep::http
