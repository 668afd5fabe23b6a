// A synthetic election night for an election's catálogo: what each acta says
// (votes drawn around a voting profile, at a participation near the real
// one) and when and how it goes through the proceso técnico operativo
// (arrival along the real curve of IEQROO 2019, spec §9.3; PREP Casilla
// photographs before the Sobre arrives; capture mistakes settled at
// verificación; redigitalización and recaptura orders; sin acta, excede
// lista nominal, ilegible, sin dato, todos ilegibles and fuera de catálogo in
// realistic shares). Deterministic: the same seed gives the same night.
// Pure: no I/O, no clock.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "publish/corte.h"
#include "sim/guion.h"

namespace prep::sim {

struct PerfilVotacion {
  double participacion = 0.392;  // of the lista nominal
  // Expected share of the votes, by column name; columns not listed get the
  // weight of their kind below. Normalised per acta over the columns that
  // apply there.
  std::map<std::string, double> pesos;
  double peso_partido = 0.02;
  double peso_combinacion = 0.004;
  double peso_independiente = 0.03;
  double peso_no_registrados = 0.001;
  double peso_nulos = 0.028;
};

// Coahuila 2020 as the press reported it (spec §9.1): PRI 49.12 %, MORENA
// 19.69 %, PAN 10.17 %, participation 39.2 %; the rest spread over the others.
PerfilVotacion PerfilCoahuila2020();

// Shares of actas (0 to 1) and counts that make the night realistic.
struct Tasas {
  double no_llega = 0.012;          // its Sobre never reaches the CATD in the window
  double sin_acta = 0.008;          // registered "sin acta" (motives 1 to 3)
  double excede_lista = 0.0015;     // votes above lista nominal + representantes
  double ilegible = 0.02;           // one field ILEGIBLE
  double sin_dato = 0.015;          // one or two fields left empty (SIN DATO)
  double todos_ilegibles = 0.001;   // every field ILEGIBLE
  double discrepancia = 0.07;       // the second capture mistypes a field
  double error_comun = 0.003;       // both captures mistype alike; the image settles it
  double redigitalizacion = 0.005;  // a blurred photograph, taken again
  double recaptura = 0.003;         // captures the verificador sends back
  double cotejo = 0.1;              // compared after publication
  double prep_casilla = 0.4;        // photographed at the casilla by PREP Casilla
  int fuera_de_catalogo = 3;        // Sobres whose acta is not in the catálogo
};

struct OpcionesSintetico {
  uint64_t semilla = 2020;
  int64_t cierre_ms = 0;  // the casillas close: the arrival curve starts here
  int64_t fin_ms = 0;     // no step after this (the last update)
  PerfilVotacion perfil;
  Tasas tasas;
};

Guion GuionSintetico(const publish::Contienda& contienda, const OpcionesSintetico& opciones);

// The share of the actas that have arrived `horas` after the casillas close,
// from the cumulative curve of IEQROO 2019 (spec §9.3), 0 to 1.
double CurvaLlegada(double horas);

}  // namespace prep::sim
