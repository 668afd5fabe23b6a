// `prep demo`, `prep simulacro` and `prep replay`: a whole election night
// played through the real server. Each starts `prep serve` as a child process
// on a loopback port (so a simulacro can kill it), on the simulacro's
// accelerated clock (DATA/reloj.json), creates the people of the night and
// plays a script (src/sim) through the HTTP API, then checks every corte it
// published with prep verify and prep check.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace prep::cli {

struct OpcionesNoche {
  std::string data;
  double minutos = 5;  // real minutes for the whole night
  int puerto = 0;      // 0: a free loopback port
  int hilos = 6;       // simulated operators working at once
  uint64_t semilla = 2020;
  bool desde_cero = false;  // remove the folder of an earlier run first
};

struct OpcionesDemo {
  OpcionesNoche noche;
  std::string config = "examples/coahuila2020.toml";
  int quedarse = -1;  // serve after the final corte until Ctrl-C: -1 when on a terminal
};
// Exit 0: the final corte was published and every corte verifies; 1: a check
// failed; 2: it could not run; 130: stopped with Ctrl-C (run again to resume).
int Demo(const OpcionesDemo& o);

struct OpcionesSimulacro {
  OpcionesNoche noche;
  std::string config;
  // Faults: "reinicio" (the server killed with SIGKILL and restarted),
  // "lenta" (slow links for some CATD), "soltada" (connections dropped after
  // the request), "duplicado" (requests sent twice), "catd" (a CATD offline
  // for two hours that catches up later); "todas" for all of them.
  std::vector<std::string> fallas;
  int reinicios = 3;
  std::string informe;  // folder of the report (default DATA/informe)
};
// Exit 0: nothing acknowledged was lost and every corte verifies; 1 otherwise.
int Simulacro(const OpcionesSimulacro& o);

struct OpcionesReplay {
  OpcionesNoche noche;
  std::string archivo;           // a published PREP database (CSV or zip)
  double velocidad = 0;          // election ms per real ms; 0: fit the night in `noche.minutos`
  int64_t cortes_cada_min = 20;  // election minutes between forced cortes
  // As fast as the server answers: the real clock, every step sent as soon as
  // the one before it is acknowledged (for bench/pipeline_bench.sh).
  bool sin_esperas = false;
};
// Exit 0: the final corte equals what prep check recomputes from the file
// with our classifier; 1: it differs (named); 2: it could not run.
int Replay(const OpcionesReplay& o);

}  // namespace prep::cli
