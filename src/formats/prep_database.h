// Reader of published PREP databases (the results CSV of the official layout,
// spec §6.2), in every dialect listed in ../shared/data/README.md.
//
// Open() finds the layout: encoding, delimiter, title and corte lines, the
// summary block, the acta column header and the role of every column. Then
// ForEachActa() streams the acta rows, parsed into ActaRecord values that reuse
// their storage (no allocation per row in the steady state).
// Thread-safety: a PrepDatabase is immutable after Open(); ForEachActa may be
// called from several threads on disjoint slices (see Slices()).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "domain/capture.h"
#include "domain/classifier.h"
#include "domain/election.h"
#include "domain/tally.h"
#include "formats/bytes.h"
#include "formats/text.h"

namespace prep::formats {

// What a column of the acta table holds, recognised by its (canonical) name.
enum class ColumnRole : uint8_t {
  kOther,
  kClaveCasilla,
  kClaveActa,
  kIdEstado,
  kEstado,
  kIdDistrito,
  kDistrito,
  kIdMunicipio,
  kMunicipio,
  kSeccion,
  kIdCasilla,
  kTipoCasilla,
  kExtContigua,
  kUbicacion,
  kTipoActa,
  kBoletasSobrantes,
  kPersonasVotaron,
  kRepresentantesVotaron,
  kVotosSacados,
  kOtherIdentification,  // CODIGOS_*, ID_* and other identification columns
  kVoto,  // a partido, combinación, candidatura independiente, no registrados or nulos
  kTotalVotosAsentado,
  kTotalVotosCalculado,
  kListaNominal,
  kRepresentantes,
  kObservaciones,
  kContabilizada,
  kMecanismosTraslado,
  kSha,
  kFechaHoraAcopio,
  kFechaHoraCaptura,
  kFechaHoraVerificacion,
  kOrigen,
  kDigitalizacion,
  kTipoDocumento,
  kCotejada,
};

struct Column {
  std::string name;  // as published (trimmed)
  std::string key;   // unique: the name, or "NAME#2" for a repeated name
  ColumnRole role = ColumnRole::kOther;
};

struct Dialect {
  TextEncoding encoding = TextEncoding::kUtf8;
  char delimiter = '|';
  bool sep_line = false;  // a first line "sep=|" for Excel
  std::string line_ends;  // "LF", "CRLF", "CR"
  size_t column_header_line = 0;
};

// The summary block as published. Percentages in ten-thousandths.
struct PublishedSummary {
  size_t line = 0;  // line of the values; 0 when the file has no summary block
  std::array<std::optional<int64_t>, domain::kSummaryFieldCount> values{};
  std::array<std::string, domain::kSummaryFieldCount> raw{};
  std::vector<std::string> unknown_fields;
  // The name each field is published under, when it differs from the
  // canonical one (cómputos databases: ACTAS_COMPUTADAS for ACTAS_CONTABILIZADAS).
  std::array<std::string, domain::kSummaryFieldCount> published_names{};

