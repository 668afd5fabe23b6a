// The static public site of a corte, in Spanish: what a citizen, a journalist
// or a party representative reads on a phone. Plain HTML with inline SVG charts
// (votes by column, i.e. partido, combinación and candidatura independiente, and
// by candidatura, a coalición's columns added up), each with the <table> of the
// same numbers behind it, and one stylesheet; it works fully with JavaScript off
// (the only script, buscar.js, shortens the search by sección that the page of
// links already is). Every page names its corte (<meta name="prep-corte">), so a
// mirror or a test can check that no page of one corte is mixed with another's;
// a simulacro says so in a banner, the title and <meta name="prep-simulacro">.
// The header gives the corte's time and the next one's (or "Corte final") with
// their UTC offset.
//
// Files, relative to the corte folder:
//   index.html            the entidad: avance, participación, votos, distritos, descargas
//   distritos/NN.html     one per distrito (2 digits): the same, its candidaturas and secciones
//   secciones/AAAA-BBBB.html  ten secciones to a page by number (0080-0089.html), each under
//                         the anchor #sNNNN: its avance, every acta of every casilla with its
//                         status, observaciones and votes (the table's foot is the sección's
//                         tally), image (shown, lazily) and SHA-256; how to check it once per
//                         page. A page per sección made ~70,000 files in a national corte.
//   secciones.html        every sección, by distrito, as links (the search without JavaScript)
//   estilo.css, buscar.js the shared stylesheet and the optional search script
// Pages link to two files the site does not make: manifest.json and, when the
// corte publishes it, the database zip (NombreZipBaseDeDatos); images are
// linked at opciones.prefijo_imagenes + "<sha256>.<ext>".
//
// Every number is the corte's integer tally; every percentage is trunc4
// (domain::Trunc4Percent), never floating point. Every text from the
// configuration is escaped. Generation is string appends only, no template
// engine: it is on the path of a corte (spec: 500,000 actas in < 5 s).
// Pure: no I/O, no clock. Thread-safety: reads the Corte only; call freely.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "publish/corte.h"

namespace prep::publish {

struct ArchivoSitio {
  std::string ruta;  // relative to the corte folder, with '/': "secciones/0085.html"
  std::string contenido;
};

struct OpcionesSitio {
  // SHA-256 (64 lower-case hex digits) of the corte's database zip, shown next
  // to its link so a download can be checked. REQUIRED when
  // corte.info.base_de_datos (the zip is built before the site).
  std::string sha256_zip;
  // Where acta images are served; an image's link is prefijo + sha256 + "." + extension.
  std::string prefijo_imagenes = "/imagenes/";
  // The institute that publishes, for the page header, e.g. "Instituto
  // Electoral de Coahuila"; may be empty.
  std::string organo;
};

// "<info.id>_PREP_<clave_eleccion>_<entidad_siglas>.zip": NombresDe(corte).zip of
// base_de_datos.h, so the link and the file never disagree.
std::string NombreZipBaseDeDatos(const Corte& corte);

// Receives each file as it is made, so a corte of 70,000 secciones can be
// written without holding the whole site in memory.
using ReceptorArchivo = std::function<void(ArchivoSitio&&)>;

// Makes every file of the site, in a fixed order (index.html, estilo.css,
// buscar.js, secciones.html, distritos/..., secciones/...). Fails, before
// producing any file, only on options that would make a wrong page: a missing
// or malformed sha256_zip when the corte publishes the zip, an empty
// prefijo_imagenes, a corte without contienda.
Status GenerarSitio(const Corte& corte, const OpcionesSitio& opciones,
                    const ReceptorArchivo& receptor);

// The same, collected.
Result<std::vector<ArchivoSitio>> GenerarSitio(const Corte& corte, const OpcionesSitio& opciones);

}  // namespace prep::publish
