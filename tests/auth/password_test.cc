// argon2id hashing through the real libsodium, and the password policy.
#include "auth/password.h"

#include <gtest/gtest.h>

#include <string>

namespace prep::auth {
namespace {

constexpr char kPassword[] = "Quintana-Roo-2019!";

TEST(PasswordTest, HashIsArgon2idAndVerifies) {
  Result<std::string> h = HashPassword(kPassword, PasswordParams::Minimo());
  ASSERT_TRUE(h.ok()) << h.status().message();
  EXPECT_EQ(h->rfind("$argon2id$v=19$m=8,t=1,p=1$", 0), 0u) << *h;
  EXPECT_EQ(h->find(kPassword), std::string::npos);
  EXPECT_TRUE(VerifyPassword(*h, kPassword));
  EXPECT_FALSE(VerifyPassword(*h, "Quintana-Roo-2019"));
  EXPECT_FALSE(VerifyPassword(*h, ""));
}

TEST(PasswordTest, SaltMakesEveryHashDifferent) {
  Result<std::string> a = HashPassword(kPassword, PasswordParams::Minimo());
  Result<std::string> b = HashPassword(kPassword, PasswordParams::Minimo());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(VerifyPassword(*a, kPassword));
  EXPECT_TRUE(VerifyPassword(*b, kPassword));
}

TEST(PasswordTest, DefaultIsInteractive) {
  PasswordParams defecto;
  EXPECT_EQ(defecto.opslimit, PasswordParams::Interactivo().opslimit);
  EXPECT_EQ(defecto.memlimit, PasswordParams::Interactivo().memlimit);
  Result<std::string> h = HashPassword(kPassword, defecto);
  ASSERT_TRUE(h.ok()) << h.status().message();
  EXPECT_EQ(h->rfind("$argon2id$v=19$m=65536,t=2,p=1$", 0), 0u) << *h;
  EXPECT_TRUE(VerifyPassword(*h, kPassword));
}

TEST(PasswordTest, EmptyAndUnicodePasswordsHash) {
  for (const char* p : {"", "contraseña-ñandú-€"}) {
    Result<std::string> h = HashPassword(p, PasswordParams::Minimo());
    ASSERT_TRUE(h.ok());
    EXPECT_TRUE(VerifyPassword(*h, p));
  }
}

TEST(PasswordTest, RefusesBadParametersAndHugePasswords) {
  Result<std::string> h = HashPassword(kPassword, {0, 8192});
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(HashPassword(kPassword, {1, 1024}).ok());
  const std::string enorme(kMaxBytesPassword + 1, 'a');
  h = HashPassword(enorme, PasswordParams::Minimo());
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().message().find("aaaa"), std::string::npos);
}

TEST(PasswordTest, VerifyRefusesOtherHashes) {
  Result<std::string> h = HashPassword(kPassword, PasswordParams::Minimo());
  ASSERT_TRUE(h.ok());
  EXPECT_FALSE(VerifyPassword("", kPassword));
  EXPECT_FALSE(VerifyPassword(kPassword, kPassword));                        // a plain-text "hash"
  EXPECT_FALSE(VerifyPassword("$2b$12$abcdefghijklmnopqrstuv", kPassword));  // bcrypt
  std::string argon2i = *h;
  argon2i.replace(0, 10, "$argon2i$");
  EXPECT_FALSE(VerifyPassword(argon2i, kPassword));
  std::string cortado = h->substr(0, h->size() - 5);
  EXPECT_FALSE(VerifyPassword(cortado, kPassword));
  std::string alterado = *h;
  alterado.back() = alterado.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(VerifyPassword(alterado, kPassword));
  EXPECT_FALSE(VerifyPassword(*h + std::string(200, 'x'), kPassword));
}

// The policy names the rule that failed and never echoes the password.
void ExpectRegla(std::string_view password, std::string_view usuario, std::string_view regla) {
  Status s = CheckPasswordPolicy(password, usuario);
  ASSERT_FALSE(s.ok()) << password;
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("la contraseña no cumple la regla \"" + std::string(regla) + "\""),
            std::string::npos)
      << s.message();
  if (!password.empty()) {
    EXPECT_EQ(s.message().find(password), std::string::npos) << s.message();
  }
}

TEST(PasswordPolicyTest, Accepts) {
  EXPECT_TRUE(CheckPasswordPolicy("tulum-cancun-9", "ana.lopez").ok());
  EXPECT_TRUE(CheckPasswordPolicy("abcdefghijkL", "ana.lopez").ok());        // 12 exactly
  EXPECT_TRUE(CheckPasswordPolicy("ñañañañañaña", "ana.lopez").ok());        // ñ is "other"
  EXPECT_TRUE(CheckPasswordPolicy("correcto caballo batería", "ana").ok());  // spaces count
  EXPECT_TRUE(CheckPasswordPolicy(std::string(127, 'a') + "1", "ana").ok());
}

TEST(PasswordPolicyTest, LongitudMinima) {
  ExpectRegla("Corta-123", "ana.lopez", "longitud mínima");
  ExpectRegla("", "ana.lopez", "longitud mínima");
  // Characters, not bytes: 11 ñ are 22 bytes but 11 characters.
  ExpectRegla("ñññññññññññ", "ana.lopez", "longitud mínima");
  Status s = CheckPasswordPolicy("abc", "x");
  EXPECT_EQ(s.message(),
            "la contraseña no cumple la regla \"longitud mínima\": debe tener al menos 12 "
            "caracteres");
}

TEST(PasswordPolicyTest, LongitudMaxima) {
  ExpectRegla(std::string(128, 'a') + "1", "ana", "longitud máxima");
}

TEST(PasswordPolicyTest, Variedad) {
  ExpectRegla("abcdefghijklmnop", "ana.lopez", "variedad");
  ExpectRegla("ABCDEFGHIJKLMNOP", "ana.lopez", "variedad");
  ExpectRegla("123456789012345", "ana.lopez", "variedad");
  ExpectRegla("!!!!!!!!!!!!!!!!", "ana.lopez", "variedad");
}

TEST(PasswordPolicyTest, DistintaDelUsuario) {
  ExpectRegla("capturista.catd01", "capturista.catd01", "distinta del usuario");
  ExpectRegla("CAPTURISTA.CATD01", "capturista.catd01", "distinta del usuario");
  EXPECT_TRUE(CheckPasswordPolicy("capturista.catd02", "capturista.catd01").ok());
}

}  // namespace
}  // namespace prep::auth
