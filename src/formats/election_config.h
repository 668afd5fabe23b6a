// The election configuration file: what `prep init --config FILE` reads.
//
// A TOML file, written and reviewed by the institute's administrator, gives the
// entidad, the elección, partidos, coaliciones, candidaturas, distritos, the
// sedes (CATD and CCV), the publication parameters of the acuerdos (RE art.
// 339, spec §7), the conventions on which publishers differ, and the casillas:
// inline for a small election, or a CSV file next to the config for a real one
// (3,828 casillas in Coahuila 2020). examples/coahuila2020.toml documents every
// key. The reader derives the actas esperadas (one MR acta per casilla, an RP
// acta per casilla especial; spec §3.3) and the vote columns
// (domain::ContestColumns).
//
// Every rule is checked and every violation reported, not just the first: the
// Status message holds one error per line, each "file:key: why", e.g.
//   coahuila.toml:acuerdos.actualizaciones_datos_por_hora: 2 is below the minimum of 3 (Anexo 13)
//   coahuila.toml:casillas.lista[17].lista_nominal: -4 is negative
//   coahuila_casillas.csv:19: lista_nominal: -4 is negative
//   coahuila.toml:12: TOML syntax error: ...
// Array elements are numbered from 1, as a person counts them. A TOML syntax
// error stops the parse, so it is the only error reported. After 1,000 errors
// the rest are counted, not listed.
//
// Thread-safety: pure functions; they read the config (and the CSV it names)
// and write nothing. No exception escapes (toml11's are caught here).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "domain/classifier.h"
#include "domain/election.h"
#include "domain/tally.h"

namespace prep::formats {

// The publication parameters the Consejo General approves by acuerdo (RE art.
// 339; Anexo 13 entregables 18-19; spec §7). Times are instants in UTC; the
// offset is the one the file gave for the start, to label published times.
struct Acuerdos {
  int64_t inicio_publicacion_utc_ms = 0;
  int offset_minutos = 0;                  // local time minus UTC at the start: -300 for UTC-5
  int actualizaciones_datos_por_hora = 3;  // at least 3
  int actualizaciones_bd_por_hora = 3;     // at least 3
  // After the start and at most 24 h after it.
  int64_t ultima_actualizacion_utc_ms = 0;
};

// A Centro de Acopio y Transmisión de Datos or a Centro de Captura y
// Verificación.
struct Sede {
  std::string id;    // e.g. "CATD01", unique
  std::string tipo;  // "CATD" or "CCV"
  std::string nombre;
  int distrito = 0;  // the CATD's distrito; 0 for a CCV
};

// A candidatura registered in one distrito: postulated by a partido alone, by a
// coalición, or independiente (exactly one of the three).
struct Candidatura {
  int distrito = 0;
  std::string partido;    // siglas, when a partido postulates it alone
  std::string coalicion;  // nombre, when a coalición postulates it
  bool independiente = false;
  std::string propietario;
  std::string suplente;  // may be empty
};

// How a discrepancy between the two blind captures of an acta is resolved
// (mirrors ops::Desempate, which formats cannot depend on).
enum class DesempateCaptura : uint8_t {
  kVerificador,     // the verificador decides against the image
  kTerceraCaptura,  // a third capturista; the value two captures agree on wins
};

struct EleccionConfig {
  // entidad, elección, distritos, partidos, coaliciones, candidaturas
  // independientes (CAND_IND_k is the k-th independiente listed in its
  // distrito), casillas, actas and vote columns; its index is built.
  domain::Catalogo catalogo;
  Acuerdos acuerdos;
  std::vector<Sede> sedes;
  std::vector<Candidatura> candidaturas;  // all of them, in file order
  std::string clave_eleccion;             // e.g. "DIP_LOC", for file names
  std::string entidad_siglas;             // e.g. "COAH"
  std::string tipo_acta_mr = "2";         // TIPO_ACTA of the MR acta
  std::string tipo_acta_rp = "3";         // TIPO_ACTA of a casilla especial's RP acta
  // Conventions ([ajustes] in the file).
  domain::Participacion participacion = domain::Participacion::kAnexo13;
  domain::ObservacionSet inconsistencias = domain::LeemeInconsistencias();
  domain::ClassifierSettings clasificador;
  DesempateCaptura desempate = DesempateCaptura::kVerificador;
  // The casillas CSV as the config names it: a path relative to the config's
  // folder, inside it (no "..", not absolute), so the two can be copied
  // together. Empty when the casillas are inline.
  std::string casillas_archivo;
};

// Reads and validates the config at `path` (UTF-8, with or without BOM, or
// Windows-1252). A casillas CSV it names is resolved from path's folder.
Result<EleccionConfig> ReadElectionConfig(const std::string& path);

// Validates config text. `name` labels errors, and its folder is where a
// casillas CSV named by the config is looked for (the only file this reads).
Result<EleccionConfig> ParseElectionConfig(std::string_view toml_text, std::string_view name);

}  // namespace prep::formats
