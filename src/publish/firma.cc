#include "publish/firma.h"

#include <sodium.h>

#include <array>
#include <cstdlib>

namespace prep::publish {
namespace {

using Hash = std::array<unsigned char, crypto_hash_sha256_BYTES>;

void Iniciar() {
  // sodium_init is thread-safe and idempotent; < 0 means no usable RNG: nothing here can work.
  static const int ok = sodium_init();
  if (ok < 0) std::abort();
}

Hash Hoja(std::string_view registro) {
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  const unsigned char prefijo = 0x00;
  crypto_hash_sha256_update(&st, &prefijo, 1);
  crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(registro.data()),
                            registro.size());
  Hash h;
  crypto_hash_sha256_final(&st, h.data());
  return h;
}

Hash Nodo(const Hash& izq, const Hash& der) {
  unsigned char buf[1 + 2 * crypto_hash_sha256_BYTES];
  buf[0] = 0x01;
  std::copy(izq.begin(), izq.end(), buf + 1);
  std::copy(der.begin(), der.end(), buf + 1 + izq.size());
  Hash h;
  crypto_hash_sha256(h.data(), buf, sizeof buf);
  return h;
}

}  // namespace

std::string Hex(std::string_view bytes) {
  static constexpr char kDigitos[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigitos[c >> 4]);
    out.push_back(kDigitos[c & 15]);
  }
  return out;
}

std::optional<std::string> DesdeHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  auto valor = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    const int a = valor(hex[2 * i]), b = valor(hex[2 * i + 1]);
    if (a < 0 || b < 0) return std::nullopt;
    out[i] = static_cast<char>(a * 16 + b);
  }
  return out;
}

ParClaves NuevasClaves() {
  Iniciar();
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pk, sk);
  ParClaves p{Hex({reinterpret_cast<char*>(pk), sizeof pk}),
              Hex({reinterpret_cast<char*>(sk), sizeof sk})};
  sodium_memzero(sk, sizeof sk);
  return p;
}

Result<std::string> Firmar(std::string_view mensaje, const std::string& secreta_hex) {
  Iniciar();
  auto sk = DesdeHex(secreta_hex);
  if (!sk || sk->size() != crypto_sign_SECRETKEYBYTES) {
    return Status::InvalidArgument("signing key: not " +
                                   std::to_string(crypto_sign_SECRETKEYBYTES) + " bytes of hex");
  }
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(mensaje.data()),
                       mensaje.size(), reinterpret_cast<const unsigned char*>(sk->data()));
  sodium_memzero(sk->data(), sk->size());
  return Hex({reinterpret_cast<char*>(sig), sizeof sig});
}

bool FirmaValida(std::string_view mensaje, const std::string& firma_hex,
                 const std::string& publica_hex) {
  Iniciar();
  auto sig = DesdeHex(firma_hex);
  auto pk = DesdeHex(publica_hex);
  if (!sig || sig->size() != crypto_sign_BYTES || !pk || pk->size() != crypto_sign_PUBLICKEYBYTES) {
    return false;
  }
  return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig->data()),
                                     reinterpret_cast<const unsigned char*>(mensaje.data()),
                                     mensaje.size(),
                                     reinterpret_cast<const unsigned char*>(pk->data())) == 0;
}

std::string RaizMerkle(const std::vector<std::string_view>& registros) {
  Iniciar();
  if (registros.empty()) {
    Hash h;
    crypto_hash_sha256(h.data(), nullptr, 0);
    return Hex({reinterpret_cast<char*>(h.data()), h.size()});
  }
  std::vector<Hash> nivel;
  nivel.reserve(registros.size());
  for (std::string_view r : registros) nivel.push_back(Hoja(r));
  // Pairing left to right and promoting the odd last node gives RFC 6962's tree
  // (its split at the largest power of two below n yields the same root).
  while (nivel.size() > 1) {
    std::vector<Hash> arriba;
    arriba.reserve((nivel.size() + 1) / 2);
    for (size_t i = 0; i + 1 < nivel.size(); i += 2) arriba.push_back(Nodo(nivel[i], nivel[i + 1]));
    if (nivel.size() % 2 == 1) arriba.push_back(nivel.back());
    nivel = std::move(arriba);
  }
  return Hex({reinterpret_cast<const char*>(nivel[0].data()), nivel[0].size()});
}

}  // namespace prep::publish
