// Decoding of published text files to UTF-8, and the small string helpers the
// readers share.
//
// Publishers write UTF-8, UTF-8 with a BOM, or Windows-1252 (Latin-1). A file
// with a BOM must be valid UTF-8; a file without one is UTF-8 when it validates
// and Windows-1252 when it has no valid multi-byte sequence at all. Anything
// else (a mix, control bytes, NUL) is not text and is refused with the line.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace prep::formats {

enum class TextEncoding { kUtf8, kUtf8Bom, kWindows1252 };

std::string_view EncodingName(TextEncoding e);

struct DecodedText {
  TextEncoding encoding = TextEncoding::kUtf8;
  std::string owned;      // holds the text when it had to be converted
  std::string_view text;  // UTF-8, without BOM; points into the input or into owned
};

// `name` labels errors ("name:line: reason").
// REQUIRES: the input outlives the result when no conversion was needed.
Result<DecodedText> DecodeText(std::string_view bytes, std::string_view name);

// Trims ASCII spaces and tabs.
inline std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Upper-case ASCII, Spanish accented letters folded to ASCII (Á→A, ñ→N),
// quotes and apostrophes removed, spaces to '_': "Actas fuera de catálogo"
// becomes "ACTAS_FUERA_DE_CATALOGO".
std::string CanonicalName(std::string_view s);

// Case- and accent-insensitive form for matching words: like CanonicalName but
// keeps spaces and punctuation.
std::string FoldForMatch(std::string_view s);

// ASCII case-insensitive equality (hot: vote cells).
inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const char x = a[i];
    const char y = b[i];
    if (x == y) continue;
    const char lx = static_cast<char>(x | 0x20);
    if (lx != (y | 0x20) || lx < 'a' || lx > 'z') return false;
  }
  return true;
}

}  // namespace prep::formats
