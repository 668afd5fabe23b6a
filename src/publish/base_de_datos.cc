#include "publish/base_de_datos.h"

#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>
#include <zip.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <memory>

#include "base/escritor.h"
#include "base/texto.h"
#include "base/tiempo.h"

namespace prep::publish {
namespace {

using domain::CaptureKind;
using domain::CaptureValue;
using domain::Observacion;
using domain::SummaryField;

// The results CSV is handed on in blocks of this size: deflated while the
// block is still in cache, and never whole in memory (~150 MB nationally).
constexpr size_t kBloqueCsv = size_t{256} << 10;

// ISA-L level 2: on the national CSV (141.8 MB) it deflates to 41.8 MB in
// 0.33 s, where libdeflate's level 1 (what the zip used before) took 0.64 s for
// 40.8 MB, and it streams (BENCHMARKS.md, "Publicar un corte").
constexpr uint32_t kNivelZip = 2;
constexpr size_t kBufferNivel = ISAL_DEF_LVL2_DEFAULT;
// The compressed bytes are kept in blocks of this size.
constexpr size_t kBloqueSalida = size_t{1} << 20;

struct Estilo {
  char sep = '|';
  std::string_view fin = "\n";
  bool bom = false;
  bool sep_line = true;
  bool ine = false;
};

Estilo EstiloDe(DialectoBase d) {
  if (d == DialectoBase::kIne2024) return {',', "\r", true, false, true};
  return {};
}

void Voto(Escritor& out, const CaptureValue& v) {
  switch (v.kind) {
    case CaptureKind::kCount:
      AnadirEntero(out, v.count);
      return;
    case CaptureKind::kIlegible:
      out.append("ILEGIBLE");
      return;
    case CaptureKind::kSinDato:
      out.append("SIN DATO");
      return;
  }
}

void Opcional(Escritor& out, const std::optional<int64_t>& v) {
  if (v) AnadirEntero(out, *v);
}

// A time of the acta's operation in the dialect's format; "-" (INE) or empty
// when it did not happen. Appended, not returned: three per row.
void AnadirHora(Escritor& out, int64_t ms, int offset, const Estilo& e) {
  if (ms == 0) {
    if (e.ine) out.push_back('-');
    return;
  }
  AnadirFecha(out, ms, offset, e.ine ? FormatoFecha::kDiaMesAnio : FormatoFecha::kIso);
}

std::string NombreDistrito(const domain::Catalogo& cat, int id) {
  for (const domain::Distrito& d : cat.distritos) {
    if (d.id == id && !d.cabecera.empty()) return d.cabecera;
  }
  return "DISTRITO " + std::to_string(id);
}

std::string Titulo(const Corte& c) {
  std::string t = c.catalogo().eleccion.empty() ? "ELECCION" : c.catalogo().eleccion;
  return c.info.simulacro ? "SIMULACRO - " + t : t;
}

std::string Observaciones(const ActaPublicada& a) {
  if (!a.acta_index) return "Fuera de catálogo";
  if (!a.capturada) return "";
  return a.clasificacion.observaciones.ToString(a.clasificacion.sin_acta_motivo);
}

}  // namespace

std::optional<DialectoBase> DialectoDesdeNombre(std::string_view nombre) {
  if (nombre == "ieqroo2019") return DialectoBase::kIeqroo2019;
  if (nombre == "ine2024") return DialectoBase::kIne2024;
  return std::nullopt;
}

std::string_view NombreDialecto(DialectoBase d) {
  return d == DialectoBase::kIne2024 ? "ine2024" : "ieqroo2019";
}

NombresBase NombresDe(const Corte& corte) {
  const Contienda& k = *corte.contienda;
  NombresBase n;
  // Appended, not `"_" + to_string(...)`: GCC 12 reports a false -Wrestrict on the latter.
  std::string anio;
  if (k.anio > 0) anio.append("_").append(std::to_string(k.anio));
  n.zip = corte.info.id + "_PREP_" + k.clave_eleccion + "_" + k.entidad_siglas + ".zip";
  n.resultados = k.entidad_siglas + "_" + k.clave_eleccion + anio + ".csv";
  n.candidaturas = k.entidad_siglas + "_" + k.clave_eleccion + "_CANDIDATURAS" + anio + ".csv";
  return n;
}

void ResultadosCsv(const Corte& corte, DialectoBase dialecto,
                   const std::function<void(std::string_view)>& bloque) {
  const Estilo e = EstiloDe(dialecto);
  const domain::Catalogo& cat = corte.catalogo();
  const int offset = corte.info.offset_minutos;
  // Room for a block and a row, allocated once (a longer row would grow it);
  // a block is still in cache when it is deflated.
  Escritor out(kBloqueCsv + 4096 + 16 * cat.columns.size());
  const auto fin = [&] { out.append(e.fin); };
  const auto sep = [&] { out.push_back(e.sep); };
  if (e.bom) out.append("\xEF\xBB\xBF");
  if (e.sep_line) {
    out.append("sep=");
    out.push_back(e.sep);
    fin();
  }
  AnadirCampoCsv(out, Titulo(corte), e.sep);
  fin();
  out.append(FormatearFecha(corte.info.instante_utc_ms, offset,
                            e.ine ? FormatoFecha::kCorteIne : FormatoFecha::kCorteQroo));
  out.push_back(' ');
  out.append(EtiquetaOffset(offset));
  fin();
  if (e.ine) fin();
  for (int i = 0; i < domain::kSummaryFieldCount; ++i) {
    if (i > 0) sep();
    out.append(domain::SummaryFieldName(static_cast<SummaryField>(i)));
  }
  fin();
  for (int i = 0; i < domain::kSummaryFieldCount; ++i) {
    if (i > 0) sep();
    out.append(corte.resumen.Format(static_cast<SummaryField>(i)));
  }
  fin();
  fin();

  // Column header.
  const std::vector<std::string_view> antes = {"CLAVE_CASILLA",
                                               "CLAVE_ACTA",
                                               e.ine ? "ID_ENTIDAD" : "ID_ESTADO",
                                               e.ine ? "ENTIDAD" : "ESTADO",
                                               e.ine ? "ID_DISTRITO_LOCAL" : "ID_DISTRITO",
                                               e.ine ? "DISTRITO_LOCAL" : "DISTRITO",
                                               "SECCION",
                                               "ID_CASILLA",
                                               "TIPO_CASILLA",
                                               "EXT_CONTIGUA",
                                               "UBICACION_CASILLA",
                                               "TIPO_ACTA",
                                               "TOTAL_BOLETAS_SOBRANTES",
                                               "TOTAL_PERSONAS_VOTARON",
                                               "TOTAL_REP_PARTIDO_CI_VOTARON",
                                               "TOTAL_VOTOS_SACADOS"};
  const std::vector<std::string_view> despues = {"TOTAL_VOTOS_ASENTADO",
                                                 "TOTAL_VOTOS_CALCULADO",
                                                 "LISTA_NOMINAL",
                                                 "REPRESENTANTES_PP_CI",
                                                 "OBSERVACIONES",
                                                 "CONTABILIZADA",
                                                 "MECANISMOS_TRASLADO",
                                                 e.ine ? "CODIGO_INTEGRIDAD" : "SHA",
                                                 "FECHA_HORA_ACOPIO",
                                                 "FECHA_HORA_CAPTURA",
                                                 "FECHA_HORA_VERIFICACION",
                                                 "ORIGEN",
                                                 "DIGITALIZACION",
                                                 "TIPO_DOCUMENTO",
                                                 "COTEJADA"};
  bool primero = true;
  for (auto n : antes) {
    if (!primero) sep();
    primero = false;
    out.append(n);
  }
  for (const auto& c : cat.columns) {
    sep();
    AnadirCampoCsv(out, c.name, e.sep);
  }
  for (auto n : despues) {
    sep();
    out.append(n);
  }
  fin();

  // Names as CSV cells, computed once, not per row.
  std::vector<std::string> distritos;  // by id
  std::string entidad_csv;
  AnadirCampoCsv(entidad_csv, cat.entidad_nombre, e.sep);
  // The observaciones of a captured acta as a CSV cell, per (set, motivo):
  // a few dozen texts for hundreds of thousands of rows.
  std::map<int, std::string> observaciones;
  const auto celda_observaciones = [&](const domain::Classification& c) -> const std::string& {
    const int clave = c.observaciones.bits() * 8 + static_cast<int>(c.sin_acta_motivo);
    auto it = observaciones.find(clave);
    if (it == observaciones.end()) {
      std::string celda;
      AnadirCampoCsv(celda, c.observaciones.ToString(c.sin_acta_motivo), e.sep);
      it = observaciones.emplace(clave, std::move(celda)).first;
    }
    return it->second;
  };
  // MECANISMOS_TRASLADO to DIGITALIZACION: what the operation recorded, the
  // same for actas in and out of the catálogo (only the empty SHA differs).
  auto registro = [&](const ActaPublicada& a, std::string_view sha) {
    AnadirCampoCsv(out, a.mecanismos_traslado, e.sep);
    sep();
    out.append(sha);
    for (int64_t ms : {a.hora_acopio_ms, a.hora_captura_ms, a.hora_verificacion_ms}) {
      sep();
      AnadirHora(out, ms, offset, e);
    }
    sep();
    out.append(a.origen);
    sep();
    out.append(a.digitalizacion);
  };
  const auto fila = [&](const ActaPublicada& a) {
    const std::string_view q1 = e.ine ? "'" : "=\"";
    const std::string_view q2 = e.ine ? "'" : "\"";
    if (!a.acta_index) {
      // Fuera de catálogo: only what was registered is known.
      out.append("-");
      sep();
      AnadirCampoCsv(out, a.clave_acta.empty() ? "-" : a.clave_acta, e.sep);
      for (size_t i = 2; i < antes.size(); ++i) {
        sep();
        out.append("-");
      }
      for (size_t i = 0; i < cat.columns.size(); ++i) {
        sep();
        out.append("-");
      }
      sep();
      out.append("-");  // asentado
      sep();
      out.append("-");  // calculado
      sep();
      out.append("-");  // lista nominal
      sep();
      out.append("-");  // representantes
      sep();
      AnadirCampoCsv(out, Observaciones(a), e.sep);
      sep();
      out.append("2");
      sep();
      registro(a, a.sha256);
      sep();
      AnadirCampoCsv(out, a.tipo_documento, e.sep);
      sep();
      fin();
      return;
    }
    const domain::Acta& acta = cat.actas[*a.acta_index];
    const domain::Casilla& casilla = cat.casillas[acta.casilla_index];
    const bool sin_acta = a.capturada && a.clasificacion.observaciones.Has(Observacion::kSinActa);
    out.append(q1);
    out.append(casilla.id.Clave());
    out.append(q2);
    sep();
    const std::string clave = acta.clave.empty() ? acta.id.Clave() : acta.clave;
    if (e.ine) out.append(q1);
    out.append(clave);
    if (e.ine) out.append(q2);
    sep();
    AnadirEntero(out, cat.entidad_id);
    sep();
    out.append(entidad_csv);
    sep();
    AnadirEntero(out, casilla.distrito);
    sep();
    if (static_cast<size_t>(casilla.distrito) >= distritos.size()) {
      distritos.resize(static_cast<size_t>(casilla.distrito) + 1);
    }
    std::string& dn = distritos[static_cast<size_t>(casilla.distrito)];
    if (dn.empty()) AnadirCampoCsv(dn, NombreDistrito(cat, casilla.distrito), e.sep);
    out.append(dn);
    sep();
    AnadirEntero(out, casilla.id.seccion);
    sep();
    AnadirEntero(out, casilla.id.id_casilla);
    sep();
    out.push_back(static_cast<char>(casilla.id.tipo));
    sep();
    AnadirEntero(out, casilla.id.ext_contigua);
    sep();
    AnadirEntero(out, casilla.ubicacion);
    sep();
    out.append(acta.id.tipo_acta);
    // Boletas block.
    for (const auto* v :
         {&a.boletas_sobrantes, &a.personas_votaron, &a.representantes_votaron, &a.votos_sacados}) {
      sep();
      if (!a.capturada) {
        out.append("-");
      } else if (sin_acta) {
        out.append(e.ine ? "Sin acta" : "0");
      } else {
        Opcional(out, *v);
      }
    }
    for (size_t k = 0; k < cat.columns.size(); ++k) {
      sep();
      if (k < a.aplica.size() && a.aplica[k] == 0) {
        out.append("-");
      } else if (!a.capturada) {
        out.append("-");
      } else if (sin_acta) {
        out.append(e.ine ? "Sin acta" : "0");
      } else if (k < a.votos.size()) {
        Voto(out, a.votos[k]);
      }
    }
    sep();
    if (!a.capturada) {
      out.append("-");
    } else if (sin_acta) {
      out.append(e.ine ? "Sin acta" : "0");
    } else if (a.total_votos_asentado) {
      Voto(out, *a.total_votos_asentado);
    }
    sep();
    if (a.capturada) {
      AnadirEntero(out, a.clasificacion.total_votos_calculado);
    } else {
      out.append("-");
    }
    sep();
    AnadirEntero(out, casilla.lista_nominal);
    sep();
    AnadirEntero(out, casilla.representantes.Total());
    sep();
    if (a.capturada) out.append(celda_observaciones(a.clasificacion));
    sep();
    if (a.capturada) {
      out.push_back(a.clasificacion.contabilizada ? '1' : '0');
    } else {
      out.append("-");
    }
    sep();
    registro(a, a.sha256.empty() && e.ine ? "-" : a.sha256);
    sep();
    if (a.capturada && !sin_acta) AnadirCampoCsv(out, a.tipo_documento, e.sep);
    sep();
    if (a.cotejada) AnadirEntero(out, *a.cotejada);
    fin();
  };
  for (const ActaPublicada& a : corte.actas) {
    fila(a);
    if (out.size() >= kBloqueCsv) {
      bloque(out.Vista());
      out.Vaciar();
    }
  }
  if (out.size() > 0) bloque(out.Vista());
}

std::string ResultadosCsv(const Corte& corte, DialectoBase dialecto) {
  std::string todo;
  ResultadosCsv(corte, dialecto, [&](std::string_view b) { todo.append(b); });
  return todo;
}

std::string CandidaturasCsv(const Corte& corte, DialectoBase dialecto) {
  const Estilo e = EstiloDe(dialecto);
  const Contienda& k = *corte.contienda;
  const domain::Catalogo& cat = k.catalogo;
  std::string out;
  if (e.bom) out.append("\xEF\xBB\xBF");
  const char s = ',';  // IEQROO and INE both publish the candidaturas comma-separated
  out.append(e.ine ? "ID_ENTIDAD,ID_DISTRITO_LOCAL,PARTIDO_CI,CANDIDATURA_PROPIETARIA,"
                     "CANDIDATURA_SUPLENTE"
                   : "ID_ESTADO,ID_DISTRITO_LOCAL,PARTIDO_CI,CANDIDATURA_PROPIETARIA,"
                     "CANDIDATURA_SUPLENTE");
  out.append(e.fin);
  std::map<int, int> independientes;  // distrito -> how many listed so far
  for (const formats::Candidatura& c : k.candidaturas) {
    std::vector<std::string> quien;
    if (!c.partido.empty()) {
      quien.push_back(c.partido);
    } else if (!c.coalicion.empty()) {
      // Every partido of the coalición postulates the same person (INE 2023 lists them so).
      for (const domain::Coalicion& co : cat.coaliciones) {
        if (co.nombre == c.coalicion) quien = co.partidos;
      }
    } else if (c.independiente) {
      quien.push_back("CAND_IND_" + std::to_string(++independientes[c.distrito]));
    }
    for (const std::string& q : quien) {
      AnadirEntero(out, cat.entidad_id);
      out.push_back(s);
      AnadirEntero(out, c.distrito);
      out.push_back(s);
      AnadirCampoCsv(out, q, s);
      out.push_back(s);
      AnadirCampoCsv(out, c.propietario, s);
      out.push_back(s);
      AnadirCampoCsv(out, c.suplente, s);
      out.append(e.fin);
    }
  }
  return out;
}

std::string Leeme(const Corte& corte, DialectoBase dialecto) {
  const Estilo e = EstiloDe(dialecto);
  const Contienda& k = *corte.contienda;
  const domain::Catalogo& cat = k.catalogo;
  const NombresBase n = NombresDe(corte);
  const char* sep_nombre = e.sep == '|' ? "barra vertical (|)" : "coma (,)";
  std::string t;
  auto l = [&](std::string_view s = "") {
    t.append(s);
    t.append("\r\n");
  };
  if (corte.info.simulacro) {
    l("*** SIMULACRO: ESTOS DATOS NO SON RESULTADOS REALES ***");
    l();
  }
  l("PROGRAMA DE RESULTADOS ELECTORALES PRELIMINARES (PREP)");
  l(Titulo(corte) + " - " + cat.entidad_nombre);
  l("Corte de información: " +
    FormatearFecha(corte.info.instante_utc_ms, corte.info.offset_minutos,
                   e.ine ? FormatoFecha::kCorteIne : FormatoFecha::kCorteQroo) +
    " " + EtiquetaOffset(corte.info.offset_minutos) + (corte.info.final ? " (corte final)" : ""));
  l();
  l("A. CONTENIDO DEL ARCHIVO ZIP");
  l();
  l("El PREP permite la descarga de la base de datos a través de un archivo zip que contiene los");
  l("archivos de resultados, en formato CSV, la descripción de las variables (LEÉME) y el "
    "catálogo");
  l("de candidaturas.");
  l();
  l("B. NOMBRES DE LOS ARCHIVOS");
  l();
  l("  " + n.resultados + "   resultados por acta y bloque de resumen");
  l("  " + n.candidaturas + "   candidaturas por distrito y partido o candidatura independiente");
  l("  " + n.leeme + "   este documento");
  l();
  l("Codificación UTF-8" + std::string(e.bom ? " con BOM" : "") + "; campos separados por " +
    sep_nombre + "; fin de línea " + (e.ine ? "CR" : "LF") + ".");
  if (e.sep_line) l("La primera línea (sep=|) indica el separador a las hojas de cálculo.");
  l("Los porcentajes se expresan con cuatro decimales; el decimal de la cuarta posición es");
  l("truncado y no redondeado.");
  l();
  l("C. DESCRIPCIÓN DE LOS ARCHIVOS DE RESULTADOS");
  l();
  l("C.a Encabezado: nombre de la elección, fecha y hora del corte con su desfase respecto de "
    "UTC,");
  l("y el bloque de resumen:");
  l();
  const char* resumen[][2] = {
      {"ACTAS_ESPERADAS",
       "Número de actas de todas las casillas aprobadas (catálogo de actas esperadas)."},
      {"ACTAS_REGISTRADAS",
       "Actas asentadas en el sistema al momento del corte, contabilizadas o no; incluye las "
       "actas fuera de catálogo."},
      {"ACTAS_FUERA_CATALOGO",
       "Actas cuyos datos de identificación no corresponden a un acta esperada."},
      {"ACTAS_CAPTURADAS",
       "Actas registradas que están en el catálogo de actas esperadas, contabilizadas o no "
       "(incluye las registradas sin acta)."},
      {"PORCENTAJE_ACTAS_CAPTURADAS", "Actas capturadas respecto de las actas esperadas."},
      {"ACTAS_CONTABILIZADAS",
       "Actas capturadas cuyos datos se suman a los resultados (ver OBSERVACIONES)."},
      {"PORCENTAJE_ACTAS_CONTABILIZADAS", "Actas contabilizadas respecto de las actas esperadas."},
      {"PORCENTAJE_ACTAS_INCONSISTENCIAS",
       "Actas con inconsistencias respecto de las actas esperadas."},
      {"ACTAS_NO_CONTABILIZADAS", "Actas capturadas que no se contabilizan."},
      {"LISTA_NOMINAL_ACTAS_CONTABILIZADAS",
       "Ciudadanos con derecho a votar en las casillas de las actas contabilizadas."},
      {"TOTAL_VOTOS_C_CS",
       "Suma de los votos de las actas contabilizadas, con las casillas especiales."},
      {"TOTAL_VOTOS_S_CS",
       "Suma de los votos de las actas contabilizadas, sin las casillas especiales."},
      {"PORCENTAJE_PARTICIPACION_CIUDADANA",
       "Ciudadanos que votaron respecto de la lista nominal de las actas contabilizadas; durante "
       "la operación sin los votos de casillas especiales, que se consideran en el último "
       "corte."},
  };
  for (const auto& r : resumen) {
    l(std::string("  ") + r[0]);
    l(std::string("      ") + r[1]);
  }
  l();
  l("C.b Una fila por acta, con las columnas siguientes:");
  l();
  int num = 0;
  auto col = [&](std::string_view nombre, std::string_view desc) {
    l("  " + std::to_string(++num) + ". " + std::string(nombre));
    l("      " + std::string(desc));
  };
  col("CLAVE_CASILLA", "Clave de la casilla: entidad, sección, tipo, número y extensión contigua.");
  col("CLAVE_ACTA", "Clave del acta: la de la casilla seguida del tipo de acta.");
  col(e.ine ? "ID_ENTIDAD" : "ID_ESTADO", "Identificador de la entidad federativa.");
  col(e.ine ? "ENTIDAD" : "ESTADO", "Nombre de la entidad federativa.");
  col(e.ine ? "ID_DISTRITO_LOCAL" : "ID_DISTRITO", "Número del distrito electoral local.");
  col(e.ine ? "DISTRITO_LOCAL" : "DISTRITO", "Nombre (cabecera) del distrito electoral local.");
  col("SECCION", "Sección electoral de la casilla.");
  col("ID_CASILLA", "Número de la casilla.");
  col("TIPO_CASILLA", "B básica, C contigua, E extraordinaria, S especial.");
  col("EXT_CONTIGUA", "Número de casilla contigua a una extraordinaria.");
  col("UBICACION_CASILLA", "1 urbana, 2 no urbana.");
  col("TIPO_ACTA",
      "Tipo de acta: mayoría relativa o, en casilla especial, representación "
      "proporcional.");
  col("TOTAL_BOLETAS_SOBRANTES", "Total de boletas no usadas y canceladas.");
  col("TOTAL_PERSONAS_VOTARON", "Total de personas que votaron.");
  col("TOTAL_REP_PARTIDO_CI_VOTARON",
      "Representantes de partidos y candidaturas independientes que votaron en la casilla.");
  col("TOTAL_VOTOS_SACADOS", "Total de votos sacados de la urna.");
  for (const domain::VoteColumn& c : cat.columns) {
    std::string d;
    switch (c.kind) {
      case domain::VoteColumnKind::kPartido: {
        d = "Número de votos para el partido " + c.name;
        for (const domain::Partido& p : cat.partidos) {
          if (p.siglas == c.name && !p.nombre.empty()) d = "Número de votos para " + p.nombre;
        }
        d += ".";
        break;
      }
      case domain::VoteColumnKind::kCombinacion: {
        d = "Número de votos para la combinación de partidos";
        for (size_t i = 0; i < c.partidos.size(); ++i) d += (i ? ", " : " ") + c.partidos[i];
        d += " de la coalición (\"-\" donde no participan en coalición).";
        break;
      }
      case domain::VoteColumnKind::kCandidaturaIndependiente:
        d = "Número de votos para la candidatura independiente registrada con este número en "
            "el distrito (ver " +
            n.candidaturas + "; \"-\" donde no hay).";
        break;
      case domain::VoteColumnKind::kNoRegistrados:
        d = "Número de votos para candidaturas no registradas.";
        break;
      case domain::VoteColumnKind::kNulos:
        d = "Número de votos nulos.";
        break;
    }
    col(c.name, d);
  }
  col("TOTAL_VOTOS_ASENTADO", "Total de votos asentado en el acta por los funcionarios.");
  col("TOTAL_VOTOS_CALCULADO",
      "Suma que realiza el sistema de los votos de todas las columnas anteriores; ILEGIBLE y "
      "SIN DATO suman cero.");
  col("LISTA_NOMINAL", "Ciudadanos en la lista nominal de la casilla (0 en casillas especiales).");
  col("REPRESENTANTES_PP_CI",
      "Representantes de partidos y candidaturas independientes acreditados (precargado).");
  col("OBSERVACIONES",
      "Ilegible / Sin dato (algún campo; el acta se contabiliza); Excede Lista Nominal (no se "
      "contabiliza); Todos los campos ilegibles, Todos los campos vacíos o Todos ilegibles o "
      "sin dato (no se contabiliza); Sin acta con su motivo (no se contabiliza); Fuera de "
      "catálogo. Varias se separan con coma.");
  col("CONTABILIZADA",
      "1 contabilizada; 0 no contabilizada (la razón está en OBSERVACIONES); 2 "
      "fuera de catálogo; \"-\" aún no capturada.");
  col("MECANISMOS_TRASLADO",
      "D dispositivo de apoyo para el traslado; F e I centros de recepción y traslado fijos e "
      "itinerantes; vacío si no se usó ninguno.");
  col(e.ine ? "CODIGO_INTEGRIDAD" : "SHA",
      "SHA-256 de la imagen del acta digitalizada, en hexadecimal; sha256sum del archivo de la "
      "imagen debe dar este valor.");
  const std::string formato_hora = e.ine ? "dd/mm/aaaa hh:mm:ss" : "aaaa-mm-dd hh:mm:ss";
  col("FECHA_HORA_ACOPIO", "Recepción del sobre PREP en el CATD (" + formato_hora +
                               ", hora local " + EtiquetaOffset(corte.info.offset_minutos) + ").");
  col("FECHA_HORA_CAPTURA", "Captura de los datos del acta (mismo formato).");
  col("FECHA_HORA_VERIFICACION", "Verificación de los datos capturados (mismo formato).");
  col("ORIGEN", "CASILLA: digitalizada en la casilla; CATD: digitalizada en el CATD.");
  col("DIGITALIZACION", "MOVIL o ESCANER.");
  col("TIPO_DOCUMENTO", "Documento del que se tomaron los datos (ACTA PREP, ...).");
  col("COTEJADA", "1 aceptada, 2 cotejada después de modificada, 3 cotejada sin aceptar.");
  return t;
}

Desinflado::Desinflado(std::string nombre)
    : nombre_(std::move(nombre)),
      z_(std::make_unique<isal_zstream>()),
      nivel_(std::make_unique_for_overwrite<uint8_t[]>(kBufferNivel)) {
  isal_deflate_init(z_.get());
  z_->level = kNivelZip;
  z_->level_buf = nivel_.get();
  z_->level_buf_size = kBufferNivel;
}

Desinflado::~Desinflado() = default;
Desinflado::Desinflado(Desinflado&&) noexcept = default;
Desinflado& Desinflado::operator=(Desinflado&&) noexcept = default;

void Desinflado::Desinflar(std::string_view texto, bool fin) {
  // ISA-L takes 32-bit lengths: a larger piece goes in slices.
  constexpr size_t kMaxTrozo = size_t{1} << 30;
  do {
    const size_t n = std::min(texto.size(), kMaxTrozo);
    z_->next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(texto.data()));
    z_->avail_in = static_cast<uint32_t>(n);
    z_->end_of_stream = fin && n == texto.size() ? 1 : 0;
    texto.remove_prefix(n);
    // Until the piece is consumed (and, at the end, the stream closed), with
    // room for at least a block's worth of output each time.
    while (z_->avail_in > 0 || (z_->end_of_stream && z_->internal_state.state != ZSTATE_END)) {
      if (bloques_.empty() || usado_ == kBloqueSalida) {
        bloques_.push_back(std::make_unique_for_overwrite<char[]>(kBloqueSalida));
        usado_ = 0;
      }
      z_->next_out = reinterpret_cast<uint8_t*>(bloques_.back().get() + usado_);
      z_->avail_out = static_cast<uint32_t>(kBloqueSalida - usado_);
      const int r = isal_deflate(z_.get());
      const size_t escritos = kBloqueSalida - usado_ - z_->avail_out;
      usado_ += escritos;
      comprimido_bytes_ += escritos;
      if (r != COMP_OK) {
        error_ = Status::Internal(nombre_ + ": deflate failed (ISA-L " + std::to_string(r) + ")");
        return;
      }
    }
  } while (!texto.empty());
}

