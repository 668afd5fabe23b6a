#include "cli/operacion.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "base/tiempo.h"
#include "check/check.h"
#include "cli/publicacion.h"
#include "formats/catalogo.h"
#include "formats/election_config.h"
#include "formats/prep_database.h"
#include "formats/source.h"
#include "http/consola.h"
#include "http/static_files.h"
#include "publish/instantanea.h"
#include "sim/reloj.h"
#include "store/imagenes.h"

namespace prep::cli {

int64_t AhoraMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

namespace fs = std::filesystem;

Result<std::string> Leer(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError(path + ": cannot read");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

Status PrepararCarpeta(const std::string& data) {
  std::error_code ec;
  if (fs::exists(data, ec) && !fs::is_empty(data, ec)) {
    return Status::FailedPrecondition(
        data + ": already holds an election (or other files); choose an empty folder");
  }
  fs::create_directories(fs::path(data) / "eleccion", ec);
  if (ec) return Status::IoError(data + ": cannot create: " + ec.message());
  return Status::Ok();
}

// SHA-256 over every file of DATA/eleccion (name and content hash, by name),
// so a change to the config or to the casillas it names is caught at start.
Result<std::string> HuellaEleccion(const std::string& data) {
  std::vector<std::string> nombres;
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(data) / "eleccion", ec)) {
    if (entry.is_regular_file()) nombres.push_back(fs::relative(entry.path(), data).string());
  }
  if (ec) return Status::IoError(data + "/eleccion: cannot list: " + ec.message());
  std::sort(nombres.begin(), nombres.end());
  std::string lista;
  for (const auto& n : nombres) {
    PREP_ASSIGN_OR_RETURN(std::string bytes, Leer((fs::path(data) / n).string()));
    lista += n + "\t" + store::Sha256Hex(bytes) + "\n";
  }
  return store::Sha256Hex(lista);
}

Status Copiar(const std::string& from, const std::string& to) {
  std::error_code ec;
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  if (ec) return Status::IoError(from + ": cannot copy to " + to + ": " + ec.message());
  return Status::Ok();
}

Status EscribirSecreto(const fs::path& p, const std::string& texto, fs::perms permisos) {
  {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << texto << "\n";
    if (!out) return Status::IoError(p.string() + ": cannot write");
  }
  std::error_code ec;
  fs::permissions(p, permisos, ec);
  if (ec) return Status::IoError(p.string() + ": cannot set permissions: " + ec.message());
  return Status::Ok();
}

// Two key pairs, so that a drill's cortes can never pass for live ones.
Status CrearClaves(const std::string& data) {
  const fs::path dir = fs::path(data) / "claves";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IoError(dir.string() + ": cannot create: " + ec.message());
  fs::permissions(dir, fs::perms::owner_all, ec);
  for (const char* modo : {"vivo", "simulacro"}) {
    const publish::ParClaves k = publish::NuevasClaves();
    PREP_RETURN_IF_ERROR(EscribirSecreto(dir / (std::string(modo) + ".key"), k.secreta,
                                         fs::perms::owner_read | fs::perms::owner_write));
    PREP_RETURN_IF_ERROR(EscribirSecreto(dir / (std::string(modo) + ".pub"), k.publica,
                                         fs::perms::owner_read | fs::perms::owner_write |
                                             fs::perms::group_read | fs::perms::others_read));
  }
  return Status::Ok();
}

// Writes eleccion.json, the keys, the first event, and the first administrador.
Status Sellar(const std::string& data, const std::string& fuente, const std::string& archivo,
              const OpcionesInit& o) {
  const std::string& admin = o.admin;
  const std::string& admin_password = o.admin_password;
  PREP_ASSIGN_OR_RETURN(std::string huella, HuellaEleccion(data));
  PREP_RETURN_IF_ERROR(CrearClaves(data));
  nlohmann::ordered_json j{
      {"fuente", fuente}, {"archivo", archivo}, {"sha256", huella}, {"simulacro", o.simulacro}};
  {
    std::ofstream out((fs::path(data) / "eleccion.json").string());
    out << j.dump(2) << "\n";
    if (!out) return Status::IoError(data + "/eleccion.json: cannot write");
  }
  if (!o.store.empty()) {
    if (Status st = store::GuardarAlmacen(data, o.store); !st.ok()) {
      return Status(st.code(), "--store " + st.message());
    }
  }
  PREP_ASSIGN_OR_RETURN(auto servicio, AbrirServicio(data));
  auto e = servicio->store().Append(
      {"eleccion_inicializada", "", "sistema", "*", AhoraMs(), j.dump(), "eleccion_inicializada"});
  if (!e.ok()) return e.status();
  if (!admin.empty()) {
    PREP_RETURN_IF_ERROR(
        servicio->directorio().CrearPrimerAdministrador(admin, admin_password, AhoraMs()));
  }
  return Status::Ok();
}

