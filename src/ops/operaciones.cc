#include "ops/operaciones.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace prep::ops {
namespace {

// Bytes a client sent (a path, a key, a name) may be invalid UTF-8: replaced with U+FFFD when
// written as JSON, never thrown on.
constexpr auto kReemplazarUtf8Invalido = nlohmann::json::error_handler_t::replace;

using domain::CaptureKind;
using domain::CaptureValue;
using nlohmann::ordered_json;

// No casilla reaches this in one field; a larger count is a typing error.
constexpr int64_t kMaxCampo = 100000;

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

ordered_json ValoresArray(const std::vector<CaptureValue>& v) {
  ordered_json a = ordered_json::array();
  for (const CaptureValue& c : v) {
    if (c.kind == CaptureKind::kCount) {
      a.push_back(c.count);
    } else {
      a.push_back(c.kind == CaptureKind::kIlegible ? "ILEGIBLE" : "SIN DATO");
    }
  }
  return a;
}

Result<std::vector<CaptureValue>> ValoresDe(const ordered_json& a) {
  if (!a.is_array()) return Status::InvalidArgument("valores: not an array");
  std::vector<CaptureValue> out;
  for (const auto& v : a) {
    if (v.is_number_integer()) {
      out.push_back(CaptureValue::Count(v.get<int64_t>()));
    } else if (v == "ILEGIBLE") {
      out.push_back(CaptureValue::Ilegible());
    } else if (v == "SIN DATO") {
      out.push_back(CaptureValue::SinDato());
    } else {
      return Status::InvalidArgument("valores: unknown value " +
                                     v.dump(-1, ' ', false, kReemplazarUtf8Invalido));
    }
  }
  return out;
}

bool EsHex64(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool MecanismosValidos(const std::string& m) {
  if (m.empty()) return true;
  bool letra = false;
  for (char c : m) {
    if (c == 'D' || c == 'F' || c == 'I') {
      if (letra) return false;
      letra = true;
    } else if (c == '-') {
      if (!letra) return false;
      letra = false;
    } else {
      return false;
    }
  }
  return letra;
}

// Field-wise values that at least two captures agree on; nullopt if some
// field has no such value.
std::optional<std::vector<CaptureValue>> Acuerdo(const std::vector<Expediente::CapturaHecha>& cs) {
  if (cs.size() < 2) return std::nullopt;
  const size_t n = cs[0].valores.size();
  std::vector<CaptureValue> out(n);
  for (size_t f = 0; f < n; ++f) {
    bool found = false;
    for (size_t a = 0; a < cs.size() && !found; ++a) {
      for (size_t b = a + 1; b < cs.size() && !found; ++b) {
        if (cs[a].valores[f] == cs[b].valores[f]) {
          out[f] = cs[a].valores[f];
          found = true;
        }
      }
    }
    if (!found) return std::nullopt;
  }
  return out;
}

}  // namespace

ordered_json ValoresJson(const std::vector<CaptureValue>& valores) { return ValoresArray(valores); }

namespace {

Status Rechazo(const std::string& clave, const std::string& why) {
  return Status::FailedPrecondition("acta " + clave + ": " + why);
}

}  // namespace

bool Expediente::CapturasCompletas() const { return capturas.size() >= 2; }
bool Expediente::Discrepancia() const { return capturas.size() >= 2 && !acordados.has_value(); }

bool EsEventoDeActa(std::string_view tipo) {
  for (std::string_view t : {"acopio", "digitalizacion", "captura", "verificacion",
                             "orden_recaptura", "orden_redigitalizacion", "cotejo"}) {
    if (tipo == t) return true;
  }
  return false;
}

std::string TipoDe(const Paso& paso) {
  return std::visit(
      Overloaded{[](const Acopio&) { return std::string("acopio"); },
                 [](const Digitalizacion&) { return std::string("digitalizacion"); },
                 [](const Captura&) { return std::string("captura"); },
                 [](const Verificacion&) { return std::string("verificacion"); },
                 [](const OrdenRecaptura&) { return std::string("orden_recaptura"); },
                 [](const OrdenRedigitalizacion&) { return std::string("orden_redigitalizacion"); },
                 [](const Cotejo&) { return std::string("cotejo"); }},
      paso);
}

bool MismaSolicitud(const store::Event& e, const Paso& paso) {
  if (e.type != TipoDe(paso)) return false;
  if (const Acopio* a = std::get_if<Acopio>(&paso)) {
    const auto p = ordered_json::parse(e.payload, nullptr, /*allow_exceptions=*/false);
    if (!p.is_object() || !p.contains("hora_ms") || !p["hora_ms"].is_number_integer()) return false;
    Acopio mismo = *a;
    mismo.hora_ms = p["hora_ms"].get<int64_t>();
    return e.payload == PayloadDe(Paso(mismo));
  }
  return e.payload == PayloadDe(paso);
}

std::string PayloadDe(const Paso& paso) {
  ordered_json j = std::visit(
      Overloaded{[](const Acopio& a) {
                   ordered_json o;
                   // 0: there is an acta; 1-4: sin acta and why; -1: sin
                   // acta, reason not recorded (kNoEspecificado).
                   o["sin_acta"] = !a.sin_acta ? 0
                                   : *a.sin_acta == domain::SinActaMotivo::kNoEspecificado
                                       ? -1
                                       : static_cast<int>(*a.sin_acta);
                   o["mecanismos_traslado"] = a.mecanismos_traslado;
                   o["hora_ms"] = a.hora_ms;
                   return o;
                 },
                 [](const Digitalizacion& d) {
                   return ordered_json{{"sha256", d.sha256},
                                       {"origen", d.origen},
                                       {"dispositivo", d.dispositivo},
                                       {"bytes", d.bytes}};
                 },
                 [](const Captura& c) {
                   return ordered_json{{"valores", ValoresArray(c.valores)}};
                 },
                 [](const Verificacion& v) {
                   return ordered_json{{"aceptar", v.aceptar},
                                       {"valores", ValoresArray(v.valores)},
                                       {"motivo", v.motivo}};
                 },
                 [](const OrdenRecaptura& o) {
                   return ordered_json{{"motivo", o.motivo}};
                 },
                 [](const OrdenRedigitalizacion& o) {
                   return ordered_json{{"motivo", o.motivo}};
                 },
                 [](const Cotejo& c) {
                   return ordered_json{{"codigo", c.codigo}};
                 }},
      paso);
  return j.dump(-1, ' ', false, kReemplazarUtf8Invalido);
}

Operaciones::Operaciones(domain::Catalogo catalogo, Ajustes ajustes)
    : catalogo_(std::move(catalogo)), ajustes_(ajustes) {
  catalogo_.RebuildIndex();
}

const Expediente* Operaciones::Buscar(const std::string& clave_acta) const {
  auto it = expedientes_.find(clave_acta);
  return it == expedientes_.end() ? nullptr : &it->second;
}

Status Operaciones::ValidarValores(const std::vector<CaptureValue>& v) const {
  if (v.size() != catalogo_.columns.size()) {
    return Status::InvalidArgument("valores: " + std::to_string(v.size()) +
                                   " fields where the acta has " +
                                   std::to_string(catalogo_.columns.size()));
  }
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i].kind == CaptureKind::kCount && (v[i].count < 0 || v[i].count > kMaxCampo)) {
      return Status::InvalidArgument(
          "valores[" + catalogo_.columns[i].name + "]: " + std::to_string(v[i].count) +
          " is not a possible count (0 to " + std::to_string(kMaxCampo) + ")");
    }
  }
  return Status::Ok();
}

