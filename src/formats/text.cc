#include "formats/text.h"

#include <cctype>
#include <cstdint>
#include <cstring>
#include <thread>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace prep::formats {
namespace {

// Unicode code points of Windows-1252 bytes 0x80-0x9F; 0 marks undefined bytes.
constexpr uint16_t kCp1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool IsControl(unsigned char c) {
  return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F;
}

// Length of the valid UTF-8 sequence at p (1..4), or 0 when invalid.
size_t Utf8SequenceLength(const unsigned char* p, const unsigned char* end) {
  const unsigned char c = p[0];
  size_t n;
  uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (static_cast<size_t>(end - p) < n) return 0;
  for (size_t i = 1; i < n; ++i) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
      (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
    return 0;
  }
  return n;
}

// Line number (1-based) of byte offset `pos`, counting LF, CRLF and lone CR.
size_t LineOf(std::string_view text, size_t pos) {
  size_t line = 1;
  for (size_t i = 0; i < pos && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
    } else if (text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n')) {
      ++line;
    }
  }
  return line;
}

struct Scan {
  size_t first_invalid = std::string_view::npos;  // offset of the first invalid UTF-8 byte
  size_t first_control = std::string_view::npos;
  size_t multibyte = 0;  // valid multi-byte sequences seen
};

Scan ScanBytes(std::string_view s) {
  Scan scan;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
#if defined(__SSE2__)
    // Fastest path: 64 bytes with no byte below 0x20 (LF, CR and TAB
    // included), none at 0x7F and none at 0x80 or above (signed compare).
    if (end - p >= 64) {
      const __m128i space = _mm_set1_epi8(0x20);
      const __m128i del = _mm_set1_epi8(0x7F);
      __m128i flags = _mm_setzero_si128();
      for (int k = 0; k < 4; ++k) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
        flags = _mm_or_si128(flags, _mm_or_si128(_mm_cmplt_epi8(v, space), _mm_cmpeq_epi8(v, del)));
      }
      if (_mm_movemask_epi8(flags) == 0) {
        p += 64;
        continue;
      }
    }
    // Fast path: sixteen bytes that are all printable ASCII or tab/LF/CR.
    // Signed compare: bytes >= 0x80 are negative, so they are flagged as well.
    if (end - p >= 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      const __m128i below = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
      const __m128i allowed = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\t')),
                                                        _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'))),
                                           _mm_cmpeq_epi8(v, _mm_set1_epi8('\r')));
      const __m128i bad =
          _mm_or_si128(_mm_andnot_si128(allowed, below), _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F)));
      const int mask = _mm_movemask_epi8(bad);
      if (mask == 0) {
        p += 16;
        continue;
      }
      p += __builtin_ctz(static_cast<unsigned>(mask));  // handle the flagged byte below
    }
#endif
    // Fast path: eight bytes that are all printable ASCII or tab/LF/CR.
    if (end - p >= 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      constexpr uint64_t kOnes = 0x0101010101010101ULL;
      constexpr uint64_t kHigh = 0x8080808080808080ULL;
      const uint64_t below_space = (w - kOnes * 0x20) & ~w & kHigh;
      if (((w & kHigh) | below_space) == 0) {
        p += 8;
        continue;
      }
    }
    const unsigned char c = *p;
    if (c < 0x80) {
      if (IsControl(c) && scan.first_control == std::string_view::npos) {
        scan.first_control =
            static_cast<size_t>(p - reinterpret_cast<const unsigned char*>(s.data()));
      }
      ++p;
      continue;
    }
    const size_t n = Utf8SequenceLength(p, end);
    if (n == 0) {
      if (scan.first_invalid == std::string_view::npos) {
        scan.first_invalid =
            static_cast<size_t>(p - reinterpret_cast<const unsigned char*>(s.data()));
      }
      ++p;
    } else {
      ++scan.multibyte;
      p += n;
    }
  }
  return scan;
}

// ScanBytes over two halves on two threads for large inputs. The cut is made
// after a line feed, so no UTF-8 sequence straddles it.
Scan ScanBytesParallel(std::string_view s) {
  constexpr size_t kParallelFrom = 8 << 20;
  size_t cut = s.size() / 2;
  if (s.size() >= kParallelFrom) cut = s.find('\n', cut);
  if (s.size() < kParallelFrom || cut == std::string_view::npos) return ScanBytes(s);
  ++cut;
  Scan second;
  std::thread worker([&] { second = ScanBytes(s.substr(cut)); });
  Scan first = ScanBytes(s.substr(0, cut));
  worker.join();
  if (first.first_invalid == std::string_view::npos &&
      second.first_invalid != std::string_view::npos) {
    first.first_invalid = cut + second.first_invalid;
  }
  if (first.first_control == std::string_view::npos &&
      second.first_control != std::string_view::npos) {
    first.first_control = cut + second.first_control;
  }
  first.multibyte += second.multibyte;
  return first;
}

