#include "sim/imagen_acta.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <limits>
#include <set>
#include <string_view>

#include "store/imagenes.h"

namespace prep::sim {
namespace {

// ---- A strict PNG reader for what the renderer promises: 8-bit grayscale.

struct Png {
  int ancho = 0;
  int alto = 0;
  std::vector<std::string> trozos;  // chunk types in order
  std::vector<uint8_t> px;          // unfiltered, ancho * alto
  uint8_t At(int x, int y) const { return px[static_cast<size_t>(y) * ancho + x]; }
};

uint32_t Leer32(std::string_view s, size_t i) {
  return (uint32_t{static_cast<uint8_t>(s[i])} << 24) |
         (uint32_t{static_cast<uint8_t>(s[i + 1])} << 16) |
         (uint32_t{static_cast<uint8_t>(s[i + 2])} << 8) | uint32_t{static_cast<uint8_t>(s[i + 3])};
}

uint8_t Paeth(int a, int b, int c) {
  const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  if (pa <= pb && pa <= pc) return static_cast<uint8_t>(a);
  return static_cast<uint8_t>(pb <= pc ? b : c);
}

::testing::AssertionResult Decodificar(std::string_view png, Png* out) {
  using ::testing::AssertionFailure;
  if (png.substr(0, 8) != std::string_view("\x89PNG\r\n\x1a\n", 8)) {
    return AssertionFailure() << "bad signature";
  }
  std::string idat;
  size_t i = 8;
  bool fin = false;
  while (i < png.size()) {
    if (fin) return AssertionFailure() << "bytes after IEND at " << i;
    if (i + 12 > png.size()) return AssertionFailure() << "truncated chunk at " << i;
    const uint32_t largo = Leer32(png, i);
    if (i + 12 + largo > png.size()) return AssertionFailure() << "chunk overruns at " << i;
    const std::string tipo(png.substr(i + 4, 4));
    const std::string_view datos = png.substr(i + 8, largo);
    const uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(png.data() + i + 4), largo + 4);
    if (crc != Leer32(png, i + 8 + largo)) return AssertionFailure() << tipo << ": bad CRC";
    if (out->trozos.empty() && tipo != "IHDR") return AssertionFailure() << "IHDR is not first";
    if (tipo == "IHDR") {
      if (largo != 13) return AssertionFailure() << "IHDR length " << largo;
      out->ancho = static_cast<int>(Leer32(datos, 0));
      out->alto = static_cast<int>(Leer32(datos, 4));
      if (datos.substr(8) != std::string_view("\x08\x00\x00\x00\x00", 5)) {
        return AssertionFailure() << "IHDR: not 8-bit gray, deflate, filter 0, no interlace";
      }
    } else if (tipo == "IDAT") {
      idat.append(datos);
    } else if (tipo == "IEND") {
      if (largo != 0) return AssertionFailure() << "IEND with data";
      fin = true;
    }
    out->trozos.push_back(tipo);
    i += 12 + largo;
  }
  if (!fin) return AssertionFailure() << "no IEND";
  if (out->ancho <= 0 || out->alto <= 0) return AssertionFailure() << "empty image";