Status Operaciones::Validar(const Actor& actor, const Solicitud& s, const Expediente* x) const {
  const std::string& clave = s.clave_acta;
  if (clave.empty() || clave.size() > 32)
    return Status::InvalidArgument("clave_acta: empty or too long");
  const bool en_catalogo = catalogo_.FindActa(clave).has_value();
  const bool verificada = x != nullptr && x->verificada;
  return std::visit(
      Overloaded{
          [&](const Acopio& a) -> Status {
            if (x != nullptr && x->acopiada)
              return Rechazo(clave, "su Sobre PREP ya fue registrado");
            if (!MecanismosValidos(a.mecanismos_traslado)) {
              return Status::InvalidArgument("mecanismos_traslado: '" + a.mecanismos_traslado +
                                             "' is not D, F, I or a combination such as F-D-I");
            }
            return Status::Ok();
          },
          [&](const Digitalizacion& d) -> Status {
            if (!EsHex64(d.sha256))
              return Status::InvalidArgument("sha256: not 64 lower-case hex digits");
            if (d.origen != "CASILLA" && d.origen != "CATD") {
              return Status::InvalidArgument("origen: must be CASILLA or CATD");
            }
            if (d.dispositivo != "MOVIL" && d.dispositivo != "ESCANER") {
              return Status::InvalidArgument("dispositivo: must be MOVIL or ESCANER");
            }
            if (x != nullptr && x->sin_acta) return Rechazo(clave, "se registró sin acta");
            if (verificada && !x->redigitalizacion_pendiente) {
              return Rechazo(
                  clave,
                  "ya fue verificada; una nueva imagen requiere una orden de redigitalización");
            }
            return Status::Ok();
          },
          [&](const Captura& c) -> Status {
            if (!en_catalogo) return Rechazo(clave, "está fuera de catálogo; no se captura");
            if (x == nullptr || !x->Digitalizada())
              return Rechazo(clave, "no tiene imagen para capturar");
            if (x->sin_acta) return Rechazo(clave, "se registró sin acta");
            if (verificada) return Rechazo(clave, "ya fue verificada");
            if (x->capturistas.count(actor.usuario) > 0) {
              return Rechazo(clave, actor.usuario + " ya la capturó; otra persona debe capturarla");
            }
            const size_t needed =
                x->Discrepancia() && ajustes_.desempate == Desempate::kTerceraCaptura ? 3 : 2;
            if (x->capturas.size() >= needed) return Rechazo(clave, "ya tiene sus capturas");
            return ValidarValores(c.valores);
          },
          [&](const Verificacion& v) -> Status {
            if (x == nullptr || !x->CapturasCompletas())
              return Rechazo(clave, "aún no tiene sus dos capturas");
            if (verificada) return Rechazo(clave, "ya fue verificada");
            if (x->capturistas.count(actor.usuario) > 0) {
              return Rechazo(clave, actor.usuario + " la capturó; otra persona debe verificarla");
            }
            if (x->Discrepancia() && ajustes_.desempate == Desempate::kTerceraCaptura &&
                x->capturas.size() < 3) {
              return Rechazo(clave, "las capturas difieren: falta la tercera captura");
            }
            if (v.aceptar && x->Discrepancia()) {
              return Rechazo(clave, "las capturas difieren: indique los valores del acta");
            }
            if (!v.aceptar) {
              if (v.motivo.empty() && !x->Discrepancia()) {
                return Status::InvalidArgument("motivo: a correction needs a reason");
              }
              return ValidarValores(v.valores);
            }
            return Status::Ok();
          },
          [&](const OrdenRecaptura& o) -> Status {
            if (o.motivo.empty()) return Status::InvalidArgument("motivo: an order needs a reason");
            if (x == nullptr || x->capturas.empty()) return Rechazo(clave, "no tiene capturas");
            return Status::Ok();
          },
          [&](const OrdenRedigitalizacion& o) -> Status {
            if (o.motivo.empty()) return Status::InvalidArgument("motivo: an order needs a reason");
            if (x == nullptr || x->imagenes.empty()) return Rechazo(clave, "no tiene imagen");
            if (x->redigitalizacion_pendiente)
              return Rechazo(clave, "ya tiene una orden de redigitalización");
            return Status::Ok();
          },
          [&](const Cotejo& c) -> Status {
            if (c.codigo < 1 || c.codigo > 3)
              return Status::InvalidArgument("codigo: must be 1, 2 or 3");
            if (!verificada) return Rechazo(clave, "aún no está verificada");
            return Status::Ok();
          }},
      s.paso);
}

