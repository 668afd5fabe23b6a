// A small HTTP/1.1 server on Boost.Beast: keep-alive, request size limits,
// read/write timeouts, and one handler function per (method, path pattern).
//
// Handlers are plain functions Request -> Response, called on the server's
// worker threads; they must be thread-safe. Errors a client caused are
// answered as JSON {"error": {"code", "message", "field"}} with a 4xx status.
// Thread-safety: Start/Stop from one thread; handlers run concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace prep::http {

struct Request {
  std::string method;  // GET, POST, ...
  std::string target;  // as sent, with the query string
  std::string path;    // target without the query
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // names in lower case
  std::map<std::string, std::string> params;   // from the route pattern: {clave}
  std::string body;
  std::string peer;  // remote address

  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::map<std::string, std::string> headers;
  std::string body;

  static Response Json(int status, std::string body);
  // {"error":{"code":code,"message":message,"field":field}}
  static Response Error(int status, const std::string& code, const std::string& message,
                        const std::string& field = "");
};

using Handler = std::function<Response(const Request&)>;

// Routes "/api/v1/actas/{clave}/capturas": literal segments and {name}
// parameters. 404 for an unknown path, 405 for a known path and other method.
class Router {
 public:
  void Add(const std::string& method, const std::string& pattern, Handler handler);
  Response Dispatch(Request& request) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
};

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;  // 0: any free port (see Server::port())
  int threads = 2;
  size_t max_body_bytes = 1 << 20;
  size_t max_header_bytes = 16 << 10;
  int timeout_seconds = 30;
};

class Server {
 public:
  Server(ServerOptions options, std::shared_ptr<const Router> router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  Status Start();
  void Stop();
  uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace prep::http
