// The proceso técnico operativo as a state machine over the event log:
// acopio → digitalización → captura 1 + captura 2 → comparación →
// verificación (→ recaptura / redigitalización) → cotejo.
//
// Two steps per request, so that a refused request changes nothing and the
// state can always be rebuilt from the log:
//   Proponer(actor, solicitud)  checks the request against the workflow rules
//                               and returns the event to append (no change);
//   Aplicar(event)              applies a stored event (live or on replay).
// Who may do what (roles, CATD/CCV scope) is src/auth's; this file enforces
// the rules of the acta itself: two captures by two different people, blind
// to each other; a verificador who did not capture the acta; an image before
// capture; corrections keep the values before and after.
// Pure: no I/O, no clock (times come in the requests and events).
// Thread-safety: not thread-safe; the caller serialises Proponer/Append/Aplicar.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/status.h"
#include "domain/classifier.h"
#include "domain/election.h"
#include "store/store.h"

namespace prep::ops {

struct Actor {
  std::string usuario;
  std::string sitio;  // CATD or CCV id
};

// How a discrepancy between the two captures is resolved.
enum class Desempate : uint8_t {
  kVerificador,     // the verificador decides against the image
  kTerceraCaptura,  // a third capturista; the value two captures agree on wins
};

struct Ajustes {
  Desempate desempate = Desempate::kVerificador;
  domain::ClassifierSettings clasificador;
  // Per distrito, which vote columns run there (1) and which do not (0: a
  // coalición or candidatura independiente registered elsewhere); a distrito
  // absent, or an empty vector, runs them all. The classification looks only
  // at the columns that run, as a reader of the published CSV (where the
  // others are "-") would.
  std::map<int, std::vector<uint8_t>> columnas_por_distrito;
};

// Requests, one per step.
struct Acopio {
  std::optional<domain::SinActaMotivo> sin_acta;
  std::string mecanismos_traslado;  // "", D, F, I or combinations such as F-D-I
  int64_t hora_ms = 0;              // when the Sobre PREP arrived
};
struct Digitalizacion {
  std::string sha256;       // of the image, computed by the server
  std::string origen;       // CASILLA or CATD
  std::string dispositivo;  // MOVIL or ESCANER
  int64_t bytes = 0;
};
struct Captura {
  std::vector<domain::CaptureValue> valores;  // one per vote column of the contest
};
struct Verificacion {
  bool aceptar = true;                        // accept the agreed values as they are
  std::vector<domain::CaptureValue> valores;  // when correcting (or deciding a discrepancy)
  std::string motivo;
};
struct OrdenRecaptura {
  std::string motivo;
};
struct OrdenRedigitalizacion {
  std::string motivo;
};
struct Cotejo {
  int codigo = 1;  // 1 aceptada, 2 cotejada después de modificada, 3 cotejada sin aceptar
};

using Paso = std::variant<Acopio, Digitalizacion, Captura, Verificacion, OrdenRecaptura,
                          OrdenRedigitalizacion, Cotejo>;

struct Solicitud {
  std::string clave_acta;
  Paso paso;
  int64_t at_ms = 0;            // server time of the request
  std::string idempotency_key;  // the client's request id
};

// Everything known about one acta, materialised from its events.
struct Expediente {
  std::string clave_acta;
  bool en_catalogo = true;
  bool acopiada = false;
  std::optional<domain::SinActaMotivo> sin_acta;
  std::string mecanismos_traslado;
  int64_t hora_acopio_ms = 0;
  std::vector<Digitalizacion> imagenes;  // every image ever taken, oldest first
  bool redigitalizacion_pendiente = false;
  int ronda = 0;  // capture round: a recaptura order starts the next one
  struct CapturaHecha {
    std::string usuario;
    std::vector<domain::CaptureValue> valores;
    int64_t at_ms = 0;
    std::string sitio;  // the CCV (or CATD) where it was typed
  };
  std::vector<CapturaHecha> capturas;  // of the current round
  std::set<std::string> capturistas;   // everyone who ever captured this acta
  std::optional<std::vector<domain::CaptureValue>> acordados;  // the values the captures agree on
  bool verificada = false;
  std::vector<domain::CaptureValue> valores;  // published values, after verificación
  struct Correccion {
    std::string usuario;
    std::vector<domain::CaptureValue> antes;
    std::vector<domain::CaptureValue> despues;
    std::string motivo;
  };
  std::vector<Correccion> correcciones;
  std::optional<int> cotejo;
  int64_t hora_captura_ms = 0;  // the last capture
  int64_t hora_verificacion_ms = 0;
  // For the coordinación's latencies: the first image and the first capture
  // of the current round (0 = none yet).
  int64_t hora_digitalizacion_ms = 0;
  int64_t hora_primera_captura_ms = 0;
  std::string sitio_verificacion;  // the CCV that verified it

  // The state names an operator sees.
  bool Digitalizada() const { return !imagenes.empty() && !redigitalizacion_pendiente; }
  bool CapturasCompletas() const;  // both (or the tie-break) done
  bool Discrepancia() const;       // two captures that differ, unresolved
};

class Operaciones {
 public:
  Operaciones(domain::Catalogo catalogo, Ajustes ajustes);

  // Checks `s` against the rules; returns the event to append, or why not.
  Result<store::EventDraft> Proponer(const Actor& actor, const Solicitud& s) const;
  // Applies a stored event. Not OK only for an event this code cannot have
  // produced (a corrupt or foreign log).
  Status Aplicar(const store::Event& e);

  const Expediente* Buscar(const std::string& clave_acta) const;
  // Every acta registered so far (by CLAVE_ACTA), for progress views.
  const std::map<std::string, Expediente>& Expedientes() const { return expedientes_; }
  // The acta's classification under Anexo 13, once it has verified values
  // (or a sin-acta acopio); nullopt before.
  std::optional<domain::Classification> Clasificacion(const std::string& clave_acta) const;
  const domain::Catalogo& catalogo() const { return catalogo_; }
  size_t columnas() const { return catalogo_.columns.size(); }

 private:
  Status Validar(const Actor& actor, const Solicitud& s, const Expediente* x) const;
  Status ValidarValores(const std::vector<domain::CaptureValue>& v) const;

  domain::Catalogo catalogo_;
  Ajustes ajustes_;
  std::map<std::string, Expediente> expedientes_;
};

// Vote values as the events and the API write them: counts as numbers,
// "ILEGIBLE" and "SIN DATO" as strings.
nlohmann::ordered_json ValoresJson(const std::vector<domain::CaptureValue>& valores);

// Whether Operaciones::Aplicar takes events of this type (the workflow's; not
// users, sessions, the audit trail or the election's own events).
bool EsEventoDeActa(std::string_view tipo);

// The JSON payloads of the events, exposed for tests and the audit export.
std::string PayloadDe(const Paso& paso);
std::string TipoDe(const Paso& paso);

// Whether `paso` is the request that recorded `e` (a retry under the same
// Idempotency-Key): the same type and payload, apart from what the server
// adds itself (an acopio's arrival time is the server's clock at the first
// request; a retry comes later).
bool MismaSolicitud(const store::Event& e, const Paso& paso);

}  // namespace prep::ops
