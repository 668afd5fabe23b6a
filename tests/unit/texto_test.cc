// The one copy of each escaping rule (base/texto.h) that the site, the
// database writer and the simulacro report share.
#include "base/texto.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>

namespace prep {
namespace {

TEST(AnadirHtml, EscapesTheFiveCharactersAndNothingElse) {
  std::string out = "x";
  AnadirHtml(out, R"(<script>alert("a & 'b'")</script> ñ)");
  EXPECT_EQ(out, "x&lt;script&gt;alert(&quot;a &amp; &#39;b&#39;&quot;)&lt;/script&gt; ñ");
  std::string limpio;
  AnadirHtml(limpio, "Sección 0085");
  EXPECT_EQ(limpio, "Sección 0085");
}

TEST(AnadirEntero, Decimal) {
  std::string out;
  AnadirEntero(out, -1234567);
  AnadirEntero(out, 0);
  EXPECT_EQ(out, "-12345670");
}

TEST(AnadirCampoCsv, QuotesOnlyWhatNeedsIt) {
  std::string out;
  AnadirCampoCsv(out, "ALGUN DATO ILEGIBLE");
  out += ',';
  AnadirCampoCsv(out, "ILEGIBLE, SIN DATO");
  out += ',';
  AnadirCampoCsv(out, "dice \"hola\"");
  out += ',';
  AnadirCampoCsv(out, "dos\nlíneas");
  EXPECT_EQ(out,
            "ALGUN DATO ILEGIBLE,\"ILEGIBLE, SIN DATO\",\"dice \"\"hola\"\"\",\"dos\nlíneas\"");
  // With '|' as the separator (IEQROO 2019) a comma needs no quotes, a bar does.
  std::string barra;
  AnadirCampoCsv(barra, "a, b", '|');
  barra += '|';
  AnadirCampoCsv(barra, "a|b", '|');
  EXPECT_EQ(barra, "a, b|\"a|b\"");
}

// AnadirRelleno is printf's "%0*lld": at least `ancho` characters, the sign
// counted in them, never truncated.
TEST(AnadirRelleno, MatchesPrintf) {
  for (int64_t v : {int64_t{0}, int64_t{7}, int64_t{85}, int64_t{2020}, int64_t{12345}, int64_t{-1},
                    int64_t{-42}, INT64_MAX, INT64_MIN}) {
    for (int ancho : {0, 1, 2, 4, 6}) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%0*lld", ancho, static_cast<long long>(v));
      std::string out = "x";
      AnadirRelleno(out, v, ancho);
      EXPECT_EQ(out, std::string("x") + buf) << v << " " << ancho;
    }
  }
}

}  // namespace
}  // namespace prep
