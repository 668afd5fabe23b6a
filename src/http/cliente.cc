#include "http/cliente.h"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <exception>
#include <optional>
#include <thread>

namespace prep::http {
namespace {

namespace beast = boost::beast;
namespace asio = boost::asio;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

char Minuscula(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool IgualesSinMayusculas(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return Minuscula(x) == Minuscula(y);
         });
}

// RFC 9110 §5.6.2 token: method and field names.
bool EsToken(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    const bool alfanumerico =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alfanumerico && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

// No control characters but tab: a CR or LF would let a value inject header lines.
bool EsValorDeCampo(std::string_view s) {
  return std::none_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7f;
  });
}

// A request target has no spaces or control characters (they would end the request line).
bool EsDestino(std::string_view s) {
  return !s.empty() && std::none_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f;
  });
}

// An IPv6 literal goes in brackets in a Host field or a URL.
std::string HostEnUrl(const std::string& host) {
  return host.find(':') == std::string::npos ? host : "[" + host + "]";
}

}  // namespace

std::string RespuestaHttp::Header(std::string_view name) const {
  for (const auto& [nombre, valor] : headers) {
    if (IgualesSinMayusculas(nombre, name)) return valor;
  }
  return "";
}

struct Cliente::Impl {
  explicit Impl(OpcionesCliente opciones)
      : o(std::move(opciones)),
        autoridad(o.port == "80" ? HostEnUrl(o.host) : HostEnUrl(o.host) + ":" + o.port),
        // Error messages name the port even when it is the default one.
        lugar("http://" + HostEnUrl(o.host) + ":" + o.port) {}

  // Runs the asynchronous operation that `iniciar` starts until it completes (Beast's
  // tcp_stream honours its deadline only for asynchronous operations), and gives its error.
  template <class Iniciar>
  beast::error_code Correr(Iniciar&& iniciar) {
    beast::error_code resultado = asio::error::operation_aborted;
    iniciar([&resultado](beast::error_code ec, auto&&...) { resultado = ec; });
    ioc.restart();
    ioc.run();
    return resultado;
  }

  void Soltar() {
    if (stream) {
      beast::error_code ignorado;
      stream->socket().close(ignorado);
      stream.reset();
    }
    buffer.clear();
  }

  beast::error_code Conectar(Clock::time_point limite) {
    Soltar();
    if (!destinos) {
      // Resolved once: the simulator reconnects to the same server all night.
      tcp::resolver resolver(ioc);
      beast::error_code ec;
      auto r = resolver.resolve(o.host, o.port, ec);
      if (ec) return ec;
      destinos = std::move(r);
    }
    if (Clock::now() >= limite) return beast::error::timeout;
    stream.emplace(ioc);
    stream->expires_at(limite);
    const beast::error_code ec =
        Correr([&](auto listo) { stream->async_connect(*destinos, std::move(listo)); });
    if (ec) {
      Soltar();
      return ec;
    }
    beast::error_code ignorado;
    stream->socket().set_option(tcp::no_delay(true), ignorado);  // a slow link's small pieces
    return {};
  }

  beast::error_code Escribir(Clock::time_point limite) {
    if (o.bytes_por_segundo <= 0) {
      stream->expires_at(limite);
      return Correr([&](auto listo) {
        asio::async_write(*stream, asio::buffer(solicitud), std::move(listo));
      });
    }
    // Pieces of a twentieth of a second's worth, each written when the link would have carried
    // it: the last byte leaves about size / rate after the first.
    const uint64_t tasa = static_cast<uint64_t>(o.bytes_por_segundo);
    const size_t pieza = static_cast<size_t>(std::max<uint64_t>(1, tasa / 20));
    const auto inicio = Clock::now();
    for (size_t enviado = 0; enviado < solicitud.size();) {
      const size_t n = std::min(pieza, solicitud.size() - enviado);
      const auto cuando = inicio + std::chrono::microseconds((enviado + n) * 1'000'000 / tasa);
      if (cuando >= limite) {
        std::this_thread::sleep_until(limite);
        return beast::error::timeout;
      }
      std::this_thread::sleep_until(cuando);
      stream->expires_at(limite);
      const beast::error_code ec = Correr([&](auto listo) {
        asio::async_write(*stream, asio::buffer(solicitud.data() + enviado, n), std::move(listo));
      });
      if (ec) return ec;
      enviado += n;
    }
    return {};
  }

  // Reads one response into `parser`: the header first, then the body.
  beast::error_code Leer(bhttp::response_parser<bhttp::string_body>& parser,
                         Clock::time_point limite) {
    if (Clock::now() >= limite) return beast::error::timeout;
    stream->expires_at(limite);
    beast::error_code ec = Correr(
        [&](auto listo) { bhttp::async_read_header(*stream, buffer, parser, std::move(listo)); });
    if (ec) return ec;
    if (parser.is_done()) return {};  // no body: HEAD, 204, 304
    // Checked here, not left to the parser: Beast 1.74 loses its body_limit error for a
    // Content-Length when the body came in the same read as the header. And an oversized
    // body is refused before any of it is read.
    const auto largo = parser.content_length();
    if (largo && *largo > o.max_body_bytes) return bhttp::error::body_limit;
    stream->expires_at(limite);
    return Correr(
        [&](auto listo) { bhttp::async_read(*stream, buffer, parser, std::move(listo)); });
  }