std::string Where(std::string_view name, std::string_view text, size_t pos) {
  return std::string(name) + ":" + std::to_string(LineOf(text, pos)) + ": ";
}

}  // namespace

std::string_view EncodingName(TextEncoding e) {
  switch (e) {
    case TextEncoding::kUtf8:
      return "UTF-8";
    case TextEncoding::kUtf8Bom:
      return "UTF-8 con BOM";
    case TextEncoding::kWindows1252:
      return "Windows-1252";
  }
  return "";
}

Result<DecodedText> DecodeText(std::string_view bytes, std::string_view name) {
  DecodedText out;
  std::string_view body = bytes;
  const bool bom = body.substr(0, 3) == "\xEF\xBB\xBF";
  if (bom) body.remove_prefix(3);

  const Scan scan = ScanBytesParallel(body);
  if (scan.first_control != std::string_view::npos) {
    char hex[8];
    std::snprintf(hex, sizeof(hex), "0x%02X", static_cast<unsigned char>(body[scan.first_control]));
    return Status::InvalidArgument(Where(name, body, scan.first_control) + "byte " + hex +
                                   " is not text; this is not a CSV file (binary data?)");
  }
  if (scan.first_invalid == std::string_view::npos) {
    out.encoding = bom ? TextEncoding::kUtf8Bom : TextEncoding::kUtf8;
    out.text = body;
    return out;
  }
  if (bom || scan.multibyte > 0) {
    return Status::InvalidArgument(Where(name, body, scan.first_invalid) +
                                   "invalid UTF-8 byte sequence (the file " +
                                   (bom ? "starts with a UTF-8 BOM" : "has other UTF-8 sequences") +
                                   ", so it cannot be read as Windows-1252 either)");
  }
  // No valid multi-byte sequence anywhere: a single-byte Windows-1252 file.
  out.encoding = TextEncoding::kWindows1252;
  out.owned.reserve(body.size() + body.size() / 8);
  for (size_t i = 0; i < body.size(); ++i) {
    const auto c = static_cast<unsigned char>(body[i]);
    if (c < 0x80) {
      out.owned.push_back(static_cast<char>(c));
    } else if (c < 0xA0) {
      const uint16_t cp = kCp1252High[c - 0x80];
      if (cp == 0) {
        char hex[8];
        std::snprintf(hex, sizeof(hex), "0x%02X", c);
        return Status::InvalidArgument(Where(name, body, i) + "byte " + hex +
                                       " is neither UTF-8 nor Windows-1252 text");
      }
      AppendUtf8(cp, &out.owned);
    } else {
      AppendUtf8(c, &out.owned);
    }
  }
  out.text = out.owned;
  return out;
}

namespace {

// Folds one character at s[i] (possibly a 2-byte UTF-8 Latin letter) to an
// upper-case ASCII letter; returns the bytes consumed.
size_t FoldChar(std::string_view s, size_t i, char* folded) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    *folded = static_cast<char>(std::toupper(c));
    return 1;
  }
  if ((c == 0xC3) && i + 1 < s.size()) {
    // The second byte of U+00C0..U+00FF is 0x80..0xBF; | 0x20 folds upper to lower case,
    // + 0x40 gives the Latin-1 code point.
    const auto d = (static_cast<unsigned char>(s[i + 1]) | 0x20) + 0x40;
    switch (d) {
      case 0xE1:
      case 0xE0:
      case 0xE4:
      case 0xE2:
        *folded = 'A';
        return 2;
      case 0xE9:
      case 0xE8:
      case 0xEB:
      case 0xEA:
        *folded = 'E';
        return 2;
      case 0xED:
      case 0xEC:
      case 0xEF:
      case 0xEE:
        *folded = 'I';
        return 2;
      case 0xF3:
      case 0xF2:
      case 0xF6:
      case 0xF4:
        *folded = 'O';
        return 2;
      case 0xFA:
      case 0xF9:
      case 0xFC:
      case 0xFB:
        *folded = 'U';
        return 2;
      case 0xF1:
        *folded = 'N';
        return 2;
      default:
        break;
    }
  }
  *folded = static_cast<char>(c);
  return 1;
}

}  // namespace

std::string FoldForMatch(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    char f;
    i += FoldChar(s, i, &f);
    out.push_back(f);
  }
  return out;
}

std::string CanonicalName(std::string_view s) {
  if (s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
  s = TrimSpaces(s);
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    char f;
    i += FoldChar(s, i, &f);
    if (f == '"' || f == '\'' || f == '=') continue;
    out.push_back(f == ' ' ? '_' : f);
  }
  return out;
}

}  // namespace prep::formats
