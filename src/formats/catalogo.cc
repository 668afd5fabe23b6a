#include "formats/catalogo.h"

#include <map>
#include <set>
#include <sstream>
#include <tuple>

namespace prep::formats {
namespace {

int IntCell(const ActaRecord& a, int col) {
  if (col < 0) return 0;
  const std::string_view c = NormalizeCell(a.cells[static_cast<size_t>(col)]);
  int v = 0;
  for (char ch : c) {
    if (ch < '0' || ch > '9') return 0;
    v = v * 10 + (ch - '0');
    if (v > 100000000) return 0;
  }
  return v;
}

std::vector<std::string> CombinationPartidos(const std::string& name) {
  std::string body = name.rfind("C_", 0) == 0 ? name.substr(2) : name;
  for (char& c : body) {
    if (c == '-') c = '_';
  }
  std::vector<std::string> out;
  std::stringstream parts(body);
  std::string p;
  while (std::getline(parts, p, '_')) {
    if (!p.empty()) out.push_back(p);
  }
  return out;
}

}  // namespace

Result<domain::Catalogo> CatalogoFromDatabase(const PrepDatabase& db) {
  const Layout& L = db.layout();
  domain::Catalogo cat;
  cat.eleccion = L.eleccion;
  for (size_t col : L.vote_columns) {
    domain::VoteColumn v;
    v.name = L.columns[col].name;
    v.kind = domain::ClassifyVoteColumnName(L.columns[col].key);
    if (v.kind == domain::VoteColumnKind::kCombinacion) v.partidos = CombinationPartidos(v.name);
    if (v.kind == domain::VoteColumnKind::kPartido) cat.partidos.push_back({v.name, ""});
    cat.columns.push_back(std::move(v));
  }

  const int i_estado = L.Index(ColumnRole::kIdEstado);
  const int i_estado_nombre = L.Index(ColumnRole::kEstado);
  const int i_distrito_nombre = L.Index(ColumnRole::kDistrito);
  const int i_municipio = L.Index(ColumnRole::kIdMunicipio);
  const int i_id_casilla = L.Index(ColumnRole::kIdCasilla);
  const int i_ext = L.Index(ColumnRole::kExtContigua);
  const int i_ubicacion = L.Index(ColumnRole::kUbicacion);
  const int i_tipo_acta = L.Index(ColumnRole::kTipoActa);

  using CasillaKey = std::tuple<int, int, int, char, int, int>;
  std::map<CasillaKey, size_t> casilla_index;
  std::map<size_t, std::set<std::string>> tipos_por_casilla;
  std::map<int, std::string> distritos;

  PREP_RETURN_IF_ERROR(db.ForEachActa([&](const ActaRecord& a) -> Status {
    if (a.kind == RowKind::kFueraDeCatalogo) return Status::Ok();
    if (cat.entidad_id == 0) cat.entidad_id = IntCell(a, i_estado);
    if (cat.entidad_nombre.empty() && i_estado_nombre >= 0) {
      cat.entidad_nombre =
          std::string(NormalizeCell(a.cells[static_cast<size_t>(i_estado_nombre)]));
    }
    if (i_distrito_nombre >= 0 && !distritos.count(a.distrito)) {
      distritos[a.distrito] =
          std::string(NormalizeCell(a.cells[static_cast<size_t>(i_distrito_nombre)]));
    }
    domain::Casilla casilla;
    casilla.id.entidad = IntCell(a, i_estado);
    casilla.id.seccion = a.seccion;
    casilla.id.tipo = a.tipo_casilla.value_or(domain::TipoCasilla::kBasica);
    casilla.id.id_casilla = IntCell(a, i_id_casilla);
    casilla.id.ext_contigua = IntCell(a, i_ext);
    casilla.distrito = a.distrito;
    casilla.municipio = IntCell(a, i_municipio);
    casilla.ubicacion = IntCell(a, i_ubicacion);
    casilla.lista_nominal = a.lista_nominal;
    casilla.representantes.propietarios_locales = a.representantes;

    const std::string tipo_acta =
        i_tipo_acta >= 0 ? std::string(NormalizeCell(a.cells[static_cast<size_t>(i_tipo_acta)]))
                         : "";
    const CasillaKey key{casilla.distrito,      casilla.municipio,
                         casilla.id.seccion,    static_cast<char>(casilla.id.tipo),
                         casilla.id.id_casilla, casilla.id.ext_contigua};
    auto it = casilla_index.find(key);
    // A second acta of the same kind for the same identification is another
    // casilla whose published key repeats (contiguas from 10 on written as 01).
    if (it == casilla_index.end() || tipos_por_casilla[it->second].count(tipo_acta) > 0) {
      cat.casillas.push_back(casilla);
      it = casilla_index.insert_or_assign(key, cat.casillas.size() - 1).first;
    }
    tipos_por_casilla[it->second].insert(tipo_acta);
    domain::Acta acta;
    acta.id.casilla = cat.casillas[it->second].id;
    acta.id.tipo_acta = tipo_acta;
    if (acta.id.Clave() != a.clave_acta) acta.clave = std::string(a.clave_acta);
    acta.casilla_index = it->second;
    acta.kind = tipos_por_casilla[it->second].size() > 1
                    ? domain::ActaKind::kRepresentacionProporcional
                    : domain::ActaKind::kMayoriaRelativa;
    cat.actas.push_back(std::move(acta));
    return Status::Ok();
  }));
  for (const auto& [id, nombre] : distritos) cat.distritos.push_back({id, nombre});
  cat.RebuildIndex();
  return cat;
}

Result<std::map<int, std::vector<uint8_t>>> ColumnasPorDistrito(const PrepDatabase& db) {
  std::map<int, std::vector<uint8_t>> out;
  const size_t n = db.layout().vote_columns.size();
  PREP_RETURN_IF_ERROR(db.ForEachActa([&](const ActaRecord& a) -> Status {
    if (a.kind == RowKind::kFueraDeCatalogo) return Status::Ok();
    auto [it, nuevo] = out.try_emplace(a.distrito, n, 0);
    for (size_t k = 0; k < n && k < a.aplica.size(); ++k) it->second[k] |= a.aplica[k];
    return Status::Ok();
  }));
  return out;
}

}  // namespace prep::formats
