#include "auth/password.h"

#include <sodium.h>

#include <array>
#include <cctype>

#include "auth/sodium_init.h"

namespace prep::auth {

namespace internal {
bool SodiumListo() {
  static const bool listo = sodium_init() >= 0;
  return listo;
}
}  // namespace internal

namespace {

Status Regla(std::string_view regla, std::string_view que_hacer) {
  return Status::InvalidArgument("la contraseña no cumple la regla \"" + std::string(regla) +
                                 "\": " + std::string(que_hacer));
}

// UTF-8 code points: every byte that is not a continuation byte starts one.
size_t Caracteres(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

bool IgualesSinMayusculas(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

PasswordParams PasswordParams::Interactivo() {
  return {crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
}
PasswordParams PasswordParams::Moderado() {
  return {crypto_pwhash_argon2id_OPSLIMIT_MODERATE, crypto_pwhash_argon2id_MEMLIMIT_MODERATE};
}
PasswordParams PasswordParams::Minimo() {
  return {crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
}

Result<std::string> HashPassword(std::string_view password, const PasswordParams& params) {
  if (!internal::SodiumListo()) return Status::Internal("libsodium no pudo iniciarse");
  if (params.opslimit < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
      params.opslimit > crypto_pwhash_argon2id_OPSLIMIT_MAX ||
      params.memlimit < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
      params.memlimit > crypto_pwhash_argon2id_MEMLIMIT_MAX) {
    return Status::InvalidArgument("parámetros de argon2id fuera de los límites de libsodium");
  }
  if (password.size() > kMaxBytesPassword) {
    return Status::InvalidArgument("la contraseña excede " + std::to_string(kMaxBytesPassword) +
                                   " bytes");
  }
  std::array<char, crypto_pwhash_argon2id_STRBYTES> out{};
  if (crypto_pwhash_argon2id_str(out.data(), password.data(), password.size(), params.opslimit,
                                 params.memlimit) != 0) {
    return Status::Internal("argon2id no pudo calcular el hash (¿memoria insuficiente?)");
  }
  return std::string(out.data());
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  if (!internal::SodiumListo()) return false;
  constexpr std::string_view kPrefijo = crypto_pwhash_argon2id_STRPREFIX;
  if (hash.size() >= crypto_pwhash_argon2id_STRBYTES ||
      hash.substr(0, kPrefijo.size()) != kPrefijo) {
    return false;
  }
  if (password.size() > kMaxBytesPassword) return false;
  std::array<char, crypto_pwhash_argon2id_STRBYTES> nul_terminado{};
  hash.copy(nul_terminado.data(), hash.size());
  return crypto_pwhash_argon2id_str_verify(nul_terminado.data(), password.data(),
                                           password.size()) == 0;
}

Status CheckPasswordPolicy(std::string_view password, std::string_view nombre_usuario) {
  const size_t n = Caracteres(password);
  if (n < kMinCaracteresPassword) {
    return Regla("longitud mínima",
                 "debe tener al menos " + std::to_string(kMinCaracteresPassword) + " caracteres");
  }
  if (n > kMaxCaracteresPassword) {
    return Regla("longitud máxima",
                 "debe tener a lo más " + std::to_string(kMaxCaracteresPassword) + " caracteres");
  }
  bool minusculas = false, mayusculas = false, digitos = false, otros = false;
  for (unsigned char c : password) {
    if (c >= 'a' && c <= 'z') {
      minusculas = true;
    } else if (c >= 'A' && c <= 'Z') {
      mayusculas = true;
    } else if (c >= '0' && c <= '9') {
      digitos = true;
    } else {
      otros = true;
    }
  }
  if (int{minusculas} + int{mayusculas} + int{digitos} + int{otros} < 2) {
    return Regla("variedad",
                 "debe combinar al menos dos clases de caracteres: minúsculas, mayúsculas, "
                 "dígitos u otros símbolos");
  }
  if (IgualesSinMayusculas(password, nombre_usuario)) {
    return Regla("distinta del usuario", "no puede ser igual al nombre de usuario");
  }
  return Status::Ok();
}

}  // namespace prep::auth