  // The request's bytes into `solicitud`.
  Status Formatear(std::string_view metodo, std::string_view ruta, std::string_view cuerpo,
                   const Encabezados& encabezados) {
    if (!EsToken(metodo)) {
      return Status::InvalidArgument("HTTP method '" + std::string(metodo) + "'");
    }
    if (!EsDestino(ruta)) {
      return Status::InvalidArgument("HTTP request target '" + std::string(ruta) +
                                     "' is empty or has spaces or control characters");
    }
    solicitud.clear();
    solicitud.append(metodo).append(" ").append(ruta).append(" HTTP/1.1\r\n");
    bool host = false, agente = false, tipo = false;
    for (const auto& [nombre, valor] : encabezados) {
      if (!EsToken(nombre) || !EsValorDeCampo(valor)) {
        return Status::InvalidArgument("HTTP header '" + nombre + "' cannot be sent as given");
      }
      // The client frames the message; a caller's framing would desynchronize the connection.
      if (IgualesSinMayusculas(nombre, "content-length") ||
          IgualesSinMayusculas(nombre, "transfer-encoding")) {
        return Status::InvalidArgument("HTTP header '" + nombre + "' is set by the client");
      }
      host = host || IgualesSinMayusculas(nombre, "host");
      agente = agente || IgualesSinMayusculas(nombre, "user-agent");
      tipo = tipo || IgualesSinMayusculas(nombre, "content-type");
      solicitud.append(nombre).append(": ").append(valor).append("\r\n");
    }
    if (!host) solicitud.append("Host: ").append(autoridad).append("\r\n");
    if (!agente) solicitud.append("User-Agent: prep\r\n");
    if (!tipo && (cuerpo.starts_with('{') || cuerpo.starts_with('['))) {
      solicitud.append("Content-Type: application/json\r\n");
    }
    // RFC 9110 §8.6: no Content-Length on a request without content unless its method
    // expects some.
    if (!cuerpo.empty() || metodo == "POST" || metodo == "PUT" || metodo == "PATCH") {
      solicitud.append("Content-Length: ").append(std::to_string(cuerpo.size())).append("\r\n");
    }
    solicitud.append("\r\n").append(cuerpo);
    return Status::Ok();
  }

  Status Falla(std::string_view metodo, std::string_view ruta, std::string_view fase,
               const beast::error_code& ec) const {
    std::string por;
    if (ec == beast::error::timeout) {
      por = "timed out after " + std::to_string(o.timeout_ms) + " ms";
    } else if (ec == bhttp::error::body_limit) {
      por = "response body larger than " + std::to_string(o.max_body_bytes) + " bytes";
    } else {
      por = ec.message();
    }
    return Status::IoError(std::string(metodo) + " " + lugar + std::string(ruta) + ": " +
                           std::string(fase) + ": " + por);
  }

  Result<RespuestaHttp> Enviar(std::string_view metodo, std::string_view ruta,
                               std::string_view cuerpo, const Encabezados& encabezados) {
    PREP_RETURN_IF_ERROR(Formatear(metodo, ruta, cuerpo, encabezados));
    const auto limite = Clock::now() + std::chrono::milliseconds(o.timeout_ms);
    for (int intento = 0;; ++intento) {
      const bool reusada = stream.has_value();
      if (!reusada) {
        const beast::error_code ec = Conectar(limite);
        if (ec) return Falla(metodo, ruta, "connecting", ec);
      }
      std::string_view fase = "sending the request";
      beast::error_code ec = Escribir(limite);
      bool nada = true;  // no byte of a response arrived
      std::optional<bhttp::response_parser<bhttp::string_body>> parser;
      if (!ec) {
        fase = "reading the response";
        parser.emplace();
        parser->body_limit(o.max_body_bytes);
        parser->header_limit(64 << 10);
        if (metodo == "HEAD") parser->skip(true);  // a Content-Length but no body follows
        ec = Leer(*parser, limite);
        nada = !parser->got_some() && buffer.size() == 0;
      }
      if (!ec) {
        const bool seguir = parser->keep_alive();  // false too when the body ended with EOF
        auto mensaje = parser->release();
        RespuestaHttp r;
        r.status = static_cast<int>(mensaje.result_int());
        r.headers.reserve(std::distance(mensaje.begin(), mensaje.end()));
        for (const auto& campo : mensaje) {
          std::string nombre(campo.name_string());
          for (char& c : nombre) c = Minuscula(c);
          r.headers.emplace_back(std::move(nombre), std::string(campo.value()));
        }
        r.body = std::move(mensaje.body());
        if (!seguir) Soltar();
        return r;
      }
      Soltar();
      // A kept-alive connection that ended with no answer at all: taken to be one the server
      // closed while it was idle, before our request reached it.
      if (reusada && nada && intento == 0 && ec != beast::error::timeout) continue;
      return Falla(metodo, ruta, fase, ec);
    }
  }

