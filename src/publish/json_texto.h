// A minimal JSON writer that appends to one string: the published files of a
// corte hold hundreds of thousands of acta records, and building them as
// nlohmann trees first costs several times more. Keys come in the order
// written (the canonical order of the schema), no whitespace, UTF-8 passed
// through, control characters, '"' and '\\' escaped.
// Thread-safety: a value.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace prep::publish {

class JsonTexto {
 public:
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
    out_ += std::to_string(v);
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
  void Abrir(char c) {
    Separar();
    out_ += c;
    primero_.push_back(true);
  }
  void Cerrar(char c) {
    out_ += c;
    primero_.pop_back();
  }
  // A comma before every element but the first of its container, none after a key.
  void Separar() {
    if (tras_clave_) {
      tras_clave_ = false;
      return;
    }
    if (primero_.empty()) return;
    if (!primero_.back()) out_ += ',';
    primero_.back() = false;
  }
  void Escapar(std::string_view s) {
    out_ += '"';
    for (char ch : s) {
      const auto c = static_cast<unsigned char>(ch);
      if (c == '"' || c == '\\') {
        out_ += '\\';
        out_ += ch;
      } else if (c < 0x20) {
        char b[8];
        std::snprintf(b, sizeof b, "\\u%04x", c);
        out_ += b;
      } else {
        out_ += ch;
      }
    }
    out_ += '"';
  }

  std::string out_;
  std::vector<bool> primero_;
  bool tras_clave_ = false;
};

}  // namespace prep::publish
