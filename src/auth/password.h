// Passwords: argon2id hashes (libsodium) and the password policy.
//
// HashPassword() gives the self-describing encoded string
// "$argon2id$v=19$m=65536,t=2,p=1$<salt>$<hash>" with a fresh random salt, so
// two hashes of one password differ; VerifyPassword() reads the parameters
// back from that string and compares in constant time. Only argon2id hashes
// are accepted.
//
// No function here logs, stores or returns a password, or puts it (or any
// part of it) in an error message.
// Thread-safety: all functions are safe to call from many threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace prep::auth {

// argon2id cost. The default is libsodium's "interactive" level (t=2, 64 MiB:
// tenths of a second per login); tests use Minimo() to stay fast.
struct PasswordParams {
  uint64_t opslimit = 2;        // crypto_pwhash_OPSLIMIT_INTERACTIVE
  size_t memlimit = 64u << 20;  // crypto_pwhash_MEMLIMIT_INTERACTIVE, bytes

  static PasswordParams Interactivo();  // the default above
  static PasswordParams Moderado();     // t=3, 256 MiB: about 0.7 s per login
  static PasswordParams Minimo();       // t=1, 8 KiB: for tests only
};

// Longest password accepted anywhere (bytes), so a huge body cannot make a
// login expensive; the policy asks for at most kMaxCaracteresPassword.
inline constexpr size_t kMaxBytesPassword = 1024;
inline constexpr size_t kMinCaracteresPassword = 12;
inline constexpr size_t kMaxCaracteresPassword = 128;

// The argon2id encoded string of `password`. Fails (without naming the
// password) on parameters outside libsodium's limits, a password longer than
// kMaxBytesPassword, or when libsodium cannot run (out of memory).
Result<std::string> HashPassword(std::string_view password, const PasswordParams& params);

// True when `hash` is an argon2id string produced by HashPassword for
// `password`. False for any other hash, a malformed one, or a wrong password.
bool VerifyPassword(std::string_view hash, std::string_view password);

// The password policy for new passwords. Rules, checked in this order, each
// named in the refusal:
//   "longitud mínima"   at least 12 characters (UTF-8 code points);
//   "longitud máxima"   at most 128 characters;
//   "variedad"          characters of at least two classes among lower case,
//                       upper case, digits and others (symbols, spaces, ñ, ...);
//   "distinta del usuario"  not the user name (ignoring ASCII case).
// kInvalidArgument: "la contraseña no cumple la regla \"<rule>\": <what to do>".
Status CheckPasswordPolicy(std::string_view password, std::string_view nombre_usuario);

}  // namespace prep::auth
