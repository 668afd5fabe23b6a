// A minimal JSON writer that appends to one string: the published files of a
// corte hold hundreds of thousands of acta records, and building them as
// nlohmann trees first costs several times more. Keys come in the order
// written (the canonical order of the schema), no whitespace, UTF-8 passed
// through, control characters, '"' and '\\' escaped.
// Thread-safety: a value.
#pragma once

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/tiempo.h"

namespace prep::publish {

class JsonTexto {
 public:
  JsonTexto() = default;
  // Appends to `inicio` (Tomar gives it back): many records into one buffer.
  explicit JsonTexto(std::string inicio) : out_(std::move(inicio)) {}

  void AbrirObjeto() { Abrir('{'); }
  void CerrarObjeto() { Cerrar('}'); }
  void AbrirLista() { Abrir('['); }
  void CerrarLista() { Cerrar(']'); }
  void Clave(std::string_view k) {
    Separar();
    Escapar(k);
    out_ += ':';
    tras_clave_ = true;
  }
  void Texto(std::string_view v) {
    Separar();
    Escapar(v);
  }
  void Entero(int64_t v) {
    Separar();
    char b[24];
    out_.append(b, std::to_chars(b, b + sizeof b, v).ptr);
  }
  // A date as a JSON string (base/tiempo.h formats, no escaping needed).
  void Fecha(int64_t utc_ms, int offset_minutos, FormatoFecha formato) {
    Separar();
    out_ += '"';
    AnadirFecha(out_, utc_ms, offset_minutos, formato);
    out_ += '"';
  }
  void Booleano(bool v) {
    Separar();
    out_ += v ? "true" : "false";
  }
  void Nulo() {
    Separar();
    out_ += "null";
  }
  // A value already written as JSON.
  void Crudo(std::string_view json) {
    Separar();
    out_ += json;
  }
  std::string Tomar() { return std::move(out_); }

 private:
  // Containers nest at most 64 deep (ours: 4); bit k of `con_elementos_` says
  // whether the container at depth k already holds an element.
  void Abrir(char c) {
    Separar();
    out_ += c;
    if (profundidad_ == 64) std::abort();
    ++profundidad_;
    con_elementos_ &= ~Bit();
  }
  void Cerrar(char c) {
    out_ += c;
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
    if (con_elementos_ & Bit()) out_ += ',';
    con_elementos_ |= Bit();
  }
  void Escapar(std::string_view s) {
    out_ += '"';
    size_t desde = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c != '"' && c != '\\' && c >= 0x20) continue;
      out_.append(s.data() + desde, i - desde);  // the run that needs no escaping, at once
      desde = i + 1;
      if (c == '"' || c == '\\') {
        out_ += '\\';
        out_ += s[i];
      } else {
        char b[8];
        std::snprintf(b, sizeof b, "\\u%04x", c);
        out_ += b;
      }
    }
    out_.append(s.data() + desde, s.size() - desde);
    out_ += '"';
  }

  std::string out_;
  uint64_t con_elementos_ = 0;
  int profundidad_ = 0;
  bool tras_clave_ = false;
};

}  // namespace prep::publish
