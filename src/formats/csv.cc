#include "formats/csv.h"

namespace prep::formats {

CsvTokenizer::CsvTokenizer(std::string_view text, char delimiter, std::string_view name,
                           size_t first_line)
    : text_(text), delimiter_(delimiter), name_(name), line_(first_line) {}

bool CsvTokenizer::Fail(size_t line, std::string message) {
  status_ = Status::InvalidArgument(name_ + ":" + std::to_string(line) + ": " + message);
  pos_ = text_.size();
  return false;
}

bool CsvTokenizer::Next(CsvRecord* out) {
  out->fields.clear();
  if (pos_ >= text_.size() || !status_.ok()) return false;
  out->line = line_;
  const size_t start = pos_;
  const size_t n = text_.size();
  const char* s = text_.data();
  bool scratch_reserved = false;

  size_t i = pos_;
  while (true) {
    // One field starting at i.
    if (i < n && (s[i] == '"' || (s[i] == '=' && i + 1 < n && s[i + 1] == '"'))) {
      if (s[i] == '=') ++i;
      ++i;  // opening quote
      if (!scratch_reserved) {
        // Quoted content is never longer than the rest of the text: reserve once
        // so earlier views into scratch_ stay valid.
        scratch_.clear();
        scratch_.reserve(std::min(n - start, kMaxRecordBytes) + 1);
        scratch_reserved = true;
      }
      const size_t field_start = scratch_.size();
      bool closed = false;
      while (i < n) {
        const char c = s[i];
        if (c == '"') {
          if (i + 1 < n && s[i + 1] == '"') {
            scratch_.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        if (c == '\n' || (c == '\r' && (i + 1 >= n || s[i + 1] != '\n'))) ++line_;
        if (scratch_.size() >= kMaxRecordBytes) {
          return Fail(out->line, "record longer than 1 MiB; not a PREP database line");
        }
        scratch_.push_back(c);
        ++i;
      }
      if (!closed) return Fail(out->line, "quoted field is never closed");
      // Text after the closing quote up to the delimiter is kept (lenient).
      while (i < n && s[i] != delimiter_ && s[i] != '\n' && s[i] != '\r') {
        if (scratch_.size() >= kMaxRecordBytes) {
          return Fail(out->line, "record longer than 1 MiB; not a PREP database line");
        }
        scratch_.push_back(s[i++]);
      }
      out->fields.emplace_back(scratch_.data() + field_start, scratch_.size() - field_start);
    } else {
      const size_t field_start = i;
      while (i < n) {
        const char c = s[i];
        if (c == delimiter_ || c == '\n' || c == '\r') break;
        ++i;
      }
      out->fields.emplace_back(s + field_start, i - field_start);
    }
    if (i - start > kMaxRecordBytes) {
      return Fail(out->line, "record longer than 1 MiB (" + std::to_string(i - start) +
                                 "+ bytes); not a PREP database line");
    }
    if (i >= n) break;
    if (s[i] == delimiter_) {
      ++i;
      continue;
    }
    // End of record: LF, CRLF or CR.
    if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') ++i;
    ++i;
    ++line_;
    break;
  }
  pos_ = i;
  return true;
}

}  // namespace prep::formats
