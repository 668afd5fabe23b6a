// The public site (static_files.h) on a real server on 127.0.0.1, over a publication folder
// built here the way src/publish lays it out.
#include "http/static_files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "http/client.h"
#include "http/server.h"
#include "http/site_fixture.h"

namespace prep::http {
namespace {

namespace fs = std::filesystem;
using prep::testing::Age;
using prep::testing::BuildPublication;
using prep::testing::Fetch;
using prep::testing::Head;
using prep::testing::HttpReply;
using prep::testing::NginxEtag;
using prep::testing::ReadFile;
using prep::testing::SwitchActual;
using prep::testing::Write;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "/static_pub_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    pub_ = tmpl;
    BuildPublication(pub_);
    StartServer({});
  }

  void TearDown() override {
    if (server_) server_->Stop();
    std::error_code ec;
    fs::remove_all(pub_, ec);
  }

  void StartServer(StaticSiteOptions options) {
    if (server_) server_->Stop();
    options.root = pub_.string();
    auto site = StaticSite::Open(options);
    ASSERT_TRUE(site.ok()) << site.status().message();
    site_ = *site;
    auto router = std::make_shared<Router>();
    router->Add("GET", "/api/v1/ping",
                [](const Request&) { return Response::Json(200, R"({"ok":true})"); });
    MountStaticSite(*router, site_);
    server_ = std::make_unique<Server>(ServerOptions{}, router);
    ASSERT_TRUE(server_->Start().ok());
    port_ = server_->port();
  }

  HttpReply Get(const std::string& target, const std::map<std::string, std::string>& h = {}) {
    return Fetch(port_, "GET", target, "", h);
  }

  std::string Read(const fs::path& p) { return ReadFile(p); }

  fs::path pub_;
  std::shared_ptr<const StaticSite> site_;
  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
};

