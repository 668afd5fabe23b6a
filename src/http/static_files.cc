#include "http/static_files.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <list>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace prep::http {
namespace {

constexpr const char* kNoCache = "no-cache";
constexpr const char* kImmutable = "public, max-age=31536000, immutable";
constexpr const char* kCsp =
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'";

// Where a path lives, which decides its Cache-Control and whether a cached copy must be
// checked against the disk.
enum class Area {
  kCurrent,    // under PUB/actual: a corte folder, immutable, but the link moves
  kImmutable,  // cortes/<id>/..., imagenes/...
  kRewritten,  // cortes/<file>, clave-publica.txt: replaced by rename
};

// Owns a file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      if (fd_ >= 0) ::close(fd_);
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes a URL path once; false on a malformed escape. '+' is a plus in a path.
bool DecodePath(std::string_view raw, std::string* out) {
  out->clear();
  out->reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '%') {
      out->push_back(raw[i]);
      continue;
    }
    if (i + 2 >= raw.size() || Hex(raw[i + 1]) < 0 || Hex(raw[i + 2]) < 0) return false;
    out->push_back(static_cast<char>(Hex(raw[i + 1]) * 16 + Hex(raw[i + 2])));
    i += 2;
  }
  return true;
}

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The same table as the `types` block of deploy/nginx/prep.conf.
const char* ContentTypeOf(std::string_view name) {
  const size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  const std::string_view ext = name.substr(dot + 1);
  struct Type {
    std::string_view ext;
    const char* type;
  };
  static constexpr Type kTypes[] = {
      {"html", "text/html; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"json", "application/json; charset=utf-8"},
      {"jsonl", "application/jsonl; charset=utf-8"},
      {"svg", "image/svg+xml; charset=utf-8"},
      {"txt", "text/plain; charset=utf-8"},
      {"csv", "text/csv; charset=utf-8"},
      {"sha256", "text/plain; charset=utf-8"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"pdf", "application/pdf"},
      {"zip", "application/zip"},
      {"gz", "application/gzip"},
      {"sig", "application/octet-stream"},
      {"ico", "image/x-icon"},
  };
  for (const Type& t : kTypes) {
    if (EqualsNoCase(t.ext, ext)) return t.type;
  }
  return "application/octet-stream";
}

// One stored file (FILE or FILE.gz) as it was when opened.
struct Variant {
  dev_t dev = 0;
  ino_t ino = 0;
  uint64_t size = 0;
  int64_t mtime_sec = 0;
  int64_t mtime_nsec = 0;
  std::string etag;           // nginx's: "<mtime hex>-<size hex>"
  std::string last_modified;  // HTTP date of the mtime
  std::string bytes;          // the whole file, when cached in memory
  int fd = -1;                // or the file kept open, when cached as a descriptor (Entry's)
  // The header lines of a whole-file answer, rendered once when cached (Response::
  // header_block): [Cache-Control is immutable][it is a 304].
  std::string blocks[2][2];

  static Variant Of(const struct stat& st) {
    Variant v;
    v.dev = st.st_dev;
    v.ino = st.st_ino;
    v.size = static_cast<uint64_t>(st.st_size);
    v.mtime_sec = static_cast<int64_t>(st.st_mtim.tv_sec);
    v.mtime_nsec = static_cast<int64_t>(st.st_mtim.tv_nsec);
    char buf[48];
    std::snprintf(buf, sizeof buf, "\"%llx-%llx\"", static_cast<unsigned long long>(v.mtime_sec),
                  static_cast<unsigned long long>(v.size));
    v.etag = buf;
    v.last_modified = HttpDate(v.mtime_sec);
    return v;
  }

  bool Same(const struct stat& st) const {
    return st.st_dev == dev && st.st_ino == ino && static_cast<uint64_t>(st.st_size) == size &&
           st.st_mtim.tv_sec == mtime_sec && st.st_mtim.tv_nsec == mtime_nsec;
  }
};

// A file and its precompressed sibling; immutable once built, shared by the cache and every
// response that is still writing its bytes.
struct Entry {
  Entry() = default;
  Entry(const Entry&) = delete;
  Entry& operator=(const Entry&) = delete;
  ~Entry() {
    for (const Variant* v : {&plain, gz ? &*gz : nullptr}) {
      if (v != nullptr && v->fd >= 0) {
        ::close(v->fd);
        open_fds->fetch_sub(1, std::memory_order_relaxed);
      }
    }
  }

  const char* content_type = "application/octet-stream";
  Variant plain;
  std::optional<Variant> gz;
  bool in_memory = false;                      // cached: every variant has its bytes or its fd
  std::shared_ptr<std::atomic<int>> open_fds;  // the site's count of cached descriptors
};

// A strong-enough If-None-Match test: the weak comparison RFC 9110 §13.1.2 asks for.
bool NoneMatchHits(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    const size_t comma = header.find(',');
    std::string_view tag = Trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    if (tag == "*") return true;
    if (tag.size() > 2 && tag[0] == 'W' && tag[1] == '/') tag.remove_prefix(2);
    if (tag == etag) return true;
  }
  return false;
}

