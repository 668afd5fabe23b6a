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

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "publish/corte.h"

struct isal_zstream;

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

// The results CSV: title, corte line, summary block, then one row per acta,
// handed to `bloque` in order a block of about 256 KiB at a time (nationally
// ~150 MB, which nothing needs whole: the zip deflates it as it comes).
void ResultadosCsv(const Corte& corte, DialectoBase dialecto,
                   const std::function<void(std::string_view)>& bloque);
// The same, whole (tests, small cortes).
std::string ResultadosCsv(const Corte& corte, DialectoBase dialecto);
std::string CandidaturasCsv(const Corte& corte, DialectoBase dialecto);
// Spanish, CRLF: what the zip holds, the header fields and every column.
std::string Leeme(const Corte& corte, DialectoBase dialecto);

// One zip entry, deflated (raw deflate, ISA-L) as its text arrives; the
// compressed bytes are kept in memory until EscribirZip writes them.
// Thread-safety: a value; move-only.
class Desinflado {
 public:
  explicit Desinflado(std::string nombre);
  ~Desinflado();
  Desinflado(Desinflado&&) noexcept;
  Desinflado& operator=(Desinflado&&) noexcept;

  void Anadir(std::string_view texto);
  // Ends the deflate stream; the first failure, if any (then or in Anadir).
  Status Terminar();

  const std::string& nombre() const { return nombre_; }
  uint64_t tamano() const { return tamano_; }
  uint32_t crc() const { return crc_; }
  size_t comprimido_bytes() const { return comprimido_bytes_; }
  // Copies up to `n` compressed bytes from offset `desde`; how many.
  size_t Leer(size_t desde, char* destino, size_t n) const;

 private:
  void Desinflar(std::string_view texto, bool fin);

  std::string nombre_;
  std::unique_ptr<isal_zstream> z_;
  std::unique_ptr<uint8_t[]> nivel_;  // ISA-L's work buffer for the level
  // The output in blocks: no reallocation copies, no page touched twice.
  std::vector<std::unique_ptr<char[]>> bloques_;
  size_t usado_ = 0;  // of the last block
  size_t comprimido_bytes_ = 0;
  uint64_t tamano_ = 0;
  uint32_t crc_ = 0;
  bool terminado_ = false;
  Status error_;
};
Desinflado Desinflar(std::string nombre, std::string_view contenido);

// Writes a deflated zip at `ruta` (replacing it), ending each entry's stream.
// The entries' times are the corte's, so the same corte always gives the same bytes.
Status EscribirZip(const std::string& ruta, std::vector<Desinflado>& entradas,
                   int64_t instante_utc_ms, int offset_minutos);

struct EntradaZip {
  std::string nombre;
  std::string contenido;
};
// The same, from whole texts.
Status EscribirZip(const std::string& ruta, const std::vector<EntradaZip>& entradas,
                   int64_t instante_utc_ms, int offset_minutos);

}  // namespace prep::publish
