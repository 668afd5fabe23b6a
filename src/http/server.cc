#include "http/server.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <nlohmann/json.hpp>
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

// The body of every response: the Response's own string, a view of bytes a cache owns, or a
// range of an open file read in chunks as the socket takes them. `omitted` answers HEAD and
// 304: the header says how long the payload is, and none follows.
struct PayloadBody {
  struct value_type {
    std::string owned;
    std::shared_ptr<const void> owner;
    std::string_view shared;
    std::shared_ptr<const FileRange> file;
    bool omitted = false;
  };

  static std::uint64_t size(const value_type& v) {
    if (v.omitted) return 0;
    if (v.file) return v.file->length();
    return v.owner ? v.shared.size() : v.owned.size();
  }

  class writer {
   public:
    using const_buffers_type = asio::const_buffer;

    template <bool kIsRequest, class Fields>
    writer(const bhttp::header<kIsRequest, Fields>&, const value_type& v) : v_(v) {}

    void init(beast::error_code& ec) { ec = {}; }

    boost::optional<std::pair<const_buffers_type, bool>> get(beast::error_code& ec) {
      ec = {};
      if (v_.omitted) return boost::none;
      if (!v_.file) {
        const std::string_view bytes = v_.owner ? v_.shared : std::string_view(v_.owned);
        if (done_ || bytes.empty()) return boost::none;
        done_ = true;
        return std::make_pair(asio::const_buffer(bytes.data(), bytes.size()), false);
      }
      const uint64_t remain = v_.file->length() - sent_;
      if (remain == 0) return boost::none;
      constexpr uint64_t kChunk = 64 << 10;
      if (chunk_.empty()) chunk_.resize(static_cast<size_t>(std::min(kChunk, remain)));
      const size_t want = static_cast<size_t>(std::min<uint64_t>(chunk_.size(), remain));
      ssize_t n;
      do {
        n = ::pread(v_.file->fd(), chunk_.data(), want,
                    static_cast<off_t>(v_.file->offset() + sent_));
      } while (n < 0 && errno == EINTR);
      if (n <= 0) {
        // The file shrank or failed under us: the status line is already out, so all we can
        // do is cut the connection short, which the client sees as an incomplete body.
        ec = n == 0 ? beast::error_code(EIO, beast::system_category())
                    : beast::error_code(errno, beast::system_category());
        return boost::none;
      }
      sent_ += static_cast<uint64_t>(n);
      return std::make_pair(asio::const_buffer(chunk_.data(), static_cast<size_t>(n)),
                            sent_ < v_.file->length());
    }

   private:
    const value_type& v_;
    bool done_ = false;
    uint64_t sent_ = 0;
    std::vector<char> chunk_;
  };
};

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
    beast::error_code peer_ec;
    const auto ep = stream_.socket().remote_endpoint(peer_ec);
    if (!peer_ec) r.peer = ep.address().to_string();
    ParseTarget(&r);
    Response resp;
    try {
      resp = router_->Dispatch(r);
    } catch (const std::exception& e) {
      resp = Response::Error(500, "internal", std::string("internal error: ") + e.what());
    }
    Send(std::move(resp), msg.keep_alive(), msg.method() == bhttp::verb::head);
  }

  void Send(Response resp, bool keep_alive, bool head) {
    auto res = std::make_shared<bhttp::response<PayloadBody>>();
    res->version(11);
    res->result(static_cast<unsigned>(resp.status));
    res->set(bhttp::field::server, "prep");
    if (!resp.content_type.empty()) res->set(bhttp::field::content_type, resp.content_type);
    res->set(bhttp::field::cache_control, "no-store");
    res->set("X-Content-Type-Options", "nosniff");
    for (const auto& [k, v] : resp.headers) res->set(k, v);
    // RFC 9110 §6.4.1: 1xx, 204 and 304 have no content; HEAD gets the GET's length only.
    const bool no_content = resp.status < 200 || resp.status == 204 || resp.status == 304;
    if (!no_content) res->content_length(resp.BodySize());
    PayloadBody::value_type& body = res->body();
    body.owned = std::move(resp.body);
    body.owner = std::move(resp.shared_owner);
    body.shared = resp.shared_body;
    body.file = std::move(resp.file_body);
    body.omitted = head || no_content;
    res->keep_alive(keep_alive);
    stream_.expires_after(std::chrono::seconds(options_.timeout_seconds));
    bhttp::async_write(
        stream_, *res,
        [self = shared_from_this(), res, keep_alive](beast::error_code ec, std::size_t) {
          if (ec || !keep_alive) return self->Close();
          self->Read();
        });
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
  std::array<char, 16384> drain_;
};

}  // namespace

FileRange::~FileRange() { ::close(fd_); }

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
