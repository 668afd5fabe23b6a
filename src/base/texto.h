// Appending text to output that people and programs read back: HTML (the
// public site, the simulacro report), CSV cells (the database, the reports),
// integers. One copy of each, so an escaping rule is fixed in one place.
// Thread-safety: pure functions.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace prep {

// `s` escaped for HTML element content and quoted attribute values alike
// (& < > " '): text from people or servers is never markup.
void AnadirHtml(std::string& out, std::string_view s);
// `v` in decimal. `Salida`: std::string or Escritor (base/escritor.h), as
// for AnadirCampoCsv.
template <class Salida>
void AnadirEntero(Salida& out, int64_t v) {
  char buf[24];
  out.append(buf, std::to_chars(buf, buf + sizeof(buf), v).ptr);
}
// `v` in decimal, zero-padded to at least `ancho` characters, sign included:
// what printf's "%0*lld" prints (sección 0085, a time's 07, year 2020).
void AnadirRelleno(std::string& out, int64_t v, int ancho);
// The same written at `p`, which has room for max(ancho, 0) + 21 characters;
// returns the end. For writers that build a whole field in a local buffer.
char* EscribirRelleno(char* p, int64_t v, int ancho);
// `s` as one CSV cell (RFC 4180): quoted, quotes doubled, when it holds the
// separator, a quote or a line end; as it is otherwise.
bool CeldaCsvConComillas(std::string_view s, char separador);
template <class Salida>
void AnadirCampoCsv(Salida& out, std::string_view s, char separador = ',') {
  if (!CeldaCsvConComillas(s, separador)) {
    out.append(s);
    return;
  }
  out.push_back('"');
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace prep
