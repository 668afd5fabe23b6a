// Arbitrary bytes as an uploaded acta image: the type is decided by content
// and PNG/JPEG headers are read for the declared size (image bombs). Any input
// must end as a type or an error, never a crash, an out-of-bounds read or UB.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "store/imagenes.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto tipo = prep::store::TipoPorContenido(bytes);
  if (tipo.ok() && prep::store::ExtensionDe(*tipo).empty()) __builtin_trap();
  return 0;
}
