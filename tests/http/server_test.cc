// The HTTP server on a real loopback port.
#include "http/server.h"

#include <gtest/gtest.h>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <nlohmann/json.hpp>

#include "http/client.h"

namespace prep::http {
namespace {

using prep::testing::Fetch;

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto router = std::make_shared<Router>();
    router->Add("GET", "/api/v1/ping",
                [](const Request&) { return Response::Json(200, R"({"ok":true})"); });
    router->Add("POST", "/api/v1/actas/{clave}/capturas", [](const Request& r) {
      nlohmann::json j{{"clave", r.params.at("clave")},
                       {"bytes", r.body.size()},
                       {"key", r.Header("idempotency-key")},
                       {"q", r.query.count("x") ? r.query.at("x") : ""}};
      return Response::Json(201, j.dump());
    });
    router->Add("GET", "/api/v1/boom",
                [](const Request&) -> Response { throw std::runtime_error("kaput"); });
    ServerOptions options;
    options.max_body_bytes = 1000;
    options.timeout_seconds = 5;
    server_ = std::make_unique<Server>(options, router);
    ASSERT_TRUE(server_->Start().ok());
    port_ = server_->port();
    ASSERT_NE(port_, 0);
  }
  void TearDown() override { server_->Stop(); }

  static std::string ErrorCode(const std::string& body) {
    auto j = nlohmann::json::parse(body, nullptr, false);
    return j.is_discarded() ? "" : j["error"]["code"].get<std::string>();
  }

  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
};

TEST_F(ServerTest, RoutesWithParametersQueryAndHeaders) {
  auto r = Fetch(port_, "POST", "/api/v1/actas/050001B010002/capturas?x=a%20b", "hello",
                 {{"Idempotency-Key", "abc"}});
  ASSERT_EQ(r.status, 201) << r.error << r.body;
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["clave"], "050001B010002");
  EXPECT_EQ(j["bytes"], 5);
  EXPECT_EQ(j["key"], "abc");
  EXPECT_EQ(j["q"], "a b");
  EXPECT_EQ(r.headers["Content-Type"], "application/json; charset=utf-8");
}

TEST_F(ServerTest, UnknownPathIs404AndWrongMethod405AsJsonErrors) {
  auto a = Fetch(port_, "GET", "/api/v1/nada");
  EXPECT_EQ(a.status, 404);
  EXPECT_EQ(ErrorCode(a.body), "not_found");
  auto b = Fetch(port_, "DELETE", "/api/v1/ping");
  EXPECT_EQ(b.status, 405);
  EXPECT_EQ(ErrorCode(b.body), "method_not_allowed");
}

TEST_F(ServerTest, OversizedBodyIs413) {
  auto r = Fetch(port_, "POST", "/api/v1/actas/X/capturas", std::string(5000, 'x'));
  EXPECT_EQ(r.status, 413) << r.error;
  EXPECT_EQ(ErrorCode(r.body), "payload_too_large");
}

TEST_F(ServerTest, HandlerExceptionIs500NotACrash) {
  auto r = Fetch(port_, "GET", "/api/v1/boom");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(Fetch(port_, "GET", "/api/v1/ping").status, 200);
}

TEST_F(ServerTest, GarbageIs400) {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket s(ioc);
  s.connect({boost::asio::ip::make_address("127.0.0.1"), port_});
  boost::asio::write(s, boost::asio::buffer(std::string("\x01\x02 NOT HTTP\r\n\r\n")));
  std::string reply(64, '\0');
  boost::system::error_code ec;
  const size_t n = s.read_some(boost::asio::buffer(reply), ec);
  EXPECT_NE(reply.substr(0, n).find("400"), std::string::npos) << reply;
}

TEST_F(ServerTest, ManyClientsAtOnce) {
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&] {
      for (int i = 0; i < 25; ++i) ok += Fetch(port_, "GET", "/api/v1/ping").status == 200;
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(ok, 200);
}