TEST_F(StaticFilesTest, CurrentCorteIsNoCacheWithEtagAndSecurityHeaders) {
  const fs::path file = pub_ / "cortes/c1/index.html";
  auto r = Get("/");
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  EXPECT_EQ(r.body, Read(file));
  EXPECT_EQ(r.headers["Content-Type"], "text/html; charset=utf-8");
  EXPECT_EQ(r.headers["Cache-Control"], "no-cache");
  EXPECT_EQ(r.headers["ETag"], NginxEtag(file));
  EXPECT_EQ(r.headers["Last-Modified"].size(), 29u) << r.headers["Last-Modified"];
  EXPECT_EQ(r.headers["Accept-Ranges"], "bytes");
  EXPECT_EQ(r.headers["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(r.headers["Referrer-Policy"], "no-referrer");
  EXPECT_EQ(r.headers["Content-Security-Policy"],
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self'");
  EXPECT_EQ(r.headers.count("Vary"), 0u);  // no index.html.gz
  EXPECT_EQ(Get("/index.html").body, r.body);
  EXPECT_EQ(Get("/distritos/01.html").body, Read(pub_ / "cortes/c1/distritos/01.html"));
  EXPECT_EQ(Get("/distritos/01.html?x=1").status, 200);
}

TEST_F(StaticFilesTest, IfNoneMatchAndIfModifiedSinceGive304) {
  auto first = Get("/distritos/01.html");
  ASSERT_EQ(first.status, 200);
  const std::string etag = first.headers["ETag"];
  for (const std::string& inm : {etag, "W/" + etag, "\"zzz\", " + etag, std::string("*")}) {
    auto r = Get("/distritos/01.html", {{"If-None-Match", inm}});
    EXPECT_EQ(r.status, 304) << inm;
    EXPECT_TRUE(r.body.empty());
    EXPECT_EQ(r.headers["ETag"], etag);
    EXPECT_EQ(r.headers["Cache-Control"], "no-cache");
  }
  EXPECT_EQ(Get("/distritos/01.html", {{"If-None-Match", "\"other\""}}).status, 200);
  EXPECT_EQ(
      Get("/distritos/01.html", {{"If-Modified-Since", first.headers["Last-Modified"]}}).status,
      304);
  // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
  EXPECT_EQ(Get("/distritos/01.html", {{"If-None-Match", "\"other\""},
                                       {"If-Modified-Since", first.headers["Last-Modified"]}})
                .status,
            200);
}

TEST_F(StaticFilesTest, CacheControlPerArea) {
  auto corte = Get("/cortes/c2/index.html");
  ASSERT_EQ(corte.status, 200);
  EXPECT_EQ(corte.body, Read(pub_ / "cortes/c2/index.html"));
  EXPECT_EQ(corte.headers["Cache-Control"], "public, max-age=31536000, immutable");
  auto img = Get("/imagenes/ab12.jpg");
  ASSERT_EQ(img.status, 200);
  EXPECT_EQ(img.headers["Cache-Control"], "public, max-age=31536000, immutable");
  EXPECT_EQ(img.headers["Content-Type"], "image/jpeg");
  auto index = Get("/cortes/index.json");
  ASSERT_EQ(index.status, 200);
  EXPECT_EQ(index.headers["Cache-Control"], "no-cache");
  EXPECT_EQ(index.headers["Content-Type"], "application/json; charset=utf-8");
  auto key = Get("/clave-publica.txt");
  ASSERT_EQ(key.status, 200);
  EXPECT_EQ(key.body, "ed25519 key\n");
  EXPECT_EQ(key.headers["Cache-Control"], "no-cache");
  EXPECT_EQ(key.headers["Content-Type"], "text/plain; charset=utf-8");
  EXPECT_EQ(Get("/manifest.json.sig").headers["Content-Type"], "application/octet-stream");
  EXPECT_EQ(Get("/base.zip").headers["Content-Type"], "application/zip");
}

TEST_F(StaticFilesTest, DirectoriesServeIndexOrRedirect) {
  auto r = Get("/distritos/");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, Read(pub_ / "cortes/c1/distritos/index.html"));
  auto redirect = Get("/distritos?x=1");
  EXPECT_EQ(redirect.status, 301);
  EXPECT_EQ(redirect.headers["Location"], "/distritos/");
  EXPECT_EQ(Get("/cortes/c2").headers["Location"], "/cortes/c2/");
  EXPECT_EQ(Get("/cortes/c2/").body, Read(pub_ / "cortes/c2/index.html"));
  EXPECT_EQ(Get("/cortes/").status, 404);
  EXPECT_EQ(Get("/nada.html").status, 404);
}

TEST_F(StaticFilesTest, SingleRangesGive206Or416) {
  const std::string whole = Read(pub_ / "cortes/c1/distritos/01.html");
  const std::string size = std::to_string(whole.size());
  auto a = Get("/distritos/01.html", {{"Range", "bytes=0-9"}});
  EXPECT_EQ(a.status, 206);
  EXPECT_EQ(a.body, whole.substr(0, 10));
  EXPECT_EQ(a.headers["Content-Range"], "bytes 0-9/" + size);
  EXPECT_EQ(a.headers["Content-Length"], "10");
  auto b = Get("/distritos/01.html", {{"Range", "bytes=100-"}});
  EXPECT_EQ(b.status, 206);
  EXPECT_EQ(b.body, whole.substr(100));
  auto c = Get("/distritos/01.html", {{"Range", "bytes=-5"}});
  EXPECT_EQ(c.status, 206);
  EXPECT_EQ(c.body, whole.substr(whole.size() - 5));
  EXPECT_EQ(c.headers["Content-Range"], "bytes " + std::to_string(whole.size() - 5) + "-" +
                                            std::to_string(whole.size() - 1) + "/" + size);
  auto past_end = Get("/distritos/01.html", {{"Range", "bytes=10-999999999"}});
  EXPECT_EQ(past_end.status, 206);
  EXPECT_EQ(past_end.body, whole.substr(10));
  auto bad = Get("/distritos/01.html", {{"Range", "bytes=" + size + "-"}});
  EXPECT_EQ(bad.status, 416);
  EXPECT_EQ(bad.headers["Content-Range"], "bytes */" + size);
  EXPECT_EQ(Get("/distritos/01.html", {{"Range", "bytes=-0"}}).status, 416);
  // Refused as nginx refuses them: reversed or malformed.
  for (const char* refused : {"bytes=9-2", "bytes=x-", "bytes=5", "bytes=0-1x", "bytes=0-1,",
                              "bytes=-", "bytes=0-99999999999999999999"}) {
    auto r = Get("/distritos/01.html", {{"Range", refused}});
    EXPECT_EQ(r.status, 416) << refused;
    EXPECT_EQ(r.headers["Content-Range"], "bytes */" + size) << refused;
  }
  // Ignored, so the whole file: several ranges, another unit, no range at all.
  for (const char* ignored : {"bytes=0-1,5-6", "items=0-1", "bytes="}) {
    auto r = Get("/distritos/01.html", {{"Range", ignored}});
    EXPECT_EQ(r.status, 200) << ignored;
    EXPECT_EQ(r.body, whole) << ignored;
  }
  // An unsatisfiable range beside a good one is skipped; spaces are allowed.
  auto skipped = Get("/distritos/01.html", {{"Range", "bytes= 0 - 1 , 5-2"}});
  EXPECT_EQ(skipped.status, 206);
  EXPECT_EQ(skipped.headers["Content-Range"], "bytes 0-1/" + size);
  // If-Range: the range only for the version the client holds.
  EXPECT_EQ(Get("/distritos/01.html", {{"Range", "bytes=0-9"}, {"If-Range", "\"old\""}}).status,
            200);
  EXPECT_EQ(
      Get("/distritos/01.html", {{"Range", "bytes=0-9"}, {"If-Range", a.headers["ETag"]}}).status,
      206);
}

TEST_F(StaticFilesTest, PrecompressedGzipForClientsThatAcceptIt) {
  const std::string plain = Read(pub_ / "cortes/c1/datos/resumen.json");
  auto gz = Get("/datos/resumen.json", {{"Accept-Encoding", "br, gzip, deflate"}});
  ASSERT_EQ(gz.status, 200);
  EXPECT_EQ(gz.body, "GZ(c1)");
  EXPECT_EQ(gz.headers["Content-Encoding"], "gzip");
  EXPECT_EQ(gz.headers["Vary"], "Accept-Encoding");
  EXPECT_EQ(gz.headers.count("Accept-Ranges"), 0u);  // ranges: identity bytes only
  EXPECT_EQ(gz.headers["Content-Type"], "application/json; charset=utf-8");
  EXPECT_EQ(gz.headers["ETag"], NginxEtag(pub_ / "cortes/c1/datos/resumen.json.gz"));
  auto identity = Get("/datos/resumen.json");
  EXPECT_EQ(identity.body, plain);
  EXPECT_EQ(identity.headers.count("Content-Encoding"), 0u);
  EXPECT_EQ(identity.headers["Vary"], "Accept-Encoding");
  EXPECT_NE(identity.headers["ETag"], gz.headers["ETag"]);
  EXPECT_EQ(Get("/datos/resumen.json", {{"Accept-Encoding", "gzip;q=0, deflate"}}).body, plain);
  EXPECT_EQ(Get("/datos/resumen.json", {{"Accept-Encoding", "GZIP;q=0.5"}}).body, "GZ(c1)");
  // A range is always over the identity bytes.
  auto range = Get("/datos/resumen.json", {{"Accept-Encoding", "gzip"}, {"Range", "bytes=0-4"}});
  EXPECT_EQ(range.status, 206);
  EXPECT_EQ(range.body, plain.substr(0, 5));
  EXPECT_EQ(range.headers.count("Content-Encoding"), 0u);
  // 304 on the gz variant's own ETag, with no representation metadata (as nginx).
  auto not_modified = Get("/datos/resumen.json",
                          {{"Accept-Encoding", "gzip"}, {"If-None-Match", gz.headers["ETag"]}});
  EXPECT_EQ(not_modified.status, 304);
  EXPECT_EQ(not_modified.headers.count("Content-Encoding"), 0u);
  EXPECT_EQ(not_modified.headers["Vary"], "Accept-Encoding");
  EXPECT_EQ(not_modified.headers["ETag"], gz.headers["ETag"]);
  // The .gz itself can be fetched, as a gzip file.
  EXPECT_EQ(Get("/datos/resumen.json.gz").headers["Content-Type"], "application/gzip");
}

TEST_F(StaticFilesTest, HeadHasTheLengthAndNoBody) {
  const std::string whole = Read(pub_ / "cortes/c1/distritos/01.html");
  auto r = Head(port_, "/distritos/01.html");
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(r.headers["Content-Length"], std::to_string(whole.size()));
  EXPECT_EQ(r.headers["ETag"], NginxEtag(pub_ / "cortes/c1/distritos/01.html"));
  auto big = Head(port_, "/cortes/c1/base.zip");
  EXPECT_EQ(big.status, 200);
  EXPECT_TRUE(big.body.empty());
  EXPECT_EQ(big.headers["Content-Length"],
            std::to_string(fs::file_size(pub_ / "cortes/c1/base.zip")));
}

TEST_F(StaticFilesTest, LargeFilesAreStreamedFromDiskWithRanges) {
  const std::string whole = Read(pub_ / "cortes/c1/base.zip");
  ASSERT_GT(whole.size(), StaticSiteOptions{}.max_cached_file_bytes);
  auto r = Get("/cortes/c1/base.zip");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body.size(), whole.size());
  EXPECT_TRUE(r.body == whole);
  auto part = Get("/cortes/c1/base.zip", {{"Range", "bytes=700000-800001"}});
  EXPECT_EQ(part.status, 206);
  EXPECT_TRUE(part.body == whole.substr(700000, 100002));
}

TEST_F(StaticFilesTest, OnlyGetAndHead) {
  auto r = Fetch(port_, "POST", "/index.html", "x");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers["Allow"], "GET, HEAD");
  EXPECT_EQ(Fetch(port_, "DELETE", "/cortes/c1/index.html").status, 405);
}

