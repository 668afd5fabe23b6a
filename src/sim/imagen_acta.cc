#include "sim/imagen_acta.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <new>
#include <string_view>

namespace prep::sim {
namespace {

// ---- The font: 5x7 glyphs, one byte per row, bit 4 is the leftmost column.

constexpr int kGlifoAncho = 5;
constexpr int kGlifoAlto = 7;
// The character that stands for anything the font has no glyph for.
constexpr char kDesconocido = '\x01';

struct GlifoFuente {
  char c;
  std::array<uint8_t, kGlifoAlto> filas;
};

constexpr GlifoFuente kFuente[] = {
    {'0', {0b01110, 0b10001, 0b10011, 0b10101, 0b11001, 0b10001, 0b01110}},
    {'1', {0b00100, 0b01100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110}},
    {'2', {0b01110, 0b10001, 0b00001, 0b00010, 0b00100, 0b01000, 0b11111}},
    {'3', {0b11111, 0b00010, 0b00100, 0b00010, 0b00001, 0b10001, 0b01110}},
    {'4', {0b00010, 0b00110, 0b01010, 0b10010, 0b11111, 0b00010, 0b00010}},
    {'5', {0b11111, 0b10000, 0b11110, 0b00001, 0b00001, 0b10001, 0b01110}},
    {'6', {0b00110, 0b01000, 0b10000, 0b11110, 0b10001, 0b10001, 0b01110}},
    {'7', {0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b01000, 0b01000}},
    {'8', {0b01110, 0b10001, 0b10001, 0b01110, 0b10001, 0b10001, 0b01110}},
    {'9', {0b01110, 0b10001, 0b10001, 0b01111, 0b00001, 0b00010, 0b01100}},
    {'A', {0b01110, 0b10001, 0b10001, 0b11111, 0b10001, 0b10001, 0b10001}},
    {'B', {0b11110, 0b10001, 0b10001, 0b11110, 0b10001, 0b10001, 0b11110}},
    {'C', {0b01110, 0b10001, 0b10000, 0b10000, 0b10000, 0b10001, 0b01110}},
    {'D', {0b11100, 0b10010, 0b10001, 0b10001, 0b10001, 0b10010, 0b11100}},
    {'E', {0b11111, 0b10000, 0b10000, 0b11110, 0b10000, 0b10000, 0b11111}},
    {'F', {0b11111, 0b10000, 0b10000, 0b11110, 0b10000, 0b10000, 0b10000}},
    {'G', {0b01110, 0b10001, 0b10000, 0b10111, 0b10001, 0b10001, 0b01111}},
    {'H', {0b10001, 0b10001, 0b10001, 0b11111, 0b10001, 0b10001, 0b10001}},
    {'I', {0b01110, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110}},
    {'J', {0b00111, 0b00010, 0b00010, 0b00010, 0b00010, 0b10010, 0b01100}},
    {'K', {0b10001, 0b10010, 0b10100, 0b11000, 0b10100, 0b10010, 0b10001}},
    {'L', {0b10000, 0b10000, 0b10000, 0b10000, 0b10000, 0b10000, 0b11111}},
    {'M', {0b10001, 0b11011, 0b10101, 0b10101, 0b10001, 0b10001, 0b10001}},
    {'N', {0b10001, 0b10001, 0b11001, 0b10101, 0b10011, 0b10001, 0b10001}},
    {'O', {0b01110, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01110}},
    {'P', {0b11110, 0b10001, 0b10001, 0b11110, 0b10000, 0b10000, 0b10000}},
    {'Q', {0b01110, 0b10001, 0b10001, 0b10001, 0b10101, 0b10010, 0b01101}},
    {'R', {0b11110, 0b10001, 0b10001, 0b11110, 0b10100, 0b10010, 0b10001}},
    {'S', {0b01111, 0b10000, 0b10000, 0b01110, 0b00001, 0b00001, 0b11110}},
    {'T', {0b11111, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100}},
    {'U', {0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01110}},
    {'V', {0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01010, 0b00100}},
    {'W', {0b10001, 0b10001, 0b10001, 0b10101, 0b10101, 0b10101, 0b01010}},
    {'X', {0b10001, 0b10001, 0b01010, 0b00100, 0b01010, 0b10001, 0b10001}},
    {'Y', {0b10001, 0b10001, 0b10001, 0b01010, 0b00100, 0b00100, 0b00100}},
    {'Z', {0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b10000, 0b11111}},
    {' ', {0, 0, 0, 0, 0, 0, 0}},
    {'-', {0, 0, 0, 0b11111, 0, 0, 0}},
    {'_', {0, 0, 0, 0, 0, 0, 0b11111}},
    {'.', {0, 0, 0, 0, 0, 0b01100, 0b01100}},
    {':', {0, 0b01100, 0b01100, 0, 0b01100, 0b01100, 0}},
    {'/', {0, 0b00001, 0b00010, 0b00100, 0b01000, 0b10000, 0}},
    {'#', {0b01010, 0b01010, 0b11111, 0b01010, 0b11111, 0b01010, 0b01010}},
    {'(', {0b00010, 0b00100, 0b01000, 0b01000, 0b01000, 0b00100, 0b00010}},
    {')', {0b01000, 0b00100, 0b00010, 0b00010, 0b00010, 0b00100, 0b01000}},
    {',', {0, 0, 0, 0, 0b01100, 0b00100, 0b01000}},
    // A crossed box, like no letter or digit: visibly "a character was here"
    // without guessing which.
    {kDesconocido, {0b11111, 0b10001, 0b11011, 0b10101, 0b11011, 0b10001, 0b11111}},
};

using TablaGlifos = std::array<const GlifoFuente*, 128>;

constexpr TablaGlifos HacerTabla() {
  TablaGlifos t{};
  for (const GlifoFuente& g : kFuente) t[static_cast<unsigned char>(g.c)] = &g;
  return t;
}
constexpr TablaGlifos kTabla = HacerTabla();

const GlifoFuente& GlifoDe(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u < kTabla.size() && kTabla[u] != nullptr) return *kTabla[u];
  return *kTabla[static_cast<unsigned char>(kDesconocido)];
}

bool TieneGlifo(char32_t c) { return c < kTabla.size() && kTabla[c] != nullptr; }

// ---- Text: UTF-8 in, one printable ASCII character (or kDesconocido) per code point out.

std::string_view Transliterar(char32_t c) {
  if (c == '\t' || c == 0xA0) return " ";
  if ((c >= 0xC0 && c <= 0xC5) || (c >= 0xE0 && c <= 0xE5)) return "A";
  if (c == 0xC6 || c == 0xE6) return "AE";
  if (c == 0xC7 || c == 0xE7) return "C";
  if ((c >= 0xC8 && c <= 0xCB) || (c >= 0xE8 && c <= 0xEB)) return "E";
  if ((c >= 0xCC && c <= 0xCF) || (c >= 0xEC && c <= 0xEF)) return "I";
  if (c == 0xD1 || c == 0xF1) return "N";
  if ((c >= 0xD2 && c <= 0xD6) || c == 0xD8 || (c >= 0xF2 && c <= 0xF6) || c == 0xF8) return "O";
  if ((c >= 0xD9 && c <= 0xDC) || (c >= 0xF9 && c <= 0xFC)) return "U";
  if (c == 0xDD || c == 0xFD || c == 0xFF) return "Y";
  if (c == 0xDF) return "SS";
  if (c >= 0x2010 && c <= 0x2015) return "-";  // hyphens and dashes
  return {};
}

// Decodes UTF-8; a byte that does not start a valid sequence counts as one
// unknown character, so broken input still shows where it was.
std::string Imprimible(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    char32_t c = 0;
    size_t n = 0;
    if (b < 0x80) {
      c = b, n = 1;
    } else if (b >= 0xC2 && b <= 0xDF) {
      c = b & 0x1F, n = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      c = b & 0x0F, n = 3;
    } else if (b >= 0xF0 && b <= 0xF4) {
      c = b & 0x07, n = 4;
    }
    bool valido = n > 0 && i + n <= s.size();
    for (size_t k = 1; valido && k < n; ++k) {
      const auto cb = static_cast<unsigned char>(s[i + k]);
      valido = (cb & 0xC0) == 0x80;
      c = (c << 6) | (cb & 0x3F);
    }
    // Overlong 3- and 4-byte forms and surrogates are not characters.
    if (valido && ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
                   (c >= 0xD800 && c <= 0xDFFF))) {
      valido = false;
    }
    if (!valido) {
      out.push_back(kDesconocido);
      ++i;
      continue;
    }
    i += n;
    if (c >= 'a' && c <= 'z') {
      out.push_back(static_cast<char>(c - 'a' + 'A'));
    } else if (c != kDesconocido && TieneGlifo(c)) {
      out.push_back(static_cast<char>(c));
    } else if (std::string_view t = Transliterar(c); !t.empty()) {
      out.append(t);
    } else {
      out.push_back(kDesconocido);
    }
  }
  return out;
}