// True if Accept-Encoding accepts gzip: a gzip, x-gzip or * coding whose q is not zero.
bool AcceptsGzip(std::string_view header) {
  while (!header.empty()) {
    const size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    const size_t semi = item.find(';');
    const std::string_view coding = Trim(item.substr(0, semi));
    if (!EqualsNoCase(coding, "gzip") && !EqualsNoCase(coding, "x-gzip") && coding != "*") {
      continue;
    }
    bool zero = false;
    if (semi != std::string_view::npos) {
      std::string_view params = Trim(item.substr(semi + 1));
      if (params.size() >= 2 && Lower(params[0]) == 'q' && params[1] == '=') {
        const std::string_view q = Trim(params.substr(2));
        zero = !q.empty() && q.find_first_not_of("0.") == std::string_view::npos;
      }
    }
    if (!zero) return true;
  }
  return false;
}

enum class RangeKind { kNone, kSatisfiable, kUnsatisfiable };

// The Range header as nginx's range filter reads it with max_ranges 1 (ngx_http_range_parse),
// so that both origins give a cache the same status for the same header. RFC 9110 §14.2 lets a
// server ignore or reject an invalid range; nginx rejects a malformed or reversed one
// ("bytes=x-", "bytes=9-2": 416) and ignores another unit, an empty list, several
// satisfiable ranges, or a first range of an empty file (200, the whole file). A range that
// ends past the file is cut at its end; an unsatisfiable one among others is skipped.
RangeKind ParseRange(std::string_view header, uint64_t size, uint64_t* first, uint64_t* last) {
  header = Trim(header);
  if (header.size() < 7 || !EqualsNoCase(header.substr(0, 6), "bytes=")) return RangeKind::kNone;
  std::string_view p = header.substr(6);
  const auto skip_spaces = [&p] {
    while (!p.empty() && p.front() == ' ') p.remove_prefix(1);
  };
  const auto digit = [&p] { return !p.empty() && p.front() >= '0' && p.front() <= '9'; };
  // Digits into *v; false on a value past INT64_MAX, which nginx refuses too (off_t).
  const auto number = [&](uint64_t* v) {
    *v = 0;
    for (; digit(); p.remove_prefix(1)) {
      const uint64_t d = static_cast<uint64_t>(p.front() - '0');
      if (*v > (static_cast<uint64_t>(INT64_MAX) - d) / 10) return false;
      *v = *v * 10 + d;
    }
    return true;
  };
  int found = 0;
  while (true) {
    uint64_t start = 0;  // [start, end): end is one past the last byte, as in nginx
    uint64_t end = 0;
    skip_spaces();
    if (!p.empty() && p.front() == '-') {  // the last n bytes
      p.remove_prefix(1);
      uint64_t n = 0;
      if (!digit() || !number(&n)) return RangeKind::kUnsatisfiable;
      start = size - std::min(n, size);
      end = size;
    } else {
      if (!digit() || !number(&start)) return RangeKind::kUnsatisfiable;
      skip_spaces();
      if (p.empty() || p.front() != '-') return RangeKind::kUnsatisfiable;
      p.remove_prefix(1);
      skip_spaces();
      if (p.empty() || p.front() == ',') {
        end = size;
      } else {
        uint64_t b = 0;
        if (!digit() || !number(&b)) return RangeKind::kUnsatisfiable;
        end = b >= size ? size : b + 1;
      }
    }
    skip_spaces();
    if (!p.empty() && p.front() != ',') return RangeKind::kUnsatisfiable;
    if (start < end) {
      if (++found > 1) return RangeKind::kNone;  // max_ranges 1: the whole file instead
      *first = start;
      *last = end - 1;
    } else if (start == 0) {
      return RangeKind::kNone;  // an empty file: nginx sends it whole
    }
    if (p.empty()) break;
    p.remove_prefix(1);  // the comma
  }
  return found == 0 ? RangeKind::kUnsatisfiable : RangeKind::kSatisfiable;
}