TEST_F(StaticFilesTest, ApiRoutesStillWin) {
  auto ping = Get("/api/v1/ping");
  EXPECT_EQ(ping.status, 200);
  EXPECT_EQ(ping.body, R"({"ok":true})");
  EXPECT_EQ(Fetch(port_, "DELETE", "/api/v1/ping").status, 405);
  EXPECT_EQ(Get("/api/v1/nada").status, 404);
}

// Every way out of PUB we could think of, for the server in `port`.
void ExpectNoEscape(uint16_t port) {
  for (const char* target : {"/../etc/passwd",
                             "/../../../../etc/passwd",
                             "/%2e%2e/%2e%2e/etc/passwd",
                             "/%2E%2E/%2e%2E/etc/passwd",
                             "/cortes/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                             "/..%2f..%2f..%2fetc%2fpasswd",
                             "/cortes/c1/../../../etc/passwd",
                             "/./index.html",
                             "/index.html%00.txt",
                             "/%00",
                             "/..%5c..%5cetc%5cpasswd",
                             "/a\\b",
                             "/%zz",
                             "/cortes/c1/escape.html",
                             "/cortes/c1/fuera/passwd",
                             "/escape.html",
                             "/fuera/passwd",
                             "/cortes/c1/imgs/ab12.jpg",
                             "/cortes/.tmp-c3/index.html",
                             "/.actual.tmp/index.html",
                             "//etc/passwd",
                             "/actual/index.html"}) {
    auto r = Fetch(port, "GET", target);
    EXPECT_GE(r.status, 400) << target << " " << r.status;
    EXPECT_LT(r.status, 500) << target;
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << target;
  }
  EXPECT_EQ(Fetch(port, "GET", "/../etc/passwd").status, 400);
  EXPECT_EQ(Fetch(port, "GET", "/%2e%2e/etc/passwd").status, 400);
  EXPECT_EQ(Fetch(port, "GET", "/index.html%00").status, 400);
  EXPECT_EQ(Fetch(port, "GET", "/cortes/c1/escape.html").status, 404);
}