http::ServicioOpciones OpcionesDe(const formats::EleccionConfig& c) {
  http::ServicioOpciones o;
  for (const auto& s : c.sedes) o.sedes[s.id] = {s.tipo, s.distrito};
  o.ajustes.clasificador = c.clasificador;
  o.ajustes.desempate = c.desempate == formats::DesempateCaptura::kTerceraCaptura
                            ? ops::Desempate::kTerceraCaptura
                            : ops::Desempate::kVerificador;
  return o;
}

}  // namespace

Status InitDesdeConfig(const std::string& config, const std::string& data, const OpcionesInit& o) {
  // Validate everything before creating anything.
  PREP_ASSIGN_OR_RETURN(formats::EleccionConfig c, formats::ReadElectionConfig(config));
  PREP_RETURN_IF_ERROR(PrepararCarpeta(data));
  const fs::path dest = fs::path(data) / "eleccion";
  PREP_RETURN_IF_ERROR(Copiar(config, (dest / fs::path(config).filename()).string()));
  if (!c.casillas_archivo.empty()) {
    const fs::path csv = fs::path(config).parent_path() / c.casillas_archivo;
    fs::create_directories((dest / c.casillas_archivo).parent_path());
    PREP_RETURN_IF_ERROR(Copiar(csv.string(), (dest / c.casillas_archivo).string()));
  }
  return Sellar(data, "config", "eleccion/" + fs::path(config).filename().string(), o);
}

Status InitDesdePrepCsv(const std::string& archivo, const std::string& data,
                        const OpcionesInit& o) {
  PREP_ASSIGN_OR_RETURN(auto files, formats::ReadResultsFiles(archivo));
  PREP_ASSIGN_OR_RETURN(auto db,
                        formats::PrepDatabase::Open(files[0].name, std::move(files[0].bytes)));
  PREP_RETURN_IF_ERROR(formats::CatalogoFromDatabase(*db).status());
  // The conventions the file follows (prep check finds them), so that the
  // cortes of this election count as its publisher did.
  PREP_ASSIGN_OR_RETURN(check::CheckReport report, check::CheckDatabase(*db, {}));
  PREP_RETURN_IF_ERROR(PrepararCarpeta(data));
  const std::string nombre = fs::path(archivo).filename().string();
  PREP_RETURN_IF_ERROR(Copiar(archivo, (fs::path(data) / "eleccion" / nombre).string()));
  const nlohmann::ordered_json ajustes{
      {"participacion", report.participacion == "S_CS" ? "sin_casillas_especiales" : "anexo13"},
      {"inconsistencias", report.inconsistencias == "LEEME" ? "leeme" : "leeme_y_todos"},
      {"mixto_ilegible_sin_dato_contabiliza",
       report.reclassification.mixto_convention == "contabilizada"}};
  {
    std::ofstream out(fs::path(data) / "eleccion" / "ajustes.json");
    out << ajustes.dump(2) << "\n";
    if (!out) return Status::IoError(data + "/eleccion/ajustes.json: cannot write");
  }
  return Sellar(data, "prep-csv", "eleccion/" + nombre, o);
}

Result<publish::ParClaves> LeerClaves(const std::string& data, bool simulacro) {
  const std::string base =
      (fs::path(data) / "claves" / (simulacro ? "simulacro" : "vivo")).string();
  publish::ParClaves k;
  for (auto [archivo, destino] :
       {std::pair{base + ".pub", &k.publica}, std::pair{base + ".key", &k.secreta}}) {
    PREP_ASSIGN_OR_RETURN(std::string texto, Leer(archivo));
    while (!texto.empty() && (texto.back() == '\n' || texto.back() == '\r')) texto.pop_back();
    *destino = std::move(texto);
  }
  return k;
}

