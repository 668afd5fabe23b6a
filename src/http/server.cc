#include "http/server.h"

#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <sstream>
#include <thread>

namespace prep::http {
namespace {

// Bytes a client sent (a path, a key, a name) may be invalid UTF-8: replaced with U+FFFD when
// written as JSON, never thrown on.
constexpr auto kReemplazarUtf8Invalido = nlohmann::json::error_handler_t::replace;

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

// Percent-decodes `s` into `out` (whose storage is reused).
void UrlDecodeInto(std::string_view s, std::string* out) {
  out->clear();
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && Hex(s[i + 1]) >= 0 && Hex(s[i + 2]) >= 0) {
      out->push_back(static_cast<char>(Hex(s[i + 1]) * 16 + Hex(s[i + 2])));
      i += 2;
    } else if (s[i] == '+') {
      out->push_back(' ');
    } else {
      out->push_back(s[i]);
    }
  }
}

std::string UrlDecode(std::string_view s) {
  std::string out;
  UrlDecodeInto(s, &out);
  return out;
}

void ParseTarget(Request* r) {
  const size_t q = r->target.find('?');
  UrlDecodeInto(std::string_view(r->target).substr(0, q), &r->path);
  if (q == std::string::npos) return;
  std::string_view rest = std::string_view(r->target).substr(q + 1);
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    r->query[UrlDecode(pair.substr(0, eq))] =
        eq == std::string_view::npos ? "" : UrlDecode(pair.substr(eq + 1));
  }
}

// The Date header's value, formatted once a second per thread rather than once a request.
std::string_view DateNow() {
  thread_local int64_t second = -1;
  thread_local std::string text;
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  if (now != second) {
    text = HttpDate(now);
    second = now;
  }
  return text;
}

// Beast's request parser writing straight into a Request that the session reuses: no
// beast::http::fields (one allocation per field) and no copy from it into a map.
class RequestParser : public bhttp::basic_parser<true> {
 public:
  explicit RequestParser(Request* r) : r_(r) {}
  bhttp::verb verb() const { return verb_; }

 private:
  void on_request_impl(bhttp::verb method, beast::string_view method_str, beast::string_view target,
                       int, beast::error_code&) override {
    verb_ = method;
    r_->method.assign(method_str.data(), method_str.size());
    r_->target.assign(target.data(), target.size());
  }
  void on_response_impl(int, beast::string_view, int, beast::error_code& ec) override {
    ec = bhttp::error::bad_method;  // never called for a request parser
  }
  void on_field_impl(bhttp::field, beast::string_view name, beast::string_view value,
                     beast::error_code&) override {
    r_->headers.Add(std::string_view(name.data(), name.size()),
                    std::string_view(value.data(), value.size()));
  }
  void on_header_impl(beast::error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length,
                         beast::error_code&) override {
    // basic_parser has already refused a length over the body limit.
    if (length) r_->body.reserve(static_cast<size_t>(*length));
  }
  std::size_t on_body_impl(beast::string_view body, beast::error_code&) override {
    r_->body.append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, beast::error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view body,
                                 beast::error_code&) override {
    r_->body.append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(beast::error_code&) override {}

  Request* r_;
  bhttp::verb verb_ = bhttp::verb::unknown;
};

using Clock = std::chrono::steady_clock;

// One connection. `Executor` is the io_context's own executor when the server runs one thread
// (the connection's handlers are sequential anyway) and a strand of it otherwise; either way a
// concrete type, not any_io_executor, whose type-erased copies and `prefer` calls were a tenth
// of the time of a 304 (bench/static_bench.sh, perf).
//
// Timeouts: one timer per connection, armed once, not once per operation (beast::tcp_stream
// arms and cancels a timer around every read and write, which also re-programs the reactor's
// timerfd). Each request and write moves `deadline_`; when the timer fires early it re-arms
// itself for the deadline, and past it cancels the pending operation.
//
// With kTls the bytes go through an OpenSSL stream: the handshake comes first (under the same
// deadline), and responses always take the async write path (sendfile and sendmsg would bypass
// the encryption). The lingering close and the timer act on the TCP socket underneath.
template <class Executor, bool kTls>
class Session : public std::enable_shared_from_this<Session<Executor, kTls>> {
  using Socket = asio::basic_stream_socket<tcp, Executor>;
  using Stream = std::conditional_t<kTls, asio::ssl::stream<Socket>, Socket>;
  using Timer = asio::basic_waitable_timer<Clock, asio::wait_traits<Clock>, Executor>;

