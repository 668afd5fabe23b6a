// The simulacro report (Anexo 13 entregable: "informe de simulacros"): what a
// drill measured, for the COTAPREP, the auditor and the coordinators, in
// Spanish. One self-contained HTML page (inline CSS, inline SVG plots, no
// JavaScript, readable on a phone) plus CSV files with the same figures.
// Pure: values in, text out.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace prep::sim {

// Latency of one phase's requests (real time, from the first send to the
// acknowledgement, retries included).
struct FaseInforme {
  std::string fase;   // "acopio", "digitalizacion", "captura", "verificacion", "orden", "cotejo"
  int64_t pasos = 0;  // acknowledged steps
  int64_t reintentos = 0;  // extra attempts over all its steps
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0;
};

// A cumulative count over the election's clock, e.g. actas verified by time.
struct SerieAvance {
  std::string nombre;                               // "acopiadas", "verificadas", ...
  std::vector<std::pair<int64_t, int64_t>> puntos;  // (UTC ms, cumulative count), ascending
};

struct ReinicioInforme {
  int64_t at_ms = 0;            // election clock when the server was killed
  int64_t sin_servicio_ms = 0;  // real ms from the kill until it answered again
};

struct IncidenteInforme {
  int64_t at_ms = 0;  // election clock
  std::string que;
};

struct DatosInforme {
  std::string titulo;           // "Simulacro 1 — Diputaciones locales, Coahuila 2020"
  std::string eleccion;         // "DIPUTACIONES LOCALES"
  int offset_minutos = 0;       // to print the election's local times (-300 = UTC-5)
  int64_t inicio_ms = 0;        // the window: start of publication ...
  int64_t fin_ms = 0;           // ... and the last update (UTC ms)
  int64_t generado_utc_ms = 0;  // real time the report was written
  double factor = 1;            // election ms per real ms
  double minutos_reales = 0;    // how long the drill took
  int64_t actas_esperadas = 0;

  std::vector<FaseInforme> fases;
  // Actas that completed each phase within the window: ("acopiadas", n),
  // ("digitalizadas", n), ("capturadas", n), ("verificadas", n),
  // ("publicadas", n); shown as n and n / actas_esperadas.
  std::vector<std::pair<std::string, int64_t>> dentro_de_ventana;
  std::vector<SerieAvance> avance;  // one line per series in the progress plot
  std::vector<int64_t> cortes_ms;   // instants of the cortes published (marks on the plot)

  // Nothing acknowledged was lost: every 2xx step found in the event log
  // exactly once, and the hash chain verifies.
  struct Integridad {
    int64_t acuses = 0;       // steps acknowledged to the operators
    int64_t encontrados = 0;  // of those, found in the log
    int64_t perdidos = 0;     // acknowledged but not in the log (must be 0)
    int64_t duplicados = 0;   // in the log more than once (must be 0)
    bool cadena_ok = false;
    std::string cadena;  // what the chain verification said
  } integridad;

  // Every corte published verifies (prep verify) and every database zip
  // passes prep check.
  struct Publicacion {
    int64_t cortes = 0;
    bool verifica = false;
    std::string verificacion;  // what prep verify said
    int64_t zips = 0, zips_ok = 0;
    std::string final_id;  // the final corte, "" if none
  } publicacion;

  std::vector<std::string> fallas;  // the faults injected, described in Spanish
  std::vector<ReinicioInforme> reinicios;
  std::vector<IncidenteInforme> incidentes;
};

// The page: headline verdict (ningún paso confirmado se perdió / se perdieron
// N), the window table, per-phase latency table with a bar chart, the
// cumulative progress plot (one line per series, the cortes as ticks),
// restarts with their time without service, faults injected, incidents.
// Every chart has a table with the same numbers. Escapes all text.
std::string InformeHtml(const DatosInforme& d);

// CSV (RFC 4180, UTF-8, CRLF, header row):
// fases.csv:      fase,pasos,reintentos,p50_ms,p90_ms,p99_ms,max_ms
std::string InformeFasesCsv(const DatosInforme& d);
// avance.csv:     serie,instante,acumulado   (instante ISO 8601 with offset)
std::string InformeAvanceCsv(const DatosInforme& d);
// incidentes.csv: instante,tipo,descripcion  (tipo: reinicio | incidente)
std::string InformeIncidentesCsv(const DatosInforme& d);

}  // namespace prep::sim