  Status EnviarYSoltar(std::string_view metodo, std::string_view ruta, std::string_view cuerpo,
                       const Encabezados& encabezados) {
    PREP_RETURN_IF_ERROR(Formatear(metodo, ruta, cuerpo, encabezados));
    const auto limite = Clock::now() + std::chrono::milliseconds(o.timeout_ms);
    beast::error_code ec = Conectar(limite);
    if (ec) return Falla(metodo, ruta, "connecting", ec);
    ec = Escribir(limite);
    Soltar();
    if (ec) return Falla(metodo, ruta, "sending the request", ec);
    return Status::Ok();
  }

  const OpcionesCliente o;
  const std::string autoridad;  // for Host
  const std::string lugar;      // http://host:port, for messages
  asio::io_context ioc{1};
  std::optional<tcp::resolver::results_type> destinos;
  std::optional<beast::tcp_stream> stream;  // the kept-alive connection
  beast::flat_buffer buffer;
  std::string solicitud;  // the request being sent; its storage is reused
};

Cliente::Cliente(OpcionesCliente o) : impl_(std::make_unique<Impl>(std::move(o))) {}

Cliente::~Cliente() = default;

Result<RespuestaHttp> Cliente::Enviar(std::string_view metodo, std::string_view ruta,
                                      std::string_view cuerpo, const Encabezados& encabezados) {
  try {
    return impl_->Enviar(metodo, ruta, cuerpo, encabezados);
  } catch (const std::exception& e) {
    impl_->Soltar();
    return Status::IoError(std::string(metodo) + " " + impl_->lugar + std::string(ruta) + ": " +
                           e.what());
  }
}

Status Cliente::EnviarYSoltar(std::string_view metodo, std::string_view ruta,
                              std::string_view cuerpo, const Encabezados& encabezados) {
  try {
    return impl_->EnviarYSoltar(metodo, ruta, cuerpo, encabezados);
  } catch (const std::exception& e) {
    impl_->Soltar();
    return Status::IoError(std::string(metodo) + " " + impl_->lugar + std::string(ruta) + ": " +
                           e.what());
  }
}

void Cliente::Cerrar() { impl_->Soltar(); }

Result<UrlHttp> ParsearUrl(std::string_view url) {
  const auto mal = [url](std::string_view por) {
    return Status::InvalidArgument(std::string(url) + ": " + std::string(por));
  };
  constexpr std::string_view kEsquema = "http://";
  if (url.size() < kEsquema.size() ||
      !IgualesSinMayusculas(url.substr(0, kEsquema.size()), kEsquema)) {
    return mal("not an http:// URL");
  }
  const std::string_view resto = url.substr(kEsquema.size());
  if (!EsDestino(resto)) return mal("spaces or control characters in the URL");
  if (resto.find_first_of("?#") != std::string_view::npos) {
    return mal("a query or fragment cannot be part of a prefix");
  }
  const size_t barra = resto.find('/');
  const std::string_view autoridad = resto.substr(0, barra);
  if (autoridad.find('@') != std::string_view::npos) return mal("user info is not supported");
  UrlHttp u;
  u.prefijo = barra == std::string_view::npos ? "/" : std::string(resto.substr(barra));
  if (!u.prefijo.ends_with('/')) u.prefijo += '/';
  std::optional<std::string_view> puerto;
  if (autoridad.starts_with('[')) {
    const size_t cierre = autoridad.find(']');
    if (cierre == std::string_view::npos) return mal("no ']' after an IPv6 address");
    u.host = autoridad.substr(1, cierre - 1);
    const std::string_view tras = autoridad.substr(cierre + 1);
    if (!tras.empty()) {
      if (tras[0] != ':') return mal("no ':' between the host and the port");
      puerto = tras.substr(1);
    }
  } else {
    const size_t dos_puntos = autoridad.find(':');
    u.host = autoridad.substr(0, dos_puntos);
    if (dos_puntos != std::string_view::npos) puerto = autoridad.substr(dos_puntos + 1);
  }
  if (u.host.empty()) return mal("no host");
  u.port = "80";
  // RFC 3986 §3.2.3: an empty port ("host:") is the scheme's default.
  if (puerto && !puerto->empty()) {
    uint32_t n = 0;
    for (const char c : *puerto) {
      if (c < '0' || c > '9' || n > 65535) return mal("the port is not a number from 1 to 65535");
      n = n * 10 + static_cast<uint32_t>(c - '0');
    }
    if (n == 0 || n > 65535) return mal("the port is not a number from 1 to 65535");
    u.port = std::to_string(n);
  }
  return u;
}

}  // namespace prep::http
