#include "formats/prep_database.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>
#include <utility>

#include "formats/csv.h"

namespace prep::formats {
namespace {

using domain::CaptureValue;
using domain::Observacion;
using domain::SinActaMotivo;
using domain::SummaryField;

constexpr size_t kHeaderSearchLines = 40;
constexpr int64_t kMaxCount = 1'000'000'000'000;  // far above any real vote or LN figure

std::string At(std::string_view name, size_t line) {
  return std::string(name) + ":" + std::to_string(line) + ": ";
}

bool IsDash(std::string_view s) { return s == "-" || s == "\xE2\x80\x93"; }
bool IsNotApplicable(std::string_view s) { return IsDash(s) || EqualsIgnoreCase(s, "N/A"); }

inline std::optional<int64_t> ParseDigits(std::string_view s) {
  if (s.empty() || s.size() > 15) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// ParseDigits for cells of up to eight characters that lie inside `text`
// with at least eight bytes before their end: the eight bytes ending at the
// cell are read at once, the bytes before the cell replaced by '0', checked and
// converted without a branch per digit (most vote cells are 1-4 digits).
inline std::optional<int64_t> ParseDigitsIn(std::string_view cell, std::string_view text) {
  const size_t len = cell.size();
  const char* end = cell.data() + len;
  if (len == 0 || len > 8 || end - 8 < text.data() || end > text.data() + text.size()) {
    return ParseDigits(cell);
  }
  uint64_t w;
  std::memcpy(&w, end - 8, 8);
  const uint64_t before = len == 8 ? 0 : (uint64_t{1} << (8 * (8 - len))) - 1;
  w = (w & ~before) | (0x3030303030303030ULL & before);
  // Every byte in '0'..'9': no high bit in (w + 0x46) nor in (w - 0x30).
  if ((((w + 0x4646464646464646ULL) | (w - 0x3030303030303030ULL)) & 0x8080808080808080ULL) != 0) {
    return std::nullopt;
  }
  w -= 0x3030303030303030ULL;
  w = (w * 10) + (w >> 8);
  w = (((w & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
       (((w >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >>
      32;
  return static_cast<int64_t>(w);
}

std::optional<int64_t> ParseCountSlow(std::string_view s);

// A count as publishers write it: "1234", "1,234" (thousands), "1234.0".
inline std::optional<int64_t> ParseCount(std::string_view s) {
  if (auto v = ParseDigits(s)) return v;
  return ParseCountSlow(s);
}

std::optional<int64_t> ParseCountSlow(std::string_view s) {
  if (s.empty()) return std::nullopt;
  // Float with a zero fraction.
  if (const size_t dot = s.find('.'); dot != std::string_view::npos) {
    std::string_view frac = s.substr(dot + 1);
    if (frac.empty() || frac.find_first_not_of('0') != std::string_view::npos) return std::nullopt;
    return ParseCount(s.substr(0, dot));
  }
  // Thousands separators: groups of exactly three digits after the first.
  if (s.find(',') != std::string_view::npos) {
    int64_t v = 0;
    size_t group = 0;
    bool first = true;
    for (size_t i = 0; i <= s.size(); ++i) {
      if (i == s.size() || s[i] == ',') {
        if (group == 0 || group > 3 || (!first && group != 3)) return std::nullopt;
        first = false;
        group = 0;
        continue;
      }
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + (s[i] - '0');
      if (v > kMaxCount) return std::nullopt;
      ++group;
    }
    return v;
  }
  return std::nullopt;
}

ColumnRole RoleOf(const std::string& n) {
  static const std::unordered_map<std::string, ColumnRole> kExact = {
      {"CLAVE_CASILLA", ColumnRole::kClaveCasilla},
      {"CLAVE_ACTA", ColumnRole::kClaveActa},
      {"ID_ESTADO", ColumnRole::kIdEstado},
      {"ID_ENTIDAD", ColumnRole::kIdEstado},
      {"ESTADO", ColumnRole::kEstado},
      {"ENTIDAD", ColumnRole::kEstado},
      {"NOMBRE_ESTADO", ColumnRole::kEstado},
      {"SECCION", ColumnRole::kSeccion},
      {"ID_CASILLA", ColumnRole::kIdCasilla},
      {"TIPO_CASILLA", ColumnRole::kTipoCasilla},
      {"EXT_CONTIGUA", ColumnRole::kExtContigua},
      {"UBICACION_CASILLA", ColumnRole::kUbicacion},
      {"TIPO_ACTA", ColumnRole::kTipoActa},
      {"TOTAL_BOLETAS_SOBRANTES", ColumnRole::kBoletasSobrantes},
      {"TOTAL_PERSONAS_VOTARON", ColumnRole::kPersonasVotaron},
      {"TOTAL_REP_PARTIDO_CI_VOTARON", ColumnRole::kRepresentantesVotaron},
      {"TOTAL_VOTOS_SACADOS", ColumnRole::kVotosSacados},
      {"TOTAL_VOTOS_ASENTADO", ColumnRole::kTotalVotosAsentado},
      {"TOTAL_VOTOS_CALCULADO", ColumnRole::kTotalVotosCalculado},
      {"TOTAL_VOTOS_CALCULADOS", ColumnRole::kTotalVotosCalculado},
      {"TOTAL_VOTOS", ColumnRole::kTotalVotosCalculado},
      {"LISTA_NOMINAL", ColumnRole::kListaNominal},
      {"LISTA_NOMINAL_CASILLA", ColumnRole::kListaNominal},
      {"REPRESENTANTES_PP_CI", ColumnRole::kRepresentantes},
      {"OBSERVACIONES", ColumnRole::kObservaciones},
      {"CONTABILIZADA", ColumnRole::kContabilizada},
      {"MECANISMOS_TRASLADO", ColumnRole::kMecanismosTraslado},
      {"SHA", ColumnRole::kSha},
      {"CODIGO_INTEGRIDAD", ColumnRole::kSha},
      {"FECHA_HORA_ACOPIO", ColumnRole::kFechaHoraAcopio},
      {"FECHA_HORA_CAPTURA", ColumnRole::kFechaHoraCaptura},
      {"FECHA_HORA_VERIFICACION", ColumnRole::kFechaHoraVerificacion},
      {"ORIGEN", ColumnRole::kOrigen},
      {"DIGITALIZACION", ColumnRole::kDigitalizacion},
      {"TIPO_DOCUMENTO", ColumnRole::kTipoDocumento},
      {"COTEJADA", ColumnRole::kCotejada},
  };
  if (auto it = kExact.find(n); it != kExact.end()) return it->second;
  auto starts = [&](std::string_view p) { return n.compare(0, p.size(), p) == 0; };
  if (starts("ID_DISTRITO")) return ColumnRole::kIdDistrito;
  if (starts("DISTRITO")) return ColumnRole::kDistrito;
  if (starts("ID_MUNICIPIO") || starts("ID_DEMARCACION")) return ColumnRole::kIdMunicipio;
  if (starts("MUNICIPIO") || starts("DEMARCACION")) return ColumnRole::kMunicipio;
  if (starts("ID_") || starts("CODIGOS_") || starts("CIRCUNSCRIPCION") || starts("CABECERA")) {
    return ColumnRole::kOtherIdentification;
  }
  return ColumnRole::kOther;
}

bool IsIdentificationRole(ColumnRole r) {
  return r >= ColumnRole::kClaveCasilla && r <= ColumnRole::kOtherIdentification;
}
bool IsAfterVotesRole(ColumnRole r) { return r >= ColumnRole::kTotalVotosAsentado; }

std::optional<SummaryField> SummaryFieldOf(const std::string& n) {
  static const std::unordered_map<std::string, SummaryField> kNames = {
      {"ACTAS_ESPERADAS", SummaryField::kActasEsperadas},
      {"ACTAS_REGISTRADAS", SummaryField::kActasRegistradas},
      {"ACTAS_FUERA_CATALOGO", SummaryField::kActasFueraCatalogo},
      {"ACTAS_FUERA_DE_CATALOGO", SummaryField::kActasFueraCatalogo},
      {"ACTAS_CAPTURADAS", SummaryField::kActasCapturadas},
      {"PORCENTAJE_ACTAS_CAPTURADAS", SummaryField::kPorcentajeActasCapturadas},
      {"ACTAS_CONTABILIZADAS", SummaryField::kActasContabilizadas},
      {"PORCENTAJE_ACTAS_CONTABILIZADAS", SummaryField::kPorcentajeActasContabilizadas},
      {"PORCENTAJE_ACTAS_INCONSISTENCIAS", SummaryField::kPorcentajeActasInconsistencias},
      {"PORCENTAJE_ACTAS_CON_INCONSISTENCIAS", SummaryField::kPorcentajeActasInconsistencias},
      {"ACTAS_NO_CONTABILIZADAS", SummaryField::kActasNoContabilizadas},
      {"LISTA_NOMINAL_ACTAS_CONTABILIZADAS", SummaryField::kListaNominalActasContabilizadas},
      {"TOTAL_VOTOS_C_CS", SummaryField::kTotalVotosConCasillasEspeciales},
      {"TOTAL_VOTOS_S_CS", SummaryField::kTotalVotosSinCasillasEspeciales},
      {"PORCENTAJE_PARTICIPACION_CIUDADANA", SummaryField::kPorcentajeParticipacionCiudadana},
      // Cómputos distritales databases use the same block with other words.
      {"ACTAS_COMPUTADAS", SummaryField::kActasContabilizadas},
      {"PORCENTAJE_ACTAS_COMPUTADAS", SummaryField::kPorcentajeActasContabilizadas},
      {"LISTA_NOMINAL_ACTAS_COMPUTADAS", SummaryField::kListaNominalActasContabilizadas},
      {"TOTAL_VOTOS", SummaryField::kTotalVotosConCasillasEspeciales},
  };
  if (auto it = kNames.find(n); it != kNames.end()) return it->second;
  return std::nullopt;
}

bool LooksLikeCorte(std::string_view s) {
  s = TrimSpaces(s);
  if (s.empty() || !std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  return s.find(':') != std::string_view::npos &&
         (s.find('/') != std::string_view::npos || s.find('-') != std::string_view::npos);
}

// Line ends of the text: the first terminator seen decides.
std::string DetectLineEnds(std::string_view t) {
  const size_t i = t.find_first_of("\r\n");
  if (i == std::string_view::npos || t[i] == '\n') return "LF";
  return (i + 1 < t.size() && t[i + 1] == '\n') ? "CRLF" : "CR";
}

// The raw lines (any terminator) of the head of the text.
std::vector<std::string_view> HeadLines(std::string_view t, size_t max_lines) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos < t.size() && lines.size() < max_lines) {
    size_t e = t.find_first_of("\r\n", pos);
    if (e == std::string_view::npos) e = t.size();
    lines.push_back(t.substr(pos, std::min(e - pos, kMaxRecordBytes)));
    if (e < t.size() && t[e] == '\r' && e + 1 < t.size() && t[e + 1] == '\n') ++e;
    pos = e + 1;
  }
  return lines;
}

bool HasHeaderWord(std::string_view line) {
  const std::string f = FoldForMatch(line.substr(0, 64 * 1024));
  return f.find("ACTAS_ESPERADAS") != std::string::npos ||
         f.find("CONTABILIZADA") != std::string::npos || f.find("CLAVE_ACTA") != std::string::npos;
}

std::string DelimiterName(char d) {
  if (d == '\t') return "TAB";
  return std::string(1, d);
}

}  // namespace

PublishedObservacion ParseObservacion(std::string_view text) {
  PublishedObservacion out;
  const std::string f = FoldForMatch(text);
  // Split into segments on , ; . and list punctuation; each names one observation.
  size_t start = 0;
  for (size_t i = 0; i <= f.size(); ++i) {
    const bool sep =
        i == f.size() || f[i] == ',' || f[i] == ';' || f[i] == '.' || f[i] == '[' || f[i] == ']';
    if (!sep) continue;
    std::string_view seg = TrimSpaces(std::string_view(f).substr(start, i - start));
    start = i + 1;
    while (!seg.empty() && (seg.front() == '\'' || seg.front() == '"')) seg.remove_prefix(1);
    while (!seg.empty() && (seg.back() == '\'' || seg.back() == '"')) seg.remove_suffix(1);
    seg = TrimSpaces(seg);
    if (seg.empty() || IsNotApplicable(seg)) continue;
    auto has = [&](std::string_view w) { return seg.find(w) != std::string_view::npos; };
    const bool ilegible = has("ILEGIBLE");
    const bool sin_dato = has("SIN DATO") || has("VACIO");
    if (has("FUERA DE CATALOGO")) {
      out.set.Add(Observacion::kFueraDeCatalogo);
    } else if (has("SIN ACTA")) {
      out.set.Add(Observacion::kSinActa);
      if (has("(1)") || has("NO ENTREGADO")) out.motivo = SinActaMotivo::kPaqueteNoEntregado;
      if (has("(2)") || has("NO INSTALADA")) out.motivo = SinActaMotivo::kCasillaNoInstalada;
      if (has("(3)") || has("SIN SOBRE")) out.motivo = SinActaMotivo::kSinSobre;
      if (has("(4)") || has("URNA") || has("CONTINGENCIA")) {
        out.motivo = SinActaMotivo::kContingenciaUrnaElectronica;
      }
    } else if (has("EXCEDE")) {
      out.set.Add(Observacion::kExcedeListaNominal);
    } else if (has("TODOS")) {
      if (ilegible && sin_dato) {
        out.set.Add(Observacion::kTodosIlegiblesOSinDato);
      } else if (ilegible) {
        out.set.Add(Observacion::kTodosIlegibles);
      } else if (sin_dato) {
        out.set.Add(Observacion::kTodosSinDato);
      } else {
        out.recognised = false;
      }
    } else if (ilegible || sin_dato) {
      // "ALGUN DATO ILEGIBLE O SIN DATO" names both kinds at once.
      if (ilegible) out.set.Add(Observacion::kIlegible);
      if (sin_dato) out.set.Add(Observacion::kSinDato);
    } else if (has("IDENTIFICACION POR PROCESO TECNICO") || has("COTEJO") || has("RECUENTO")) {
      // An operator identified the acta by another valid means, or (cómputos)
      // how the acta was computed: no inconsistency.
    } else {
      out.recognised = false;
    }
  }
  return out;
}

std::optional<int64_t> ParseSummaryValue(std::string_view text, bool percent) {
  std::string_view s = NormalizeCell(text);
  if (percent) {
    if (!s.empty() && s.back() == '%') s.remove_suffix(1);
    s = TrimSpaces(s);
    const size_t dot = s.find('.');
    std::string_view whole = s.substr(0, dot);
    std::string_view frac = dot == std::string_view::npos ? "" : s.substr(dot + 1);
    auto w = ParseDigits(whole);
    if (!w || frac.size() > 12) return std::nullopt;
    int64_t v = *w * 10000;
    int64_t scale = 1000;
    for (size_t i = 0; i < frac.size(); ++i) {
      if (frac[i] < '0' || frac[i] > '9') return std::nullopt;
      if (i < 4) {
        v += (frac[i] - '0') * scale;
        scale /= 10;
      }
    }
    return v;
  }
  return ParseCount(s);
}

bool LooksLikePrepResults(std::string_view bytes) {
  for (std::string_view line : HeadLines(bytes, kHeaderSearchLines)) {
    const std::string f = FoldForMatch(line.substr(0, 64 * 1024));
    if (f.find("ACTAS_ESPERADAS") != std::string::npos ||
        (f.find("CONTABILIZADA") != std::string::npos && f.find("CLAVE") != std::string::npos)) {
      return true;
    }
  }
  return false;
}

Result<std::unique_ptr<PrepDatabase>> PrepDatabase::Open(std::string name, Bytes bytes) {
  std::unique_ptr<PrepDatabase> db(new PrepDatabase());  // private constructor
  db->bytes_ = std::move(bytes);
  db->layout_.name = std::move(name);
  PREP_ASSIGN_OR_RETURN(db->decoded_, DecodeText(db->bytes_.view(), db->layout_.name));
  // A converted text lives in `owned`, which moved with the result: re-point.
  // Otherwise text points into bytes_, which has not moved since DecodeText.
  if (!db->decoded_.owned.empty()) db->decoded_.text = db->decoded_.owned;
  PREP_RETURN_IF_ERROR(db->FindLayout());
  return db;
}

Status PrepDatabase::FindLayout() {
  const std::string& name = layout_.name;
  const std::string_view text = decoded_.text;
  Dialect& dialect = layout_.dialect;
  dialect.encoding = decoded_.encoding;
  dialect.line_ends = DetectLineEnds(text);
  if (TrimSpaces(text).empty()) return Status::InvalidArgument(At(name, 1) + "the file is empty");

  const std::vector<std::string_view> head = HeadLines(text, kHeaderSearchLines);
  char declared = 0;
  if (!head.empty()) {
    const std::string first = FoldForMatch(TrimSpaces(head[0]));
    if (first.size() >= 5 && first.compare(0, 4, "SEP=") == 0) {
      declared = head[0][TrimSpaces(head[0]).find('=') + 1];
      dialect.sep_line = true;
    }
  }
  // The delimiter is the one the header line is written with.
  size_t header_line_index = head.size();
  for (size_t i = 0; i < head.size(); ++i) {
    if (HasHeaderWord(head[i])) {
      header_line_index = i;
      break;
    }
  }
  if (header_line_index == head.size()) {
    return Status::InvalidArgument(
        At(name, 1) + "no PREP header in the first " + std::to_string(head.size()) +
        " lines (expected a line with ACTAS_ESPERADAS, CLAVE_ACTA or CONTABILIZADA); is this a "
        "PREP results database?");
  }
  const std::string_view header_line = head[header_line_index];
  char best = 0;
  size_t best_count = 0;
  for (char d : {'|', ',', ';', '\t'}) {
    const auto c = static_cast<size_t>(std::count(header_line.begin(), header_line.end(), d));
    if (c > best_count) {
      best = d;
      best_count = c;
    }
  }
  if (declared != 0) {
    if (std::count(header_line.begin(), header_line.end(), declared) == 0) {
      return Status::InvalidArgument(At(name, header_line_index + 1) +
                                     "line 1 declares sep=" + DelimiterName(declared) +
                                     " but the header has no '" + DelimiterName(declared) + "'");
    }
    best = declared;
  }
  if (best == 0) {
    return Status::InvalidArgument(At(name, header_line_index + 1) +
                                   "the header line has no '|', ',', ';' or TAB delimiter");
  }
  dialect.delimiter = best;

  CsvTokenizer tok(text, dialect.delimiter, name);
  CsvRecord rec;
  bool in_summary_values = false;
  std::vector<std::optional<SummaryField>> summary_fields;
  std::vector<std::string> canon_summary_names;
  size_t summary_header_line = 0;
  while (true) {
    if (!tok.Next(&rec)) {
      if (!tok.status().ok()) return tok.status();
      return Status::InvalidArgument(
          At(name, tok.line()) +
          "no acta table: no line names the CLAVE_ACTA/CONTABILIZADA columns");
    }
    if (rec.IsBlank()) continue;
    if (rec.line == 1 && dialect.sep_line) continue;
    std::vector<std::string> canon;
    canon.reserve(rec.fields.size());
    for (std::string_view f : rec.fields) canon.push_back(CanonicalName(f));

    if (in_summary_values) {
      in_summary_values = false;
      PublishedSummary& s = layout_.summary;
      s.line = rec.line;
      for (size_t i = 0; i < summary_fields.size(); ++i) {
        if (!summary_fields[i]) continue;
        const SummaryField field = *summary_fields[i];
        const std::string_view raw = i < rec.fields.size() ? TrimSpaces(rec.fields[i]) : "";
        if (raw.empty()) continue;
        auto v = ParseSummaryValue(raw, domain::IsPercentField(field));
        if (!v) {
          return Status::InvalidArgument(At(name, rec.line) + std::string(SummaryFieldName(field)) +
                                         " value '" + std::string(raw.substr(0, 40)) +
                                         "' is not a " +
                                         (domain::IsPercentField(field) ? "percentage" : "count"));
        }
        s.values[static_cast<int>(field)] = v;
        s.raw[static_cast<int>(field)] = std::string(raw);
        if (canon_summary_names[i] != SummaryFieldName(field)) {
          s.published_names[static_cast<int>(field)] = canon_summary_names[i];
        }
      }
      continue;
    }
    if (std::find(canon.begin(), canon.end(), "ACTAS_ESPERADAS") != canon.end()) {
      summary_header_line = rec.line;
      summary_fields.clear();
      canon_summary_names = canon;
      for (const std::string& c : canon) {
        summary_fields.push_back(SummaryFieldOf(c));
        if (!summary_fields.back() && !c.empty()) layout_.summary.unknown_fields.push_back(c);
      }
      in_summary_values = true;
      continue;
    }
    const bool is_table_header =
        std::find(canon.begin(), canon.end(), "CONTABILIZADA") != canon.end() ||
        std::find(canon.begin(), canon.end(), "CLAVE_ACTA") != canon.end();
    if (!is_table_header) {
      if (summary_header_line == 0 && rec.fields.size() <= 2) {
        const std::string_view t = TrimSpaces(rec.fields[0]);
        if (LooksLikeCorte(t)) {
          layout_.corte = std::string(t);
        } else if (layout_.eleccion.empty()) {
          layout_.eleccion = std::string(t);
        }
        continue;
      }
      return Status::InvalidArgument(
          At(name, rec.line) + "unexpected line before the acta table (" +
          std::to_string(rec.fields.size()) + " fields); expected the column header with " +
          "CLAVE_ACTA and CONTABILIZADA (delimiter '" + DelimiterName(dialect.delimiter) + "')");
    }
    dialect.column_header_line = rec.line;
    layout_.role_index.fill(-1);
    std::unordered_map<std::string, int> seen;
    for (size_t i = 0; i < rec.fields.size(); ++i) {
      Column col;
      col.name = std::string(TrimSpaces(rec.fields[i]));
      if (col.name.substr(0, 3) == "\xEF\xBB\xBF") col.name.erase(0, 3);
      const int n = ++seen[canon[i]];
      col.key = n == 1 ? col.name : col.name + "#" + std::to_string(n);
      col.role = RoleOf(canon[i]);
      layout_.columns.push_back(std::move(col));
    }
    // Trailing delimiter on the header: drop the empty last column.
    while (!layout_.columns.empty() && layout_.columns.back().name.empty())
      layout_.columns.pop_back();
    break;
  }
  if (summary_header_line != 0 && layout_.summary.line == 0) {
    return Status::InvalidArgument(At(name, summary_header_line) +
                                   "summary header without a line of values");
  }

  // Vote columns: between the identification/boletas block and the totals.
  std::vector<Column>& cols = layout_.columns;
  size_t after = cols.size();
  for (size_t i = 0; i < cols.size(); ++i) {
    if (IsAfterVotesRole(cols[i].role)) {
      after = i;
      break;
    }
  }
  if (after == cols.size()) {
    return Status::InvalidArgument(At(name, dialect.column_header_line) +
                                   "no TOTAL_VOTOS, LISTA_NOMINAL, OBSERVACIONES or "
                                   "CONTABILIZADA column after the vote columns");
  }
  size_t first = 0;
  for (size_t i = 0; i < after; ++i) {
    if (IsIdentificationRole(cols[i].role)) first = i + 1;
  }
  for (size_t i = first; i < after; ++i) {
    if (cols[i].role == ColumnRole::kOther && !cols[i].name.empty()) {
      cols[i].role = ColumnRole::kVoto;
      layout_.vote_columns.push_back(i);
    }
  }
  for (size_t i = 0; i < cols.size(); ++i) {
    int& slot = layout_.role_index[static_cast<int>(cols[i].role)];
    if (slot < 0) slot = static_cast<int>(i);
  }
  if (layout_.vote_columns.empty()) {
    return Status::InvalidArgument(At(name, dialect.column_header_line) +
                                   "no vote columns between the acta identification and "
                                   "TOTAL_VOTOS/LISTA_NOMINAL");
  }
  if (layout_.Index(ColumnRole::kContabilizada) < 0) {
    const bool computos_summary = std::find(canon_summary_names.begin(), canon_summary_names.end(),
                                            "ACTAS_COMPUTADAS") != canon_summary_names.end();
    if (!computos_summary) {
      return Status::InvalidArgument(At(name, dialect.column_header_line) +
                                     "the acta table has no CONTABILIZADA column");
    }
    layout_.computos = true;
  }

  table_offset_ = tok.offset();
  table_first_line_ = tok.line();
  // At least one acta row.
  while (tok.Next(&rec)) {
    if (!rec.IsBlank()) return Status::Ok();
  }
  if (!tok.status().ok()) return tok.status();
  return Status::InvalidArgument(At(name, dialect.column_header_line) +
                                 "the acta table has no rows (a summary without actas)");
}

std::vector<TableSlice> PrepDatabase::Slices(size_t n) const {
  const std::string_view table = decoded_.text.substr(table_offset_);
  std::vector<TableSlice> slices;
  size_t begin = 0;
  for (size_t k = 1; k <= n && begin < table.size(); ++k) {
    size_t end = k == n ? table.size() : std::max(begin, table.size() * k / n);
    if (end < table.size()) {
      // Cut after the next line terminator (a CRLF stays whole).
      const size_t t = table.find_first_of("\r\n", end);
      end = t == std::string_view::npos ? table.size() : t + 1;
      if (end < table.size() && table[end - 1] == '\r' && table[end] == '\n') ++end;
    }
    slices.push_back({table.substr(begin, end - begin), slices.empty() ? table_first_line_ : 1});
    begin = end;
  }
  return slices;
}

Status PrepDatabase::ForEachActa(const ActaVisitor& visit) const {
  return ForEachActaIn({decoded_.text.substr(table_offset_), table_first_line_}, visit);
}

Status PrepDatabase::ForEachActaIn(const TableSlice& slice, const ActaVisitor& visit,
                                   size_t* lines_consumed, Cells cells) const {
  const Layout& L = layout_;
  const std::string& name = L.name;
  CsvTokenizer tok(slice.text, L.dialect.delimiter, name, slice.first_line);
  CsvRecord rec;
  ActaRecord acta;
  acta.votos.resize(L.vote_columns.size());
  acta.aplica.resize(L.vote_columns.size());
  std::map<std::string, PublishedObservacion, std::less<>> observation_cache;

  const int i_contab = L.Index(ColumnRole::kContabilizada);
  const int i_obs = L.Index(ColumnRole::kObservaciones);
  const int i_casilla = L.Index(ColumnRole::kClaveCasilla);
  const int i_acta = L.Index(ColumnRole::kClaveActa);
  const int i_tipo = L.Index(ColumnRole::kTipoCasilla);
  const int i_distrito = L.Index(ColumnRole::kIdDistrito);
  const int i_seccion = L.Index(ColumnRole::kSeccion);
  const int i_ln = L.Index(ColumnRole::kListaNominal);
  const int i_rep = L.Index(ColumnRole::kRepresentantes);
  const int i_total = L.Index(ColumnRole::kTotalVotosCalculado);
  const size_t ncols = L.columns.size();
  size_t wanted = ncols;
  if (cells == Cells::kCounting) {
    wanted = 0;
    for (int col : {i_contab, i_obs, i_casilla, i_acta, i_tipo, i_distrito, i_seccion, i_ln, i_rep,
                    i_total}) {
      wanted = std::max(wanted, static_cast<size_t>(col + 1));
    }
    for (size_t col : L.vote_columns) wanted = std::max(wanted, col + 1);
  }

  auto bad_cell = [&](size_t col, std::string_view cell, std::string_view what) {
    std::string shown(cell.substr(0, 40));
    if (cell.size() > 40) shown += "...";
    return Status::InvalidArgument(At(name, rec.line) + "column " + L.columns[col].name + ": '" +
                                   shown + "' is not " + std::string(what));
  };
  // Integer cell where "-", "N/A" and empty mean "none"; false when it is
  // something else (the caller reports it: no Status on the hot path).
  auto int_cell = [&](int col, int64_t* out) -> bool {
    *out = 0;
    if (col < 0) return true;
    const std::string_view c = NormalizeCell(acta.cells[static_cast<size_t>(col)]);
    if (c.empty() || IsNotApplicable(c)) return true;
    auto v = ParseCount(c);
    if (!v || *v > kMaxCount) return false;
    *out = *v;
    return true;
  };
  auto bad_int_cell = [&](int col) {
    return bad_cell(static_cast<size_t>(col), NormalizeCell(acta.cells[static_cast<size_t>(col)]),
                    "a count");
  };

  while (tok.Next(&rec, wanted)) {
    if (rec.field_count > ncols && rec.fields.size() < rec.field_count) {
      // Extra fields (a trailing delimiter?) must be looked at: read it whole.
      tok.RetryRecordInFull();
      if (!tok.Next(&rec)) break;
    }
    if (rec.IsBlank()) continue;
    if (rec.field_count < ncols) {
      return Status::InvalidArgument(
          At(name, rec.line) + std::to_string(rec.field_count) + " fields where the header (line " +
          std::to_string(L.dialect.column_header_line) + ") has " + std::to_string(ncols) +
          "; is the delimiter '" + DelimiterName(L.dialect.delimiter) + "'?");
    }
    for (size_t i = ncols; i < rec.fields.size(); ++i) {
      if (!TrimSpaces(rec.fields[i]).empty()) {
        return Status::InvalidArgument(At(name, rec.line) + std::to_string(rec.fields.size()) +
                                       " fields where the header has " + std::to_string(ncols));
      }
    }
    acta.line = rec.line;
    acta.cells =
        std::span<const std::string_view>(rec.fields.data(), std::min(ncols, rec.fields.size()));
    auto cell = [&](int col) -> std::string_view {
      return col >= 0 ? NormalizeCell(acta.cells[static_cast<size_t>(col)]) : std::string_view();
    };

    acta.clave_casilla = cell(i_casilla);
    acta.clave_acta = cell(i_acta);
    acta.tipo_casilla.reset();
    if (const std::string_view tipo = cell(i_tipo); !tipo.empty()) {
      acta.tipo_casilla = domain::TipoCasillaFromLetter(tipo[0]);
    }
    int64_t v = 0;
    if (!int_cell(i_distrito, &v)) return bad_int_cell(i_distrito);
    acta.distrito = static_cast<int>(v);
    if (!int_cell(i_seccion, &v)) return bad_int_cell(i_seccion);
    acta.seccion = static_cast<int>(v);
    if (!int_cell(i_ln, &acta.lista_nominal)) return bad_int_cell(i_ln);
    const std::string_view ln = cell(i_ln);
    acta.lista_nominal_known = i_ln >= 0 && !ln.empty() && !IsNotApplicable(ln);
    if (!int_cell(i_rep, &acta.representantes)) return bad_int_cell(i_rep);

    acta.total_votos_calculado.reset();
    if (i_total >= 0) {
      if (auto t = ParseCount(cell(i_total))) {
        acta.total_votos_calculado = t;
      }
    }

    acta.observaciones_raw = cell(i_obs);
    if (acta.observaciones_raw.empty()) {
      acta.observacion = PublishedObservacion{};
    } else {
      auto it = observation_cache.find(acta.observaciones_raw);
      if (it == observation_cache.end()) {
        it = observation_cache
                 .emplace(std::string(acta.observaciones_raw),
                          ParseObservacion(acta.observaciones_raw))
                 .first;
      }
      acta.observacion = it->second;
    }

    // Cómputos: every acta in the catálogo is computada.
    const std::string_view contab = i_contab >= 0 ? cell(i_contab) : "1";
    const bool keys_missing =
        (i_acta >= 0 || i_casilla >= 0) &&
        (i_acta < 0 || IsDash(acta.clave_acta) || acta.clave_acta.empty()) &&
        (i_casilla < 0 || IsDash(acta.clave_casilla) || acta.clave_casilla.empty());
    if (contab == "2" || acta.observacion.set.Has(Observacion::kFueraDeCatalogo) || keys_missing) {
      acta.kind = RowKind::kFueraDeCatalogo;
    } else if (contab == "1") {
      acta.kind = RowKind::kContabilizada;
    } else if (contab == "0") {
      acta.kind = RowKind::kNoContabilizada;
    } else if (contab.empty() || IsNotApplicable(contab)) {
      acta.kind = RowKind::kNoCapturada;
    } else {
      return bad_cell(static_cast<size_t>(i_contab), contab, "0, 1, 2 or '-'");
    }

    for (size_t k = 0; k < L.vote_columns.size(); ++k) {
      const size_t col = L.vote_columns[k];
      CaptureValue& vote = acta.votos[k];
      acta.aplica[k] = 1;
      // Most cells are bare digits: no normalisation needed.
      if (auto raw = ParseDigitsIn(acta.cells[col], slice.text)) {
        vote = CaptureValue::Count(*raw);
        continue;
      }
      const std::string_view c = NormalizeCell(acta.cells[col]);
      if (auto n = ParseDigits(c)) {
        vote = CaptureValue::Count(*n);
      } else if (c.empty()) {
        vote = CaptureValue::SinDato();
      } else if (IsNotApplicable(c) || EqualsIgnoreCase(c, "SIN ACTA")) {
        acta.aplica[k] = 0;
        vote = CaptureValue::Count(0);
      } else if (EqualsIgnoreCase(c, "ILEGIBLE")) {
        vote = CaptureValue::Ilegible();
      } else if (EqualsIgnoreCase(c, "SIN DATO") || EqualsIgnoreCase(c, "SIN_DATO")) {
        vote = CaptureValue::SinDato();
      } else if (auto m = ParseCount(c); m && *m <= kMaxCount) {
        vote = CaptureValue::Count(*m);
      } else {
        return bad_cell(col, c, "a count, ILEGIBLE, SIN DATO or '-'");
      }
    }
    PREP_RETURN_IF_ERROR(visit(acta));
  }
  if (lines_consumed != nullptr) *lines_consumed = tok.line() - slice.first_line;
  return tok.status();
}

}  // namespace prep::formats
