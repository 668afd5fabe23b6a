// The one copy of each escaping rule (base/texto.h) that the site, the
// database writer and the simulacro report share.
#include "base/texto.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace prep
