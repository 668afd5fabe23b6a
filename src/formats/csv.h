// A delimiter-separated-values tokenizer for published PREP files.
//
// Records end at LF, CRLF or a lone CR (all three are seen in real files).
// Fields may be quoted ("a,b", with "" for a quote) or Excel-protected
// (="230085B0100"); quotes are removed. A record longer than kMaxRecordBytes
// is refused: no PREP line comes near it, and refusing bounds memory.
// Thread-safety: one tokenizer per thread; it reads the text it was given.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace prep::formats {

inline constexpr size_t kMaxRecordBytes = 1 << 20;

struct CsvRecord {
  size_t line = 0;  // 1-based line where the record starts
  std::vector<std::string_view> fields;

  bool IsBlank() const {
    for (std::string_view f : fields) {
      for (char c : f) {
        if (c != ' ' && c != '\t') return false;
      }
    }
    return true;
  }
};

class CsvTokenizer {
 public:
  // `name` labels errors. `first_line` is the line number of text[0].
  CsvTokenizer(std::string_view text, char delimiter, std::string_view name, size_t first_line = 1);

  // Reads the next record into *out. Returns false at the end of the text or
  // on error; status() tells which.
  bool Next(CsvRecord* out);
  const Status& status() const { return status_; }
  size_t offset() const { return pos_; }
  size_t line() const { return line_; }

 private:
  bool Fail(size_t line, std::string message);

  std::string_view text_;
  char delimiter_;
  std::string name_;
  size_t pos_ = 0;
  size_t line_;
  std::string scratch_;  // unescaped quoted fields; sized so views never move
  Status status_;
};

}  // namespace prep::formats
