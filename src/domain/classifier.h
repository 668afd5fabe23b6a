// The rules of Anexo 13 (spec §4): is an acta contabilizada, and with which
// observaciones. Pure functions over values; no I/O, no clock.
//
// Observaciones are a set: an acta can be Excede Lista Nominal and carry
// Ilegible and Sin dato fields at once (INE 2024 data does).
// Thread-safety: values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "domain/capture.h"
#include "domain/election.h"

namespace prep::domain {

enum class Observacion : uint8_t {
  kIlegible = 0,            // at least one field ILEGIBLE (acta still counts)
  kSinDato,                 // at least one field SIN DATO (acta still counts)
  kExcedeListaNominal,      // sum of votes above LN + representantes (or boletas)
  kTodosIlegibles,          // every vote field ILEGIBLE
  kTodosSinDato,            // every vote field SIN DATO ("todos los campos vacíos")
  kTodosIlegiblesOSinDato,  // no legible count at all, a mix of the two
  kSinActa,                 // the Acta PREP did not arrive; see SinActaMotivo
  kFueraDeCatalogo,         // identification does not match an acta esperada
};
inline constexpr int kObservacionCount = 8;

// Sin Acta reasons, numbered as the LEEME numbers them.
enum class SinActaMotivo : uint8_t {
  kNoEspecificado = 0,
  kPaqueteNoEntregado = 1,
  kCasillaNoInstalada = 2,
  kSinSobre = 3,
  kContingenciaUrnaElectronica = 4,  // "Sin AR por contingencia en UR" (2021 on)
};

class ObservacionSet {
 public:
  constexpr ObservacionSet() = default;
  constexpr ObservacionSet(std::initializer_list<Observacion> list) {
    for (Observacion o : list) Add(o);
  }
  constexpr void Add(Observacion o) { bits_ |= Bit(o); }
  constexpr bool Has(Observacion o) const { return (bits_ & Bit(o)) != 0; }
  constexpr bool Empty() const { return bits_ == 0; }
  constexpr bool Intersects(ObservacionSet other) const { return (bits_ & other.bits_) != 0; }
  constexpr uint16_t bits() const { return bits_; }
  friend constexpr bool operator==(ObservacionSet, ObservacionSet) = default;

  // Spanish words as a publisher writes them, joined with ", ".
  std::string ToString(SinActaMotivo motivo = SinActaMotivo::kNoEspecificado) const;

 private:
  static constexpr uint16_t Bit(Observacion o) { return uint16_t{1} << static_cast<int>(o); }
  uint16_t bits_ = 0;
};

std::string ObservacionName(Observacion o);
std::string SinActaMotivoText(SinActaMotivo m);

// The limit that "excede lista nominal" is measured against.
struct ActaLimits {
  int64_t lista_nominal = 0;
  int64_t representantes = 0;
  bool especial = false;
  // Boletas approved for a casilla especial; without it the test cannot be made
  // for that casilla and is skipped (a published database does not carry it).
  std::optional<int64_t> boletas_especial;

  static ActaLimits ForCasilla(const Casilla& c) {
    return {c.lista_nominal, c.representantes.Total(), c.IsEspecial(), c.boletas_especial};
  }
};

// What the operators recorded for one acta.
struct ActaCaptura {
  bool en_catalogo = true;
  std::optional<SinActaMotivo> sin_acta;  // set: the Sobre PREP came without the acta
  std::vector<CaptureValue> votos;        // one per vote column that applies to the acta
};

struct Classification {
  bool contabilizada = false;
  ObservacionSet observaciones;
  SinActaMotivo sin_acta_motivo = SinActaMotivo::kNoEspecificado;
  int64_t total_votos_calculado = 0;  // Σ counts; ILEGIBLE and SIN DATO add 0
};

// Conventions on which real publishers differ.
struct ClassifierSettings {
  // An acta whose vote fields are a mix of ILEGIBLE and SIN DATO, with no
  // count at all: IEQROO 2019 publishes it as "TODOS ILEGIBLES O SIN DATO",
  // not contabilizada (the default, and the reading of "no contiene dato legible
  // alguno"); INE 2023 contabiliza it with observaciones Ilegible and Sin dato,
  // keeping "todos" for all-ilegible or all-empty actas.
  bool mixto_ilegible_sin_dato_contabiliza = false;
};

// Sum of the captured counts (TOTAL_VOTOS_CALCULADO).
int64_t TotalVotos(std::span<const CaptureValue> votos);

// Anexo 13 §4.1 decision procedure.
Classification Classify(const ActaCaptura& captura, const ActaLimits& limits,
                        const ClassifierSettings& settings = {});

}  // namespace prep::domain
