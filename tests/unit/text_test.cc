#include "formats/text.h"

#include <gtest/gtest.h>

namespace prep::formats {
namespace {

TEST(DecodeText, PlainUtf8IsUsedInPlace) {
  const std::string in = "Elección\nA|B\n";
  auto d = DecodeText(in, "f.csv");
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->encoding, TextEncoding::kUtf8);
  EXPECT_EQ(d->text, in);
  EXPECT_EQ(d->text.data(), in.data());
}

TEST(DecodeText, BomIsStripped) {
  auto d = DecodeText(
      "\xEF\xBB\xBFSenadur\xC3\xAD"
      "a",
      "f.csv");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->encoding, TextEncoding::kUtf8Bom);
  EXPECT_EQ(d->text, "Senaduría");
}

TEST(DecodeText, Latin1IsConverted) {
  // "Sección" and "Escáner" in Windows-1252, plus a 0x80 euro sign.
  auto d = DecodeText("Secci\xF3n|Esc\xE1ner|\x80", "f.csv");
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->encoding, TextEncoding::kWindows1252);
  EXPECT_EQ(d->text, "Sección|Escáner|€");
}

TEST(DecodeText, InvalidUtf8AfterBomIsRefusedWithItsLine) {
  auto d = DecodeText(
      "\xEF\xBB\xBF"
      "a\nb\n\xFF\xFE\n",
      "f.csv");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("f.csv:3:"), std::string::npos) << d.status().message();
  EXPECT_NE(d.status().message().find("invalid UTF-8"), std::string::npos);
}

TEST(DecodeText, MixOfUtf8AndStrayBytesIsRefused) {
  auto d = DecodeText("Elecci\xC3\xB3n\nx\xE9y\xFF\n", "f.csv");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("f.csv:2:"), std::string::npos) << d.status().message();
}

TEST(DecodeText, OverlongAndSurrogateSequencesAreInvalid) {
  EXPECT_FALSE(DecodeText("\xEF\xBB\xBF\xC0\xAF", "f").ok());          // overlong '/'
  EXPECT_FALSE(DecodeText("\xEF\xBB\xBF\xED\xA0\x80", "f").ok());      // surrogate
  EXPECT_FALSE(DecodeText("\xEF\xBB\xBF\xF4\x90\x80\x80", "f").ok());  // > U+10FFFF
}

TEST(DecodeText, BinaryIsRefused) {
  const std::string bin("PK\x03\x04\x00\x00garbage", 12);
  auto d = DecodeText(bin, "f.bin");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("not text"), std::string::npos);
}

TEST(DecodeText, UndefinedWindows1252ByteIsRefused) {
  EXPECT_FALSE(DecodeText("abc\x81", "f").ok());
}

TEST(CanonicalName, FoldsAccentsCaseQuotesAndSpaces) {
  EXPECT_EQ(CanonicalName("ACTAS_FUERA_DE_CATÁLOGO"), "ACTAS_FUERA_DE_CATALOGO");
  EXPECT_EQ(CanonicalName(" actas fuera de catálogo "), "ACTAS_FUERA_DE_CATALOGO");
  EXPECT_EQ(CanonicalName("\xEF\xBB\xBF"
                          "CLAVE_CASILLA"),
            "CLAVE_CASILLA");
  EXPECT_EQ(CanonicalName("Sección"), "SECCION");
  EXPECT_EQ(CanonicalName("Ñ"), "N");
}

}  // namespace
}  // namespace prep::formats