// ---- Deterministic randomness (SplitMix64): the same semilla, the same scribble.

class Azar {
 public:
  explicit Azar(uint64_t semilla) : s_(semilla) {}
  uint64_t Siguiente() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform enough in [0, n) for drawing; n > 0.
  int Hasta(int n) { return static_cast<int>(Siguiente() % static_cast<uint64_t>(n)); }

 private:
  uint64_t s_;
};

// ---- The canvas.

struct Caja {
  int x0, y0, x1, y1;  // half-open: [x0, x1) x [y0, y1)
};

class Lienzo {
 public:
  Lienzo(int ancho, int alto, uint8_t fondo)
      : ancho_(ancho), alto_(alto), px_(static_cast<size_t>(ancho) * alto, fondo) {}

  int ancho() const { return ancho_; }
  int alto() const { return alto_; }
  const uint8_t* Fila(int y) const { return px_.data() + static_cast<size_t>(y) * ancho_; }

  void Rect(int x, int y, int w, int h, uint8_t v) { Rect(x, y, w, h, v, Todo()); }
  void Rect(int x, int y, int w, int h, uint8_t v, const Caja& c) {
    const int x0 = std::max({x, c.x0, 0}), x1 = std::min({x + w, c.x1, ancho_});
    const int y0 = std::max({y, c.y0, 0}), y1 = std::min({y + h, c.y1, alto_});
    for (int yy = y0; yy < y1; ++yy) {
      for (int xx = x0; xx < x1; ++xx) px_[static_cast<size_t>(yy) * ancho_ + xx] = v;
    }
  }

