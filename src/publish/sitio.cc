#include "publish/sitio.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <map>
#include <string_view>
#include <utility>

#include "base/escritor.h"
#include "base/texto.h"
#include "base/tiempo.h"
#include "domain/trunc4.h"
#include "publish/base_de_datos.h"

namespace prep::publish {
namespace {

using namespace std::string_view_literals;

using domain::SummaryBlock;
using F = domain::SummaryField;

// ── Appending text, numbers and times ────────────────────────────────────────

// With thousands separators as Mexico writes them: 1,187,254.
void Numero(Escritor& out, int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof(buf), v);
  const char* p = buf;
  char con_comas[32];
  char* q = con_comas;
  if (*p == '-') *q++ = *p++;
  const int digitos = static_cast<int>(r.ptr - p);
  for (int i = 0; i < digitos; ++i) {
    if (i > 0 && (digitos - i) % 3 == 0) *q++ = ',';
    *q++ = p[i];
  }
  out.append(con_comas, q);
}

// "95.0842%": the trunc4 value, as the database prints it.
void Porcentaje(Escritor& out, domain::Percent4 p) {
  AnadirEntero(out, p.ten_thousandths / 10000);
  out.push_back('.');
  AnadirRelleno(out, p.ten_thousandths % 10000, 4);
  out.push_back('%');
}

// A count with its machine-readable value, for readers that compare the page
// with the database (INE's own site tests do).
void Dato(Escritor& out, int64_t v) {
  out += "<data value=\""sv;
  AnadirEntero(out, v);
  out += "\">"sv;
  Numero(out, v);
  out += "</data>"sv;
}

// A time a reader and a program can both read: <time datetime="ISO 8601">18/10/2020 20:20
// (UTC-5)</time>.
template <class Salida>
void Momento(Salida& out, int64_t utc_ms, int offset_minutos) {
  out += "<time datetime=\""sv;
  out += FormatearFecha(utc_ms, offset_minutos, FormatoFecha::kIso8601);
  out += "\">"sv;
  out += FormatearFecha(utc_ms, offset_minutos, FormatoFecha::kCorteIne);
  out.push_back(' ');
  out += EtiquetaOffset(offset_minutos);
  out += "</time>"sv;
}

// Configuration names come in capitals (COAHUILA, DIPUTACIONES LOCALES);
// a page reads better in ordinary case. Handles ASCII and the two-byte UTF-8
// capitals of Spanish (Á..Ý, Ñ); anything already in mixed case is kept.
bool TodoMayusculas(std::string_view s) {
  for (char c : s) {
    if (c >= 'a' && c <= 'z') return false;
  }
  return true;
}

std::string Minusculas(std::string_view s) {
  std::string r(s);
  for (size_t i = 0; i < r.size(); ++i) {
    const auto c = static_cast<unsigned char>(r[i]);
    if (c >= 'A' && c <= 'Z') {
      r[i] = static_cast<char>(c + 32);
    } else if (c == 0xC3 && i + 1 < r.size()) {
      const auto d = static_cast<unsigned char>(r[i + 1]);
      if (d >= 0x80 && d <= 0x9E && d != 0x97) r[i + 1] = static_cast<char>(d + 32);
      ++i;
    }
  }
  return r;
}

void MayusculaInicial(std::string& palabra) {
  if (palabra.empty()) return;
  const auto c = static_cast<unsigned char>(palabra[0]);
  if (c >= 'a' && c <= 'z') {
    palabra[0] = static_cast<char>(c - 32);
  } else if (c == 0xC3 && palabra.size() > 1) {
    const auto d = static_cast<unsigned char>(palabra[1]);
    if (d >= 0xA0 && d <= 0xBE && d != 0xB7) palabra[1] = static_cast<char>(d - 32);
  }
}

// "QUINTANA ROO" -> "Quintana Roo", "COAHUILA DE ZARAGOZA" -> "Coahuila de Zaragoza".
std::string NombrePropio(std::string_view s) {
  if (!TodoMayusculas(s)) return std::string(s);
  static constexpr std::array<std::string_view, 7> kMenores = {"de",  "del", "la", "las",
                                                               "los", "y",   "e"};
  std::string r;
  std::string palabra;
  const std::string bajo = Minusculas(s);
  auto cerrar = [&] {
    if (r.empty() || std::find(kMenores.begin(), kMenores.end(), palabra) == kMenores.end()) {
      MayusculaInicial(palabra);
    }
    r += palabra;
    palabra.clear();
  };
  for (char c : bajo) {
    if (c == ' ') {
      cerrar();
      r.push_back(' ');
    } else {
      palabra.push_back(c);
    }
  }
  cerrar();
  return r;
}

// "DIPUTACIONES LOCALES" -> "Diputaciones locales".
std::string NombreComun(std::string_view s) {
  if (!TodoMayusculas(s)) return std::string(s);
  std::string r = Minusculas(s);
  MayusculaInicial(r);
  return r;
}

// Checked for every acta of every page: no early exit, so the loop is branch-free.
bool EsHex64(std::string_view s) {
  if (s.size() != 64) return false;
  bool hex = true;
  for (char c : s) hex &= (c >= '0' && c <= '9') | (c >= 'a' && c <= 'f');
  return hex;
}

bool EsExtension(std::string_view s) {
  if (s.empty() || s.size() > 5) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
}

// ── What the pages are made of ───────────────────────────────────────────────

// One vote column as a page names it; the names of candidaturas
// independientes depend on the distrito, so each distrito has its own.
struct Etiqueta {
  std::string corta;  // escaped: "PAN", "PAN-PRD", the candidate's name
  std::string larga;  // escaped, may be empty: "Partido Acción Nacional"
};

// One row of a votes chart and table.
struct FilaVotos {
  std::string_view corta;  // escaped
  std::string_view larga;  // escaped, may be empty
  int64_t votos = 0;
  bool otra = false;  // nulos and no registrados: not an option one votes for
};

// A candidatura as the "por candidatura" chart shows it: a coalición adds the
// votes of its partidos and of all their combinations where it runs.
struct GrupoCandidatura {
  std::string corta;          // escaped
  std::string larga;          // escaped
  std::string clave_entidad;  // escaped; the row it adds to at the entidad
  std::vector<size_t> columnas;
  bool otra = false;
};

// A row of the "por candidatura" chart of the entidad: the sum over distritos.
struct CandidaturaEntidad {
  std::string corta;  // escaped
  std::string larga;  // escaped
  int64_t votos = 0;
  bool otra = false;
  size_t primera_columna = 0;  // for the order of the rows
};

struct DistritoSitio {
  int id = 0;
  std::string cabecera;                  // escaped
  std::vector<uint8_t> aplica;           // per vote column: runs in this distrito
  std::vector<Etiqueta> etiquetas;       // per vote column
  std::vector<size_t> secciones;         // into Contexto::secciones
  std::vector<GrupoCandidatura> grupos;  // the candidaturas that run here, in ballot order
  // The head of its secciones' acta tables (its columns), made once, not per sección.
  std::string thead_actas;
  const domain::LevelTally* tally = nullptr;
  SummaryBlock resumen;
};

struct SeccionSitio {
  int seccion = 0;
  int distrito = 0;
  size_t distrito_pos = 0;    // into Contexto::distritos
  std::vector<size_t> actas;  // into Corte::actas, in catálogo order
};

const domain::LevelTally& TallyVacio() {
  static const domain::LevelTally kVacio;
  return kVacio;
}

struct Contexto {
  Contexto(const Corte& c, const OpcionesSitio& o) : corte(c), opciones(o), cat(c.catalogo()) {}

  const Corte& corte;
  const OpcionesSitio& opciones;
  const domain::Catalogo& cat;
  std::string entidad;   // escaped, ordinary case
  std::string eleccion;  // escaped, ordinary case
  std::string titulo_sitio;
  // Banner and header: the same on every page but for the link to index.html,
  // so made once for the pages at the root and once for those one folder down.
  std::string cabecera_raiz;
  std::string cabecera_sub;
  std::string etiqueta_offset;   // "(UTC-5)", after every local time
  std::string prefijo_imagenes;  // escaped, written twice per acta
  std::vector<Etiqueta> etiquetas_entidad;
  std::vector<CandidaturaEntidad> candidaturas_entidad;
  std::vector<DistritoSitio> distritos;
  std::vector<SeccionSitio> secciones;
  // Observaciones text per (bit pattern, sin acta motivo): computed once, not per acta.
  std::map<int, std::string> observaciones;

