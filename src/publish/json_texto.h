// A minimal JSON writer that appends to one string: the published files of a
// corte hold hundreds of thousands of acta records, and building them as
// nlohmann trees first costs several times more. Keys come in the order
// written (the canonical order of the schema), no whitespace, UTF-8 passed
// through, control characters, '"' and '\\' escaped.
// Thread-safety: a value.
#pragma once

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "base/escritor.h"
#include "base/tiempo.h"

namespace prep::publish {

class JsonTexto {
 public:
  JsonTexto() = default;
  // Room for `bytes` before the first reallocation (none touched yet).
  void Reservar(size_t bytes) { out_.reserve(bytes); }

  void AbrirObjeto() { Abrir('{'); }
  void CerrarObjeto() { Cerrar('}'); }
  void AbrirLista() { Abrir('['); }
  void CerrarLista() { Cerrar(']'); }
  void Clave(std::string_view k) {
    Separar();
    Cadena(k);
    Poner(':');
    tras_clave_ = true;
  }
  // A key spelled in our code (a string literal: its length is known when
  // compiled, and it needs no escaping, which debug builds check): copied at
  // once. A corte writes tens of millions of keys.
  template <size_t N>
  void Clave(const char (&k)[N]) {
    const size_t n = std::char_traits<char>::length(k);
    assert(std::string_view(k, n).find_first_of("\"\\") == std::string_view::npos);
    Separar();
    char* p = out_.Reservar(n + 3);
    *p = '"';
    std::memcpy(p + 1, k, n);
    p[n + 1] = '"';
    p[n + 2] = ':';
    out_.Avanzar(n + 3);
    tras_clave_ = true;
  }
  void Texto(std::string_view v) {
    Separar();
    Cadena(v);
  }
  void Entero(int64_t v) {
    Separar();
    char* p = out_.Reservar(24);
    out_.Avanzar(static_cast<size_t>(std::to_chars(p, p + 24, v).ptr - p));
  }
  // A date as a JSON string (base/tiempo.h formats, no escaping needed).
  void Fecha(int64_t utc_ms, int offset_minutos, FormatoFecha formato) {
    Separar();
    char* const inicio = out_.Reservar(kMaxBytesFecha + 2);
    char* p = inicio;
    *p++ = '"';
    p = EscribirFecha(p, utc_ms, offset_minutos, formato);
    *p++ = '"';
    out_.Avanzar(static_cast<size_t>(p - inicio));
  }
  void Booleano(bool v) {
    Separar();
    Poner(v ? std::string_view("true") : std::string_view("false"));
  }
  void Nulo() {
    Separar();
    Poner("null");
  }
  // A value already written as JSON.
  void Crudo(std::string_view json) {
    Separar();
    Poner(json);
  }
  // JSON Lines: a newline after a top-level value.
  void FinDeLinea() { Poner('\n'); }
  // The text so far, and starting over at the top level while keeping the
  // room (a writer that flushes a file a block at a time).
  std::string_view Vista() const { return out_.Vista(); }
  size_t Tamano() const { return out_.size(); }
  void Vaciar() { out_.Vaciar(); }
  std::string Tomar() { return out_.Tomar(); }

 private:
  // Through a pointer, not string::append per piece: the records of a
  // national corte are hundreds of MB, and those calls were most of their cost.
  void Poner(char c) { out_.push_back(c); }
  void Poner(std::string_view s) { out_.append(s); }
  // Containers nest at most 64 deep (ours: 4); bit k of `con_elementos_` says
  // whether the container at depth k already holds an element.
  void Abrir(char c) {
    Separar();
    Poner(c);
    if (profundidad_ == 64) std::abort();
    ++profundidad_;
    con_elementos_ &= ~Bit();
  }
  void Cerrar(char c) {
    Poner(c);
    --profundidad_;
  }
  uint64_t Bit() const { return uint64_t{1} << (profundidad_ - 1); }
  // A comma before every element but the first of its container, none after a key.
  void Separar() {
    if (tras_clave_) {
      tras_clave_ = false;
      return;
    }
    if (profundidad_ == 0) return;
    if (con_elementos_ & Bit()) Poner(',');
    con_elementos_ |= Bit();
  }
  // A JSON string: quotes, '"' and '\\' escaped, control characters as \\u00XX.
  // One pass that copies while it checks; the rare string that needs escaping
  // goes on in CadenaEscapada from the first character that does.
  void Cadena(std::string_view s) {
    char* const inicio = out_.Reservar(s.size() + 2);
    char* p = inicio;
    *p++ = '"';
    for (size_t i = 0; i < s.size(); ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c == '"' || c == '\\' || c < 0x20) {
        out_.Avanzar(static_cast<size_t>(p - inicio));
        CadenaEscapada(s.substr(i));
        return;
      }
      *p++ = s[i];
    }
    *p++ = '"';
    out_.Avanzar(static_cast<size_t>(p - inicio));
  }
  // The rest of a string whose opening quote is written.
  void CadenaEscapada(std::string_view s) {
    size_t desde = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c != '"' && c != '\\' && c >= 0x20) continue;
      Poner(s.substr(desde, i - desde));  // the run that needs no escaping, at once
      desde = i + 1;
      if (c == '"' || c == '\\') {
        Poner('\\');
        Poner(s[i]);
      } else {
        char b[8];
        std::snprintf(b, sizeof b, "\\u%04x", c);
        Poner(b);
      }
    }
    Poner(s.substr(desde));
    Poner('"');
  }

  Escritor out_;
  uint64_t con_elementos_ = 0;
  int profundidad_ = 0;
  bool tras_clave_ = false;
};

}  // namespace prep::publish