Status ReadWhole(int fd, uint64_t size, std::string* out) {
  out->resize(static_cast<size_t>(size));
  uint64_t done = 0;
  while (done < size) {
    const ssize_t n =
        ::pread(fd, out->data() + done, static_cast<size_t>(size - done), static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::IoError("file shorter than its size or unreadable");
    done += static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

Response WithSiteHeaders(Response r) {
  r.headers["Content-Security-Policy"] = kCsp;
  r.headers["Referrer-Policy"] = "no-referrer";
  r.date = true;  // the server formats it once a second
  return r;
}

// Header lines for a cached file's 200 or 304, as Serve() would set them one by one (the 304
// without the representation's metadata: RFC 9110 §15.4.5, as nginx).
std::string RenderBlock(const char* content_type, const Variant& v, bool has_gz, bool gz,
                        bool immutable, bool not_modified) {
  std::string out;
  const auto line = [&out](std::string_view name, std::string_view value) {
    out.append(name).append(": ").append(value).append("\r\n");
  };
  if (!not_modified) line("Content-Type", content_type);
  line("ETag", v.etag);
  line("Last-Modified", v.last_modified);
  line("Cache-Control", immutable ? kImmutable : kNoCache);
  if (!not_modified) line(gz ? "Content-Encoding" : "Accept-Ranges", gz ? "gzip" : "bytes");
  if (has_gz) line("Vary", "Accept-Encoding");
  line("X-Content-Type-Options", "nosniff");
  line("Content-Security-Policy", kCsp);
  line("Referrer-Policy", "no-referrer");
  return out;
}

Response SiteError(int status, const std::string& code, const std::string& message) {
  return WithSiteHeaders(Response::Error(status, code, message));
}

// A least-recently-used map from a path under PUB to its Entry, bounded in bytes.
class Cache {
 public:
  explicit Cache(size_t budget) : budget_(budget) {}

  std::shared_ptr<const Entry> Get(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->entry;
  }

  void Put(const std::string& key, std::shared_ptr<const Entry> entry) {
    const size_t charge = Charge(key, *entry);
    if (charge > budget_) return;
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = index_.find(key); it != index_.end()) EraseLocked(it);
    lru_.push_front({key, std::move(entry), charge});
    index_.emplace(key, lru_.begin());
    bytes_ += charge;
    while (bytes_ > budget_ && !lru_.empty()) EraseLocked(index_.find(lru_.back().key));
  }

  void Erase(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = index_.find(key); it != index_.end()) EraseLocked(it);
  }

  void Stats(StaticSite::CacheStats* s) {
    std::lock_guard<std::mutex> lock(mu_);
    s->entries = index_.size();
    s->bytes = bytes_;
  }

 private:
  struct Node {
    std::string key;
    std::shared_ptr<const Entry> entry;
    size_t charge;
  };
  using Index = std::unordered_map<std::string, std::list<Node>::iterator>;

  static size_t Charge(const std::string& key, const Entry& e) {
    // The bytes plus a rough allowance for the strings and nodes around them.
    // A file kept open is charged its size too: it bounds what the cache keeps hot in the
    // page cache the same way.
    return e.plain.size + (e.gz ? e.gz->size : 0) + 2 * key.size() + 256;
  }

  void EraseLocked(Index::iterator it) {
    bytes_ -= it->second->charge;
    lru_.erase(it->second);
    index_.erase(it);
  }

  const size_t budget_;
  std::mutex mu_;
  std::list<Node> lru_;  // most recently used first
  Index index_;
  size_t bytes_ = 0;
};

// What a request names, once its path is checked.
struct Target {
  Area area = Area::kCurrent;
  std::string rel;  // under PUB, or under the corte folder for kCurrent
};

}  // namespace