 public:
  Session(Stream&& stream, std::shared_ptr<const Router> router, const ServerOptions& options,
          std::shared_ptr<std::atomic<int>> open_sessions)
      : socket_(std::move(stream)),
        timer_(socket_.get_executor()),
        router_(std::move(router)),
        options_(options),
        open_sessions_(std::move(open_sessions)) {}
  ~Session() {
    if (open_sessions_) open_sessions_->fetch_sub(1);
  }

  void Run() {
    asio::dispatch(socket_.get_executor(), [self = this->shared_from_this()] {
      beast::error_code ec;
      self->Tcp().native_non_blocking(true, ec);  // for the direct send/recv/sendfile
      if (ec) return self->Close();
      self->Touch(self->options_.timeout_seconds);
      self->WaitTimer();
      if constexpr (kTls) {
        self->socket_.async_handshake(asio::ssl::stream_base::server,
                                      [self](beast::error_code hec) {
                                        if (hec) return self->Close();
                                        self->Read();
                                      });
      } else {
        self->Read();
      }
    });
  }

 private:
  Socket& Tcp() {
    if constexpr (kTls) {
      return socket_.next_layer();
    } else {
      return socket_;
    }
  }

  void Touch(int seconds) { deadline_ = Clock::now() + std::chrono::seconds(seconds); }

