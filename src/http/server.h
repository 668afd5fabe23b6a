// A small HTTP/1.1 server on Boost.Beast: keep-alive, request size limits,
// read/write timeouts, and one handler function per (method, path pattern).
//
// Handlers are plain functions Request -> Response, called on the server's
// worker threads; they must be thread-safe. Errors a client caused are
// answered as JSON {"error": {"code", "message", "field"}} with a 4xx status.
// Thread-safety: Start/Stop from one thread; handlers run concurrently.
//
// Speed (bench/static_bench.sh): with threads = 1 a connection's handlers run on the
// io_context's own executor (they are sequential anyway), with more on a strand per
// connection; either is a concrete executor type, not any_io_executor. Each connection keeps
// one Request (its HeaderList, strings and body buffer reused from request to request), one
// timer armed once rather than around every operation, and writes a response directly with
// sendmsg/sendfile, waiting through Asio only for what the socket does not take at once.
// A Request is the handler's for the duration of the call only.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace prep::http {

// The header fields of a request, names in lower case, in the order they came. A flat list
// rather than a map: a connection's server session reuses one from request to request, so that
// once warm, reading the headers of a request allocates nothing.
class HeaderList {
 public:
  using Field = std::pair<std::string, std::string>;
  // The value of the last field named `lower_name` (as a map assignment would keep), or empty.
  std::string_view Find(std::string_view lower_name) const {
    for (size_t i = size_; i-- > 0;) {
      if (fields_[i].first == lower_name) return fields_[i].second;
    }
    return {};
  }
  bool Has(std::string_view lower_name) const {
    for (size_t i = 0; i < size_; ++i) {
      if (fields_[i].first == lower_name) return true;
    }
    return false;
  }
  // Appends a field; lower-cases `name`.
  void Add(std::string_view name, std::string_view value) {
    if (size_ == fields_.size()) fields_.emplace_back();
    Field& f = fields_[size_++];
    f.first.assign(name);
    for (char& c : f.first) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    f.second.assign(value);
  }
  void Clear() { size_ = 0; }  // keeps the strings' storage for the next request
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const Field* begin() const { return fields_.data(); }
  const Field* end() const { return fields_.data() + size_; }

 private:
  std::vector<Field> fields_;
  size_t size_ = 0;  // fields_[size_..] are spare, from earlier requests
};

struct Request {
  std::string method;  // GET, POST, ...
  std::string target;  // as sent, with the query string
  std::string path;    // target without the query
  std::map<std::string, std::string> query;
  HeaderList headers;                         // names in lower case
  std::map<std::string, std::string> params;  // from the route pattern: {clave}
  std::string body;
  std::string peer;  // remote address

  std::string Header(const std::string& lower_name) const {
    return std::string(headers.Find(lower_name));
  }
  // The same without a copy; valid while the request is.
  std::string_view HeaderView(std::string_view lower_name) const {
    return headers.Find(lower_name);
  }
};

// A byte range of an open read-only file that a Response sends from the file itself
// (sendfile: no copy through user space; 64 KiB reads once the client is slower than the
// socket buffer) instead of holding it in memory.
class FileRange {
 public:
  // Owns `fd`. REQUIRES: fd is open for reading; [offset, offset + length) lies within the
  // file.
  FileRange(int fd, uint64_t offset, uint64_t length) : fd_(fd), offset_(offset), length_(length) {}
  // Borrows `fd`, which `fd_owner` keeps open (a cache entry).
  FileRange(int fd, uint64_t offset, uint64_t length, std::shared_ptr<const void> fd_owner)
      : fd_(fd), offset_(offset), length_(length), fd_owner_(std::move(fd_owner)) {}
  ~FileRange();
  FileRange(const FileRange&) = delete;
  FileRange& operator=(const FileRange&) = delete;

  int fd() const { return fd_; }
  uint64_t offset() const { return offset_; }
  uint64_t length() const { return length_; }

 private:
  int fd_;
  uint64_t offset_;
  uint64_t length_;
  std::shared_ptr<const void> fd_owner_;  // null: fd_ is ours to close
};

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::map<std::string, std::string> headers;
  std::string body;
  // Two alternatives to `body`, for the static site; at most one is set. `shared_body` views
  // bytes that `shared_owner` keeps alive (a cache entry), so a cached file is written without
  // being copied; `file_body` is streamed from disk.
  std::shared_ptr<const void> shared_owner;
  std::string_view shared_body;
  std::shared_ptr<const FileRange> file_body;
  // Header lines already formatted ("Name: value\r\n" each) that `shared_owner` keeps alive,
  // sent before `headers`: the static site renders a cached file's fixed headers once, not
  // once a request. When set, the server adds no Cache-Control or X-Content-Type-Options of
  // its own (the block is expected to carry them).
  std::string_view header_block;
  // Adds a Date header (the current second, formatted once a second per thread).
  bool date = false;

  // The length of the payload, whichever of the three holds it. A HEAD request gets this as
  // its Content-Length and no payload.
  uint64_t BodySize() const {
    if (file_body) return file_body->length();
    return shared_owner ? shared_body.size() : body.size();
  }

  static Response Json(int status, std::string body);
  // {"error":{"code":code,"message":message,"field":field}}
  static Response Error(int status, const std::string& code, const std::string& message,
                        const std::string& field = "");
};

using Handler = std::function<Response(const Request&)>;

// Routes "/api/v1/actas/{clave}/capturas": literal segments and {name}
// parameters. 404 for an unknown path, 405 for a known path and other method.
// A Router is a value: copy one to add a fallback to routes built elsewhere.
class Router {
 public:
  void Add(const std::string& method, const std::string& pattern, Handler handler);
  // Called, whatever the method, for a path that no route pattern matches (instead of the
  // 404): the public site behind the API (see static_files.h).
  void SetFallback(Handler handler) { fallback_ = std::move(handler); }
  // Replaces the handler of every route added so far by wrap(handler): a check that runs
  // before each of them (the API's rate limits), leaving routes added later alone.
  void WrapRoutes(const std::function<Handler(Handler)>& wrap) {
    for (Route& r : routes_) r.handler = wrap(std::move(r.handler));
  }
  Response Dispatch(Request& request) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
  Handler fallback_;
};

// RFC 9110 IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") of a Unix time, with its own
// English names: strftime would follow the locale. For Date and Last-Modified.
std::string HttpDate(int64_t seconds);

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;  // 0: any free port (see Server::port())
  int threads = 2;
  size_t max_body_bytes = 1 << 20;
  size_t max_header_bytes = 16 << 10;
  // The whole of a request (headers and body) must arrive within this, and each write of a
  // response must progress: a client that trickles bytes (slowloris) is cut off.
  int timeout_seconds = 30;
  // Connections open at once; more are closed as soon as they are accepted.
  int max_connections = 20000;
  // PEM files: when both are set the server speaks only HTTPS (TLS 1.2 or 1.3) and every
  // answer carries Strict-Transport-Security.
  std::string tls_certificate_file;
  std::string tls_key_file;
};

// Parses one request from `bytes` exactly as a connection does (same parser, same limits,
// same decoding of the target and query) and returns how many bytes it took. For the fuzz
// target and tests; the server itself parses incrementally.
Result<size_t> ParseRequest(std::string_view bytes, const ServerOptions& limits, Request* out);

class Server {
 public:
  Server(ServerOptions options, std::shared_ptr<const Router> router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  Status Start();
  void Stop();
  uint16_t port() const;
  bool tls() const;
  int open_connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace prep::http
