#include "sim/informe.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <string_view>

#include "base/texto.h"
#include "base/tiempo.h"

namespace prep::sim {
namespace {

constexpr int64_t kMsPorHora = 60 * kMsPorMinuto;

// ── Text, numbers and times ─────────────────────────────────────────────────

// Digits with thousands separators as Mexico writes them (1,187,254), the sign kept.
void ConMiles(std::string& out, std::string_view s) {
  if (!s.empty() && s[0] == '-') {
    out.push_back('-');
    s.remove_prefix(1);
  }
  const size_t punto = std::min(s.find('.'), s.size());
  for (size_t i = 0; i < punto; ++i) {
    if (i > 0 && (punto - i) % 3 == 0) out.push_back(',');
    out.push_back(s[i]);
  }
  out.append(s.substr(punto));
}

void Numero(std::string& out, int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof(buf), v);
  ConMiles(out, std::string_view(buf, r.ptr - buf));
}

// Fixed decimals with '.', independent of the C locale; "" if not finite.
std::string Fijo(double v, int decimales) {
  if (!std::isfinite(v)) return "";
  if (v == 0) v = 0;  // no "-0.0"
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed, decimales);
  if (r.ec != std::errc()) return "";
  std::string s(buf, r.ptr);
  if (s.find_first_not_of("-0.") == std::string::npos && s[0] == '-') s.erase(0, 1);
  return s;
}

// For people: thousands separators, and a dash when there is no number.
void Decimal(std::string& out, double v, int decimales) {
  const std::string s = Fijo(v, decimales);
  if (s.empty()) {
    out += "—";
  } else {
    ConMiles(out, s);
  }
}

// n / d as a percentage truncated (never rounded) to two decimals: "66.66 %".
void Porcentaje2(std::string& out, int64_t n, int64_t d) {
  if (d <= 0) {
    out += "—";
    return;
  }
  const __int128 q = static_cast<__int128>(std::max<int64_t>(n, 0)) * 10000 / d;
  AnadirEntero(out, static_cast<int64_t>(q / 100));
  out.push_back('.');
  const int c = static_cast<int>(q % 100);
  out.push_back(static_cast<char>('0' + c / 10));
  out.push_back(static_cast<char>('0' + c % 10));
  out += " %";
}

// "18/10/2020 18:00 (UTC-5)".
std::string Local(int64_t utc_ms, int offset_minutos) {
  return FormatearFecha(utc_ms, offset_minutos, FormatoFecha::kCorteIne) + " " +
         EtiquetaOffset(offset_minutos);
}

// "(UTC-5)" → "UTC-5", for column headers.
std::string ZonaSinParentesis(int offset_minutos) {
  const std::string e = EtiquetaOffset(offset_minutos);
  return e.substr(1, e.size() - 2);
}

std::string Plural(int64_t n, std::string_view uno, std::string_view varios) {
  std::string s;
  Numero(s, n);
  s.push_back(' ');
  s += n == 1 ? uno : varios;
  return s;
}

std::string Capitalizada(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string Unidas(const std::vector<std::string>& partes) {
  std::string s;
  for (size_t i = 0; i < partes.size(); ++i) {
    if (i > 0) s += "; ";
    s += partes[i];
  }
  return s;
}

// Phase ids are ASCII keys; people read them with their accents.
std::string NombreFase(const std::string& fase) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kNombres{{
      {"acopio", "Acopio"},
      {"digitalizacion", "Digitalización"},
      {"captura", "Captura"},
      {"verificacion", "Verificación"},
      {"orden", "Orden"},
      {"cotejo", "Cotejo"},
  }};
  for (const auto& [id, nombre] : kNombres) {
    if (fase == id) return std::string(nombre);
  }
  return Capitalizada(fase);
}

// "24 h", "5 h 30 min", "45 min".
std::string Duracion(int64_t ms) {
  const int64_t minutos = std::max<int64_t>(ms, 0) / kMsPorMinuto;
  std::string s;
  if (minutos >= 60) {
    Numero(s, minutos / 60);
    s += " h";
    if (minutos % 60 != 0) s += " ";
  }
  if (minutos % 60 != 0 || minutos == 0) {
    AnadirEntero(s, minutos % 60);
    s += " min";
  }
  return s;
}

// "288" for a whole factor, else one decimal.
std::string Veces(double f) {
  std::string s;
  if (std::abs(f - std::round(f)) < 1e-9) {
    Decimal(s, std::round(f), 0);
  } else {
    Decimal(s, f, 1);
  }
  return s;
}

std::string FraseReloj(double factor) {
  if (!std::isfinite(factor) || factor <= 0) return "factor del reloj no disponible";
  if (std::abs(factor - 1) < 1e-9) return "el reloj de la elección corrió en tiempo real";
  if (factor > 1) {
    return "el reloj de la elección corrió " + Veces(factor) + " veces más rápido que el real";
  }
  return "el reloj de la elección corrió " + Veces(1 / factor) + " veces más lento que el real";
}

// SVG coordinates: one decimal is finer than any screen.
void Coord(std::string& out, double v) { out += Fijo(v, 1); }

// ── Page parts ───────────────────────────────────────────────────────────────

