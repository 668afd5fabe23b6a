// Synthetic acta images for the simulated election night: what a
// digitalizador "scans". A grayscale PNG that shows the acta's header and one
// row per vote field, so whoever looks at it (public site, verification
// screen) sees the numbers that were captured, the illegible ones scribbled
// over and the empty ones blank.
// Thread-safety: pure function of its input; no shared state.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace prep::sim {

// One row of the acta's vote table.
struct CampoImagen {
  std::string etiqueta;  // column name: "PRI", "C_PAN_PRD", "CAND_IND_1", "NULOS"...
  enum class Tipo { kNumero, kIlegible, kVacio } tipo = Tipo::kNumero;
  int64_t valor = 0;  // for kNumero
};

struct ActaImagen {
  std::string titulo;               // "ACTA DE ESCRUTINIO Y COMPUTO"
  std::string clave;                // "05-0123-B1-MR"
  std::vector<std::string> lineas;  // extra header lines: "DISTRITO 5", "SECCION 123 BASICA"
  std::vector<CampoImagen> campos;  // at most kMaxCamposImagen are drawn
  uint64_t semilla = 0;             // scribbles and specks are a function of it
};

// Rows beyond this are summarized in one line ("Y 12 CAMPOS MAS"), and header
// lines beyond kMaxLineasImagen are dropped, so that a runaway input cannot
// ask for a gigantic image. Real contests have fewer than 40 vote columns.
inline constexpr int kMaxCamposImagen = 80;
inline constexpr int kMaxLineasImagen = 12;

// A grayscale PNG (8-bit, color type 0), 720 px wide, as tall as the rows
// need. Text is drawn in upper-case ASCII with a built-in 5x7 font: lower case
// is raised, Spanish accents are dropped (Á->A, Ñ->N, Ü->U) and any other
// character becomes a crossed box. Each kNumero row shows its label, the value
// in digits and the value written one digit per cell in the acta's boxes;
// a kIlegible row has a scribble over both (derived from `semilla` and the row)
// so no number can be read; a kVacio row has its empty boxes only.
// The same input gives the same bytes.
std::string RenderizarActaPng(const ActaImagen& acta);

}  // namespace prep::sim
