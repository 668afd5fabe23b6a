#include "cli/publicacion.h"

#include <filesystem>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "base/tiempo.h"
#include "http/fuente_http.h"
#include "publish/verificar.h"
#include "store/store.h"

namespace prep::cli {
namespace fs = std::filesystem;

Result<publish::OpcionesMotor> OpcionesDeMotor(const std::string& data, const Eleccion& e,
                                               const OpcionesPublicar& p,
                                               std::function<int64_t()> reloj) {
  auto dialecto = publish::DialectoDesdeNombre(p.dialecto);
  if (!dialecto) {
    return Status::InvalidArgument("--dialecto: '" + p.dialecto + "' is not ieqroo2019 or ine2024");
  }
  publish::OpcionesMotor o;
  o.contienda = e.contienda;
  o.ajustes = e.opciones.ajustes;
  if (e.acuerdos) {
    o.acuerdos = *e.acuerdos;
  } else {
    // No acuerdos: a calendar whose only instant is in the far past and
    // already "published", so Tick never fires; cortes are forced.
    o.acuerdos.inicio_publicacion_utc_ms = 0;
    o.acuerdos.ultima_actualizacion_utc_ms = 0;
    o.max_retraso_ms = -1;
  }
  o.publicador.raiz = (fs::path(data) / "publicacion").string();
  o.publicador.carpeta_imagenes = (fs::path(data) / "imagenes").string();
  o.publicador.dialecto = *dialecto;
  o.publicador.organo = p.organo;
  o.publicador.simulacro = e.simulacro;
  PREP_ASSIGN_OR_RETURN(o.publicador.claves, LeerClaves(data, e.simulacro));
  o.publicador.reloj = reloj;
  return o;
}

Result<Publicacion> IniciarPublicacion(const std::string& data, const Eleccion& e,
                                       const OpcionesPublicar& publicar, store::Store& store,
                                       std::function<int64_t()> reloj, double escala) {
  PREP_ASSIGN_OR_RETURN(publish::OpcionesMotor o, OpcionesDeMotor(data, e, publicar, reloj));
  if (escala != 1 && e.acuerdos) {
    // An accelerated clock: the margins stay real seconds.
    o.margen_ms = static_cast<int64_t>(static_cast<double>(o.margen_ms) * escala);
    o.max_retraso_ms = static_cast<int64_t>(30'000 * escala);
  }
  PREP_ASSIGN_OR_RETURN(std::unique_ptr<publish::MotorPublicacion> motor,
                        publish::MotorPublicacion::Abrir(std::move(o), store));
  struct Estado {
    std::mutex mu;
    std::unique_ptr<publish::MotorPublicacion> motor;
    std::mutex mu_resumen;
    std::string resumen;  // JSON, rewritten after every corte
  };
  const std::string clave_publica = o.publicador.claves.publica;
  // Tell the operator where the night stands, in the election's local time.
  const int64_t ahora = reloj();
  const publish::Calendario& cal = motor->calendario();
  if (!e.acuerdos) {
    std::cout << "prep serve: elección sin acuerdos de publicación: los cortes se publican con "
                 "prep publish"
              << std::endl;
  } else if (motor->cerrado()) {
    std::cout << "prep serve: el PREP está cerrado (ya se publicó el corte final)" << std::endl;
  } else if (auto s = cal.Siguiente(ahora)) {
    std::cout << "prep serve: " << cal.cortes().size() << " cortes programados; el próximo: "
              << FormatearFecha(s->instante_utc_ms, cal.offset_minutos(), FormatoFecha::kIso8601)
              << (s->final ? " (final)" : "") << std::endl;
  } else {
    std::cout << "prep serve: el calendario de cortes terminó el "
              << FormatearFecha(cal.cortes().back().instante_utc_ms, cal.offset_minutos(),
                                FormatoFecha::kIso8601)
              << "; el cierre se publica con prep publish --final" << std::endl;
  }
  auto estado = std::make_shared<Estado>();
  estado->motor = std::move(motor);
  const bool programado = e.acuerdos.has_value();
  const bool es_simulacro = e.simulacro;
  // The summary of where publication stands; called with estado->mu held.
  const formats::Acuerdos acuerdos = e.acuerdos.value_or(formats::Acuerdos{});
  auto resumir = [estado, programado, es_simulacro, clave_publica, reloj, acuerdos] {
    const publish::MotorPublicacion& m = *estado->motor;
    const publish::Calendario& c = m.calendario();
    nlohmann::ordered_json j;
    j["simulacro"] = es_simulacro;
    j["clave_publica"] = clave_publica;
    j["cerrado"] = m.cerrado();
    j["ultimo_corte"] = m.ultimo_instante() > 0
                            ? nlohmann::ordered_json(FormatearFecha(
                                  m.ultimo_instante(), c.offset_minutos(), FormatoFecha::kIdCorte))
                            : nlohmann::ordered_json();
    std::optional<publish::CorteProgramado> s;
    if (programado && !m.cerrado()) s = c.Siguiente(std::max(m.ultimo_instante(), reloj()));
    j["siguiente_corte"] = s ? nlohmann::ordered_json(FormatearFecha(
                                   s->instante_utc_ms, c.offset_minutos(), FormatoFecha::kIso8601))
                             : nlohmann::ordered_json();
    j["siguiente_corte_ms"] =
        s ? nlohmann::ordered_json(s->instante_utc_ms) : nlohmann::ordered_json();
    j["final"] = s ? nlohmann::ordered_json(s->final) : nlohmann::ordered_json();
    j["offset_minutos"] = c.offset_minutos();
    // The acuerdos' schedule, for the administración screen.
    if (programado) {
      j["acuerdos"] = {
          {"inicio", FormatearFecha(acuerdos.inicio_publicacion_utc_ms, c.offset_minutos(),
                                    FormatoFecha::kIso8601)},
          {"ultima_actualizacion", FormatearFecha(acuerdos.ultima_actualizacion_utc_ms,
                                                  c.offset_minutos(), FormatoFecha::kIso8601)},
          {"actualizaciones_datos_por_hora", acuerdos.actualizaciones_datos_por_hora},
          {"actualizaciones_bd_por_hora", acuerdos.actualizaciones_bd_por_hora},
          {"cortes_programados", c.cortes().size()}};
    }
    std::lock_guard<std::mutex> l(estado->mu_resumen);
    estado->resumen = j.dump();
  };
  resumir();
  Publicacion p;
  p.tick = [estado, programado, reloj, resumir] {
    if (!programado) return;
    std::lock_guard<std::mutex> l(estado->mu);
    auto r = estado->motor->Tick(reloj());
    resumir();
    if (!r.ok()) {
      std::cerr << "prep serve: corte: " << r.status().message() << std::endl;
    } else if (*r) {
      std::cout << "prep serve: corte " << (*r)->id << " publicado (" << (*r)->archivos
                << " archivos)" << std::endl;
    }
  };
  const bool simulacro = e.simulacro;
  p.estado = [estado] {
    std::lock_guard<std::mutex> l(estado->mu_resumen);
    return estado->resumen;
  };
  p.forzar = [estado, simulacro, reloj, resumir](bool final) -> Result<std::string> {
    // The live night follows the acuerdos; forcing a corte is a drill's tool
    // (the close of a live PREP is its last scheduled corte, or `prep publish --final`).
    if (!simulacro) {
      return Status::FailedPrecondition(
          "sólo un simulacro admite forzar un corte; esta elección publica según el calendario "
          "de los acuerdos");
    }
    std::lock_guard<std::mutex> l(estado->mu);
    auto forzado = estado->motor->Forzar(reloj(), final);
    resumir();
    PREP_ASSIGN_OR_RETURN(publish::CortePublicado r, std::move(forzado));
    std::cout << "prep serve: corte " << r.id << " publicado a petición" << std::endl;
    return r.id;
  };
  return p;
}

int Publish(const std::string& data, bool final, const OpcionesPublicar& publicar) {
  auto fail = [](const Status& s) {
    std::cerr << "prep publish: " << s.message() << "\n";
    return 2;
  };
  auto e = CargarEleccion(data);
  if (!e.ok()) return fail(e.status());
  auto store = store::OpenStore(data);
  if (!store.ok()) return fail(store.status());
  auto reloj = RelojDe(data, e->simulacro);
  if (!reloj.ok()) return fail(reloj.status());
  auto o = OpcionesDeMotor(data, *e, publicar, reloj->ahora);
  if (!o.ok()) return fail(o.status());
  auto motor = publish::MotorPublicacion::Abrir(std::move(*o), **store);
  if (!motor.ok()) return fail(motor.status());
  auto r = (*motor)->Forzar(reloj->ahora(), final);
  if (!r.ok()) return fail(r.status());
  std::cout << "prep publish: corte " << r->id << (final ? " (final)" : "") << " en " << r->carpeta
            << "\n  " << r->archivos << " archivos, " << r->bytes
            << " bytes; manifest.json SHA-256 " << r->sha256_manifest
            << "\n  raíz Merkle de las actas " << r->raiz_merkle << "\n";
  return 0;
}

int Verify(const std::string& destino, const std::string& clave, bool imagenes) {
  std::unique_ptr<publish::Fuente> fuente;
  if (destino.starts_with("http://") || destino.starts_with("https://")) {
    auto f = http::FuenteHttp(destino);
    if (!f.ok()) {
      std::cerr << "prep verify: " << f.status().message() << "\n";
      return 2;
    }
    fuente = std::move(*f);
  } else {
    std::error_code ec;
    if (!fs::is_directory(destino, ec)) {
      std::cerr << "prep verify: " << destino << ": not a folder or an http:// URL\n";
      return 2;
    }
    fuente = publish::FuenteCarpeta(destino);
  }
  publish::OpcionesVerificacion o;
  o.clave_publica = clave;
  o.imagenes = imagenes;
  // A mirror (PUB, with cortes/index.json) or one corte folder (manifest.json).
  auto indice = fuente->Leer("cortes/index.json");
  Result<publish::Verificado> v = Status::Internal("unset");
  if (indice.ok()) {
    v = publish::VerificarEspejo(*fuente, o);
  } else if (indice.status().code() == StatusCode::kNotFound) {
    v = publish::VerificarCorte(*fuente, "", o);
  } else {
    std::cerr << "prep verify: " << indice.status().message() << "\n";
    return 2;
  }
  if (!v.ok()) {
    std::cerr << "prep verify: NO VERIFICA: " << fuente->Nombre() << ": " << v.status().message()
              << "\n";
    return 1;
  }
  std::cout << "prep verify: " << fuente->Nombre() << ": verifica"
            << (v->simulacro ? " (SIMULACRO)" : "") << "\n  " << v->cortes.size()
            << " corte(s), del " << v->cortes.front() << " al " << v->cortes.back() << "\n  "
            << v->archivos << " archivos (" << v->bytes << " bytes) con su SHA-256, " << v->imagenes
            << " imágenes de actas, " << v->actas
            << " registros de actas en la raíz Merkle del último\n  firmados con la clave Ed25519 "
            << v->clave_publica << "\n";
  return 0;
}

}  // namespace prep::cli
