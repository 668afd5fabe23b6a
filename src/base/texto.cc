#include "base/texto.h"

#include <charconv>

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

void AnadirEntero(std::string& out, int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, r.ptr);
}

void AnadirRelleno(std::string& out, int64_t v, int ancho) {
  char digitos[24];
  const char* fin = std::to_chars(digitos, digitos + sizeof(digitos), v).ptr;
  const char* d = digitos;
  const int relleno = ancho - static_cast<int>(fin - digitos);  // the sign counts in `ancho`
  if (*d == '-') out.push_back(*d++);
  if (relleno > 0) out.append(static_cast<size_t>(relleno), '0');
  out.append(d, static_cast<size_t>(fin - d));
}

void AnadirCampoCsv(std::string& out, std::string_view s, char separador) {
  const char especiales[] = {separador, '"', '\r', '\n'};
  if (s.find_first_of(std::string_view(especiales, sizeof(especiales))) == std::string_view::npos) {
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
