// Text appended through a pointer into room allocated ahead: for the writers
// of files made of millions of small pieces (the database CSV, the acta
// records). std::string::append is a call per piece, with its capacity check
// and terminator; here a piece of known size is a few moves, and the
// capacity is checked once per piece against a pointer.
//
// Spelled like std::string where it does the same (append, push_back, size),
// so that the appenders of base/texto.h take either.
// Thread-safety: a value.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

namespace prep {

class Escritor {
 public:
  Escritor() = default;
  // Room for `bytes` before the first reallocation (none touched yet).
  explicit Escritor(size_t bytes) { texto_.reserve(bytes); }

  void push_back(char c) {  // NOLINT(readability-identifier-naming): std::string's name
    *Reservar(1) = c;
    ++n_;
  }
  void append(std::string_view s) {  // NOLINT(readability-identifier-naming)
    char* p = Reservar(s.size());
    const char* q = s.data();
    const size_t n = s.size();
    // Most pieces are a few characters: two overlapping copies of a fixed
    // size are a few moves, where memcpy of a variable size is a call (it
    // was a quarter of the CSV's time).
    if (n >= 8 && n <= 16) {
      std::memcpy(p, q, 8);
      std::memcpy(p + n - 8, q + n - 8, 8);
    } else if (n >= 4 && n < 8) {
      std::memcpy(p, q, 4);
      std::memcpy(p + n - 4, q + n - 4, 4);
    } else if (n > 0 && n < 4) {
      p[0] = q[0];
      p[n / 2] = q[n / 2];
      p[n - 1] = q[n - 1];
    } else if (n > 16) {
      std::memcpy(p, q, n);
    }
    n_ += n;
  }
  void append(const char* inicio, const char* fin) {  // NOLINT(readability-identifier-naming)
    append(std::string_view(inicio, static_cast<size_t>(fin - inicio)));
  }
  Escritor& operator+=(std::string_view s) {
    append(s);
    return *this;
  }
  Escritor& operator+=(char c) {
    push_back(c);
    return *this;
  }
  size_t size() const { return n_; }             // NOLINT(readability-identifier-naming)
  void reserve(size_t n) { texto_.reserve(n); }  // NOLINT(readability-identifier-naming)

  // Room for `n` more characters at the returned pointer; Avanzar(k) keeps
  // the first k of them.
  char* Reservar(size_t n) {
    const size_t objetivo = n_ + n;
    if (objetivo > texto_.size()) {
      // Within the capacity, grow the size a little (a buffer reused for
      // hundreds of MB must not be zero-filled again); beyond it, double.
      texto_.resize(objetivo <= texto_.capacity() ? std::min(texto_.capacity(), objetivo + 4096)
                                                  : std::max(objetivo, 2 * texto_.capacity()));
    }
    return texto_.data() + n_;
  }
  void Avanzar(size_t k) { n_ += k; }

  std::string_view Vista() const { return {texto_.data(), n_}; }
  // Starts over, keeping the room (a file written a block at a time).
  void Vaciar() { n_ = 0; }
  std::string Tomar() {
    texto_.resize(n_);
    n_ = 0;
    return std::move(texto_);
  }

 private:
  // The text is texto_[0, n_); beyond n_ is room already allocated.
  std::string texto_;
  size_t n_ = 0;
};

}  // namespace prep
