#include "cli/operacion.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "formats/catalogo.h"
#include "formats/election_config.h"
#include "formats/prep_database.h"
#include "formats/source.h"
#include "store/imagenes.h"

namespace prep::cli {
namespace {

namespace fs = std::filesystem;

int64_t AhoraMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

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

// Writes eleccion.json, the first event, and the first administrador.
Status Sellar(const std::string& data, const std::string& fuente, const std::string& archivo,
              const std::string& admin, const std::string& admin_password) {
  PREP_ASSIGN_OR_RETURN(std::string huella, HuellaEleccion(data));
  nlohmann::ordered_json j{{"fuente", fuente}, {"archivo", archivo}, {"sha256", huella}};
  {
    std::ofstream out((fs::path(data) / "eleccion.json").string());
    out << j.dump(2) << "\n";
    if (!out) return Status::IoError(data + "/eleccion.json: cannot write");
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

Status InitDesdeConfig(const std::string& config, const std::string& data, const std::string& admin,
                       const std::string& admin_password) {
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
  return Sellar(data, "config", "eleccion/" + fs::path(config).filename().string(), admin,
                admin_password);
}

Status InitDesdePrepCsv(const std::string& archivo, const std::string& data,
                        const std::string& admin, const std::string& admin_password) {
  PREP_ASSIGN_OR_RETURN(auto files, formats::ReadResultsFiles(archivo));
  PREP_ASSIGN_OR_RETURN(auto db,
                        formats::PrepDatabase::Open(files[0].name, std::move(files[0].bytes)));
  PREP_RETURN_IF_ERROR(formats::CatalogoFromDatabase(*db).status());
  PREP_RETURN_IF_ERROR(PrepararCarpeta(data));
  const std::string nombre = fs::path(archivo).filename().string();
  PREP_RETURN_IF_ERROR(Copiar(archivo, (fs::path(data) / "eleccion" / nombre).string()));
  return Sellar(data, "prep-csv", "eleccion/" + nombre, admin, admin_password);
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
  if (j["fuente"] == "config") {
    PREP_ASSIGN_OR_RETURN(formats::EleccionConfig c, formats::ReadElectionConfig(archivo));
    e.opciones = OpcionesDe(c);
    e.catalogo = std::move(c.catalogo);
  } else {
    PREP_ASSIGN_OR_RETURN(auto files, formats::ReadResultsFiles(archivo));
    PREP_ASSIGN_OR_RETURN(auto db,
                          formats::PrepDatabase::Open(files[0].name, std::move(files[0].bytes)));
    PREP_ASSIGN_OR_RETURN(e.catalogo, formats::CatalogoFromDatabase(*db));
  }
  return e;
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

int Serve(const std::string& data, const std::string& listen, int threads) {
  auto servicio = AbrirServicio(data);
  if (!servicio.ok()) {
    std::cerr << servicio.status().message() << "\n";
    return 2;
  }
  http::ServerOptions o;
  const size_t colon = listen.rfind(':');
  o.address = colon == std::string::npos ? listen : listen.substr(0, colon);
  o.port = colon == std::string::npos
               ? 8080
               : static_cast<uint16_t>(std::atoi(listen.substr(colon + 1).c_str()));
  o.threads = threads;
  o.max_body_bytes = static_cast<size_t>(store::kMaxBytesImagen) + 4096;
  http::Server server(o, (*servicio)->Rutas());
  if (Status s = server.Start(); !s.ok()) {
    std::cerr << s.message() << "\n";
    return 2;
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::cout << "prep serve: escuchando en http://" << o.address << ":" << server.port()
            << "/api/v1/" << std::endl;
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server.Stop();
  return 0;
}

}  // namespace prep::cli
