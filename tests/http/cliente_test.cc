// The HTTP client against the real server on a loopback port.
#include "http/cliente.h"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "http/fuente_http.h"
#include "http/server.h"

namespace prep::http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using ErrorCode = boost::system::error_code;
using namespace std::chrono_literals;

const asio::ip::address kLoopback = asio::ip::make_address("127.0.0.1");

// Relays each loopback connection to the server at `destino` and counts them: how many TCP
// connections a client opened, seen from outside the client.
class ProxyContador {
 public:
  explicit ProxyContador(uint16_t destino)
      : destino_(destino), aceptor_(ioc_, tcp::endpoint(kLoopback, 0)) {
    Aceptar();
    hilo_ = std::thread([this] { ioc_.run(); });
  }
  ~ProxyContador() {
    ioc_.stop();
    hilo_.join();
  }

  uint16_t port() const { return aceptor_.local_endpoint().port(); }
  int conexiones() const { return conexiones_; }
  // Connections whose server side ended (the server closed, or answered the client's close).
  int fines_del_servidor() const { return fines_del_servidor_; }

 private:
  using Bufer = std::array<char, 16 << 10>;
  struct Par {
    Par(asio::io_context& ioc, tcp::socket c) : cliente(std::move(c)), servidor(ioc) {}
    tcp::socket cliente, servidor;
    Bufer de_cliente, de_servidor;
  };

  void Aceptar() {
    aceptor_.async_accept([this](ErrorCode ec, tcp::socket s) {
      if (ec) return;
      ++conexiones_;
      auto par = std::make_shared<Par>(ioc_, std::move(s));
      ErrorCode conectar;
      par->servidor.connect(tcp::endpoint(kLoopback, destino_), conectar);
      if (!conectar) {
        Bombear(par, par->cliente, par->servidor, par->de_cliente, false);
        Bombear(par, par->servidor, par->cliente, par->de_servidor, true);
      }
      Aceptar();
    });
  }

  // Copies `de` to `a` until `de` ends, then ends `a`'s sending side.
  void Bombear(std::shared_ptr<Par> par, tcp::socket& de, tcp::socket& a, Bufer& bufer,
               bool del_servidor) {
    de.async_read_some(asio::buffer(bufer), [=, this, &de, &a, &bufer](ErrorCode ec, size_t n) {
      if (ec) {
        if (del_servidor) ++fines_del_servidor_;
        ErrorCode ignorado;
        a.shutdown(tcp::socket::shutdown_send, ignorado);
        return;
      }
      asio::async_write(a, asio::buffer(bufer.data(), n),
                        [=, this, &de, &a, &bufer](ErrorCode escrito, size_t) {
                          if (!escrito) Bombear(par, de, a, bufer, del_servidor);
                        });
    });
  }

  const uint16_t destino_;
  asio::io_context ioc_;
  tcp::acceptor aceptor_;
  std::thread hilo_;
  std::atomic<int> conexiones_{0};
  std::atomic<int> fines_del_servidor_{0};
};

// A loopback port nothing listens on: bound, then closed.
uint16_t PuertoCerrado() {
  asio::io_context ioc;
  tcp::acceptor a(ioc, tcp::endpoint(kLoopback, 0));
  const uint16_t port = a.local_endpoint().port();
  a.close();
  return port;
}