TEST_F(StaticFilesTest, TraversalAndSymlinksAreRefused) { ExpectNoEscape(port_); }

TEST_F(StaticFilesTest, TraversalRefusedWithoutOpenat2Too) {
  StaticSiteOptions o;
  o.use_openat2 = false;
  StartServer(o);
  ExpectNoEscape(port_);
  EXPECT_EQ(Get("/distritos/01.html").body, Read(pub_ / "cortes/c1/distritos/01.html"));
  EXPECT_EQ(Get("/cortes/c2/datos/resumen.json", {{"Accept-Encoding", "gzip"}}).body, "GZ(c2)");
}

TEST_F(StaticFilesTest, NothingPublishedYetIs404) {
  fs::remove(pub_ / "actual");
  EXPECT_EQ(Get("/").status, 404);
  EXPECT_EQ(Get("/cortes/index.json").status, 200);
}

TEST_F(StaticFilesTest, AbsoluteActualLinkInsidePubWorks) {
  SwitchActual(pub_, (pub_ / "cortes" / "c2").string());
  EXPECT_EQ(Get("/").body, Read(pub_ / "cortes/c2/index.html"));
  SwitchActual(pub_, "/etc");
  EXPECT_EQ(Get("/passwd").status, 500);
}

TEST_F(StaticFilesTest, CachedFilesCostNoReadAndRewrittenFilesAreRechecked) {
  for (int i = 0; i < 5; ++i) ASSERT_EQ(Get("/distritos/01.html").status, 200);
  auto stats = site_->cache_stats();
  EXPECT_EQ(stats.misses, 1u);
  EXPECT_EQ(stats.hits, 4u);
  EXPECT_GE(stats.entries, 1u);

  EXPECT_EQ(Get("/cortes/index.json").body, "[\"c1\",\"c2\"]");
  EXPECT_EQ(Get("/cortes/index.json").body, "[\"c1\",\"c2\"]");
  const fs::path tmp = pub_ / "cortes" / ".index.json.tmp";
  Write(tmp, "[\"c1\",\"c2\",\"c3\"]");
  Age(tmp);
  fs::rename(tmp, pub_ / "cortes" / "index.json");
  auto fresh = Get("/cortes/index.json");
  EXPECT_EQ(fresh.body, "[\"c1\",\"c2\",\"c3\"]");
  EXPECT_EQ(fresh.headers["ETag"], NginxEtag(pub_ / "cortes" / "index.json"));
}