void Desinflado::Anadir(std::string_view texto) {
  if (!error_.ok() || terminado_ || texto.empty()) return;
  crc_ = crc32_gzip_refl(crc_, reinterpret_cast<const uint8_t*>(texto.data()), texto.size());
  tamano_ += texto.size();
  Desinflar(texto, false);
}

Status Desinflado::Terminar() {
  if (!terminado_ && error_.ok()) Desinflar({}, true);
  terminado_ = true;
  return error_;
}

size_t Desinflado::Leer(size_t desde, char* destino, size_t n) const {
  n = std::min(n, comprimido_bytes_ - std::min(desde, comprimido_bytes_));
  for (size_t hecho = 0; hecho < n;) {
    const size_t i = (desde + hecho) / kBloqueSalida;
    const size_t en = (desde + hecho) % kBloqueSalida;
    const size_t k = std::min(n - hecho, kBloqueSalida - en);
    std::memcpy(destino + hecho, bloques_[i].get() + en, k);
    hecho += k;
  }
  return n;
}

Desinflado Desinflar(std::string nombre, std::string_view contenido) {
  Desinflado d(std::move(nombre));
  d.Anadir(contenido);
  return d;
}

namespace {

// What libzip reads of an entry deflated beforehand: a source whose stat says
// "deflated, this CRC, these sizes", so libzip copies the bytes as they are,
// as it does for an entry taken from another archive.
struct Fuente {
  const Desinflado* d = nullptr;
  size_t leido = 0;
  zip_error_t error{};  // always "no error": reading from memory cannot fail
};

zip_int64_t FuenteDesinflada(void* estado, void* datos, zip_uint64_t n, zip_source_cmd_t cmd) {
  auto* f = static_cast<Fuente*>(estado);
  switch (cmd) {
    case ZIP_SOURCE_OPEN:
      f->leido = 0;
      return 0;
    case ZIP_SOURCE_READ: {
      const size_t k = f->d->Leer(f->leido, static_cast<char*>(datos), n);
      f->leido += k;
      return static_cast<zip_int64_t>(k);
    }
    case ZIP_SOURCE_CLOSE:
      return 0;
    case ZIP_SOURCE_STAT: {
      if (n < sizeof(zip_stat_t)) return -1;
      auto* st = static_cast<zip_stat_t*>(datos);
      zip_stat_init(st);
      st->valid = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD | ZIP_STAT_CRC |
                  ZIP_STAT_ENCRYPTION_METHOD;
      st->size = f->d->tamano();
      st->comp_size = f->d->comprimido_bytes();
      st->comp_method = ZIP_CM_DEFLATE;
      st->encryption_method = ZIP_EM_NONE;
      st->crc = f->d->crc();
      return sizeof(zip_stat_t);
    }
    case ZIP_SOURCE_ERROR:
      return zip_error_to_data(&f->error, datos, n);
    case ZIP_SOURCE_FREE:
      return 0;
    case ZIP_SOURCE_SUPPORTS:
      return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
                                            ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE,
                                            ZIP_SOURCE_SUPPORTS, -1);
    default:
      return -1;
  }
}

}  // namespace

