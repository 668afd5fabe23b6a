#include "http/consola.h"

#include <string>

#include "web/assets.h"

namespace prep::http {
namespace {

Response Archivo(const std::string& nombre) {
  const web::Asset* a = web::Buscar("consola/" + nombre);
  if (a == nullptr) return Response::Error(404, "not_found", "no existe /consola/" + nombre);
  Response r;
  r.content_type = std::string(web::TipoMime(a->ruta));
  r.body = std::string(a->contenido);
  r.headers["Cache-Control"] = "no-cache";
  r.headers["Content-Security-Policy"] =
      "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; "
      "connect-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; "
      "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
  r.headers["X-Frame-Options"] = "DENY";
  r.headers["Referrer-Policy"] = "no-referrer";
  r.headers["Permissions-Policy"] = "camera=(self), geolocation=(), microphone=()";
  r.date = true;
  return r;
}

}  // namespace

void MontarConsola(Router& router) {
  // The router ignores empty segments: /consola and /consola/ are one route.
  router.Add("GET", "/consola", [](const Request& req) {
    if (req.path.ends_with("/")) return Archivo("index.html");
    Response r;
    r.status = 301;
    r.headers["Location"] = "/consola/";
    r.body = "";
    return r;
  });
  router.Add("GET", "/consola/{archivo}",
             [](const Request& req) { return Archivo(req.params.at("archivo")); });
}

}  // namespace prep::http
