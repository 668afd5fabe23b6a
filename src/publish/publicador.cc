#include "publish/publicador.h"

#include <fcntl.h>
#include <libdeflate.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "base/texto.h"
#include "base/tiempo.h"
#include "publish/firma.h"
#include "publish/json_texto.h"
#include "publish/sitio.h"
#include "store/imagenes.h"
#include "store/store.h"

namespace prep::publish {
namespace {

namespace fs = std::filesystem;

// Pages at most this large get a .gz sibling (ConGzip says which files).
constexpr size_t kMaxBytesGzip = 1 << 20;

std::string ErrnoTexto() { return std::strerror(errno); }

Result<std::string> LeerArchivo(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return Status::IoError(p.string() + ": cannot read");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Writes all of `bytes` to `fd`; `p` names it in the error.
Status EscribirTodo(int fd, const fs::path& p, std::string_view bytes) {
  size_t hecho = 0;
  while (hecho < bytes.size()) {
    // At most 1 MiB per call: one write() of a few hundred MB was several
    // times slower here than the same bytes in 1 MiB calls (corte_bench).
    const ssize_t n =
        ::write(fd, bytes.data() + hecho, std::min<size_t>(bytes.size() - hecho, 1 << 20));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::IoError(p.string() + ": cannot write: " + ErrnoTexto());
    hecho += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Result<int> Crear(const fs::path& p) {
  const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError(p.string() + ": cannot create: " + ErrnoTexto());
  return fd;
}

// Writes `bytes` to `p` with one write loop; durability comes from the
// folder-wide syncfs before the rename that publishes it.
Status EscribirArchivo(const fs::path& p, std::string_view bytes) {
  PREP_ASSIGN_OR_RETURN(const int fd, Crear(p));
  Status escrito = EscribirTodo(fd, p, bytes);
  if (::close(fd) != 0 && escrito.ok()) {
    escrito = Status::IoError(p.string() + ": cannot close: " + ErrnoTexto());
  }
  return escrito;
}

// Flushes every file of the filesystem holding `p` (one call for the tens of
// thousands of files of a corte, instead of one fsync each).
Status SincronizarSistema(const fs::path& p) {
  const int fd = ::open(p.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::IoError(p.string() + ": cannot open: " + ErrnoTexto());
  const int r = ::syncfs(fd);
  ::close(fd);
  if (r != 0) return Status::IoError(p.string() + ": syncfs: " + ErrnoTexto());
  return Status::Ok();
}

// Level 1: the .gz siblings of a national corte are about 1.5 GB of input,
// and level 6 took about 2.4 times as long for files only ~10 % smaller
// (BENCHMARKS.md, "Publicar un corte"). libdeflate rather than zlib: the same
// format, in a fraction of the time for whole buffers like these.
constexpr int kNivelGzip = 1;

// Deterministic gzip (libdeflate writes mtime 0 and no name), so a corte
// rebuilt from the same log has the same bytes.
std::string Gzip(std::string_view in) {
  using Compresor = std::unique_ptr<libdeflate_compressor, void (*)(libdeflate_compressor*)>;
  thread_local Compresor c(libdeflate_alloc_compressor(kNivelGzip), libdeflate_free_compressor);
  std::string out(libdeflate_gzip_compress_bound(c.get(), in.size()), '\0');
  out.resize(libdeflate_gzip_compress(c.get(), in.data(), in.size(), out.data(), out.size()));
  return out;
}

// A .gz sibling is written for what a browser loads on its way to a sección:
// the pages above the secciones, the stylesheet and script, and entidad.json.
// Not for the sección pages (a national corte has ~7,000 of ~70 KB) nor the
// other data files (distrito JSON, the change list, the acta records: bulk
// downloads for programs): their siblings were most of the gzip time of a
// corte, and a server may compress them on the fly (nginx's `gzip on`).
bool ConGzip(std::string_view ruta, size_t bytes) {
  if (bytes < 256 || bytes > kMaxBytesGzip) return false;
  if (ruta.starts_with("secciones/")) return false;
  if (ruta.starts_with("datos/")) return ruta == "datos/entidad.json";
  for (std::string_view ext : {".html", ".css", ".js"}) {
    if (ruta.ends_with(ext)) return true;
  }
  return false;
}

// The files of a corte being written, with what the manifest says of each.
class Carpeta {
 public:
  struct Archivo {
    std::string ruta;
    size_t bytes;
    std::string sha256;
  };

  // A file written as it is built, a block at a time: each block hashed and
  // written while still in cache, so a large file (the acta records, ~280 MB
  // nationally) never sits whole in memory.
  class EnCurso {
   public:
    EnCurso(EnCurso&& o) noexcept
        : carpeta_(o.carpeta_),
          ruta_(std::move(o.ruta_)),
          fd_(std::exchange(o.fd_, -1)),
          sha_(std::move(o.sha_)),
          bytes_(o.bytes_) {}
    EnCurso& operator=(EnCurso&&) = delete;
    ~EnCurso() {
      if (fd_ >= 0) ::close(fd_);
    }
    Status Anadir(std::string_view bloque) {
      sha_.Anadir(bloque);
      PREP_RETURN_IF_ERROR(EscribirTodo(fd_, carpeta_->raiz_ / ruta_, bloque));
      bytes_ += bloque.size();
      return Status::Ok();
    }
    Status Cerrar() {
      const int fd = std::exchange(fd_, -1);
      if (::close(fd) != 0) {
        return Status::IoError(carpeta_->raiz_.string() + "/" + ruta_ +
                               ": cannot close: " + ErrnoTexto());
      }
      carpeta_->archivos_.push_back({std::move(ruta_), bytes_, sha_.Hex()});
      carpeta_->bytes_ += bytes_;
      return Status::Ok();
    }

   private:
    friend class Carpeta;
    EnCurso(Carpeta* c, std::string ruta, int fd) : carpeta_(c), ruta_(std::move(ruta)), fd_(fd) {}
    Carpeta* carpeta_;
    std::string ruta_;
    int fd_;
    Sha256EnCurso sha_;
    size_t bytes_ = 0;
  };

  Carpeta(fs::path raiz, bool gzip) : raiz_(std::move(raiz)), gzip_(gzip) {}

  Status Escribir(const std::string& ruta, std::string_view bytes) {
    const fs::path p = raiz_ / ruta;
    PREP_RETURN_IF_ERROR(CrearPadre(p));
    PREP_RETURN_IF_ERROR(EscribirArchivo(p, bytes));
    archivos_.push_back({ruta, bytes.size(), store::Sha256Hex(bytes)});
    bytes_ += bytes.size();
    if (gzip_ && ConGzip(ruta, bytes.size())) {
      const std::string gz = Gzip(bytes);
      PREP_RETURN_IF_ERROR(EscribirArchivo(raiz_.string() + "/" + ruta + ".gz", gz));
      archivos_.push_back({ruta + ".gz", gz.size(), store::Sha256Hex(gz)});
      bytes_ += gz.size();
    }
    return Status::Ok();
  }

  // A file to write in pieces (no .gz sibling): EnCurso::Cerrar registers it.
  Result<EnCurso> Abrir(std::string ruta) {
    const fs::path p = raiz_ / ruta;
    PREP_RETURN_IF_ERROR(CrearPadre(p));
    PREP_ASSIGN_OR_RETURN(const int fd, Crear(p));
    return EnCurso(this, std::move(ruta), fd);
  }

  // A file written by someone else (the zip), hashed from disk a block at a time.
  Status Registrar(const std::string& ruta) {
    const fs::path p = raiz_ / ruta;
    const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Status::IoError(p.string() + ": cannot read: " + ErrnoTexto());
    Sha256EnCurso sha;
    std::string bloque(1 << 20, '\0');
    size_t total = 0;
    for (;;) {
      const ssize_t n = ::read(fd, bloque.data(), bloque.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const std::string e = ErrnoTexto();
        ::close(fd);
        return Status::IoError(p.string() + ": cannot read: " + e);
      }
      if (n == 0) break;
      sha.Anadir(std::string_view(bloque).substr(0, static_cast<size_t>(n)));
      total += static_cast<size_t>(n);
    }
    ::close(fd);
    archivos_.push_back({ruta, total, sha.Hex()});
    bytes_ += total;
    return Status::Ok();
  }

  std::vector<Archivo>& archivos() { return archivos_; }
  uint64_t bytes() const { return bytes_; }
  const fs::path& raiz() const { return raiz_; }

 private:
  Status CrearPadre(const fs::path& p) {
    const fs::path padre = p.parent_path();
    if (carpetas_.insert(padre.string()).second) {
      std::error_code ec;
      fs::create_directories(padre, ec);
      if (ec) return Status::IoError(padre.string() + ": cannot create: " + ec.message());
    }
    return Status::Ok();
  }

  fs::path raiz_;
  bool gzip_;
  std::set<std::string> carpetas_;
  std::vector<Archivo> archivos_;
  uint64_t bytes_ = 0;
};

std::string Fecha(int64_t ms, int offset) {
  return FormatearFecha(ms, offset, FormatoFecha::kIso8601);
}

// The votes of an acta as captured: a count, "ILEGIBLE", "SIN DATO", or null
// where the column does not run.
void Votos(JsonTexto& j, const ActaPublicada& a) {
  j.AbrirLista();
  for (size_t i = 0; i < a.votos.size(); ++i) {
    if (i < a.aplica.size() && a.aplica[i] == 0) {
      j.Nulo();
    } else if (a.votos[i].kind == domain::CaptureKind::kCount) {
      j.Entero(a.votos[i].count);
    } else {
      j.Texto(a.votos[i].kind == domain::CaptureKind::kIlegible ? "ILEGIBLE" : "SIN DATO");
    }
  }
  j.CerrarLista();
}

// Numbers of a level: the 13 summary fields by name (percentages as exact
// decimal strings, as the CSV prints them) and the votes per column.
void Nivel(JsonTexto& j, const Corte& corte, const domain::LevelTally& t) {
  const domain::SummaryBlock s = domain::Summarize(t.counts, corte.Ajustes());
  j.Clave("resumen");
  j.AbrirObjeto();
  for (int i = 0; i < domain::kSummaryFieldCount; ++i) {
    const auto f = static_cast<domain::SummaryField>(i);
    j.Clave(domain::SummaryFieldName(f));
    if (domain::IsPercentField(f)) {
      j.Texto(s.Format(f));
    } else {
      j.Entero(s.Get(f));
    }
  }
  j.CerrarObjeto();
  j.Clave("votos");
  j.AbrirObjeto();
  const auto& cols = corte.catalogo().columns;
  for (size_t i = 0; i < cols.size(); ++i) {
    j.Clave(cols[i].name);
    j.Entero(i < t.votos.size() ? t.votos[i] : 0);
  }
  j.CerrarObjeto();
}

void Cabecera(JsonTexto& j, const Corte& corte, std::string_view nivel) {
  const CorteInfo& c = corte.info;
  j.AbrirObjeto();
  j.Clave("esquema");
  j.Texto(kEsquemaCorte);
  j.Clave("simulacro");
  j.Booleano(c.simulacro);
  j.Clave("corte");
  j.AbrirObjeto();
  j.Clave("id");
  j.Texto(c.id);
  j.Clave("instante");
  j.Texto(Fecha(c.instante_utc_ms, c.offset_minutos));
  j.Clave("final");
  j.Booleano(c.final);
  j.Clave("siguiente");
  if (c.siguiente_utc_ms) {
    j.Texto(Fecha(*c.siguiente_utc_ms, c.offset_minutos));
  } else {
    j.Nulo();
  }
  j.CerrarObjeto();
  j.Clave("nivel");
  j.Texto(nivel);
}

void Conteos(JsonTexto& j, const domain::SummaryCounts& c) {
  j.Clave("actas_esperadas");
  j.Entero(c.esperadas);
  j.Clave("actas_capturadas");
  j.Entero(c.capturadas);
  j.Clave("actas_contabilizadas");
  j.Entero(c.contabilizadas);
}

const domain::LevelTally kVacio{};

template <typename Mapa, typename K>
const domain::LevelTally& TallyDe(const Mapa& m, const K& k) {
  auto it = m.find(k);
  return it == m.end() ? kVacio : it->second;
}

// Where the acta was filled in: its casilla, its type, the casilla's lista
// nominal (fields of the acta record).
void Casilla(JsonTexto& j, const domain::Casilla& c, const domain::Acta& acta) {
  j.Clave("clave_casilla");
  j.Texto(c.id.Clave());
  j.Clave("tipo_acta");
  j.Texto(acta.id.tipo_acta);
  j.Clave("lista_nominal");
  j.Entero(c.lista_nominal);
}

// "estado" and, once captured, what the acta says: observaciones (with the
// motivo of a sin acta), the computed total and the votes (fields of the acta
// record).
void Resultado(JsonTexto& j, const ActaPublicada& a) {
  j.Clave("estado");
  j.Texto(EstadoActa(a));
  if (!a.capturada) return;
  j.Clave("observaciones");
  j.Texto(a.clasificacion.observaciones.ToString());
  if (a.clasificacion.observaciones.Has(domain::Observacion::kSinActa)) {
    j.Clave("motivo_sin_acta");
    j.Entero(static_cast<int>(a.clasificacion.sin_acta_motivo));
  }
  j.Clave("total_votos_calculado");
  j.Entero(a.clasificacion.total_votos_calculado);
  j.Clave("votos");
  Votos(j, a);
}

}  // namespace

std::string_view EstadoActa(const ActaPublicada& a) {
  if (!a.acta_index) return "fuera_de_catalogo";
  if (!a.capturada) return "sin_capturar";
  return a.clasificacion.contabilizada ? "contabilizada" : "no_contabilizada";
}

std::string_view EstadoLeido(std::string_view estado) {
  for (std::string_view e :
       {"contabilizada", "no_contabilizada", "sin_capturar", "fuera_de_catalogo"}) {
    if (estado == e) return e;
  }
  return "";
}

void AnadirRegistroActa(JsonTexto& j, const Corte& corte, const ActaPublicada& a) {
  const domain::Catalogo& cat = corte.catalogo();
  const int off = corte.info.offset_minutos;
  j.AbrirObjeto();
  j.Clave("clave_acta");
  j.Texto(a.clave_acta);
  if (a.acta_index) {
    const domain::Acta& acta = cat.actas[*a.acta_index];
    const domain::Casilla& c = cat.casillas[acta.casilla_index];
    j.Clave("distrito");
    j.Entero(c.distrito);
    j.Clave("seccion");
    j.Entero(c.id.seccion);
    Casilla(j, c, acta);
  }
  Resultado(j, a);
  if (!a.sha256.empty()) {
    j.Clave("imagen");
    j.AbrirObjeto();
    j.Clave("sha256");
    j.Texto(a.sha256);
    // The file is /imagenes/<sha256>.<extension>; its path was written out
    // here up to prep-corte/2, repeating the hash (36 MB of a national corte).
    if (!a.extension_imagen.empty()) {
      j.Clave("extension");
      j.Texto(a.extension_imagen);
    }
    j.Clave("origen");
    j.Texto(a.origen);
    j.Clave("digitalizacion");
    j.Texto(a.digitalizacion);
    j.CerrarObjeto();
  }
  if (!a.mecanismos_traslado.empty()) {
    j.Clave("mecanismos_traslado");
    j.Texto(a.mecanismos_traslado);
  }
  if (a.hora_acopio_ms != 0) {
    j.Clave("hora_acopio");
    j.Fecha(a.hora_acopio_ms, off, FormatoFecha::kIso8601);
  }
  if (a.hora_captura_ms != 0) {
    j.Clave("hora_captura");
    j.Fecha(a.hora_captura_ms, off, FormatoFecha::kIso8601);
  }
  if (a.hora_verificacion_ms != 0) {
    j.Clave("hora_verificacion");
    j.Fecha(a.hora_verificacion_ms, off, FormatoFecha::kIso8601);
  }
  if (a.cotejada) {
    j.Clave("cotejada");
    j.Entero(*a.cotejada);
  }
  j.CerrarObjeto();
}

std::string RegistroActa(const Corte& corte, const ActaPublicada& a) {
  JsonTexto j;
  AnadirRegistroActa(j, corte, a);
  return j.Tomar();
}

namespace {
// One corte's object in index.json: what its manifest says of it, and the
// manifest's SHA-256 (written by Publicar, and rebuilt from the manifest of a
// corte a crash left unlisted).
std::string EntradaIndice(const std::string& id, const std::string& instante,
                          int64_t instante_utc_ms, bool final, const std::string& base_de_datos,
                          const std::string& sha256_manifest) {
  return nlohmann::ordered_json{
      {"id", id},       {"instante", instante},           {"instante_utc_ms", instante_utc_ms},
      {"final", final}, {"base_de_datos", base_de_datos}, {"sha256_manifest", sha256_manifest}}
      .dump();
}
}  // namespace

Result<std::unique_ptr<Publicador>> Publicador::Abrir(OpcionesPublicador o) {
  if (!o.reloj) return Status::InvalidArgument("Publicador: no clock");
  if (o.claves.publica.size() != 64) {
    return Status::InvalidArgument("Publicador: no signing key (expected 64 hex digits)");
  }
  auto p = std::make_unique<Publicador>(std::move(o));
  PREP_RETURN_IF_ERROR(p->Cargar());
  return p;
}

Status Publicador::Cargar() {
  const fs::path raiz(o_.raiz);
  std::error_code ec;
  fs::create_directories(raiz / "cortes", ec);
  if (ec) return Status::IoError(o_.raiz + "/cortes: cannot create: " + ec.message());
  fs::create_directories(raiz / "imagenes", ec);
  if (ec) return Status::IoError(o_.raiz + "/imagenes: cannot create: " + ec.message());
  for (const auto& e : fs::directory_iterator(raiz / "cortes", ec)) {
    const std::string n = e.path().filename().string();
    if (n.starts_with(".") && n.ends_with(".tmp")) fs::remove_all(e.path(), ec);
  }
  const fs::path indice = raiz / "cortes" / "index.json";
  if (fs::exists(indice)) {
    PREP_ASSIGN_OR_RETURN(std::string texto, LeerArchivo(indice));
    auto j = nlohmann::json::parse(texto, nullptr, false);
    if (j.is_discarded() || !j.contains("cortes") || !j["cortes"].is_array()) {
      return Status::IoError(indice.string() + ": not a list of cortes");
    }
    if (j.value("simulacro", false) != o_.simulacro) {
      return Status::FailedPrecondition(o_.raiz + ": holds " +
                                        (o_.simulacro ? "live" : "simulacro") + " cortes; a " +
                                        (o_.simulacro ? "simulacro" : "live") +
                                        " corte cannot join their chain (use another folder)");
    }
    for (const auto& c : j["cortes"]) {
      indice_.push_back(c.dump());
      ultimo_id_ = c.value("id", "");
      ultimo_instante_ = c.value("instante_utc_ms", int64_t{0});
      cerrado_ = c.value("final", false);
    }
  }
  if (!ultimo_id_.empty()) {
    PREP_ASSIGN_OR_RETURN(std::string manifest,
                          LeerArchivo(raiz / "cortes" / ultimo_id_ / "manifest.json"));
    ultimo_sha256_manifest_ = store::Sha256Hex(manifest);
  }
  PREP_RETURN_IF_ERROR(ListarInterrumpidos());
  if (!ultimo_id_.empty()) {
    // A crash after index.json and before the switch left `actual` one behind.
    std::error_code ec_actual;
    if (fs::read_symlink(raiz / "actual", ec_actual) != fs::path("cortes") / ultimo_id_) {
      PREP_RETURN_IF_ERROR(ApuntarActual(ultimo_id_));
    }
    const fs::path carpeta = raiz / "cortes" / ultimo_id_;
    std::ifstream in(carpeta / "datos" / "actas.jsonl", std::ios::binary);
    std::string linea;
    while (std::getline(in, linea)) {
      auto r = nlohmann::json::parse(linea, nullptr, false);
      if (r.is_discarded()) continue;
      anteriores_.push_back(
          {r.value("clave_acta", ""), EstadoLeido(r.value("estado", "")), HojaMerkle(linea)});
    }
  }
  return Status::Ok();
}

Status Publicador::Anunciar(const std::string& id, const std::string& entrada) {
  const fs::path raiz(o_.raiz);
  std::error_code ec;
  std::vector<std::string> indice = indice_;
  indice.push_back(entrada);
  {
    std::string texto = "{\"esquema\":\"prep-cortes/1\",\"simulacro\":";
    texto += o_.simulacro ? "true" : "false";
    texto += ",\"clave_publica\":\"" + o_.claves.publica + "\",\"cortes\":[\n";
    for (size_t i = 0; i < indice.size(); ++i) {
      texto += indice[i];
      texto += i + 1 < indice.size() ? ",\n" : "\n";
    }
    texto += "]}\n";
    const fs::path t = raiz / "cortes" / ".index.json.tmp";
    PREP_RETURN_IF_ERROR(EscribirArchivo(t, texto));
    fs::rename(t, raiz / "cortes" / "index.json", ec);
    if (ec) return Status::IoError(o_.raiz + "/cortes/index.json: " + ec.message());
    if (o_.durable) PREP_RETURN_IF_ERROR(store::SincronizarCarpeta((raiz / "cortes").string()));
  }
  {
    const fs::path t = raiz / ".clave-publica.txt.tmp";
    PREP_RETURN_IF_ERROR(EscribirArchivo(t, o_.claves.publica + "\n"));
    fs::rename(t, raiz / "clave-publica.txt", ec);
    if (ec) return Status::IoError(o_.raiz + "/clave-publica.txt: " + ec.message());
  }
  PREP_RETURN_IF_ERROR(ApuntarActual(id));
  indice_ = std::move(indice);
  return Status::Ok();
}

Status Publicador::ApuntarActual(const std::string& id) {
  const fs::path raiz(o_.raiz);
  std::error_code ec;
  const fs::path t = raiz / ".actual.tmp";
  fs::remove(t, ec);
  fs::create_directory_symlink(fs::path("cortes") / id, t, ec);
  if (ec) return Status::IoError(t.string() + ": cannot link: " + ec.message());
  fs::rename(t, raiz / "actual", ec);
  if (ec) return Status::IoError(o_.raiz + "/actual: cannot switch: " + ec.message());
  if (o_.durable) PREP_RETURN_IF_ERROR(store::SincronizarCarpeta(raiz.string()));
  return Status::Ok();
}

// Publicar renames a whole, synced folder into cortes/ and only then lists it
// in index.json: a crash between the two leaves a corte that nobody was told
// of. It is finished here as that Publicar would have, if it is ours (signed
// with our key) and chains to the last listed corte; anything else in cortes/
// that the index does not list is refused, not deleted: it is someone's file.
Status Publicador::ListarInterrumpidos() {
  const fs::path cortes = fs::path(o_.raiz) / "cortes";
  std::set<std::string> listados;
  for (const std::string& c : indice_) {
    auto j = nlohmann::json::parse(c, nullptr, false);
    if (j.is_object()) listados.insert(j.value("id", ""));
  }
  std::vector<std::string> sueltos;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(cortes, ec)) {
    const std::string n = e.path().filename().string();
    if (n.starts_with(".") || n == "index.json" || listados.contains(n)) continue;
    sueltos.push_back(n);
  }
  if (ec) return Status::IoError(cortes.string() + ": cannot list: " + ec.message());
  std::sort(sueltos.begin(), sueltos.end());
  for (const std::string& id : sueltos) {
    const fs::path carpeta = cortes / id;
    auto ajeno = [&](const std::string& por_que) {
      return Status::FailedPrecondition(
          carpeta.string() + ": not listed in cortes/index.json and " + por_que +
          ", so it is not a corte this publisher left unlisted; move it out of " + cortes.string());
    };
    auto manifest = LeerArchivo(carpeta / "manifest.json");
    if (!manifest.ok()) return ajeno("it has no manifest.json");
    auto firma = LeerArchivo(carpeta / "manifest.json.sig");
    if (!firma.ok()) return ajeno("it has no manifest.json.sig");
    if (!FirmaValida(*manifest, std::string(SinFinDeLinea(*firma)), o_.claves.publica)) {
      return ajeno("its manifest is not signed with this PREP's key");
    }
    auto m = nlohmann::json::parse(*manifest, nullptr, false);
    if (!m.is_object() || !m.contains("corte") || !m["corte"].is_object() ||
        !m.contains("anterior") || !m["anterior"].is_object()) {
      return ajeno("its manifest.json has no corte or anterior object");
    }
    const auto& c = m["corte"];
    const auto& ant = m["anterior"];
    const std::string ant_id = ant.value("id", nlohmann::json()).is_string()
                                   ? ant["id"].get<std::string>()
                                   : std::string();
    const std::string ant_sha = ultimo_sha256_manifest_.empty() ? std::string(store::kGenesisHash)
                                                                : ultimo_sha256_manifest_;
    if (c.value("id", "") != id || m.value("simulacro", !o_.simulacro) != o_.simulacro) {
      return ajeno("its manifest names another corte id or mode");
    }
    if (ant_id != ultimo_id_ || ant.value("sha256_manifest", "") != ant_sha) {
      return ajeno("it does not chain to the last listed corte (" +
                   (ultimo_id_.empty() ? std::string("none") : ultimo_id_) + ")");
    }
    if (cerrado_) return ajeno("the final corte " + ultimo_id_ + " is already listed");
    const auto& bd = c.value("base_de_datos", nlohmann::json());
    const std::string sha256_manifest = store::Sha256Hex(*manifest);
    const int64_t instante_utc_ms = c.value("instante_utc_ms", int64_t{0});
    const bool final = c.value("final", false);
    PREP_RETURN_IF_ERROR(Anunciar(
        id,
        EntradaIndice(id, c.value("instante", ""), instante_utc_ms, final,
                      bd.is_string() ? bd.get<std::string>() : std::string(), sha256_manifest)));
    ultimo_id_ = id;
    ultimo_instante_ = instante_utc_ms;
    ultimo_sha256_manifest_ = sha256_manifest;
    cerrado_ = final;
  }
  return Status::Ok();
}

const Publicador::Anterior* Publicador::BuscarAnterior(size_t i, const std::string& clave_acta) {
  if (i < anteriores_.size() && anteriores_[i].clave_acta == clave_acta) return &anteriores_[i];
  if (!indice_hecho_) {
    // Later positions win, as a map filled in order would have it.
    for (size_t k = 0; k < anteriores_.size(); ++k) {
      indice_anteriores_[anteriores_[k].clave_acta] = k;
    }
    indice_hecho_ = true;
  }
  auto it = indice_anteriores_.find(clave_acta);
  return it == indice_anteriores_.end() ? nullptr : &anteriores_[it->second];
}

Result<CortePublicado> Publicador::Publicar(const Corte& corte) {
  const CorteInfo& info = corte.info;
  if (cerrado_) {
    return Status::FailedPrecondition("the final corte " + ultimo_id_ +
                                      " is published; the PREP is closed");
  }
  if (info.simulacro != o_.simulacro) {
    return Status::InvalidArgument("corte " + info.id +
                                   ": simulacro flag differs from the publisher's");
  }
  const fs::path raiz(o_.raiz);
  const fs::path destino = raiz / "cortes" / info.id;
  if (fs::exists(destino)) {
    return Status::FailedPrecondition("corte " + info.id +
                                      " is already published (one per minute)");
  }
  if (!ultimo_id_.empty() && info.id < ultimo_id_) {
    return Status::InvalidArgument("corte " + info.id + " is earlier than the last one, " +
                                   ultimo_id_);
  }
  const fs::path tmp = raiz / "cortes" / ("." + info.id + ".tmp");
  std::error_code ec;
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec) return Status::IoError(tmp.string() + ": cannot create: " + ec.message());
  Carpeta carpeta(tmp, o_.gzip);
  const int off = info.offset_minutos;
  std::vector<std::pair<std::string, double>> etapas;
  auto inicio_etapa = std::chrono::steady_clock::now();
  auto etapa = [&](std::string nombre) {
    const auto ahora = std::chrono::steady_clock::now();
    etapas.emplace_back(std::move(nombre),
                        std::chrono::duration<double>(ahora - inicio_etapa).count());
    inicio_etapa = ahora;
  };

  // The database zip first: the site shows its hash.
  std::string sha256_zip;
  const NombresBase nombres = NombresDe(corte);
  if (info.base_de_datos) {
    // The results CSV is deflated a block at a time as it is written.
    std::vector<Desinflado> entradas;
    entradas.emplace_back(nombres.resultados);
    ResultadosCsv(corte, o_.dialecto, [&](std::string_view b) { entradas.back().Anadir(b); });
    entradas.push_back(Desinflar(nombres.candidaturas, CandidaturasCsv(corte, o_.dialecto)));
    entradas.push_back(Desinflar(nombres.leeme, Leeme(corte, o_.dialecto)));
    etapa("csv");
    PREP_RETURN_IF_ERROR(
        EscribirZip((tmp / nombres.zip).string(), entradas, info.instante_utc_ms, off));
    PREP_RETURN_IF_ERROR(carpeta.Registrar(nombres.zip));
    sha256_zip = carpeta.archivos().back().sha256;
    PREP_RETURN_IF_ERROR(
        carpeta.Escribir(nombres.zip + ".sha256", sha256_zip + "  " + nombres.zip + "\n"));
  }
  etapa("zip");

  // The acta records, the Merkle leaves: each hashed as a leaf right after it
  // is written into the file's buffer, the file hashed and written a block at
  // a time.
  const domain::Catalogo& cat = corte.catalogo();
  std::vector<HuellaMerkle> hojas;
  hojas.reserve(corte.actas.size());
  {
    PREP_ASSIGN_OR_RETURN(Carpeta::EnCurso jsonl, carpeta.Abrir("datos/actas.jsonl"));
    JsonTexto j;
    for (const ActaPublicada& a : corte.actas) {
      const size_t inicio = j.Tamano();
      AnadirRegistroActa(j, corte, a);
      hojas.push_back(HojaMerkle(j.Vista().substr(inicio)));
      j.FinDeLinea();
      if (j.Tamano() >= 1 << 20) {
        PREP_RETURN_IF_ERROR(jsonl.Anadir(j.Vista()));
        j.Vaciar();
      }
    }
    PREP_RETURN_IF_ERROR(jsonl.Anadir(j.Vista()));
    PREP_RETURN_IF_ERROR(jsonl.Cerrar());
  }
  etapa("registros");
  const std::string raiz_merkle = RaizMerkleDeHojas(hojas);
  etapa("merkle");
  // Change list against the previous corte: each acta's kind of change
  // first, then the three lists written from it into one buffer (the first
  // corte lists every captured acta as new: ~25 MB nationally, written once).
  enum class Cambio : uint8_t { kNinguno, kNueva, kEstado, kCorregida };
  std::vector<Anterior> ahora;
  ahora.reserve(corte.actas.size());
  std::vector<Cambio> cambio(corte.actas.size(), Cambio::kNinguno);
  size_t listadas = 0;
  for (size_t i = 0; i < corte.actas.size(); ++i) {
    const ActaPublicada& a = corte.actas[i];
    const std::string_view estado = EstadoActa(a);
    ahora.push_back({a.clave_acta, estado, hojas[i]});
    const Anterior* antes = BuscarAnterior(i, a.clave_acta);
    const bool estaba = antes != nullptr && antes->estado != "sin_capturar";
    if (!estaba) {
      if (estado != "sin_capturar") cambio[i] = Cambio::kNueva;
    } else if (antes->estado != estado) {
      cambio[i] = Cambio::kEstado;
    } else if (antes->hoja != ahora.back().hoja) {
      cambio[i] = Cambio::kCorregida;
    }
    if (cambio[i] != Cambio::kNinguno) ++listadas;
  }
  {
    JsonTexto j;
    j.Reservar(4096 + listadas * 64);
    Cabecera(j, corte, "cambios");
    j.Clave("corte_anterior");
    if (ultimo_id_.empty()) {
      j.Nulo();
    } else {
      j.Texto(ultimo_id_);
    }
    // One list per kind of change: each listed acta's clave, then what that kind says of it.
    const auto lista = [&](std::string_view nombre, Cambio tipo, const auto& campos) {
      j.Clave(nombre);
      j.AbrirLista();
      for (size_t i = 0; i < corte.actas.size(); ++i) {
        if (cambio[i] != tipo) continue;
        j.AbrirObjeto();
        j.Clave("clave_acta");
        j.Texto(corte.actas[i].clave_acta);
        campos(corte.actas[i], i);
        j.CerrarObjeto();
      }
      j.CerrarLista();
    };
    lista("nuevas", Cambio::kNueva, [&](const ActaPublicada&, size_t i) {
      j.Clave("estado");
      j.Texto(ahora[i].estado);
    });
    lista("cambio_de_estado", Cambio::kEstado, [&](const ActaPublicada& a, size_t i) {
      j.Clave("antes");
      j.Texto(BuscarAnterior(i, a.clave_acta)->estado);
      j.Clave("despues");
      j.Texto(ahora[i].estado);
      if (!a.motivo_correccion.empty()) {
        j.Clave("motivo");
        j.Texto(a.motivo_correccion);
      }
    });
    lista("corregidas", Cambio::kCorregida, [&](const ActaPublicada& a, size_t) {
      j.Clave("motivo");
      j.Texto(a.motivo_correccion);
    });
    j.CerrarObjeto();
    PREP_RETURN_IF_ERROR(carpeta.Escribir("datos/cambios.json", j.Tomar()));
  }
  etapa("cambios");

  // Per level: entidad, distritos, secciones.
  {
    JsonTexto j;
    Cabecera(j, corte, "entidad");
    j.Clave("entidad");
    j.Entero(cat.entidad_id);
    j.Clave("nombre");
    j.Texto(cat.entidad_nombre);
    j.Clave("eleccion");
    j.Texto(cat.eleccion);
    j.Clave("base_de_datos");
    if (info.base_de_datos) {
      j.AbrirObjeto();
      j.Clave("archivo");
      j.Texto(nombres.zip);
      j.Clave("sha256");
      j.Texto(sha256_zip);
      j.CerrarObjeto();
    } else {
      j.Nulo();
    }
    Nivel(j, corte, corte.tally.entidad);
    j.Clave("distritos");
    j.AbrirLista();
    for (const domain::Distrito& d : cat.distritos) {
      j.AbrirObjeto();
      j.Clave("distrito");
      j.Entero(d.id);
      j.Clave("cabecera");
      j.Texto(d.cabecera);
      Conteos(j, TallyDe(corte.tally.distritos, d.id).counts);
      j.CerrarObjeto();
    }
    j.CerrarLista();
    j.CerrarObjeto();
    PREP_RETURN_IF_ERROR(carpeta.Escribir("datos/entidad.json", j.Tomar()));
  }
  // Per distrito, its secciones, each with its tally and the claves of its
  // actas (in catálogo order). One file per distrito, not per sección: a national corte
  // has ~70,000 secciones, and a file each cost more than its bytes.
  // The actas of the catálogo by (distrito, sección, position): one sorted
  // vector, not a map of vectors (71,429 nodes and their vectors nationally).
  struct Lugar {
    int distrito;
    int seccion;
    size_t i;
    bool operator<(const Lugar& o) const {
      return std::tie(distrito, seccion, i) < std::tie(o.distrito, o.seccion, o.i);
    }
  };
  std::vector<Lugar> lugares;
  lugares.reserve(corte.actas.size());
  for (size_t i = 0; i < corte.actas.size(); ++i) {
    const ActaPublicada& a = corte.actas[i];
    if (!a.acta_index) continue;
    const domain::Casilla& c = cat.casillas[cat.actas[*a.acta_index].casilla_index];
    lugares.push_back({c.distrito, c.id.seccion, i});
  }
  std::sort(lugares.begin(), lugares.end());
  for (const domain::Distrito& d : cat.distritos) {
    JsonTexto j;
    Cabecera(j, corte, "distrito");
    j.Clave("distrito");
    j.Entero(d.id);
    j.Clave("cabecera");
    j.Texto(d.cabecera);
    Nivel(j, corte, TallyDe(corte.tally.distritos, d.id));
    j.Clave("secciones");
    j.AbrirLista();
    auto it = std::lower_bound(lugares.begin(), lugares.end(),
                               Lugar{d.id, std::numeric_limits<int>::min(), 0});
    while (it != lugares.end() && it->distrito == d.id) {
      const int s = it->seccion;
      j.AbrirObjeto();
      j.Clave("seccion");
      j.Entero(s);
      const domain::LevelTally& t = TallyDe(corte.tally.secciones, s);
      Conteos(j, t.counts);
      Nivel(j, corte, t);
      // The sección's actas by clave, in catálogo order: their records are
      // their lines of actas.jsonl (repeating the results here made these
      // files 227 MB of a national corte's 1.1 GB, prep-corte/2).
      j.Clave("actas");
      j.AbrirLista();
      for (; it != lugares.end() && it->distrito == d.id && it->seccion == s; ++it) {
        j.Texto(corte.actas[it->i].clave_acta);
      }
      j.CerrarLista();
      j.CerrarObjeto();
    }
    j.CerrarLista();
    j.CerrarObjeto();
    std::string ruta = "datos/distritos/";
    AnadirRelleno(ruta, d.id, 2);
    ruta += ".json";
    PREP_RETURN_IF_ERROR(carpeta.Escribir(ruta, j.Tomar()));
  }
  etapa("json");

  // The public site.
  OpcionesSitio sitio;
  sitio.sha256_zip = sha256_zip;
  sitio.organo = o_.organo;
  Status escrito;
  PREP_RETURN_IF_ERROR(GenerarSitio(corte, sitio, [&](ArchivoSitio&& f) {
    if (escrito.ok()) escrito = carpeta.Escribir(f.ruta, f.contenido);
  }));
  PREP_RETURN_IF_ERROR(escrito);
  etapa("sitio");

  // The images of the actas in this corte (content-addressed: written once).
  if (!o_.carpeta_imagenes.empty()) {
    for (const ActaPublicada& a : corte.actas) {
      if (a.sha256.empty() || a.extension_imagen.empty()) continue;
      const std::string nombre = a.sha256 + "." + a.extension_imagen;
      const fs::path dst = raiz / "imagenes" / nombre;
      if (fs::exists(dst)) continue;
      const fs::path src = fs::path(o_.carpeta_imagenes) / a.sha256.substr(0, 2) / nombre;
      const fs::path tmp_img = raiz / "imagenes" / ("." + nombre + ".tmp");
      fs::remove(tmp_img, ec);
      fs::create_hard_link(src, tmp_img, ec);
      if (ec) fs::copy_file(src, tmp_img, ec);  // another filesystem
      if (ec) return Status::IoError(src.string() + ": cannot publish image: " + ec.message());
      fs::rename(tmp_img, dst, ec);
      if (ec) return Status::IoError(dst.string() + ": " + ec.message());
    }
  }

  // The manifest, signed.
  const int64_t firmado = o_.reloj();
  auto& archivos = carpeta.archivos();
  std::sort(archivos.begin(), archivos.end(),
            [](const auto& a, const auto& b) { return a.ruta < b.ruta; });
  JsonTexto m;
  m.AbrirObjeto();
  m.Clave("esquema");
  m.Texto("prep-manifiesto/1");
  m.Clave("simulacro");
  m.Booleano(info.simulacro);
  m.Clave("corte");
  m.AbrirObjeto();
  m.Clave("id");
  m.Texto(info.id);
  m.Clave("instante");
  m.Texto(Fecha(info.instante_utc_ms, off));
  m.Clave("instante_utc_ms");
  m.Entero(info.instante_utc_ms);
  m.Clave("final");
  m.Booleano(info.final);
  m.Clave("base_de_datos");
  if (info.base_de_datos) {
    m.Texto(nombres.zip);
  } else {
    m.Nulo();
  }
  m.CerrarObjeto();
  m.Clave("anterior");
  m.AbrirObjeto();
  m.Clave("id");
  if (ultimo_id_.empty()) {
    m.Nulo();
  } else {
    m.Texto(ultimo_id_);
  }
  m.Clave("sha256_manifest");
  m.Texto(ultimo_sha256_manifest_.empty() ? std::string(store::kGenesisHash)
                                          : ultimo_sha256_manifest_);
  m.CerrarObjeto();
  m.Clave("merkle");
  m.AbrirObjeto();
  m.Clave("algoritmo");
  m.Texto("RFC 6962 SHA-256");
  m.Clave("archivo");
  m.Texto("datos/actas.jsonl");
  m.Clave("hojas");
  m.Entero(static_cast<int64_t>(hojas.size()));
  m.Clave("raiz");
  m.Texto(raiz_merkle);
  m.CerrarObjeto();
  m.Clave("clave_publica");
  m.Texto(o_.claves.publica);
  // What a rebuild from the event log needs (prep audit recompute): the
  // database dialect, the institute named in the site, and the last event read.
  m.Clave("reconstruccion");
  m.AbrirObjeto();
  m.Clave("dialecto");
  m.Texto(std::string(NombreDialecto(o_.dialecto)));
  m.Clave("organo");
  m.Texto(o_.organo);
  m.Clave("eventos_hasta_seq");
  m.Entero(info.eventos_hasta_seq);
  m.CerrarObjeto();
  m.Clave("firma");
  m.Texto("Ed25519 de los bytes de manifest.json, en hexadecimal: manifest.json.sig");
  m.Clave("firmado");
  m.Texto(Fecha(firmado, off));
  m.Clave("archivos");
  m.AbrirLista();
  for (const auto& a : archivos) {
    m.AbrirObjeto();
    m.Clave("ruta");
    m.Texto(a.ruta);
    m.Clave("bytes");
    m.Entero(static_cast<int64_t>(a.bytes));
    m.Clave("sha256");
    m.Texto(a.sha256);
    m.CerrarObjeto();
  }
  m.CerrarLista();
  m.CerrarObjeto();
  std::string manifest = m.Tomar();
  manifest += '\n';
  PREP_ASSIGN_OR_RETURN(std::string firma, Firmar(manifest, o_.claves.secreta));
  PREP_RETURN_IF_ERROR(EscribirArchivo(tmp / "manifest.json", manifest));
  PREP_RETURN_IF_ERROR(EscribirArchivo(tmp / "manifest.json.sig", firma + "\n"));
  etapa("manifiesto");

  // Durable, then visible, then current.
  if (o_.durable) PREP_RETURN_IF_ERROR(SincronizarSistema(tmp));
  etapa("syncfs");
  fs::rename(tmp, destino, ec);
  if (ec) return Status::IoError(destino.string() + ": cannot rename: " + ec.message());
  if (o_.durable) PREP_RETURN_IF_ERROR(store::SincronizarCarpeta((raiz / "cortes").string()));

  const std::string sha256_manifest = store::Sha256Hex(manifest);
  PREP_RETURN_IF_ERROR(Anunciar(
      info.id, EntradaIndice(info.id, Fecha(info.instante_utc_ms, off), info.instante_utc_ms,
                             info.final, info.base_de_datos ? nombres.zip : "", sha256_manifest)));

  ultimo_id_ = info.id;
  ultimo_instante_ = info.instante_utc_ms;
  ultimo_sha256_manifest_ = sha256_manifest;
  cerrado_ = info.final;
  anteriores_ = std::move(ahora);
  indice_anteriores_.clear();
  indice_hecho_ = false;
  CortePublicado r;
  r.id = info.id;
  r.carpeta = destino.string();
  r.sha256_manifest = sha256_manifest;
  r.raiz_merkle = raiz_merkle;
  r.archivos = archivos.size() + 2;
  r.bytes = carpeta.bytes() + manifest.size() + firma.size() + 1;
  etapa("cambio");
  r.etapas = std::move(etapas);
  return r;
}

}  // namespace prep::publish
