// Publishing one corte, on one core (BENCHMARKS.md, "Publicar un corte"):
//
//   corte_bench [--actas 500000] [--distritos 300] [--runs 3] [--dir /tmp]
//               [--target-ms 5000] [--keep]
//
// Set-up (not timed): a synthetic Contienda shaped like a real election (about
// 7 actas per sección, 12 vote columns: 6 partidos, the 4 combinaciones of a
// 3-partido coalición, no registrados, nulos; lista nominal about 600) and its
// actas, 90 % captured with deterministic pseudo-random votes, a few % with
// ILEGIBLE fields or sin acta, each captured acta with a SHA-256 and a "png"
// image, all classified with domain::Classify. Timed, each run:
//   (a) ArmarCorte: the tally of the already classified actas;
//   (b) Publicador::Publicar into a fresh PUB: zip, JSON, acta records, site,
//       .gz siblings, signed manifest, syncfs, rename, switch of `actual`;
//   baselines, in the same run, for the bytes and files (b) wrote:
//   (c) one file of that many bytes, write() + fsync;
//   (d) that many files of equal size, write() each + one syncfs, as (b) does.
// Prints medians and the ratios (b)/(c) and (b)/(d); exits 3 when the median
// of the whole corte, (a) + (b), is above --target-ms. Run it under `taskset -c 0`
// (bench/corte_bench.sh).
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "base/tiempo.h"
#include "domain/classifier.h"
#include "domain/election.h"
#include "publish/corte.h"
#include "publish/firma.h"
#include "publish/publicador.h"

namespace {

namespace fs = std::filesystem;
namespace domain = prep::domain;
namespace publish = prep::publish;
using Clock = std::chrono::steady_clock;

// SplitMix64: fixed seed, so every run and machine gets the same election.
class Aleatorio {
 public:
  explicit Aleatorio(uint64_t semilla) : s_(semilla) {}
  uint64_t Siguiente() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n).
  int64_t Hasta(int64_t n) { return static_cast<int64_t>(Siguiente() % static_cast<uint64_t>(n)); }

 private:
  uint64_t s_;
};

double Segundos(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// User and system CPU seconds of this process: on one core, wall time minus
// their sum is time spent waiting for the disk.
struct Cpu {
  double user = 0, sys = 0;
  long faltas = 0;  // minor page faults: anonymous memory touched for the first time
};
Cpu CpuAhora() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return {s(u.ru_utime), s(u.ru_stime), u.ru_minflt};
}

