#include "publish/corte.h"

#include <utility>

#include "base/tiempo.h"

namespace prep::publish {

std::shared_ptr<const Contienda> ContiendaDe(const formats::EleccionConfig& c) {
  auto k = std::make_shared<Contienda>();
  k->catalogo = c.catalogo;
  k->catalogo.RebuildIndex();
  k->candidaturas = c.candidaturas;
  k->clave_eleccion = c.clave_eleccion;
  k->entidad_siglas = c.entidad_siglas;
  k->anio = FechaHoraLocal(c.acuerdos.inicio_publicacion_utc_ms, c.acuerdos.offset_minutos).anio;
  k->tally.participacion = c.participacion;
  k->tally.inconsistencias = c.inconsistencias;
  return k;
}

Corte ArmarCorte(CorteInfo info, std::shared_ptr<const Contienda> contienda,
                 std::vector<ActaPublicada> actas) {
  Corte c;
  c.info = std::move(info);
  c.contienda = std::move(contienda);
  c.actas = std::move(actas);
  const domain::Catalogo& cat = c.catalogo();
  for (const ActaPublicada& a : c.actas) {
    domain::ActaTallyInput in;
    in.en_catalogo = a.acta_index.has_value();
    in.capturada = a.capturada;
    in.contabilizada = a.capturada && a.clasificacion.contabilizada;
    in.observaciones = a.clasificacion.observaciones;
    in.total_votos = a.clasificacion.total_votos_calculado;
    if (!in.en_catalogo) {
      // Fuera de catálogo: counted at the entidad only; no distrito to put it in.
      c.tally.entidad.Add(in, {});
      continue;
    }
    const domain::Acta& acta = cat.actas[*a.acta_index];
    const domain::Casilla& casilla = cat.casillas[acta.casilla_index];
    in.especial = casilla.IsEspecial();
    in.lista_nominal = casilla.lista_nominal;
    c.tally.Add(casilla.distrito, casilla.id.seccion, in, a.votos);
  }
  c.resumen = domain::Summarize(c.tally.entidad.counts, c.Ajustes());
  return c;
}

}  // namespace prep::publish