  void Marco(int x, int y, int w, int h, int grosor, uint8_t v) {
    Rect(x, y, w, grosor, v);
    Rect(x, y + h - grosor, w, grosor, v);
    Rect(x, y, grosor, h, v);
    Rect(x + w - grosor, y, grosor, h, v);
  }

  // Bresenham with a square pen.
  void Linea(int x0, int y0, int x1, int y1, int grosor, uint8_t v, const Caja& c) {
    const int dx = std::abs(x1 - x0), sx = x0 < x1 ? 1 : -1;
    const int dy = -std::abs(y1 - y0), sy = y0 < y1 ? 1 : -1;
    int err = dx + dy;
    while (true) {
      Rect(x0 - grosor / 2, y0 - grosor / 2, grosor, grosor, v, c);
      if (x0 == x1 && y0 == y1) break;
      const int e2 = 2 * err;
      if (e2 >= dy) err += dy, x0 += sx;
      if (e2 <= dx) err += dx, y0 += sy;
    }
  }

  // `texto` must come from Imprimible(). Glyphs that would cross c.x1 are not drawn.
  void Texto(int x, int y, std::string_view texto, int escala, uint8_t v, const Caja& c) {
    for (char ch : texto) {
      if (x + kGlifoAncho * escala > c.x1) break;
      const GlifoFuente& g = GlifoDe(ch);
      for (int fila = 0; fila < kGlifoAlto; ++fila) {
        for (int col = 0; col < kGlifoAncho; ++col) {
          if (g.filas[fila] & (0x10 >> col)) {
            Rect(x + col * escala, y + fila * escala, escala, escala, v, c);
          }
        }
      }
      x += (kGlifoAncho + 1) * escala;
    }
  }

 private:
  Caja Todo() const { return {0, 0, ancho_, alto_}; }

