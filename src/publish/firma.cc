#include "publish/firma.h"

#include <openssl/evp.h>
#include <sodium.h>

#include <array>
#include <cstdlib>
#include <memory>

namespace prep::publish {
namespace {

void Iniciar() {
  // sodium_init is thread-safe and idempotent; < 0 means no usable RNG: nothing here can work.
  static const int ok = sodium_init();
  if (ok < 0) std::abort();
}

// SHA-256 through OpenSSL, with the algorithm fetched once and one context per
// thread reused: it uses the CPU's SHA extensions where present, and libsodium's
// portable SHA-256 was several times slower on the half-million leaves and
// nodes of a national corte.
class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    if (ctx_ == nullptr || Md() == nullptr) std::abort();
  }
  HuellaMerkle Calcular(unsigned char prefijo, std::string_view a, std::string_view b = {}) {
    HuellaMerkle h;
    unsigned int n = 0;
    if (EVP_DigestInit_ex2(ctx_.get(), Md(), nullptr) != 1 ||
        EVP_DigestUpdate(ctx_.get(), &prefijo, 1) != 1 ||
        EVP_DigestUpdate(ctx_.get(), a.data(), a.size()) != 1 ||
        (!b.empty() && EVP_DigestUpdate(ctx_.get(), b.data(), b.size()) != 1) ||
        EVP_DigestFinal_ex(ctx_.get(), h.data(), &n) != 1 || n != h.size()) {
      std::abort();  // only on allocation failure inside OpenSSL
    }
    return h;
  }

  static const EVP_MD* Md() {
    static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return md;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx_;
};

Sha256& ShaDelHilo() {
  thread_local Sha256 sha;
  return sha;
}

std::string_view Bytes(const HuellaMerkle& h) {
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}

HuellaMerkle Nodo(const HuellaMerkle& izq, const HuellaMerkle& der) {
  return ShaDelHilo().Calcular(0x01, Bytes(izq), Bytes(der));
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

struct Sha256EnCurso::Contexto {
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx{EVP_MD_CTX_new(), EVP_MD_CTX_free};
};

Sha256EnCurso::~Sha256EnCurso() = default;
Sha256EnCurso::Sha256EnCurso(Sha256EnCurso&&) noexcept = default;
Sha256EnCurso& Sha256EnCurso::operator=(Sha256EnCurso&&) noexcept = default;

Sha256EnCurso::Sha256EnCurso() : ctx_(std::make_unique<Contexto>()) {
  if (ctx_->ctx == nullptr || EVP_DigestInit_ex2(ctx_->ctx.get(), Sha256::Md(), nullptr) != 1) {
    std::abort();  // only on allocation failure inside OpenSSL
  }
}

void Sha256EnCurso::Anadir(std::string_view bytes) {
  if (EVP_DigestUpdate(ctx_->ctx.get(), bytes.data(), bytes.size()) != 1) std::abort();
}

std::string Sha256EnCurso::Hex() {
  unsigned char h[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_DigestFinal_ex(ctx_->ctx.get(), h, &n) != 1) std::abort();
  return publish::Hex({reinterpret_cast<const char*>(h), n});
}

HuellaMerkle HojaMerkle(std::string_view registro) { return ShaDelHilo().Calcular(0x00, registro); }

std::string RaizMerkleDeHojas(std::vector<HuellaMerkle> nivel) {
  if (nivel.empty()) {
    // RFC 6962 §2.1: the hash of no leaves is the SHA-256 of the empty string.
    Iniciar();
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, nullptr, 0);
    return Hex({reinterpret_cast<char*>(h), sizeof h});
  }
  // Pairing left to right and promoting the odd last node gives RFC 6962's tree
  // (its split at the largest power of two below n yields the same root). In
  // place: level k+1 overwrites the front of level k.
  size_t n = nivel.size();
  while (n > 1) {
    size_t arriba = 0;
    for (size_t i = 0; i + 1 < n; i += 2) nivel[arriba++] = Nodo(nivel[i], nivel[i + 1]);
    if (n % 2 == 1) nivel[arriba++] = nivel[n - 1];
    n = arriba;
  }
  return Hex(Bytes(nivel[0]));
}

std::string RaizMerkle(const std::vector<std::string_view>& registros) {
  Iniciar();
  std::vector<HuellaMerkle> hojas;
  hojas.reserve(registros.size());
  for (std::string_view r : registros) hojas.push_back(HojaMerkle(r));
  return RaizMerkleDeHojas(std::move(hojas));
}

}  // namespace prep::publish
