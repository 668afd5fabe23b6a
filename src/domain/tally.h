// The summary block ("encabezado") of spec §5.1 and the vote totals, per level
// (entidad, distrito, sección, casilla), with integer arithmetic and trunc4.
//
// A SummaryCounts accumulates acta by acta; Summarize() turns counts into the
// 13 published fields under a TallySettings. Pure; no I/O.
// Thread-safety: values. Merge() lets threads tally disjoint slices.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/classifier.h"
#include "domain/trunc4.h"

namespace prep::domain {

// How PORCENTAJE_PARTICIPACION_CIUDADANA treats votes of casillas especiales.
enum class Participacion : uint8_t {
  // Anexo 13: S_CS / LN during the operation, C_CS / LN at the last corte
  // (INE, IEQROO 2019, IEE Puebla 2024).
  kAnexo13,
  // S_CS / LN at every corte, the last one included (IEE Puebla 2018).
  kSinCasillasEspeciales,
};

// Which observaciones make an acta count in PORCENTAJE_ACTAS_INCONSISTENCIAS.
// The LEEME names Excede Lista Nominal, Ilegible and Sin Dato; IEQROO 2019,
// IEE Puebla 2018 and INE 2023 also count the "todos ..." cases.
ObservacionSet LeemeInconsistencias();
ObservacionSet PublishedInconsistencias();

struct TallySettings {
  Participacion participacion = Participacion::kAnexo13;
  ObservacionSet inconsistencias = LeemeInconsistencias();
  bool ultimo_corte = false;
};

// The 13 summary fields, in the order the official layout publishes them.
enum class SummaryField : uint8_t {
  kActasEsperadas,
  kActasRegistradas,
  kActasFueraCatalogo,
  kActasCapturadas,
  kPorcentajeActasCapturadas,
  kActasContabilizadas,
  kPorcentajeActasContabilizadas,
  kPorcentajeActasInconsistencias,
  kActasNoContabilizadas,
  kListaNominalActasContabilizadas,
  kTotalVotosConCasillasEspeciales,
  kTotalVotosSinCasillasEspeciales,
  kPorcentajeParticipacionCiudadana,
};
inline constexpr int kSummaryFieldCount = 13;

// Canonical name, e.g. "ACTAS_ESPERADAS".
std::string_view SummaryFieldName(SummaryField f);
bool IsPercentField(SummaryField f);

// Each field as an integer; percentages in ten-thousandths (Percent4).
struct SummaryBlock {
  std::array<int64_t, kSummaryFieldCount> values{};

  int64_t Get(SummaryField f) const { return values[static_cast<int>(f)]; }
  void Set(SummaryField f, int64_t v) { values[static_cast<int>(f)] = v; }
  // "2031" or "95.0842".
  std::string Format(SummaryField f) const;
  friend bool operator==(const SummaryBlock&, const SummaryBlock&) = default;
};

// What one acta contributes to a level's tally.
struct ActaTallyInput {
  bool en_catalogo = true;
  bool capturada = false;  // registered in the system (includes Sin Acta)
  bool contabilizada = false;
  ObservacionSet observaciones;
  bool especial = false;
  int64_t lista_nominal = 0;
  int64_t total_votos = 0;
};

struct SummaryCounts {
  int64_t esperadas = 0;
  int64_t fuera_catalogo = 0;
  int64_t capturadas = 0;
  int64_t contabilizadas = 0;
  int64_t lista_nominal_contabilizadas = 0;
  int64_t total_votos_c_cs = 0;
  int64_t total_votos_s_cs = 0;
  // Captured actas per observación bit pattern, so any inconsistency set can be
  // applied after the fact (prep check tries both conventions in one pass).
  std::array<int64_t, 1 << kObservacionCount> by_observaciones{};

  void Add(const ActaTallyInput& acta);
  void Merge(const SummaryCounts& other);
  int64_t CountWithAny(ObservacionSet set) const;
};

SummaryBlock Summarize(const SummaryCounts& counts, const TallySettings& settings);

// Vote totals per column over contabilizadas, plus the summary counts.
struct LevelTally {
  SummaryCounts counts;
  std::vector<int64_t> votos;  // indexed like the contest's vote columns

  // REQUIRES: votos_acta.size() == votos.size() (or votos empty: it is sized on first use).
  void Add(const ActaTallyInput& acta, std::span<const CaptureValue> votos_acta);
  void Merge(const LevelTally& other);
};

// Tallies keyed by level: entidad (one), distrito and sección. The casilla
// level is its actas, each published whole (its record and its CSV row), not
// a sum: a casilla especial's MR and RP actas count the same voters twice,
// and a map of ~450,000 casillas was most of a national corte's tally time.
struct TallyByLevel {
  LevelTally entidad;
  std::map<int, LevelTally> distritos;
  std::map<int, LevelTally> secciones;

  void Add(int distrito, int seccion, const ActaTallyInput& acta,
           std::span<const CaptureValue> votos_acta);
};

}  // namespace prep::domain