double Mediana(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

[[noreturn]] void Morir(const std::string& m) {
  std::fprintf(stderr, "corte_bench: %s\n", m.c_str());
  std::exit(2);
}

std::shared_ptr<publish::Contienda> Contienda(int64_t actas, int distritos) {
  auto k = std::make_shared<publish::Contienda>();
  domain::Catalogo& cat = k->catalogo;
  cat.entidad_id = 5;
  cat.entidad_nombre = "COAHUILA DE ZARAGOZA";
  cat.eleccion = "DIPUTACIONES LOCALES";
  for (int d = 1; d <= distritos; ++d)
    cat.distritos.push_back({d, "CABECERA " + std::to_string(d)});
  cat.partidos = {{"PAN", "Partido Acción Nacional"},
                  {"PRI", "Partido Revolucionario Institucional"},
                  {"PRD", "Partido de la Revolución Democrática"},
                  {"MORENA", "Morena"},
                  {"MC", "Movimiento Ciudadano"},
                  {"UDC", "Unidad Democrática de Coahuila"}};
  cat.coaliciones = {{"Coahuila Primero", {"PRI", "PRD", "UDC"}}};
  cat.columns = domain::ContestColumns(cat.partidos, cat.coaliciones, 0);

  // Secciones of 7 casillas (a básica and 6 contiguas); one in 50 also has a
  // casilla especial, whose MR and RP actas take the place of two contiguas.
  const int64_t secciones = (actas + 6) / 7;
  Aleatorio r(20201018);
  int64_t hechas = 0;
  for (int64_t s = 1; hechas < actas; ++s) {
    const int distrito = static_cast<int>(1 + (s - 1) * distritos / secciones);
    const bool especial = s % 50 == 0;
    for (int c = 0; c < 7 && hechas < actas; ++c) {
      domain::Casilla casilla;
      const bool es_especial = especial && c == 5;
      using T = domain::TipoCasilla;
      casilla.id = {cat.entidad_id, static_cast<int>(s),
                    c == 0 ? T::kBasica : (es_especial ? T::kEspecial : T::kContigua),
                    es_especial ? 1 : std::max(1, c), 0};
      casilla.distrito = distrito;
      casilla.lista_nominal = es_especial ? 0 : 550 + r.Hasta(100);
      if (es_especial) casilla.boletas_especial = 750;
      cat.casillas.push_back(casilla);
      domain::Acta mr;
      mr.id = {casilla.id, "2"};
      mr.casilla_index = cat.casillas.size() - 1;
      cat.actas.push_back(mr);
      ++hechas;
      if (es_especial && hechas < actas) {
        domain::Acta rp = mr;
        rp.id.tipo_acta = "3";
        rp.kind = domain::ActaKind::kRepresentacionProporcional;
        cat.actas.push_back(rp);
        ++hechas;
        ++c;
      }
    }
  }
  cat.RebuildIndex();
  for (int d = 1; d <= distritos; ++d) {
    k->candidaturas.push_back({d, "PAN", "", false, "Propietaria PAN " + std::to_string(d), ""});
    k->candidaturas.push_back({d, "", "Coahuila Primero", false, "Propietario CP", "Suplente"});
    k->candidaturas.push_back({d, "MORENA", "", false, "Propietaria MORENA", "Suplente"});
    k->candidaturas.push_back({d, "MC", "", false, "Propietario MC", ""});
  }
  k->clave_eleccion = "DIP_LOC";
  k->entidad_siglas = "COAH";
  k->anio = 2020;
  return k;
}

// 2020-10-18 20:20 in Coahuila (UTC-5), as the tests' synthetic corte.
int64_t InstanteCorte() {
  return (prep::DiasDesdeCivil(2020, 10, 19) * 24 * 60 + 1 * 60 + 20) * prep::kMsPorMinuto;
}

std::vector<publish::ActaPublicada> Actas(const publish::Contienda& k) {
  const domain::Catalogo& cat = k.catalogo;
  const size_t ncol = cat.columns.size();
  // Shares of the votes per column, in per mille: partidos, combinaciones, NR, nulos.
  static constexpr int kPeso[] = {280, 220, 60, 300, 60, 30, 8, 6, 5, 4, 2, 25};
  static_assert(std::size(kPeso) == 12);
  if (ncol != std::size(kPeso)) Morir("expected 12 vote columns");
  Aleatorio r(424242);
  const int64_t t0 = InstanteCorte();
  std::vector<publish::ActaPublicada> actas;
  actas.reserve(cat.actas.size());
  for (size_t i = 0; i < cat.actas.size(); ++i) {
    const domain::Acta& acta = cat.actas[i];
    const domain::Casilla& casilla = cat.casillas[acta.casilla_index];
    publish::ActaPublicada a;
    a.acta_index = i;
    a.clave_acta = acta.id.Clave();
    a.aplica.assign(ncol, 1);
    a.votos.assign(ncol, domain::CaptureValue::SinDato());
    const int64_t tirada = r.Hasta(1000);
    if (tirada < 900) {
      a.capturada = true;
      domain::ActaCaptura captura;
      if (tirada < 15) {
        captura.sin_acta = static_cast<domain::SinActaMotivo>(1 + r.Hasta(3));
      } else {
        const int64_t base = casilla.IsEspecial() ? 400 : casilla.lista_nominal;
        const int64_t votantes = base * (45 + r.Hasta(30)) / 100;
        for (size_t c = 0; c < ncol; ++c) {
          const int64_t v = votantes * kPeso[c] / 1000 + r.Hasta(1 + votantes * kPeso[c] / 4000);
          a.votos[c] = domain::CaptureValue::Count(v);
        }
        // About 3 % with an ILEGIBLE field, 1 % with a SIN DATO one.
        if (tirada < 45) a.votos[r.Hasta(ncol)] = domain::CaptureValue::Ilegible();
        if (tirada >= 45 && tirada < 55) a.votos[r.Hasta(ncol)] = domain::CaptureValue::SinDato();
        captura.votos = a.votos;
        a.boletas_sobrantes = base - votantes;
        a.personas_votaron = votantes;
        a.representantes_votaron = r.Hasta(4);
        a.votos_sacados = votantes;
        a.total_votos_asentado = domain::CaptureValue::Count(votantes);
      }
      a.clasificacion = domain::Classify(captura, domain::ActaLimits::ForCasilla(casilla));
      char sha[65];
      std::snprintf(sha, sizeof sha, "%016llx%016llx%016llx%016llx",
                    static_cast<unsigned long long>(r.Siguiente()),
                    static_cast<unsigned long long>(r.Siguiente()),
                    static_cast<unsigned long long>(r.Siguiente()),
                    static_cast<unsigned long long>(r.Siguiente()));
      a.sha256 = sha;
      a.extension_imagen = "png";
      const bool casilla_movil = r.Hasta(3) == 0;
      a.origen = casilla_movil ? "CASILLA" : "CATD";
      a.digitalizacion = casilla_movil ? "MOVIL" : "ESCANER";
      a.mecanismos_traslado = casilla_movil ? "" : "D";
      a.hora_acopio_ms = t0 - (60 + r.Hasta(300)) * prep::kMsPorMinuto;
      a.hora_captura_ms = a.hora_acopio_ms + (5 + r.Hasta(20)) * prep::kMsPorMinuto;
      a.hora_verificacion_ms = a.hora_captura_ms + (1 + r.Hasta(10)) * prep::kMsPorMinuto;
      if (r.Hasta(10) == 0) a.cotejada = 1;
    }
    actas.push_back(std::move(a));
  }
  return actas;
}

publish::CorteInfo Info() {
  publish::CorteInfo info;
  info.instante_utc_ms = InstanteCorte();
  info.id = prep::FormatearFecha(info.instante_utc_ms, -300, prep::FormatoFecha::kIdCorte);
  info.offset_minutos = -300;
  info.siguiente_utc_ms = info.instante_utc_ms + 20 * prep::kMsPorMinuto;
  return info;
}

void EscribirTodo(int fd, const char* datos, size_t n, const std::string& ruta) {
  while (n > 0) {
    const ssize_t w = ::write(fd, datos, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) Morir(ruta + ": write: " + std::strerror(errno));
    datos += w;
    n -= static_cast<size_t>(w);
  }
}

// Baseline (c): `bytes` into one file, 1 MiB per write(), then fsync.
double UnArchivo(const fs::path& carpeta, uint64_t bytes, const std::string& bloque) {
  fs::create_directories(carpeta);
  const fs::path p = carpeta / "crudo.bin";
  const auto t0 = Clock::now();
  const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) Morir(p.string() + ": open: " + std::strerror(errno));
  for (uint64_t hecho = 0; hecho < bytes;) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(bloque.size(), bytes - hecho));
    EscribirTodo(fd, bloque.data(), n, p.string());
    hecho += n;
  }
  if (::fsync(fd) != 0) Morir(p.string() + ": fsync: " + std::strerror(errno));
  ::close(fd);
  return Segundos(Clock::now() - t0);
}

