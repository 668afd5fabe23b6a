// A blocking HTTP/1.1 client for tests: real sockets to the real server on a
// loopback port.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <map>
#include <string>

namespace prep::testing {

struct HttpReply {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;
  std::string error;  // transport error, if any
};

inline HttpReply Fetch(uint16_t port, const std::string& method, const std::string& target,
                       const std::string& body = "",
                       const std::map<std::string, std::string>& headers = {}) {
  namespace beast = boost::beast;
  namespace http = boost::beast::http;
  using tcp = boost::asio::ip::tcp;
  HttpReply reply;
  try {
    boost::asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::seconds(30));
    stream.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    http::request<http::string_body> req(http::string_to_verb(method), target, 11);
    req.set(http::field::host, "127.0.0.1");
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(256 << 20);
    http::read(stream, buffer, parser);
    auto res = parser.release();
    reply.status = static_cast<int>(res.result_int());
    reply.body = res.body();
    for (const auto& f : res) reply.headers[std::string(f.name_string())] = std::string(f.value());
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  } catch (const std::exception& e) {
    reply.error = e.what();
  }
  return reply;
}

}  // namespace prep::testing