struct StaticSite::Impl {
  StaticSiteOptions options;
  Fd root;
  std::string root_real;  // realpath of options.root, for an absolute `actual` link
  mutable Cache cache{0};
  mutable std::atomic<uint64_t> hits{0};
  mutable std::atomic<uint64_t> misses{0};
  // Descriptors held by cached entries, and how many may be: a quarter of RLIMIT_NOFILE at
  // most, so that a large site cannot starve the server of sockets.
  std::shared_ptr<std::atomic<int>> open_fds = std::make_shared<std::atomic<int>>(0);
  int max_open_fds = 0;

  explicit Impl(StaticSiteOptions o) : options(std::move(o)), cache(options.cache_bytes) {
    struct rlimit limit {};
    rlim_t cap = 1024;
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
      cap = limit.rlim_cur / 4;
    }
    max_open_fds = static_cast<int>(std::min<rlim_t>(cap, options.max_open_files));
  }

  // Opens `rel` beneath PUB following no symlink; -1 with errno set on failure.
  int OpenBeneath(const std::string& rel) const {
    if (options.use_openat2) {
      struct open_how how {};
      how.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
      how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
      const long fd = ::syscall(SYS_openat2, root.get(), rel.c_str(), &how, sizeof how);
      if (fd >= 0 || errno != ENOSYS) return static_cast<int>(fd);
    }
    // One component at a time, none of them a symlink. `rel` has no "." or ".." segment
    // (CheckPath), so this cannot climb out of PUB either.
    Fd dir;
    size_t start = 0;
    while (true) {
      const size_t slash = rel.find('/', start);
      const std::string name = rel.substr(start, slash - start);
      const int parent = dir.ok() ? dir.get() : root.get();
      if (slash == std::string::npos) {
        return ::openat(parent, name.c_str(),
                        O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
      }
      Fd next(::openat(parent, name.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW));
      if (!next.ok()) return -1;
      dir = std::move(next);
      start = slash + 1;
    }
  }

  // "cortes/<id>" from the `actual` link, read once for this request.
  Status CurrentCorte(std::string* out) const {
    char buf[512];
    const ssize_t n = ::readlinkat(root.get(), "actual", buf, sizeof buf);
    if (n < 0) {
      if (errno == ENOENT) return Status::NotFound("no corte has been published yet");
      return Status::IoError("cannot read PUB/actual");
    }
    if (static_cast<size_t>(n) == sizeof buf) return Status::Internal("PUB/actual is too long");
    std::string_view link(buf, static_cast<size_t>(n));
    while (link.size() > 1 && link.back() == '/') link.remove_suffix(1);
    if (link.substr(0, 2) == "./") link.remove_prefix(2);
    if (!link.empty() && link.front() == '/') {
      // An absolute link is fine if it points at this PUB's own cortes folder.
      const std::string given = options.root + "/";
      const std::string real = root_real + "/";
      if (link.substr(0, given.size()) == given) {
        link.remove_prefix(given.size());
      } else if (link.substr(0, real.size()) == real) {
        link.remove_prefix(real.size());
      } else {
        return Status::Internal("PUB/actual points outside PUB");
      }
    }
    constexpr std::string_view kCortes = "cortes/";
    if (link.substr(0, kCortes.size()) != kCortes) {
      return Status::Internal("PUB/actual does not point at cortes/<id>");
    }
    const std::string_view id = link.substr(kCortes.size());
    if (id.empty() || id.front() == '.' || id.find('/') != std::string_view::npos) {
      return Status::Internal("PUB/actual does not point at cortes/<id>");
    }
    out->assign(link);
    return Status::Ok();
  }

  // Opens and describes `rel` (and `rel`.gz); caches both when small and settled.
  // NotFound if missing, FailedPrecondition if `rel` is a directory.
  Result<std::shared_ptr<const Entry>> Load(const std::string& rel, Fd* plain_fd, Fd* gz_fd) const {
    Fd fd(OpenBeneath(rel));
    if (!fd.ok()) {
      if (errno == EACCES || errno == EPERM) return Status::IoError("permission denied");
      return Status::NotFound("no such file");
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return Status::IoError("cannot stat");
    if (S_ISDIR(st.st_mode)) return Status::FailedPrecondition("a directory");
    if (!S_ISREG(st.st_mode)) return Status::NotFound("not a regular file");
    auto entry = std::make_shared<Entry>();
    entry->content_type = ContentTypeOf(rel);
    entry->plain = Variant::Of(st);
    Fd gz(OpenBeneath(rel + ".gz"));
    struct stat gst {};
    if (gz.ok() && ::fstat(gz.get(), &gst) == 0 && S_ISREG(gst.st_mode)) {
      entry->gz = Variant::Of(gst);
    } else {
      gz = Fd();
    }

    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    const auto settled = [&](const Variant& v) {
      return v.size <= options.max_cached_file_bytes && v.mtime_sec + options.settle_seconds <= now;
    };
    // A variant of sendfile_min_bytes or more keeps its descriptor (while the budget of open
    // files lasts) and is sent with sendfile; a smaller one is read into memory.
    entry->open_fds = open_fds;
    const auto keep = [&](Variant* v, Fd* from) {
      if (v->size >= options.sendfile_min_bytes &&
          open_fds->fetch_add(1, std::memory_order_relaxed) < max_open_fds) {
        v->fd = from->release();
        return true;
      }
      if (v->size >= options.sendfile_min_bytes) open_fds->fetch_sub(1, std::memory_order_relaxed);
      return ReadWhole(from->get(), v->size, &v->bytes).ok();
    };
    if (settled(entry->plain) && (!entry->gz || settled(*entry->gz))) {
      const int plain_raw = fd.get();
      const int gz_raw = gz.get();
      if (keep(&entry->plain, &fd) && (!entry->gz || keep(&*entry->gz, &gz))) {
        // Still the same files after reading them: nobody was writing.
        struct stat after {};
        bool same = ::fstat(plain_raw, &after) == 0 && entry->plain.Same(after);
        if (entry->gz) same = same && ::fstat(gz_raw, &after) == 0 && entry->gz->Same(after);
        if (same) {
          entry->in_memory = true;
          for (Variant* v : {&entry->plain, entry->gz ? &*entry->gz : nullptr}) {
            if (v == nullptr) continue;
            for (int immutable = 0; immutable < 2; ++immutable) {
              for (int not_modified = 0; not_modified < 2; ++not_modified) {
                v->blocks[immutable][not_modified] =
                    RenderBlock(entry->content_type, *v, entry->gz.has_value(), v != &entry->plain,
                                immutable != 0, not_modified != 0);
              }
            }
          }
          cache.Put(rel, entry);
          return std::shared_ptr<const Entry>(std::move(entry));
        }
      }
      // Not cached after all: the descriptors go back to the request.
      for (auto [v, to] :
           {std::pair{&entry->plain, &fd}, std::pair{entry->gz ? &*entry->gz : nullptr, &gz}}) {
        if (v != nullptr && v->fd >= 0) {
          *to = Fd(std::exchange(v->fd, -1));
          open_fds->fetch_sub(1, std::memory_order_relaxed);
        }
      }
    }
    entry->plain.bytes.clear();
    if (entry->gz) entry->gz->bytes.clear();
    *plain_fd = std::move(fd);
    *gz_fd = std::move(gz);
    return std::shared_ptr<const Entry>(std::move(entry));
  }

  // A cached entry for a rewritten file is good while both variants are what they were.
  bool StillCurrent(const std::string& rel, const Entry& e) const {
    struct stat st {};
    if (::fstatat(root.get(), rel.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !e.plain.Same(st)) {
      return false;
    }
    if (!e.gz) return true;
    const std::string gz = rel + ".gz";
    return ::fstatat(root.get(), gz.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && e.gz->Same(st);
  }
};

namespace {

// Splits and checks a request path. Returns 0 and fills `target`, or the status to answer.
// Allocates nothing once the thread's buffers have grown to the site's path lengths.
int CheckPath(const Request& request, Target* target, bool* directory_form) {
  std::string_view raw = request.target;
  raw = raw.substr(0, raw.find_first_of("?#"));
  if (raw.empty() || raw.front() != '/') return 400;
  thread_local std::string path;
  if (!DecodePath(raw, &path)) return 400;
  if (path.find('\0') != std::string::npos || path.find('\\') != std::string::npos) return 400;
  std::string& rel = target->rel;
  rel.clear();
  std::string_view first;
  size_t count = 0;
  std::string_view rest(path);
  while (!rest.empty()) {
    const size_t slash = rest.find('/');
    const std::string_view seg = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (seg.empty()) continue;  // "//" is "/", as in nginx
    if (seg == "." || seg == "..") return 400;
    if (seg.front() == '.') return 404;
    if (count++ == 0) first = seg;
    if (!rel.empty()) rel.push_back('/');
    rel.append(seg);
  }
  *directory_form = path.back() == '/';
  if (*directory_form) rel.append(rel.empty() ? "index.html" : "/index.html");
  if (count > 0 && (first == "cortes" || first == "imagenes")) {
    target->area =
        first == "cortes" && count == 2 && !*directory_form ? Area::kRewritten : Area::kImmutable;
  } else if (count == 1 && first == "clave-publica.txt") {
    target->area = Area::kRewritten;
  } else {
    target->area = Area::kCurrent;
  }
  return 0;
}

}  // namespace

StaticSite::StaticSite(Key, std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StaticSite::~StaticSite() = default;

Result<std::shared_ptr<const StaticSite>> StaticSite::Open(StaticSiteOptions options) {
  while (options.root.size() > 1 && options.root.back() == '/') options.root.pop_back();
  auto impl = std::make_unique<Impl>(std::move(options));
  impl->root = Fd(::open(impl->options.root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!impl->root.ok()) {
    return Status::IoError("cannot open the publication folder '" + impl->options.root + "'");
  }
  if (char* real = ::realpath(impl->options.root.c_str(), nullptr)) {
    impl->root_real = real;
    std::free(real);  // realpath's own allocation
  }
  return std::shared_ptr<const StaticSite>(std::make_shared<StaticSite>(Key(), std::move(impl)));
}

StaticSite::CacheStats StaticSite::cache_stats() const {
  CacheStats s;
  s.hits = impl_->hits.load();
  s.misses = impl_->misses.load();
  impl_->cache.Stats(&s);
  return s;
}

Response StaticSite::Serve(const Request& request) const {
  if (request.method != "GET" && request.method != "HEAD") {
    Response r = SiteError(405, "method_not_allowed", request.method + " is not allowed here");
    r.headers["Allow"] = "GET, HEAD";
    return r;
  }
  // The thread's buffers, reused from request to request (Serve does not nest).
  thread_local Target target;
  thread_local std::string rel;
  bool directory_form = false;
  if (const int refused = CheckPath(request, &target, &directory_form); refused != 0) {
    return refused == 400 ? SiteError(400, "bad_request", "malformed or unsafe path")
                          : SiteError(404, "not_found", "no such file");
  }
  if (target.area == Area::kCurrent) {
    if (const Status corte = impl_->CurrentCorte(&rel); !corte.ok()) {
      return corte.code() == StatusCode::kNotFound ? SiteError(404, "not_found", corte.message())
                                                   : SiteError(500, "internal", corte.message());
    }
    rel.push_back('/');
    rel.append(target.rel);
  } else {
    rel.assign(target.rel);
  }

  std::shared_ptr<const Entry> entry = impl_->cache.Get(rel);
  if (entry && target.area == Area::kRewritten && !impl_->StillCurrent(rel, *entry)) {
    impl_->cache.Erase(rel);
    entry = nullptr;
  }
  Fd plain_fd, gz_fd;
  if (entry) {
    impl_->hits.fetch_add(1, std::memory_order_relaxed);
  } else {
    impl_->misses.fetch_add(1, std::memory_order_relaxed);
    Result<std::shared_ptr<const Entry>> loaded = impl_->Load(rel, &plain_fd, &gz_fd);
    if (!loaded.ok()) {
      switch (loaded.status().code()) {
        case StatusCode::kFailedPrecondition: {
          // A directory named without its slash: where its index.html would be.
          Response r = WithSiteHeaders(Response::Json(301, ""));
          std::string_view raw = request.target;
          raw = raw.substr(0, raw.find_first_of("?#"));
          r.content_type.clear();
          r.headers["Location"] = std::string(raw) + "/";
          return r;
        }
        case StatusCode::kNotFound:
          // The path is not echoed: it need not be UTF-8, and the answer is JSON.
          return SiteError(404, "not_found", "no such file");
        case StatusCode::kIoError:
          return SiteError(403, "forbidden", "the file cannot be read");
        default:
          return SiteError(500, "internal", loaded.status().message());
      }
    }
    entry = std::move(loaded).value();
  }

  // Which representation: a Range always gets the identity bytes, so that byte offsets mean
  // the same thing whatever the client's Accept-Encoding.
  const std::string_view range = request.HeaderView("range");
  const bool use_gz =
      entry->gz && range.empty() && AcceptsGzip(request.HeaderView("accept-encoding"));
  const Variant& v = use_gz ? *entry->gz : entry->plain;

  const std::string_view if_none_match = request.HeaderView("if-none-match");
  const bool not_modified = !if_none_match.empty()
                                ? NoneMatchHits(if_none_match, v.etag)
                                : request.HeaderView("if-modified-since") == v.last_modified;
  if (entry->in_memory && range.empty()) {
    // A cached file, whole or 304: its header lines were rendered when it was cached.
    Response r;
    r.status = not_modified ? 304 : 200;
    r.content_type.clear();
    r.header_block = v.blocks[target.area == Area::kImmutable][not_modified];
    r.date = true;  // the server formats it once a second
    if (!not_modified) {
      if (v.fd >= 0) {
        r.file_body = std::make_shared<FileRange>(v.fd, 0, v.size, entry);
      } else {
        r.shared_body = v.bytes;
      }
    }
    r.shared_owner = std::move(entry);  // keeps header_block and the bytes alive
    return r;
  }

  Response r;
  r.content_type = entry->content_type;
  r.headers["ETag"] = v.etag;
  r.headers["Last-Modified"] = v.last_modified;
  r.headers["Cache-Control"] = target.area == Area::kImmutable ? kImmutable : kNoCache;
  // Ranges are offered on the identity bytes only (as nginx's gzip_static does).
  if (use_gz) {
    r.headers["Content-Encoding"] = "gzip";
  } else {
    r.headers["Accept-Ranges"] = "bytes";
  }
  if (entry->gz) r.headers["Vary"] = "Accept-Encoding";
  r = WithSiteHeaders(std::move(r));

  if (not_modified) {
    // RFC 9110 §15.4.5: a 304 carries the validators and caching fields, not the
    // representation's metadata; nginx drops Content-Encoding there too. The cache already
    // knows the coding of the copy whose ETag matched.
    r.status = 304;
    r.content_type.clear();
    r.headers.erase("Accept-Ranges");
    r.headers.erase("Content-Encoding");
    return r;
  }

  uint64_t first = 0;
  uint64_t last = v.size == 0 ? 0 : v.size - 1;
  uint64_t length = v.size;
  if (!range.empty()) {
    // If-Range: the range applies only to the representation the client already holds.
    const std::string_view if_range = request.HeaderView("if-range");
    const bool applies = if_range.empty() || if_range == v.etag || if_range == v.last_modified;
    const RangeKind kind = applies ? ParseRange(range, v.size, &first, &last) : RangeKind::kNone;
    if (kind == RangeKind::kUnsatisfiable) {
      Response e = SiteError(416, "range_not_satisfiable", "the range is outside the file");
      e.headers["Content-Range"] = "bytes */" + std::to_string(v.size);
      return e;
    }
    if (kind == RangeKind::kSatisfiable) {
      r.status = 206;
      length = last - first + 1;
      r.headers["Content-Range"] = "bytes " + std::to_string(first) + "-" + std::to_string(last) +
                                   "/" + std::to_string(v.size);
    } else {
      first = 0;
    }
  }
  // For HEAD the server sends this length and drops the payload itself.
  if (entry->in_memory && v.fd >= 0) {
    r.file_body = std::make_shared<FileRange>(v.fd, first, length, entry);
  } else if (entry->in_memory) {
    r.shared_body =
        std::string_view(v.bytes).substr(static_cast<size_t>(first), static_cast<size_t>(length));
    r.shared_owner = std::move(entry);
  } else {
    Fd& fd = use_gz ? gz_fd : plain_fd;
    r.file_body = std::make_shared<FileRange>(fd.release(), first, length);
  }
  return r;
}

void MountStaticSite(Router& router, std::shared_ptr<const StaticSite> site) {
  router.SetFallback([site = std::move(site)](const Request& r) { return site->Serve(r); });
}

}  // namespace prep::http