TEST_F(StaticFilesTest, FreshFilesAreNotCachedWhileTheyMayBeBeingWritten) {
  Write(pub_ / "cortes" / "c1" / "nuevo.html", "v1");  // mtime: now
  EXPECT_EQ(Get("/nuevo.html").body, "v1");
  EXPECT_EQ(site_->cache_stats().entries, 0u);
  Write(pub_ / "cortes" / "c1" / "nuevo.html", "v2, longer");
  EXPECT_EQ(Get("/nuevo.html").body, "v2, longer");
}

TEST_F(StaticFilesTest, CacheStaysWithinItsBudget) {
  StaticSiteOptions o;
  o.cache_bytes = 16 << 10;
  StartServer(o);
  for (const char* p : {"/index.html", "/distritos/01.html", "/cortes/c2/distritos/01.html",
                        "/datos/resumen.json", "/cortes/c2/index.html"}) {
    ASSERT_EQ(Get(p).status, 200) << p;
    EXPECT_LE(site_->cache_stats().bytes, o.cache_bytes);
  }
  EXPECT_EQ(Get("/distritos/01.html").body, Read(pub_ / "cortes/c1/distritos/01.html"));
}

// Cached files kept as open descriptors (sendfile) answer exactly as those kept in memory;
// when the budget of descriptors is spent, files are cached in memory instead.
TEST_F(StaticFilesTest, CachedDescriptorsServeTheSameBytes) {
  for (int max_open : {4096, 1}) {
    StaticSiteOptions o;
    o.sendfile_min_bytes = 1;
    o.max_open_files = max_open;
    StartServer(o);
    const std::string page = Read(pub_ / "cortes/c1/distritos/01.html");
    for (int round = 0; round < 2; ++round) {  // the miss, then the hit
      auto r = Get("/distritos/01.html");
      EXPECT_EQ(r.status, 200);
      EXPECT_EQ(r.body, page);
      auto part = Get("/distritos/01.html", {{"Range", "bytes=100-199"}});
      EXPECT_EQ(part.status, 206);
      EXPECT_EQ(part.body, page.substr(100, 100));
      auto gz = Get("/datos/resumen.json", {{"Accept-Encoding", "gzip"}});
      EXPECT_EQ(gz.body, "GZ(c1)");
      EXPECT_EQ(gz.headers["Content-Encoding"], "gzip");
      auto head = Head(port_, "/distritos/01.html");
      EXPECT_EQ(head.headers["Content-Length"], std::to_string(page.size()));
      EXPECT_TRUE(head.body.empty());
      auto not_modified = Get("/distritos/01.html", {{"If-None-Match", r.headers["ETag"]}});
      EXPECT_EQ(not_modified.status, 304);
      EXPECT_TRUE(not_modified.body.empty());
      // A file served from memory right after one sent with sendfile.
      EXPECT_EQ(Get("/index.html").body, Read(pub_ / "cortes/c1/index.html"));
    }
    EXPECT_GT(site_->cache_stats().hits, 0u);
  }
}

