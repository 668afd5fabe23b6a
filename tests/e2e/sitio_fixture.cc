// The public site of a synthetic corte on 127.0.0.1, for tests/e2e/sitio.mjs:
// writes PUB/cortes/<id>/ (the site, its database zip and a manifest), one real
// PNG at PUB/imagenes/<sha256>.png that every captured acta links to, and the
// symlink PUB/actual -> cortes/<id>; serves PUB with the built-in server,
// prints the port on stdout and runs until SIGTERM or SIGINT, then removes PUB.
//
//   sitio_fixture [PUB]   (default: a new temporary folder)
#include <signal.h>
#include <stdlib.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "http/server.h"
#include "http/static_files.h"
#include "publish/base_de_datos.h"
#include "publish/corte_sintetico.h"
#include "publish/sitio.h"
#include "store/imagenes.h"

namespace {

namespace fs = std::filesystem;

uint32_t Crc32(std::string_view bytes) {
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char b : bytes) {
    crc ^= b;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

void Be32(std::string& out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<char>((v >> s) & 0xFF));
}

void Trozo(std::string& png, std::string_view tipo, std::string_view datos) {
  Be32(png, static_cast<uint32_t>(datos.size()));
  std::string cuerpo(tipo);
  cuerpo += datos;
  png += cuerpo;
  Be32(png, Crc32(cuerpo));
}

// A 48×32 RGB PNG (a purple frame on white, like a scanned form), written by
// hand with stored deflate blocks so the fixture needs no image library.
std::string PngDeActa() {
  constexpr uint32_t kAncho = 48, kAlto = 32;
  std::string crudo;
  for (uint32_t y = 0; y < kAlto; ++y) {
    crudo.push_back(0);  // filter: none
    for (uint32_t x = 0; x < kAncho; ++x) {
      const bool borde = x < 2 || y < 2 || x >= kAncho - 2 || y >= kAlto - 2 || y % 8 == 0;
      crudo += borde ? std::string("\x5b\x2a\x6e", 3) : std::string("\xff\xff\xff", 3);
    }
  }
  std::string z = "\x78\x01";
  for (size_t i = 0; i < crudo.size(); i += 65535) {
    const size_t n = std::min<size_t>(65535, crudo.size() - i);
    z.push_back(i + n == crudo.size() ? 1 : 0);
    z.push_back(static_cast<char>(n & 0xFF));
    z.push_back(static_cast<char>(n >> 8));
    z.push_back(static_cast<char>(~n & 0xFF));
    z.push_back(static_cast<char>((~n >> 8) & 0xFF));
    z.append(crudo, i, n);
  }
  uint32_t a = 1, b = 0;
  for (unsigned char c : crudo) {
    a = (a + c) % 65521;
    b = (b + a) % 65521;
  }
  Be32(z, (b << 16) | a);
  std::string png = "\x89PNG\r\n\x1a\n";
  std::string ihdr;
  Be32(ihdr, kAncho);
  Be32(ihdr, kAlto);
  ihdr += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit RGB, no interlace
  Trozo(png, "IHDR", ihdr);
  Trozo(png, "IDAT", z);
  Trozo(png, "IEND", "");
  return png;
}

void Escribir(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
  if (!out) {
    std::cerr << "sitio_fixture: no se pudo escribir " << p << "\n";
    std::exit(2);
  }
}

std::string Leer(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

int main(int argc, char** argv) {
  fs::path pub;
  bool temporal = false;
  if (argc > 1) {
    pub = argv[1];
    fs::create_directories(pub);
  } else {
    std::string plantilla = (fs::temp_directory_path() / "prep_e2e_XXXXXX").string();
    if (::mkdtemp(plantilla.data()) == nullptr) {
      std::perror("mkdtemp");
      return 2;
    }
    pub = plantilla;
    temporal = true;
  }

  const std::string png = PngDeActa();
  const std::string sha_png = prep::store::Sha256Hex(png);
  Escribir(pub / "imagenes" / (sha_png + ".png"), png);

  prep::testing::OpcionesCorteSintetico o;
  o.sha_imagen = sha_png;
  o.simulacro = true;  // what a browser test must see: the drill banner
  const prep::publish::Corte corte = prep::testing::CorteSintetico(o);
  const fs::path dir = pub / "cortes" / corte.info.id;

  const prep::publish::NombresBase nombres = prep::publish::NombresDe(corte);
  const auto dialecto = prep::publish::DialectoBase::kIeqroo2019;
  const fs::path zip = dir / nombres.zip;
  fs::create_directories(dir);
  prep::Status s = prep::publish::EscribirZip(
      zip.string(),
      {{nombres.resultados, prep::publish::ResultadosCsv(corte, dialecto)},
       {nombres.candidaturas, prep::publish::CandidaturasCsv(corte, dialecto)},
       {nombres.leeme, prep::publish::Leeme(corte, dialecto)}},
      corte.info.instante_utc_ms, corte.info.offset_minutos);
  if (!s.ok()) {
    std::cerr << "sitio_fixture: " << s.message() << "\n";
    return 2;
  }
  prep::publish::OpcionesSitio opciones;
  opciones.sha256_zip = prep::store::Sha256Hex(Leer(zip));
  opciones.organo = "Instituto Electoral de Prueba";
  std::string manifest = "{\"corte\":\"" + corte.info.id + "\",\"archivos\":{";
  bool primero = true;
  s = prep::publish::GenerarSitio(corte, opciones, [&](prep::publish::ArchivoSitio&& f) {
    manifest += primero ? "" : ",";
    primero = false;
    manifest += "\"" + f.ruta + "\":\"" + prep::store::Sha256Hex(f.contenido) + "\"";
    Escribir(dir / f.ruta, f.contenido);
  });
  if (!s.ok()) {
    std::cerr << "sitio_fixture: " << s.message() << "\n";
    return 2;
  }
  Escribir(dir / "manifest.json", manifest + "}}\n");
  std::error_code ec;
  fs::remove(pub / "actual", ec);
  fs::create_directory_symlink(fs::path("cortes") / corte.info.id, pub / "actual");

  // Block the stop signals before the server starts its threads, so that only
  // sigwait below receives them.
  sigset_t senales;
  sigemptyset(&senales);
  sigaddset(&senales, SIGTERM);
  sigaddset(&senales, SIGINT);
  pthread_sigmask(SIG_BLOCK, &senales, nullptr);

  prep::http::StaticSiteOptions so;
  so.root = pub.string();
  so.settle_seconds = 0;
  auto sitio = prep::http::StaticSite::Open(so);
  if (!sitio.ok()) {
    std::cerr << "sitio_fixture: " << sitio.status().message() << "\n";
    return 2;
  }
  auto router = std::make_shared<prep::http::Router>();
  prep::http::MountStaticSite(*router, *sitio);
  prep::http::ServerOptions opciones_servidor;  // 127.0.0.1, any free port
  prep::http::Server servidor(opciones_servidor, router);
  s = servidor.Start();
  if (!s.ok()) {
    std::cerr << "sitio_fixture: " << s.message() << "\n";
    return 2;
  }
  std::cout << servidor.port() << "\n" << std::flush;

  int senal = 0;
  sigwait(&senales, &senal);
  servidor.Stop();
  if (temporal) fs::remove_all(pub, ec);
  return 0;
}
