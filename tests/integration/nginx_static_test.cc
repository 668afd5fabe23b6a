// deploy/nginx/prep.conf in a real nginx, beside the built-in static server, both serving the
// same publication folder on loopback ports: the same requests must get the same status,
// caching headers and bytes, so that either can be the origin behind one CDN.
// Skipped (with the reason) only when there is no nginx binary.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "http/client.h"
#include "http/server.h"
#include "http/site_fixture.h"
#include "http/static_files.h"

namespace prep {
namespace {

namespace fs = std::filesystem;
using testing::Fetch;
using testing::HttpReply;

std::string FindNginx() {
  if (const char* env = std::getenv("NGINX"); env != nullptr && *env != '\0') return env;
  for (const char* p : {"/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx",
                        "/usr/local/nginx/sbin/nginx"}) {
    if (::access(p, X_OK) == 0) return p;
  }
  return "";
}

uint16_t FreePort() {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

std::string ReplaceAll(std::string s, const std::string& from, const std::string& to, int* count) {
  *count = 0;
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
    ++*count;
  }
  return s;
}

// nginx in the foreground, with its configuration, pid, logs and temporary files in `dir`.
class NginxProcess {
 public:
  NginxProcess(std::string binary, fs::path dir)
      : binary_(std::move(binary)), dir_(std::move(dir)) {}
  ~NginxProcess() { Stop(); }