  const std::optional<int64_t>& Get(domain::SummaryField f) const {
    return values[static_cast<int>(f)];
  }
};

// How a row stands, from CONTABILIZADA, its keys and its observation.
enum class RowKind : uint8_t {
  kContabilizada,
  kNoContabilizada,
  kNoCapturada,      // in the catálogo, not yet registered (CONTABILIZADA "-" or empty)
  kFueraDeCatalogo,  // CONTABILIZADA 2, keys "-", or observation "Fuera de catálogo"
};

// The observation as published, parsed into the domain's terms.
struct PublishedObservacion {
  domain::ObservacionSet set;
  domain::SinActaMotivo motivo = domain::SinActaMotivo::kNoEspecificado;
  bool recognised = true;  // false: text we could not map (kept in raw)
};

struct ActaRecord {
  size_t line = 0;
  RowKind kind = RowKind::kNoCapturada;
  std::string_view clave_casilla;
  std::string_view clave_acta;
  std::optional<domain::TipoCasilla> tipo_casilla;
  int distrito = 0;
  int seccion = 0;
  int64_t lista_nominal = 0;
  bool lista_nominal_known = false;  // false for "-", "N/A" or empty
  int64_t representantes = 0;
  std::optional<int64_t> total_votos_calculado;  // the published cell, when numeric
  std::string_view observaciones_raw;
  PublishedObservacion observacion;
  // One per vote column, in Layout::vote_columns order. A cell that does not
  // apply ("-", "N/A": the column's coalition or candidatura does not run
  // where this acta is) holds Count(0) and aplica[k] == false.
  std::vector<domain::CaptureValue> votos;
  std::vector<uint8_t> aplica;
  // Every cell as tokenized (quotes removed); NormalizeCell() trims it. Valid
  // only during the visit.
  std::span<const std::string_view> cells;
};

struct Layout {
  std::string name;
  Dialect dialect;
  // A cómputos distritales database (no CONTABILIZADA column; every acta in the
  // catálogo is computada), read with the same machinery.
  bool computos = false;
  std::string eleccion;  // title line, e.g. "DIPUTACIONES LOCALES"
  std::string corte;     // e.g. "2019/06/03 05:47 (UTC-5)"
  PublishedSummary summary;
  std::vector<Column> columns;
  std::vector<size_t> vote_columns;  // indexes into columns
  std::array<int, 64> role_index{};  // first column with each role, or -1
  int Index(ColumnRole r) const { return role_index[static_cast<int>(r)]; }
};

// One slice of the acta table, for parallel reading. Only the first slice
// knows its line number; the others count from 1 and the caller adds the lines
// of the slices before them (ForEachActaIn reports how many it consumed).
struct TableSlice {
  std::string_view text;
  size_t first_line = 1;
};

class PrepDatabase {
 public:
  // Reads `bytes` (a results CSV). `name` labels errors. Takes ownership.
  static Result<std::unique_ptr<PrepDatabase>> Open(std::string name, Bytes bytes);
  static Result<std::unique_ptr<PrepDatabase>> Open(std::string name, std::string bytes) {
    return Open(std::move(name), Bytes(std::move(bytes)));
  }

  PrepDatabase(const PrepDatabase&) = delete;
  PrepDatabase& operator=(const PrepDatabase&) = delete;

  const Layout& layout() const { return layout_; }

  using ActaVisitor = std::function<Status(const ActaRecord&)>;
  // Streams every acta row in file order. Stops at the first error (returned
  // as "file:line: reason") or at the first non-OK status from the visitor.
  Status ForEachActa(const ActaVisitor& visit) const;

  // Splits the acta table into at most `n` slices at record boundaries.
  std::vector<TableSlice> Slices(size_t n) const;
  // kCounting materialises only the cells ActaRecord parses (the SHA, the
  // times and the rest are counted, not split): what `prep check` needs.
  enum class Cells { kAll, kCounting };
  Status ForEachActaIn(const TableSlice& slice, const ActaVisitor& visit,
                       size_t* lines_consumed = nullptr, Cells cells = Cells::kAll) const;

 private:
  PrepDatabase() = default;
  Status FindLayout();

  Bytes bytes_;
  DecodedText decoded_;
  Layout layout_;
  size_t table_offset_ = 0;  // first byte of the first acta row
  size_t table_first_line_ = 0;
};

// True when the first lines of `text` look like a PREP results table (used to
// pick the results CSV inside a zip, among candidaturas and LEEME).
bool LooksLikePrepResults(std::string_view bytes);

// Trims spaces and the apostrophes publishers use to protect keys and ids
// from spreadsheets ('001, '210001B0100, '210075B0100').
inline std::string_view NormalizeCell(std::string_view s) {
  // Hot: most cells need nothing.
  auto plain = [](char c) { return c != ' ' && c != '\t' && c != '\''; };
  if (s.empty() || (plain(s.front()) && plain(s.back()))) return s;
  s = TrimSpaces(s);
  if (!s.empty() && s.front() == '\'') s.remove_prefix(1);
  if (!s.empty() && s.back() == '\'') s.remove_suffix(1);
  return TrimSpaces(s);
}

// Parses the observation text of one row ("ALGUN DATO ILEGIBLE O SIN DATO",
// "['Ilegible', 'Sin dato']", "Sin Acta(3)", ...).
PublishedObservacion ParseObservacion(std::string_view text);

// Parses a summary value: "2,031", "2658993.0", "'99.5698%", "95.0842".
// Percent fields give ten-thousandths.
std::optional<int64_t> ParseSummaryValue(std::string_view text, bool percent);

}  // namespace prep::formats