Result<Eleccion> CargarEleccion(const std::string& data) {
  PREP_ASSIGN_OR_RETURN(std::string meta, Leer((fs::path(data) / "eleccion.json").string()));
  auto j = nlohmann::json::parse(meta, nullptr, false);
  if (j.is_discarded() || !j.contains("fuente") || !j.contains("archivo")) {
    return Status::IoError(data + "/eleccion.json: not an election description");
  }
  const std::string archivo = (fs::path(data) / j["archivo"].get<std::string>()).string();
  PREP_ASSIGN_OR_RETURN(std::string huella, HuellaEleccion(data));
  if (!j.contains("sha256") || huella != j["sha256"].get<std::string>()) {
    return Status::IoError(
        data +
        "/eleccion: its files differ from those recorded at prep init (SHA-256); "
        "they were changed");
  }
  Eleccion e;
  e.simulacro = j.value("simulacro", false);
  if (j["fuente"] == "config") {
    PREP_ASSIGN_OR_RETURN(formats::EleccionConfig c, formats::ReadElectionConfig(archivo));
    e.opciones = OpcionesDe(c);
    e.acuerdos = c.acuerdos;
    e.contienda = publish::ContiendaDe(c);
    for (const auto& d : e.contienda->catalogo.distritos) {
      e.opciones.ajustes.columnas_por_distrito[d.id] =
          publish::ColumnasQueAplican(*e.contienda, d.id);
    }
    e.catalogo = std::move(c.catalogo);
    return e;
  }
  auto k = std::make_shared<publish::Contienda>();
  PREP_ASSIGN_OR_RETURN(auto files, formats::ReadResultsFiles(archivo));
  // The published results file's name says what the files are called:
  // QROO_DIP_LOC_2019.csv -> entidad QROO, elección DIP_LOC, 2019.
  const std::string nombre = fs::path(files[0].name).stem().string();
  const size_t a = nombre.find('_'), z = nombre.rfind('_');
  if (a != std::string::npos && z > a) {
    k->entidad_siglas = nombre.substr(0, a);
    k->clave_eleccion = nombre.substr(a + 1, z - a - 1);
    k->anio = std::atoi(nombre.c_str() + z + 1);
  }
  PREP_ASSIGN_OR_RETURN(auto db,
                        formats::PrepDatabase::Open(files[0].name, std::move(files[0].bytes)));
  PREP_ASSIGN_OR_RETURN(e.catalogo, formats::CatalogoFromDatabase(*db));
  PREP_ASSIGN_OR_RETURN(e.opciones.ajustes.columnas_por_distrito,
                        formats::ColumnasPorDistrito(*db));
  // The conventions found at prep init (absent in folders made before).
  if (auto a = Leer((fs::path(data) / "eleccion" / "ajustes.json").string()); a.ok()) {
    const auto j = nlohmann::json::parse(*a, nullptr, false);
    if (!j.is_object()) return Status::IoError(data + "/eleccion/ajustes.json: not JSON");
    if (j.value("participacion", "") == "sin_casillas_especiales")
      k->tally.participacion = domain::Participacion::kSinCasillasEspeciales;
    k->tally.inconsistencias = j.value("inconsistencias", "") == "leeme"
                                   ? domain::LeemeInconsistencias()
                                   : domain::PublishedInconsistencias();
    e.opciones.ajustes.clasificador.mixto_ilegible_sin_dato_contabiliza =
        j.value("mixto_ilegible_sin_dato_contabiliza", false);
  }
  k->catalogo = e.catalogo;
  k->catalogo.RebuildIndex();
  e.contienda = std::move(k);
  return e;
}

Result<RelojEleccion> RelojDe(const std::string& data, bool simulacro) {
  RelojEleccion out;
  out.ahora = AhoraMs;
  auto r = sim::LeerReloj(data);
  if (!r.ok()) {
    if (r.status().code() == StatusCode::kNotFound) return out;
    return r.status();
  }
  if (!simulacro) {
    return Status::FailedPrecondition(
        sim::RutaReloj(data) +
        ": only a simulacro runs on a simulated clock; this election is live");
  }
  out.ahora = [r = *r] { return r.Ahora(AhoraMs()); };
  out.escala = r->factor;
  return out;
}

