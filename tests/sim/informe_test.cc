#include "sim/informe.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/tiempo.h"

namespace prep::sim {
namespace {

constexpr int64_t kHora = 60 * kMsPorMinuto;

// 18/10/2020 18:00 at UTC-5 (23:00 UTC).
int64_t Inicio() { return DiasDesdeCivil(2020, 10, 18) * kMsPorDia + 23 * kHora; }

// A clean drill: nothing lost, every corte verifies; no faults, restarts or incidents.
DatosInforme Limpio() {
  DatosInforme d;
  d.titulo = "Simulacro 1 — Diputaciones locales, Coahuila 2020";
  d.eleccion = "DIPUTACIONES LOCALES";
  d.offset_minutos = -300;
  d.inicio_ms = Inicio();
  d.fin_ms = Inicio() + 24 * kHora;
  d.generado_utc_ms = DiasDesdeCivil(2020, 9, 30) * kMsPorDia + 17 * kHora;
  d.factor = 288;
  d.minutos_reales = 5;
  d.actas_esperadas = 3;
  d.fases = {{"acopio", 3, 1, 12.34, 20.5, 33.3, 1234.56}, {"verificacion", 3, 0, 5, 6, 7, 8}};
  d.dentro_de_ventana = {{"acopiadas", 3}, {"verificadas", 2}};
  d.avance = {
      {"acopiadas", {{Inicio() + 30 * kMsPorMinuto, 1}, {Inicio() + 70 * kMsPorMinuto, 3}}},
      {"verificadas", {{Inicio() + 90 * kMsPorMinuto, 2}}},
  };
  d.cortes_ms = {Inicio() + 20 * kMsPorMinuto, Inicio() + 40 * kMsPorMinuto};
  d.integridad = {.acuses = 12,
                  .encontrados = 12,
                  .perdidos = 0,
                  .duplicados = 0,
                  .cadena_ok = true,
                  .cadena = "14 eventos verificados"};
  d.publicacion = {.cortes = 72,
                   .verifica = true,
                   .verificacion = "firmas correctas",
                   .zips = 72,
                   .zips_ok = 72,
                   .final_id = "20201019_1800"};
  return d;
}

// The element that starts at the first `abre` and ends at the next `cierra`.
std::string Trozo(const std::string& html, std::string_view abre, std::string_view cierra) {
  const size_t i = html.find(abre);
  if (i == std::string::npos) return "";
  const size_t j = html.find(cierra, i);
  return html.substr(i, j == std::string::npos ? std::string::npos : j + cierra.size() - i);
}

size_t Cuenta(std::string_view texto, std::string_view que) {
  size_t n = 0;
  for (size_t i = texto.find(que); i != std::string_view::npos; i = texto.find(que, i + 1)) ++n;
  return n;
}

std::string Integridad(const std::string& html) {
  return Trozo(html, "<section id=\"veredicto-integridad\"", "</section>");
}
std::string Publicacion(const std::string& html) {
  return Trozo(html, "<section id=\"veredicto-publicacion\"", "</section>");
}
std::string Seccion(const std::string& html, std::string_view id) {
  return Trozo(html, "<section aria-labelledby=\"" + std::string(id) + "\"", "</section>");
}

TEST(InformeHtml, PaginaAutocontenida) {
  const std::string html = InformeHtml(Limpio());
  EXPECT_EQ(html.rfind("<!doctype html>\n<html lang=\"es\">", 0), 0u);
  EXPECT_NE(html.find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_NE(html.find("<meta name=\"viewport\""), std::string::npos);
  EXPECT_NE(html.find("<meta name=\"prep-informe\" content=\"simulacro\">"), std::string::npos);
  EXPECT_NE(html.find("<style>"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  EXPECT_NE(html.find("<h1>Simulacro 1 — Diputaciones locales, Coahuila 2020</h1>"),
            std::string::npos);
}

TEST(InformeHtml, CabeceraConHorasLocalesYFactor) {
  const std::string html = InformeHtml(Limpio());
  EXPECT_NE(html.find("18/10/2020 18:00 (UTC-5) a 19/10/2020 18:00 (UTC-5) (24 h de elección)"),
            std::string::npos);
  EXPECT_NE(html.find("30/09/2020 17:00 (UTC)"), std::string::npos);
  EXPECT_NE(html.find("El reloj de la elección corrió 288 veces más rápido que el real"),
            std::string::npos);
  EXPECT_NE(html.find("duró 5.0 minutos reales"), std::string::npos);
}

TEST(InformeHtml, VeredictoLimpioEsVerde) {
  const std::string html = InformeHtml(Limpio());
  const std::string v = Integridad(html);
  ASSERT_FALSE(v.empty());
  EXPECT_NE(v.find("class=\"veredicto ok\""), std::string::npos) << v;
  EXPECT_NE(v.find("data-perdidos=\"0\""), std::string::npos);
  EXPECT_NE(v.find("Ningún paso confirmado se perdió"), std::string::npos);
  EXPECT_NE(v.find("De 12 pasos confirmados"), std::string::npos);
  EXPECT_NE(v.find("12 están en el registro"), std::string::npos);
  EXPECT_NE(v.find("duplicados: 0"), std::string::npos);
  EXPECT_NE(v.find("verificada"), std::string::npos);
  EXPECT_EQ(html.find("veredicto falla"), std::string::npos);
  // The integrity verdict comes before every other section.
  EXPECT_LT(html.find("</h1>"), html.find("veredicto-integridad"));
  EXPECT_LT(html.find("veredicto-integridad"), html.find("Ventana de publicación (hora local)"));
  EXPECT_LT(html.find("veredicto-integridad"), html.find("veredicto-publicacion"));
  EXPECT_LT(html.find("veredicto-publicacion"), html.find("id=\"ventana\""));
}

TEST(InformeHtml, PasosPerdidosEnRojo) {
  DatosInforme d = Limpio();
  d.integridad.perdidos = 2;
  d.integridad.encontrados = 10;
  const std::string v = Integridad(InformeHtml(d));
  EXPECT_NE(v.find("class=\"veredicto falla\""), std::string::npos) << v;
  EXPECT_NE(v.find("data-perdidos=\"2\""), std::string::npos);
  EXPECT_NE(v.find("Se perdieron 2 pasos confirmados"), std::string::npos) << v;
  EXPECT_NE(v.find("perdidos: 2"), std::string::npos);
  EXPECT_EQ(v.find("Ningún paso confirmado se perdió"), std::string::npos);

  d.integridad.perdidos = 1;
  EXPECT_NE(Integridad(InformeHtml(d)).find("Se perdió 1 paso confirmado"), std::string::npos);
}

TEST(InformeHtml, DuplicadosYCadenaRotaTambienFallan) {
  DatosInforme d = Limpio();
  d.integridad.duplicados = 3;
  std::string v = Integridad(InformeHtml(d));
  EXPECT_NE(v.find("class=\"veredicto falla\""), std::string::npos);
  EXPECT_NE(v.find("data-perdidos=\"0\""), std::string::npos);
  EXPECT_NE(v.find("3 pasos aparecen duplicados en el registro"), std::string::npos) << v;

  d = Limpio();
  d.integridad.cadena_ok = false;
  d.integridad.cadena = "evento 7: hash <distinto>";
  v = Integridad(InformeHtml(d));
  EXPECT_NE(v.find("class=\"veredicto falla\""), std::string::npos);
  EXPECT_NE(v.find("La cadena de hashes no verifica"), std::string::npos) << v;
  EXPECT_NE(v.find("evento 7: hash &lt;distinto&gt;"), std::string::npos);
}

TEST(InformeHtml, VeredictoDePublicacion) {
  DatosInforme d = Limpio();
  std::string v = Publicacion(InformeHtml(d));
  EXPECT_NE(v.find("class=\"veredicto ok\""), std::string::npos) << v;
  EXPECT_NE(v.find("Los 72 cortes publicados verifican"), std::string::npos);
  EXPECT_NE(v.find("72 de 72 correctas"), std::string::npos);
  EXPECT_NE(v.find("<code>20201019_1800</code>"), std::string::npos);

  d.publicacion.zips_ok = 71;
  d.publicacion.final_id.clear();
  v = Publicacion(InformeHtml(d));
  EXPECT_NE(v.find("class=\"veredicto falla\""), std::string::npos);
  EXPECT_NE(v.find("La revisión con prep check falló en 1 de 72 bases de datos"), std::string::npos)
      << v;
  EXPECT_NE(v.find("no hubo corte final"), std::string::npos);
  EXPECT_NE(v.find("Corte final: ninguno"), std::string::npos);

  d = Limpio();
  d.publicacion.verifica = false;
  v = Publicacion(InformeHtml(d));
  EXPECT_NE(v.find("class=\"veredicto falla\""), std::string::npos);
  EXPECT_NE(v.find("La verificación con prep verify falló"), std::string::npos) << v;
}

TEST(InformeHtml, EscapaTodoElTexto) {
  DatosInforme d = Limpio();
  const std::string hostil = "<script>alert(\"x\")</script> & 'q'";
  d.titulo = hostil;
  d.incidentes = {{Inicio() + kHora, hostil}};
  d.fallas = {hostil};
  d.avance[0].nombre = hostil;
  d.fases[0].fase = hostil;
  d.publicacion.verificacion = hostil;
  const std::string html = InformeHtml(d);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("'q'"), std::string::npos);
  const std::string escapado =
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;";
  // Title (twice), incident, fault, series (legend and column), phase (chart and table), verify.
  EXPECT_GE(Cuenta(html, escapado), 7u);
  EXPECT_NE(Seccion(html, "incidentes").find(escapado), std::string::npos);
}

TEST(InformeHtml, CadaGraficaTieneSuTabla) {
  const std::string html = InformeHtml(Limpio());
  size_t graficas = 0;
  std::set<std::string> ids;
  for (size_t i = html.find("<svg"); i != std::string::npos; i = html.find("<svg", i + 1)) {
    const std::string etiqueta = html.substr(i, html.find('>', i) - i);
    if (etiqueta.find("role=\"img\"") == std::string::npos) continue;
    ++graficas;
    EXPECT_NE(etiqueta.find("viewBox=\""), std::string::npos) << etiqueta;
    const std::string atributo = "aria-describedby=\"";
    const size_t a = etiqueta.find(atributo);
    ASSERT_NE(a, std::string::npos) << etiqueta;
    const size_t b = a + atributo.size();
    const std::string id = etiqueta.substr(b, etiqueta.find('"', b) - b);
    EXPECT_TRUE(ids.insert(id).second) << id;
    const size_t tabla = html.find("<table id=\"" + id + "\"");
    ASSERT_NE(tabla, std::string::npos) << id;
    EXPECT_GT(tabla, i) << id << ": the table comes after its chart";
    EXPECT_LT(tabla, html.find("</section>", i)) << id << ": in the same section";
  }
  EXPECT_EQ(graficas, 2u);
  EXPECT_EQ(ids, (std::set<std::string>{"fases-tabla", "avance-tabla"}));
}

TEST(InformeHtml, PorcentajesTruncadosNoRedondeados) {
  DatosInforme d = Limpio();
  const std::string ventana = Seccion(InformeHtml(d), "ventana");
  EXPECT_NE(ventana.find("66.66 %"), std::string::npos) << ventana;  // 2 of 3
  EXPECT_EQ(ventana.find("66.67"), std::string::npos);
  EXPECT_NE(ventana.find("100.00 %"), std::string::npos);

  d.actas_esperadas = 0;
  const std::string sin = Seccion(InformeHtml(d), "ventana");
  EXPECT_EQ(sin.find(" %"), std::string::npos);
  EXPECT_EQ(Cuenta(sin, "<td class=\"n\">—</td>"), 2u) << sin;
}

TEST(InformeHtml, LatenciasConUnDecimal) {
  const std::string fases = Seccion(InformeHtml(Limpio()), "fases");
  EXPECT_NE(fases.find("<th scope=\"row\">Acopio</th><td class=\"n\">3</td><td "
                       "class=\"n\">1</td><td class=\"n\">12.3</td><td class=\"n\">20.5</td><td "
                       "class=\"n\">33.3</td><td class=\"n\">1,234.6</td>"),
            std::string::npos)
      << fases;
  EXPECT_NE(fases.find("Verificación"), std::string::npos);
  EXPECT_NE(fases.find("12.3 ms</text>"), std::string::npos);  // the bar's label
}

std::vector<std::string> FilasDeAvance(const std::string& html) {
  const std::string tabla = Trozo(html, "<table id=\"avance-tabla\"", "</table>");
  const std::string cuerpo = Trozo(tabla, "<tbody>", "</tbody>");
  std::vector<std::string> filas;
  for (size_t i = cuerpo.find("<tr>"); i != std::string::npos; i = cuerpo.find("<tr>", i + 1)) {
    filas.push_back(cuerpo.substr(i, cuerpo.find("</tr>", i) - i));
  }
  return filas;
}

TEST(InformeHtml, TablaDeAvanceUnaFilaPorHora) {
  const std::vector<std::string> filas = FilasDeAvance(InformeHtml(Limpio()));
  ASSERT_EQ(filas.size(), 25u);  // 18:00 to 18:00 the next day, both included
  EXPECT_NE(filas.front().find("18/10/2020 18:00"), std::string::npos);
  EXPECT_NE(filas.back().find("19/10/2020 18:00"), std::string::npos);
  // Cumulative at the hour: acopiadas 1 at 18:30, 3 at 19:10; verificadas 2 at 19:30.
  EXPECT_NE(filas[0].find("<td class=\"n\">0</td><td class=\"n\">0</td>"), std::string::npos);
  EXPECT_NE(filas[1].find("<td class=\"n\">1</td><td class=\"n\">0</td>"), std::string::npos)
      << filas[1];
  EXPECT_NE(filas[2].find("<td class=\"n\">3</td><td class=\"n\">2</td>"), std::string::npos)
      << filas[2];
  EXPECT_NE(filas[24].find("<td class=\"n\">3</td><td class=\"n\">2</td>"), std::string::npos);
}

TEST(InformeHtml, TablaDeAvanceTerminaEnElFinAunqueNoSeaHoraEntera) {
  DatosInforme d = Limpio();
  d.fin_ms = Inicio() + 2 * kHora + 30 * kMsPorMinuto;
  const std::vector<std::string> filas = FilasDeAvance(InformeHtml(d));
  ASSERT_EQ(filas.size(), 4u);  // 18:00, 19:00, 20:00 and 20:30
  EXPECT_NE(filas.back().find("18/10/2020 20:30"), std::string::npos);
}

TEST(InformeHtml, LineasConColorYGuionesDistintos) {
  DatosInforme d = Limpio();
  for (int i = 0; i < 3; ++i) d.avance.push_back({"serie", {{Inicio() + kHora, i}}});
  const std::string svg = Trozo(InformeHtml(d),
                                "<svg class=\"plano\" role=\"img\" "
                                "aria-labelledby=\"avance-grafica\"",
                                "</svg>");
  std::set<std::string> colores, guiones;
  size_t lineas = 0;
  for (size_t i = svg.find("<polyline"); i != std::string::npos; i = svg.find("<polyline", i + 1)) {
    const std::string p = svg.substr(i, svg.find("/>", i) - i);
    const size_t c = p.find("stroke=\"") + 8;
    colores.insert(p.substr(c, p.find('"', c) - c));
    const size_t g = p.find("stroke-dasharray=\"");
    guiones.insert(g == std::string::npos ? "" : p.substr(g + 18, p.find('"', g + 18) - g - 18));
    ++lineas;
  }
  EXPECT_EQ(lineas, 5u);
  EXPECT_EQ(colores.size(), 5u);
  EXPECT_EQ(guiones.size(), 5u);
  EXPECT_NE(svg.find("class=\"cortes\""), std::string::npos);
  EXPECT_NE(svg.find("class=\"fin\""), std::string::npos);
  EXPECT_NE(svg.find(">20:00</text>"), std::string::npos);
}

TEST(InformeHtml, ListasVaciasDicenNinguno) {
  const std::string html = InformeHtml(Limpio());
  EXPECT_NE(Seccion(html, "reinicios").find("Ninguno."), std::string::npos);
  EXPECT_NE(Seccion(html, "incidentes").find("Ninguno."), std::string::npos);
  EXPECT_NE(Seccion(html, "fallas").find("Ninguna."), std::string::npos);
  EXPECT_EQ(html.find("reinicios-tabla"), std::string::npos);
  EXPECT_EQ(html.find("incidentes-tabla"), std::string::npos);

  DatosInforme d = Limpio();
  d.avance.clear();
  d.fases.clear();
  const std::string vacio = InformeHtml(d);
  EXPECT_NE(Seccion(vacio, "avance").find("Ninguno."), std::string::npos);
  EXPECT_NE(Seccion(vacio, "fases").find("Ninguno."), std::string::npos);
  EXPECT_EQ(vacio.find("role=\"img\""), std::string::npos);  // no chart without its table
}

TEST(InformeHtml, ReiniciosEIncidentesEnHoraLocal) {
  DatosInforme d = Limpio();
  d.reinicios = {{Inicio() + 3 * kHora + 17 * kMsPorMinuto, 2340}};
  d.incidentes = {{Inicio() + 2 * kHora, "CATD 07 sin red"}};
  d.fallas = {"Servidor detenido con SIGKILL"};
  const std::string html = InformeHtml(d);
  const std::string r = Seccion(html, "reinicios");
  EXPECT_NE(r.find("<td class=\"hora\">18/10/2020 21:17:00</td><td class=\"n\">2.3</td>"),
            std::string::npos)
      << r;
  EXPECT_NE(r.find("UTC-5"), std::string::npos);
  EXPECT_NE(Seccion(html, "incidentes").find("18/10/2020 20:00:00</td><td>CATD 07 sin red</td>"),
            std::string::npos);
  EXPECT_NE(Seccion(html, "fallas").find("<li>Servidor detenido con SIGKILL</li>"),
            std::string::npos);
}

TEST(InformeCsv, FasesCabeceraYNumeros) {
  DatosInforme d = Limpio();
  d.fases[1].fase = "con, \"comillas\"";
  EXPECT_EQ(InformeFasesCsv(d),
            "fase,pasos,reintentos,p50_ms,p90_ms,p99_ms,max_ms\r\n"
            "acopio,3,1,12.340,20.500,33.300,1234.560\r\n"
            "\"con, \"\"comillas\"\"\",3,0,5.000,6.000,7.000,8.000\r\n");
}

TEST(InformeCsv, AvanceConInstantesIso8601) {
  EXPECT_EQ(InformeAvanceCsv(Limpio()),
            "serie,instante,acumulado\r\n"
            "acopiadas,2020-10-18T18:30:00-05:00,1\r\n"
            "acopiadas,2020-10-18T19:10:00-05:00,3\r\n"
            "verificadas,2020-10-18T19:30:00-05:00,2\r\n");
}

TEST(InformeCsv, IncidentesYReiniciosEnOrden) {
  DatosInforme d = Limpio();
  EXPECT_EQ(InformeIncidentesCsv(d), "instante,tipo,descripcion\r\n");
  d.incidentes = {{Inicio() + 2 * kHora, "dijo \"no\", luego\nsí"}, {Inicio(), "inicio"}};
  d.reinicios = {{Inicio() + kHora, 2340}};
  EXPECT_EQ(InformeIncidentesCsv(d),
            "instante,tipo,descripcion\r\n"
            "2020-10-18T18:00:00-05:00,incidente,inicio\r\n"
            "2020-10-18T19:00:00-05:00,reinicio,Servidor detenido; sin servicio 2.3 s (tiempo "
            "real)\r\n"
            "2020-10-18T20:00:00-05:00,incidente,\"dijo \"\"no\"\", luego\nsí\"\r\n");
}

TEST(InformeCsv, SoloFinesDeLineaCrlf) {
  DatosInforme d = Limpio();
  d.reinicios = {{Inicio() + kHora, 1000}};
  for (const std::string& csv :
       {InformeFasesCsv(d), InformeAvanceCsv(d), InformeIncidentesCsv(d)}) {
    ASSERT_FALSE(csv.empty());
    EXPECT_EQ(csv.substr(csv.size() - 2), "\r\n");
    for (size_t i = csv.find('\n'); i != std::string::npos; i = csv.find('\n', i + 1)) {
      EXPECT_EQ(csv[i - 1], '\r') << "bare LF at " << i;
    }
  }
}

}  // namespace
}  // namespace prep::sim
