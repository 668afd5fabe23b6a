#include "formats/csv.h"

#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace prep::formats {

namespace {

constexpr uint64_t kOnes = 0x0101010101010101ULL;

// Set bits of x (portable: no popcnt instruction is assumed).
inline size_t CountBits(uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ULL);
  x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
  return static_cast<size_t>((x * kOnes) >> 56);
}

}  // namespace

void CsvTokenizer::LoadWindow(size_t base) {
  const char* s = text_.data();
  const size_t n = text_.size();
  char padded[64];
  const char* p = s + base;
  if (base + 64 > n) {
    std::memset(padded, 0, sizeof(padded));
    std::memcpy(padded, s + base, n - base);
    p = padded;
  }
  uint64_t stop = 0;
  uint64_t line = 0;
  uint64_t quote = 0;
#if defined(__SSE2__)
  const __m128i d = _mm_set1_epi8(delimiter_);
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i cr = _mm_set1_epi8('\r');
  const __m128i qt = _mm_set1_epi8('"');
  auto bits = [](__m128i m, int k) {
    return static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(m))) << (16 * k);
  };
  for (int k = 0; k < 4; ++k) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    const __m128i nl = _mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, cr));
    line |= bits(nl, k);
    stop |= bits(_mm_or_si128(nl, _mm_cmpeq_epi8(v, d)), k);
    quote |= bits(_mm_cmpeq_epi8(v, qt), k);
  }
#else
  for (int k = 0; k < 64; ++k) {
    const uint64_t bit = uint64_t{1} << k;
    const char c = p[k];
    if (c == '\n' || c == '\r') line |= bit;
    if (c == '\n' || c == '\r' || c == delimiter_) stop |= bit;
    if (c == '"') quote |= bit;
  }
#endif
  if (base + 64 > n) {
    // The end of the text ends a field and a record.
    const uint64_t past_end = ~uint64_t{0} << (n - base);
    stop |= past_end;
    line |= past_end;
  }
  window_ = base;
  stop_bits_ = stop;
  line_bits_ = line;
  quote_bits_ = quote;
}

size_t CsvTokenizer::FindFieldEnd(size_t i) {
  const size_t n = text_.size();
  while (i < n) {
    if (i < window_ || i >= window_ + 64) LoadWindow(i);
    const uint64_t m = stop_bits_ >> (i - window_);
    if (m != 0) return i + static_cast<size_t>(__builtin_ctzll(m));
    i = window_ + 64;
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

bool CsvTokenizer::SkipRestOfRecord(size_t i, size_t start, size_t materialised, CsvRecord* out) {
  // i is at the delimiter after the last materialised field. Count the
  // delimiters up to the end of the line through the window masks; a quote
  // means real CSV work is needed, so give up and let the caller tokenize.
  const char* s = text_.data();
  const size_t n = text_.size();
  size_t delimiters = 0;
  size_t j = i;
  while (true) {
    if (j >= n) break;
    if (j < window_ || j >= window_ + 64) {
      if (j - start > kMaxRecordBytes) return false;
      LoadWindow(j);
    }
    const size_t rel = j - window_;
    const uint64_t delim = (stop_bits_ & ~line_bits_) >> rel;
    const uint64_t halt = (line_bits_ | quote_bits_) >> rel;
    if (halt == 0) {
      delimiters += CountBits(delim);
      j = window_ + 64;
      continue;
    }
    delimiters += CountBits(delim & ((halt & (~halt + 1)) - 1));
    j += static_cast<size_t>(__builtin_ctzll(halt));
    break;
  }
  if (j < n && s[j] == '"') return false;
  j = std::min(j, n);
  out->field_count = materialised + delimiters;
  if (j < n) {
    if (s[j] == '\r' && j + 1 < n && s[j + 1] == '\n') ++j;
    ++j;
    ++line_;
  }
  pos_ = j;
  return true;
}

bool CsvTokenizer::Next(CsvRecord* out, size_t max_fields) {
  out->fields = {};
  out->field_count = 0;
  if (pos_ >= text_.size() || !status_.ok()) return false;
  out->line = line_;
  record_start_ = pos_;
  record_line_ = line_;
  const size_t start = pos_;
  const size_t n = text_.size();
  const char* s = text_.data();
  bool scratch_reserved = false;

  // Fields go to fields_ through locals (a member or the record would be
  // re-read from memory after every store); the record gets a span at the end.
  std::string_view* fields = fields_.data();
  size_t count = 0;
  size_t capacity = fields_.size();
  auto push = [&](const char* p, size_t len) {
    if (count == capacity) {
      fields_.resize(std::max<size_t>(64, 2 * capacity));
      fields = fields_.data();
      capacity = fields_.size();
    }
    fields[count++] = std::string_view(p, len);
  };
  auto finish = [&](size_t total) {
    out->fields = std::span<const std::string_view>(fields, count);
    out->field_count = total;
  };

  size_t i = pos_;
  while (true) {
    // Fast path: a run of unquoted fields, walked through the window masks
    // without touching the bytes. Clearing the lowest stop bit gives the next
    // field end, so the loop carries a two-cycle dependency, not a byte scan.
    // Anything unusual (a quote, a field longer than the window) falls to the
    // code below.
    bool slow = false;
    while (i < n && !slow) {
      if (i < window_ || i >= window_ + 64) {
        if (i - start > kMaxRecordBytes) break;
        LoadWindow(i);
      }
      uint64_t stops = stop_bits_ & (~uint64_t{0} << (i - window_));
      while (true) {
        const size_t rel = i - window_;
        if (rel >= 64) break;  // next window
        // A field that starts with '"' or '="' takes the quoted path. (At the
        // window's last byte the next one is unknown: look at the byte.)
        if ((((quote_bits_ >> rel) & 3) != 0 || rel == 63) && (s[i] == '"' || s[i] == '=')) {
          slow = true;
          break;
        }
        if (stops == 0) {  // the field runs past the window
          slow = true;
          break;
        }
        const size_t end_rel = static_cast<size_t>(__builtin_ctzll(stops));
        stops &= stops - 1;
        const size_t end = window_ + end_rel;
        push(s + i, std::min(end, n) - i);
        if ((line_bits_ >> end_rel) & 1) {
          // End of record (or of the text): LF, CRLF or CR.
          i = end;
          if (i < n) {
            if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') ++i;
            ++i;
            ++line_;
          } else {
            i = n;
          }
          pos_ = i;
          finish(count);
          return true;
        }
        if (count >= max_fields && SkipRestOfRecord(end, start, count, out)) {
          out->fields = std::span<const std::string_view>(fields, count);
          return true;
        }
        i = end + 1;
      }
    }
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
          push(s + i, close - i);
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
      push(scratch_.data() + field_start, scratch_.size() - field_start);
    } else {
      const size_t field_start = i;
      i = FindFieldEnd(i);
      push(s + field_start, i - field_start);
    }
  field_done:
    if (i - start > kMaxRecordBytes) {
      return Fail(out->line, "record longer than 1 MiB (" + std::to_string(i - start) +
                                 "+ bytes); not a PREP database line");
    }
    if (i >= n) break;
    if (s[i] == delimiter_) {
      if (count >= max_fields && SkipRestOfRecord(i, start, count, out)) {
        out->fields = std::span<const std::string_view>(fields, count);
        return true;
      }
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
  finish(count);
  return true;
}

}  // namespace prep::formats