Result<std::unique_ptr<http::Servicio>> AbrirServicio(const std::string& data) {
  PREP_ASSIGN_OR_RETURN(Eleccion e, CargarEleccion(data));
  e.opciones.data_dir = data;
  e.opciones.reloj = AhoraMs;
  return http::Servicio::Abrir(std::move(e.catalogo), std::move(e.opciones));
}

namespace {
std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }
}  // namespace

int Serve(const std::string& data, const OpcionesServir& servir, const OpcionesPublicar& publicar) {
  const std::string& listen = servir.listen;
  auto fail = [](const Status& s) {
    std::cerr << "prep serve: " << s.message() << "\n";
    return 2;
  };
  auto e = CargarEleccion(data);
  if (!e.ok()) return fail(e.status());
  auto reloj_eleccion = RelojDe(data, e->simulacro);
  if (!reloj_eleccion.ok()) return fail(reloj_eleccion.status());
  const std::function<int64_t()> reloj = reloj_eleccion->ahora;
  const double escala = reloj_eleccion->escala;
  if (escala != 1) {
    std::cout << "prep serve: reloj simulado, " << escala
              << " veces más rápido; hora de la elección "
              << FormatearFecha(reloj(), 0, FormatoFecha::kIso8601) << std::endl;
  }
  e->opciones.data_dir = data;
  e->opciones.reloj = reloj;
  // A limit's burst keeps the ratio of the defaults (ten seconds' worth for a session, six
  // for an address).
  e->opciones.tasa_por_sesion = {servir.tasa_por_sesion, servir.tasa_por_sesion * 10};
  e->opciones.tasa_sin_sesion = {servir.tasa_sin_sesion, servir.tasa_sin_sesion * 6};
  // The publication side needs the store the service opens: it is wired in two steps.
  auto pendiente = std::make_shared<std::function<Result<std::string>(bool)>>();
  e->opciones.forzar_corte = [pendiente](bool final) -> Result<std::string> {
    if (!*pendiente) return Status::FailedPrecondition("the publisher is not running");
    return (*pendiente)(final);
  };
  auto estado_pub = std::make_shared<std::function<std::string()>>();
  e->opciones.estado_publicacion = [estado_pub]() -> std::string {
    return *estado_pub ? (*estado_pub)() : "null";
  };
  const Eleccion eleccion = *e;
  auto servicio = http::Servicio::Abrir(std::move(e->catalogo), std::move(e->opciones));
  if (!servicio.ok()) return fail(servicio.status());
  auto publicacion =
      IniciarPublicacion(data, eleccion, publicar, (*servicio)->store(), reloj, escala);
  if (!publicacion.ok()) return fail(publicacion.status());
  *pendiente = publicacion->forzar;
  *estado_pub = publicacion->estado;

  http::Router router = *(*servicio)->Rutas();
  const std::string pub = (fs::path(data) / "publicacion").string();
  std::error_code ec;
  fs::create_directories(pub, ec);
  http::StaticSiteOptions so;
  so.root = pub;
  auto sitio = http::StaticSite::Open(so);
  if (!sitio.ok()) return fail(sitio.status());
  http::MontarConsola(router);
  http::MountStaticSite(router, *sitio);

  http::ServerOptions o;
  const size_t colon = listen.rfind(':');
  o.address = colon == std::string::npos ? listen : listen.substr(0, colon);
  o.port = colon == std::string::npos
               ? 8080
               : static_cast<uint16_t>(std::atoi(listen.substr(colon + 1).c_str()));
  o.threads = servir.threads;
  o.tls_certificate_file = servir.tls_certificado;
  o.tls_key_file = servir.tls_clave;
  o.max_body_bytes = static_cast<size_t>(store::kMaxBytesImagen) + 4096;
  http::Server server(o, std::make_shared<const http::Router>(std::move(router)));
  if (Status s = server.Start(); !s.ok()) return fail(s);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  const std::string base = std::string(server.tls() ? "https://" : "http://") + o.address + ":" +
                           std::to_string(server.port());
  std::cout << "prep serve: API en " << base << "/api/v1/, consola en " << base
            << "/consola/, sitio público en " << base << "/" << std::endl;
  while (!g_stop) {
    publicacion->tick();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  server.Stop();
  return 0;
}

}  // namespace prep::cli
