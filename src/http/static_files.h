// The public site: the publication root (PUB) that src/publish writes, served over
// Server/Router with the caching semantics browsers and CDNs need.
//
//   /, /<path>                 PUB/actual/<path>, the current corte. `actual` is a symlink to
//                              cortes/<id> that the publisher replaces by rename; it is read
//                              once per request, so one response never mixes two cortes.
//                              Cache-Control: no-cache (revalidate with the ETag).
//   /cortes/<id>/<path>        one corte; immutable, so Cache-Control: public,
//   /imagenes/<file>           max-age=31536000, immutable (acta images: content-addressed).
//   /cortes/<file>,            rewritten by tmp+rename (index.json): no-cache, and re-checked
//   /clave-publica.txt         with a stat on every request.
//
// A path ending in / serves its index.html; a directory named without the slash is
// redirected (301). Every answer has a strong ETag in nginx's format ("<mtime>-<size>" in
// hex) and Last-Modified, so this server and deploy/nginx/prep.conf are interchangeable
// origins behind one cache; If-None-Match (and an exact If-Modified-Since, as nginx) gives
// 304 (without Content-Encoding, as nginx), a single Range gives 206 or 416, read as nginx
// reads it with max_ranges 1 (a malformed or reversed range is 416; several ranges or another
// unit get the whole file), and FILE.gz is sent instead of FILE to a client that accepts gzip
// (Vary: Accept-Encoding; a request with Range always gets the identity bytes, where nginx
// sends the whole .gz with 200).
//
// Security: the path is percent-decoded once and refused (400) if it holds NUL, a backslash,
// or a "." or ".." segment; a segment starting with "." (the publisher's temporary folders)
// is 404. Files are opened beneath PUB without following any symlink (openat2
// RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS), `actual` excepted, and only regular files are
// served. Only GET and HEAD (405 otherwise).
//
// Speed: files up to max_cached_file_bytes are cached (LRU, cache_bytes in all): the small
// ones in memory, so a hit costs no system call of its own, and those of sendfile_min_bytes or
// more as an open descriptor sent with sendfile, as nginx does, since copying them into the
// socket cost more than the rest of the request (bench/static_bench.sh). On top of that, one
// readlink for the current corte, or one stat per variant for the rewritable files. Corte folders
// and images are taken to be immutable once written: a cached file is not looked at again. A file
// modified less than settle_seconds ago is served from disk but not cached, since it may still be
// being written. A cache hit allocates nothing for the path (per-thread buffers) or the headers it
// reads (views); a cached file's 200 and 304 header lines are rendered once, and the server adds
// the Date.
//
// Thread-safety: Serve() may run on many threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "base/status.h"
#include "http/server.h"

namespace prep::http {

struct StaticSiteOptions {
  std::string root;                        // PUB
  size_t cache_bytes = 64 << 20;           // all cached files together
  size_t max_cached_file_bytes = 1 << 20;  // larger files are streamed from disk
  int settle_seconds = 2;                  // see the header comment
  size_t sendfile_min_bytes = 16 << 10;    // cached files this large stay open (sendfile)
  int max_open_files = 4096;               // and at most this many (a quarter of
                                           // RLIMIT_NOFILE if that is less)
  bool use_openat2 = true;                 // false: open one path component at a time with
                                           // O_NOFOLLOW (what kernels before 5.6 get)
};

class StaticSite {
 private:
  struct Key {  // only Open() constructs a StaticSite, yet make_shared needs a public constructor
    explicit Key() = default;
  };
  struct Impl;

 public:
  StaticSite(Key, std::unique_ptr<Impl> impl);
  // Fails if options.root is not a readable directory.
  static Result<std::shared_ptr<const StaticSite>> Open(StaticSiteOptions options);
  ~StaticSite();
  StaticSite(const StaticSite&) = delete;
  StaticSite& operator=(const StaticSite&) = delete;

  // The answer to one request for a file of the site.
  Response Serve(const Request& request) const;

  struct CacheStats {
    uint64_t hits = 0;
    uint64_t misses = 0;
    uint64_t entries = 0;
    uint64_t bytes = 0;
  };
  CacheStats cache_stats() const;

 private:
  std::unique_ptr<Impl> impl_;
};

// Makes `site` the fallback of `router`: every path that no route (the /api/v1 API) matches
// is a file of the site.
void MountStaticSite(Router& router, std::shared_ptr<const StaticSite> site);

}  // namespace prep::http