constexpr std::string_view kEstilo = R"css(
:root {
  --tinta: #1c1c21; --suave: #4d4d57; --acento: #5b2a6e; --borde: #cfcfd8;
  --fondo-tabla: #f1f1f5; --ok: #1e6b30; --ok-fondo: #e7f4ea; --falla: #a4161a; --falla-fondo: #fdeaea;
}
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0; color: var(--tinta); background: #fff; line-height: 1.5; font-size: 1rem;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", Arial, sans-serif;
  overflow-wrap: break-word;
}
.envoltura { max-width: 60rem; margin: 0 auto; padding: 0 1rem; }
.simulacro {
  margin: 0; background: #ffd60a; color: #000; font-weight: 700; text-align: center;
  padding: 0.5rem 1rem; border-bottom: 3px solid #000;
}
.cabecera { background: var(--acento); color: #fff; padding: 0.75rem 0 1rem; }
.cabecera p { margin: 0.15rem 0; }
.marca { font-weight: 800; letter-spacing: 0.04em; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: 0.4rem 0 0.25rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 0.75rem; padding-bottom: 0.3rem; border-bottom: 2px solid var(--acento); }
.datos { display: grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap: 0.5rem; margin: 1rem 0; }
.datos div { border: 1px solid var(--borde); border-left: 4px solid var(--acento); padding: 0.4rem 0.7rem; background: #fafafc; }
.datos dt { font-size: 0.875rem; color: var(--suave); }
.datos dd { margin: 0; font-variant-numeric: tabular-nums; }
.veredicto { border: 2px solid; border-left-width: 10px; padding: 0.2rem 1rem 0.6rem; margin: 1rem 0; }
.veredicto h2 { border: 0; margin: 0.5rem 0 0.25rem; font-size: 1.3rem; }
.veredicto.ok { border-color: var(--ok); background: var(--ok-fondo); }
.veredicto.ok h2 { color: var(--ok); }
.veredicto.falla { border-color: var(--falla); background: var(--falla-fondo); }
.veredicto.falla h2 { color: var(--falla); }
.veredicto ul { margin: 0.25rem 0; padding-left: 1.2rem; }
.salida, code { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 0.9em; overflow-wrap: anywhere; }
.salida { white-space: pre-wrap; }
.tabla { overflow-x: auto; margin: 0.75rem 0 1rem; border: 1px solid var(--borde); max-width: 100%; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 650; padding: 0.5rem 0.6rem; }
th, td { padding: 0.4rem 0.6rem; border-top: 1px solid var(--borde); text-align: left; vertical-align: top; }
thead th { background: var(--fondo-tabla); font-size: 0.9rem; }
tbody th { font-weight: 600; white-space: nowrap; }
.n { text-align: right; white-space: nowrap; }
.hora { white-space: nowrap; font-variant-numeric: tabular-nums; }
.grafica { margin: 1rem 0; max-width: 36rem; }
.grafica.barras { max-width: 28rem; }
svg.plano { display: block; width: 100%; height: auto; }
.plano text { font-size: 13px; fill: var(--tinta); }
.plano .fase { font-weight: 700; }
.plano .fondo { fill: #ececf2; }
.plano .p50 { fill: #5b2a6e; }
.plano .p90 { fill: #8c5aa3; }
.plano .p99 { fill: #c9a6d9; stroke: #5b2a6e; stroke-width: 0.8; }
.plano .rejilla { stroke: #e2e2ea; stroke-width: 1; }
.plano .eje { stroke: var(--suave); stroke-width: 1; fill: none; }
.plano .cortes { stroke: #1c1c21; stroke-width: 0.7; }
.plano .fin { stroke: #a4161a; stroke-width: 1.2; stroke-dasharray: 5 4; }
.plano .esperadas { stroke: var(--suave); stroke-width: 1; stroke-dasharray: 1 3; }
.plano .nota-eje { font-size: 11px; fill: var(--suave); }
.leyenda { list-style: none; padding: 0; margin: 0.5rem 0; display: flex; flex-wrap: wrap; gap: 0.3rem 1.2rem; }
.leyenda li { display: flex; align-items: center; gap: 0.4rem; }
svg.muestra { flex: none; width: 36px; height: 12px; }
.pie { margin-top: 2rem; border-top: 1px solid var(--borde); background: #f7f7f9; color: var(--suave); font-size: 0.92rem; padding: 0.75rem 0; }
@media print { .cabecera { background: none; color: #000; } }
)css";

// Line styles of the progress plot: colour and dash both differ, so the lines
// stay apart in grey print and for readers who do not see colour.
struct Estilo {
  std::string_view color;
  std::string_view guiones;  // "" = solid
};
constexpr std::array<Estilo, 6> kEstilos{{
    {"#5b2a6e", ""},
    {"#0a4d94", "8 4"},
    {"#b35900", "2 3"},
    {"#1e6b30", "10 3 2 3"},
    {"#a4161a", "5 5"},
    {"#4d4d57", "12 3 2 3 2 3"},
}};

void Tabla(std::string& out, std::string_view id, std::string_view caption) {
  out += "<div class=\"tabla\">\n<table";
  if (!id.empty()) {
    out += " id=\"";
    out += id;
    out += "\"";
  }
  out += ">\n<caption>";
  out += caption;
  out += "</caption>\n";
}

void FinTabla(std::string& out) { out += "</tbody>\n</table>\n</div>\n"; }

void Ninguno(std::string& out, std::string_view texto) {
  out += "<p class=\"vacio\">";
  out += texto;
  out += "</p>\n";
}

void Dato(std::string& out, std::string_view etiqueta, std::string_view valor_html) {
  out += "<div><dt>";
  out += etiqueta;
  out += "</dt><dd>";
  out += valor_html;
  out += "</dd></div>\n";
}

void Cabecera(std::string& out, const DatosInforme& d) {
  out +=
      "<p class=\"simulacro\">SIMULACRO: estas cifras son de un ensayo, no de una elección.</p>\n";
  out +=
      "<header class=\"cabecera\"><div class=\"envoltura\">\n<p class=\"marca\">PREP · Informe de "
      "simulacro</p>\n<h1>";
  AnadirHtml(out, d.titulo);
  out += "</h1>\n";
  if (!d.eleccion.empty()) {
    out += "<p>";
    AnadirHtml(out, d.eleccion);
    out += "</p>\n";
  }
  out += "</div></header>\n";
}

void Datos(std::string& out, const DatosInforme& d) {
  out += "<dl class=\"datos\">\n";
  std::string v;
  AnadirHtml(v, Local(d.inicio_ms, d.offset_minutos));
  v += " a ";
  AnadirHtml(v, Local(d.fin_ms, d.offset_minutos));
  v += " (";
  v += Duracion(d.fin_ms - d.inicio_ms);
  v += " de elección)";
  Dato(out, "Ventana de publicación (hora local)", v);
  v.clear();
  v += Capitalizada(FraseReloj(d.factor));
  v += "; el simulacro duró ";
  Decimal(v, d.minutos_reales, 1);
  v += d.minutos_reales == 1 ? " minuto real." : " minutos reales.";
  Dato(out, "Reloj", v);
  v.clear();
  Numero(v, d.actas_esperadas);
  Dato(out, "Actas esperadas", v);
  v.clear();
  AnadirHtml(
      v, FormatearFecha(d.generado_utc_ms, 0, FormatoFecha::kCorteIne) + " " + EtiquetaOffset(0));
  Dato(out, "Informe generado (hora real)", v);
  out += "</dl>\n";
}

void VeredictoIntegridad(std::string& out, const DatosInforme::Integridad& in) {
  const bool ok = in.perdidos == 0 && in.duplicados == 0 && in.cadena_ok;
  out += "<section id=\"veredicto-integridad\" class=\"veredicto ";
  out += ok ? "ok" : "falla";
  out += "\" data-perdidos=\"";
  AnadirEntero(out, in.perdidos);
  out += "\" aria-labelledby=\"veredicto-integridad-t\">\n<h2 id=\"veredicto-integridad-t\">";
  if (ok) {
    out += "✓ Ningún paso confirmado se perdió";
  } else {
    std::vector<std::string> partes;
    if (in.perdidos > 0) {
      std::string s = in.perdidos == 1 ? "se perdió " : "se perdieron ";
      s += Plural(in.perdidos, "paso confirmado", "pasos confirmados");
      partes.push_back(s);
    }
    if (in.duplicados > 0) {
      partes.push_back(Plural(in.duplicados, "paso aparece duplicado en el registro",
                              "pasos aparecen duplicados en el registro"));
    }
    if (!in.cadena_ok) partes.push_back("la cadena de hashes no verifica");
    out += "✗ ";
    AnadirHtml(out, Capitalizada(Unidas(partes)));
  }
  out += "</h2>\n<p>";
  if (in.acuses == 0) out += "No hubo pasos confirmados que revisar. ";
  out += "De ";
  Numero(out, in.acuses);
  out += in.acuses == 1 ? " paso confirmado" : " pasos confirmados";
  out += " a los operadores (acuse 2xx), ";
  Numero(out, in.encontrados);
  out += in.encontrados == 1 ? " está" : " están";
  out += " en el registro de eventos; perdidos: ";
  Numero(out, in.perdidos);
  out += "; duplicados: ";
  Numero(out, in.duplicados);
  out += ".</p>\n<p>Cadena de hashes: <strong>";
  out += in.cadena_ok ? "verificada" : "no verifica";
  out += "</strong>";
  if (!in.cadena.empty()) {
    out += " — <span class=\"salida\">";
    AnadirHtml(out, in.cadena);
    out += "</span>";
  }
  out += "</p>\n</section>\n";
}

void VeredictoPublicacion(std::string& out, const DatosInforme::Publicacion& p) {
  const bool ok = p.cortes > 0 && p.verifica && p.zips_ok == p.zips && !p.final_id.empty();
  out += "<section id=\"veredicto-publicacion\" class=\"veredicto ";
  out += ok ? "ok" : "falla";
  out += "\" aria-labelledby=\"veredicto-publicacion-t\">\n<h2 id=\"veredicto-publicacion-t\">";
  if (ok) {
    out += "✓ ";
    if (p.cortes == 1) {
      out += "El corte publicado verifica";
    } else {
      out += "Los ";
      Numero(out, p.cortes);
      out += " cortes publicados verifican";
    }
  } else {
    std::vector<std::string> partes;
    if (p.cortes <= 0) partes.push_back("no se publicó ningún corte");
    if (!p.verifica) partes.push_back("la verificación con prep verify falló");
    if (p.zips_ok != p.zips) {
      std::string s = "la revisión con prep check falló en ";
      Numero(s, p.zips - p.zips_ok);
      s += " de ";
      Numero(s, p.zips);
      s += p.zips == 1 ? " base de datos" : " bases de datos";
      partes.push_back(s);
    }
    if (p.final_id.empty()) partes.push_back("no hubo corte final");
    out += "✗ ";
    AnadirHtml(out, Capitalizada(Unidas(partes)));
  }
  out += "</h2>\n<ul>\n<li>Cortes publicados: ";
  Numero(out, p.cortes);
  out += ".</li>\n<li>Verificación con <code>prep verify</code>: <strong>";
  out += p.verifica ? "correcta" : "falló";
  out += "</strong>";
  if (!p.verificacion.empty()) {
    out += " — <span class=\"salida\">";
    AnadirHtml(out, p.verificacion);
    out += "</span>";
  }
  out += ".</li>\n<li>Bases de datos (zip) revisadas con <code>prep check</code>: ";
  Numero(out, p.zips_ok);
  out += " de ";
  Numero(out, p.zips);
  out += " correctas.</li>\n<li>Corte final: ";
  if (p.final_id.empty()) {
    out += "ninguno";
  } else {
    out += "<code>";
    AnadirHtml(out, p.final_id);
    out += "</code>";
  }
  out += ".</li>\n</ul>\n</section>\n";
}

void Ventana(std::string& out, const DatosInforme& d) {
  out +=
      "<section aria-labelledby=\"ventana\">\n<h2 id=\"ventana\">Dentro de la ventana de "
      "publicación</h2>\n<p>Actas que completaron cada etapa antes de la última actualización, "
      "y su porcentaje de las ";
  Numero(out, d.actas_esperadas);
  out += " actas esperadas (truncado a dos decimales, no redondeado).</p>\n";
  if (d.dentro_de_ventana.empty()) {
    Ninguno(out, "Ninguno.");
  } else {
    Tabla(out, "ventana-tabla", "Actas dentro de la ventana");
    out +=
        "<thead><tr><th scope=\"col\">Etapa</th><th scope=\"col\" class=\"n\">Actas</th><th "
        "scope=\"col\" class=\"n\">De las esperadas</th></tr></thead>\n<tbody>\n";
    for (const auto& [etapa, n] : d.dentro_de_ventana) {
      out += "<tr><th scope=\"row\">";
      AnadirHtml(out, Capitalizada(etapa));
      out += "</th><td class=\"n\">";
      Numero(out, n);
      out += "</td><td class=\"n\">";
      Porcentaje2(out, n, d.actas_esperadas);
      out += "</td></tr>\n";
    }
    FinTabla(out);
  }
  out += "</section>\n";
}

// Horizontal bars of p50, p90 and p99 per phase, on one scale (the largest).
void GraficaFases(std::string& out, const std::vector<FaseInforme>& fases) {
  constexpr double kX = 34, kBarraMax = 236;
  constexpr int kTitulo = 18, kFila = 16, kSeparacion = 10;
  double maximo = 0;
  for (const FaseInforme& f : fases) {
    for (double v : {f.p50_ms, f.p90_ms, f.p99_ms}) {
      if (std::isfinite(v)) maximo = std::max(maximo, v);
    }
  }
  const int alto = static_cast<int>(fases.size()) * (kTitulo + 3 * kFila + kSeparacion);
  out +=
      "<figure class=\"grafica barras\">\n<svg class=\"plano\" role=\"img\" "
      "aria-labelledby=\"fases-grafica\" aria-describedby=\"fases-tabla\" viewBox=\"0 0 360 ";
  AnadirEntero(out, alto);
  out +=
      "\" xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"fases-grafica\">Gráfica de barras: "
      "latencia p50, p90 y p99 de cada fase, en milisegundos; las cifras están en la tabla que "
      "sigue</title>\n";
  int y = 0;
  for (const FaseInforme& f : fases) {
    out += "<text class=\"fase\" x=\"0\" y=\"";
    AnadirEntero(out, y + 13);
    out += "\">";
    AnadirHtml(out, NombreFase(f.fase));
    out += "</text>\n";
    y += kTitulo;
    const std::array<std::pair<std::string_view, double>, 3> barras{
        {{"p50", f.p50_ms}, {"p90", f.p90_ms}, {"p99", f.p99_ms}}};
    for (const auto& [nombre, v] : barras) {
      const double ancho =
          maximo > 0 && std::isfinite(v) ? std::clamp(v / maximo, 0.0, 1.0) * kBarraMax : 0;
      out += "<text x=\"0\" y=\"";
      AnadirEntero(out, y + 11);
      out += "\">";
      out += nombre;
      out += "</text><rect class=\"fondo\" x=\"34\" y=\"";
      AnadirEntero(out, y + 2);
      out += "\" width=\"236\" height=\"10\"/><rect class=\"";
      out += nombre;
      out += "\" x=\"34\" y=\"";
      AnadirEntero(out, y + 2);
      out += "\" width=\"";
      Coord(out, ancho);
      out += "\" height=\"10\"/><text x=\"";
      Coord(out, kX + kBarraMax + 4);
      out += "\" y=\"";
      AnadirEntero(out, y + 11);
      out += "\">";
      Decimal(out, v, 1);
      out += " ms</text>\n";
      y += kFila;
    }
    y += kSeparacion;
  }
  out += "</svg>\n</figure>\n";
}

void Fases(std::string& out, const DatosInforme& d) {
  out +=
      "<section aria-labelledby=\"fases\">\n<h2 id=\"fases\">Latencia por fase</h2>\n<p>Tiempo "
      "real desde el primer envío de cada paso hasta su acuse, reintentos incluidos, en "
      "milisegundos. p50: la mitad de los pasos tardó menos; p90 y p99: el 90 % y el 99 %.</p>\n";
  if (d.fases.empty()) {
    Ninguno(out, "Ninguno.");
    out += "</section>\n";
    return;
  }
  GraficaFases(out, d.fases);
  Tabla(out, "fases-tabla", "Latencia por fase (ms)");
  out +=
      "<thead><tr><th scope=\"col\">Fase</th><th scope=\"col\" class=\"n\">Pasos</th><th "
      "scope=\"col\" class=\"n\">Reintentos</th><th scope=\"col\" class=\"n\">p50</th><th "
      "scope=\"col\" class=\"n\">p90</th><th scope=\"col\" class=\"n\">p99</th><th scope=\"col\" "
      "class=\"n\">Máximo</th></tr></thead>\n<tbody>\n";
  for (const FaseInforme& f : d.fases) {
    out += "<tr><th scope=\"row\">";
    AnadirHtml(out, NombreFase(f.fase));
    out += "</th><td class=\"n\">";
    Numero(out, f.pasos);
    out += "</td><td class=\"n\">";
    Numero(out, f.reintentos);
    for (double v : {f.p50_ms, f.p90_ms, f.p99_ms, f.max_ms}) {
      out += "</td><td class=\"n\">";
      Decimal(out, v, 1);
    }
    out += "</td></tr>\n";
  }
  FinTabla(out);
  out += "</section>\n";
}

int64_t DivPiso(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
int64_t DivTecho(int64_t a, int64_t b) { return -DivPiso(-a, b); }

// A round step for about `divisiones` grid lines up to `maximo`: 1, 2 or 5 × 10^k.
int64_t PasoRedondo(int64_t maximo, int64_t divisiones) {
  if (maximo <= 0) return 1;
  const int64_t bruto = DivTecho(maximo, divisiones);
  int64_t magnitud = 1;
  while (magnitud <= bruto / 10) magnitud *= 10;
  for (int64_t m : {1, 2, 5}) {
    if (m * magnitud >= bruto) return m * magnitud;
  }
  return 10 * magnitud;
}

// Hours between time ticks: a divisor of 24 (so ticks fall on the same hours
// every day) or whole days, the smallest that keeps at most `marcas` of them.
int64_t PasoHoras(int64_t horas, int64_t marcas) {
  for (int64_t p : {1, 2, 3, 4, 6, 12, 24}) {
    if (horas <= p * marcas) return p;
  }
  return 24 * DivTecho(horas, 24 * marcas);
}

// The value a cumulative series has at instant t (0 before its first point).
int64_t ValorEn(const SerieAvance& s, int64_t t) {
  const auto it = std::upper_bound(s.puntos.begin(), s.puntos.end(), t,
                                   [](int64_t x, const auto& p) { return x < p.first; });
  return it == s.puntos.begin() ? 0 : std::prev(it)->second;
}

void Muestra(std::string& out, std::string_view linea) {
  out += "<svg class=\"muestra\" viewBox=\"0 0 36 12\" aria-hidden=\"true\">";
  out += linea;
  out += "</svg>";
}

// Cumulative progress over the election's local time: one line per series, the
// cortes as ticks on the time axis, the end of the window dashed; the table
// after it has the value of every series at every hour.
void Avance(std::string& out, const DatosInforme& d) {
  out +=
      "<section aria-labelledby=\"avance\">\n<h2 id=\"avance\">Avance acumulado</h2>\n<p>Actas "
      "acumuladas en cada etapa según el reloj de la elección (hora local ";
  out += ZonaSinParentesis(d.offset_minutos);
  out += ").</p>\n";
  int64_t x0 = d.inicio_ms, x1 = d.fin_ms, maximo = std::max<int64_t>(d.actas_esperadas, 0);
  bool hay_puntos = false;
  for (const SerieAvance& s : d.avance) {
    for (const auto& [t, v] : s.puntos) {
      x0 = std::min(x0, t);
      x1 = std::max(x1, t);
      maximo = std::max(maximo, v);
      hay_puntos = true;
    }
  }
  if (d.avance.empty() || !hay_puntos) {
    Ninguno(out, "Ninguno.");
    out += "</section>\n";
    return;
  }
  if (x1 <= x0) x1 = x0 + kMsPorHora;
  const int64_t off = d.offset_minutos * kMsPorMinuto;

  // Geometry in viewBox units; text stays legible from a 375 px phone up.
  const int64_t paso_y = PasoRedondo(maximo, 4);
  const int64_t tope_y = std::max<int64_t>(paso_y, DivTecho(maximo, paso_y) * paso_y);
  std::string mayor_etiqueta;
  Numero(mayor_etiqueta, tope_y);
  constexpr double kAncho = 400, kAlto = 260, kArriba = 14, kAbajo = 38, kDerecha = 14;
  const double izquierda = 12 + 7.5 * static_cast<double>(mayor_etiqueta.size());
  const double ancho = kAncho - izquierda - kDerecha, alto = kAlto - kArriba - kAbajo;
  const double base = kArriba + alto;
  auto X = [&](int64_t t) {
    return izquierda + static_cast<double>(t - x0) * ancho / static_cast<double>(x1 - x0);
  };
  auto Y = [&](int64_t v) {
    return base - static_cast<double>(v) * alto / static_cast<double>(tope_y);
  };

  out += "<ul class=\"leyenda\">\n";
  for (size_t i = 0; i < d.avance.size(); ++i) {
    const Estilo& e = kEstilos[i % kEstilos.size()];
    std::string linea = "<line x1=\"0\" y1=\"6\" x2=\"36\" y2=\"6\" stroke=\"";
    linea += e.color;
    linea += "\" stroke-width=\"2.5\"";
    if (!e.guiones.empty()) {
      linea += " stroke-dasharray=\"";
      linea += e.guiones;
      linea += "\"";
    }
    linea += "/>";
    out += "<li>";
    Muestra(out, linea);
    AnadirHtml(out, Capitalizada(d.avance[i].nombre));
    out += ": ";
    Numero(out, d.avance[i].puntos.empty() ? 0 : d.avance[i].puntos.back().second);
    out += " al final</li>\n";
  }
  out += "<li>";
  Muestra(out, "<line x1=\"18\" y1=\"0\" x2=\"18\" y2=\"12\" stroke=\"#1c1c21\"/>");
  out += "Cortes publicados: ";
  Numero(out, static_cast<int64_t>(d.cortes_ms.size()));
  out += " (marcas sobre el eje)</li>\n<li>";
  Muestra(out,
          "<line x1=\"18\" y1=\"0\" x2=\"18\" y2=\"12\" stroke=\"#a4161a\" stroke-width=\"1.5\" "
          "stroke-dasharray=\"3 2\"/>");
  out += "Fin de la ventana: ";
  AnadirHtml(out, Local(d.fin_ms, d.offset_minutos));
  out += "</li>\n";
  if (d.actas_esperadas > 0) {
    out += "<li>";
    Muestra(out,
            "<line x1=\"0\" y1=\"6\" x2=\"36\" y2=\"6\" stroke=\"#4d4d57\" "
            "stroke-dasharray=\"1 3\"/>");
    out += "Actas esperadas: ";
    Numero(out, d.actas_esperadas);
    out += "</li>\n";
  }
  out += "</ul>\n";

  out +=
      "<figure class=\"grafica\">\n<svg class=\"plano\" role=\"img\" "
      "aria-labelledby=\"avance-grafica\" aria-describedby=\"avance-tabla\" viewBox=\"0 0 ";
  Coord(out, kAncho);
  out += " ";
  Coord(out, kAlto);
  out +=
      "\" xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"avance-grafica\">Gráfica de "
      "líneas: actas acumuladas por etapa a lo largo de la noche; la tabla que sigue da el valor "
      "de cada hora</title>\n";
  // Horizontal grid with the counts.
  for (int64_t v = 0; v <= tope_y; v += paso_y) {
    const double y = Y(v);
    out += "<line class=\"rejilla\" x1=\"";
    Coord(out, izquierda);
    out += "\" x2=\"";
    Coord(out, izquierda + ancho);
    out += "\" y1=\"";
    Coord(out, y);
    out += "\" y2=\"";
    Coord(out, y);
    out += "\"/><text x=\"";
    Coord(out, izquierda - 5);
    out += "\" y=\"";
    Coord(out, y + 4);
    out += "\" text-anchor=\"end\">";
    Numero(out, v);
    out += "</text>\n";
  }
  // Time ticks on whole local hours, labelled less often than drawn.
  const int64_t horas = DivTecho(x1 - x0, kMsPorHora);
  const int64_t paso_marca = PasoHoras(horas, 12);
  const int64_t paso_etiqueta = PasoHoras(horas, 6);
  for (int64_t h = DivTecho(x0 + off, kMsPorHora); h * kMsPorHora - off <= x1; ++h) {
    const bool etiqueta = ((h % paso_etiqueta) + paso_etiqueta) % paso_etiqueta == 0;
    if (!etiqueta && ((h % paso_marca) + paso_marca) % paso_marca != 0) continue;
    const int64_t t = h * kMsPorHora - off;
    const double x = X(t);
    out += "<line class=\"eje\" x1=\"";
    Coord(out, x);
    out += "\" x2=\"";
    Coord(out, x);
    out += "\" y1=\"";
    Coord(out, base);
    out += "\" y2=\"";
    Coord(out, base + 4);
    out += "\"/>";
    if (etiqueta) {
      const FechaHora f = FechaHoraLocal(t, d.offset_minutos);
      char buf[16];
      out += "<text x=\"";
      Coord(out, x);
      out += "\" y=\"";
      Coord(out, base + 17);
      out += "\" text-anchor=\"middle\">";
      std::snprintf(buf, sizeof buf, "%02d:00", f.hora);
      out += buf;
      out += "</text>";
      if (f.hora == 0) {
        out += "<text class=\"nota-eje\" x=\"";
        Coord(out, x);
        out += "\" y=\"";
        Coord(out, base + 31);
        out += "\" text-anchor=\"middle\">";
        std::snprintf(buf, sizeof buf, "%02d/%02d", f.dia, f.mes);
        out += buf;
        out += "</text>";
      }
    }
    out += "\n";
  }
  out += "<path class=\"eje\" d=\"M";
  Coord(out, izquierda);
  out += " ";
  Coord(out, kArriba);
  out += "V";
  Coord(out, base);
  out += "H";
  Coord(out, izquierda + ancho);
  out += "\"/>\n";
  if (d.actas_esperadas > 0) {
    out += "<line class=\"esperadas\" x1=\"";
    Coord(out, izquierda);
    out += "\" x2=\"";
    Coord(out, izquierda + ancho);
    out += "\" y1=\"";
    Coord(out, Y(d.actas_esperadas));
    out += "\" y2=\"";
    Coord(out, Y(d.actas_esperadas));
    out += "\"/>\n";
  }
  // Cortes: one path of short ticks, one per distinct position.
  if (!d.cortes_ms.empty()) {
    out += "<path class=\"cortes\" d=\"";
    std::vector<int64_t> xs;
    for (int64_t t : d.cortes_ms) xs.push_back(std::llround(X(std::clamp(t, x0, x1)) * 10));
    std::sort(xs.begin(), xs.end());
    xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
    for (int64_t x : xs) {
      out += "M";
      Coord(out, static_cast<double>(x) / 10);
      out += " ";
      Coord(out, base);
      out += "v-7";
    }
    out += "\"/>\n";
  }
  out += "<line class=\"fin\" x1=\"";
  Coord(out, X(d.fin_ms));
  out += "\" x2=\"";
  Coord(out, X(d.fin_ms));
  out += "\" y1=\"";
  Coord(out, kArriba);
  out += "\" y2=\"";
  Coord(out, base);
  out += "\"/>\n";
  // The series. Points that fall on the same tenth of a unit collapse to the
  // first and last of them: the drawing is the same, the page stays small.
  for (size_t i = 0; i < d.avance.size(); ++i) {
    const SerieAvance& s = d.avance[i];
    if (s.puntos.empty()) continue;
    const Estilo& e = kEstilos[i % kEstilos.size()];
    out += "<polyline fill=\"none\" stroke=\"";
    out += e.color;
    out += "\" stroke-width=\"2\" stroke-linejoin=\"round\"";
    if (!e.guiones.empty()) {
      out += " stroke-dasharray=\"";
      out += e.guiones;
      out += "\"";
    }
    out += " points=\"";
    int64_t ultima_x = std::numeric_limits<int64_t>::min();
    bool pendiente = false;
    std::pair<int64_t, int64_t> pend{};
    bool primero = true;
    auto emitir = [&](int64_t xi, int64_t yi) {
      if (!primero) out.push_back(' ');
      primero = false;
      Coord(out, static_cast<double>(xi) / 10);
      out.push_back(',');
      Coord(out, static_cast<double>(yi) / 10);
    };
    for (const auto& [t, v] : s.puntos) {
      const int64_t xi = std::llround(X(t) * 10), yi = std::llround(Y(v) * 10);
      if (xi == ultima_x) {
        pend = {xi, yi};
        pendiente = true;
        continue;
      }
      if (pendiente) emitir(pend.first, pend.second);
      pendiente = false;
      emitir(xi, yi);
      ultima_x = xi;
    }
    if (pendiente) emitir(pend.first, pend.second);
    out += "\"/><circle r=\"2.5\" fill=\"";
    out += e.color;
    out += "\" cx=\"";
    Coord(out, X(s.puntos.back().first));
    out += "\" cy=\"";
    Coord(out, Y(s.puntos.back().second));
    out += "\"/>\n";
  }
  out += "</svg>\n</figure>\n";

  // One row per whole local hour of the span, and the end if it is not whole
  // (beyond ten days, fewer rows, so a wrong clock cannot make the page huge).
  std::string caption = "Actas acumuladas a cada hora (hora local ";
  caption += ZonaSinParentesis(d.offset_minutos);
  caption += ")";
  Tabla(out, "avance-tabla", caption);
  out += "<thead><tr><th scope=\"col\">Hora local</th>";
  for (const SerieAvance& s : d.avance) {
    out += "<th scope=\"col\" class=\"n\">";
    AnadirHtml(out, Capitalizada(s.nombre));
    out += "</th>";
  }
  out += "</tr></thead>\n<tbody>\n";
  std::vector<int64_t> filas;
  const int64_t paso_fila = PasoHoras(horas, 240);
  for (int64_t h = DivTecho(x0 + off, kMsPorHora); h * kMsPorHora - off <= x1; ++h) {
    if (((h % paso_fila) + paso_fila) % paso_fila == 0) filas.push_back(h * kMsPorHora - off);
  }
  if (filas.empty() || filas.back() != x1) filas.push_back(x1);
  for (int64_t t : filas) {
    out += "<tr><th scope=\"row\">";
    AnadirHtml(out, FormatearFecha(t, d.offset_minutos, FormatoFecha::kCorteIne));
    out += "</th>";
    for (const SerieAvance& s : d.avance) {
      out += "<td class=\"n\">";
      Numero(out, ValorEn(s, t));
      out += "</td>";
    }
    out += "</tr>\n";
  }
  FinTabla(out);
  out += "</section>\n";
}

void Reinicios(std::string& out, const DatosInforme& d) {
  out +=
      "<section aria-labelledby=\"reinicios\">\n<h2 id=\"reinicios\">Reinicios del "
      "servidor</h2>\n<p>Cada vez que el servidor se detuvo a la fuerza, y el tiempo real que "
      "tardó en volver a responder.</p>\n";
  if (d.reinicios.empty()) {
    Ninguno(out, "Ninguno.");
  } else {
    Tabla(out, "reinicios-tabla", "Reinicios del servidor");
    out += "<thead><tr><th scope=\"col\">Instante (hora local ";
    out += ZonaSinParentesis(d.offset_minutos);
    out += ")</th><th scope=\"col\" class=\"n\">Sin servicio (s)</th></tr></thead>\n<tbody>\n";
    for (const ReinicioInforme& r : d.reinicios) {
      out += "<tr><td class=\"hora\">";
      AnadirHtml(out, FormatearFecha(r.at_ms, d.offset_minutos, FormatoFecha::kDiaMesAnio));
      out += "</td><td class=\"n\">";
      Decimal(out, static_cast<double>(r.sin_servicio_ms) / 1000, 1);
      out += "</td></tr>\n";
    }
    FinTabla(out);
  }
  out += "</section>\n";
}

void Fallas(std::string& out, const DatosInforme& d) {
  out += "<section aria-labelledby=\"fallas\">\n<h2 id=\"fallas\">Fallas inyectadas</h2>\n";
  if (d.fallas.empty()) {
    Ninguno(out, "Ninguna.");
  } else {
    out += "<ul>\n";
    for (const std::string& f : d.fallas) {
      out += "<li>";
      AnadirHtml(out, f);
      out += "</li>\n";
    }
    out += "</ul>\n";
  }
  out += "</section>\n";
}

void Incidentes(std::string& out, const DatosInforme& d) {
  out += "<section aria-labelledby=\"incidentes\">\n<h2 id=\"incidentes\">Incidentes</h2>\n";
  if (d.incidentes.empty()) {
    Ninguno(out, "Ninguno.");
  } else {
    Tabla(out, "incidentes-tabla", "Incidentes registrados durante el simulacro");
    out += "<thead><tr><th scope=\"col\">Instante (hora local ";
    out += ZonaSinParentesis(d.offset_minutos);
    out += ")</th><th scope=\"col\">Descripción</th></tr></thead>\n<tbody>\n";
    for (const IncidenteInforme& i : d.incidentes) {
      out += "<tr><td class=\"hora\">";
      AnadirHtml(out, FormatearFecha(i.at_ms, d.offset_minutos, FormatoFecha::kDiaMesAnio));
      out += "</td><td>";
      AnadirHtml(out, i.que);
      out += "</td></tr>\n";
    }
    FinTabla(out);
  }
  out += "</section>\n";
}

// ── CSV (RFC 4180) ───────────────────────────────────────────────────────────

void Fila(std::string& out, std::initializer_list<std::string_view> campos) {
  bool primero = true;
  for (std::string_view c : campos) {
    if (!primero) out.push_back(',');
    primero = false;
    AnadirCampoCsv(out, c);
  }
  out += "\r\n";
}

std::string Texto(int64_t v) {
  std::string s;
  AnadirEntero(s, v);
  return s;
}

}  // namespace

std::string InformeHtml(const DatosInforme& d) {
  std::string out;
  out.reserve(64 * 1024);
  out +=
      "<!doctype html>\n<html lang=\"es\">\n<head>\n<meta charset=\"utf-8\">\n<meta "
      "name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta "
      "name=\"prep-informe\" content=\"simulacro\">\n<title>Informe de simulacro: ";
  AnadirHtml(out, d.titulo);
  out += "</title>\n<style>";
  out += kEstilo;
  out += "</style>\n</head>\n<body>\n";
  Cabecera(out, d);
  out += "<main class=\"envoltura\">\n";
  // The verdicts first: they are what the committee reads the page for.
  VeredictoIntegridad(out, d.integridad);
  VeredictoPublicacion(out, d.publicacion);
  Datos(out, d);
  Ventana(out, d);
  Fases(out, d);
  Avance(out, d);
  Reinicios(out, d);
  Fallas(out, d);
  Incidentes(out, d);
  out +=
      "</main>\n<footer class=\"pie\"><div class=\"envoltura\">\n<p>Las mismas cifras, en CSV: "
      "<a href=\"fases.csv\">fases.csv</a>, <a href=\"avance.csv\">avance.csv</a>, <a "
      "href=\"incidentes.csv\">incidentes.csv</a>.</p>\n<p>Simulacro del PREP conforme al Anexo 13 "
      "del Reglamento de Elecciones del INE.</p>\n</div></footer>\n</body>\n</html>\n";
  return out;
}

std::string InformeFasesCsv(const DatosInforme& d) {
  std::string out;
  Fila(out, {"fase", "pasos", "reintentos", "p50_ms", "p90_ms", "p99_ms", "max_ms"});
  for (const FaseInforme& f : d.fases) {
    Fila(out, {f.fase, Texto(f.pasos), Texto(f.reintentos), Fijo(f.p50_ms, 3), Fijo(f.p90_ms, 3),
               Fijo(f.p99_ms, 3), Fijo(f.max_ms, 3)});
  }
  return out;
}

std::string InformeAvanceCsv(const DatosInforme& d) {
  std::string out;
  Fila(out, {"serie", "instante", "acumulado"});
  for (const SerieAvance& s : d.avance) {
    for (const auto& [t, v] : s.puntos) {
      Fila(out, {s.nombre, FormatearFecha(t, d.offset_minutos, FormatoFecha::kIso8601), Texto(v)});
    }
  }
  return out;
}

std::string InformeIncidentesCsv(const DatosInforme& d) {
  struct Evento {
    int64_t at_ms;
    bool reinicio;
    std::string descripcion;
  };
  std::vector<Evento> eventos;
  for (const ReinicioInforme& r : d.reinicios) {
    eventos.push_back({r.at_ms, true,
                       "Servidor detenido; sin servicio " +
                           Fijo(static_cast<double>(r.sin_servicio_ms) / 1000, 1) +
                           " s (tiempo real)"});
  }
  for (const IncidenteInforme& i : d.incidentes) eventos.push_back({i.at_ms, false, i.que});
  // One timeline: restarts and incidents by instant, each kind in its order.
  std::stable_sort(eventos.begin(), eventos.end(), [](const Evento& a, const Evento& b) {
    return a.at_ms != b.at_ms ? a.at_ms < b.at_ms : a.reinicio && !b.reinicio;
  });
  std::string out;
  Fila(out, {"instante", "tipo", "descripcion"});
  for (const Evento& e : eventos) {
    Fila(out, {FormatearFecha(e.at_ms, d.offset_minutos, FormatoFecha::kIso8601),
               e.reinicio ? "reinicio" : "incidente", e.descripcion});
  }
  return out;
}

}  // namespace prep::sim
