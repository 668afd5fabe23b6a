// `prep check`: recomputes a published PREP database from its own acta rows.
//
// For an auditor, a party or a journalist: the summary block is recomputed
// from the rows (with the publisher's CONTABILIZADA), every vote column is
// totalled over contabilizadas, and every captured acta is reclassified from
// its cells with our classifier (domain::Classify), reporting agreement with
// the published CONTABILIZADA and each kind of disagreement with examples.
// Thread-safety: CheckDatabase may use several threads internally; reports are values.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "domain/tally.h"
#include "formats/prep_database.h"

namespace prep::check {

struct CheckOptions {
  size_t threads = 2;
  size_t max_examples = 5;
};

struct ReclassificationExample {
  size_t line = 0;
  std::string clave_acta;
  bool published_contabilizada = false;
  bool recomputed_contabilizada = false;
  std::string published_observaciones;
  std::string recomputed_observaciones;
  std::string detail;
};

struct Reclassification {
  int64_t agree = 0;
  int64_t disagree = 0;
  // Not contabilizada, with every vote cell zero or empty: the publisher
  // withheld the values, so the rule cannot be re-applied from the cells.
  int64_t unverifiable = 0;
  std::map<std::string, int64_t> reasons;
  std::map<std::string, std::vector<ReclassificationExample>> examples;
  // Actas with only ILEGIBLE and SIN DATO fields, mixed: publishers differ
  // (domain::ClassifierSettings). The convention most of them follow in this
  // file: "no contabilizada" (IEQROO), "contabilizada" (INE 2023) or "" (none seen).
  std::string mixto_convention;
  int64_t mixto_contabilizadas = 0;
  int64_t mixto_no_contabilizadas = 0;
  int64_t total_votos_calculado_differs = 0;  // published total != sum of its vote cells
  std::map<std::string, int64_t> unrecognised_observaciones;
};

struct ActaCounts {
  int64_t rows = 0;
  int64_t catalogue = 0;
  int64_t fuera_de_catalogo = 0;
  int64_t not_captured = 0;
  int64_t capturadas = 0;
  int64_t contabilizadas = 0;
};

struct CheckReport {
  std::string file;
  bool computos = false;  // a cómputos distritales database, not a PREP one
  formats::Dialect dialect;
  std::string eleccion;
  std::string corte;
  formats::PublishedSummary published;
  domain::SummaryBlock recomputed;
  std::vector<domain::SummaryField> mismatches;
  std::string participacion;                             // "C_CS", "S_CS" or "ninguna"
  std::string inconsistencias;                           // "LEEME", "LEEME+TODOS" or "ninguna"
  std::vector<std::pair<std::string, int64_t>> columns;  // vote column key -> total
  ActaCounts actas;
  Reclassification reclassification;
  // The summary block and vote totals with each captured acta's CONTABILIZADA
  // and observaciones as OUR classifier gives them (under the conventions the
  // file follows), where the publisher's are used above: what this database
  // would say had it been published by `prep`. Actas whose cells were
  // withheld (unverifiable) keep the publisher's verdict. Empty for cómputos.
  domain::SummaryBlock reclasificado;
  std::vector<std::pair<std::string, int64_t>> columnas_reclasificadas;

  int ExitCode() const { return mismatches.empty() ? 0 : 1; }
};

Result<CheckReport> CheckDatabase(const formats::PrepDatabase& db, const CheckOptions& options);

// Reads FILE (CSV or zip) and checks every results table in it.
Result<std::vector<CheckReport>> CheckPath(const std::string& path, const CheckOptions& options);

nlohmann::ordered_json ToJson(const CheckReport& report);
// Spanish, for people.
std::string FormatHuman(const CheckReport& report);

}  // namespace prep::check
