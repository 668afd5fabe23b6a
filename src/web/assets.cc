#include "web/assets.h"

namespace prep::web {

const Asset* Buscar(std::string_view ruta) {
  for (const Asset& a : Assets()) {
    if (a.ruta == ruta) return &a;
  }
  return nullptr;
}

std::string_view TipoMime(std::string_view ruta) {
  auto termina = [&](std::string_view ext) {
    return ruta.size() >= ext.size() && ruta.substr(ruta.size() - ext.size()) == ext;
  };
  if (termina(".html")) return "text/html; charset=utf-8";
  if (termina(".css")) return "text/css; charset=utf-8";
  if (termina(".js")) return "text/javascript; charset=utf-8";
  if (termina(".svg")) return "image/svg+xml";
  if (termina(".webmanifest")) return "application/manifest+json";
  return "application/octet-stream";
}

}  // namespace prep::web