Result<store::EventDraft> Operaciones::Proponer(const Actor& actor, const Solicitud& s) const {
  if (actor.usuario.empty()) return Status::InvalidArgument("usuario: missing");
  PREP_RETURN_IF_ERROR(Validar(actor, s, Buscar(s.clave_acta)));
  store::EventDraft d;
  d.type = TipoDe(s.paso);
  d.acta = s.clave_acta;
  d.actor = actor.usuario;
  d.site = actor.sitio;
  d.at_ms = s.at_ms;
  d.payload = PayloadDe(s.paso);
  d.idempotency_key = s.idempotency_key;
  return d;
}

Status Operaciones::Aplicar(const store::Event& e) {
  ordered_json p = ordered_json::parse(e.payload, nullptr, /*allow_exceptions=*/false);
  if (p.is_discarded() || !p.is_object()) {
    return Status::Internal("event " + std::to_string(e.seq) + ": payload is not a JSON object");
  }
  Expediente& x = expedientes_[e.acta];
  x.clave_acta = e.acta;
  x.en_catalogo = catalogo_.FindActa(e.acta).has_value();
  auto bad = [&](const std::string& why) {
    return Status::Internal("event " + std::to_string(e.seq) + " (" + e.type + "): " + why);
  };
  try {
    if (e.type == "acopio") {
      x.acopiada = true;
      const int motivo = p.at("sin_acta").get<int>();
      if (motivo > 0) x.sin_acta = static_cast<domain::SinActaMotivo>(motivo);
      if (motivo == -1) x.sin_acta = domain::SinActaMotivo::kNoEspecificado;
      x.mecanismos_traslado = p.at("mecanismos_traslado").get<std::string>();
      x.hora_acopio_ms = p.at("hora_ms").get<int64_t>();
    } else if (e.type == "digitalizacion") {
      x.imagenes.push_back({p.at("sha256").get<std::string>(), p.at("origen").get<std::string>(),
                            p.at("dispositivo").get<std::string>(), p.at("bytes").get<int64_t>()});
      x.redigitalizacion_pendiente = false;
      if (x.hora_digitalizacion_ms == 0) x.hora_digitalizacion_ms = e.at_ms;
    } else if (e.type == "captura") {
      auto valores = ValoresDe(p.at("valores"));
      if (!valores.ok()) return bad(valores.status().message());
      x.capturas.push_back({e.actor, std::move(*valores), e.at_ms, e.site});
      x.capturistas.insert(e.actor);
      x.acordados = Acuerdo(x.capturas);
      x.hora_captura_ms = e.at_ms;
      if (x.capturas.size() == 1) x.hora_primera_captura_ms = e.at_ms;
    } else if (e.type == "verificacion") {
      auto valores = ValoresDe(p.at("valores"));
      if (!valores.ok()) return bad(valores.status().message());
      const bool aceptar = p.at("aceptar").get<bool>();
      const std::vector<CaptureValue> antes =
          x.acordados ? *x.acordados
                      : (x.capturas.empty() ? std::vector<CaptureValue>{} : x.capturas[0].valores);
      x.valores = aceptar ? antes : *valores;
      if (!aceptar)
        x.correcciones.push_back({e.actor, antes, x.valores, p.at("motivo").get<std::string>()});
      x.verificada = true;
      x.hora_verificacion_ms = e.at_ms;
      x.sitio_verificacion = e.site;
    } else if (e.type == "orden_recaptura" || e.type == "orden_redigitalizacion") {
      // Nothing earlier is forgotten: captures stay in the log; a new round starts.
      ++x.ronda;
      x.capturas.clear();
      x.acordados.reset();
      x.capturistas.clear();
      x.verificada = false;
      x.cotejo.reset();
      if (e.type == "orden_redigitalizacion") x.redigitalizacion_pendiente = true;
    } else if (e.type == "cotejo") {
      x.cotejo = p.at("codigo").get<int>();
    } else {
      return bad("unknown event type");
    }
  } catch (const nlohmann::json::exception& ex) {
    return bad(std::string("malformed payload: ") + ex.what());
  }
  return Status::Ok();
}