  const std::string& Observaciones(const domain::Classification& c) {
    const int clave = c.observaciones.bits() * 8 + static_cast<int>(c.sin_acta_motivo);
    auto it = observaciones.find(clave);
    if (it == observaciones.end()) {
      std::string texto;
      AnadirHtml(texto, c.observaciones.ToString(c.sin_acta_motivo));
      it = observaciones.emplace(clave, std::move(texto)).first;
    }
    return it->second;
  }
};

std::string NombreDistrito(int id) {
  std::string r = "Distrito ";
  AnadirRelleno(r, id, 2);
  return r;
}

template <class Salida>
void RutaDistrito(Salida& out, int id) {
  out += "distritos/"sv;
  AnadirRelleno(out, id, 2);
  out += ".html"sv;
}

// Secciones are published ten to a page, by number: 0080-0089.html holds
// 0080 to 0089, each under its own anchor. A page per sección made a national
// corte ~70,000 files (Coahuila alone has ~1,700 secciones), and creating the
// files was most of the time of a corte (BENCHMARKS.md, "Publicar un corte").
constexpr int kSeccionesPorPagina = 10;

int PrimeraDelGrupo(int seccion) { return seccion / kSeccionesPorPagina * kSeccionesPorPagina; }

template <class Salida>
void RutaGrupoSecciones(Salida& out, int primera) {
  out += "secciones/"sv;
  AnadirRelleno(out, primera, 4);
  out += '-';
  AnadirRelleno(out, primera + kSeccionesPorPagina - 1, 4);
  out += ".html"sv;
}

template <class Salida>
void AnclaSeccion(Salida& out, int seccion) {
  out += 's';
  AnadirRelleno(out, seccion, 4);
}

// Link to a sección: its group's page and its anchor.
void RutaSeccion(Escritor& out, int seccion) {
  RutaGrupoSecciones(out, PrimeraDelGrupo(seccion));
  out += '#';
  AnclaSeccion(out, seccion);
}

// The k-th (from 1) candidatura independiente of a distrito, as CAND_IND_k
// numbers them (election.h).
const domain::CandidaturaIndependiente* Independiente(const domain::Catalogo& cat, int distrito,
                                                      int k) {
  int visto = 0;
  for (const domain::CandidaturaIndependiente& ci : cat.candidaturas_independientes) {
    if (ci.distrito == distrito && ++visto == k) return &ci;
  }
  return nullptr;
}

// k of CAND_IND_k, counted over the candidatura columns before `col`.
int NumeroIndependiente(const domain::Catalogo& cat, size_t col) {
  int k = 0;
  for (size_t i = 0; i <= col; ++i) {
    if (cat.columns[i].kind == domain::VoteColumnKind::kCandidaturaIndependiente) ++k;
  }
  return k;
}

std::string Unir(const std::vector<std::string>& partes, std::string_view sep) {
  std::string r;
  for (const std::string& p : partes) {
    if (!r.empty()) r += sep;
    r += p;
  }
  return r;
}

// distrito 0 = the entidad (a candidatura independiente column adds up
// different people there).
Etiqueta EtiquetaColumna(const domain::Catalogo& cat, size_t col, int distrito) {
  const domain::VoteColumn& c = cat.columns[col];
  Etiqueta e;
  switch (c.kind) {
    case domain::VoteColumnKind::kPartido: {
      AnadirHtml(e.corta, c.name);
      for (const domain::Partido& p : cat.partidos) {
        if (p.siglas == c.name && p.nombre != p.siglas) AnadirHtml(e.larga, p.nombre);
      }
      break;
    }
    case domain::VoteColumnKind::kCombinacion: {
      AnadirHtml(e.corta, Unir(c.partidos, "-"));
      std::string larga = "Combinación " + Unir(c.partidos, " + ");
      for (const domain::Coalicion& co : cat.coaliciones) {
        if (!c.partidos.empty() &&
            std::find(co.partidos.begin(), co.partidos.end(), c.partidos[0]) != co.partidos.end()) {
          larga += " de la coalición " + co.nombre;
        }
      }
      AnadirHtml(e.larga, larga);
      break;
    }
    case domain::VoteColumnKind::kCandidaturaIndependiente: {
      const int k = NumeroIndependiente(cat, col);
      const domain::CandidaturaIndependiente* ci =
          distrito > 0 ? Independiente(cat, distrito, k) : nullptr;
      if (ci == nullptr && distrito == 0) {
        // At the entidad a name is right only when one person holds the column.
        int quienes = 0;
        for (const domain::Distrito& d : cat.distritos) {
          if (const auto* x = Independiente(cat, d.id, k)) {
            ci = x;
            ++quienes;
          }
        }
        if (quienes != 1) ci = nullptr;
      }
      if (ci != nullptr) {
        AnadirHtml(e.corta, ci->nombre);
        e.larga = "Candidatura independiente";
      } else {
        e.corta = "Candidaturas independientes";
        e.larga = "columna ";
        AnadirHtml(e.larga, c.name);
      }
      break;
    }
    case domain::VoteColumnKind::kNoRegistrados:
      e.corta = "No registrados";
      e.larga = "Candidaturas no registradas";
      break;
    case domain::VoteColumnKind::kNulos:
      e.corta = "Nulos";
      e.larga = "Votos nulos";
      break;
  }
  return e;
}

// "Básica", "Contigua 1", "Extraordinaria 1 contigua 2", "Especial 1".
void NombreCasilla(Escritor& out, const domain::CasillaId& id) {
  using T = domain::TipoCasilla;
  bool numero = true;
  switch (id.tipo) {
    case T::kBasica:
      out += "Básica"sv;
      numero = id.id_casilla > 1;
      break;
    case T::kContigua:
      out += "Contigua"sv;
      break;
    case T::kExtraordinaria:
      out += "Extraordinaria"sv;
      break;
    case T::kEspecial:
      out += "Especial"sv;
      break;
    case T::kMesaExtranjero:
      out += "Voto en el extranjero"sv;
      break;
    case T::kPrisionPreventiva:
    case T::kPrisionPreventivaV:
      out += "Prisión preventiva"sv;
      break;
    case T::kVotoAnticipado:
      out += "Voto anticipado"sv;
      break;
  }
  if (numero) {
    out.push_back(' ');
    AnadirEntero(out, id.id_casilla);
  }
  if (id.ext_contigua > 0) {
    out += " contigua "sv;
    AnadirEntero(out, id.ext_contigua);
  }
}

// ── Page frame ───────────────────────────────────────────────────────────────

struct Miga {
  std::string texto;  // escaped
  std::string ruta;   // from the corte folder; empty for the current page
};

// `raiz` leads from the page to the corte folder: "" or "../". `con_buscador`
// loads buscar.js (only secciones.html has the form it drives).
void InicioPagina(Contexto& ctx, Escritor& out, std::string_view titulo, std::string_view raiz,
                  const std::vector<Miga>& migas, bool con_buscador) {
  out +=
      "<!DOCTYPE html>\n<html lang=\"es\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"prep-corte\" content=\"";
  AnadirHtml(out, ctx.corte.info.id);
  out += "\">\n"sv;
  if (ctx.corte.info.simulacro) {
    // For programs (mirrors, tests): a drill must never be taken for results.
    out += "<meta name=\"prep-simulacro\" content=\"1\">\n"sv;
  }
  out += "<title>"sv;
  if (ctx.corte.info.simulacro) out += "SIMULACRO · "sv;
  out += titulo;
  out += " · "sv;
  out += ctx.titulo_sitio;
  out += "</title>\n<link rel=\"stylesheet\" href=\""sv;
  out += raiz;
  out += "estilo.css\">\n"sv;
  if (con_buscador) {
    out += "<script src=\""sv;
    out += raiz;
    out += "buscar.js\" defer></script>\n"sv;
  }
  out += "</head>\n<body"sv;
  if (ctx.corte.info.simulacro) out += " class=\"es-simulacro\""sv;
  out += ">\n"sv;
  out += "<a class=\"saltar\" href=\"#contenido\">Saltar al contenido</a>\n"sv;
  out += raiz.empty() ? ctx.cabecera_raiz : ctx.cabecera_sub;
  out += "<nav class=\"migas envoltura\" aria-label=\"Ubicación\"><ol>"sv;
  for (size_t i = 0; i < migas.size(); ++i) {
    out += "<li>"sv;
    if (i + 1 < migas.size()) {
      out += "<a href=\""sv;
      out += raiz;
      out += migas[i].ruta;
      out += "\">"sv;
      out += migas[i].texto;
      out += "</a>"sv;
    } else {
      out += "<span aria-current=\"page\">"sv;
      out += migas[i].texto;
      out += "</span>"sv;
    }
    out += "</li>"sv;
  }
  out += "</ol></nav>\n<main id=\"contenido\" class=\"envoltura\" tabindex=\"-1\">\n"sv;
}

void FinPagina(Contexto& ctx, Escritor& out, std::string_view raiz) {
  out +=
      "</main>\n<footer class=\"pie\"><div class=\"envoltura\">\n"
      "<p>Resultados <strong>preliminares</strong>: informan la noche de la elección, pero no "
      "son los resultados oficiales, que son los de los cómputos distritales.</p>\n"
      "<p><a href=\"";
  out += raiz;
  out +=
      "manifest.json\">Huellas SHA-256 de todos los archivos de este corte "
      "(manifest.json)</a> · <a href=\"";
  out += raiz;
  out += "secciones.html\">Buscar por sección</a> · Corte <span class=\"id-corte\">"sv;
  AnadirHtml(out, ctx.corte.info.id);
  out += "</span></p>\n</div></footer>\n</body>\n</html>\n"sv;
}

// ── Blocks shared by the summary pages ───────────────────────────────────────

void Cifra(Escritor& out, std::string_view nombre, int64_t valor) {
  out += "<div><dt>"sv;
  out += nombre;
  out += "</dt><dd>"sv;
  Dato(out, valor);
  out += "</dd></div>\n"sv;
}

void CifraConPorcentaje(Escritor& out, std::string_view nombre, int64_t valor, int64_t porcentaje) {
  out += "<div><dt>"sv;
  out += nombre;
  out += "</dt><dd>"sv;
  Dato(out, valor);
  out += " <span class=\"pct\">"sv;
  Porcentaje(out, domain::Percent4{porcentaje});
  out += "</span></dd></div>\n"sv;
}

void CifraPorcentaje(Escritor& out, std::string_view nombre, int64_t porcentaje) {
  out += "<div><dt>"sv;
  out += nombre;
  out += "</dt><dd>"sv;
  Porcentaje(out, domain::Percent4{porcentaje});
  out += "</dd></div>\n"sv;
}

enum class Nivel : uint8_t { kEntidad, kDistrito };

// Avance and participación of one level. Only the entidad has actas fuera de
// catálogo (they belong to no distrito).
void Avance(Contexto& ctx, Escritor& out, const SummaryBlock& r, Nivel nivel) {
  out +=
      "<section aria-labelledby=\"avance\">\n<h2 id=\"avance\">Avance de actas</h2>\n"
      "<dl class=\"cifras\">\n";
  Cifra(out, "Actas esperadas", r.Get(F::kActasEsperadas));
  CifraConPorcentaje(out, "Actas capturadas", r.Get(F::kActasCapturadas),
                     r.Get(F::kPorcentajeActasCapturadas));
  CifraConPorcentaje(out, "Actas contabilizadas", r.Get(F::kActasContabilizadas),
                     r.Get(F::kPorcentajeActasContabilizadas));
  Cifra(out, "Actas capturadas no contabilizadas", r.Get(F::kActasNoContabilizadas));
  CifraPorcentaje(out, "Actas con inconsistencias", r.Get(F::kPorcentajeActasInconsistencias));
  if (nivel == Nivel::kEntidad)
    Cifra(out, "Actas fuera de catálogo", r.Get(F::kActasFueraCatalogo));
  out +=
      "</dl>\n<p class=\"nota\"><strong>Capturada no quiere decir contabilizada.</strong> Un acta "
      "capturada ya está registrada en el sistema, pero solo se contabiliza (se suma a los "
      "resultados) si tiene al menos un dato legible y su total de votos no excede la lista "
      "nominal; las actas que no llegaron, ilegibles o vacías se capturan y no se suman. Los "
      "porcentajes son respecto de las actas esperadas, truncados a cuatro decimales.</p>\n"
      "</section>\n";

  out +=
      "<section aria-labelledby=\"participacion\">\n<h2 id=\"participacion\">Participación "
      "ciudadana</h2>\n<dl class=\"cifras\">\n";
  Cifra(out, "Lista nominal de las actas contabilizadas",
        r.Get(F::kListaNominalActasContabilizadas));
  CifraPorcentaje(out, "Participación ciudadana", r.Get(F::kPorcentajeParticipacionCiudadana));
  out += "</dl>\n<p class=\"nota\">"sv;
  const bool con_especiales =
      ctx.corte.Ajustes().participacion == domain::Participacion::kAnexo13 && ctx.corte.info.final;
  if (con_especiales) {
    out +=
        "En este corte final la participación incluye los votos de las casillas especiales, "
        "que no tienen lista nominal.";
  } else if (ctx.corte.Ajustes().participacion == domain::Participacion::kAnexo13) {
    out +=
        "Durante la operación del PREP la participación no incluye los votos de las casillas "
        "especiales, que no tienen lista nominal; se incluyen en el corte final.";
  } else {
    out +=
        "La participación no incluye los votos de las casillas especiales, que no tienen lista "
        "nominal.";
  }
  out += "</p>\n</section>\n"sv;
}

// Columns shown at a level: every column at the entidad, those that run in a distrito.
std::vector<size_t> ColumnasVisibles(const std::vector<uint8_t>& aplica, size_t n) {
  std::vector<size_t> r;
  for (size_t i = 0; i < n; ++i) {
    if (aplica.empty() || aplica[i]) r.push_back(i);
  }
  return r;
}

// Votes of one level: a bar chart (inline SVG, no script) and, behind it, the
// table with the same numbers for screen readers and for copying. `id` names
// the section and its table, unique within the page.
void Votos(Escritor& out, const std::vector<FilaVotos>& filas, std::string_view id,
           std::string_view titulo, std::string_view explicacion, std::string_view ambito,
           bool grafica) {
  int64_t total = 0;
  int64_t maximo = 0;
  for (const FilaVotos& f : filas) {
    total += f.votos;
    maximo = std::max(maximo, f.votos);
  }
  auto attr_id = [&](std::string_view sufijo) {
    out += id;
    out += sufijo;
  };
  out += "<section aria-labelledby=\""sv;
  attr_id("");
  out += "\">\n<h2 id=\""sv;
  attr_id("");
  out += "\">"sv;
  out += titulo;
  out += "</h2>\n<p>"sv;
  out += explicacion;
  out += " El porcentaje es respecto del total de votos, truncado a cuatro decimales.</p>\n"sv;
  if (grafica) {
    constexpr int kFila = 44;
    const int alto = static_cast<int>(filas.size()) * kFila + 4;
    out += "<figure class=\"grafica\">\n<svg role=\"img\" aria-labelledby=\""sv;
    attr_id("-grafica");
    out += "\" aria-describedby=\""sv;
    attr_id("-tabla");
    out += "\" width=\"100%\" height=\""sv;
    AnadirEntero(out, alto);
    out += "\" xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\""sv;
    attr_id("-grafica");
    out += "\">Gráfica de barras: "sv;
    out += titulo;
    out += ' ';
    out += ambito;
    out += "; las cifras están en la tabla que sigue</title>\n"sv;
    int y = 0;
    for (const FilaVotos& f : filas) {
      out += "<text x=\"0\" y=\""sv;
      AnadirEntero(out, y + 16);
      out += "\">"sv;
      out += f.corta;
      out += ": "sv;
      Numero(out, f.votos);
      out += " ("sv;
      Porcentaje(out, domain::Trunc4Percent(f.votos, total));
      out += ")</text><rect class=\"fondo\" x=\"0\" y=\""sv;
      AnadirEntero(out, y + 24);
      out += "\" width=\"100%\" height=\"12\"/><rect class=\""sv;
      out += f.otra ? "barra otra"sv : "barra"sv;
      out += "\" x=\"0\" y=\""sv;
      AnadirEntero(out, y + 24);
      out += "\" width=\""sv;
      // Bars are scaled to the largest, so small parties stay visible; trunc4, no floats.
      const domain::Percent4 ancho = domain::Trunc4Percent(f.votos, maximo);
      AnadirEntero(out, ancho.ten_thousandths / 10000);
      out.push_back('.');
      AnadirRelleno(out, ancho.ten_thousandths % 10000, 4);
      out += "%\" height=\"12\"/>\n"sv;
      y += kFila;
    }
    out += "</svg>\n</figure>\n"sv;
  }
  out += "<div class=\"tabla\" role=\"region\" aria-labelledby=\""sv;
  attr_id("-titulo");
  out += "\" tabindex=\"0\">\n<table id=\""sv;
  attr_id("-tabla");
  out += "\" class=\"votos\">\n<caption id=\""sv;
  attr_id("-titulo");
  out += "\">"sv;
  out += titulo;
  out += ' ';
  out += ambito;
  out +=
      "</caption>\n<thead><tr><th scope=\"col\">Opción</th><th scope=\"col\" "
      "class=\"n\">Votos</th><th scope=\"col\" class=\"n\">Porcentaje</th></tr></thead>\n<tbody>\n";
  for (const FilaVotos& f : filas) {
    out += "<tr><th scope=\"row\">"sv;
    out += f.corta;
    if (!f.larga.empty()) {
      out += " <span class=\"larga\">"sv;
      out += f.larga;
      out += "</span>"sv;
    }
    out += "</th><td class=\"n\">"sv;
    Dato(out, f.votos);
    out += "</td><td class=\"n\">"sv;
    Porcentaje(out, domain::Trunc4Percent(f.votos, total));
    out += "</td></tr>\n"sv;
  }
  out += "</tbody>\n<tfoot><tr><th scope=\"row\">Total de votos</th><td class=\"n\">"sv;
  Dato(out, total);
  out += "</td><td class=\"n\">"sv;
  Porcentaje(out, domain::Trunc4Percent(total, total));
  out += "</td></tr></tfoot>\n</table>\n</div>\n</section>\n"sv;
}

bool EsOtra(const domain::VoteColumn& c) {
  return c.kind == domain::VoteColumnKind::kNulos ||
         c.kind == domain::VoteColumnKind::kNoRegistrados;
}

int64_t VotosColumna(const domain::LevelTally& t, size_t col) {
  return col < t.votos.size() ? t.votos[col] : 0;
}

// The votes of a level column by column, as the database publishes them.
std::vector<FilaVotos> FilasPorColumna(const domain::Catalogo& cat, const domain::LevelTally& t,
                                       const std::vector<Etiqueta>& etiquetas,
                                       const std::vector<size_t>& columnas) {
  std::vector<FilaVotos> filas;
  filas.reserve(columnas.size());
  for (size_t col : columnas) {
    filas.push_back({etiquetas[col].corta, etiquetas[col].larga, VotosColumna(t, col),
                     EsOtra(cat.columns[col])});
  }
  return filas;
}

std::vector<FilaVotos> FilasPorCandidatura(const domain::LevelTally& t,
                                           const std::vector<GrupoCandidatura>& grupos) {
  std::vector<FilaVotos> filas;
  filas.reserve(grupos.size());
  for (const GrupoCandidatura& g : grupos) {
    int64_t v = 0;
    for (size_t col : g.columnas) v += VotosColumna(t, col);
    filas.push_back({g.corta, g.larga, v, g.otra});
  }
  return filas;
}

// Both charts of a level: by column (partido, combinación, candidatura
// independiente) and by candidatura (coaliciones added up).
void VotosDeNivel(Escritor& out, const std::vector<FilaVotos>& por_columna,
                  const std::vector<FilaVotos>& por_candidatura, std::string_view ambito,
                  bool grafica) {
  Votos(out, por_columna, "votos",
        "Votos por partido político, combinación y candidatura independiente",
        "Votos de las actas contabilizadas, columna por columna como las publica la base de "
        "datos: cada partido político, cada combinación de partidos de una coalición marcada en "
        "la boleta, las candidaturas independientes, los no registrados y los nulos.",
        ambito, grafica);
  Votos(out, por_candidatura, "votos-candidatura", "Votos por candidatura",
        "Los mismos votos por candidatura: los de una coalición suman los de sus partidos y los "
        "de todas sus combinaciones donde la coalición compite.",
        ambito, grafica);
}

void ComoVerificar(Escritor& out) {
  out +=
      "<p class=\"nota\"><strong>Cómo verificar.</strong> Para comprobar que un archivo "
      "descargado es el publicado, calcule su huella SHA-256: en Linux <code>sha256sum "
      "archivo</code>, en macOS <code>shasum -a 256 archivo</code>, en Windows "
      "<code>certutil -hashfile archivo SHA256</code>. Debe imprimir exactamente la huella que "
      "se muestra aquí; si cambia un solo dígito, el archivo no es el publicado.</p>\n";
}

// ── The pages ────────────────────────────────────────────────────────────────

std::string PaginaEntidad(Contexto& ctx) {
  const Corte& corte = ctx.corte;
  Escritor out;
  out.reserve(16384 + ctx.distritos.size() * 400);
  InicioPagina(ctx, out, ctx.entidad, "", {{ctx.entidad, "index.html"}}, false);
  out += "<h1>"sv;
  out += ctx.entidad;
  out += ": resultados preliminares</h1>\n<p class=\"subtitulo\">"sv;
  out += ctx.eleccion;
  out += " · toda la entidad · <a href=\"secciones.html\">Buscar por sección</a></p>\n"sv;
  Avance(ctx, out, corte.resumen, Nivel::kEntidad);
  {
    std::vector<FilaVotos> por_candidatura;
    por_candidatura.reserve(ctx.candidaturas_entidad.size());
    for (const CandidaturaEntidad& c : ctx.candidaturas_entidad) {
      por_candidatura.push_back({c.corta, c.larga, c.votos, c.otra});
    }
    VotosDeNivel(out,
                 FilasPorColumna(ctx.cat, corte.tally.entidad, ctx.etiquetas_entidad,
                                 ColumnasVisibles({}, ctx.cat.columns.size())),
                 por_candidatura, "en la entidad", true);
  }

  out +=
      "<section aria-labelledby=\"distritos\">\n<h2 id=\"distritos\">Resultados por "
      "distrito</h2>\n<div class=\"tabla\" role=\"region\" "
      "aria-labelledby=\"tabla-distritos-titulo\" "
      "tabindex=\"0\">\n<table>\n<caption id=\"tabla-distritos-titulo\">Avance y participación por "
      "distrito</caption>\n<thead><tr><th scope=\"col\">Distrito</th><th "
      "scope=\"col\">Cabecera</th><th scope=\"col\" class=\"n\">Actas esperadas</th><th "
      "scope=\"col\" class=\"n\">Actas contabilizadas</th><th scope=\"col\" "
      "class=\"n\">Participación"
      "</th></tr></thead>\n<tbody>\n";
  for (const DistritoSitio& d : ctx.distritos) {
    out += "<tr><th scope=\"row\"><a href=\""sv;
    RutaDistrito(out, d.id);
    out += "\">"sv;
    out += NombreDistrito(d.id);
    out += "</a></th><td>"sv;
    out += d.cabecera;
    out += "</td><td class=\"n\">"sv;
    Dato(out, d.resumen.Get(F::kActasEsperadas));
    out += "</td><td class=\"n\">"sv;
    Dato(out, d.resumen.Get(F::kActasContabilizadas));
    out += " <span class=\"pct\">"sv;
    Porcentaje(out, domain::Percent4{d.resumen.Get(F::kPorcentajeActasContabilizadas)});
    out += "</span></td><td class=\"n\">"sv;
    Porcentaje(out, domain::Percent4{d.resumen.Get(F::kPorcentajeParticipacionCiudadana)});
    out += "</td></tr>\n"sv;
  }
  out += "</tbody>\n</table>\n</div>\n</section>\n"sv;

  out +=
      "<section aria-labelledby=\"descargas\">\n<h2 id=\"descargas\">Descargas y "
      "verificación</h2>\n<ul class=\"descargas\">\n";
  if (corte.info.base_de_datos) {
    const std::string zip = NombreZipBaseDeDatos(corte);
    out += "<li><a href=\""sv;
    AnadirHtml(out, zip);
    out += "\" download>Base de datos de este corte</a> ("sv;
    AnadirHtml(out, zip);
    out +=
        "): los resultados acta por acta en CSV, las candidaturas y el LEEME que describe cada "
        "columna.<br>SHA-256: <code class=\"sha\">";
    out += ctx.opciones.sha256_zip;
    out += "</code></li>\n"sv;
  } else {
    out +=
        "<li>Este corte no incluye la base de datos; está en el corte más reciente que la "
        "publica.</li>\n";
  }
  out +=
      "<li><a href=\"manifest.json\">manifest.json</a>: la huella SHA-256 de cada archivo de "
      "este corte.</li>\n<li>Las imágenes de las actas, con su huella, están en la página de "
      "cada sección.</li>\n</ul>\n";
  ComoVerificar(out);
  out += "</section>\n"sv;
  FinPagina(ctx, out, "");
  return out.Tomar();
}

std::string PaginaDistrito(Contexto& ctx, const DistritoSitio& d) {
  const Corte& corte = ctx.corte;
  const std::string nombre = NombreDistrito(d.id);
  Escritor out;
  out.reserve(16384 + d.secciones.size() * 200);
  InicioPagina(ctx, out, nombre, "../", {{ctx.entidad, "index.html"}, {nombre, ""}}, false);
  out += "<h1>"sv;
  out += nombre;
  if (!d.cabecera.empty()) {
    out += " · "sv;
    out += d.cabecera;
  }
  out += "</h1>\n<p class=\"subtitulo\">"sv;
  out += ctx.eleccion;
  out += " · "sv;
  out += ctx.entidad;
  out += "</p>\n"sv;
  Avance(ctx, out, d.resumen, Nivel::kDistrito);
  std::string ambito = "en el ";
  ambito += nombre;
  // Lower-case "distrito" inside a sentence.
  ambito[6] = 'd';
  VotosDeNivel(out,
               FilasPorColumna(ctx.cat, *d.tally, d.etiquetas,
                               ColumnasVisibles(d.aplica, ctx.cat.columns.size())),
               FilasPorCandidatura(*d.tally, d.grupos), ambito, true);

  bool hay_candidaturas = false;
  for (const formats::Candidatura& c : corte.contienda->candidaturas) {
    if (c.distrito != d.id) continue;
    if (!hay_candidaturas) {
      hay_candidaturas = true;
      out +=
          "<section aria-labelledby=\"candidaturas\">\n<h2 id=\"candidaturas\">Candidaturas "
          "registradas</h2>\n<div class=\"tabla\" role=\"region\" "
          "aria-labelledby=\"tabla-candidaturas-titulo\" tabindex=\"0\">\n<table>\n<caption "
          "id=\"tabla-candidaturas-titulo\">Candidaturas del distrito</caption>\n<thead><tr><th "
          "scope=\"col\">Postulada por</th><th scope=\"col\">Propietario</th><th "
          "scope=\"col\">Suplente</th></tr></thead>\n<tbody>\n";
    }
    out += "<tr><th scope=\"row\">"sv;
    if (c.independiente) {
      out += "Candidatura independiente"sv;
    } else if (!c.coalicion.empty()) {
      out += "Coalición "sv;
      AnadirHtml(out, c.coalicion);
    } else {
      AnadirHtml(out, c.partido);
    }
    out += "</th><td>"sv;
    AnadirHtml(out, c.propietario);
    out += "</td><td>"sv;
    AnadirHtml(out, c.suplente);
    out += "</td></tr>\n"sv;
  }
  if (hay_candidaturas) out += "</tbody>\n</table>\n</div>\n</section>\n"sv;

  out +=
      "<section aria-labelledby=\"secciones\">\n<h2 id=\"secciones\">Secciones del "
      "distrito</h2>\n<div class=\"tabla\" role=\"region\" "
      "aria-labelledby=\"tabla-secciones-titulo\" "
      "tabindex=\"0\">\n<table>\n<caption id=\"tabla-secciones-titulo\">Actas por sección; cada "
      "sección lleva a sus casillas</caption>\n<thead><tr><th scope=\"col\">Sección</th><th "
      "scope=\"col\" class=\"n\">Actas esperadas</th><th scope=\"col\" "
      "class=\"n\">Capturadas</th><th "
      "scope=\"col\" class=\"n\">Contabilizadas</th></tr></thead>\n<tbody>\n";
  for (size_t pos : d.secciones) {
    const SeccionSitio& s = ctx.secciones[pos];
    const auto it = corte.tally.secciones.find(s.seccion);
    const domain::SummaryCounts& c =
        it == corte.tally.secciones.end() ? TallyVacio().counts : it->second.counts;
    out += "<tr><th scope=\"row\"><a href=\"../"sv;
    RutaSeccion(out, s.seccion);
    out += "\">Sección "sv;
    AnadirRelleno(out, s.seccion, 4);
    out += "</a></th><td class=\"n\">"sv;
    Numero(out, c.esperadas);
    out += "</td><td class=\"n\">"sv;
    Numero(out, c.capturadas);
    out += "</td><td class=\"n\">"sv;
    Numero(out, c.contabilizadas);
    out += "</td></tr>\n"sv;
  }
  out += "</tbody>\n</table>\n</div>\n</section>\n"sv;
  FinPagina(ctx, out, "../");
  return out.Tomar();
}

// A vote cell of one acta (end tag omitted: see BloqueSeccion).
void Celda(Escritor& out, const ActaPublicada& a, size_t col, bool con_valores) {
  out += "<td>"sv;
  const bool aplica = a.aplica.empty() || (col < a.aplica.size() && a.aplica[col]);
  if (!con_valores || !aplica || col >= a.votos.size()) {
    out += "—"sv;
  } else {
    const domain::CaptureValue& v = a.votos[col];
    switch (v.kind) {
      case domain::CaptureKind::kCount:
        Numero(out, v.count);
        break;
      case domain::CaptureKind::kIlegible:
        out += "Ilegible"sv;
        break;
      case domain::CaptureKind::kSinDato:
        out += "Sin dato"sv;
        break;
    }
  }
}

// "Acopio 18/10/2020 18:10 · Captura 18:26 · Verificación 18:36 (UTC-5)": the
// day is written again only where it changes (one line per acta of every
// sección page, so ~11 MB of a national corte's site were repeated days).
void Horas(Escritor& out, const ActaPublicada& a, int offset, std::string_view etiqueta_offset) {
  const std::pair<std::string_view, int64_t> horas[] = {{"Acopio", a.hora_acopio_ms},
                                                        {"Captura", a.hora_captura_ms},
                                                        {"Verificación", a.hora_verificacion_ms}};
  constexpr size_t kDia = 10;  // "18/10/2020" of FormatoFecha::kCorteIne's "18/10/2020 18:10"
  char dia_anterior[kDia] = {};
  bool alguna = false;
  for (const auto& [nombre, ms] : horas) {
    if (ms == 0) continue;
    char fecha[kMaxBytesFecha];
    const char* fin = EscribirFecha(fecha, ms, offset, FormatoFecha::kCorteIne);
    const std::string_view f(fecha, static_cast<size_t>(fin - fecha));
    out += alguna ? " · "sv : "<p class=\"horas\">"sv;  // its end tag omitted
    out += nombre;
    out.push_back(' ');
    if (f.size() > kDia && alguna && f.compare(0, kDia, dia_anterior, kDia) == 0) {
      out += f.substr(kDia + 1);
    } else {
      out += f;
    }
    if (f.size() > kDia) std::memcpy(dia_anterior, fecha, kDia);
    alguna = true;
  }
  if (alguna) {
    out.push_back(' ');
    out += etiqueta_offset;
  }
}

// One sección within its group's page: its progress, one row per acta with
// the sección's votes as the table's foot, and the acta images with their SHA-256.
// The end tags HTML makes optional (td, th, tr, li, a last p) are left out of
// these pages only: they are ~7,000 pages and most of a national corte's
// bytes, and those tags were ~60 MB of them (Google's HTML style guide: omit
// optional tags). Browsers and HTML parsers close them as the spec says.
void BloqueSeccion(Contexto& ctx, Escritor& out, const SeccionSitio& s) {
  const Corte& corte = ctx.corte;
  const DistritoSitio& d = ctx.distritos[s.distrito_pos];
  const std::vector<size_t> columnas = ColumnasVisibles(d.aplica, ctx.cat.columns.size());
  std::string ancla;
  AnclaSeccion(ancla, s.seccion);
  out += "<section class=\"seccion\" id=\""sv;
  out += ancla;
  out += "\" aria-labelledby=\""sv;
  out += ancla;
  out += "-t\">\n<h2 id=\""sv;
  out += ancla;
  out += "-t\">Sección "sv;
  AnadirRelleno(out, s.seccion, 4);
  out += "</h2>\n<p class=\"subtitulo\"><a href=\"../"sv;
  RutaDistrito(out, d.id);
  out += "\">"sv;
  out += NombreDistrito(d.id);
  out += "</a>"sv;
  if (!d.cabecera.empty()) {
    out += " · "sv;
    out += d.cabecera;
  }
  out += "</p>\n"sv;
  const auto it = corte.tally.secciones.find(s.seccion);
  const domain::LevelTally& t = it == corte.tally.secciones.end() ? TallyVacio() : it->second;
  const SummaryBlock r = domain::Summarize(t.counts, corte.Ajustes());
  out += "<dl class=\"cifras\">\n"sv;
  Cifra(out, "Actas esperadas", r.Get(F::kActasEsperadas));
  CifraConPorcentaje(out, "Capturadas", r.Get(F::kActasCapturadas),
                     r.Get(F::kPorcentajeActasCapturadas));
  CifraConPorcentaje(out, "Contabilizadas", r.Get(F::kActasContabilizadas),
                     r.Get(F::kPorcentajeActasContabilizadas));
  CifraPorcentaje(out, "Participación", r.Get(F::kPorcentajeParticipacionCiudadana));
  out += "</dl>\n<div class=\"tabla\" role=\"region\" aria-labelledby=\""sv;
  out += ancla;
  out += "-c\" tabindex=\"0\">\n<table class=\"actas\">\n<caption id=\""sv;
  out += ancla;
  out += "-c\">Votos por acta en la sección "sv;
  AnadirRelleno(out, s.seccion, 4);
  out += "</caption>\n"sv;
  out += d.thead_actas;
  out += "<tbody>\n"sv;
  for (size_t pos : s.actas) {
    const ActaPublicada& a = corte.actas[pos];
    const domain::Acta& acta = ctx.cat.actas[*a.acta_index];
    const domain::Casilla& casilla = ctx.cat.casillas[acta.casilla_index];
    out += "<tr><th scope=\"row\">"sv;
    NombreCasilla(out, casilla.id);
    out += "<td>"sv;
    // MR and RP are spelled out once, in the page's note and the column's header.
    out += acta.kind == domain::ActaKind::kMayoriaRelativa ? "MR"sv : "RP"sv;
    out += "<td>"sv;
    const bool sin_acta = a.clasificacion.observaciones.Has(domain::Observacion::kSinActa);
    if (!a.capturada) {
      out += "Aún no capturada"sv;
    } else if (a.clasificacion.contabilizada) {
      out += "Contabilizada"sv;
    } else {
      out += "<strong>No contabilizada</strong>"sv;
    }
    out += "<td>"sv;
    const std::string& obs = a.capturada ? ctx.Observaciones(a.clasificacion) : std::string();
    out += obs.empty() ? "—" : obs;
    out += "<td>"sv;
    if (casilla.IsEspecial()) {
      out += "<abbr title=\"casilla especial: sin lista nominal\">—</abbr>"sv;
    } else {
      Numero(out, casilla.lista_nominal);
    }
    const bool con_valores = a.capturada && !sin_acta;
    if (con_valores) {
      for (size_t col : columnas) Celda(out, a, col, con_valores);
      out += "<td>"sv;
      Numero(out, a.clasificacion.total_votos_calculado);
      out += "\n"sv;
    } else {
      // No votes to show: one cell across the vote columns and the total.
      out += "<td colspan=\""sv;
      AnadirEntero(out, static_cast<int64_t>(columnas.size() + 1));
      out += "\">—\n"sv;
    }
  }
  out += "</tbody>\n<tfoot><tr><th scope=\"row\" colspan=\"5\">Votos de las contabilizadas"sv;
  int64_t total = 0;
  for (size_t col : columnas) {
    const int64_t v = VotosColumna(t, col);
    total += v;
    out += "<td>"sv;
    Dato(out, v);
  }
  out += "<td>"sv;
  Dato(out, total);
  out += "</tfoot>\n</table>\n</div>\n<ul class=\"imagenes\">\n"sv;
  for (size_t pos : s.actas) {
    const ActaPublicada& a = corte.actas[pos];
    const domain::Acta& acta = ctx.cat.actas[*a.acta_index];
    const domain::Casilla& casilla = ctx.cat.casillas[acta.casilla_index];
    out += "<li><p><strong>"sv;  // the item's end tag omitted
    NombreCasilla(out, casilla.id);
    out += acta.kind == domain::ActaKind::kMayoriaRelativa ? ", MR"sv : ", RP"sv;
    out += "</strong> · <span class=\"clave\">"sv;
    AnadirHtml(out, a.clave_acta);
    out += "</span></p>"sv;
    if (EsHex64(a.sha256) && EsExtension(a.extension_imagen)) {
      // A browser shows jpg and png inline, at the page's width, and saves them
      // from there: not wrapped in a link to themselves, which wrote the hash a
      // third time per acta (~44 MB of a national corte). Lazy: a sección may
      // have dozens of actas, and a phone on a slow network needs the tables
      // first. A pdf is only linked.
      if (a.extension_imagen != "pdf") {
        out += "<img src=\""sv;
        out += ctx.prefijo_imagenes;
        out += a.sha256;
        out.push_back('.');
        out += a.extension_imagen;
        out += "\" alt=\"Imagen del acta "sv;
        AnadirHtml(out, a.clave_acta);
        out += "\" loading=\"lazy\">"sv;
      } else {
        out += "<a href=\""sv;
        out += ctx.prefijo_imagenes;
        out += a.sha256;
        out += ".pdf\">Imagen del acta (PDF)</a>"sv;
      }
      out += "<p>SHA-256: <code class=\"sha\">"sv;
      out += a.sha256;
      out += "</code>"sv;
    } else {
      out += "<p>Sin imagen publicada."sv;
    }
    Horas(out, a, corte.info.offset_minutos, ctx.etiqueta_offset);
    out += "\n"sv;
  }
  out += "</ul>\n</section>\n"sv;
}

// A page of up to kSeccionesPorPagina secciones with consecutive numbers.
std::string PaginaGrupoSecciones(Contexto& ctx, int primera, const std::vector<size_t>& grupo) {
  std::string nombre = "Secciones ";
  AnadirRelleno(nombre, primera, 4);
  nombre += " a "sv;
  AnadirRelleno(nombre, primera + kSeccionesPorPagina - 1, 4);
  Escritor out;
  size_t actas = 0;
  for (size_t pos : grupo) actas += ctx.secciones[pos].actas.size();
  out.reserve(4096 + grupo.size() * 1536 + actas * 900);
  InicioPagina(
      ctx, out, nombre, "../",
      {{ctx.entidad, "index.html"}, {"Buscar por sección", "secciones.html"}, {nombre, ""}}, false);
  out += "<h1>"sv;
  out += nombre;
  out += "</h1>\n<nav class=\"en-pagina\" aria-label=\"Secciones de esta página\"><ul>"sv;
  for (size_t pos : grupo) {
    out += "<li><a href=\"#"sv;
    AnclaSeccion(out, ctx.secciones[pos].seccion);
    out += "\">"sv;
    AnadirRelleno(out, ctx.secciones[pos].seccion, 4);
    out += "</a></li>"sv;
  }
  out +=
      "</ul></nav>\n<p class=\"nota\"><strong>Capturada no quiere decir contabilizada</strong>: "
      "<a href=\"../index.html#avance\">qué actas se suman</a>. Una fila por acta (MR: mayoría "
      "relativa; RP: representación proporcional), con los votos como se capturaron; «—»: sin "
      "dato que mostrar. Una imagen descargada (clic derecho o mantener presionada la imagen, "
      "«Guardar imagen») es la publicada si su huella SHA-256 (<code>sha256sum archivo</code>; en "
      "otros sistemas, "
      "<a href=\"../index.html#descargas\">así</a>) es la que se muestra.</p>\n";
  for (size_t pos : grupo) BloqueSeccion(ctx, out, ctx.secciones[pos]);
  FinPagina(ctx, out, "../");
  return out.Tomar();
}

std::string PaginaSecciones(Contexto& ctx) {
  Escritor out;
  out.reserve(8192 + ctx.secciones.size() * 56);
  InicioPagina(ctx, out, "Buscar por sección", "",
               {{ctx.entidad, "index.html"}, {"Buscar por sección", ""}}, true);
  out +=
      "<h1>Buscar por sección</h1>\n<p>El número de sección está impreso en la credencial para "
      "votar. Elija su distrito y luego su sección; cada sección muestra sus casillas, los votos "
      "de cada acta y su imagen.</p>\n"
      "<form id=\"buscar\" class=\"buscar\" role=\"search\" action=\"#\" hidden>\n<label "
      "for=\"buscar-seccion\">Número de sección</label>\n<input id=\"buscar-seccion\" "
      "name=\"seccion\" inputmode=\"numeric\" pattern=\"[0-9]{1,4}\" maxlength=\"4\" "
      "autocomplete=\"off\">\n<button type=\"submit\">Ir a la sección</button>\n<p "
      "id=\"buscar-aviso\" class=\"aviso\" aria-live=\"polite\"></p>\n</form>\n"
      "<nav aria-label=\"Distritos\"><ul class=\"lista-distritos\">\n";
  for (const DistritoSitio& d : ctx.distritos) {
    out += "<li><a href=\"#d"sv;
    AnadirRelleno(out, d.id, 2);
    out += "\">"sv;
    out += NombreDistrito(d.id);
    out += "</a></li>\n"sv;
  }
  out += "</ul></nav>\n"sv;
  for (const DistritoSitio& d : ctx.distritos) {
    out += "<section aria-labelledby=\"d"sv;
    AnadirRelleno(out, d.id, 2);
    out += "\">\n<h2 id=\"d"sv;
    AnadirRelleno(out, d.id, 2);
    out += "\"><a href=\""sv;
    RutaDistrito(out, d.id);
    out += "\">"sv;
    out += NombreDistrito(d.id);
    out += "</a>"sv;
    if (!d.cabecera.empty()) {
      out += " · "sv;
      out += d.cabecera;
    }
    out += "</h2>\n<ul class=\"lista-secciones\">"sv;
    for (size_t pos : d.secciones) {
      const int seccion = ctx.secciones[pos].seccion;
      out += "<li><a href=\""sv;
      RutaSeccion(out, seccion);
      out += "\">"sv;
      AnadirRelleno(out, seccion, 4);
      out += "</a></li>"sv;
    }
    out += "</ul>\n</section>\n"sv;
  }
  FinPagina(ctx, out, "");
  return out.Tomar();
}

constexpr std::string_view kEstilo =
    R"css(/* Public site of a PREP corte. Sober, readable on a 360 px phone, no
   horizontal page scroll: wide tables scroll inside .tabla. */
:root {
  --tinta: #1c1c21;
  --suave: #4d4d57;
  --acento: #5b2a6e;
  --acento-claro: #f4eef7;
  --borde: #cfcfd8;
  --fondo-tabla: #f1f1f5;
  --enlace: #0a4d94;
}
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", Arial, sans-serif;
  font-size: 1rem;
  line-height: 1.5;
  color: var(--tinta);
  background: #fff;
  overflow-wrap: break-word;
}
a { color: var(--enlace); }
a:focus-visible, [tabindex]:focus-visible, button:focus-visible, input:focus-visible {
  outline: 3px solid #e8a317;
  outline-offset: 2px;
}
.envoltura { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
.saltar {
  position: absolute; left: -100vw; top: 0.5rem; z-index: 10;
  background: #fff; color: var(--enlace); padding: 0.5rem 1rem; border: 2px solid var(--enlace);
}
.saltar:focus { left: 0.5rem; }
.simulacro {
  background: #ffd60a; color: #000; font-weight: 700; text-align: center;
  padding: 0.5rem 1rem; border-bottom: 3px solid #000; letter-spacing: 0.02em;
}
.cabecera { background: var(--acento); color: #fff; padding: 0.75rem 0; }
.cabecera p { margin: 0.15rem 0; }
.cabecera a { color: #fff; text-decoration: none; }
.cabecera a:hover { text-decoration: underline; }
.marca { font-size: 1.05rem; }
.marca .sigla { font-weight: 800; letter-spacing: 0.06em; margin-right: 0.35rem; }
.eleccion { opacity: 0.95; }
.corte { font-variant-numeric: tabular-nums; font-weight: 600; }
.migas ol { list-style: none; display: flex; flex-wrap: wrap; margin: 0.75rem auto; padding: 0; font-size: 0.95rem; }
.migas li + li::before { content: "›"; margin: 0 0.45rem; color: var(--suave); }
main { display: block; padding-bottom: 1rem; }
main:focus { outline: none; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0.5rem 0 0.25rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 0.75rem; padding-bottom: 0.3rem; border-bottom: 2px solid var(--acento); }
.subtitulo { color: var(--suave); margin: 0 0 1rem; }
.cifras { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap: 0.6rem; margin: 0; }
.cifras div { border: 1px solid var(--borde); border-left: 4px solid var(--acento); padding: 0.5rem 0.75rem; background: #fafafc; }
.cifras dt { font-size: 0.875rem; color: var(--suave); }
.cifras dd { margin: 0; font-size: 1.35rem; font-weight: 650; font-variant-numeric: tabular-nums; }
.pct { font-weight: 400; color: var(--suave); font-size: 0.9em; white-space: nowrap; }
.nota { background: var(--acento-claro); border-left: 4px solid var(--acento); padding: 0.6rem 0.8rem; margin: 0.9rem 0; }
.grafica { margin: 1rem 0; max-width: 44rem; }
.grafica svg { display: block; overflow: visible; }
.grafica text { font-size: 14px; fill: var(--tinta); }
.grafica .fondo { fill: #ececf2; }
.grafica .barra { fill: var(--acento); }
.grafica .otra { fill: #75757f; }
.tabla { overflow-x: auto; margin: 0.75rem 0 1rem; border: 1px solid var(--borde); max-width: 100%; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 650; padding: 0.5rem 0.6rem; background: #fff; }
th, td { padding: 0.4rem 0.6rem; border-top: 1px solid var(--borde); text-align: left; vertical-align: top; }
thead th { background: var(--fondo-tabla); font-size: 0.9rem; }
tbody th { font-weight: 600; }
.n { text-align: right; white-space: nowrap; }
tfoot th, tfoot td { font-weight: 700; background: var(--fondo-tabla); }
.larga { display: block; font-weight: 400; font-size: 0.85rem; color: var(--suave); }
table.actas th, table.actas td { font-size: 0.92rem; }
table.actas thead th { min-width: 4.5rem; }
section.seccion { border-top: 3px solid var(--acento); margin-top: 2rem; }
.en-pagina ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.25rem 0.75rem; }
table.actas td:nth-child(n+5), table.actas thead th:nth-child(n+5) { text-align: right; white-space: nowrap; }
abbr[title] { text-decoration: none; border-bottom: 1px dotted var(--suave); cursor: help; }
.descargas li, .imagenes li { margin-bottom: 0.6rem; }
.imagenes { list-style: none; padding: 0; }
.imagenes li { border: 1px solid var(--borde); padding: 0.5rem 0.75rem; }
.imagenes p { margin: 0.15rem 0; }
.imagenes img { display: block; max-width: 100%; height: auto; min-width: 6rem; border: 1px solid var(--borde); image-rendering: auto; }
code { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 0.88em; }
code.sha { word-break: break-all; background: var(--fondo-tabla); padding: 0 0.2rem; }
.clave, .horas { color: var(--suave); font-size: 0.9rem; font-variant-numeric: tabular-nums; }
.lista-distritos, .lista-secciones { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.4rem; }
.lista-distritos a, .lista-secciones a {
  display: inline-block; min-width: 3.6rem; padding: 0.45rem 0.6rem; text-align: center;
  border: 1px solid var(--borde); text-decoration: none; font-variant-numeric: tabular-nums;
}
.lista-distritos a:hover, .lista-secciones a:hover { background: var(--acento-claro); }
.buscar { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin: 1rem 0; padding: 0.75rem; background: var(--acento-claro); }
.buscar[hidden] { display: none; }
.buscar label { font-weight: 600; width: 100%; }
.buscar input { font-size: 1.1rem; padding: 0.4rem 0.5rem; width: 7rem; border: 1px solid var(--suave); }
.buscar button { font-size: 1rem; padding: 0.45rem 0.9rem; background: var(--acento); color: #fff; border: 0; cursor: pointer; }
.aviso { width: 100%; margin: 0; min-height: 1.5em; }
.pie { margin-top: 2rem; border-top: 1px solid var(--borde); background: #f7f7f9; color: var(--suave); font-size: 0.92rem; padding: 0.75rem 0; }
@media (min-width: 48rem) {
  h1 { font-size: 1.9rem; }
}
@media print {
  .saltar, .buscar { display: none; }
  .cabecera { background: none; color: #000; }
  .cabecera a { color: #000; }
}
)css";

constexpr std::string_view kBuscar =
    R"js(// Jumps to the sección typed in the form of secciones.html. The
// site works without JavaScript (the links of that page are the search); this
// only shortens it, and shows the form only when it can work.
(function () {
  'use strict';
  var form = document.getElementById('buscar');
  if (!form) return;
  var campo = document.getElementById('buscar-seccion');
  var aviso = document.getElementById('buscar-aviso');
  form.hidden = false;
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var v = (campo.value || '').trim();
    if (!/^[0-9]{1,4}$/.test(v)) {
      aviso.textContent = 'Escriba el número de sección: de 1 a 4 dígitos.';
      return;
    }
    var clave = ('0000' + v).slice(-4);
    var enlace = document.querySelector('a[href$=".html#s' + clave + '"]');
    if (!enlace) {
      aviso.textContent = 'La sección ' + clave + ' no tiene casillas en esta elección.';
      return;
    }
    window.location.href = enlace.href;
  });
})();
)js";

// The candidaturas of a distrito from the columns that run there: a coalición
// runs where one of its combinaciones applies, and then its partidos count for
// it; elsewhere each partido runs alone.
std::vector<GrupoCandidatura> GruposCandidatura(const domain::Catalogo& cat,
                                                const std::vector<uint8_t>& aplica,
                                                const std::vector<Etiqueta>& etiquetas) {
  using K = domain::VoteColumnKind;
  const size_t n = cat.columns.size();
  std::vector<int> coalicion_de(n, -1);
  std::vector<uint8_t> corre(cat.coaliciones.size(), 0);
  auto coalicion_con = [&](const std::string& siglas) {
    for (size_t k = 0; k < cat.coaliciones.size(); ++k) {
      const auto& p = cat.coaliciones[k].partidos;
      if (std::find(p.begin(), p.end(), siglas) != p.end()) return static_cast<int>(k);
    }
    return -1;
  };
  for (size_t col = 0; col < n; ++col) {
    const domain::VoteColumn& c = cat.columns[col];
    if (c.kind != K::kCombinacion || !aplica[col] || c.partidos.empty()) continue;
    coalicion_de[col] = coalicion_con(c.partidos[0]);
    if (coalicion_de[col] >= 0) corre[coalicion_de[col]] = 1;
  }
  for (size_t col = 0; col < n; ++col) {
    if (cat.columns[col].kind != K::kPartido) continue;
    const int k = coalicion_con(cat.columns[col].name);
    if (k >= 0 && corre[k]) coalicion_de[col] = k;
  }
  std::vector<GrupoCandidatura> grupos;
  std::vector<int> grupo_de_coalicion(cat.coaliciones.size(), -1);
  for (size_t col = 0; col < n; ++col) {
    if (!aplica[col]) continue;
    const int k = coalicion_de[col];
    if (k >= 0) {
      if (grupo_de_coalicion[k] < 0) {
        grupo_de_coalicion[k] = static_cast<int>(grupos.size());
        GrupoCandidatura g;
        const domain::Coalicion& co = cat.coaliciones[k];
        AnadirHtml(g.corta, co.nombre);
        AnadirHtml(g.larga, "Coalición de " + Unir(co.partidos, ", ") + " con sus combinaciones");
        g.clave_entidad = g.corta;
        grupos.push_back(std::move(g));
      }
      grupos[grupo_de_coalicion[k]].columnas.push_back(col);
      continue;
    }
    GrupoCandidatura g;
    g.corta = etiquetas[col].corta;
    g.larga = etiquetas[col].larga;
    g.clave_entidad = cat.columns[col].kind == K::kCandidaturaIndependiente
                          ? std::string("Candidaturas independientes")
                          : g.corta;
    g.otra = EsOtra(cat.columns[col]);
    g.columnas.push_back(col);
    grupos.push_back(std::move(g));
  }
  return grupos;
}

// The entidad's "por candidatura" rows: each distrito's candidaturas added up
// by name, since a coalición may run in some distritos only.
std::vector<CandidaturaEntidad> CandidaturasEntidad(const std::vector<DistritoSitio>& distritos) {
  std::vector<CandidaturaEntidad> filas;
  std::map<std::string, size_t, std::less<>> por_clave;
  for (const DistritoSitio& d : distritos) {
    for (const GrupoCandidatura& g : d.grupos) {
      auto [it, nueva] = por_clave.try_emplace(g.clave_entidad, filas.size());
      if (nueva) {
        CandidaturaEntidad c;
        c.corta = g.clave_entidad;
        c.larga = g.clave_entidad == g.corta ? g.larga
                                             : std::string("Suma de las de todos los distritos");
        c.otra = g.otra;
        c.primera_columna = g.columnas.front();
        filas.push_back(std::move(c));
      }
      CandidaturaEntidad& c = filas[it->second];
      c.primera_columna = std::min(c.primera_columna, g.columnas.front());
      for (size_t col : g.columnas) c.votos += VotosColumna(*d.tally, col);
    }
  }
  std::stable_sort(filas.begin(), filas.end(),
                   [](const CandidaturaEntidad& a, const CandidaturaEntidad& b) {
                     return a.primera_columna < b.primera_columna;
                   });
  return filas;
}

// Everything the pages share, computed once per corte.
Contexto Preparar(const Corte& corte, const OpcionesSitio& opciones) {
  Contexto ctx(corte, opciones);
  const domain::Catalogo& cat = ctx.cat;
  const size_t ncol = cat.columns.size();
  AnadirHtml(ctx.entidad, NombrePropio(cat.entidad_nombre));
  AnadirHtml(ctx.eleccion, NombreComun(cat.eleccion));
  if (corte.contienda->anio > 0) {
    ctx.eleccion += ' ';
    AnadirEntero(ctx.eleccion, corte.contienda->anio);
  }
  ctx.titulo_sitio = "PREP · " + ctx.eleccion + " · " + ctx.entidad;
  ctx.etiqueta_offset = EtiquetaOffset(corte.info.offset_minutos);
  AnadirHtml(ctx.prefijo_imagenes, opciones.prefijo_imagenes);

  for (int sub = 0; sub < 2; ++sub) {
    std::string& h = sub == 0 ? ctx.cabecera_raiz : ctx.cabecera_sub;
    if (corte.info.simulacro) {
      h += "<div class=\"simulacro\" role=\"note\">SIMULACRO — estos datos no son resultados "
           "reales</div>\n";
    }
    h += "<header class=\"cabecera\"><div class=\"envoltura\">\n<p class=\"marca\"><a href=\""sv;
    h += sub == 0 ? ""sv : "../"sv;
    h += "index.html\"><span class=\"sigla\">PREP</span>Programa de Resultados Electorales "
         "Preliminares</a></p>\n<p class=\"eleccion\">";
    h += ctx.eleccion;
    h += " · "sv;
    h += ctx.entidad;
    if (!opciones.organo.empty()) {
      h += " · "sv;
      AnadirHtml(h, opciones.organo);
    }
    h += "</p>\n<p class=\"corte\">Corte: "sv;
    Momento(h, corte.info.instante_utc_ms, corte.info.offset_minutos);
    if (corte.info.final) {
      h += " · <strong class=\"final\">Corte final</strong>"sv;
    } else if (corte.info.siguiente_utc_ms) {
      h += " · Siguiente corte: "sv;
      Momento(h, *corte.info.siguiente_utc_ms, corte.info.offset_minutos);
    }
    h += "</p>\n</div></header>\n"sv;
  }

  ctx.etiquetas_entidad.reserve(ncol);
  for (size_t i = 0; i < ncol; ++i) ctx.etiquetas_entidad.push_back(EtiquetaColumna(cat, i, 0));

  // Distritos: those of the catálogo, and any a casilla names that it lacks.
  std::map<int, size_t> pos_distrito;
  auto agregar = [&](int id, std::string_view cabecera) {
    if (pos_distrito.count(id) > 0) return;
    pos_distrito[id] = 0;
    DistritoSitio d;
    d.id = id;
    AnadirHtml(d.cabecera, NombrePropio(cabecera));
    ctx.distritos.push_back(std::move(d));
  };
  for (const domain::Distrito& d : cat.distritos) agregar(d.id, d.cabecera);
  for (const domain::Casilla& c : cat.casillas) agregar(c.distrito, "");
  std::sort(ctx.distritos.begin(), ctx.distritos.end(),
            [](const DistritoSitio& a, const DistritoSitio& b) { return a.id < b.id; });
  for (size_t i = 0; i < ctx.distritos.size(); ++i) pos_distrito[ctx.distritos[i].id] = i;

  // Which columns run in each distrito: what its actas say (aplica), or, when
  // none says, every column but the candidaturas independientes it lacks.
  std::vector<std::vector<uint8_t>> por_actas(ctx.distritos.size(), std::vector<uint8_t>(ncol, 0));
  std::vector<uint8_t> con_aplica(ctx.distritos.size(), 0);
  std::vector<std::pair<int, size_t>> seccion_acta;  // (sección, index into corte.actas)
  seccion_acta.reserve(corte.actas.size());
  for (size_t i = 0; i < corte.actas.size(); ++i) {
    const ActaPublicada& a = corte.actas[i];
    if (!a.acta_index || *a.acta_index >= cat.actas.size()) continue;
    const domain::Casilla& casilla = cat.casillas[cat.actas[*a.acta_index].casilla_index];
    seccion_acta.emplace_back(casilla.id.seccion, i);
    if (a.aplica.empty()) continue;
    const size_t dp = pos_distrito[casilla.distrito];
    con_aplica[dp] = 1;
    for (size_t k = 0; k < ncol && k < a.aplica.size(); ++k) por_actas[dp][k] |= a.aplica[k];
  }
  for (size_t dp = 0; dp < ctx.distritos.size(); ++dp) {
    DistritoSitio& d = ctx.distritos[dp];
    if (con_aplica[dp]) {
      d.aplica = std::move(por_actas[dp]);
    } else {
      d.aplica.assign(ncol, 1);
      for (size_t k = 0; k < ncol; ++k) {
        if (cat.columns[k].kind == domain::VoteColumnKind::kCandidaturaIndependiente) {
          d.aplica[k] = Independiente(cat, d.id, NumeroIndependiente(cat, k)) != nullptr;
        }
      }
    }
    d.etiquetas.reserve(ncol);
    for (size_t k = 0; k < ncol; ++k) d.etiquetas.push_back(EtiquetaColumna(cat, k, d.id));
    const auto it = corte.tally.distritos.find(d.id);
    d.tally = it == corte.tally.distritos.end() ? &TallyVacio() : &it->second;
    d.resumen = domain::Summarize(d.tally->counts, corte.Ajustes());
    d.grupos = GruposCandidatura(cat, d.aplica, d.etiquetas);
    d.thead_actas =
        "<thead><tr><th scope=\"col\">Casilla<th scope=\"col\"><abbr title=\"MR: mayoría "
        "relativa; RP: representación proporcional\">Acta</abbr><th "
        "scope=\"col\">Estado<th scope=\"col\">Observaciones<th "
        "scope=\"col\">Lista nominal";
    for (size_t k = 0; k < ncol; ++k) {
      if (!d.aplica[k]) continue;
      d.thead_actas += "<th scope=\"col\">"sv;
      d.thead_actas += d.etiquetas[k].corta;
    }
    d.thead_actas += "<th scope=\"col\">Total</thead>\n"sv;
  }

  ctx.candidaturas_entidad = CandidaturasEntidad(ctx.distritos);

  // Secciones in number order, each with its actas in catálogo order.
  std::sort(seccion_acta.begin(), seccion_acta.end());
  for (const auto& [seccion, i] : seccion_acta) {
    if (ctx.secciones.empty() || ctx.secciones.back().seccion != seccion) {
      SeccionSitio s;
      s.seccion = seccion;
      const ActaPublicada& a = corte.actas[i];
      s.distrito = cat.casillas[cat.actas[*a.acta_index].casilla_index].distrito;
      s.distrito_pos = pos_distrito[s.distrito];
      ctx.distritos[s.distrito_pos].secciones.push_back(ctx.secciones.size());
      ctx.secciones.push_back(std::move(s));
    }
    ctx.secciones.back().actas.push_back(i);
  }
  return ctx;
}

}  // namespace

std::string NombreZipBaseDeDatos(const Corte& corte) { return NombresDe(corte).zip; }

Status GenerarSitio(const Corte& corte, const OpcionesSitio& opciones,
                    const ReceptorArchivo& receptor) {
  if (corte.contienda == nullptr)
    return Status::InvalidArgument("sitio: el corte no tiene contienda");
  if (corte.info.base_de_datos && !EsHex64(opciones.sha256_zip)) {
    return Status::InvalidArgument(
        "sitio: el corte publica la base de datos y OpcionesSitio::sha256_zip no es un SHA-256 "
        "(64 dígitos hexadecimales en minúsculas)");
  }
  if (opciones.prefijo_imagenes.empty()) {
    return Status::InvalidArgument("sitio: OpcionesSitio::prefijo_imagenes está vacío");
  }
  Contexto ctx = Preparar(corte, opciones);
  receptor({"index.html", PaginaEntidad(ctx)});
  receptor({"estilo.css", std::string(kEstilo)});
  receptor({"buscar.js", std::string(kBuscar)});
  receptor({"secciones.html", PaginaSecciones(ctx)});
  for (const DistritoSitio& d : ctx.distritos) {
    ArchivoSitio f;
    RutaDistrito(f.ruta, d.id);
    f.contenido = PaginaDistrito(ctx, d);
    receptor(std::move(f));
  }
  // ctx.secciones is in number order: each group is a run of it.
  for (size_t i = 0; i < ctx.secciones.size();) {
    const int primera = PrimeraDelGrupo(ctx.secciones[i].seccion);
    std::vector<size_t> grupo;
    for (; i < ctx.secciones.size() && PrimeraDelGrupo(ctx.secciones[i].seccion) == primera; ++i) {
      grupo.push_back(i);
    }
    ArchivoSitio f;
    RutaGrupoSecciones(f.ruta, primera);
    f.contenido = PaginaGrupoSecciones(ctx, primera, grupo);
    receptor(std::move(f));
  }
  return Status::Ok();
}

Result<std::vector<ArchivoSitio>> GenerarSitio(const Corte& corte, const OpcionesSitio& opciones) {
  std::vector<ArchivoSitio> archivos;
  Status s =
      GenerarSitio(corte, opciones, [&](ArchivoSitio&& f) { archivos.push_back(std::move(f)); });
  if (!s.ok()) return s;
  return archivos;
}

}  // namespace prep::publish
