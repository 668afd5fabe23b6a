// Arbitrary bytes as an election configuration (TOML): every error must come
// back as a Status, never a crash, leak or UB.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "formats/election_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = prep::formats::ParseElectionConfig(text, "fuzz.toml");
  (void)config.ok();
  return 0;
}
