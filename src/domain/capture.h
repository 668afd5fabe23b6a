// What a capturista can type into one vote field of an acta: a count, ILEGIBLE
// (written but unreadable in letters and in numbers) or SIN DATO (nothing written).
// Both special values count as zero in every sum (Anexo 13, OBSERVACIONES).
// Thread-safety: values.
#pragma once

#include <cstdint>

namespace prep::domain {

enum class CaptureKind : uint8_t {
  kCount,
  kIlegible,
  kSinDato,
};

struct CaptureValue {
  CaptureKind kind = CaptureKind::kSinDato;
  int64_t count = 0;  // meaningful only for kCount; never negative

  static CaptureValue Count(int64_t n) { return {CaptureKind::kCount, n}; }
  static CaptureValue Ilegible() { return {CaptureKind::kIlegible, 0}; }
  static CaptureValue SinDato() { return {CaptureKind::kSinDato, 0}; }

  // The amount this field adds to TOTAL_VOTOS_CALCULADO.
  int64_t Votes() const { return kind == CaptureKind::kCount ? count : 0; }
  friend bool operator==(const CaptureValue&, const CaptureValue&) = default;
};

}  // namespace prep::domain