// The publisher switches `actual` while clients read: every body is one corte's, whole.
TEST_F(StaticFilesTest, SwitchingActualNeverMixesCortes) {
  const std::string paths[] = {"/index.html", "/datos/resumen.json", "/distritos/01.html"};
  std::map<std::string, std::set<std::string>> allowed;
  for (const std::string& p : paths) {
    for (const std::string c : {"c1", "c2"}) {
      allowed[p].insert(Read(pub_ / "cortes" / c / p.substr(1)));
      if (p == "/datos/resumen.json") allowed[p + "#gz"].insert("GZ(" + c + ")");
    }
  }
  std::atomic<bool> done{false};
  std::atomic<int> flips{0};
  std::thread switcher([&] {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    for (int i = 0; i < 5000 && !done && std::chrono::steady_clock::now() < deadline; ++i) {
      SwitchActual(pub_, i % 2 == 0 ? "cortes/c2" : "cortes/c1");
      ++flips;
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  });
  std::atomic<int> bad{0}, ok{0};
  std::mutex mu;
  std::set<std::string> seen;
  std::vector<std::thread> clients;
  for (int t = 0; t < 3; ++t) {
    clients.emplace_back([&, t] {
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      for (int i = 0; i < 1500 && std::chrono::steady_clock::now() < deadline; ++i) {
        const std::string& p = paths[(i + t) % 3];
        const bool gz = i % 2 == 0 && p == "/datos/resumen.json";
        auto r = gz ? Get(p, {{"Accept-Encoding", "gzip"}}) : Get(p);
        const auto& want = allowed[gz ? p + "#gz" : p];
        if (r.status == 200 && want.count(r.body)) {
          ++ok;
          std::lock_guard<std::mutex> lock(mu);
          seen.insert(r.body);
        } else {
          ++bad;
        }
      }
    });
  }
  for (auto& c : clients) c.join();
  done = true;
  switcher.join();
  EXPECT_EQ(bad, 0);
  EXPECT_GT(ok, 0);
  EXPECT_GT(flips, 10);
  // Both cortes were served: the switch was really exercised.
  EXPECT_TRUE(seen.count(Read(pub_ / "cortes/c1/index.html")) ||
              seen.count(Read(pub_ / "cortes/c1/distritos/01.html")));
  EXPECT_TRUE(seen.count(Read(pub_ / "cortes/c2/index.html")) ||
              seen.count(Read(pub_ / "cortes/c2/distritos/01.html")));
}

}  // namespace
}  // namespace prep::http
