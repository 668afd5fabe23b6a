#include "formats/csv.h"

#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace prep::formats {

namespace {

constexpr uint64_t kOnes = 0x0101010101010101ULL;

constexpr uint64_t kLows = 0x7F7F7F7F7F7F7F7FULL;

// High bit set in exactly the bytes of w equal to b.
inline uint64_t BytesEqual(uint64_t w, char b) {
  const uint64_t x = w ^ (kOnes * static_cast<unsigned char>(b));
  return ~(((x & kLows) + kLows) | x | kLows);
}

// Number of bytes flagged by BytesEqual (a portable popcount of high bits).
inline size_t CountFlags(uint64_t flags) {
  return static_cast<size_t>(((flags >> 7) * kOnes) >> 56);
}

}  // namespace

uint64_t CsvTokenizer::StopMask(size_t base) const {
  // Bit k set when text_[base + k] is the delimiter, CR or LF (64 bytes).
  const char* s = text_.data();
  const size_t n = text_.size();
  char padded[64];
  const char* p = s + base;
  if (base + 64 > n) {
    std::memset(padded, 0, sizeof(padded));
    std::memcpy(padded, s + base, n - base);
    p = padded;
  }
#if defined(__SSE2__)
  const __m128i d = _mm_set1_epi8(delimiter_);
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i cr = _mm_set1_epi8('\r');
  uint64_t mask = 0;
  for (int k = 0; k < 4; ++k) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    const __m128i hit =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, d), _mm_cmpeq_epi8(v, lf)), _mm_cmpeq_epi8(v, cr));
    mask |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(hit))) << (16 * k);
  }
#else
  uint64_t mask = 0;
  for (int k = 0; k < 64; ++k) {
    const char c = p[k];
    if (c == delimiter_ || c == '\n' || c == '\r') mask |= uint64_t{1} << k;
  }
#endif
  if (base + 64 > n) mask |= ~uint64_t{0} << (n - base);  // the end stops a field too
  return mask;
}

size_t CsvTokenizer::FindFieldEnd(size_t i) {
  const size_t n = text_.size();
  while (i < n) {
    if (i < mask_base_ || i >= mask_base_ + 64) {
      mask_base_ = i;
      mask_ = StopMask(i);
    }
    const uint64_t m = mask_ >> (i - mask_base_);
    if (m != 0) return std::min(n, i + static_cast<size_t>(__builtin_ctzll(m)));
    i = mask_base_ + 64;
  }
  return n;
}

CsvTokenizer::CsvTokenizer(std::string_view text, char delimiter, std::string_view name,
                           size_t first_line)
    : text_(text), delimiter_(delimiter), name_(name), line_(first_line) {}

bool CsvTokenizer::Fail(size_t line, std::string message) {
  status_ = Status::InvalidArgument(name_ + ":" + std::to_string(line) + ": " + message);
  pos_ = text_.size();
  return false;
}

void CsvTokenizer::RetryRecordInFull() {
  pos_ = record_start_;
  line_ = record_line_;
}

bool CsvTokenizer::SkipRestOfRecord(size_t i, size_t start, CsvRecord* out) {
  // i is at the delimiter after the last materialised field. Count the
  // delimiters up to the end of the line; a quote means real CSV work is
  // needed, so give up and let the caller tokenize normally.
  const char* s = text_.data();
  const size_t n = text_.size();
  size_t delimiters = 0;
  size_t j = i;
  while (true) {
    if (j + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, s + j, 8);
      const uint64_t stop = BytesEqual(w, '\n') | BytesEqual(w, '\r') | BytesEqual(w, '"');
      const uint64_t d = BytesEqual(w, delimiter_);
      if (stop == 0) {
        delimiters += CountFlags(d);
        j += 8;
        if (j - start > kMaxRecordBytes) return false;
        continue;
      }
      const uint64_t below = (stop & (~stop + 1)) - 1;
      delimiters += CountFlags(d & below);
      j += static_cast<size_t>(__builtin_ctzll(stop)) >> 3;
    } else {
      while (j < n && s[j] != '\n' && s[j] != '\r' && s[j] != '"') {
        delimiters += s[j] == delimiter_;
        ++j;
      }
    }
    break;
  }
  if (j < n && s[j] == '"') return false;
  out->field_count = out->fields.size() + delimiters;
  if (j < n) {
    if (s[j] == '\r' && j + 1 < n && s[j + 1] == '\n') ++j;
    ++j;
    ++line_;
  }
  pos_ = j;
  return true;
}

bool CsvTokenizer::Next(CsvRecord* out, size_t max_fields) {
  out->fields.clear();
  out->field_count = 0;
  if (pos_ >= text_.size() || !status_.ok()) return false;
  out->line = line_;
  record_start_ = pos_;
  record_line_ = line_;
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
      // Fast path: no escaped quote and no line break inside; the field is a
      // view into the text, followed by a delimiter or the end of the record.
      if (const void* q = std::memchr(s + i, '"', n - i); q != nullptr) {
        const size_t close = static_cast<size_t>(static_cast<const char*>(q) - s);
        const size_t after = close + 1;
        const bool clean_end =
            after >= n || s[after] == delimiter_ || s[after] == '\n' || s[after] == '\r';
        if (clean_end && close - i <= kMaxRecordBytes &&
            std::memchr(s + i, '\n', close - i) == nullptr &&
            std::memchr(s + i, '\r', close - i) == nullptr) {
          out->fields.emplace_back(s + i, close - i);
          i = after;
          goto field_done;
        }
      }
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
      i = FindFieldEnd(i);
      out->fields.emplace_back(s + field_start, i - field_start);
    }
  field_done:
    if (i - start > kMaxRecordBytes) {
      return Fail(out->line, "record longer than 1 MiB (" + std::to_string(i - start) +
                                 "+ bytes); not a PREP database line");
    }
    if (i >= n) break;
    if (s[i] == delimiter_) {
      if (out->fields.size() >= max_fields && SkipRestOfRecord(i, start, out)) return true;
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
  out->field_count = out->fields.size();
  return true;
}

}  // namespace prep::formats
