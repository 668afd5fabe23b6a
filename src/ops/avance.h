// The coordinación's progress figures on election night: how far each phase
// of the proceso técnico operativo has gone per distrito, CATD and CCV, how
// fast and how late, and which actas are stuck. A pure computation over the
// workflow state (`Operaciones`), refreshed live by the coordinador's console;
// no I/O and no clock: `ahora_ms` comes in as an argument.
//
// Conventions (the console shows them as they are):
// * `total` and the per-distrito and per-CATD counts are over the actas of
//   the catálogo only (so `total` is the sum of `por_distrito`); actas fuera
//   de catálogo are counted apart, in `fuera_de_catalogo`.
// * Throughput, latencies and the stuck list measure the operation, so they
//   take every acta, fuera de catálogo included (one with an image shows as
//   waiting for captura, which it cannot have until its clave is corrected).
// * PREP Casilla: an image may arrive before the Sobre PREP (the photo taken
//   at the polling station), so an acta can be digitalizada, capturada or
//   verificada without being acopiada, and a latency from the acopio can come
//   out negative. Negative latencies are skipped (not counted in `n`): the
//   phase did not wait for the acopio.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ops/operaciones.h"

namespace prep::ops {

struct Conteos {
  int64_t esperadas = 0;  // actas of the catálogo here
  int64_t acopiadas = 0;  // Sobre registered (sin acta included)
  int64_t sin_acta = 0;
  int64_t digitalizadas = 0;  // with a usable image (Expediente::Digitalizada())
  int64_t capturadas = 0;     // both captures done (CapturasCompletas()) or verified
  int64_t verificadas = 0;
  int64_t discrepancias = 0;  // two captures that differ, not yet verified

  Conteos& operator+=(const Conteos& o);
  friend bool operator==(const Conteos&, const Conteos&) = default;
};

// Nearest-rank percentiles of one phase's durations, in milliseconds.
struct LatenciaFase {
  std::string fase;  // "acopio_a_digitalizacion", "digitalizacion_a_captura",
                     // "captura_a_verificacion", "acopio_a_verificacion"
  int64_t n = 0;
  int64_t p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0;  // all 0 when n == 0
};

struct Atorada {
  std::string clave_acta;
  std::string espera;    // "digitalizacion", "captura", "verificacion", "redigitalizacion"
  int64_t desde_ms = 0;  // the time of the step before (see CalcularAvance)
  int distrito = 0;      // 0 for fuera de catálogo
};

struct Avance {
  int64_t ahora_ms = 0;
  Conteos total;
  std::map<int, Conteos> por_distrito;      // every distrito of the catálogo, even with 0
  std::map<std::string, Conteos> por_catd;  // CATD id -> counts of its distritos' actas
  struct PorCcv {
    int64_t capturas = 0, verificaciones = 0;
  };
  // By the site recorded on each capture of the current round and on the
  // verification (earlier rounds are no longer in the Expediente).
  std::map<std::string, PorCcv> por_ccv;
  int64_t fuera_de_catalogo = 0;  // actas registered that the catálogo does not have
  // Actas reaching each phase in (ahora − 1 h, ahora]: acopios (sin acta
  // included), first images, captures completed (the second capture) and
  // verificaciones. Counted in actas, so the four compare: a phase slower
  // than the one before it is building a queue.
  int64_t acopios_ultima_hora = 0, imagenes_ultima_hora = 0, capturas_ultima_hora = 0,
          verificaciones_ultima_hora = 0;
  std::vector<LatenciaFase> latencias;  // the four phases, in the order above
  std::vector<Atorada> atoradas;        // waiting longer than the threshold, oldest first
  int64_t atoradas_total = 0;           // how many in all (before the max cut)
};

// The figures at `ahora_ms`. `catd_de_distrito` maps a distrito to the CATD
// that receives its paquetes (several distritos may share one; a distrito
// absent from it is in no CATD's counts).
//
// Phases, from the Expediente's times: acopio = hora_acopio_ms (only with an
// acta: a sin-acta Sobre starts no phase); digitalización = the first image;
// captura = the last capture of the current round, once both are done;
// verificación = hora_verificacion_ms.
//
// An acta is stuck when it has waited more than `umbral_atorada_ms` (exactly
// the threshold is not yet stuck) for its next step; never when sin acta or
// verificada:
//   "redigitalizacion"  a redigitalización ordered and no new image yet, since
//                       the last step known before the order (the Expediente
//                       does not keep the order's own time);
//   "digitalizacion"    acopiada, no image, since the acopio;
//   "captura"           with an image, captures incomplete, since the first image;
//   "verificacion"      captures complete, not verified, since the last capture.
// Ties in `desde_ms` go by clave_acta, so the list is stable between refreshes.
// One pass over the catálogo and one over the Expedientes.
Avance CalcularAvance(const Operaciones& ops, const std::map<int, std::string>& catd_de_distrito,
                      int64_t ahora_ms, int64_t umbral_atorada_ms = 30 * 60 * 1000,
                      size_t max_atoradas = 50);

// For the console, with the fields' names; maps become arrays of objects that
// carry their key: {"distrito": 3, ...}, {"sede": "CATD03", ...}.
nlohmann::ordered_json AvanceJson(const Avance& a);

}  // namespace prep::ops
