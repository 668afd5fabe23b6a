#include "sim/replay.h"

#include <algorithm>
#include <array>
#include <set>

#include "base/tiempo.h"

namespace prep::sim {
namespace {

using domain::CaptureKind;
using domain::CaptureValue;
using domain::Observacion;
using formats::ColumnRole;
using formats::RowKind;

constexpr int64_t kSegundo = 1000;
constexpr int64_t kMinuto = 60 * kSegundo;

std::string_view Celda(const formats::ActaRecord& r, const formats::Layout& L, ColumnRole role) {
  const int i = L.Index(role);
  if (i < 0 || static_cast<size_t>(i) >= r.cells.size()) return {};
  return formats::NormalizeCell(r.cells[static_cast<size_t>(i)]);
}

std::string Mayusculas(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::optional<int64_t> FechaPublicada(std::string_view t, int offset_minutos) {
  std::array<int64_t, 6> n{};
  std::array<size_t, 6> digitos{};
  size_t k = 0;
  bool en_numero = false;
  for (char c : t) {
    if (c >= '0' && c <= '9') {
      if (!en_numero) {
        if (k == n.size()) return std::nullopt;
        en_numero = true;
        ++k;
      }
      if (++digitos[k - 1] > 4) return std::nullopt;
      n[k - 1] = n[k - 1] * 10 + (c - '0');
    } else {
      en_numero = false;
      if (c != '-' && c != '/' && c != ':' && c != ' ' && c != 'T') return std::nullopt;
    }
  }
  if (k < 5) return std::nullopt;
  int64_t anio, mes, dia;
  if (digitos[0] == 4) {
    anio = n[0], mes = n[1], dia = n[2];
  } else if (digitos[2] == 4) {
    dia = n[0], mes = n[1], anio = n[2];
  } else {
    return std::nullopt;
  }
  const int64_t hora = n[3], minuto = n[4], segundo = k > 5 ? n[5] : 0;
  if (mes < 1 || mes > 12 || dia < 1 || dia > 31 || hora > 23 || minuto > 59 || segundo > 60)
    return std::nullopt;
  return DiasDesdeCivil(anio, mes, dia) * kMsPorDia + hora * 60 * kMinuto + minuto * kMinuto +
         segundo * kSegundo - static_cast<int64_t>(offset_minutos) * kMinuto;
}

std::optional<int> OffsetDeCorte(std::string_view corte) {
  const size_t p = corte.find("(UTC");
  if (p == std::string_view::npos) return std::nullopt;
  std::string_view r = corte.substr(p + 4);
  if (!r.empty() && r.front() == ')') return 0;
  if (r.empty() || (r.front() != '-' && r.front() != '+')) return std::nullopt;
  const int signo = r.front() == '-' ? -1 : 1;
  r.remove_prefix(1);
  int horas = 0, minutos = 0, *campo = &horas, digitos = 0;
  for (char c : r) {
    if (c >= '0' && c <= '9') {
      *campo = *campo * 10 + (c - '0');
      if (++digitos > 2) return std::nullopt;
    } else if (c == ':' && campo == &horas) {
      campo = &minutos;
      digitos = 0;
    } else {
      break;
    }
  }
  if (horas > 14 || minutos > 59) return std::nullopt;
  return signo * (horas * 60 + minutos);
}

Result<Replay> GuionDeBase(const formats::PrepDatabase& db, const domain::Catalogo& cat) {
  const formats::Layout& L = db.layout();
  Replay out;
  out.offset_minutos = OffsetDeCorte(L.corte).value_or(0);
  const std::string corte = L.corte.substr(0, L.corte.find('('));
  out.corte_utc_ms = FechaPublicada(corte, out.offset_minutos).value_or(0);
  for (const auto& c : cat.columns) out.guion.columnas.push_back(c.name);

  std::set<std::string> claves;
  int64_t ultimo = out.corte_utc_ms;  // for rows without times
  PREP_RETURN_IF_ERROR(db.ForEachActa([&](const formats::ActaRecord& r) -> Status {
    ++out.filas;
    ActaGuion a;
    a.fuera_de_catalogo = r.kind == RowKind::kFueraDeCatalogo;
    a.clave = std::string(r.clave_acta);
    // A fuera-de-catálogo row may have no key ("-"), or share one.
    if (a.fuera_de_catalogo && (a.clave.empty() || a.clave == "-" || claves.count(a.clave))) {
      a.clave = "FC" + std::to_string(r.line);
    }
    if (!a.fuera_de_catalogo && !cat.FindActa(a.clave)) {
      return Status::InvalidArgument(L.name + ":" + std::to_string(r.line) + ": acta " + a.clave +
                                     " is not in the catálogo derived from the same file");
    }
    if (!claves.insert(a.clave).second) {
      return Status::InvalidArgument(L.name + ":" + std::to_string(r.line) + ": acta " + a.clave +
                                     " appears twice; a replay needs one row per acta");
    }
    a.distrito = r.distrito;
    a.mecanismos_traslado = Mayusculas(Celda(r, L, ColumnRole::kMecanismosTraslado));
    if (a.mecanismos_traslado == "-" || a.mecanismos_traslado == "N/A")
      a.mecanismos_traslado.clear();
    const std::string origen = Mayusculas(Celda(r, L, ColumnRole::kOrigen));
    a.origen = origen == "CASILLA" ? "CASILLA" : "CATD";
    const std::string disp = Mayusculas(Celda(r, L, ColumnRole::kDigitalizacion));
    a.dispositivo = disp == "MOVIL" || disp == "MÓVIL" ? "MOVIL" : "ESCANER";

    auto fecha = [&](ColumnRole role) {
      return FechaPublicada(Celda(r, L, role), out.offset_minutos);
    };
    const auto t_acopio = fecha(ColumnRole::kFechaHoraAcopio);
    const auto t_captura = fecha(ColumnRole::kFechaHoraCaptura);
    const auto t_verif = fecha(ColumnRole::kFechaHoraVerificacion);

    // What was typed: the published cells; a column that does not run there, 0.
    a.valores = r.votos;
    for (size_t k = 0; k < a.valores.size(); ++k) {
      if (!r.aplica[k]) a.valores[k] = CaptureValue::Count(0);
    }
    const bool capturada = r.kind == RowKind::kContabilizada || r.kind == RowKind::kNoContabilizada;
    const domain::ObservacionSet obs = r.observacion.set;
    if (capturada && obs.Has(Observacion::kSinActa)) a.sin_acta = r.observacion.motivo;

    if (a.fuera_de_catalogo) {
      const int64_t t = t_acopio.value_or(t_captura.value_or(ultimo));
      a.pasos.push_back(Paso::De(Fase::kAcopio, t));
      a.pasos.push_back(Paso::De(Fase::kDigitalizacion, t + kSegundo));
    } else if (!capturada) {
      if (t_acopio) a.pasos.push_back(Paso::De(Fase::kAcopio, *t_acopio));
    } else if (a.sin_acta) {
      a.pasos.push_back(Paso::De(Fase::kAcopio, t_acopio.value_or(t_captura.value_or(ultimo))));
    } else {
      // Withheld cells: type what the observación says the acta had.
      const bool publicada = r.kind == RowKind::kContabilizada;
      bool retenidas = !publicada && !obs.Empty();
      for (size_t k = 0; k < a.valores.size() && retenidas; ++k) {
        retenidas = !r.aplica[k] ||
                    (a.valores[k].Votes() == 0 && a.valores[k].kind != CaptureKind::kIlegible);
      }
      if (retenidas) {
        const std::vector<CaptureValue> antes = a.valores;
        std::optional<CaptureValue> todos;
        if (obs.Has(Observacion::kTodosIlegibles)) todos = CaptureValue::Ilegible();
        if (obs.Has(Observacion::kTodosSinDato)) todos = CaptureValue::SinDato();
        if (todos) {
          for (size_t k = 0; k < a.valores.size(); ++k) {
            if (r.aplica[k]) a.valores[k] = *todos;
          }
        } else if (obs.Has(Observacion::kExcedeListaNominal) && r.lista_nominal_known) {
          for (size_t k = 0; k < a.valores.size(); ++k) {
            if (!r.aplica[k]) continue;
            a.valores[k] = CaptureValue::Count(r.lista_nominal + r.representantes + 1);
            break;
          }
        }
        if (a.valores != antes) ++out.reconstruidas;
      }
      const int64_t tc = t_captura.value_or(t_verif.value_or(t_acopio.value_or(ultimo)));
      const int64_t tv = std::max(tc, t_verif.value_or(tc));
      const int64_t ti = std::min(t_acopio.value_or(tc), tc);
      if (t_acopio) a.pasos.push_back(Paso::De(Fase::kAcopio, *t_acopio));
      a.pasos.push_back(Paso::De(Fase::kDigitalizacion, ti));
      a.pasos.push_back(Paso::Captura(tc, 0, a.valores));
      a.pasos.push_back(Paso::Captura(tc, 1, a.valores));
      a.pasos.push_back(Paso::De(Fase::kVerificacion, tv));
      if (!t_acopio) a.pasos.push_back(Paso::De(Fase::kAcopio, tv));
      std::stable_sort(a.pasos.begin(), a.pasos.end(),
                       [](const Paso& x, const Paso& y) { return x.at_ms < y.at_ms; });
    }
    for (const Paso& p : a.pasos) ultimo = std::max(ultimo, p.at_ms);
    out.guion.actas.push_back(std::move(a));
    return Status::Ok();
  }));
  // The night ends at the corte the file publishes (or its last time) and
  // lasts at most kNocheMaximaMs; the order of an acta's steps is kept.
  const auto [primero, ultimo_paso] = out.guion.Intervalo();
  const int64_t fin = out.corte_utc_ms > 0 ? out.corte_utc_ms : ultimo_paso;
  const int64_t inicio = std::max(primero, fin - kNocheMaximaMs);
  for (ActaGuion& a : out.guion.actas) {
    int64_t previo = inicio;
    for (Paso& p : a.pasos) {
      const int64_t t = std::clamp(p.at_ms, inicio, fin);
      if (t != p.at_ms) ++out.fuera_de_la_noche;
      p.at_ms = std::max(t, previo);
      previo = p.at_ms;
    }
  }
  return out;
}

}  // namespace prep::sim
