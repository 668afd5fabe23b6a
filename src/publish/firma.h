// The cryptography of a corte's manifest: Ed25519 signatures (libsodium) and
// the Merkle tree over its acta records (RFC 6962: leaf = SHA-256(0x00 || record),
// node = SHA-256(0x01 || left || right), an odd node promoted as is), so that
// anyone can prove one acta's record is in a signed corte with log2(n) hashes.
// Thread-safety: pure functions (libsodium is initialised once, thread-safely).
#pragma once

#include <array>
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

std::string Hex(std::string_view bytes);
// nullopt for odd length or a character other than 0-9a-f: only the lower-case
// form we write is accepted, so that no byte of a signature or key can change
// without the check failing.
std::optional<std::string> DesdeHex(std::string_view hex);

}  // namespace prep::publish