// Polls `listo` for up to 10 s.
bool Esperar(const std::function<bool()>& listo) {
  for (const auto hasta = Clock::now() + 10s; Clock::now() < hasta;) {
    if (listo()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return listo();
}

OpcionesCliente Opciones(uint16_t port, int64_t timeout_ms = 10'000) {
  OpcionesCliente o;
  o.host = "127.0.0.1";
  o.port = std::to_string(port);
  o.timeout_ms = timeout_ms;
  return o;
}

nlohmann::json Json(const Result<RespuestaHttp>& r) {
  return r.ok() ? nlohmann::json::parse(r->body, nullptr, false) : nlohmann::json();
}

class ClienteTest : public ::testing::Test {
 protected:
  void SetUp() override { Arrancar(0, 5); }
  void TearDown() override {
    Liberar();  // a held handler would keep Stop() waiting
    server_.reset();
  }

  // (Re)starts the server; port 0 takes any free one.
  void Arrancar(uint16_t port, int timeout_seconds) {
    server_.reset();  // the old one's connections close with it
    ++generacion_;
    auto router = std::make_shared<Router>();
    const Handler eco = [this](const Request& r) {
      nlohmann::json j{{"method", r.method},
                       {"target", r.target},
                       {"body", r.body},
                       {"content_type", r.Header("content-type")},
                       {"content_length", r.Header("content-length")},
                       {"host", r.Header("host")},
                       {"user_agent", r.Header("user-agent")},
                       {"servidor", generacion_.load()}};
      Response resp = Response::Json(200, j.dump());
      resp.headers["X-Eco"] = r.Header("x-eco");
      return resp;
    };
    for (const char* metodo : {"GET", "POST", "PUT"}) router->Add(metodo, "/eco", eco);
    router->Add("GET", "/lento", [](const Request&) {
      std::this_thread::sleep_for(1500ms);
      return Response::Json(200, "{}");
    });
    router->Add("POST", "/soltar", [this](const Request&) {
      ++llegadas_;
      {
        std::unique_lock l(mu_);
        cv_.wait_for(l, 10s, [this] { return liberar_; });
      }
      ++terminadas_;
      return Response::Json(200, "{}");
    });
    router->Add("POST", "/tamano", [](const Request& r) {
      return Response::Json(200, nlohmann::json{{"bytes", r.body.size()}}.dump());
    });
    const Handler grande = [](const Request&) {
      return Response::Json(200, std::string(10000, 'x'));
    };
    router->Add("GET", "/grande", grande);
    router->Add("HEAD", "/grande", grande);
    router->Add("GET", "/espejo/a.json", [](const Request&) { return Response::Json(200, "{}"); });
    router->Add("GET", "/espejo/roto.json",
                [](const Request&) { return Response::Error(500, "internal", "roto"); });
    ServerOptions options;
    options.port = port;
    options.max_body_bytes = 1 << 20;
    options.timeout_seconds = timeout_seconds;
    server_ = std::make_unique<Server>(options, router);
    ASSERT_TRUE(server_->Start().ok());
    port_ = server_->port();
    ASSERT_NE(port_, 0);
  }

  void Liberar() {
    std::lock_guard l(mu_);
    liberar_ = true;
    cv_.notify_all();
  }

  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
  std::atomic<int> generacion_{0};
  std::atomic<int> llegadas_{0}, terminadas_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool liberar_ = false;
};

TEST_F(ClienteTest, GetYPostLlevanCuerposYEncabezadosDeIdaYVuelta) {
  Cliente c(Opciones(port_));
  auto get = c.Enviar("GET", "/eco?x=1", {}, {{"X-Eco", "hola"}});
  ASSERT_TRUE(get.ok()) << get.status().message();
  EXPECT_EQ(get->status, 200);
  auto j = Json(get);
  EXPECT_EQ(j["method"], "GET");
  EXPECT_EQ(j["target"], "/eco?x=1");
  EXPECT_EQ(j["body"], "");
  EXPECT_EQ(j["content_length"], "");  // no body, no Content-Length on a GET
  EXPECT_EQ(j["content_type"], "");
  EXPECT_EQ(j["host"], "127.0.0.1:" + std::to_string(port_));
  EXPECT_EQ(j["user_agent"], "prep");
  EXPECT_EQ(get->Header("x-eco"), "hola");
  EXPECT_EQ(get->Header("X-ECO"), "hola");
  EXPECT_EQ(get->Header("content-type"), "application/json; charset=utf-8");
  EXPECT_EQ(get->Header("x-ausente"), "");
  for (const auto& campo : get->headers) {
    for (const char ch : campo.first) EXPECT_FALSE(ch >= 'A' && ch <= 'Z') << campo.first;
  }

  const std::string cuerpo = R"({"clave":"050001B010002","votos":[1,2,3]})";
  auto post = c.Enviar("POST", "/eco", cuerpo, {{"Idempotency-Key", "k1"}});
  ASSERT_TRUE(post.ok()) << post.status().message();
  j = Json(post);
  EXPECT_EQ(j["method"], "POST");
  EXPECT_EQ(j["body"], cuerpo);
  EXPECT_EQ(j["content_type"], "application/json");  // the body looks like JSON
  EXPECT_EQ(j["content_length"], std::to_string(cuerpo.size()));

  j = Json(c.Enviar("POST", "/eco", "texto plano"));
  EXPECT_EQ(j["body"], "texto plano");
  EXPECT_EQ(j["content_type"], "");
  j = Json(c.Enviar("POST", "/eco", "[1]", {{"Content-Type", "text/csv"}}));
  EXPECT_EQ(j["content_type"], "text/csv");  // the caller's wins
  j = Json(c.Enviar("PUT", "/eco"));
  EXPECT_EQ(j["method"], "PUT");
  EXPECT_EQ(j["content_length"], "0");
  j = Json(c.Enviar("GET", "/eco", {}, {{"Host", "otro.example"}, {"User-Agent", "sim/1"}}));
  EXPECT_EQ(j["host"], "otro.example");
  EXPECT_EQ(j["user_agent"], "sim/1");

  auto no_hay = c.Enviar("GET", "/nada");  // any status is a response
  ASSERT_TRUE(no_hay.ok()) << no_hay.status().message();
  EXPECT_EQ(no_hay->status, 404);
}

TEST_F(ClienteTest, HeadNoEsperaElCuerpoQueAnunciaContentLength) {
  OpcionesCliente o = Opciones(port_, 5'000);
  o.max_body_bytes = 10000;  // the length HEAD announces is not a body to refuse
  Cliente c(o);
  auto head = c.Enviar("HEAD", "/grande");
  ASSERT_TRUE(head.ok()) << head.status().message();
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("content-length"), "10000");
  EXPECT_EQ(head->body, "");
  auto get = c.Enviar("GET", "/grande");  // the connection is still in step
  ASSERT_TRUE(get.ok()) << get.status().message();
  EXPECT_EQ(get->body.size(), 10000u);
  OpcionesCliente chico = o;
  chico.max_body_bytes = 100;
  Cliente c2(chico);
  auto head2 = c2.Enviar("HEAD", "/grande");
  ASSERT_TRUE(head2.ok()) << head2.status().message();
  EXPECT_EQ(head2->Header("content-length"), "10000");
}

TEST_F(ClienteTest, VariasSolicitudesUsanUnaSolaConexion) {
  ProxyContador proxy(port_);
  Cliente c(Opciones(proxy.port()));
  for (int i = 0; i < 5; ++i) {
    auto r = i % 2 ? c.Enviar("POST", "/eco", "{}") : c.Enviar("GET", "/grande");
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->status, 200);
  }
  EXPECT_EQ(proxy.conexiones(), 1);
  c.Cerrar();
  auto r = c.Enviar("GET", "/eco");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(proxy.conexiones(), 2);
}

TEST_F(ClienteTest, ReconectaSiElServidorCerroLaConexionOciosa) {
  Arrancar(0, 1);  // the server closes a connection idle for 1 s
  ProxyContador proxy(port_);
  Cliente c(Opciones(proxy.port()));
  ASSERT_TRUE(c.Enviar("GET", "/eco").ok());
  ASSERT_TRUE(Esperar([&] { return proxy.fines_del_servidor() >= 1; }));
  auto r = c.Enviar("POST", "/eco", R"({"n":2})");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(Json(r)["body"], R"({"n":2})");
  EXPECT_EQ(proxy.conexiones(), 2);
}

TEST_F(ClienteTest, ReconectaTrasReiniciarseElServidor) {
  Cliente c(Opciones(port_));
  auto antes = c.Enviar("GET", "/eco");
  ASSERT_TRUE(antes.ok()) << antes.status().message();
  EXPECT_EQ(Json(antes)["servidor"], 1);
  Arrancar(port_, 5);  // the same port, a new server; the kept-alive connection is gone
  auto despues = c.Enviar("GET", "/eco");
  ASSERT_TRUE(despues.ok()) << despues.status().message();
  EXPECT_EQ(Json(despues)["servidor"], 2);
}

TEST(ClienteSinServidorTest, ConexionRechazadaEsIoErrorPronto) {
  const uint16_t port = PuertoCerrado();
  Cliente c(Opciones(port, 10'000));
  const auto inicio = Clock::now();
  auto r = c.Enviar("POST", "/api/v1/actas", "{}");
  const auto tardo = Clock::now() - inicio;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIoError);
  const std::string& m = r.status().message();
  EXPECT_NE(m.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << m;
  EXPECT_NE(m.find("POST"), std::string::npos) << m;
  EXPECT_NE(m.find("/api/v1/actas"), std::string::npos) << m;
  EXPECT_LT(tardo, 5s);  // refused at once, not after the 10 s timeout
  auto soltar = c.EnviarYSoltar("POST", "/api/v1/actas", "{}");
  EXPECT_EQ(soltar.code(), StatusCode::kIoError);
}

TEST_F(ClienteTest, PlazoAgotadoEsIoErrorAlCumplirse) {
  Cliente c(Opciones(port_, 300));
  const auto inicio = Clock::now();
  auto r = c.Enviar("GET", "/lento");  // its handler takes 1.5 s
  const auto tardo = Clock::now() - inicio;
  ASSERT_FALSE(r.ok()) << r->status;
  EXPECT_EQ(r.status().code(), StatusCode::kIoError);
  EXPECT_NE(r.status().message().find("timed out after 300 ms"), std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("/lento"), std::string::npos);
  EXPECT_GE(tardo, 300ms);
  // The timed-out connection is dropped; the next request gets a new one.
  auto despues = c.Enviar("GET", "/eco");
  ASSERT_TRUE(despues.ok()) << despues.status().message();
  EXPECT_EQ(despues->status, 200);
}

TEST_F(ClienteTest, EnviarYSoltarHaceQueElServidorAtiendaSinEsperarLaRespuesta) {
  Cliente c(Opciones(port_));
  ASSERT_TRUE(c.Enviar("GET", "/eco").ok());  // a kept-alive connection it must not use
  const Status s = c.EnviarYSoltar("POST", "/soltar", R"({"paso":"captura"})");
  ASSERT_TRUE(s.ok()) << s.message();
  // The handler is running and held, so no response existed when EnviarYSoltar returned.
  ASSERT_TRUE(Esperar([&] { return llegadas_ == 1; }));
  EXPECT_EQ(terminadas_, 0);
  Liberar();
  ASSERT_TRUE(Esperar([&] { return terminadas_ == 1; }));
  auto r = c.Enviar("GET", "/eco");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(llegadas_, 1);  // sent once, not again by the next request
}

TEST_F(ClienteTest, EnlaceLentoTardaLoQueDiceSuTasa) {
  OpcionesCliente o = Opciones(port_);
  o.bytes_por_segundo = 100 << 10;
  Cliente c(o);
  const std::string cuerpo(20 << 10, 'x');
  const auto inicio = Clock::now();
  auto r = c.Enviar("POST", "/tamano", cuerpo);
  const auto tardo = Clock::now() - inicio;
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(Json(r)["bytes"], cuerpo.size());
  EXPECT_GE(tardo, 150ms);  // 20 KiB at 100 KiB/s: 0.2 s

  // The pauses count against the deadline: 20 KiB at 10 KiB/s cannot fit in 200 ms.
  o.bytes_por_segundo = 10 << 10;
  o.timeout_ms = 200;
  Cliente lento(o);
  auto tarde = lento.Enviar("POST", "/tamano", cuerpo);
  ASSERT_FALSE(tarde.ok());
  EXPECT_NE(tarde.status().message().find("timed out"), std::string::npos)
      << tarde.status().message();
}

TEST_F(ClienteTest, CuerpoMayorQueElLimiteEsIoError) {
  OpcionesCliente o = Opciones(port_);
  o.max_body_bytes = 100;
  Cliente c(o);
  auto r = c.Enviar("GET", "/grande");
  ASSERT_FALSE(r.ok()) << r->body.size();
  EXPECT_EQ(r.status().code(), StatusCode::kIoError);
  EXPECT_NE(r.status().message().find("larger than 100 bytes"), std::string::npos)
      << r.status().message();
}

TEST_F(ClienteTest, LoQueNoPuedeIrEnLaLineaEsInvalidArgument) {
  Cliente c(Opciones(port_));
  EXPECT_EQ(c.Enviar("GE T", "/eco").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c.Enviar("GET", "/eco x").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c.Enviar("GET", "").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c.Enviar("GET", "/eco", {}, {{"X-A", "1\r\nX-B: 2"}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(c.Enviar("GET", "/eco", {}, {{"X A", "1"}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(c.Enviar("POST", "/eco", "{}", {{"content-length", "2"}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(c.EnviarYSoltar("POST", "/eco", "{}", {{"Transfer-Encoding", "chunked"}}).code(),
            StatusCode::kInvalidArgument);
  auto bien = c.Enviar("GET", "/eco");
  ASSERT_TRUE(bien.ok()) << bien.status().message();
  EXPECT_EQ(bien->status, 200);
}

TEST(ClienteSinServidorTest, RespuestaQueNoEsHttpEsIoError) {
  asio::io_context ioc;
  tcp::acceptor aceptor(ioc, tcp::endpoint(kLoopback, 0));
  std::thread falso([&] {
    tcp::socket s(ioc);
    aceptor.accept(s);
    std::array<char, 1024> bufer;
    ErrorCode ec;
    s.read_some(asio::buffer(bufer), ec);
    asio::write(s, asio::buffer(std::string("NOT HTTP AT ALL\r\n\r\n")), ec);
    s.shutdown(tcp::socket::shutdown_both, ec);
  });
  Cliente c(Opciones(aceptor.local_endpoint().port(), 5'000));
  auto r = c.Enviar("GET", "/x");
  falso.join();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIoError);
  EXPECT_NE(r.status().message().find("reading the response"), std::string::npos)
      << r.status().message();
}

TEST_F(ClienteTest, FuenteHttpLeeDeUnEspejo) {
  EXPECT_EQ(FuenteHttp("https://127.0.0.1/").status().code(), StatusCode::kInvalidArgument);
  auto f = FuenteHttp("http://127.0.0.1:" + std::to_string(port_) + "/espejo");
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ((*f)->Nombre(), "http://127.0.0.1:" + std::to_string(port_) + "/espejo/");
  auto a = (*f)->Leer("a.json");
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(*a, "{}");
  EXPECT_EQ((*f)->Leer("b.json").status().code(), StatusCode::kNotFound);
  EXPECT_EQ((*f)->Leer("roto.json").status().code(), StatusCode::kIoError);
  EXPECT_FALSE((*f)->Listar("").has_value());
}

TEST(ParsearUrlTest, HostPuertoYPrefijo) {
  struct Caso {
    const char* url;
    const char* host;
    const char* port;
    const char* prefijo;
  };
  for (const Caso& caso : {
           Caso{"http://127.0.0.1:8080/prefijo/", "127.0.0.1", "8080", "/prefijo/"},
           Caso{"http://example.org", "example.org", "80", "/"},
           Caso{"http://example.org/", "example.org", "80", "/"},
           Caso{"HTTP://Espejo:9/a/b", "Espejo", "9", "/a/b/"},
           Caso{"http://[::1]:8081/x/", "::1", "8081", "/x/"},
           Caso{"http://[::1]", "::1", "80", "/"},
           Caso{"http://h:/p", "h", "80", "/p/"},
           Caso{"http://h:0080/", "h", "80", "/"},
           Caso{"http://h:65535/", "h", "65535", "/"},
       }) {
    auto u = ParsearUrl(caso.url);
    ASSERT_TRUE(u.ok()) << caso.url << ": " << u.status().message();
    EXPECT_EQ(u->host, caso.host) << caso.url;
    EXPECT_EQ(u->port, caso.port) << caso.url;
    EXPECT_EQ(u->prefijo, caso.prefijo) << caso.url;
  }
}

TEST(ParsearUrlTest, ErroresSonInvalidArgumentConLaUrl) {
  for (const char* url :
       {"https://h/", "ftp://h/", "h:80/", "", "http:/h/", "http://", "http:///p/", "http://:80/",
        "http://h:0/", "http://h:65536/", "http://h:99999999999/", "http://h:8x/", "http://u@h/",
        "http://h/p?q=1", "http://h/p#f", "http://h /", "http://[::1/", "http://[::1]x/",
        "http://[]:80/"}) {
    auto u = ParsearUrl(url);
    ASSERT_FALSE(u.ok()) << url;
    EXPECT_EQ(u.status().code(), StatusCode::kInvalidArgument) << url;
    EXPECT_EQ(u.status().message().rfind(url, 0), 0u) << u.status().message();
  }
}

}  // namespace
}  // namespace prep::http
