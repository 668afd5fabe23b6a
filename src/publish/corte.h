// A corte: one consistent snapshot of every acta at a scheduled instant, and
// everything computed from it (classification, tally per level). The bundle
// writers (database zip, JSON, static site, manifest) read only this value,
// so a corte is computed once and written many ways, and the same code serves
// the live system, replays and `prep audit recompute`.
// Pure values; no I/O. Thread-safety: immutable once built; share freely.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/capture.h"
#include "domain/classifier.h"
#include "domain/election.h"
#include "domain/tally.h"
#include "formats/election_config.h"

namespace prep::publish {

// One acta as a corte publishes it (one row of the results CSV).
struct ActaPublicada {
  // Into Catalogo::actas; nullopt for an acta fuera de catálogo.
  std::optional<size_t> acta_index;
  std::string clave_acta;  // CLAVE_ACTA as registered (the catálogo's for actas in it)
  // Registered in the system (verified values, or a Sobre PREP sin acta).
  // Not capturada: published with "-" cells and CONTABILIZADA empty.
  bool capturada = false;
  domain::Classification clasificacion;     // meaningful when capturada
  std::vector<domain::CaptureValue> votos;  // one per Catalogo::columns entry
  // Whether each column applies where this acta is (a coalition or a
  // candidatura independiente that does not run there is published as "-").
  std::vector<uint8_t> aplica;
  // The boletas block and the total the officials wrote, when captured.
  std::optional<int64_t> boletas_sobrantes;
  std::optional<int64_t> personas_votaron;
  std::optional<int64_t> representantes_votaron;
  std::optional<int64_t> votos_sacados;
  std::optional<domain::CaptureValue> total_votos_asentado;
  std::string mecanismos_traslado;  // "", D, F, I or combinations
  // The acta image published with this record (the latest one): its SHA-256
  // (lower-case hex, the SHA column) and extension ("jpg", "png", "pdf").
  std::string sha256;
  std::string extension_imagen;
  int64_t hora_acopio_ms = 0;  // UTC ms; 0 = none
  int64_t hora_captura_ms = 0;
  int64_t hora_verificacion_ms = 0;
  std::string origen;          // CASILLA or CATD
  std::string digitalizacion;  // MOVIL or ESCANER
  std::string tipo_documento = "ACTA PREP";
  std::optional<int> cotejada;  // 1, 2 or 3
  // Why its values last changed after verificación (for the change list).
  std::string motivo_correccion;
};

// Where a corte stands in the night.
struct CorteInfo {
  std::string id;                           // local time YYYYMMDD_HHMM, the zip's prefix
  int64_t instante_utc_ms = 0;              // the corte's instant (what its data reflect)
  int offset_minutos = 0;                   // local minus UTC, to label times: -300 = UTC-5
  bool final = false;                       // the last corte: participation switches rule
  bool simulacro = false;                   // a drill: every file says so
  bool base_de_datos = true;                // this corte publishes the database zip
  std::optional<int64_t> siguiente_utc_ms;  // the next scheduled corte, if any
  // The last event of the log the snapshot took into account (the manifest
  // records it, so `prep audit recompute` reads exactly those); given when
  // rebuilding, 0 = as far as the instant allows.
  int64_t eventos_hasta_seq = 0;
};

// The election a corte reports on.
struct Contienda {
  domain::Catalogo catalogo;
  std::vector<formats::Candidatura> candidaturas;
  std::string clave_eleccion = "DIP_LOC";  // for file names: ..._PREP_DIP_LOC_COAH.zip
  std::string entidad_siglas = "COAH";
  int anio = 0;                 // election year, for the CSV file names (COAH_DIP_LOC_2020.csv)
  domain::TallySettings tally;  // ultimo_corte is set per corte
};

struct Corte {
  CorteInfo info;
  std::shared_ptr<const Contienda> contienda;
  // Every acta of the catálogo in catálogo order (captured or not), then the
  // actas fuera de catálogo in order of registration.
  std::vector<ActaPublicada> actas;
  domain::TallyByLevel tally;    // contabilizadas, per level
  domain::SummaryBlock resumen;  // entidad level, under the corte's settings

  const domain::Catalogo& catalogo() const { return contienda->catalogo; }
  domain::TallySettings Ajustes() const {
    domain::TallySettings s = contienda->tally;
    s.ultimo_corte = info.final;
    return s;
  }
};

// The contienda an election config describes (its catálogo, candidaturas,
// file names, year of the start of publication, tally conventions).
std::shared_ptr<const Contienda> ContiendaDe(const formats::EleccionConfig& config);

// Classifies nothing: tallies `actas` (already classified) into a Corte.
Corte ArmarCorte(CorteInfo info, std::shared_ptr<const Contienda> contienda,
                 std::vector<ActaPublicada> actas);

}  // namespace prep::publish
