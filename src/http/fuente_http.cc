#include "http/fuente_http.h"

#include <optional>
#include <utility>
#include <vector>

#include "http/cliente.h"

namespace prep::http {
namespace {

// A whole file per request, the largest (the acta records of 500,000 actas) from a slow
// mirror included: the deadline is there for a mirror that hangs, not to hurry one.
constexpr int64_t kTimeoutMs = 10 * 60 * 1000;

OpcionesCliente Opciones(const UrlHttp& url) {
  OpcionesCliente o;
  o.host = url.host;
  o.port = url.port;
  o.timeout_ms = kTimeoutMs;
  return o;
}

class Fuente final : public publish::Fuente {
 public:
  explicit Fuente(UrlHttp url) : url_(std::move(url)), cliente_(Opciones(url_)) {}

  Result<std::string> Leer(const std::string& ruta) override {
    PREP_ASSIGN_OR_RETURN(RespuestaHttp r, cliente_.Enviar("GET", url_.prefijo + ruta, {},
                                                           {{"User-Agent", "prep-verify"}}));
    if (r.status == 404) return Status::NotFound(ruta + ": not found (HTTP 404)");
    if (r.status != 200) return Status::IoError(ruta + ": HTTP " + std::to_string(r.status));
    return std::move(r.body);
  }
  std::optional<std::vector<std::string>> Listar(const std::string&) override {
    return std::nullopt;
  }
  std::string Nombre() const override {
    const std::string host =
        url_.host.find(':') == std::string::npos ? url_.host : "[" + url_.host + "]";
    return "http://" + host + ":" + url_.port + url_.prefijo;
  }

 private:
  const UrlHttp url_;
  Cliente cliente_;  // one kept-alive connection
};

}  // namespace

Result<std::unique_ptr<publish::Fuente>> FuenteHttp(const std::string& url) {
  if (!url.starts_with("http://")) {
    return Status::InvalidArgument(url + ": only http:// URLs (or a folder) can be verified");
  }
  PREP_ASSIGN_OR_RETURN(UrlHttp u, ParsearUrl(url));
  return std::unique_ptr<publish::Fuente>(std::make_unique<Fuente>(std::move(u)));
}

}  // namespace prep::http
