// The files of the operations console (web/consola/), compiled into the
// binary by cmake/embed_assets.cmake: `prep serve` needs nothing beside it,
// and what it serves is what was built.
// Thread-safety: immutable after first use.
#pragma once

#include <string_view>
#include <vector>

namespace prep::web {

struct Asset {
  std::string_view ruta;       // relative to web/, e.g. "consola/index.html"
  std::string_view contenido;  // the file's bytes
};

const std::vector<Asset>& Assets();
// The asset at `ruta`, or nullptr.
const Asset* Buscar(std::string_view ruta);
// "text/html; charset=utf-8" and so on, by extension.
std::string_view TipoMime(std::string_view ruta);

}  // namespace prep::web
