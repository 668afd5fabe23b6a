// The election as the catálogo describes it: entidad, distritos, secciones,
// casillas and the actas each casilla produces, and the contest (the vote
// columns of the acta: partidos, combinaciones de coalición, candidaturas
// independientes, no registrados, nulos).
//
// Plain values built once from the election configuration (or derived from a
// published database) and read by the classifier, the tally and the writers.
// Thread-safety: immutable after construction; safe to share across threads.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace prep::domain {

// TIPO_CASILLA letters of the LEEME (spec §3.2).
enum class TipoCasilla : char {
  kBasica = 'B',
  kContigua = 'C',
  kExtraordinaria = 'E',
  kEspecial = 'S',
  kMesaExtranjero = 'M',
  kPrisionPreventiva = 'P',
  kPrisionPreventivaV = 'V',
  kVotoAnticipado = 'A',
};

// Returns the tipo for a LEEME letter (case-insensitive), or nullopt.
std::optional<TipoCasilla> TipoCasillaFromLetter(char letter);

// Accredited representatives (partidos and candidaturas independientes) who may
// vote at the casilla; "precargada en la base de datos" (spec §4). The excede
// lista nominal limit adds them to the lista nominal.
struct Representantes {
  int64_t propietarios_locales = 0;
  int64_t suplentes_locales = 0;
  int64_t propietarios_federales = 0;
  int64_t suplentes_federales = 0;

  int64_t Total() const {
    return propietarios_locales + suplentes_locales + propietarios_federales + suplentes_federales;
  }
};

struct CasillaId {
  int entidad = 0;
  int seccion = 0;
  TipoCasilla tipo = TipoCasilla::kBasica;
  int id_casilla = 1;
  int ext_contigua = 0;

  // CLAVE_CASILLA: entidad(2) + sección(4) + tipo(1) + id(2) + ext(2), e.g. 230085B0100.
  std::string Clave() const;
  friend auto operator<=>(const CasillaId&, const CasillaId&) = default;
};

struct Casilla {
  CasillaId id;
  int distrito = 0;
  int municipio = 0;
  int ubicacion = 1;          // 1 urbana, 2 no urbana
  int64_t lista_nominal = 0;  // 0 for casillas especiales
  Representantes representantes;
  // Boletas approved for a casilla especial: its excede-lista-nominal limit.
  std::optional<int64_t> boletas_especial;

  bool IsEspecial() const { return id.tipo == TipoCasilla::kEspecial; }
};

enum class VoteColumnKind : uint8_t {
  kPartido,
  kCombinacion,  // coalition combination: votes marked for two or more of its partidos
  kCandidaturaIndependiente,
  kNoRegistrados,
  kNulos,
};

struct VoteColumn {
  std::string name;  // column name in the database, e.g. PAN, C_PAN_PRD, CAND_IND_1
  VoteColumnKind kind = VoteColumnKind::kPartido;
  std::vector<std::string> partidos;  // for kCombinacion: the siglas it combines
};

struct Partido {
  std::string siglas;  // as in the column name: PAN, PRI, MORENA, UDC
  std::string nombre;
};

// A coalition: its partidos may be marked together on a ballot, and every
// combination of two or more of them is counted in a column of its own.
struct Coalicion {
  std::string nombre;
  std::vector<std::string> partidos;  // siglas, in ballot order
};

struct CandidaturaIndependiente {
  std::string nombre;
  int distrito = 0;  // where it runs; its column is "-" elsewhere
};

// The vote columns of a contest in the official order: each partido, then for
// each coalición its 2^n − 1 − n combinations (largest first, in ballot order:
// C_PAN_PRD_PESQROO, C_PAN_PRD, C_PAN_PESQROO, C_PRD_PESQROO), then
// CAND_IND_1..k (k = the most candidaturas independientes in one distrito),
// NO_REGISTRADOS and NULOS.
std::vector<VoteColumn> ContestColumns(const std::vector<Partido>& partidos,
                                       const std::vector<Coalicion>& coaliciones,
                                       int candidaturas_independientes);

// Guesses the kind of a published vote column from its name (C_A_B, A-B, A_B
// with known partidos, CAND_IND_n, NO_REGISTRADOS/AS, NULOS).
VoteColumnKind ClassifyVoteColumnName(std::string_view name);

// Acta kinds per casilla (spec §3.3): an ordinary MR acta; casillas especiales
// of a congress election also produce an RP acta.
enum class ActaKind : uint8_t { kMayoriaRelativa, kRepresentacionProporcional };

struct ActaId {
  CasillaId casilla;
  std::string tipo_acta;  // as published: "2", "3", "05"

  std::string Clave() const { return casilla.Clave() + tipo_acta; }
};

struct Acta {
  ActaId id;
  // CLAVE_ACTA as the publisher writes it, when it differs from id.Clave()
  // (TIPO_ACTA in one or two digits: 230085B010002 in IEQROO 2019).
  std::string clave;
  ActaKind kind = ActaKind::kMayoriaRelativa;
  size_t casilla_index = 0;  // into Catalogo::casillas
};

struct Distrito {
  int id = 0;
  std::string cabecera;
};

// The catálogo of actas esperadas and the contest they report on.
struct Catalogo {
  int entidad_id = 0;
  std::string entidad_nombre;
  std::string eleccion;  // e.g. "DIPUTACIONES LOCALES"
  std::vector<Distrito> distritos;
  std::vector<Partido> partidos;
  std::vector<Coalicion> coaliciones;
  std::vector<CandidaturaIndependiente> candidaturas_independientes;
  std::vector<Casilla> casillas;
  std::vector<Acta> actas;
  std::vector<VoteColumn> columns;

  // Index of the acta with this CLAVE_ACTA (Acta::clave, or id.Clave() when
  // empty), or nullopt (fuera de catálogo).
  std::optional<size_t> FindActa(std::string_view clave_acta) const;
  // Must be called after actas change, before FindActa.
  void RebuildIndex();

 private:
  std::map<std::string, size_t, std::less<>> acta_index_;
};

}  // namespace prep::domain
