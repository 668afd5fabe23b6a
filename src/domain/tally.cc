#include "domain/tally.h"

namespace prep::domain {

ObservacionSet LeemeInconsistencias() {
  return {Observacion::kExcedeListaNominal, Observacion::kIlegible, Observacion::kSinDato};
}

ObservacionSet PublishedInconsistencias() {
  return {Observacion::kExcedeListaNominal,
          Observacion::kIlegible,
          Observacion::kSinDato,
          Observacion::kTodosIlegibles,
          Observacion::kTodosSinDato,
          Observacion::kTodosIlegiblesOSinDato};
}

std::string_view SummaryFieldName(SummaryField f) {
  static constexpr std::array<std::string_view, kSummaryFieldCount> kNames = {
      "ACTAS_ESPERADAS",
      "ACTAS_REGISTRADAS",
      "ACTAS_FUERA_CATALOGO",
      "ACTAS_CAPTURADAS",
      "PORCENTAJE_ACTAS_CAPTURADAS",
      "ACTAS_CONTABILIZADAS",
      "PORCENTAJE_ACTAS_CONTABILIZADAS",
      "PORCENTAJE_ACTAS_INCONSISTENCIAS",
      "ACTAS_NO_CONTABILIZADAS",
      "LISTA_NOMINAL_ACTAS_CONTABILIZADAS",
      "TOTAL_VOTOS_C_CS",
      "TOTAL_VOTOS_S_CS",
      "PORCENTAJE_PARTICIPACION_CIUDADANA",
  };
  return kNames[static_cast<int>(f)];
}

bool IsPercentField(SummaryField f) {
  return f == SummaryField::kPorcentajeActasCapturadas ||
         f == SummaryField::kPorcentajeActasContabilizadas ||
         f == SummaryField::kPorcentajeActasInconsistencias ||
         f == SummaryField::kPorcentajeParticipacionCiudadana;
}

std::string SummaryBlock::Format(SummaryField f) const {
  if (IsPercentField(f)) return Percent4{Get(f)}.ToString();
  return std::to_string(Get(f));
}

void SummaryCounts::Add(const ActaTallyInput& acta) {
  if (!acta.en_catalogo) {
    ++fuera_catalogo;
    return;
  }
  ++esperadas;
  if (!acta.capturada) return;
  ++capturadas;
  ++by_observaciones[acta.observaciones.bits()];
  if (!acta.contabilizada) return;
  ++contabilizadas;
  lista_nominal_contabilizadas += acta.lista_nominal;
  total_votos_c_cs += acta.total_votos;
  if (!acta.especial) total_votos_s_cs += acta.total_votos;
}

void SummaryCounts::Merge(const SummaryCounts& o) {
  esperadas += o.esperadas;
  fuera_catalogo += o.fuera_catalogo;
  capturadas += o.capturadas;
  contabilizadas += o.contabilizadas;
  lista_nominal_contabilizadas += o.lista_nominal_contabilizadas;
  total_votos_c_cs += o.total_votos_c_cs;
  total_votos_s_cs += o.total_votos_s_cs;
  for (size_t bits = 0; bits < by_observaciones.size(); ++bits) {
    by_observaciones[bits] += o.by_observaciones[bits];
  }
}

int64_t SummaryCounts::CountWithAny(ObservacionSet set) const {
  int64_t n = 0;
  for (size_t bits = 0; bits < by_observaciones.size(); ++bits) {
    if ((bits & set.bits()) != 0) n += by_observaciones[bits];
  }
  return n;
}

SummaryBlock Summarize(const SummaryCounts& c, const TallySettings& settings) {
  SummaryBlock s;
  using F = SummaryField;
  s.Set(F::kActasEsperadas, c.esperadas);
  s.Set(F::kActasRegistradas, c.capturadas + c.fuera_catalogo);
  s.Set(F::kActasFueraCatalogo, c.fuera_catalogo);
  s.Set(F::kActasCapturadas, c.capturadas);
  s.Set(F::kPorcentajeActasCapturadas, Trunc4Percent(c.capturadas, c.esperadas).ten_thousandths);
  s.Set(F::kActasContabilizadas, c.contabilizadas);
  s.Set(F::kPorcentajeActasContabilizadas,
        Trunc4Percent(c.contabilizadas, c.esperadas).ten_thousandths);
  s.Set(F::kPorcentajeActasInconsistencias,
        Trunc4Percent(c.CountWithAny(settings.inconsistencias), c.esperadas).ten_thousandths);
  s.Set(F::kActasNoContabilizadas, c.capturadas - c.contabilizadas);
  s.Set(F::kListaNominalActasContabilizadas, c.lista_nominal_contabilizadas);
  s.Set(F::kTotalVotosConCasillasEspeciales, c.total_votos_c_cs);
  s.Set(F::kTotalVotosSinCasillasEspeciales, c.total_votos_s_cs);
  const bool con_especiales =
      settings.participacion == Participacion::kAnexo13 && settings.ultimo_corte;
  s.Set(F::kPorcentajeParticipacionCiudadana,
        Trunc4Percent(con_especiales ? c.total_votos_c_cs : c.total_votos_s_cs,
                      c.lista_nominal_contabilizadas)
            .ten_thousandths);
  return s;
}

void LevelTally::Add(const ActaTallyInput& acta, std::span<const CaptureValue> votos_acta) {
  counts.Add(acta);
  if (!acta.contabilizada) return;
  if (votos.size() < votos_acta.size()) votos.resize(votos_acta.size(), 0);
  for (size_t i = 0; i < votos_acta.size(); ++i) votos[i] += votos_acta[i].Votes();
}

void LevelTally::Merge(const LevelTally& other) {
  counts.Merge(other.counts);
  if (votos.size() < other.votos.size()) votos.resize(other.votos.size(), 0);
  for (size_t i = 0; i < other.votos.size(); ++i) votos[i] += other.votos[i];
}

void TallyByLevel::Add(int distrito, int seccion, const ActaTallyInput& acta,
                       std::span<const CaptureValue> votos_acta) {
  entidad.Add(acta, votos_acta);
  distritos[distrito].Add(acta, votos_acta);
  secciones[seccion].Add(acta, votos_acta);
}

}  // namespace prep::domain
