// The script of a simulated election night: for every acta, what its paper
// says and the steps the operators take on it, each at an instant of the
// election's clock. A script is data: the synthetic generator (sintetico.h)
// and the replay of a published database (replay.h) write one; the executor
// (ejecutor.h) plays it against a running server through the HTTP API, the
// way the people of the CATD and CCV would.
// Thread-safety: values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/capture.h"
#include "domain/classifier.h"

namespace prep::sim {

enum class Fase : uint8_t {
  kAcopio,          // the Sobre PREP arrives at the CATD (or "sin acta")
  kDigitalizacion,  // an image of the acta: scanner at the CATD or PREP Casilla's phone
  kCaptura,         // one blind capture
  kVerificacion,    // accept the agreed values, or correct them against the image
  kOrden,           // recaptura or redigitalización ordered by the verificador
  kCotejo,          // the published data compared with the acta
};
inline constexpr int kFases = 6;
std::string_view NombreFase(Fase f);

struct Paso {
  Fase fase = Fase::kAcopio;
  int64_t at_ms = 0;  // due at this instant of the election's clock (UTC ms)
  // Which person of the role takes it (captures of one acta use different
  // numbers, so they are made by different people).
  int operador = 0;
  // kCaptura: the values typed; kVerificacion with !aceptar: the corrected values.
  std::vector<domain::CaptureValue> valores;
  bool aceptar = true;            // kVerificacion
  std::string motivo;             // a correction's or an order's reason
  bool redigitalizacion = false;  // kOrden: redigitalización (else recaptura)
  int imagen = 0;                 // kDigitalizacion: 0 the first image, 1 a rescan
  bool borrosa = false;           // kDigitalizacion: a blurred photo (gets a redigitalización)
  int cotejo = 1;                 // kCotejo: 1, 2 or 3

  static Paso De(Fase fase, int64_t at_ms) {
    Paso p;
    p.fase = fase;
    p.at_ms = at_ms;
    return p;
  }
  static Paso Captura(int64_t at_ms, int operador, std::vector<domain::CaptureValue> valores) {
    Paso p = De(Fase::kCaptura, at_ms);
    p.operador = operador;
    p.valores = std::move(valores);
    return p;
  }
};

struct ActaGuion {
  std::string clave;  // CLAVE_ACTA as typed at acopio
  int distrito = 0;   // where it is received (its CATD); 0 = unknown
  bool fuera_de_catalogo = false;
  std::optional<domain::SinActaMotivo> sin_acta;
  std::string mecanismos_traslado;  // "", D, F, I or combinations
  std::string origen = "CATD";      // CATD or CASILLA (PREP Casilla)
  std::string dispositivo = "ESCANER";
  // What the paper says, one per vote column (the image shows it).
  std::vector<domain::CaptureValue> valores;
  // In order: each is taken after the one before has been acknowledged.
  std::vector<Paso> pasos;
};

struct Guion {
  std::vector<ActaGuion> actas;
  std::vector<std::string> columnas;  // the vote columns, for the images

  size_t Pasos() const;
  // The first and last instants of any step (0, 0 when empty).
  std::pair<int64_t, int64_t> Intervalo() const;
};

}  // namespace prep::sim
