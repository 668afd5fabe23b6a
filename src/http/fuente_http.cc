#include "http/fuente_http.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

namespace prep::http {
namespace {

namespace beast = boost::beast;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// Larger than any file of a corte (the acta records of 500,000 actas).
constexpr uint64_t kMaxBytes = uint64_t{1} << 31;

class Fuente final : public publish::Fuente {
 public:
  Fuente(std::string host, std::string port, std::string prefijo)
      : host_(std::move(host)), port_(std::move(port)), prefijo_(std::move(prefijo)) {}

  Result<std::string> Leer(const std::string& ruta) override {
    // One retry on a fresh connection: the server may have closed a kept-alive one.
    for (int intento = 0; intento < 2; ++intento) {
      try {
        if (!stream_) Conectar();
        beast::http::request<beast::http::empty_body> req{beast::http::verb::get, prefijo_ + ruta,
                                                          11};
        req.set(beast::http::field::host, host_);
        req.set(beast::http::field::user_agent, "prep-verify");
        beast::http::write(*stream_, req);
        beast::http::response_parser<beast::http::string_body> parser;
        parser.body_limit(kMaxBytes);
        beast::http::read(*stream_, buffer_, parser);
        auto res = parser.release();
        if (!res.keep_alive()) stream_.reset();
        if (res.result_int() == 404) return Status::NotFound(ruta + ": not found (HTTP 404)");
        if (res.result_int() != 200) {
          return Status::IoError(ruta + ": HTTP " + std::to_string(res.result_int()));
        }
        return std::move(res.body());
      } catch (const std::exception& e) {
        stream_.reset();
        if (intento == 1) return Status::IoError(Nombre() + "/" + ruta + ": " + e.what());
      }
    }
    return Status::IoError(ruta + ": unreachable");
  }
  std::optional<std::vector<std::string>> Listar(const std::string&) override {
    return std::nullopt;
  }
  std::string Nombre() const override { return "http://" + host_ + ":" + port_ + prefijo_; }

 private:
  void Conectar() {
    tcp::resolver resolver(ioc_);
    stream_.emplace(ioc_);
    stream_->connect(resolver.resolve(host_, port_));
    buffer_.clear();
  }

  std::string host_, port_, prefijo_;
  asio::io_context ioc_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
};

}  // namespace

Result<std::unique_ptr<publish::Fuente>> FuenteHttp(const std::string& url) {
  constexpr std::string_view kEsquema = "http://";
  if (!url.starts_with(kEsquema)) {
    return Status::InvalidArgument(url + ": only http:// URLs (or a folder) can be verified");
  }
  std::string resto = url.substr(kEsquema.size());
  const size_t barra = resto.find('/');
  std::string prefijo = barra == std::string::npos ? "/" : resto.substr(barra);
  if (!prefijo.ends_with("/")) prefijo += "/";
  const std::string autoridad = resto.substr(0, barra);
  const size_t dos_puntos = autoridad.rfind(':');
  std::string host = autoridad.substr(0, dos_puntos);
  std::string port = dos_puntos == std::string::npos ? "80" : autoridad.substr(dos_puntos + 1);
  if (host.empty()) return Status::InvalidArgument(url + ": no host");
  return std::unique_ptr<publish::Fuente>(
      std::make_unique<Fuente>(std::move(host), std::move(port), std::move(prefijo)));
}

}  // namespace prep::http
