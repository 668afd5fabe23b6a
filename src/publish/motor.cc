#include "publish/motor.h"

#include <filesystem>
#include <limits>
#include <utility>

#include "base/tiempo.h"

namespace prep::publish {

ExtensionImagen ExtensionEnCarpeta(std::string carpeta) {
  return [carpeta = std::move(carpeta)](const std::string& sha) -> std::string {
    if (carpeta.empty() || sha.size() < 2) return "";
    std::error_code ec;
    for (const char* ext : {"png", "jpg", "pdf"}) {
      const auto p = std::filesystem::path(carpeta) / sha.substr(0, 2) / (sha + "." + ext);
      if (std::filesystem::exists(p, ec)) return ext;
    }
    return "";
  };
}

MotorPublicacion::MotorPublicacion(OpcionesMotor o, store::Store& store)
    : o_(std::move(o)), store_(store), calendario_(o_.acuerdos) {}

Result<std::unique_ptr<MotorPublicacion>> MotorPublicacion::Abrir(OpcionesMotor o,
                                                                  store::Store& store) {
  if (!o.contienda) return Status::InvalidArgument("MotorPublicacion: no contienda");
  auto m = std::make_unique<MotorPublicacion>(std::move(o), store);
  PREP_ASSIGN_OR_RETURN(m->publicador_, Publicador::Abrir(m->o_.publicador));
  m->ultimo_instante_ = m->publicador_->ultimo_instante_utc_ms();
  m->instantanea_ = std::make_unique<Instantanea>(
      m->o_.contienda, m->o_.ajustes, ExtensionEnCarpeta(m->o_.publicador.carpeta_imagenes));
  return m;
}

Result<Corte> MotorPublicacion::Construir(CorteInfo info) {
  if (info.instante_utc_ms < ultimo_instante_) {
    // The snapshot only moves forward; an earlier instant needs a fresh one.
    instantanea_ = std::make_unique<Instantanea>(
        o_.contienda, o_.ajustes, ExtensionEnCarpeta(o_.publicador.carpeta_imagenes));
  }
  PREP_RETURN_IF_ERROR(instantanea_->AvanzarHasta(
      store_, info.instante_utc_ms,
      info.eventos_hasta_seq > 0 ? info.eventos_hasta_seq : std::numeric_limits<int64_t>::max()));
  info.eventos_hasta_seq = instantanea_->ultimo_seq();
  return ArmarCorte(std::move(info), o_.contienda, instantanea_->Actas());
}

Result<std::optional<CortePublicado>> MotorPublicacion::Tick(int64_t ahora) {
  if (publicador_->cerrado()) return std::optional<CortePublicado>();
  auto vigente = calendario_.Vigente(ahora - o_.margen_ms);
  if (!vigente || vigente->instante_utc_ms <= ultimo_instante_ ||
      ahora - vigente->instante_utc_ms > o_.max_retraso_ms) {
    return std::optional<CortePublicado>();
  }
  CorteInfo info;
  info.instante_utc_ms = vigente->instante_utc_ms;
  info.offset_minutos = calendario_.offset_minutos();
  info.id = FormatearFecha(info.instante_utc_ms, info.offset_minutos, FormatoFecha::kIdCorte);
  info.final = vigente->final;
  info.simulacro = o_.publicador.simulacro;
  info.base_de_datos = vigente->base_de_datos;
  if (auto s = calendario_.Siguiente(info.instante_utc_ms))
    info.siguiente_utc_ms = s->instante_utc_ms;
  PREP_ASSIGN_OR_RETURN(Corte corte, Construir(info));
  auto r = publicador_->Publicar(corte);
  // Whatever happened, this instant is done: retrying it every second would not help.
  ultimo_instante_ = info.instante_utc_ms;
  if (!r.ok()) return r.status();
  return std::optional<CortePublicado>(std::move(*r));
}

Result<CortePublicado> MotorPublicacion::Forzar(int64_t ahora, bool final) {
  CorteInfo info;
  info.offset_minutos = calendario_.offset_minutos();
  if (!o_.publicador.simulacro && ahora < o_.acuerdos.inicio_publicacion_utc_ms) {
    return Status::FailedPrecondition(
        "publication starts at " +
        FormatearFecha(o_.acuerdos.inicio_publicacion_utc_ms, info.offset_minutos,
                       FormatoFecha::kIso8601) +
        "; nothing is published before (a simulacro may force a corte at any time)");
  }
  info.instante_utc_ms = ahora;
  info.id = FormatearFecha(info.instante_utc_ms, info.offset_minutos, FormatoFecha::kIdCorte);
  info.final = final;
  info.simulacro = o_.publicador.simulacro;
  info.base_de_datos = true;
  if (!final) {
    if (auto s = calendario_.Siguiente(ahora)) info.siguiente_utc_ms = s->instante_utc_ms;
  }
  PREP_ASSIGN_OR_RETURN(Corte corte, Construir(info));
  PREP_ASSIGN_OR_RETURN(CortePublicado r, publicador_->Publicar(corte));
  ultimo_instante_ = info.instante_utc_ms;
  return r;
}

}  // namespace prep::publish
