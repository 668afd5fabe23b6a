#include "domain/classifier.h"

namespace prep::domain {

std::string ObservacionName(Observacion o) {
  switch (o) {
    case Observacion::kIlegible:
      return "Ilegible";
    case Observacion::kSinDato:
      return "Sin dato";
    case Observacion::kExcedeListaNominal:
      return "Excede Lista Nominal";
    case Observacion::kTodosIlegibles:
      return "Todos los campos ilegibles";
    case Observacion::kTodosSinDato:
      return "Todos los campos vacíos";
    case Observacion::kTodosIlegiblesOSinDato:
      return "Todos ilegibles o sin dato";
    case Observacion::kSinActa:
      return "Sin acta";
    case Observacion::kFueraDeCatalogo:
      return "Fuera de catálogo";
  }
  return "";
}

std::string SinActaMotivoText(SinActaMotivo m) {
  switch (m) {
    case SinActaMotivo::kNoEspecificado:
      return "Sin acta";
    case SinActaMotivo::kPaqueteNoEntregado:
      return "Sin acta por paquete no entregado";
    case SinActaMotivo::kCasillaNoInstalada:
      return "Sin acta por casilla no instalada";
    case SinActaMotivo::kSinSobre:
      return "Sin acta por paquete entregado sin sobre";
    case SinActaMotivo::kContingenciaUrnaElectronica:
      return "Sin acta por contingencia en urna electrónica";
  }
  return "";
}

std::string ObservacionSet::ToString(SinActaMotivo motivo) const {
  std::string out;
  for (int i = 0; i < kObservacionCount; ++i) {
    const auto o = static_cast<Observacion>(i);
    if (!Has(o)) continue;
    if (!out.empty()) out += ", ";
    out += o == Observacion::kSinActa ? SinActaMotivoText(motivo) : ObservacionName(o);
  }
  return out;
}

int64_t TotalVotos(std::span<const CaptureValue> votos) {
  int64_t total = 0;
  for (const CaptureValue& v : votos) total += v.Votes();
  return total;
}

Classification Classify(const ActaCaptura& captura, const ActaLimits& limits,
                        const ClassifierSettings& settings) {
  Classification c;
  if (!captura.en_catalogo) {
    c.observaciones.Add(Observacion::kFueraDeCatalogo);
    return c;
  }
  if (captura.sin_acta) {
    c.observaciones.Add(Observacion::kSinActa);
    c.sin_acta_motivo = *captura.sin_acta;
    return c;
  }

  int ilegibles = 0;
  int sin_dato = 0;
  for (const CaptureValue& v : captura.votos) {
    if (v.kind == CaptureKind::kIlegible) ++ilegibles;
    if (v.kind == CaptureKind::kSinDato) ++sin_dato;
  }
  c.total_votos_calculado = TotalVotos(captura.votos);

  const int fields = static_cast<int>(captura.votos.size());
  const bool mixto = ilegibles > 0 && sin_dato > 0;
  if (ilegibles + sin_dato == fields && !(mixto && settings.mixto_ilegible_sin_dato_contabiliza)) {
    // "si el acta no contiene dato legible alguno" — no quantity can be summed.
    if (sin_dato == 0 && ilegibles > 0) {
      c.observaciones.Add(Observacion::kTodosIlegibles);
    } else if (ilegibles == 0) {
      c.observaciones.Add(Observacion::kTodosSinDato);
    } else {
      c.observaciones.Add(Observacion::kTodosIlegiblesOSinDato);
    }
    return c;
  }
  if (ilegibles > 0) c.observaciones.Add(Observacion::kIlegible);
  if (sin_dato > 0) c.observaciones.Add(Observacion::kSinDato);

  std::optional<int64_t> base;
  if (limits.especial) {
    base = limits.boletas_especial;
  } else {
    base = limits.lista_nominal;
  }
  if (base && c.total_votos_calculado > *base + limits.representantes) {
    c.observaciones.Add(Observacion::kExcedeListaNominal);
    return c;
  }
  c.contabilizada = true;
  return c;
}

}  // namespace prep::domain
