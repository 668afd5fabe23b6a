// Reading what a user hands to `prep check`: a results CSV, or the published
// zip (results CSV + candidaturas + LEEME), from disk.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "formats/bytes.h"

namespace prep::formats {

struct SourceFile {
  std::string name;  // path, or "archive.zip!/entry.csv"
  Bytes bytes;
};

// Upper bounds that keep a hostile zip (a "zip bomb") from exhausting memory.
inline constexpr uint64_t kMaxEntryBytes = 2ULL << 30;
inline constexpr uint64_t kMaxArchiveBytes = 4ULL << 30;

// Every entry of a zip archive held in memory, with the limits above.
Result<std::vector<SourceFile>> ReadZipEntries(const std::string& name, std::string_view bytes);

// The PREP results CSV(s) in `path`: the file itself, or the entries of a zip
// that look like results tables (candidaturas and LEEME are skipped).
Result<std::vector<SourceFile>> ReadResultsFiles(const std::string& path);

}  // namespace prep::formats