  // True once nginx answers on `port`; false if it exited or did not answer within 10 s.
  bool Start(uint16_t port) {
    pid_ = ::fork();
    if (pid_ == 0) {
      const std::string prefix = dir_.string() + "/";
      const std::string conf = (dir_ / "nginx.conf").string();
      const std::string log = (dir_ / "error.log").string();
      ::execl(binary_.c_str(), binary_.c_str(), "-p", prefix.c_str(), "-c", conf.c_str(), "-e",
              log.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 100; ++i) {  // up to 10 s
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      if (Fetch(port, "GET", "/clave-publica.txt").status != 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  void Stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);           // the master stops its workers
    for (int i = 0; i < 100; ++i) {  // up to 10 s
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  std::string ErrorLog() const { return testing::ReadFile(dir_ / "error.log"); }

 private:
  std::string binary_;
  fs::path dir_;
  pid_t pid_ = -1;
};

class NginxStaticTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string nginx = FindNginx();
    if (nginx.empty()) GTEST_SKIP() << "no nginx binary (apt-get install nginx, or set NGINX)";
    std::string tmpl = ::testing::TempDir() + "/nginx_static_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    ::chmod(dir_.c_str(), 0755);  // nginx's workers may run as another user
    pub_ = dir_ / "pub";
    testing::BuildPublication(pub_);
    fs::create_directories(dir_ / "tmp");

    http::StaticSiteOptions options;
    options.root = pub_.string();
    auto site = http::StaticSite::Open(options);
    ASSERT_TRUE(site.ok()) << site.status().message();
    auto router = std::make_shared<http::Router>();
    http::MountStaticSite(*router, *site);
    prep_ = std::make_unique<http::Server>(http::ServerOptions{}, router);
    ASSERT_TRUE(prep_->Start().ok());

    const std::string conf = testing::ReadFile(PREP_SOURCE_DIR "/deploy/nginx/prep.conf");
    ASSERT_FALSE(conf.empty()) << "deploy/nginx/prep.conf not found";
    nginx_ = std::make_unique<NginxProcess>(nginx, dir_);
    for (int attempt = 0; attempt < 3; ++attempt) {  // another process may take the port
      nginx_port_ = FreePort();
      int roots = 0, listens = 0;
      std::string rendered = ReplaceAll(conf, "/srv/prep/publicacion", pub_.string(), &roots);
      rendered = ReplaceAll(rendered, "listen 80;",
                            "listen 127.0.0.1:" + std::to_string(nginx_port_) + ";", &listens);
      ASSERT_GE(roots, 4);  // four root lines, and the comments
      ASSERT_EQ(listens, 1);
      testing::Write(dir_ / "prep.conf", rendered);
      const std::string d = dir_.string();
      testing::Write(dir_ / "nginx.conf",
                     "daemon off;\nworker_processes 1;\npid " + d + "/nginx.pid;\nerror_log " + d +
                         "/error.log warn;\nevents { worker_connections 64; }\nhttp {\n" +
                         "  access_log off;\n  client_body_temp_path " + d + "/tmp/body;\n" +
                         "  proxy_temp_path " + d + "/tmp/proxy;\n  fastcgi_temp_path " + d +
                         "/tmp/fastcgi;\n  uwsgi_temp_path " + d + "/tmp/uwsgi;\n" +
                         "  scgi_temp_path " + d + "/tmp/scgi;\n  include " + d +
                         "/prep.conf;\n}\n");
      if (nginx_->Start(nginx_port_)) return;
    }
    FAIL() << "nginx did not start:\n" << nginx_->ErrorLog();
  }

  void TearDown() override {
    if (nginx_) nginx_->Stop();
    if (prep_) prep_->Stop();
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  static std::map<std::string, std::string> Lower(const std::map<std::string, std::string>& h) {
    std::map<std::string, std::string> out;
    for (const auto& [k, v] : h) {
      std::string name = k;
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      out[name] = v;
    }
    return out;
  }

  // Sends the same request to both servers and compares what a cache or browser uses.
  void ExpectSame(const std::string& method, const std::string& target,
                  const std::map<std::string, std::string>& headers = {}) {
    const auto ask = [&](uint16_t port) {
      return method == "HEAD" ? testing::Head(port, target)
                              : Fetch(port, method, target, "", headers);
    };
    const HttpReply a = ask(prep_->port());
    const HttpReply b = ask(nginx_port_);
    std::string what = method + " " + target;
    for (const auto& [k, v] : headers) what += " [" + k + ": " + v + "]";
    ASSERT_EQ(a.error, "") << what;
    ASSERT_EQ(b.error, "") << what;
    EXPECT_EQ(a.status, b.status) << what;
    const auto ha = Lower(a.headers);
    const auto hb = Lower(b.headers);
    const auto get = [](const std::map<std::string, std::string>& h, const char* name) {
      auto it = h.find(name);
      return it == h.end() ? std::string("(absent)") : it->second;
    };
    if (a.status == 416) {
      EXPECT_EQ(get(ha, "content-range"), get(hb, "content-range")) << what;
      return;
    }
    if (a.status >= 400) return;  // error pages differ (JSON here, HTML there)
    for (const char* name :
         {"content-type", "cache-control", "etag", "last-modified", "content-encoding", "vary",
          "accept-ranges", "content-range", "content-length", "x-content-type-options",
          "content-security-policy", "referrer-policy"}) {
      // nginx advertises Accept-Ranges on a 200 only; the built-in server repeats it on a
      // 206. RFC 9110 §14.3 allows it on any response, and a cache or browser learns nothing
      // new from it on an answer that is already partial, so it is not a difference.
      if (a.status == 206 && std::string_view(name) == "accept-ranges") continue;
      EXPECT_EQ(get(ha, name), get(hb, name)) << what << ": " << name;
    }
    EXPECT_TRUE(a.body == b.body) << what << ": bodies differ (" << a.body.size() << " vs "
                                  << b.body.size() << " bytes)";
  }

  fs::path dir_, pub_;
  std::unique_ptr<http::Server> prep_;
  std::unique_ptr<NginxProcess> nginx_;
  uint16_t nginx_port_ = 0;
};

TEST_F(NginxStaticTest, SameStatusHeadersAndBytesAsTheBuiltInServer) {
  const std::map<std::string, std::string> gzip = {{"Accept-Encoding", "gzip, deflate, br"}};
  for (const char* t :
       {"/", "/index.html", "/distritos/", "/distritos/01.html", "/datos/resumen.json",
        "/cortes/c2/index.html", "/cortes/c2/distritos/01.html", "/cortes/c2/datos/resumen.json",
        "/cortes/index.json", "/clave-publica.txt", "/imagenes/ab12.jpg", "/manifest.json.sig",
        "/cortes/c1/base.zip", "/datos/resumen.json.gz", "/distritos/01.html?v=3"}) {
    ExpectSame("GET", t);
    ExpectSame("GET", t, gzip);
    ExpectSame("HEAD", t);
  }
  ExpectSame("GET", "/datos/resumen.json", {{"Accept-Encoding", "gzip;q=0"}});
  ExpectSame("GET", "/cortes/c2/datos/resumen.json", {{"Accept-Encoding", "GZIP"}});
}

TEST_F(NginxStaticTest, SameRanges) {
  for (const char* range :
       {"bytes=0-9", "bytes=100-", "bytes=-5", "bytes=10-999999999", "bytes=999999999-",
        "bytes=0-1,5-6", "bytes=9-2", "bytes=x-", "bytes=5", "bytes=0-1,x", "bytes=0-1,5-2",
        "bytes=-0", "items=0-1", "bytes=0-99999999999999999999"}) {
    ExpectSame("GET", "/distritos/01.html", {{"Range", range}});
    ExpectSame("GET", "/cortes/c1/base.zip", {{"Range", range}});
  }
}

TEST_F(NginxStaticTest, SameRevalidation) {
  const std::string page = testing::NginxEtag(pub_ / "cortes/c1/distritos/01.html");
  const std::string gz = testing::NginxEtag(pub_ / "cortes/c1/datos/resumen.json.gz");
  ExpectSame("GET", "/distritos/01.html", {{"If-None-Match", page}});
  ExpectSame("GET", "/distritos/01.html", {{"If-None-Match", "\"other\""}});
  ExpectSame("GET", "/cortes/c1/distritos/01.html", {{"If-None-Match", page}});
  ExpectSame("GET", "/datos/resumen.json", {{"If-None-Match", gz}, {"Accept-Encoding", "gzip"}});
  const HttpReply first = Fetch(nginx_port_, "GET", "/distritos/01.html");
  ExpectSame("GET", "/distritos/01.html",
             {{"If-Modified-Since", first.headers.at("Last-Modified")}});
}

TEST_F(NginxStaticTest, BothRefuseEscapesAndOtherMethods) {
  for (const char* t :
       {"/../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/cortes/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/cortes/c1/escape.html", "/cortes/c1/fuera/passwd", "/escape.html",
        "/cortes/c1/imgs/ab12.jpg", "/cortes/.tmp-c3/index.html", "/index.html%00", "/nada.html"}) {
    for (uint16_t port : {prep_->port(), nginx_port_}) {
      const HttpReply r = Fetch(port, "GET", t);
      EXPECT_GE(r.status, 400) << t << " on port " << port;
      EXPECT_LT(r.status, 500) << t << " on port " << port;
      EXPECT_EQ(r.body.find("root:"), std::string::npos) << t;
    }
  }
  EXPECT_EQ(Fetch(prep_->port(), "POST", "/index.html", "x").status, 405);
  EXPECT_EQ(Fetch(nginx_port_, "POST", "/index.html", "x").status, 405);
}

TEST_F(NginxStaticTest, NginxFollowsASwitchOfActualWithinItsCacheValidity) {
  testing::SwitchActual(pub_, "cortes/c2");
  const std::string want = testing::ReadFile(pub_ / "cortes/c2/index.html");
  EXPECT_EQ(Fetch(prep_->port(), "GET", "/").body, want);  // at once
  std::string got;
  for (int i = 0; i < 30 && got != want; ++i) {  // open_file_cache_valid 1s: within 3 s
    got = Fetch(nginx_port_, "GET", "/").body;
    if (got != want) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace prep