// Baseline (d): `archivos` files of equal size adding up to `bytes`, in
// folders of 10,000 (the site's largest folders hold one file per sección and
// its .gz), each open/write/close, then one syncfs: what Publicar does at the least.
double MuchosArchivos(const fs::path& carpeta, size_t archivos, uint64_t bytes,
                      const std::string& bloque) {
  const size_t tam = static_cast<size_t>(bytes / archivos);
  std::string datos;
  while (datos.size() < tam) datos += bloque.substr(0, std::min(bloque.size(), tam - datos.size()));
  const auto t0 = Clock::now();
  char nombre[64];
  for (size_t i = 0; i < archivos; ++i) {
    if (i % 10000 == 0) {
      std::snprintf(nombre, sizeof nombre, "%04zu", i / 10000);
      fs::create_directories(carpeta / nombre);
    }
    std::snprintf(nombre, sizeof nombre, "%04zu/%06zu.html", i / 10000, i);
    const fs::path p = carpeta / nombre;
    const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) Morir(p.string() + ": open: " + std::strerror(errno));
    EscribirTodo(fd, datos.data(), datos.size(), p.string());
    ::close(fd);
  }
  const int fd = ::open(carpeta.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || ::syncfs(fd) != 0) Morir(carpeta.string() + ": syncfs: " + std::strerror(errno));
  ::close(fd);
  return Segundos(Clock::now() - t0);
}

}  // namespace

