#include "base/texto.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace prep {

void AnadirHtml(std::string& out, std::string_view s) {
  size_t inicio = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char* rep = nullptr;
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

char* EscribirRelleno(char* p, int64_t v, int ancho) {
  char digitos[24];
  const char* fin = std::to_chars(digitos, digitos + sizeof(digitos), v).ptr;
  const char* d = digitos;
  int relleno = ancho - static_cast<int>(fin - digitos);  // the sign counts in `ancho`
  if (*d == '-') *p++ = *d++;
  for (; relleno > 0; --relleno) *p++ = '0';
  std::memcpy(p, d, static_cast<size_t>(fin - d));
  return p + (fin - d);
}

void AnadirRelleno(std::string& out, int64_t v, int ancho) {
  if (ancho <= 40) {  // the usual case: a local buffer, one append
    char buf[64];
    out.append(buf, EscribirRelleno(buf, v, ancho));
    return;
  }
  const size_t n = out.size();
  out.resize(n + 21 + static_cast<size_t>(std::max(ancho, 0)));
  out.resize(static_cast<size_t>(EscribirRelleno(out.data() + n, v, ancho) - out.data()));
}

bool CeldaCsvConComillas(std::string_view s, char separador) {
  // One pass over the cell (find_first_of calls memchr on the four
  // characters for each character of the cell: most of a CSV's time).
  bool comillas = false;
  for (char c : s) comillas |= (c == separador) | (c == '"') | (c == '\r') | (c == '\n');
  return comillas;
}

}  // namespace prep