  void WaitTimer() {
    timer_.expires_at(deadline_);  // cancels a pending wait, whose handler then does nothing
    timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (ec == asio::error::operation_aborted || self->done_) return;
      if (Clock::now() < self->deadline_) return self->WaitTimer();
      beast::error_code ignored;
      if (self->draining_) {
        self->Tcp().close(ignored);  // the pending drain read ends
      } else {
        self->Tcp().cancel(ignored);  // the pending read or write ends with an error
      }
    });
  }

  // A new request: the parser starts afresh, the Request keeps its storage.
  void Read() {
    req_.method.clear();
    req_.target.clear();
    req_.headers.Clear();
    if (!req_.query.empty()) req_.query.clear();
    if (!req_.params.empty()) req_.params.clear();
    if (req_.body.capacity() > (64 << 10)) {
      std::string().swap(req_.body);  // do not hold an upload's worth per idle connection
    } else {
      req_.body.clear();
    }
    parser_.emplace(&req_);
    parser_->body_limit(options_.max_body_bytes);
    parser_->header_limit(static_cast<uint32_t>(options_.max_header_bytes));
    Touch(options_.timeout_seconds);
    Parse();
  }

  // Feeds what the buffer holds to the parser; reads more if it needs more.
  void Parse() {
    while (buffer_.size() > 0) {
      beast::error_code ec;
      const size_t n = parser_->put(buffer_.data(), ec);
      buffer_.consume(n);
      if (ec == bhttp::error::need_more) break;
      if (ec) return OnRequest(ec);
      if (parser_->is_done()) return OnRequest({});
      if (n == 0) break;
    }
    socket_.async_read_some(buffer_.prepare(ReadSize()),
                            [self = this->shared_from_this()](beast::error_code ec, size_t n) {
                              self->OnReadSome(ec, n);
                            });
  }

  size_t ReadSize() const {
    // As Beast's read_size: start small, grow with the buffer, at most 64 KiB a read.
    const size_t spare = buffer_.capacity() - buffer_.size();
    return std::min<size_t>(64 << 10, std::max<size_t>(1024, spare));
  }

  void OnReadSome(beast::error_code ec, size_t n) {
    buffer_.commit(n);
    if (ec == asio::error::eof) {
      if (!parser_->got_some() && buffer_.size() == 0) return Close();  // between requests
      beast::error_code eof_ec;
      parser_->put_eof(eof_ec);
      if (!eof_ec && !parser_->is_done()) eof_ec = bhttp::error::partial_message;
      return OnRequest(eof_ec);
    }
    if (ec) return Close();  // reset, or the timer cancelled the read
    Parse();
  }

  void OnRequest(beast::error_code ec) {
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
    if (req_.peer.empty()) {
      beast::error_code peer_ec;
      const auto ep = Tcp().remote_endpoint(peer_ec);
      if (!peer_ec) req_.peer = ep.address().to_string();
    }
    ParseTarget(&req_);
    Response resp;
    try {
      resp = router_->Dispatch(req_);
    } catch (const std::exception& e) {
      resp = Response::Error(500, "internal", std::string("internal error: ") + e.what());
    }
    Send(std::move(resp), parser_->keep_alive(), parser_->verb() == bhttp::verb::head);
  }

  // The response goes out without Beast's serializer: the header is formatted into a buffer
  // the session keeps, and header and payload leave in one gather write (one sendmsg for a
  // cached file), first tried at once without waiting; only what the socket does not take
  // goes through an async write. The serializer's buffer sequences and per-field allocations
  // were a third of the time of a small static response (bench/static_bench.sh).
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
    Touch(options_.timeout_seconds);
    out_.body_sent = 0;
    if constexpr (!kTls) {
      if (out_.file) {
        if (SendFileNow()) return Done(true);
      } else if (SendNow()) {
        return Done(true);
      }
    }
    size_t count = 0;
    if (out_.head_sent < head_.size()) {
      buffers_[count++] =
          asio::buffer(head_.data() + out_.head_sent, head_.size() - out_.head_sent);
    }
    if (out_.file) {
      const Status read = ReadChunk();
      if (!read.ok()) return Close();
      buffers_[count++] = asio::buffer(chunk_.data(), chunk_size_);
    } else {
      const std::string_view bytes = Payload().substr(out_.body_sent);
      if (!bytes.empty()) buffers_[count++] = asio::buffer(bytes.data(), bytes.size());
    }
    // The span views buffers_, a member, so it outlives the write.
    asio::async_write(
        socket_, std::span<const asio::const_buffer>(buffers_.data(), count),
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnWrite(ec); });
  }

  std::string_view Payload() const {
    return out_.owner ? out_.shared : std::string_view(out_.owned);
  }

  // Writes the header and an in-memory payload with one sendmsg, without waiting. True if all
  // of it went out; otherwise out_.head_sent and out_.body_sent say how far.
  bool SendNow() {
    const int sock = Tcp().native_handle();
    const std::string_view body = Payload();
    out_.body_sent = 0;
    while (out_.head_sent < head_.size() || out_.body_sent < body.size()) {
      struct iovec iov[2];
      int count = 0;
      if (out_.head_sent < head_.size()) {
        iov[count++] = {head_.data() + out_.head_sent, head_.size() - out_.head_sent};
      }
      if (out_.body_sent < body.size()) {
        iov[count++] = {const_cast<char*>(body.data()) + out_.body_sent,
                        body.size() - out_.body_sent};
      }
      struct msghdr msg {};
      msg.msg_iov = iov;
      msg.msg_iovlen = static_cast<size_t>(count);
      const ssize_t n = ::sendmsg(sock, &msg, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;  // EAGAIN: the async write waits; an error: it reports it
      size_t left = static_cast<size_t>(n);
      const size_t h = std::min(left, head_.size() - out_.head_sent);
      out_.head_sent += h;
      left -= h;
      out_.body_sent += left;
    }
    return true;
  }

  void OnWrite(beast::error_code ec) {
    if (ec) return Close();
    if (out_.file && out_.sent < out_.file->length()) {
      // The next chunk of a file too large to cache.
      const Status read = ReadChunk();
      if (!read.ok()) return Close();
      Touch(options_.timeout_seconds);
      return asio::async_write(
          socket_, asio::buffer(chunk_.data(), chunk_size_),
          [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnWrite(ec); });
    }
    Done(false);
  }

  // The response is out. `at_once`: written directly, from the handler that read its request.
  void Done(bool at_once) {
    out_.owned.clear();
    if (out_.owned.capacity() > (64 << 10)) std::string().swap(out_.owned);
    out_.owner.reset();  // a cache entry need not outlive its response
    out_.shared = {};
    out_.file.reset();
    if (!out_.keep_alive) return Close();
    if (at_once && buffer_.size() > 0) {
      // Pipelined requests are answered in this same call chain; every few, the chain goes
      // back through the scheduler so that a client's burst cannot grow the stack unbounded.
      if (++inline_depth_ >= 8) {
        inline_depth_ = 0;
        return asio::post(socket_.get_executor(),
                          [self = this->shared_from_this()] { self->Read(); });
      }
    } else {
      inline_depth_ = 0;
    }
    Read();
  }

  // Tries to send the header and the whole file range at once, without waiting: the header
  // with MSG_MORE so that it leaves in the same segment as the first bytes of the file, and
  // the file with sendfile, so its bytes go from the page cache to the socket uncopied (what
  // nginx's `sendfile on` does). True if everything went out. Otherwise out_.head_sent and
  // out_.sent say how far it got, and the rest goes through async writes, which wait for a
  // slow client under the session's timeout.
  bool SendFileNow() {
    const int sock = Tcp().native_handle();
    while (out_.head_sent < head_.size()) {
      const ssize_t n = ::send(sock, head_.data() + out_.head_sent, head_.size() - out_.head_sent,
                               MSG_MORE | MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      out_.head_sent += static_cast<size_t>(n);
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
    char number[24];
    const int digits = std::snprintf(number, sizeof number, "%d", resp.status);
    head_.append(number, static_cast<size_t>(std::max(digits, 0)));
    head_.push_back(' ');
    const beast::string_view reason =
        bhttp::obsolete_reason(bhttp::int_to_status(static_cast<unsigned>(resp.status)));
    head_.append(reason.data(), reason.size());
    head_.append("\r\nServer: prep\r\n");
    const auto line = [this](std::string_view name, std::string_view value) {
      head_.append(name);
      head_.append(": ");
      head_.append(value);
      head_.append("\r\n");
    };
    if (resp.date) line("Date", DateNow());
    if (!resp.content_type.empty()) line("Content-Type", resp.content_type);
    // Defaults that a handler's own header replaces.
    if (resp.header_block.empty()) {
      if (resp.headers.find("Cache-Control") == resp.headers.end())
        line("Cache-Control", "no-store");
      if (resp.headers.find("X-Content-Type-Options") == resp.headers.end()) {
        line("X-Content-Type-Options", "nosniff");
      }
      // API answers and errors are never a page to frame or a referrer to leak.
      if (resp.headers.find("X-Frame-Options") == resp.headers.end()) {
        line("X-Frame-Options", "DENY");
      }
      if (resp.headers.find("Referrer-Policy") == resp.headers.end()) {
        line("Referrer-Policy", "no-referrer");
      }
    }
    // Over TLS, browsers are told to come back only over TLS (two years, as the HSTS
    // preload list asks).
    if constexpr (kTls) line("Strict-Transport-Security", "max-age=63072000");
    head_.append(resp.header_block);
    for (const auto& [k, v] : resp.headers) line(k, v);
    if (!no_content) {
      const int n = std::snprintf(number, sizeof number, "%llu",
                                  static_cast<unsigned long long>(resp.BodySize()));
      line("Content-Length", std::string_view(number, static_cast<size_t>(std::max(n, 0))));
    }
    if (!keep_alive) line("Connection", "close");
    head_.append("\r\n");
  }

  void Close() {
    if (draining_ || done_) return;
    draining_ = true;
    beast::error_code ec;
    Tcp().shutdown(tcp::socket::shutdown_send, ec);
    // Lingering close: read and discard what the client is still sending
    // (say, the rest of a body refused with 413) until it closes or 2 s pass,
    // so the kernel does not reset the connection before the client has read
    // our answer.
    Touch(2);
    WaitTimer();
    Drain();
  }

  void Drain() {
    Tcp().async_read_some(asio::buffer(drain_),
                          [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                            if (!ec) return self->Drain();
                            self->done_ = true;
                            beast::error_code ignored;
                            self->timer_.cancel(ignored);  // lets the session go
                            self->Tcp().close(ignored);
                          });
  }

  Stream socket_;
  Timer timer_;
  Clock::time_point deadline_{};
  bool draining_ = false;  // Close() has run
  bool done_ = false;      // the drain is over
  int inline_depth_ = 0;   // requests answered in one call chain (pipelining)
  beast::flat_buffer buffer_;
  std::shared_ptr<const Router> router_;
  const ServerOptions options_;  // a copy: sessions may outlive a stopped server
  std::shared_ptr<std::atomic<int>> open_sessions_;
  Request req_;  // reused from request to request
  std::optional<RequestParser> parser_;
  // The response being written: its formatted header and whichever payload it has.
  std::string head_;
  struct {
    std::string owned;
    std::shared_ptr<const void> owner;
    std::string_view shared;
    std::shared_ptr<const FileRange> file;
    uint64_t sent = 0;     // bytes of `file` sent or read so far
    size_t head_sent = 0;  // bytes of head_ sent directly
    size_t body_sent = 0;  // bytes of an in-memory payload sent directly
    bool keep_alive = false;
  } out_;
  std::array<asio::const_buffer, 2> buffers_;
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
  return Json(status, j.dump(-1, ' ', false, kReemplazarUtf8Invalido));
}

void Router::Add(const std::string& method, const std::string& pattern, Handler handler) {
  routes_.push_back({method, Split(pattern), std::move(handler)});
}

Response Router::Dispatch(Request& request) const {
  // The path's segments as views, without allocating: a static file falls through every
  // route, once a request. A path longer than any route cannot match one.
  constexpr size_t kMaxSegments = 16;
  std::array<std::string_view, kMaxSegments> segs;
  size_t count = 0;
  bool too_long = false;
  for (std::string_view rest = request.path; !rest.empty();) {
    const size_t slash = rest.find('/');
    const std::string_view seg = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (seg.empty()) continue;
    if (count == kMaxSegments) {
      too_long = true;
      break;
    }
    segs[count++] = seg;
  }
  bool path_known = false;
  for (const Route& route : routes_) {
    if (too_long || route.segments.size() != count) continue;
    bool match = true;
    for (size_t i = 0; i < count && match; ++i) {
      const std::string& p = route.segments[i];
      const bool param = p.size() > 2 && p.front() == '{' && p.back() == '}';
      if (!param && p != segs[i]) match = false;
    }
    if (!match) continue;
    path_known = true;
    if (route.method != request.method) continue;
    std::map<std::string, std::string> params;
    for (size_t i = 0; i < count; ++i) {
      const std::string& p = route.segments[i];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
        params[p.substr(1, p.size() - 2)] = std::string(segs[i]);
      }
    }
    request.params = std::move(params);
    return route.handler(request);
  }
  if (!path_known && fallback_) return fallback_(request);
  if (path_known)
    return Response::Error(405, "method_not_allowed",
                           request.method + " is not allowed on " + request.path);
  return Response::Error(404, "not_found", "no such resource: " + request.path);
}

Result<size_t> ParseRequest(std::string_view bytes, const ServerOptions& limits, Request* out) {
  RequestParser parser(out);
  parser.body_limit(limits.max_body_bytes);
  parser.header_limit(static_cast<uint32_t>(limits.max_header_bytes));
  parser.eager(true);
  size_t used = 0;
  while (!parser.is_done()) {
    beast::error_code ec;
    const size_t n = parser.put(asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    used += n;
    if (ec == bhttp::error::need_more) {
      if (n == 0 || used == bytes.size()) {
        return Status::InvalidArgument("incomplete HTTP request");
      }
      continue;
    }
    if (ec) return Status::InvalidArgument("malformed HTTP request: " + ec.message());
    if (n == 0) return Status::InvalidArgument("incomplete HTTP request");
  }
  ParseTarget(out);
  return used;
}

struct Server::Impl {
  Impl(ServerOptions o, std::shared_ptr<const Router> r)
      : options(std::move(o)),
        router(std::move(r)),
        // A hint of 1 lets Asio queue a handler's continuations without its scheduler lock.
        ioc(std::max(1, options.threads)) {}

  ServerOptions options;
  std::shared_ptr<const Router> router;
  asio::io_context ioc;
  std::optional<asio::ssl::context> tls;  // set when options name a certificate
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  std::atomic<bool> running{false};
  std::shared_ptr<std::atomic<int>> open_sessions = std::make_shared<std::atomic<int>>(0);

  bool one_thread() const { return options.threads <= 1; }

  Status LoadTls() {
    if (options.tls_certificate_file.empty() && options.tls_key_file.empty()) return Status::Ok();
    if (options.tls_certificate_file.empty() || options.tls_key_file.empty()) {
      return Status::InvalidArgument("TLS needs both a certificate and a private key file");
    }
    try {
      tls.emplace(asio::ssl::context::tls_server);
      // TLS 1.2 and 1.3 only; no compression (CRIME), no renegotiation.
      tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                       asio::ssl::context::no_tlsv1_1 | asio::ssl::context::no_compression |
                       asio::ssl::context::single_dh_use);
      tls->use_certificate_chain_file(options.tls_certificate_file);
      tls->use_private_key_file(options.tls_key_file, asio::ssl::context::pem);
    } catch (const boost::system::system_error& e) {
      tls.reset();
      return Status::InvalidArgument("TLS certificate '" + options.tls_certificate_file +
                                     "' or key '" + options.tls_key_file + "': " + e.what());
    }
    return Status::Ok();
  }

  // One thread: a connection's handlers run on the io_context's own executor; several: on a
  // strand per connection, so that its handlers never run at once.
  template <class Executor>
  void Accept(Executor executor_of_next) {
    acceptor->async_accept(executor_of_next,
                           [this](beast::error_code ec,
                                  typename tcp::socket::rebind_executor<Executor>::other socket) {
                             if (!running) return;
                             if (!ec) Open<Executor>(std::move(socket));
                             Next();
                           });
  }

  template <class Executor>
  void Open(typename tcp::socket::rebind_executor<Executor>::other socket) {
    beast::error_code ignored;
    // Beyond the limit a connection is closed at once: a flood of idle or slow connections
    // cannot take every descriptor and leave nothing for the operators.
    if (open_sessions->fetch_add(1) >= options.max_connections) {
      open_sessions->fetch_sub(1);
      socket.close(ignored);
      return;
    }
    // Responses go out in one write each; Nagle would hold the
    // tail of one back waiting for the ACK of the one before.
    socket.set_option(tcp::no_delay(true), ignored);
    if (tls) {
      using Socket = typename tcp::socket::rebind_executor<Executor>::other;
      std::make_shared<Session<Executor, true>>(asio::ssl::stream<Socket>(std::move(socket), *tls),
                                                router, options, open_sessions)
          ->Run();
    } else {
      std::make_shared<Session<Executor, false>>(std::move(socket), router, options, open_sessions)
          ->Run();
    }
  }

  void Next() {
    if (one_thread()) {
      Accept(ioc.get_executor());
    } else {
      Accept(asio::make_strand(ioc.get_executor()));
    }
  }
};

Server::Server(ServerOptions options, std::shared_ptr<const Router> router)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router))) {}

Server::~Server() { Stop(); }

Status Server::Start() {
  PREP_RETURN_IF_ERROR(impl_->LoadTls());
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
  impl_->Next();
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

bool Server::tls() const { return impl_->tls.has_value(); }

int Server::open_connections() const { return impl_->open_sessions->load(); }

uint16_t Server::port() const {
  beast::error_code ec;
  return impl_->acceptor ? impl_->acceptor->local_endpoint(ec).port() : 0;
}

std::string HttpDate(int64_t seconds) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const time_t t = static_cast<time_t>(seconds);
  struct tm tm {};
  gmtime_r(&t, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

}  // namespace prep::http