  int ancho_, alto_;
  std::vector<uint8_t> px_;
};

int AnchoTexto(size_t n, int escala) {
  return n == 0 ? 0 : static_cast<int>(n) * (kGlifoAncho + 1) * escala - escala;
}

// The largest scale up to `maxima` at which `n` characters fit in `ancho`
// (1 if none does: the text is then cut at the edge).
int EscalaQueCabe(size_t n, int ancho, int maxima) {
  for (int s = maxima; s > 1; --s) {
    if (AnchoTexto(n, s) <= ancho) return s;
  }
  return 1;
}

enum class Alineacion { kIzquierda, kCentro, kDerecha };

// Draws `texto` (already Imprimible) inside `c`, vertically centered, as large
// as fits up to `maxima`.
void TextoEnCaja(Lienzo& l, const Caja& c, std::string_view texto, int maxima, Alineacion a,
                 uint8_t v) {
  const int ancho = c.x1 - c.x0;
  const int s = EscalaQueCabe(texto.size(), ancho, maxima);
  const int w = std::min(AnchoTexto(texto.size(), s), ancho);
  int x = c.x0;
  if (a == Alineacion::kCentro) x += (ancho - w) / 2;
  if (a == Alineacion::kDerecha) x += ancho - w;
  const int y = c.y0 + (c.y1 - c.y0 - kGlifoAlto * s) / 2;
  l.Texto(x, y, texto, s, v, c);
}

// ---- Layout (pixels). Light paper, a faint grid, dark print, darker pen.

constexpr int kAncho = 720;
constexpr uint8_t kPapel = 242;
constexpr uint8_t kCuadricula = 233;
constexpr uint8_t kRaya = 150;   // table lines
constexpr uint8_t kCelda = 110;  // the boxes one writes digits in
constexpr uint8_t kImpreso = 30;
constexpr uint8_t kPluma = 45;
constexpr int kPasoCuadricula = 16;
constexpr int kBorde = 8;    // from the edge of the image to the frame
constexpr int kMargen = 24;  // from the edge of the image to the text
constexpr int kAltoTitulo = 7 * 3;
constexpr int kAltoLinea = 7 * 2;
constexpr int kAltoEncabezadoTabla = 26;
constexpr int kAltoFila = 32;
// Columns of the table: label, value in digits, the boxes.
constexpr Caja kColEtiqueta = {kMargen, 0, 330, 0};
constexpr Caja kColDigitos = {340, 0, 464, 0};
constexpr Caja kColCeldas = {480, 0, kAncho - kMargen, 0};
constexpr int kAnchoCelda = 24;
constexpr int kMinCeldas = 3;  // the acta's "con número" has three boxes

// A column's span between two heights.
Caja En(const Caja& col, int y0, int y1) { return {col.x0, y0, col.x1, y1}; }

void DibujarCeldas(Lienzo& l, int y, std::string_view digitos) {
  const Caja area = En(kColCeldas, y + 3, y + kAltoFila - 3);
  const int ancho = area.x1 - area.x0;
  const int n = std::max<int>(kMinCeldas, static_cast<int>(digitos.size()));
  if (n * kAnchoCelda > ancho) {
    // Too many digits for one box each (never on a real acta): one long box.
    l.Marco(area.x0, area.y0, ancho, area.y1 - area.y0, 1, kCelda);
    TextoEnCaja(l, {area.x0 + 4, area.y0, area.x1 - 4, area.y1}, digitos, 2, Alineacion::kDerecha,
                kPluma);
    return;
  }
  // Right-aligned, as one writes a number in the acta's boxes; the cells share
  // their borders.
  const int x0 = area.x1 - n * kAnchoCelda - 1;
  for (int k = 0; k < n; ++k) {
    l.Marco(x0 + k * kAnchoCelda, area.y0, kAnchoCelda + 1, area.y1 - area.y0, 1, kCelda);
  }
  const int primera = n - static_cast<int>(digitos.size());
  for (size_t k = 0; k < digitos.size(); ++k) {
    const int xc = x0 + (primera + static_cast<int>(k)) * kAnchoCelda;
    TextoEnCaja(l, {xc + 1, area.y0, xc + kAnchoCelda, area.y1}, digitos.substr(k, 1), 2,
                Alineacion::kCentro, kPluma);
  }
}