// Reads from `s` until EOF, an error or `want` occurrences of `needle` have arrived.
std::string ReadUntil(boost::asio::ip::tcp::socket& s, const std::string& needle, int want) {
  std::string got;
  char buf[4096];
  while (true) {
    int seen = 0;
    for (size_t at = got.find(needle); at != std::string::npos; at = got.find(needle, at + 1)) {
      ++seen;
    }
    if (seen >= want) return got;
    boost::system::error_code ec;
    const size_t n = s.read_some(boost::asio::buffer(buf), ec);
    got.append(buf, n);
    if (ec) return got;
  }
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket s(ioc);
  s.connect({boost::asio::ip::make_address("127.0.0.1"), port_});
  // More than the session answers in one call chain (it goes back through the scheduler every
  // few), a POST with a body among them, and the last one closes.
  std::string burst;
  for (int i = 0; i < 200; ++i) {
    if (i == 100) {
      burst +=
          "POST /api/v1/actas/X/capturas?x=mid HTTP/1.1\r\nHost: a\r\nContent-Length: 3"
          "\r\nIdempotency-Key: k100\r\n\r\nabc";
    } else {
      burst += "GET /api/v1/ping HTTP/1.1\r\nHost: a\r\n";
      burst += i == 199 ? "Connection: close\r\n\r\n" : "\r\n";
    }
  }
  boost::asio::write(s, boost::asio::buffer(burst));
  const std::string got = ReadUntil(s, "HTTP/1.1 ", 1000);  // until the server closes
  size_t count = 0;
  for (size_t at = got.find("HTTP/1.1 200"); at != std::string::npos;
       at = got.find("HTTP/1.1 200", at + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 199u);
  const size_t created = got.find("HTTP/1.1 201");
  ASSERT_NE(created, std::string::npos);
  EXPECT_NE(got.find(R"("key":"k100","q":"mid")", created), std::string::npos);
  EXPECT_NE(got.rfind("Connection: close"), std::string::npos);
}

TEST_F(ServerTest, ChunkedBodyAndRepeatedHeaderLastWins) {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket s(ioc);
  s.connect({boost::asio::ip::make_address("127.0.0.1"), port_});
  boost::asio::write(
      s, boost::asio::buffer(std::string(
             "POST /api/v1/actas/C/capturas HTTP/1.1\r\nHost: a\r\nIDEMPOTENCY-KEY: first\r\n"
             "Idempotency-Key: second\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
             "4\r\nhola\r\n3\r\n!!!\r\n0\r\n\r\n")));
  const std::string got = ReadUntil(s, "}", 1);
  EXPECT_NE(got.find("HTTP/1.1 201"), std::string::npos) << got;
  EXPECT_NE(got.find(R"("bytes":7)"), std::string::npos) << got;
  EXPECT_NE(got.find(R"("key":"second")"), std::string::npos) << got;
}

TEST(HeaderListTest, FindsByLowerCaseNameAndReusesItsFields) {
  HeaderList h;
  h.Add("Content-Type", "a");
  h.Add("X-Uno", "1");
  EXPECT_EQ(h.Find("content-type"), "a");
  EXPECT_TRUE(h.Has("x-uno"));
  EXPECT_EQ(h.Find("x-dos"), "");
  h.Clear();
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.Find("content-type"), "");  // spare fields from before are not found
  h.Add("X-Dos", "2");
  EXPECT_EQ(h.size(), 1u);
  EXPECT_EQ(h.Find("x-dos"), "2");
  EXPECT_EQ(h.begin()->first, "x-dos");
}

// One thread: no strand, the io_context's own executor; the idle timeout still closes a
// connection that never sends a whole request.
TEST(SingleThreadServerTest, ServesKeepAliveAndTimesOutIdleConnections) {
  auto router = std::make_shared<Router>();
  router->Add("GET", "/api/v1/ping", [](const Request& r) {
    return Response::Json(200, R"({"peer":")" + r.peer + "\"}");
  });
  ServerOptions options;
  options.threads = 1;
  options.timeout_seconds = 1;
  Server server(options, router);
  ASSERT_TRUE(server.Start().ok());
  const uint16_t port = server.port();

  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket s(ioc);
  s.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  for (int i = 0; i < 3; ++i) {  // one request at a time on the same connection
    boost::asio::write(
        s, boost::asio::buffer(std::string("GET /api/v1/ping HTTP/1.1\r\nHost: a\r\n\r\n")));
    const std::string got = ReadUntil(s, "\"}", 1);
    EXPECT_NE(got.find("HTTP/1.1 200"), std::string::npos) << got;
    EXPECT_NE(got.find(R"({"peer":"127.0.0.1"})"), std::string::npos) << got;
  }

  // Half a request, then nothing: closed after the timeout (and the 2 s lingering close).
  boost::asio::ip::tcp::socket idle(ioc);
  idle.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  boost::asio::write(idle, boost::asio::buffer(std::string("GET /api/v1/ping HTTP/1.1\r\nHo")));
  const auto start = std::chrono::steady_clock::now();
  char buf[256];
  boost::system::error_code ec;
  while (!ec) idle.read_some(boost::asio::buffer(buf), ec);
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(ec, boost::asio::error::eof) << ec.message();
  EXPECT_GE(waited, std::chrono::milliseconds(900));
  EXPECT_LT(waited, std::chrono::seconds(6));
  server.Stop();
}

}  // namespace
}  // namespace prep::http
