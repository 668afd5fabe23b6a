#include "domain/election.h"

#include <cctype>

#include "base/texto.h"

namespace prep::domain {

std::optional<TipoCasilla> TipoCasillaFromLetter(char letter) {
  switch (std::toupper(static_cast<unsigned char>(letter))) {
    case 'B':
      return TipoCasilla::kBasica;
    case 'C':
      return TipoCasilla::kContigua;
    case 'E':
      return TipoCasilla::kExtraordinaria;
    case 'S':
      return TipoCasilla::kEspecial;
    case 'M':
      return TipoCasilla::kMesaExtranjero;
    case 'P':
      return TipoCasilla::kPrisionPreventiva;
    case 'V':
      return TipoCasilla::kPrisionPreventivaV;
    case 'A':
      return TipoCasilla::kVotoAnticipado;
    default:
      return std::nullopt;
  }
}

std::string CasillaId::Clave() const {
  // printf's "%02d%04d%c%02d%02d", written field by field: a national corte
  // asks for a few million claves.
  std::string r;
  AnadirRelleno(r, entidad, 2);
  AnadirRelleno(r, seccion, 4);
  r.push_back(static_cast<char>(tipo));
  AnadirRelleno(r, id_casilla, 2);
  AnadirRelleno(r, ext_contigua, 2);
  return r;
}

VoteColumnKind ClassifyVoteColumnName(std::string_view name) {
  auto starts = [&](std::string_view p) { return name.substr(0, p.size()) == p; };
  if (name == "NULOS" || name == "VOTOS_NULOS") return VoteColumnKind::kNulos;
  if (starts("NO_REGISTRAD") || starts("CANDIDATOS_NO_REG") || starts("CNR")) {
    return VoteColumnKind::kNoRegistrados;
  }
  if (starts("CAND_IND") || starts("CI_") || starts("IND_")) {
    return VoteColumnKind::kCandidaturaIndependiente;
  }
  if (starts("C_") || name.find('-') != std::string_view::npos) return VoteColumnKind::kCombinacion;
  return VoteColumnKind::kPartido;
}

std::vector<VoteColumn> ContestColumns(const std::vector<Partido>& partidos,
                                       const std::vector<Coalicion>& coaliciones,
                                       int candidaturas_independientes) {
  std::vector<VoteColumn> columns;
  for (const Partido& p : partidos) columns.push_back({p.siglas, VoteColumnKind::kPartido, {}});
  for (const Coalicion& c : coaliciones) {
    const size_t n = c.partidos.size();
    // Subsets of two or more, by size descending, then in ballot order
    // (lexicographic over positions), as the published files list them.
    for (size_t size = n; size >= 2; --size) {
      std::vector<size_t> pick(size);
      for (size_t i = 0; i < size; ++i) pick[i] = i;
      while (true) {
        VoteColumn col;
        col.kind = VoteColumnKind::kCombinacion;
        col.name = "C";
        for (size_t i : pick) {
          col.name += "_" + c.partidos[i];
          col.partidos.push_back(c.partidos[i]);
        }
        columns.push_back(std::move(col));
        // Next combination of `size` positions out of n.
        size_t k = size;
        while (k > 0 && pick[k - 1] == n - size + k - 1) --k;
        if (k == 0) break;
        ++pick[k - 1];
        for (size_t j = k; j < size; ++j) pick[j] = pick[j - 1] + 1;
      }
    }
  }
  for (int i = 1; i <= candidaturas_independientes; ++i) {
    columns.push_back(
        {"CAND_IND_" + std::to_string(i), VoteColumnKind::kCandidaturaIndependiente, {}});
  }
  columns.push_back({"NO_REGISTRADOS", VoteColumnKind::kNoRegistrados, {}});
  columns.push_back({"NULOS", VoteColumnKind::kNulos, {}});
  return columns;
}

std::optional<size_t> Catalogo::FindActa(std::string_view clave_acta) const {
  auto it = acta_index_.find(clave_acta);
  if (it == acta_index_.end()) return std::nullopt;
  return it->second;
}

void Catalogo::RebuildIndex() {
  acta_index_.clear();
  for (size_t i = 0; i < actas.size(); ++i) {
    acta_index_.emplace(actas[i].clave.empty() ? actas[i].id.Clave() : actas[i].clave, i);
  }
}

}  // namespace prep::domain