// Over the digits and the boxes: zigzags, crossing strokes and smudge dots,
// dense enough that no digit survives. From semilla and the row, so two
// illegible rows of one acta do not look the same.
void DibujarGarabato(Lienzo& l, int y, uint64_t semilla, int fila) {
  Azar azar(semilla ^ (0xD1B54A32D192ED03ULL * static_cast<uint64_t>(fila + 1)));
  const Caja c = {kColDigitos.x0, y + 2, kColCeldas.x1, y + kAltoFila - 2};
  const int alto = c.y1 - c.y0;
  for (int pasada = 0; pasada < 3; ++pasada) {
    int x = c.x0 + azar.Hasta(12);
    int yy = c.y0 + azar.Hasta(alto);
    while (x < c.x1) {
      const int nx = x + 6 + azar.Hasta(14);
      const int ny = c.y0 + azar.Hasta(alto);
      l.Linea(x, yy, nx, ny, 2 + azar.Hasta(2), static_cast<uint8_t>(25 + azar.Hasta(50)), c);
      x = nx, yy = ny;
    }
  }
  for (int k = 0; k < 8; ++k) {
    const int x = c.x0 + azar.Hasta(c.x1 - c.x0);
    l.Linea(x, c.y0, x + azar.Hasta(61) - 30, c.y1 - 1, 2,
            static_cast<uint8_t>(40 + azar.Hasta(40)), c);
  }
  for (int k = 0; k < 150; ++k) {
    l.Rect(c.x0 + azar.Hasta(c.x1 - c.x0), c.y0 + azar.Hasta(alto), 1 + azar.Hasta(2), 1,
           static_cast<uint8_t>(azar.Hasta(140)), c);
  }
}

// ---- PNG.

void Poner32(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>(v >> 24));
  out.push_back(static_cast<char>(v >> 16));
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}

void Trozo(std::string& out, const char (&tipo)[5], std::string_view datos) {
  Poner32(out, static_cast<uint32_t>(datos.size()));
  out.append(tipo, 4);
  out.append(datos);
  uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(tipo), 4);
  // crc32() with a null buffer returns the initial value, not the running one;
  // IEND's empty data may well be null.
  if (!datos.empty()) {
    crc = crc32(crc, reinterpret_cast<const Bytef*>(datos.data()), static_cast<uInt>(datos.size()));
  }
  Poner32(out, static_cast<uint32_t>(crc));
}

// |v| of a residual read as a signed byte: the usual measure of how well a
// filter predicted a row.
inline uint32_t Magnitud(uint8_t v) { return v < 128 ? v : 256u - v; }

// Filters row `y` into `r` (w + 1 bytes: the filter type, then the residuals):
// None, Sub or Up, whichever leaves the smallest residuals (the usual
// heuristic). On this flat paper most rows become runs of zeros, which is what
// keeps the image a few KB.
void FiltrarFila(const Lienzo& l, int y, const uint8_t* ceros, uint8_t* r) {
  const size_t w = static_cast<size_t>(l.ancho());
  const uint8_t* f = l.Fila(y);
  const uint8_t* u = y > 0 ? l.Fila(y - 1) : ceros;
  if (std::equal(f, f + w, u)) {  // most rows: blank paper, as the one above
    r[0] = 2;
    std::fill(r + 1, r + 1 + w, 0);
    return;
  }
  uint32_t ninguno = Magnitud(f[0]), izquierda = Magnitud(f[0]),
           arriba = Magnitud(static_cast<uint8_t>(f[0] - u[0]));
  for (size_t x = 1; x < w; ++x) {
    ninguno += Magnitud(f[x]);
    izquierda += Magnitud(static_cast<uint8_t>(f[x] - f[x - 1]));
    arriba += Magnitud(static_cast<uint8_t>(f[x] - u[x]));
  }
  uint8_t* d = r + 1;
  if (arriba <= izquierda && arriba <= ninguno) {
    r[0] = 2;  // Up
    for (size_t x = 0; x < w; ++x) d[x] = static_cast<uint8_t>(f[x] - u[x]);
  } else if (izquierda <= ninguno) {
    r[0] = 1;  // Sub
    d[0] = f[0];
    for (size_t x = 1; x < w; ++x) d[x] = static_cast<uint8_t>(f[x] - f[x - 1]);
  } else {
    r[0] = 0;  // None
    std::copy(f, f + w, d);
  }
}

