// A publication folder (PUB) laid out as src/publish writes it, for the static-site tests
// (tests/http/static_files_test.cc, tests/integration/nginx_static_test.cc), and a HEAD client.
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "http/client.h"

namespace prep::testing {

namespace fs = std::filesystem;

inline void Write(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// Files a few hours old, so that they are past the settling window and get cached.
inline void Age(const fs::path& p) {
  fs::last_write_time(p, fs::file_time_type::clock::now() - std::chrono::hours(3));
}

inline std::string NginxEtag(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0);
  char buf[64];
  std::snprintf(buf, sizeof buf, "\"%llx-%llx\"", static_cast<unsigned long long>(st.st_mtime),
                static_cast<unsigned long long>(st.st_size));
  return buf;
}

// HEAD through Beast: the parser must be told that no body follows (tests/http/client.h
// cannot know).
inline HttpReply Head(uint16_t port, const std::string& target) {
  namespace beast = boost::beast;
  namespace bhttp = boost::beast::http;
  HttpReply reply;
  try {
    boost::asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::seconds(10));
    stream.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    bhttp::request<bhttp::empty_body> req(bhttp::verb::head, target, 11);
    req.set(bhttp::field::host, "127.0.0.1");
    bhttp::write(stream, req);
    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.skip(true);
    bhttp::read(stream, buffer, parser);
    reply.status = static_cast<int>(parser.get().result_int());
    reply.body = parser.get().body();
    for (const auto& f : parser.get()) {
      reply.headers[std::string(f.name_string())] = std::string(f.value());
    }
  } catch (const std::exception& e) {
    reply.error = e.what();
  }
  return reply;
}

// Points PUB/actual at cortes/<id> the way the publisher does: a new link renamed over it.
inline void SwitchActual(const fs::path& pub, const std::string& target) {
  const fs::path tmp = pub / ".actual.tmp";
  fs::remove(tmp);
  fs::create_symlink(target, tmp);
  fs::rename(tmp, pub / "actual");
}

inline std::string Page(const std::string& corte, const std::string& what, size_t size) {
  std::string s = "<!doctype html><title>" + what + " " + corte + "</title>";
  while (s.size() < size) s += "<p>corte " + corte + " " + what + "</p>\n";
  return s;
}

inline std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Two cortes c1 and c2 (index.html, distritos/, datos/resumen.json with a .gz, a 1.5 MiB
// base.zip, manifest.json.sig), cortes/index.json, an image, clave-publica.txt, a hidden
// half-written corte, three symlinks that must never be followed, and actual -> cortes/c1.
// Every file is made three hours old so that it is cached.
inline void BuildPublication(const fs::path& pub) {
  for (const std::string c : {"c1", "c2"}) {
    const fs::path d = pub / "cortes" / c;
    Write(d / "index.html", Page(c, "index", 3000));
    Write(d / "distritos" / "index.html", Page(c, "distritos", 500));
    Write(d / "distritos" / "01.html", Page(c, "distrito 01", 9000));
    Write(d / "datos" / "resumen.json",
          "{\"corte\":\"" + c + "\",\"pad\":\"" + std::string(4000, 'x') + "\"}");
    // Not real gzip: the server never looks inside, and the test can tell the bytes apart.
    Write(d / "datos" / "resumen.json.gz", "GZ(" + c + ")");
    Write(d / "manifest.json.sig", std::string("\x01\x02sig", 5));
    std::string big(1536 * 1024, '\0');
    for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + (i * 7 + 3) % 26);
    big += c;
    Write(d / "base.zip", big);
  }
  Write(pub / "cortes" / "index.json", "[\"c1\",\"c2\"]");
  Write(pub / "imagenes" / "ab12.jpg", "\xff\xd8\xff fake jpeg");
  Write(pub / "clave-publica.txt", "ed25519 key\n");
  Write(pub / "cortes" / ".tmp-c3" / "index.html", "half written");
  fs::create_symlink("/etc/passwd", pub / "cortes" / "c1" / "escape.html");
  fs::create_symlink("/etc", pub / "cortes" / "c1" / "fuera");
  fs::create_symlink("../../imagenes", pub / "cortes" / "c1" / "imgs");
  for (const auto& e : fs::recursive_directory_iterator(pub)) {
    if (!e.is_symlink() && e.is_regular_file()) Age(e.path());
  }
  SwitchActual(pub, "cortes/c1");
  // Readable by anyone: nginx's workers run as another user when the test runs as root.
  fs::permissions(pub, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                           fs::perms::others_read | fs::perms::others_exec);
}

}  // namespace prep::testing
