// Plays a Guion against a running `prep serve` through its HTTP API, as the
// people of the night would: the acopiador and the digitalizador of each
// CATD, the capturistas and verificadores of each CCV, each with their own
// login. A step is sent when the election's clock reaches it and its acta's
// previous step was acknowledged; every write carries an Idempotency-Key
// derived from the acta and the step, so a retry (after a timeout, a dropped
// connection, a server restart, or a second run that resumes) is never
// applied twice. Every acknowledged step (a 2xx) is recorded, so a drill can
// prove afterwards that none was lost.
//
// Faults for simulacros: requests sent twice, connections dropped after the
// request was sent, slow links for some CATD, a CATD offline for a while.
// (Killing the server is the caller's: the executor just keeps retrying.)
// Thread-safety: one Ejecutar at a time per Ejecutor; it runs its own threads.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "sim/guion.h"
#include "sim/reloj.h"

namespace prep::sim {

// The people of the night and where they work.
struct Plantilla {
  std::map<int, std::string> catd_de_distrito;  // distrito -> CATD id
  std::string catd_por_omision = "CATD01";      // for distritos without one
  std::vector<std::string> ccv = {"CCV1"};
  int capturistas_por_ccv = 6;
  int verificadores_por_ccv = 2;
  std::string password;  // every simulated user's

  struct Usuario {
    std::string nombre, rol, sitio;
  };
  // Everyone to create before the night: per CATD an acopiador and a
  // digitalizador; per CCV capturistas, verificadores and a cotejador; and a
  // central coordinador, auditor and consulta.
  std::vector<Usuario> Usuarios() const;

  std::string Catd(int distrito) const;
  std::string Ccv(const std::string& clave) const;  // an acta's CCV, by its key
  // The user who takes step `p` of the acta.
  std::string QuienHace(const ActaGuion& a, const Paso& p) const;
  static std::string Coordinador() { return "coordinador"; }
  static std::string Auditor() { return "auditor"; }
};

struct Desconexion {
  std::string sede;                    // a CATD id
  int64_t desde_ms = 0, hasta_ms = 0;  // election clock: its steps wait until hasta_ms
};

struct Fallas {
  double duplicados = 0;   // share of writes sent twice (the second is a replay)
  double soltadas = 0;     // share of writes whose connection drops before the answer
  double catd_lentas = 0;  // share of CATD whose uploads go over a slow link
  int64_t bytes_por_segundo_lento = 256 * 1024;
  std::vector<Desconexion> desconexiones;
  uint64_t semilla = 1;

  bool Alguna() const {
    return duplicados > 0 || soltadas > 0 || catd_lentas > 0 || !desconexiones.empty();
  }
};

// One acknowledged step.
struct Acuse {
  uint32_t acta = 0;  // index into Guion::actas
  uint16_t paso = 0;  // index into its pasos
  Fase fase = Fase::kAcopio;
  int status = 0;           // 201, or 200 for a replay
  int64_t at_ms = 0;        // the election's clock when it was acknowledged
  int64_t latencia_us = 0;  // real time from the first send to the answer, retries included
  int intentos = 1;
};

struct Incidente {
  int64_t at_ms = 0;  // election clock
  std::string que;
};

struct Avance {
  int64_t ahora_ms = 0;  // election clock
  size_t pasos_total = 0, pasos_hechos = 0;
  std::array<size_t, kFases> por_fase{};
  size_t reintentos = 0, errores_transporte = 0, rechazos = 0;
  size_t actas_verificadas = 0;
};

struct OpcionesEjecutor {
  std::string host = "127.0.0.1";
  std::string port;
  RelojSimulado reloj;
  int hilos = 6;
  Plantilla plantilla;
  Fallas fallas;
  int64_t timeout_ms = 30'000;
  // Called about every `cada_ms` (real) from a monitor thread.
  std::function<void(const Avance&)> avance;
  int64_t cada_ms = 1000;
  // Stops when set (pending steps are left undone, as at a Ctrl-C).
  std::atomic<bool>* parar = nullptr;
};

struct Resultado {
  std::vector<Acuse> acuses;
  std::vector<Incidente> incidentes;  // refusals and long outages, in order
  Avance final;
  bool completo = false;  // every step acknowledged
};

// The key a step is sent with (the same across retries and runs).
std::string ClaveIdempotencia(const ActaGuion& a, size_t paso);
// The image the digitalizador uploads for step `paso` (a PNG of the acta).
std::string ImagenDe(const Guion& g, const ActaGuion& a, const Paso& p);

class Ejecutor {
 public:
  explicit Ejecutor(OpcionesEjecutor opciones);
  // Plays every step of `guion`; returns when all are acknowledged or
  // `parar` is set. Fails only if the users cannot log in at all.
  Result<Resultado> Ejecutar(const Guion& guion);

 private:
  OpcionesEjecutor o_;
};

}  // namespace prep::sim