// Measured on a typical 15-row acta (720x683): level 3 takes ~1.5 ms and
// gives ~12 KB; level 6 doubles the time for ~8 KB, level 9 takes ~30 ms.
constexpr int kNivelDeflate = 3;

// The zlib stream of the filtered rows, fed to deflate one row at a time so
// that no filtered copy of the whole image is ever held.
std::string Comprimir(const Lienzo& l) {
  z_stream z{};
  // Running out of memory is the only way deflate can fail here (valid
  // parameters, output space always available); report it the way std::string
  // would.
  if (deflateInit2(&z, kNivelDeflate, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::bad_alloc();
  }
  const size_t w = static_cast<size_t>(l.ancho());
  const std::vector<uint8_t> ceros(w, 0);
  std::vector<uint8_t> fila(w + 1);
  std::string out(16 << 10, '\0');
  int rc = Z_OK;
  for (int y = 0; y <= l.alto(); ++y) {
    const bool ultima = y == l.alto();
    if (!ultima) FiltrarFila(l, y, ceros.data(), fila.data());
    z.next_in = fila.data();
    z.avail_in = ultima ? 0 : static_cast<uInt>(fila.size());
    do {
      if (out.size() - z.total_out < 1024) out.resize(out.size() * 2);
      z.next_out = reinterpret_cast<Bytef*>(out.data()) + z.total_out;
      z.avail_out = static_cast<uInt>(out.size() - z.total_out);
      rc = deflate(&z, ultima ? Z_FINISH : Z_NO_FLUSH);
    } while (rc == Z_OK && (z.avail_in > 0 || ultima));
    if (rc != Z_OK && rc != Z_STREAM_END) break;
  }
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::bad_alloc();
  return out;
}

std::string CodificarPng(const Lienzo& l) {
  const std::string comprimido = Comprimir(l);
  std::string ihdr;
  Poner32(ihdr, static_cast<uint32_t>(l.ancho()));
  Poner32(ihdr, static_cast<uint32_t>(l.alto()));
  ihdr += std::string("\x08\x00\x00\x00\x00", 5);  // depth 8, gray, deflate, filter 0, no interlace

  std::string png("\x89PNG\r\n\x1a\n", 8);
  Trozo(png, "IHDR", ihdr);
  Trozo(png, "IDAT", comprimido);
  Trozo(png, "IEND", {});
  return png;
}

}  // namespace

