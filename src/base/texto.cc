#include "base/texto.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace prep {

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

bool CeldaCsvConComillas(std::string_view s, char separador) {
  // One pass over the cell (find_first_of calls memchr on the four
  // characters for each character of the cell: most of a CSV's time).
  bool comillas = false;
  for (char c : s) comillas |= (c == separador) | (c == '"') | (c == '\r') | (c == '\n');
  return comillas;
}

}  // namespace prep
