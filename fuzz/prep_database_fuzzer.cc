// Feeds arbitrary bytes to everything `prep check` does with a user's file:
// the zip reader, the text decoder, the CSV tokenizer, the PREP layout finder,
// the row parser and the recomputation. Any crash, leak or UB is a finding;
// errors are expected and fine.
#include <cstddef>
#include <cstdint>
#include <string>

#include "check/check.h"
#include "formats/prep_database.h"
#include "formats/source.h"

namespace {

void CheckBytes(std::string name, prep::formats::Bytes bytes, size_t threads) {
  auto db = prep::formats::PrepDatabase::Open(std::move(name), std::move(bytes));
  if (!db.ok()) return;
  prep::check::CheckOptions options;
  options.threads = threads;
  auto report = prep::check::CheckDatabase(**db, options);
  if (report.ok()) {
    (void)prep::check::ToJson(*report).dump();
    (void)prep::check::FormatHuman(*report);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  if (bytes.rfind("PK", 0) == 0) {
    auto entries = prep::formats::ReadZipEntries("fuzz.zip", bytes);
    if (entries.ok()) {
      for (auto& e : *entries) CheckBytes(e.name, std::move(e.bytes), 1);
    }
    return 0;
  }
  // Odd sizes also take the two-slice path of CheckDatabase.
  const size_t threads = 1 + size % 2;
  CheckBytes("fuzz.csv", prep::formats::Bytes(std::move(bytes)), threads);
  return 0;
}
