#include "http/server.h"

#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <nlohmann/json.hpp>
#include <span>
#include <sstream>
#include <thread>

namespace prep::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : path) {
    if (c == '/') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string UrlDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && Hex(s[i + 1]) >= 0 && Hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(Hex(s[i + 1]) * 16 + Hex(s[i + 2])));
      i += 2;
    } else if (s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

void ParseTarget(Request* r) {
  const size_t q = r->target.find('?');
  r->path = UrlDecode(r->target.substr(0, q));
  if (q == std::string::npos) return;
  std::stringstream ss(r->target.substr(q + 1));
  std::string pair;
  while (std::getline(ss, pair, '&')) {
    const size_t eq = pair.find('=');
    r->query[UrlDecode(pair.substr(0, eq))] =
        eq == std::string::npos ? "" : UrlDecode(pair.substr(eq + 1));
  }
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, std::shared_ptr<const Router> router, const ServerOptions& options)
      : stream_(std::move(socket)), router_(std::move(router)), options_(options) {}

  void Run() {
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&Session::Read, shared_from_this()));
  }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(options_.max_body_bytes);
    parser_->header_limit(static_cast<uint32_t>(options_.max_header_bytes));
    stream_.expires_after(std::chrono::seconds(options_.timeout_seconds));
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t) {
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::connection_reset) {
      return Close();
    }
    if (ec == bhttp::error::body_limit) {
      return Send(Response::Error(413, "payload_too_large",
                                  "the request body is larger than " +
                                      std::to_string(options_.max_body_bytes) + " bytes"),
                  false, false);
    }
    if (ec == bhttp::error::header_limit) {
      return Send(Response::Error(431, "headers_too_large", "the request headers are too large"),
                  false, false);
    }
    if (ec) {
      return Send(Response::Error(400, "bad_request", "malformed HTTP request: " + ec.message()),
                  false, false);
    }
    auto msg = parser_->release();
    Request r;
    r.method = std::string(msg.method_string());
    r.target = std::string(msg.target());
    for (const auto& f : msg) {
      std::string name(f.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[name] = std::string(f.value());
    }
    r.body = std::move(msg.body());
    if (peer_.empty()) {
      beast::error_code peer_ec;
      const auto ep = stream_.socket().remote_endpoint(peer_ec);
      if (!peer_ec) peer_ = ep.address().to_string();
    }
    r.peer = peer_;
    ParseTarget(&r);
    Response resp;
    try {
      resp = router_->Dispatch(r);
    } catch (const std::exception& e) {
      resp = Response::Error(500, "internal", std::string("internal error: ") + e.what());
    }
    Send(std::move(resp), msg.keep_alive(), msg.method() == bhttp::verb::head);
  }

  // The response goes out without Beast's serializer: the header is formatted into a buffer
  // the session keeps, and header and payload leave in one gather write (one sendmsg for a
  // cached file). The serializer's buffer sequences and per-field allocations were a third of
  // the time of a small static response (bench/static_bench.sh).
  void Send(Response resp, bool keep_alive, bool head) {
    // RFC 9110 §6.4.1: 1xx, 204 and 304 have no content; HEAD gets the GET's length only.
    const bool no_content = resp.status < 200 || resp.status == 204 || resp.status == 304;
    FormatHead(resp, keep_alive, no_content);
    out_.owned = std::move(resp.body);
    out_.owner = std::move(resp.shared_owner);
    out_.shared = resp.shared_body;
    out_.file = std::move(resp.file_body);
    out_.sent = 0;
    out_.head_sent = 0;
    out_.keep_alive = keep_alive;
    if (head || no_content) {
      out_.owned.clear();
      out_.owner.reset();
      out_.shared = {};
      out_.file.reset();
    }
    if (out_.file && SendFileNow()) return OnWrite({}, 0);
    size_t count = 0;
    if (out_.head_sent < head_.size()) {
      buffers_[count++] = asio::buffer(head_.data() + out_.head_sent, head_.size() - out_.head_sent);
    }
    if (out_.file) {
      const Status read = ReadChunk();
      if (!read.ok()) return Close();
      buffers_[count++] = asio::buffer(chunk_.data(), chunk_size_);
    } else {
      const std::string_view bytes = out_.owner ? out_.shared : std::string_view(out_.owned);
      if (!bytes.empty()) buffers_[count++] = asio::buffer(bytes.data(), bytes.size());
    }
    stream_.expires_after(std::chrono::seconds(options_.timeout_seconds));
    // The span views buffers_, a member, so it outlives the write.
    asio::async_write(stream_, std::span<const asio::const_buffer>(buffers_.data(), count),
                      beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
  }

  void OnWrite(beast::error_code ec, std::size_t) {
    if (ec) return Close();
    if (out_.file && out_.sent < out_.file->length()) {
      // The next chunk of a file too large to cache.
      const Status read = ReadChunk();
      if (!read.ok()) return Close();
      stream_.expires_after(std::chrono::seconds(options_.timeout_seconds));
      return asio::async_write(stream_, asio::buffer(chunk_.data(), chunk_size_),
                               beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
    }
    out_.owned.clear();
    out_.owner.reset();  // a cache entry need not outlive its response
    out_.shared = {};
    out_.file.reset();
    if (!out_.keep_alive) return Close();
    Read();
  }

  // Tries to send the header and the whole file range at once, without waiting: the header
  // with MSG_MORE so that it leaves in the same segment as the first bytes of the file, and
  // the file with sendfile, so its bytes go from the page cache to the socket uncopied (what
  // nginx's `sendfile on` does). True if everything went out. Otherwise out_.head_sent and
  // out_.sent say how far it got, and the rest goes through async writes, which wait for a
  // slow client under the session's timeout.
  bool SendFileNow() {
    const int sock = stream_.socket().native_handle();
    while (out_.head_sent < head_.size()) {
      const ssize_t n = ::send(sock, head_.data() + out_.head_sent, head_.size() - out_.head_sent,
                               MSG_MORE | MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      out_.head_sent += static_cast<size_t>(n);
    }
    if (!nonblocking_) {  // sendfile has no MSG_DONTWAIT
      beast::error_code ec;
      stream_.socket().native_non_blocking(true, ec);
      if (ec) return false;
      nonblocking_ = true;
    }
    while (out_.sent < out_.file->length()) {
      off_t offset = static_cast<off_t>(out_.file->offset() + out_.sent);
      const ssize_t n = ::sendfile(sock, out_.file->fd(), &offset,
                                   static_cast<size_t>(out_.file->length() - out_.sent));
      if (n < 0 && errno == EINTR) continue;
      // EAGAIN: the client is slower than the socket buffer. 0 or another error: the async
      // path reports it (a file that shrank, a reset).
      if (n <= 0) return false;
      out_.sent += static_cast<uint64_t>(n);
    }
    return true;
  }

  // Reads the next piece of out_.file into chunk_.
  Status ReadChunk() {
    constexpr uint64_t kChunk = 64 << 10;
    const uint64_t remain = out_.file->length() - out_.sent;
    if (chunk_.size() < kChunk) chunk_.resize(static_cast<size_t>(kChunk));
    const size_t want = static_cast<size_t>(std::min<uint64_t>(kChunk, remain));
    ssize_t n;
    do {
      n = ::pread(out_.file->fd(), chunk_.data(), want,
                  static_cast<off_t>(out_.file->offset() + out_.sent));
    } while (n < 0 && errno == EINTR);
    if (n <= 0) {
      // The file shrank or failed under us: the status line is already out (or the length
      // promised), so all we can do is cut the connection short, which the client sees as
      // an incomplete body.
      return Status::IoError("cannot read the file being sent");
    }
    chunk_size_ = static_cast<size_t>(n);
    out_.sent += static_cast<uint64_t>(n);
    return Status::Ok();
  }

  void FormatHead(const Response& resp, bool keep_alive, bool no_content) {
    head_.clear();
    head_.append("HTTP/1.1 ");
    head_.append(std::to_string(resp.status));
    head_.push_back(' ');
    const beast::string_view reason = bhttp::obsolete_reason(bhttp::int_to_status(
        static_cast<unsigned>(resp.status)));
    head_.append(reason.data(), reason.size());
    head_.append("\r\nServer: prep\r\n");
    const auto line = [this](std::string_view name, std::string_view value) {
      head_.append(name);
      head_.append(": ");
      head_.append(value);
      head_.append("\r\n");
    };
    if (!resp.content_type.empty()) line("Content-Type", resp.content_type);
    // Defaults that a handler's own header replaces.
    if (resp.header_block.empty()) {
      if (resp.headers.find("Cache-Control") == resp.headers.end()) line("Cache-Control", "no-store");
      if (resp.headers.find("X-Content-Type-Options") == resp.headers.end()) {
        line("X-Content-Type-Options", "nosniff");
      }
    }
    head_.append(resp.header_block);
    for (const auto& [k, v] : resp.headers) line(k, v);
    if (!no_content) line("Content-Length", std::to_string(resp.BodySize()));
    if (!keep_alive) line("Connection", "close");
    head_.append("\r\n");
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    // Lingering close: read and discard what the client is still sending
    // (say, the rest of a body refused with 413) until it closes or 2 s pass,
    // so the kernel does not reset the connection before the client has read
    // our answer.
    Drain();
  }

  void Drain() {
    stream_.expires_after(std::chrono::seconds(2));
    stream_.async_read_some(asio::buffer(drain_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (!ec) self->Drain();
                            });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::shared_ptr<const Router> router_;
  const ServerOptions options_;  // a copy: sessions may outlive a stopped server
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string peer_;  // the remote address, looked up once per connection
  // The response being written: its formatted header and whichever payload it has.
  std::string head_;
  struct {
    std::string owned;
    std::shared_ptr<const void> owner;
    std::string_view shared;
    std::shared_ptr<const FileRange> file;
    uint64_t sent = 0;       // bytes of `file` sent or read so far
    size_t head_sent = 0;    // bytes of head_ sent by SendFileNow
    bool keep_alive = false;
  } out_;
  std::array<asio::const_buffer, 2> buffers_;
  bool nonblocking_ = false;  // the socket is in non-blocking mode (for sendfile)
  std::vector<char> chunk_;
  size_t chunk_size_ = 0;
  std::array<char, 16384> drain_;
};

}  // namespace

FileRange::~FileRange() {
  if (!fd_owner_) ::close(fd_);
}

Response Response::Json(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response Response::Error(int status, const std::string& code, const std::string& message,
                         const std::string& field) {
  nlohmann::ordered_json j;
  j["error"] = {{"code", code}, {"message", message}, {"field", field}};
  return Json(status, j.dump());
}

void Router::Add(const std::string& method, const std::string& pattern, Handler handler) {
  routes_.push_back({method, Split(pattern), std::move(handler)});
}

Response Router::Dispatch(Request& request) const {
  const std::vector<std::string> segs = Split(request.path);
  bool path_known = false;
  for (const Route& route : routes_) {
    if (route.segments.size() != segs.size()) continue;
    std::map<std::string, std::string> params;
    bool match = true;
    for (size_t i = 0; i < segs.size() && match; ++i) {
      const std::string& p = route.segments[i];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
        params[p.substr(1, p.size() - 2)] = segs[i];
      } else if (p != segs[i]) {
        match = false;
      }
    }
    if (!match) continue;
    path_known = true;
    if (route.method != request.method) continue;
    request.params = std::move(params);
    return route.handler(request);
  }
  if (!path_known && fallback_) return fallback_(request);
  if (path_known)
    return Response::Error(405, "method_not_allowed",
                           request.method + " is not allowed on " + request.path);
  return Response::Error(404, "not_found", "no such resource: " + request.path);
}

struct Server::Impl {
  ServerOptions options;
  std::shared_ptr<const Router> router;
  asio::io_context ioc;
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  std::atomic<bool> running{false};

  void Accept() {
    acceptor->async_accept(asio::make_strand(ioc),
                           [this](beast::error_code ec, tcp::socket socket) {
                             if (!running) return;
                             if (!ec) {
                               // Responses go out in one write each; Nagle would hold the
                               // tail of one back waiting for the ACK of the one before.
                               beast::error_code nodelay_ec;
                               socket.set_option(tcp::no_delay(true), nodelay_ec);
                               std::make_shared<Session>(std::move(socket), router, options)->Run();
                             }
                             Accept();
                           });
  }
};

Server::Server(ServerOptions options, std::shared_ptr<const Router> router)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->router = std::move(router);
}

Server::~Server() { Stop(); }

Status Server::Start() {
  beast::error_code ec;
  const auto address = asio::ip::make_address(impl_->options.address, ec);
  if (ec)
    return Status::InvalidArgument("listen address '" + impl_->options.address +
                                   "': " + ec.message());
  impl_->acceptor.emplace(impl_->ioc);
  const tcp::endpoint endpoint(address, impl_->options.port);
  impl_->acceptor->open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor->bind(endpoint, ec);
  if (!ec) impl_->acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::IoError("cannot listen on " + impl_->options.address + ":" +
                           std::to_string(impl_->options.port) + ": " + ec.message());
  }
  impl_->running = true;
  impl_->Accept();
  for (int i = 0; i < std::max(1, impl_->options.threads); ++i) {
    impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  }
  return Status::Ok();
}

void Server::Stop() {
  if (!impl_ || !impl_->running.exchange(false)) return;
  asio::post(impl_->ioc, [this] {
    beast::error_code ec;
    impl_->acceptor->close(ec);
  });
  impl_->ioc.stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
}

uint16_t Server::port() const {
  beast::error_code ec;
  return impl_->acceptor ? impl_->acceptor->local_endpoint(ec).port() : 0;
}

}  // namespace prep::http
