#include "domain/election.h"

#include <cctype>
#include <cstdio>

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
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%02d%04d%c%02d%02d", entidad, seccion, static_cast<char>(tipo),
                id_casilla, ext_contigua);
  return buf;
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

std::optional<size_t> Catalogo::FindActa(std::string_view clave_acta) const {
  auto it = acta_index_.find(clave_acta);
  if (it == acta_index_.end()) return std::nullopt;
  return it->second;
}

void Catalogo::RebuildIndex() {
  acta_index_.clear();
  for (size_t i = 0; i < actas.size(); ++i) acta_index_.emplace(actas[i].id.Clave(), i);
}

}  // namespace prep::domain
