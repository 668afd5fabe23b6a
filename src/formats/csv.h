// A delimiter-separated-values tokenizer for published PREP files.
//
// Records end at LF, CRLF or a lone CR (all three are seen in real files).
// Fields may be quoted ("a,b", with "" for a quote) or Excel-protected
// (="230085B0100"); quotes are removed. A record longer than kMaxRecordBytes
// is refused: no PREP line comes near it, and refusing bounds memory.
// Thread-safety: one tokenizer per thread; it reads the text it was given.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace prep::formats {

inline constexpr size_t kMaxRecordBytes = 1 << 20;

struct CsvRecord {
  size_t line = 0;  // 1-based line where the record starts
  // Valid until the tokenizer's next call.
  std::span<const std::string_view> fields;
  // Fields in the record; more than fields.size() when Next() was asked for
  // only the first few.
  size_t field_count = 0;

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
  // on error; status() tells which. With max_fields, fields past the first
  // max_fields are counted (field_count) but not materialised, when that can be
  // done without CSV quoting rules (no quote in the rest of the line).
  bool Next(CsvRecord* out, size_t max_fields = static_cast<size_t>(-1));
  // Makes the next Next() read the record just returned again.
  void RetryRecordInFull();
  const Status& status() const { return status_; }
  size_t offset() const { return pos_; }
  size_t line() const { return line_; }

 private:
  bool Fail(size_t line, std::string message);
  bool SkipRestOfRecord(size_t i, size_t start, size_t materialised, CsvRecord* out);
  // Fields are found through bit masks over a 64-byte window of the text
  // (SSE2 where available): bit k of a mask stands for text_[window_ + k].
  void LoadWindow(size_t base);
  size_t FindFieldEnd(size_t i);

  std::string_view text_;
  char delimiter_;
  std::string name_;
  size_t pos_ = 0;
  size_t line_;
  size_t record_start_ = 0;
  size_t window_ = static_cast<size_t>(-1) / 2;  // none loaded yet
  uint64_t stop_bits_ = 0;   // delimiter, CR or LF (and every byte past the end)
  uint64_t line_bits_ = 0;   // CR or LF (and past the end)
  uint64_t quote_bits_ = 0;  // '"'
  size_t record_line_ = 0;
  std::string scratch_;                   // unescaped quoted fields; sized so views never move
  std::vector<std::string_view> fields_;  // the current record's fields
  Status status_;
};

}  // namespace prep::formats
