// The static public site (publish/sitio.h) of a synthetic corte: the numbers
// on the pages are the corte's tally, config text is escaped, every page names
// its corte, and every link leads to a file the site makes (or to the few it
// names but others make).
#include "publish/sitio.h"

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "base/tiempo.h"
#include "domain/trunc4.h"
#include "publish/base_de_datos.h"
#include "publish/corte_sintetico.h"

namespace prep::publish {
namespace {

using domain::SummaryField;
using prep::testing::CorteSintetico;
using prep::testing::OpcionesCorteSintetico;

const std::string kShaZip(64, 'b');

std::map<std::string, std::string> Generar(const Corte& corte, OpcionesSitio opciones = {}) {
  if (opciones.sha256_zip.empty()) opciones.sha256_zip = kShaZip;
  auto archivos = GenerarSitio(corte, opciones);
  EXPECT_TRUE(archivos.ok()) << archivos.status().message();
  std::map<std::string, std::string> r;
  if (!archivos.ok()) return r;
  for (ArchivoSitio& a : *archivos) {
    EXPECT_TRUE(r.emplace(a.ruta, std::move(a.contenido)).second) << "twice: " << a.ruta;
  }
  return r;
}

bool EsHtml(const std::string& ruta) {
  return ruta.size() > 5 && ruta.compare(ruta.size() - 5, 5, ".html") == 0;
}

// The rows of the table with this id: first text of the row header -> <data value>.
std::map<std::string, int64_t> FilasTabla(const std::string& pagina, const std::string& id) {
  std::map<std::string, int64_t> filas;
  const size_t inicio = pagina.find("<table id=\"" + id + "\"");
  EXPECT_NE(inicio, std::string::npos) << id;
  if (inicio == std::string::npos) return filas;
  const size_t fin = pagina.find("</table>", inicio);
  const std::string tabla = pagina.substr(inicio, fin - inicio);
  static const std::regex kFila(
      R"re(<tr><th scope="row">([^<]*?)(?: <span class="larga">[^<]*</span>)?</th><td class="n"><data value="(-?[0-9]+)">)re");
  for (auto it = std::sregex_iterator(tabla.begin(), tabla.end(), kFila);
       it != std::sregex_iterator(); ++it) {
    filas[(*it)[1]] = std::stoll((*it)[2]);
  }
  return filas;
}

OpcionesSitio Opciones(std::string sha, std::string prefijo = "/imagenes/") {
  OpcionesSitio o;
  o.sha256_zip = std::move(sha);
  o.prefijo_imagenes = std::move(prefijo);
  return o;
}

std::string Pct(int64_t a, int64_t b) { return domain::Trunc4Percent(a, b).ToString() + "%"; }

// Resolves `href` found in page `ruta` to a path from the corte folder.
std::string Resolver(const std::string& ruta, std::string href) {
  std::string dir = ruta.find('/') == std::string::npos ? "" : ruta.substr(0, ruta.rfind('/') + 1);
  while (href.rfind("../", 0) == 0) {
    href = href.substr(3);
    if (dir.empty()) return "<fuera del corte>/" + href;
    dir = dir.substr(0, dir.substr(0, dir.size() - 1).rfind('/') + 1);
  }
  return dir + href;
}

TEST(SitioTest, MakesEveryFileInAFixedOrder) {
  const Corte corte = CorteSintetico();
  auto archivos = GenerarSitio(corte, Opciones(kShaZip));
  ASSERT_TRUE(archivos.ok()) << archivos.status().message();
  std::vector<std::string> rutas;
  for (const ArchivoSitio& a : *archivos) rutas.push_back(a.ruta);
  const std::vector<std::string> esperadas = {
      "index.html", "estilo.css", "buscar.js", "secciones.html", "distritos/01.html",
      "distritos/02.html",
      // Ten secciones to a page, by number: 0085 and 0086 share one.
      "secciones/0080-0089.html", "secciones/1200-1209.html"};
  EXPECT_EQ(rutas, esperadas);
}

TEST(SitioTest, ZipNameIsTheDatabaseWritersName) {
  const Corte corte = CorteSintetico();
  EXPECT_EQ(NombreZipBaseDeDatos(corte), NombresDe(corte).zip);
  EXPECT_EQ(NombreZipBaseDeDatos(corte), "20201018_2020_PREP_DIP_LOC_COAH.zip");
}

TEST(SitioTest, SummaryNumbersAreTheTally) {
  const Corte corte = CorteSintetico();
  auto sitio = Generar(corte);
  const std::string& index = sitio["index.html"];
  const domain::SummaryBlock& r = corte.resumen;
  // The fixture: 7 actas esperadas, 6 capturadas (one not yet), 4 contabilizadas
  // (sin acta and excede lista nominal are not), 1 fuera de catálogo.
  ASSERT_EQ(r.Get(SummaryField::kActasEsperadas), 7);
  ASSERT_EQ(r.Get(SummaryField::kActasCapturadas), 6);
  ASSERT_EQ(r.Get(SummaryField::kActasContabilizadas), 4);
  ASSERT_EQ(r.Get(SummaryField::kActasFueraCatalogo), 1);
  EXPECT_NE(index.find("<dt>Actas esperadas</dt><dd><data value=\"7\">7</data></dd>"),
            std::string::npos);
  EXPECT_NE(index.find("<dt>Actas capturadas</dt><dd><data value=\"6\">6</data> <span "
                       "class=\"pct\">" +
                       Pct(6, 7) + "</span>"),
            std::string::npos);
  EXPECT_NE(index.find("<dt>Actas contabilizadas</dt><dd><data value=\"4\">4</data> <span "
                       "class=\"pct\">" +
                       Pct(4, 7) + "</span>"),
            std::string::npos);
  EXPECT_NE(index.find("<dt>Actas fuera de catálogo</dt><dd><data value=\"1\">1</data>"),
            std::string::npos);
  // Participación during the operation: without the casilla especial's votes.
  const int64_t ln = corte.resumen.Get(SummaryField::kListaNominalActasContabilizadas);
  EXPECT_EQ(ln, 600 + 590);
  EXPECT_NE(index.find("<dt>Participación ciudadana</dt><dd>" +
                       Pct(corte.resumen.Get(SummaryField::kTotalVotosSinCasillasEspeciales), ln)),
            std::string::npos);
  EXPECT_NE(index.find("Capturada no quiere decir contabilizada"), std::string::npos);

  // Votes per column: the entidad tally, and by hand from the fixture's contabilizadas.
  const std::map<std::string, int64_t> por_columna = FilasTabla(index, "votos-tabla");
  const std::vector<int64_t> a_mano = {120 + 100 + 50 + 45,
                                       90 + 0 + 60 + 55,
                                       30 + 25 + 5 + 5,
                                       150 + 140 + 70 + 75,
                                       12 + 8 + 3 + 3,
                                       40 + 35,
                                       1,
                                       9 + 7 + 2 + 2};
  const std::vector<std::string> nombres = {"PAN",
                                            "PRI",
                                            "PRD",
                                            "MORENA",
                                            "PRI-PRD",
                                            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; "
                                            "O&#39;Brien &amp; Hijos",
                                            "No registrados",
                                            "Nulos"};
  ASSERT_EQ(corte.tally.entidad.votos.size(), nombres.size());
  int64_t total = 0;
  for (size_t c = 0; c < nombres.size(); ++c) {
    EXPECT_EQ(corte.tally.entidad.votos[c], a_mano[c]) << nombres[c];
    ASSERT_EQ(por_columna.count(nombres[c]), 1u) << nombres[c];
    EXPECT_EQ(por_columna.at(nombres[c]), a_mano[c]) << nombres[c];
    total += a_mano[c];
  }
  EXPECT_EQ(por_columna.at("Total de votos"), total);
  EXPECT_EQ(total, corte.resumen.Get(SummaryField::kTotalVotosConCasillasEspeciales));
  EXPECT_NE(index.find("<th scope=\"row\">PAN <span class=\"larga\">Partido Acción "
                       "Nacional</span></th><td class=\"n\"><data value=\"315\">315</data></td><td "
                       "class=\"n\">" +
                       Pct(315, total) + "</td>"),
            std::string::npos);

  // By candidatura: the coalición adds its partidos and their combinación.
  const std::map<std::string, int64_t> por_candidatura =
      FilasTabla(index, "votos-candidatura-tabla");
  EXPECT_EQ(por_candidatura.at("Coahuila Primero"), a_mano[1] + a_mano[2] + a_mano[4]);
  EXPECT_EQ(por_candidatura.at("PAN"), a_mano[0]);
  EXPECT_EQ(por_candidatura.at("Candidaturas independientes"), a_mano[5]);
  EXPECT_EQ(por_candidatura.count("PRI"), 0u);
  EXPECT_EQ(por_candidatura.at("Total de votos"), total);
}

TEST(SitioTest, DistritoPageHasItsTallyAndItsSecciones) {
  const Corte corte = CorteSintetico();
  auto sitio = Generar(corte);
  const std::string& d1 = sitio["distritos/01.html"];
  const std::string& d2 = sitio["distritos/02.html"];
  EXPECT_NE(d1.find("<h1>Distrito 01 · Saltillo</h1>"), std::string::npos)
      << "names in capitals are shown in ordinary case";
  const auto v1 = FilasTabla(d1, "votos-tabla");
  EXPECT_EQ(v1.at("PAN"), 220);
  EXPECT_EQ(v1.at("Total de votos"), corte.tally.distritos.at(1).counts.total_votos_c_cs);
  // The candidatura independiente runs in distrito 1 only: a column of distrito 2 would be wrong.
  EXPECT_EQ(FilasTabla(d2, "votos-tabla").count("Candidaturas independientes"), 0u);
  EXPECT_EQ(FilasTabla(d2, "votos-tabla").at("PAN"), 95);
  EXPECT_NE(d1.find("href=\"../secciones/0080-0089.html#s0085\""), std::string::npos);
  EXPECT_NE(d1.find("href=\"../secciones/0080-0089.html#s0086\""), std::string::npos);
  EXPECT_EQ(d1.find("#s1203\""), std::string::npos);
  EXPECT_NE(d2.find("href=\"../secciones/1200-1209.html#s1203\""), std::string::npos);
  EXPECT_NE(d1.find("Ana Pérez"), std::string::npos) << "candidaturas registradas";
  EXPECT_EQ(d1.find("Rosa Luna"), std::string::npos);
}

// One sección's block of its group's page: from its <section> to the next one.
std::string Bloque(const std::string& pagina, const std::string& seccion) {
  const size_t inicio = pagina.find("<section class=\"seccion\" id=\"s" + seccion + "\"");
  EXPECT_NE(inicio, std::string::npos) << seccion;
  if (inicio == std::string::npos) return "";
  return pagina.substr(inicio, pagina.find("</section>", inicio) - inicio);
}

// The foot of a sección's acta table: the votes of its contabilizadas, per column.
std::vector<int64_t> PieTabla(const std::string& bloque) {
  std::vector<int64_t> v;
  const size_t inicio = bloque.find("<tfoot>");
  EXPECT_NE(inicio, std::string::npos);
  if (inicio == std::string::npos) return v;
  const std::string pie = bloque.substr(inicio, bloque.find("</tfoot>", inicio) - inicio);
  static const std::regex kCelda(R"re(<td><data value="(-?[0-9]+)">)re");
  for (auto it = std::sregex_iterator(pie.begin(), pie.end(), kCelda); it != std::sregex_iterator();
       ++it) {
    v.push_back(std::stoll((*it)[1]));
  }
  return v;
}

// The times of an acta: the day once, and again only where it changes.
// The fixture's corte is 18/10/2020 20:20 (UTC-5); its actas were gathered
// 40, captured 30 and verified 20 minutes before. Acta 0 is moved to cross
// midnight: gathered at 23:50, captured at 00:05 and verified at 00:10.
TEST(SitioTest, ActaTimesWriteTheDayOnlyWhereItChanges) {
  const Corte corte = CorteSintetico();
  const std::string s85 = Bloque(Generar(corte)["secciones/0080-0089.html"], "0085");
  EXPECT_NE(s85.find("<p class=\"horas\">Acopio 18/10/2020 19:40 · Captura 19:50 · "
                     "Verificación 20:00 (UTC-5)\n"),
            std::string::npos)
      << s85;
  std::vector<ActaPublicada> actas = corte.actas;
  ASSERT_TRUE(actas[0].capturada);
  const int64_t minuto = 60 * 1000;
  actas[0].hora_acopio_ms = corte.info.instante_utc_ms + 210 * minuto;
  actas[0].hora_captura_ms = corte.info.instante_utc_ms + 225 * minuto;
  actas[0].hora_verificacion_ms = corte.info.instante_utc_ms + 230 * minuto;
  const Corte noche = ArmarCorte(corte.info, corte.contienda, std::move(actas));
  const std::string n85 = Bloque(Generar(noche)["secciones/0080-0089.html"], "0085");
  EXPECT_NE(n85.find("<p class=\"horas\">Acopio 18/10/2020 23:50 · Captura 19/10/2020 00:05 · "
                     "Verificación 00:10 (UTC-5)\n"),
            std::string::npos)
      << n85;
}

TEST(SitioTest, SeccionPageShowsEveryActa) {
  const Corte corte = CorteSintetico();
  auto sitio = Generar(corte, {kShaZip, "https://imagenes.example/actas/", ""});
  const std::string& grupo = sitio["secciones/0080-0089.html"];
  EXPECT_NE(grupo.find("<h1>Secciones 0080 a 0089</h1>"), std::string::npos);
  const std::string s85 = Bloque(grupo, "0085");
  const std::string s86 = Bloque(grupo, "0086");
  const std::string s1203 = Bloque(sitio["secciones/1200-1209.html"], "1203");
  EXPECT_NE(s85.find("<h2 id=\"s0085-t\">Sección 0085</h2>"), std::string::npos);
  EXPECT_NE(s85.find("href=\"../distritos/01.html\""), std::string::npos) << "its distrito";
  // End tags of cells, rows and items are omitted on sección pages (the browser
  // test reads them through the DOM).
  EXPECT_NE(s85.find("<tr><th scope=\"row\">Básica<td>MR<td>"), std::string::npos);
  EXPECT_NE(s85.find("<tr><th scope=\"row\">Contigua 1<td>"), std::string::npos);
  EXPECT_NE(s85.find("Ilegible"), std::string::npos) << "the ILEGIBLE field and its observación";
  size_t actas85 = 0;
  for (const ActaPublicada& a : corte.actas) {
    if (!a.acta_index) continue;
    const domain::Catalogo& cat = corte.catalogo();
    actas85 += cat.casillas[cat.actas[*a.acta_index].casilla_index].id.seccion == 85 ? 1 : 0;
  }
  size_t filas85 = 0;
  for (size_t i = s85.find("<tbody>");
       (i = s85.find("<tr><th scope=\"row\">", i + 1)) < s85.find("</tbody>");) {
    ++filas85;
  }
  EXPECT_GT(actas85, 1u);
  EXPECT_EQ(filas85, actas85) << "one row per acta of sección 0085, none of 0086";
  EXPECT_NE(s86.find("Aún no capturada"), std::string::npos);
  EXPECT_NE(s86.find("Sin imagen publicada"), std::string::npos);
  const std::string sin_acta = domain::ObservacionSet{domain::Observacion::kSinActa}.ToString(
      domain::SinActaMotivo::kPaqueteNoEntregado);
  EXPECT_NE(s1203.find(sin_acta), std::string::npos) << sin_acta;
  const std::string excede =
      domain::ObservacionSet{domain::Observacion::kExcedeListaNominal}.ToString();
  EXPECT_NE(s1203.find(excede), std::string::npos) << excede;
  EXPECT_NE(s1203.find("<strong>No contabilizada</strong>"), std::string::npos);
  EXPECT_NE(s1203.find("representación proporcional"), std::string::npos);
  // Image link and its fingerprint, with how to check it (once per page).
  const std::string sha(64, 'a');
  EXPECT_NE(s85.find("<img src=\"https://imagenes.example/actas/" + sha + ".png\""),
            std::string::npos);
  EXPECT_EQ(s85.find("<a href=\"https://imagenes.example/"), std::string::npos)
      << "an image is not wrapped in a link to itself";
  EXPECT_NE(s85.find("<code class=\"sha\">" + sha + "</code>"), std::string::npos);
  EXPECT_NE(grupo.find("sha256sum"), std::string::npos);
  EXPECT_NE(grupo.find("Capturada no quiere decir contabilizada"), std::string::npos);
  // Acopio, captura and verificación times, with the offset.
  EXPECT_NE(s85.find("Acopio 18/10/2020 19:40"), std::string::npos);
  EXPECT_NE(s85.find("(UTC-5)\n"), std::string::npos);
  // The vote cells as captured; the table's foot is the sección's tally, column by
  // column (PAN first), then the total.
  EXPECT_NE(s85.find("<td>120<td>90<td>"), std::string::npos);
  const std::vector<int64_t> pie85 = PieTabla(s85);
  ASSERT_FALSE(pie85.empty());
  EXPECT_EQ(pie85.front(), 220);
  EXPECT_EQ(pie85.back(), corte.tally.secciones.at(85).counts.total_votos_c_cs);
  const std::vector<int64_t> pie1203 = PieTabla(s1203);
  ASSERT_FALSE(pie1203.empty());
  EXPECT_EQ(pie1203.front(), 95) << "excede lista nominal not added";
}

TEST(SitioTest, ConfigurationTextIsEscaped) {
  const Corte corte = CorteSintetico();
  OpcionesSitio o{kShaZip, "/imagenes/", "Instituto <b>Electoral</b> & \"Cía\""};
  auto sitio = Generar(corte, o);
  for (const auto& [ruta, contenido] : sitio) {
    if (!EsHtml(ruta)) continue;
    EXPECT_EQ(contenido.find("<script>alert"), std::string::npos) << ruta;
    EXPECT_EQ(contenido.find("<b>Electoral"), std::string::npos) << ruta;
    EXPECT_NE(contenido.find("Instituto &lt;b&gt;Electoral&lt;/b&gt; &amp; &quot;Cía&quot;"),
              std::string::npos)
        << ruta;
    // The only script any page loads is the optional search.
    size_t pos = 0;
    while ((pos = contenido.find("<script", pos)) != std::string::npos) {
      EXPECT_EQ(ruta, "secciones.html");
      const std::string esperado = "<script src=\"buscar.js\" defer></script>";
      EXPECT_EQ(contenido.compare(pos, esperado.size(), esperado), 0) << ruta;
      ++pos;
    }
  }
  EXPECT_NE(sitio["distritos/01.html"].find("&lt;script&gt;alert(&quot;x&quot;)"),
            std::string::npos);
}

TEST(SitioTest, EveryPageNamesItsCorteAndFitsAPhone) {
  const Corte corte = CorteSintetico();
  for (const auto& [ruta, contenido] : Generar(corte)) {
    if (!EsHtml(ruta)) continue;
    EXPECT_EQ(contenido.rfind("<!DOCTYPE html>\n<html lang=\"es\">", 0), 0u) << ruta;
    EXPECT_NE(contenido.find("<meta name=\"prep-corte\" content=\"20201018_2020\">"),
              std::string::npos)
        << ruta;
    EXPECT_NE(contenido.find("<meta name=\"viewport\" content=\"width=device-width"),
              std::string::npos)
        << ruta;
    EXPECT_EQ(contenido.find("SIMULACRO"), std::string::npos) << ruta;
    // Every table scrolls inside its own box, never the page.
    size_t tablas = 0, cajas = 0;
    for (size_t p = 0; (p = contenido.find("<table", p)) != std::string::npos; ++p) ++tablas;
    for (size_t p = 0; (p = contenido.find("<div class=\"tabla\"", p)) != std::string::npos; ++p) {
      ++cajas;
    }
    EXPECT_EQ(tablas, cajas) << ruta;
    // Every chart has its table, named by aria-describedby.
    static const std::regex kGrafica(R"re(<svg role="img"[^>]*aria-describedby="([^"]+)")re");
    for (auto it = std::sregex_iterator(contenido.begin(), contenido.end(), kGrafica);
         it != std::sregex_iterator(); ++it) {
      EXPECT_NE(contenido.find("<table id=\"" + (*it)[1].str() + "\""), std::string::npos)
          << ruta << " " << (*it)[1];
    }
  }
  const std::string css = Generar(corte)["estilo.css"];
  EXPECT_NE(css.find(".tabla { overflow-x: auto;"), std::string::npos);
}

TEST(SitioTest, CorteTimeAndNextCorteWithTheirOffset) {
  auto sitio = Generar(CorteSintetico());
  const std::string& index = sitio["index.html"];
  EXPECT_NE(index.find("Corte: <time datetime=\"2020-10-18T20:20:00-05:00\">18/10/2020 20:20 "
                       "(UTC-5)</time> · Siguiente corte: <time "
                       "datetime=\"2020-10-18T20:40:00-05:00\">18/10/2020 20:40 (UTC-5)</time>"),
            std::string::npos);
  EXPECT_EQ(index.find("Corte final"), std::string::npos);
}

TEST(SitioTest, FinalCorteIsMarkedAndHasNoNextOne) {
  OpcionesCorteSintetico o;
  o.final = true;
  const Corte corte = CorteSintetico(o);
  auto sitio = Generar(corte);
  for (const auto& [ruta, contenido] : sitio) {
    if (!EsHtml(ruta)) continue;
    EXPECT_NE(contenido.find("Corte final"), std::string::npos) << ruta;
    EXPECT_EQ(contenido.find("Siguiente corte"), std::string::npos) << ruta;
  }
  // At the last corte participación adds the casilla especial's votes.
  const int64_t ln = corte.resumen.Get(SummaryField::kListaNominalActasContabilizadas);
  EXPECT_NE(sitio["index.html"].find(
                "<dt>Participación ciudadana</dt><dd>" +
                Pct(corte.resumen.Get(SummaryField::kTotalVotosConCasillasEspeciales), ln)),
            std::string::npos);
}

TEST(SitioTest, SimulacroSaysSoOnEveryPage) {
  OpcionesCorteSintetico o;
  o.simulacro = true;
  for (const auto& [ruta, contenido] : Generar(CorteSintetico(o))) {
    if (!EsHtml(ruta)) continue;
    EXPECT_NE(contenido.find("<div class=\"simulacro\" role=\"note\">SIMULACRO"), std::string::npos)
        << ruta;
    EXPECT_NE(contenido.find("<meta name=\"prep-simulacro\" content=\"1\">"), std::string::npos)
        << ruta;
    EXPECT_NE(contenido.find("<title>SIMULACRO · "), std::string::npos) << ruta;
  }
}

// Every link of every page leads to a file of the site, to an id of its page,
// or to what the site names but others make: manifest.json, the zip, the images.
void RevisarEnlaces(const Corte& corte, const std::map<std::string, std::string>& sitio) {
  const std::string zip = NombreZipBaseDeDatos(corte);
  static const std::regex kEnlace(R"re((?:href|src)="([^"]*)")re");
  int enlaces = 0;
  for (const auto& [ruta, contenido] : sitio) {
    if (!EsHtml(ruta)) continue;
    for (auto it = std::sregex_iterator(contenido.begin(), contenido.end(), kEnlace);
         it != std::sregex_iterator(); ++it) {
      std::string href = (*it)[1];
      ++enlaces;
      if (href.rfind("/imagenes/", 0) == 0) {
        EXPECT_NE(href.find(std::string(64, 'a')), std::string::npos) << href;
        continue;
      }
      EXPECT_EQ(href.find("://"), std::string::npos) << ruta << ": " << href;
      std::string ancla;
      if (const size_t h = href.find('#'); h != std::string::npos) {
        ancla = href.substr(h + 1);
        href = href.substr(0, h);
      }
      const std::string destino = href.empty() ? ruta : Resolver(ruta, href);
      if (destino == "manifest.json" || (corte.info.base_de_datos && destino == zip)) continue;
      ASSERT_EQ(sitio.count(destino), 1u) << ruta << " links to " << (*it)[1];
      if (!ancla.empty()) {
        EXPECT_NE(sitio.at(destino).find("id=\"" + ancla + "\""), std::string::npos)
            << ruta << " links to " << (*it)[1];
      }
    }
  }
  EXPECT_GT(enlaces, 50);
}

TEST(SitioTest, EveryLinkResolves) {
  const Corte corte = CorteSintetico();
  const auto sitio = Generar(corte);
  RevisarEnlaces(corte, sitio);
  EXPECT_NE(sitio.at("index.html").find("href=\"20201018_2020_PREP_DIP_LOC_COAH.zip\""),
            std::string::npos);
  EXPECT_NE(sitio.at("index.html").find(kShaZip), std::string::npos);

  OpcionesCorteSintetico sin_zip;
  sin_zip.base_de_datos = false;
  const Corte otro = CorteSintetico(sin_zip);
  const auto sitio2 = Generar(otro);
  RevisarEnlaces(otro, sitio2);
  EXPECT_EQ(sitio2.at("index.html").find(".zip"), std::string::npos);
}

TEST(SitioTest, SeccionesPageIsTheSearchWithoutJavaScript) {
  auto sitio = Generar(CorteSintetico());
  const std::string& s = sitio["secciones.html"];
  for (const auto& [grupo, seccion] :
       {std::pair{"0080-0089", "0085"}, std::pair{"0080-0089", "0086"},
        std::pair{"1200-1209", "1203"}}) {
    EXPECT_NE(s.find(std::string("<a href=\"secciones/") + grupo + ".html#s" + seccion + "\">" +
                     seccion + "</a>"),
              std::string::npos)
        << seccion;
  }
  // The form is hidden until the script shows it: without JavaScript only the links are seen.
  EXPECT_NE(s.find("<form id=\"buscar\" class=\"buscar\" role=\"search\" action=\"#\" hidden>"),
            std::string::npos);
  EXPECT_NE(sitio["buscar.js"].find("form.hidden = false"), std::string::npos);
  EXPECT_NE(sitio["index.html"].find("href=\"secciones.html\""), std::string::npos);
}

TEST(SitioTest, RefusesOptionsThatWouldMakeAWrongPage) {
  const Corte corte = CorteSintetico();
  int recibidos = 0;
  auto contar = [&](ArchivoSitio&&) { ++recibidos; };
  EXPECT_EQ(GenerarSitio(corte, OpcionesSitio{}, contar).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(GenerarSitio(corte, Opciones("ABC"), contar).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(GenerarSitio(corte, Opciones(kShaZip, ""), contar).code(),
            StatusCode::kInvalidArgument);
  Corte sin_contienda;
  EXPECT_EQ(GenerarSitio(sin_contienda, Opciones(kShaZip), contar).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(recibidos, 0);
  // Without the zip no sha256 is needed.
  OpcionesCorteSintetico o;
  o.base_de_datos = false;
  EXPECT_TRUE(GenerarSitio(CorteSintetico(o), OpcionesSitio{}, contar).ok());
  EXPECT_GT(recibidos, 0);
}

}  // namespace
}  // namespace prep::publish
