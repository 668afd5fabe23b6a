// The cryptography of a corte's manifest: Ed25519 signatures (libsodium) and
// the Merkle tree over its acta records (RFC 6962: leaf = SHA-256(0x00 || record),
// node = SHA-256(0x01 || left || right), an odd node promoted as is), so that
// anyone can prove one acta's record is in a signed corte with log2(n) hashes.
// Thread-safety: pure functions (libsodium is initialised once, thread-safely).
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace prep::publish {

struct ParClaves {
  std::string publica;  // 32 bytes, hex (64 digits)
  std::string secreta;  // 64 bytes (libsodium's seed || public), hex
};

ParClaves NuevasClaves();
// The signature of `mensaje`: 64 bytes, hex.
Result<std::string> Firmar(std::string_view mensaje, const std::string& secreta_hex);
bool FirmaValida(std::string_view mensaje, const std::string& firma_hex,
                 const std::string& publica_hex);

// Hex SHA-256 of the Merkle tree whose leaves are `registros`, in order; the
// SHA-256 of the empty string for none (RFC 6962 §2.1).
std::string RaizMerkle(const std::vector<std::string_view>& registros);
// The same in two steps, for a caller that keeps the leaf hashes (the change
// list compares them between cortes).
using HuellaMerkle = std::array<unsigned char, 32>;
HuellaMerkle HojaMerkle(std::string_view registro);  // SHA-256(0x00 || registro)
std::string RaizMerkleDeHojas(std::vector<HuellaMerkle> hojas);

// SHA-256 of bytes given in pieces (a file hashed as it is written), through
// the same OpenSSL implementation as the Merkle tree.
class Sha256EnCurso {
 public:
  Sha256EnCurso();
  ~Sha256EnCurso();
  Sha256EnCurso(Sha256EnCurso&&) noexcept;
  Sha256EnCurso& operator=(Sha256EnCurso&&) noexcept;
  void Anadir(std::string_view bytes);
  std::string Hex();  // the digest, lower-case hex; ends this hash

 private:
  struct Contexto;
  std::unique_ptr<Contexto> ctx_;
};

std::string Hex(std::string_view bytes);
// nullopt for odd length or a character other than 0-9a-f: only the lower-case
// form we write is accepted, so that no byte of a signature or key can change
// without the check failing.
std::optional<std::string> DesdeHex(std::string_view hex);

}  // namespace prep::publish
