// Small, valid acta images for tests that need distinct images without the
// renderer: a 1×1 grey PNG (or one that only declares another size) whose
// tEXt chunk carries `texto`, so that each acta's image has its own SHA-256.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace prep::testing {

inline uint32_t Crc32(std::string_view b) {
  uint32_t c = 0xFFFFFFFFu;
  for (unsigned char x : b) {
    c ^= x;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return ~c;
}

inline void Be32(std::string* out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out->push_back(static_cast<char>((v >> s) & 0xFF));
}

inline std::string ChunkPng(std::string_view tipo, std::string_view datos) {
  std::string out;
  Be32(&out, static_cast<uint32_t>(datos.size()));
  const std::string td = std::string(tipo) + std::string(datos);
  out += td;
  Be32(&out, Crc32(td));
  return out;
}

// `ancho` × `alto` is what the header declares; the pixel data is one grey pixel (a viewer
// would call a larger declaration truncated: enough for the server's checks).
inline std::string PngDePrueba(std::string_view texto, uint32_t ancho = 1, uint32_t alto = 1) {
  std::string ihdr;
  Be32(&ihdr, ancho);
  Be32(&ihdr, alto);
  ihdr += std::string("\x08\0\0\0\0", 5);  // 8-bit greyscale, deflate, no filter, no interlace
  const std::string idat("\x78\x9c\x63\x60\x00\x00\x00\x02\x00\x01", 10);  // zlib of "\0\0"
  return std::string("\x89PNG\r\n\x1a\n", 8) + ChunkPng("IHDR", ihdr) +
         ChunkPng("tEXt", "Comment" + std::string(1, '\0') + std::string(texto)) +
         ChunkPng("IDAT", idat) + ChunkPng("IEND", "");
}

// A baseline JPEG's first markers: SOI, an APP0, and a SOF0 declaring `ancho` × `alto`.
inline std::string JpegDePrueba(uint32_t ancho, uint32_t alto) {
  std::string j("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", 20);
  j += std::string("\xFF\xC0\x00\x0B\x08", 5);
  j.push_back(static_cast<char>(alto >> 8));
  j.push_back(static_cast<char>(alto & 0xFF));
  j.push_back(static_cast<char>(ancho >> 8));
  j.push_back(static_cast<char>(ancho & 0xFF));
  j += std::string("\x01\x01\x11\x00\xFF\xD9", 6);
  return j;
}

}  // namespace prep::testing