  const size_t w = static_cast<size_t>(out->ancho), h = static_cast<size_t>(out->alto);
  // One byte more than expected, so that a longer stream shows as a wrong length.
  std::vector<uint8_t> crudo(h * (w + 1) + 1);
  uLongf largo = crudo.size();
  const int rc = uncompress(crudo.data(), &largo, reinterpret_cast<const Bytef*>(idat.data()),
                            static_cast<uLong>(idat.size()));
  if (rc != Z_OK) return AssertionFailure() << "IDAT does not inflate: " << rc;
  if (largo != h * (w + 1)) {
    return AssertionFailure() << "IDAT inflates to " << largo << " bytes, not " << h * (w + 1);
  }
  out->px.assign(w * h, 0);
  for (size_t y = 0; y < h; ++y) {
    const uint8_t filtro = crudo[y * (w + 1)];
    if (filtro > 4) return AssertionFailure() << "row " << y << ": filter " << int{filtro};
    const uint8_t* src = &crudo[y * (w + 1) + 1];
    uint8_t* fila = &out->px[y * w];
    const uint8_t* arriba = y > 0 ? &out->px[(y - 1) * w] : nullptr;
    for (size_t x = 0; x < w; ++x) {
      const int a = x > 0 ? fila[x - 1] : 0;
      const int b = arriba ? arriba[x] : 0;
      const int c = (arriba && x > 0) ? arriba[x - 1] : 0;
      int pred = 0;
      if (filtro == 1) pred = a;
      if (filtro == 2) pred = b;
      if (filtro == 3) pred = (a + b) / 2;
      if (filtro == 4) pred = Paeth(a, b, c);
      fila[x] = static_cast<uint8_t>(src[x] + pred);
    }
  }
  return ::testing::AssertionSuccess();
}

Png Leer(const std::string& bytes) {
  Png p;
  EXPECT_TRUE(Decodificar(bytes, &p));
  return p;
}

CampoImagen Numero(std::string etiqueta, int64_t v) {
  return {std::move(etiqueta), CampoImagen::Tipo::kNumero, v};
}

// A diputaciones MR acta of a contest with coalitions: 15 rows.
ActaImagen ActaTipica() {
  ActaImagen a;
  a.titulo = "Acta de escrutinio y cómputo";
  a.clave = "05-0123-B1-MR";
  a.lineas = {"DISTRITO 5", "SECCIÓN 123 BÁSICA"};
  a.campos = {Numero("PAN", 87),         Numero("PRI", 64),
              Numero("PRD", 12),         Numero("PVEM", 9),
              Numero("PT", 15),          Numero("MC", 21),
              Numero("MORENA", 143),     Numero("C_PAN_PRD", 3),
              Numero("C_PAN_PRD_MC", 1), Numero("C_PT_MORENA", 5),
              Numero("C_PVEM_PT", 0),    Numero("CAND_IND_1", 7),
              Numero("CAND_IND_2", 2),   Numero("NO_REGISTRADOS", 1),
              Numero("NULOS", 11)};
  a.semilla = 0x5eed;
  return a;
}

TEST(ImagenActaTest, IsAValidGrayscalePngOfTheExpectedShape) {
  const std::string bytes = RenderizarActaPng(ActaTipica());
  Png p;
  ASSERT_TRUE(Decodificar(bytes, &p));
  EXPECT_EQ(p.trozos, (std::vector<std::string>{"IHDR", "IDAT", "IEND"}));
  EXPECT_GE(p.ancho, 600);
  EXPECT_LE(p.ancho, 800);
  // 15 rows and a header fit in well under 1,000 px.
  EXPECT_GT(p.alto, 15 * 20);
  EXPECT_LT(p.alto, 1000);
  EXPECT_LT(bytes.size(), 30u * 1024);

  auto tipo = store::TipoPorContenido(bytes);
  ASSERT_TRUE(tipo.ok()) << tipo.status().message();
  EXPECT_EQ(*tipo, store::TipoImagen::kPng);

  // Light paper with dark print: mostly light, and some really dark pixels.
  int oscuros = 0, claros = 0;
  for (uint8_t v : p.px) oscuros += v<64, claros += v> 200;
  EXPECT_GT(claros, static_cast<int>(p.px.size() * 8 / 10));
  EXPECT_GT(oscuros, 1000);
}

TEST(ImagenActaTest, CorruptingAByteBreaksTheCrc) {
  // Guards the reader above: it must notice a changed pixel byte.
  std::string bytes = RenderizarActaPng(ActaTipica());
  bytes[bytes.size() - 20] ^= 0x01;  // inside the IDAT data (IEND is the last 12 bytes)
  Png p;
  EXPECT_FALSE(Decodificar(bytes, &p));
}

TEST(ImagenActaTest, SameInputSameBytes) {
  EXPECT_EQ(RenderizarActaPng(ActaTipica()), RenderizarActaPng(ActaTipica()));
  ActaImagen a = ActaTipica();
  a.campos[4].tipo = CampoImagen::Tipo::kIlegible;
  EXPECT_EQ(RenderizarActaPng(a), RenderizarActaPng(a));
}

TEST(ImagenActaTest, DifferentInputDifferentBytes) {
  const std::string base = RenderizarActaPng(ActaTipica());
  ActaImagen a = ActaTipica();
  a.campos[6].valor = 134;  // 143 -> 134: the same digits in another order
  EXPECT_NE(RenderizarActaPng(a), base);
  a = ActaTipica();
  a.clave = "05-0123-C1-MR";
  EXPECT_NE(RenderizarActaPng(a), base);
  a = ActaTipica();
  a.semilla += 1;  // the scanner's specks move
  EXPECT_NE(RenderizarActaPng(a), base);
}

// Pixels where two renderings of the same size differ.
std::vector<bool> Diferencia(const Png& a, const Png& b) {
  EXPECT_EQ(a.ancho, b.ancho);
  EXPECT_EQ(a.alto, b.alto);
  std::vector<bool> d(a.px.size());
  for (size_t i = 0; i < d.size() && i < b.px.size(); ++i) d[i] = a.px[i] != b.px[i];
  return d;
}

TEST(ImagenActaTest, IllegibleRowIsScribbledAndDiffersFromNumberAndEmpty) {
  ActaImagen a = ActaTipica();
  a.campos[2].tipo = CampoImagen::Tipo::kIlegible;
  ActaImagen b = ActaTipica();
  ActaImagen c = ActaTipica();
  c.campos[2].tipo = CampoImagen::Tipo::kVacio;
  const Png ilegible = Leer(RenderizarActaPng(a));
  const Png numero = Leer(RenderizarActaPng(b));
  const Png vacio = Leer(RenderizarActaPng(c));
  EXPECT_NE(ilegible.px, numero.px);
  EXPECT_NE(vacio.px, numero.px);

  // The scribble is confined to one row but dense: far more changed pixels
  // than the two "12"s of the number row itself.
  const std::vector<bool> garabato = Diferencia(ilegible, vacio);
  const std::vector<bool> digitos = Diferencia(numero, vacio);
  int y_min = ilegible.alto, y_max = -1;
  int64_t n_garabato = 0, n_digitos = 0;
  for (size_t i = 0; i < garabato.size(); ++i) {
    if (!garabato[i]) continue;
    ++n_garabato;
    y_min = std::min(y_min, static_cast<int>(i / ilegible.ancho));
    y_max = std::max(y_max, static_cast<int>(i / ilegible.ancho));
  }
  for (bool d : digitos) n_digitos += d;
  EXPECT_GT(n_digitos, 0);
  EXPECT_GT(n_garabato, 4 * n_digitos);
  EXPECT_LT(y_max - y_min, 40) << "the scribble leaks out of its row";

  // Another seed, another scribble; another row, another scribble.
  a.semilla += 1;
  ActaImagen otra_semilla_vacia = c;
  otra_semilla_vacia.semilla += 1;
  EXPECT_NE(Diferencia(Leer(RenderizarActaPng(a)), Leer(RenderizarActaPng(otra_semilla_vacia))),
            garabato);
}

// Glyphs of the built-in font (src/sim/imagen_acta.cc), rows top to bottom,
// bit 4 = leftmost column:
//   '4': 00010 00110 01010 10010 11111 00010 00010
//   '7': 11111 00001 00010 00100 01000 01000 01000
// Neither has an empty column (in '4' column 0 is lit in rows 3-4, column 4
// in row 4; in '7' every column is lit in row 0) nor an empty row, so each
// drawn glyph is one solid run of columns whose bounding box is exactly
// 5s x 7s pixels at scale s, and glyphs are separated by s empty columns.
// Rendering the value 47 and the same row empty, the pixels that differ are
// exactly the lit cells of those glyphs: "4","7" in the digits column and
// "4","7" again in the last two of the three boxes. Sampling the center of
// each s x s cell must then give: dark where the table has a 1, and where it
// has a 0 the very pixel of the empty rendering.
TEST(ImagenActaTest, DigitsAreDrawnWithTheFontGlyphs) {
  constexpr std::array<uint8_t, 7> kCuatro = {0b00010, 0b00110, 0b01010, 0b10010,
                                              0b11111, 0b00010, 0b00010};
  constexpr std::array<uint8_t, 7> kSiete = {0b11111, 0b00001, 0b00010, 0b00100,
                                             0b01000, 0b01000, 0b01000};
  ActaImagen a;
  a.titulo = "ACTA";
  a.clave = "01-0001-B-MR";
  a.campos = {Numero("PAN", 47)};
  a.semilla = 1;
  ActaImagen vacia = a;
  vacia.campos[0].tipo = CampoImagen::Tipo::kVacio;
  const Png con = Leer(RenderizarActaPng(a));
  const Png sin = Leer(RenderizarActaPng(vacia));
  const std::vector<bool> d = Diferencia(con, sin);

  // Runs of columns with some changed pixel, left to right.
  struct Grupo {
    int x0, x1, y0, y1;  // inclusive bounding box
  };
  std::vector<Grupo> grupos;
  for (int x = 0; x < con.ancho; ++x) {
    int y0 = -1, y1 = -1;
    for (int y = 0; y < con.alto; ++y) {
      if (d[static_cast<size_t>(y) * con.ancho + x]) {
        if (y0 < 0) y0 = y;
        y1 = y;
      }
    }
    if (y0 < 0) continue;
    if (!grupos.empty() && grupos.back().x1 == x - 1) {
      Grupo& g = grupos.back();
      g.x1 = x, g.y0 = std::min(g.y0, y0), g.y1 = std::max(g.y1, y1);
    } else {
      grupos.push_back({x, x, y0, y1});
    }
  }
  ASSERT_EQ(grupos.size(), 4u) << "expected 4 glyphs: 47 in digits and 47 in the boxes";

  for (size_t k = 0; k < grupos.size(); ++k) {
    const Grupo& g = grupos[k];
    const int w = g.x1 - g.x0 + 1, h = g.y1 - g.y0 + 1;
    ASSERT_EQ(w % 5, 0) << "glyph " << k << " is " << w << " px wide";
    const int s = w / 5;
    EXPECT_GE(s, 2) << "digits are drawn scaled up";
    ASSERT_EQ(h, 7 * s) << "glyph " << k << " is " << w << "x" << h;
    const auto& glifo = k % 2 == 0 ? kCuatro : kSiete;
    for (int fila = 0; fila < 7; ++fila) {
      for (int col = 0; col < 5; ++col) {
        const int x = g.x0 + col * s + s / 2, y = g.y0 + fila * s + s / 2;
        if (glifo[fila] & (0x10 >> col)) {
          EXPECT_LT(con.At(x, y), 80) << "glyph " << k << " cell " << fila << "," << col;
        } else {
          EXPECT_EQ(con.At(x, y), sin.At(x, y)) << "glyph " << k << " cell " << fila << "," << col;
        }
      }
    }
  }
  // The digits column prints larger than the handwritten boxes, left of them,
  // and both sit on the same row.
  const int s_digitos = (grupos[0].x1 - grupos[0].x0 + 1) / 5;
  const int s_celdas = (grupos[2].x1 - grupos[2].x0 + 1) / 5;
  EXPECT_GT(s_digitos, s_celdas);
  EXPECT_EQ(grupos[1].x0 - grupos[0].x1 - 1, s_digitos) << "one cell of spacing";
  EXPECT_LT(std::abs((grupos[0].y0 + grupos[0].y1) - (grupos[2].y0 + grupos[2].y1)), 8);
}

// A header line made of `texto` only, everything else fixed.
std::string ConLinea(std::string texto) {
  ActaImagen a;
  a.titulo = "ACTA";
  a.lineas = {std::move(texto)};
  a.semilla = 7;
  return RenderizarActaPng(a);
}

TEST(ImagenActaTest, EveryCharacterOfTheFontIsVisibleAndDistinct) {
  const std::string blanco = ConLinea(" ");
  std::set<std::string> imagenes;
  const std::string_view kJuego = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/#(),";
  for (char c : kJuego) {
    const std::string img = ConLinea(std::string(1, c));
    Png p;
    ASSERT_TRUE(Decodificar(img, &p)) << c;
    EXPECT_NE(img, blanco) << "'" << c << "' draws nothing";
    imagenes.insert(img);
  }
  EXPECT_EQ(imagenes.size(), kJuego.size()) << "two characters share a glyph";
  ActaImagen todo;
  todo.titulo = todo.clave = std::string(kJuego);
  todo.lineas = {std::string(kJuego)};
  todo.campos = {Numero(std::string(kJuego), 1234567890)};
  Png p;
  EXPECT_TRUE(Decodificar(RenderizarActaPng(todo), &p));
}

TEST(ImagenActaTest, LowerCaseAndAccentsBecomeUpperCaseAscii) {
  EXPECT_EQ(ConLinea("sección básica"), ConLinea("SECCION BASICA"));
  EXPECT_EQ(ConLinea("ÁÉÍÓÚ áéíóú Ññ Üü Çç"), ConLinea("AEIOU AEIOU NN UU CC"));
  EXPECT_EQ(ConLinea("Distrito\t5 – Mérida"), ConLinea("DISTRITO 5 - MERIDA"));
  ActaImagen a = ActaTipica();
  ActaImagen b = ActaTipica();
  b.titulo = "ACTA DE ESCRUTINIO Y COMPUTO";
  b.lineas = {"DISTRITO 5", "SECCION 123 BASICA"};
  EXPECT_EQ(RenderizarActaPng(a), RenderizarActaPng(b));
}

TEST(ImagenActaTest, UnknownCharactersBecomeAVisiblePlaceholder) {
  const std::string tofu = ConLinea("~");
  EXPECT_NE(tofu, ConLinea(" ")) << "the placeholder is visible";
  // Every unknown character, however it is encoded, is the same box: ASCII,
  // 2-, 3- and 4-byte UTF-8, a control character and broken UTF-8 bytes.
  for (const std::string& s :
       {std::string("@"), std::string("¿"), std::string("€"), std::string("\xF0\x9F\x97\xB3"),
        std::string("\n"), std::string("\xFF"), std::string("\xC3"), std::string("\x01")}) {
    EXPECT_EQ(ConLinea(s), tofu) << "for bytes of length " << s.size();
  }
  EXPECT_EQ(ConLinea("A\xE2\x82"), ConLinea("A~~")) << "one box per broken byte";
  for (char c : std::string_view("O0DQ")) EXPECT_NE(ConLinea(std::string(1, c)), tofu);
}

TEST(ImagenActaTest, ExtremeInputsStillGiveAValidImage) {
  ActaImagen a;
  EXPECT_TRUE(store::TipoPorContenido(RenderizarActaPng(a)).ok()) << "an empty acta";
  Png p;
  EXPECT_TRUE(Decodificar(RenderizarActaPng(a), &p));

  a.titulo = std::string(500, 'W');
  a.clave = std::string(300, '#');
  a.lineas.assign(100, std::string(1000, 'M'));
  a.campos = {Numero(std::string(400, 'X'), std::numeric_limits<int64_t>::max()),
              Numero("NEGATIVO", std::numeric_limits<int64_t>::min()),
              Numero("", 123456789),
              {"ILEGIBLE", CampoImagen::Tipo::kIlegible, 0}};
  for (int i = 0; i < 1000; ++i) a.campos.push_back(Numero("P" + std::to_string(i), i));
  Png grande;
  ASSERT_TRUE(Decodificar(RenderizarActaPng(a), &grande));
  EXPECT_EQ(grande.ancho, p.ancho);
  // At most kMaxLineasImagen lines and kMaxCamposImagen rows plus the "more" row.
  EXPECT_LT(grande.alto, 200 + kMaxLineasImagen * 30 + (kMaxCamposImagen + 1) * 40);

  ActaImagen b = a;
  b.campos.resize(kMaxCamposImagen + 1);
  EXPECT_NE(RenderizarActaPng(b), RenderizarActaPng(a)) << "the count of missing rows shows";
}

TEST(ImagenActaTest, RendersFast) {
  ActaImagen a = ActaTipica();
  a.campos[3].tipo = CampoImagen::Tipo::kIlegible;
  constexpr int kVeces = 50;
  size_t bytes = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < kVeces; ++i) {
    a.semilla = static_cast<uint64_t>(i);
    bytes += RenderizarActaPng(a).size();
  }
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() /
      kVeces;
  RecordProperty("ms_por_imagen", std::to_string(ms));
  RecordProperty("bytes_por_imagen", std::to_string(bytes / kVeces));
  // Generous: a shared machine, maybe a debug or sanitizer build.
  EXPECT_LT(ms, 100.0);
}

}  // namespace
}  // namespace prep::sim
