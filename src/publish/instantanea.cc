#include "publish/instantanea.h"

#include <algorithm>
#include <set>
#include <utility>

namespace prep::publish {
namespace {

constexpr size_t kLote = 4096;

}  // namespace

std::vector<uint8_t> ColumnasQueAplican(const Contienda& k, int distrito) {
  const domain::Catalogo& cat = k.catalogo;
  int independientes = 0;
  for (const auto& ci : cat.candidaturas_independientes) independientes += ci.distrito == distrito;
  std::set<std::string> coaliciones;
  bool hay_candidaturas = false;
  for (const auto& c : k.candidaturas) {
    if (c.distrito != distrito) continue;
    hay_candidaturas = true;
    if (!c.coalicion.empty()) coaliciones.insert(c.coalicion);
  }
  std::vector<uint8_t> aplica(cat.columns.size(), 1);
  int k_ind = 0;
  for (size_t i = 0; i < cat.columns.size(); ++i) {
    const domain::VoteColumn& col = cat.columns[i];
    if (col.kind == domain::VoteColumnKind::kCandidaturaIndependiente) {
      ++k_ind;
      // A catálogo derived from a published database knows no independientes
      // per distrito: then every column runs (as the database printed it).
      if (!cat.candidaturas_independientes.empty()) aplica[i] = k_ind <= independientes;
    } else if (col.kind == domain::VoteColumnKind::kCombinacion && hay_candidaturas) {
      bool corre = false;
      for (const auto& coal : cat.coaliciones) {
        if (!coaliciones.contains(coal.nombre)) continue;
        corre |= std::all_of(col.partidos.begin(), col.partidos.end(), [&](const std::string& p) {
          return std::find(coal.partidos.begin(), coal.partidos.end(), p) != coal.partidos.end();
        });
      }
      aplica[i] = corre;
    }
  }
  if (std::all_of(aplica.begin(), aplica.end(), [](uint8_t a) { return a == 1; })) return {};
  return aplica;
}

Instantanea::Instantanea(std::shared_ptr<const Contienda> contienda, ops::Ajustes ajustes,
                         ExtensionImagen extension)
    : contienda_(std::move(contienda)),
      ajustes_columnas_(ajustes.columnas_por_distrito),
      ops_(contienda_->catalogo, std::move(ajustes)),
      extension_(std::move(extension)) {
  for (const auto& d : contienda_->catalogo.distritos) {
    indice_distrito_[d.id] = aplica_por_distrito_.size();
    // What the operation classified with, when it says (an election derived
    // from a published database); otherwise the candidaturas decide.
    auto dadas = ajustes_columnas_.find(d.id);
    if (dadas != ajustes_columnas_.end() && !dadas->second.empty() &&
        !std::all_of(dadas->second.begin(), dadas->second.end(), [](uint8_t a) { return a; })) {
      aplica_por_distrito_.push_back(dadas->second);
    } else {
      aplica_por_distrito_.push_back(ColumnasQueAplican(*contienda_, d.id));
    }
  }
}

Status Instantanea::AvanzarHasta(store::Store& store, int64_t instante, int64_t hasta_seq) {
  auto aplicar = [&](const store::Event& e) -> Status {
    if (!ops::EsEventoDeActa(e.type)) return Status::Ok();
    const bool nueva = ops_.Buscar(e.acta) == nullptr;
    PREP_RETURN_IF_ERROR(ops_.Aplicar(e));
    if (nueva && !contienda_->catalogo.FindActa(e.acta)) fuera_de_catalogo_.push_back(e.acta);
    return Status::Ok();
  };
  if (pendiente_) {
    const bool de_acta = ops::EsEventoDeActa(pendiente_->type);
    if (pendiente_->seq > hasta_seq || (de_acta && pendiente_->at_ms > instante)) {
      return Status::Ok();
    }
    PREP_RETURN_IF_ERROR(aplicar(*pendiente_));
    pendiente_.reset();
  }
  for (;;) {
    PREP_ASSIGN_OR_RETURN(std::vector<store::Event> lote, store.Read(siguiente_seq_, kLote));
    for (store::Event& e : lote) {
      if (e.seq > hasta_seq) {
        pendiente_ = std::move(e);
        ++siguiente_seq_;
        return Status::Ok();
      }
      ++siguiente_seq_;
      // Only the workflow's events make a corte; the others (users, audit,
      // the election's own) may carry another clock's time (a simulacro's
      // users are created in real time, its night runs on a simulated one).
      if (!ops::EsEventoDeActa(e.type)) continue;
      if (e.at_ms > instante) {
        pendiente_ = std::move(e);
        return Status::Ok();
      }
      PREP_RETURN_IF_ERROR(aplicar(e));
    }
    if (lote.size() < kLote) return Status::Ok();
  }
}

std::vector<ActaPublicada> Instantanea::Actas() const {
  const domain::Catalogo& cat = contienda_->catalogo;
  std::vector<ActaPublicada> out;
  out.reserve(cat.actas.size() + fuera_de_catalogo_.size());
  auto llenar = [&](ActaPublicada& a, const ops::Expediente& x) {
    a.mecanismos_traslado = x.mecanismos_traslado;
    a.hora_acopio_ms = x.hora_acopio_ms;
    if (!x.imagenes.empty()) {
      const ops::Digitalizacion& img = x.imagenes.back();
      a.sha256 = img.sha256;
      a.origen = img.origen;
      a.digitalizacion = img.dispositivo;
      auto it = extensiones_.find(img.sha256);
      if (it == extensiones_.end()) {
        it = extensiones_.emplace(img.sha256, extension_ ? extension_(img.sha256) : "").first;
      }
      a.extension_imagen = it->second;
    }
    auto clas = ops_.Clasificacion(x.clave_acta);
    a.capturada = clas.has_value();
    if (clas) {
      a.clasificacion = *clas;
      a.votos = x.sin_acta ? std::vector<domain::CaptureValue>{} : x.valores;
      a.hora_captura_ms = x.hora_captura_ms;
      a.hora_verificacion_ms = x.hora_verificacion_ms;
      a.cotejada = x.cotejo;
      if (!x.correcciones.empty()) a.motivo_correccion = x.correcciones.back().motivo;
    }
  };
  for (size_t i = 0; i < cat.actas.size(); ++i) {
    const domain::Acta& acta = cat.actas[i];
    ActaPublicada a;
    a.acta_index = i;
    a.clave_acta = acta.clave.empty() ? acta.id.Clave() : acta.clave;
    const int distrito = cat.casillas[acta.casilla_index].distrito;
    if (auto d = indice_distrito_.find(distrito); d != indice_distrito_.end()) {
      a.aplica = aplica_por_distrito_[d->second];
    }
    if (const ops::Expediente* x = ops_.Buscar(a.clave_acta)) llenar(a, *x);
    out.push_back(std::move(a));
  }
  for (const std::string& clave : fuera_de_catalogo_) {
    ActaPublicada a;
    a.clave_acta = clave;
    if (const ops::Expediente* x = ops_.Buscar(clave)) llenar(a, *x);
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace prep::publish
