// The database of a corte (spec §6): the results CSV in the official layout,
// the candidaturas CSV and the LEEME, generated from the same Contienda so
// they never disagree, packed in `YYYYMMDD_HHMM_PREP_<ELECCION>_<ENTIDAD>.zip`.
//
// Two dialects, both read back by `prep check` (tests/publish):
//   kIeqroo2019  sep=| line, '|', LF, UTF-8, keys ="...", ISO times, zeros in
//                sin-acta rows (the closest analogue to Coahuila 2020);
//   kIne2024     UTF-8 with BOM, ',', CR line ends, keys '...', ID_ENTIDAD,
//                CODIGO_INTEGRIDAD, dd/mm/yyyy times, "Sin acta" cells.
// Pure: builds bytes; EscribirZip is the only function that touches disk.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "publish/corte.h"

namespace prep::publish {

enum class DialectoBase : uint8_t { kIeqroo2019, kIne2024 };

// "ieqroo2019" / "ine2024" (for flags and config), or nullopt.
std::optional<DialectoBase> DialectoDesdeNombre(std::string_view nombre);
std::string_view NombreDialecto(DialectoBase d);

struct NombresBase {
  std::string zip;           // 20201018_2020_PREP_DIP_LOC_COAH.zip
  std::string resultados;    // COAH_DIP_LOC_2020.csv
  std::string candidaturas;  // COAH_DIP_LOC_CANDIDATURAS_2020.csv
  std::string leeme = "LEEME.txt";
};
NombresBase NombresDe(const Corte& corte);

// The results CSV: title, corte line, summary block, then one row per acta.
std::string ResultadosCsv(const Corte& corte, DialectoBase dialecto);
std::string CandidaturasCsv(const Corte& corte, DialectoBase dialecto);
// Spanish, CRLF: what the zip holds, the header fields and every column.
std::string Leeme(const Corte& corte, DialectoBase dialecto);

struct EntradaZip {
  std::string nombre;
  std::string contenido;
};
// Writes a deflated zip at `ruta` (replacing it). The entries' times are the
// corte's, so the same corte always gives the same bytes.
Status EscribirZip(const std::string& ruta, const std::vector<EntradaZip>& entradas,
                   int64_t instante_utc_ms, int offset_minutos);

}  // namespace prep::publish