std::string RenderizarActaPng(const ActaImagen& acta) {
  const size_t n_lineas = std::min<size_t>(acta.lineas.size(), kMaxLineasImagen);
  const size_t n_campos = std::min<size_t>(acta.campos.size(), kMaxCamposImagen);
  const size_t sobrantes = acta.campos.size() - n_campos;
  const int filas = static_cast<int>(n_campos) + (sobrantes > 0 ? 1 : 0);

  // Header: title, clave, lines, a rule; then the table.
  const int y_titulo = 22;
  const int y_clave = y_titulo + kAltoTitulo + 12;
  const int y_lineas = y_clave + kAltoTitulo + 14;
  const int y_regla = y_lineas + static_cast<int>(n_lineas) * (kAltoLinea + 8) + 4;
  const int y_tabla = y_regla + 16;
  const int y_filas = y_tabla + kAltoEncabezadoTabla + 1;
  const int y_fin = y_filas + filas * kAltoFila;
  const int alto = y_fin + 24;

  Lienzo l(kAncho, alto, kPapel);
  for (int x = kBorde; x < kAncho - kBorde; x += kPasoCuadricula) {
    l.Rect(x, kBorde, 1, alto - 2 * kBorde, kCuadricula);
  }
  for (int y = kBorde; y < alto - kBorde; y += kPasoCuadricula) {
    l.Rect(kBorde, y, kAncho - 2 * kBorde, 1, kCuadricula);
  }
  l.Marco(kBorde, kBorde, kAncho - 2 * kBorde, alto - 2 * kBorde, 2, kImpreso);

  const int x_fin = kAncho - kMargen;
  TextoEnCaja(l, {kMargen, y_titulo, x_fin, y_titulo + kAltoTitulo}, Imprimible(acta.titulo), 3,
              Alineacion::kCentro, kImpreso);
  TextoEnCaja(l, {kMargen, y_clave, x_fin, y_clave + kAltoTitulo}, Imprimible(acta.clave), 3,
              Alineacion::kCentro, kImpreso);
  for (size_t i = 0; i < n_lineas; ++i) {
    const int y = y_lineas + static_cast<int>(i) * (kAltoLinea + 8);
    TextoEnCaja(l, {kMargen, y, x_fin, y + kAltoLinea}, Imprimible(acta.lineas[i]), 2,
                Alineacion::kIzquierda, kImpreso);
  }
  l.Rect(kBorde + 8, y_regla, kAncho - 2 * (kBorde + 8), 2, kImpreso);

  // The table: a header row, then one row per campo.
  const int y_enc = y_tabla + kAltoEncabezadoTabla;
  TextoEnCaja(l, En(kColEtiqueta, y_tabla, y_enc), "PARTIDO O CANDIDATURA", 2,
              Alineacion::kIzquierda, kImpreso);
  TextoEnCaja(l, En(kColDigitos, y_tabla, y_enc), "VOTOS", 2, Alineacion::kDerecha, kImpreso);
  TextoEnCaja(l, En(kColCeldas, y_tabla, y_enc), "CON NUMERO", 2, Alineacion::kDerecha, kImpreso);
  l.Rect(kMargen - 8, y_enc, x_fin - kMargen + 16, 1, kImpreso);
  for (int x : {kColDigitos.x0 - 5, kColCeldas.x0 - 8}) {
    l.Rect(x, y_tabla, 1, y_fin - y_tabla, kRaya);
  }

  for (size_t i = 0; i < n_campos; ++i) {
    const CampoImagen& campo = acta.campos[i];
    const int y = y_filas + static_cast<int>(i) * kAltoFila;
    TextoEnCaja(l, En(kColEtiqueta, y, y + kAltoFila), Imprimible(campo.etiqueta), 2,
                Alineacion::kIzquierda, kImpreso);
    switch (campo.tipo) {
      case CampoImagen::Tipo::kNumero: {
        const std::string digitos = std::to_string(campo.valor);
        TextoEnCaja(l, En(kColDigitos, y, y + kAltoFila), digitos, 3, Alineacion::kDerecha,
                    kImpreso);
        DibujarCeldas(l, y, digitos);
        break;
      }
      case CampoImagen::Tipo::kIlegible:
        DibujarCeldas(l, y, "");
        DibujarGarabato(l, y, acta.semilla, static_cast<int>(i));
        break;
      case CampoImagen::Tipo::kVacio:
        DibujarCeldas(l, y, "");
        break;
    }
    l.Rect(kMargen - 8, y + kAltoFila - 1, x_fin - kMargen + 16, 1, kRaya);
  }
  if (sobrantes > 0) {
    const int y = y_filas + static_cast<int>(n_campos) * kAltoFila;
    TextoEnCaja(l, {kMargen, y, x_fin, y + kAltoFila},
                "Y " + std::to_string(sobrantes) + " CAMPOS MAS", 2, Alineacion::kIzquierda,
                kImpreso);
  }

  // Scanner specks, so that two actas with the same text are still two scans.
  Azar azar(acta.semilla ^ 0xA0761D6478BD642FULL);
  for (int k = 0; k < 40; ++k) {
    const int s = 1 + azar.Hasta(2);
    l.Rect(kBorde + 2 + azar.Hasta(kAncho - 2 * kBorde - 6),
           kBorde + 2 + azar.Hasta(alto - 2 * kBorde - 6), s, s,
           static_cast<uint8_t>(160 + azar.Hasta(60)));
  }
  return CodificarPng(l);
}

}  // namespace prep::sim
