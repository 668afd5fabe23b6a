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

// `s` without the line ends it finishes with: a one-line file (a signature, a
// key) read whole.
inline std::string_view SinFinDeLinea(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// `s` escaped for HTML element content and quoted attribute values alike
// (& < > " '): text from people or servers is never markup. `Salida`:
// std::string or Escritor (base/escritor.h), as for every appender here.
template <class Salida>
void AnadirHtml(Salida& out, std::string_view s) {
  size_t inicio = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    std::string_view rep;
    switch (s[i]) {
      case '&':
        rep = "&amp;";
        break;
      case '<':
        rep = "&lt;";
        break;
      case '>':
        rep = "&gt;";
        break;
      case '"':
        rep = "&quot;";
        break;
      case '\'':
        rep = "&#39;";
        break;
      default:
        continue;
    }
    out.append(s.substr(inicio, i - inicio));
    out.append(rep);
    inicio = i + 1;
  }
  out.append(s.substr(inicio));
}
// `v` in decimal.
template <class Salida>
void AnadirEntero(Salida& out, int64_t v) {
  char buf[24];
  out.append(buf, std::to_chars(buf, buf + sizeof(buf), v).ptr);
}
// `v` in decimal, zero-padded to at least `ancho` characters, sign included,
// written at `p`, which has room for max(ancho, 0) + 21 characters; returns
// the end: what printf's "%0*lld" prints (sección 0085, a time's 07, year 2020).
char* EscribirRelleno(char* p, int64_t v, int ancho);
// The same, appended.
template <class Salida>
void AnadirRelleno(Salida& out, int64_t v, int ancho) {
  if (ancho <= 40) {  // the usual case: a local buffer, one append
    char buf[64];
    out.append(buf, EscribirRelleno(buf, v, ancho));
    return;
  }
  std::string ancho_grande(21 + static_cast<size_t>(ancho), '\0');
  ancho_grande.resize(
      static_cast<size_t>(EscribirRelleno(ancho_grande.data(), v, ancho) - ancho_grande.data()));
  out.append(ancho_grande);
}
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
