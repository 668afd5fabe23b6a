// The HTTP server on a real loopback port.
#include "http/server.h"

#include <gtest/gtest.h>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
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

}  // namespace
}  // namespace prep::http
