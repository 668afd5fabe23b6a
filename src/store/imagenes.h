// Content-addressed storage of acta images: each image is kept once, under
// its SHA-256, and never overwritten or deleted (redigitalización adds a new
// one). The type is decided by the bytes, not by the name or the client.
// Thread-safety: safe from many threads (writes go through a temp file and an
// atomic rename).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace prep::store {

enum class TipoImagen { kPng, kJpeg, kPdf };

struct ImagenGuardada {
  std::string sha256;  // hex, lower case
  TipoImagen tipo = TipoImagen::kPng;
  int64_t bytes = 0;
  std::string ruta;  // relative to the images folder: "ab/abcd....png"
  bool ya_existia = false;
};

inline constexpr int64_t kMaxBytesImagen = 20 << 20;
// An image bomb (a few KB that declare a gigapixel) would stop the browser of whoever opens
// it: a capturista, a citizen. An acta (carta or oficio) scanned at 600 dpi is about 5,100 x
// 8,400 pixels; a phone photo 4,000 x 3,000 to 8,000 x 6,000.
inline constexpr uint32_t kMaxLadoImagen = 12000;
inline constexpr uint64_t kMaxPixelesImagen = 64'000'000;

// The image type from its bytes, or an error saying what it is not. PNG and JPEG must declare
// their size in their header, within kMaxLadoImagen and kMaxPixelesImagen.
Result<TipoImagen> TipoPorContenido(std::string_view bytes);
std::string_view ExtensionDe(TipoImagen t);
std::string_view MimeDe(TipoImagen t);
std::string Sha256Hex(std::string_view bytes);

// fsync of a folder, so that the names created or renamed in it are durable.
Status SincronizarCarpeta(const std::string& dir);

// Validates and stores `bytes` under `folder` (created if needed). Durable on
// return: the file and its folder are fsynced.
Result<ImagenGuardada> GuardarImagen(const std::string& folder, std::string_view bytes);

}  // namespace prep::store