std::optional<domain::Classification> Operaciones::Clasificacion(
    const std::string& clave_acta) const {
  const Expediente* x = Buscar(clave_acta);
  if (x == nullptr) return std::nullopt;
  domain::ActaCaptura captura;
  captura.en_catalogo = x->en_catalogo;
  captura.sin_acta = x->sin_acta;
  if (x->en_catalogo && !x->sin_acta && !x->verificada) return std::nullopt;
  captura.votos = x->valores;
  domain::ActaLimits limits;
  if (auto i = catalogo_.FindActa(clave_acta)) {
    const domain::Casilla& casilla = catalogo_.casillas[catalogo_.actas[*i].casilla_index];
    limits = domain::ActaLimits::ForCasilla(casilla);
    auto corren = ajustes_.columnas_por_distrito.find(casilla.distrito);
    if (corren != ajustes_.columnas_por_distrito.end() && !corren->second.empty() &&
        corren->second.size() == captura.votos.size()) {
      std::vector<domain::CaptureValue> solo;
      for (size_t k = 0; k < captura.votos.size(); ++k) {
        if (corren->second[k]) solo.push_back(captura.votos[k]);
      }
      captura.votos = std::move(solo);
    }
  }
  return domain::Classify(captura, limits, ajustes_.clasificador);
}

}  // namespace prep::ops