int main(int argc, char** argv) {
  int64_t n_actas = 500000;
  int distritos = 0;  // 0: 300 for a national-scale corte, 16 (Coahuila 2020) below 10,000 actas
  int runs = 3;
  double target_ms = 0;
  bool conservar = false;
  std::string dir = std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto valor = [&]() -> std::string {
      if (i + 1 >= argc) Morir(a + " needs a value");
      return argv[++i];
    };
    if (a == "--actas") {
      n_actas = std::stoll(valor());
    } else if (a == "--distritos") {
      distritos = std::stoi(valor());
    } else if (a == "--runs") {
      runs = std::stoi(valor());
    } else if (a == "--dir") {
      dir = valor();
    } else if (a == "--target-ms") {
      target_ms = std::stod(valor());
    } else if (a == "--keep") {
      conservar = true;
    } else {
      Morir("unknown flag " + a +
            " (--actas N --distritos D --runs R --dir DIR --target-ms MS --keep)");
    }
  }
  if (n_actas < 1 || runs < 1) Morir("--actas and --runs must be positive");
  if (distritos <= 0) distritos = n_actas >= 10000 ? 300 : 16;

  std::printf("== corte_bench: %lld actas, %d distritos, %d runs, PUB under %s\n",
              static_cast<long long>(n_actas), distritos, runs, dir.c_str());
  const auto t_prep = Clock::now();
  std::shared_ptr<const publish::Contienda> contienda = Contienda(n_actas, distritos);
  const std::vector<publish::ActaPublicada> actas = Actas(*contienda);
  size_t secciones = 0;
  {
    int ultima = -1;
    for (const auto& c : contienda->catalogo.casillas) {
      if (c.id.seccion != ultima) ++secciones;
      ultima = c.id.seccion;
    }
  }
  std::printf("set-up: %zu actas, %zu secciones, %zu columns (%.2f s, not timed)\n", actas.size(),
              secciones, contienda->catalogo.columns.size(), Segundos(Clock::now() - t_prep));

  char plantilla[4096];
  std::snprintf(plantilla, sizeof plantilla, "%s/corte_bench.XXXXXX", dir.c_str());
  if (::mkdtemp(plantilla) == nullptr) Morir(std::string(plantilla) + ": " + std::strerror(errno));
  const fs::path base(plantilla);
  // Incompressible-looking bytes for the baselines (ext4 does not compress, but
  // nothing should make them cheaper than real content).
  std::string bloque(1 << 20, '\0');
  {
    Aleatorio r(7);
    for (char& c : bloque) c = static_cast<char>('a' + r.Hasta(26));
  }
  const publish::ParClaves claves = publish::NuevasClaves();

  std::vector<double> t_armar, t_publicar, user_publicar, sys_publicar, t_uno, t_muchos;
  size_t archivos = 0;
  uint64_t bytes = 0;
  for (int run = 0; run < runs; ++run) {
    std::vector<publish::ActaPublicada> copia = actas;  // ArmarCorte consumes its input
    auto t0 = Clock::now();
    const publish::Corte corte = publish::ArmarCorte(Info(), contienda, std::move(copia));
    t_armar.push_back(Segundos(Clock::now() - t0));

    publish::OpcionesPublicador o;
    o.raiz = (base / ("pub" + std::to_string(run))).string();
    o.carpeta_imagenes = "";  // no image files: only the records and pages that name them
    o.organo = "Instituto Electoral de Coahuila";
    o.claves = claves;
    o.reloj = [] { return InstanteCorte() + 90 * 1000; };
    auto p = publish::Publicador::Abrir(o);
    if (!p.ok()) Morir("Abrir: " + p.status().message());
    const Cpu cpu0 = CpuAhora();
    t0 = Clock::now();
    auto r = (*p)->Publicar(corte);
    t_publicar.push_back(Segundos(Clock::now() - t0));
    const Cpu cpu1 = CpuAhora();
    user_publicar.push_back(cpu1.user - cpu0.user);
    sys_publicar.push_back(cpu1.sys - cpu0.sys);
    if (!r.ok()) Morir("Publicar: " + r.status().message());
    archivos = r->archivos;
    bytes = r->bytes;

    t_uno.push_back(UnArchivo(base / ("uno" + std::to_string(run)), bytes, bloque));
    t_muchos.push_back(
        MuchosArchivos(base / ("muchos" + std::to_string(run)), archivos, bytes, bloque));
    std::printf(
        "run %d: ArmarCorte %.4f s  Publicar %.4f s (user %.4f s, sys %.4f s, %ld minor faults)  "
        "corte %.4f s  raw 1 file %.4f s  raw %zu files %.4f s\n",
        run + 1, t_armar.back(), t_publicar.back(), user_publicar.back(), sys_publicar.back(),
        cpu1.faltas - cpu0.faltas, t_armar.back() + t_publicar.back(), t_uno.back(), archivos,
        t_muchos.back());
    // CLOCK_MONOTONIC seconds, for `perf record -k mono` + `perf report --time A,B`.
    std::printf("  publicar window: %.6f,%.6f\n",
                std::chrono::duration<double>(t0.time_since_epoch()).count(),
                std::chrono::duration<double>(t0.time_since_epoch()).count() + t_publicar.back());
    std::printf("  steps:");
    for (const auto& [nombre, s] : r->etapas) std::printf(" %s %.4f", nombre.c_str(), s);
    std::printf("\n");
    std::fflush(stdout);
  }
  // Nothing is removed until every run is done: on ext4 without a journal (the
  // reference machine) creating a file skips every inode freed in the last
  // 1-5 minutes, one buffer lookup each, so deleting a run's 287,000 files
  // made the next run's file creations several times slower.
  if (!conservar) {
    std::error_code ec;
    fs::remove_all(base, ec);
  } else {
    std::printf("kept: %s\n", base.c_str());
  }

  std::vector<double> t_corte;
  for (size_t i = 0; i < t_armar.size(); ++i) t_corte.push_back(t_armar[i] + t_publicar[i]);
  const double armar = Mediana(t_armar), publicar = Mediana(t_publicar);
  const double corte = Mediana(t_corte);
  const double user = Mediana(user_publicar), sys = Mediana(sys_publicar);
  const double uno = Mediana(t_uno), muchos = Mediana(t_muchos);
  std::printf(
      "SUMMARY actas=%zu secciones=%zu distritos=%d runs=%d armar_s=%.4f publicar_s=%.4f "
      "publicar_user_s=%.4f publicar_sys_s=%.4f files=%zu bytes=%llu raw_1_file_s=%.4f "
      "raw_n_files_s=%.4f "
      "ratio_vs_1_file=%.2f ratio_vs_n_files=%.2f corte_s=%.4f",
      actas.size(), secciones, distritos, runs, armar, publicar, user, sys, archivos,
      static_cast<unsigned long long>(bytes), uno, muchos, publicar / uno, publicar / muchos,
      corte);
  // The target is the whole corte: the tally (a) and the publication (b).
  if (target_ms > 0) {
    std::printf(" target_ms=%.0f %s", target_ms, corte * 1000 <= target_ms ? "MET" : "MISSED");
  }
  std::printf("\n");
  return target_ms > 0 && corte * 1000 > target_ms ? 3 : 0;
}