Status EscribirZip(const std::string& ruta, std::vector<Desinflado>& entradas,
                   int64_t instante_utc_ms, int offset_minutos) {
  for (Desinflado& d : entradas) PREP_RETURN_IF_ERROR(d.Terminar());
  std::remove(ruta.c_str());
  // They live until zip_close has read them.
  std::vector<Fuente> fuentes(entradas.size());
  for (size_t i = 0; i < entradas.size(); ++i) {
    fuentes[i].d = &entradas[i];
    zip_error_init(&fuentes[i].error);
  }
  int err = 0;
  zip_t* za = zip_open(ruta.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  if (za == nullptr)
    return Status::IoError(ruta + ": cannot create zip (libzip error " + std::to_string(err) + ")");
  // Zip entries carry local DOS times: the corte's local time, fixed.
  const time_t mtime = static_cast<time_t>((instante_utc_ms / 1000) + offset_minutos * 60);
  for (size_t i = 0; i < entradas.size(); ++i) {
    const std::string& nombre = entradas[i].nombre();
    zip_source_t* src = zip_source_function(za, FuenteDesinflada, &fuentes[i]);
    if (src == nullptr) {
      zip_discard(za);
      return Status::IoError(ruta + ": " + nombre + ": " + zip_strerror(za));
    }
    const zip_int64_t idx = zip_file_add(za, nombre.c_str(), src, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
      zip_source_free(src);
      const std::string why = zip_strerror(za);
      zip_discard(za);
      return Status::IoError(ruta + ": " + nombre + ": " + why);
    }
    zip_file_set_mtime(za, static_cast<zip_uint64_t>(idx), mtime, 0);
  }
  if (zip_close(za) != 0) {
    const std::string why = zip_strerror(za);
    zip_discard(za);
    return Status::IoError(ruta + ": cannot write zip: " + why);
  }
  return Status::Ok();
}

Status EscribirZip(const std::string& ruta, const std::vector<EntradaZip>& entradas,
                   int64_t instante_utc_ms, int offset_minutos) {
  std::vector<Desinflado> desinflados;
  desinflados.reserve(entradas.size());
  for (const EntradaZip& e : entradas) desinflados.push_back(Desinflar(e.nombre, e.contenido));
  return EscribirZip(ruta, desinflados, instante_utc_ms, offset_minutos);
}

}  // namespace prep::publish
