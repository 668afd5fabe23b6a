#include "cli/respaldo.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "store/store.h"

namespace prep::cli {
namespace fs = std::filesystem;

namespace {

constexpr char kLog[] = "respaldo.sqlite";
constexpr char kManifiesto[] = "respaldo.json";

// The store's own files: the log travels as respaldo.sqlite instead.
bool EsDelAlmacen(const fs::path& relativa) {
  const std::string n = relativa.string();
  return n == "prep.sqlite" || n == "prep.sqlite-wal" || n == "prep.sqlite-shm" ||
         n == "prep.sqlite-journal" || n == store::kArchivoAlmacen;
}

struct Copiados {
  size_t archivos = 0;
  size_t nuevos = 0;
  uintmax_t bytes = 0;
};

// Every regular file under `de` into `a` (same relative paths) but those
// `saltar` names; a file already there with the same size is kept.
Status CopiarArbol(const fs::path& de, const fs::path& a, bool (*saltar)(const fs::path&),
                   Copiados* c) {
  std::error_code ec;
  fs::recursive_directory_iterator it(de, ec), fin;
  if (ec) return Status::IoError(de.string() + ": cannot read: " + ec.message());
  for (; it != fin; it.increment(ec)) {
    if (ec) return Status::IoError(de.string() + ": cannot read: " + ec.message());
    if (!it->is_regular_file()) continue;
    const fs::path rel = fs::relative(it->path(), de);
    if (saltar != nullptr && saltar(rel)) continue;
    const fs::path destino = a / rel;
    ++c->archivos;
    const uintmax_t tam = it->file_size();
    c->bytes += tam;
    if (fs::exists(destino, ec) && fs::file_size(destino, ec) == tam) continue;
    fs::create_directories(destino.parent_path(), ec);
    const fs::path tmp = destino.string() + ".copiando";
    if (!fs::copy_file(it->path(), tmp, fs::copy_options::overwrite_existing, ec)) {
      return Status::IoError(destino.string() + ": cannot copy: " + ec.message());
    }
    fs::permissions(tmp, it->status().permissions(), ec);
    fs::rename(tmp, destino, ec);
    if (ec) return Status::IoError(destino.string() + ": cannot copy: " + ec.message());
    ++c->nuevos;
  }
  return Status::Ok();
}

int Fallo(const char* que, const Status& s) {
  std::cerr << que << ": " << s.message() << "\n";
  return 2;
}

double Segundos(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int Backup(const std::string& data, const std::string& destino) {
  const auto t0 = std::chrono::steady_clock::now();
  if (!fs::exists(fs::path(data) / "eleccion.json")) {
    return Fallo("prep backup", Status::NotFound(data + ": not an election's data folder (no "
                                                        "eleccion.json)"));
  }
  std::error_code ec;
  fs::create_directories(destino, ec);
  if (ec)
    return Fallo("prep backup", Status::IoError(destino + ": cannot create: " + ec.message()));
  auto origen = store::OpenStore(data);
  if (!origen.ok()) return Fallo("prep backup", origen.status());
  // The log first, into a new file renamed at the end: a backup cut short
  // leaves the previous respaldo.sqlite whole.
  const fs::path nuevo = fs::path(destino) / (std::string(kLog) + ".nuevo");
  for (const char* s : {"", "-wal", "-shm"}) fs::remove(nuevo.string() + s, ec);
  store::ResumenCopia resumen;
  {
    auto copia = store::OpenSqliteStore(nuevo.string());
    if (!copia.ok()) return Fallo("prep backup", copia.status());
    auto r = store::CopiarBitacora(**origen, **copia);
    if (!r.ok()) return Fallo("prep backup", r.status());
    resumen = *r;
  }
  Copiados c;
  if (Status s = CopiarArbol(data, destino, EsDelAlmacen, &c); !s.ok()) {
    return Fallo("prep backup", s);
  }
  // Shut the copy's WAL into the file, then swap it in.
  for (const char* s : {"-wal", "-shm"})
    fs::remove(fs::path(destino) / (std::string(kLog) + s), ec);
  fs::rename(nuevo, fs::path(destino) / kLog, ec);
  if (ec)
    return Fallo("prep backup", Status::IoError(destino + ": cannot rename: " + ec.message()));
  nlohmann::ordered_json j{{"eventos", resumen.eventos},
                           {"ultimo_hash", resumen.ultimo_hash},
                           {"archivos", c.archivos},
                           {"bytes", c.bytes}};
  {
    std::ofstream out(fs::path(destino) / kManifiesto);
    out << j.dump(2) << "\n";
    if (!out) {
      return Fallo("prep backup", Status::IoError(destino + "/" + kManifiesto + ": cannot write"));
    }
  }
  std::cout << "prep backup: " << resumen.eventos << " eventos (último hash "
            << resumen.ultimo_hash.substr(0, 16) << "…), " << c.archivos << " archivos ("
            << c.nuevos << " nuevos) en " << destino << "; " << Segundos(t0) << " s\n";
  return 0;
}

int Restore(const std::string& origen, const std::string& data, const std::string& store_url) {
  const auto t0 = std::chrono::steady_clock::now();
  std::ifstream m(fs::path(origen) / kManifiesto);
  const auto j = nlohmann::json::parse(m, nullptr, false);
  if (!j.is_object() || !j.contains("eventos") || !j["eventos"].is_number_integer() ||
      !j.contains("ultimo_hash") || !j["ultimo_hash"].is_string()) {
    return Fallo(
        "prep restore",
        Status::InvalidArgument(origen + "/" + kManifiesto +
                                ": missing or not a backup's manifest (prep backup writes it)"));
  }
  std::error_code ec;
  if (fs::exists(data, ec) && !fs::is_empty(data, ec)) {
    return Fallo("prep restore", Status::FailedPrecondition(
                                     data + ": not empty; a restore goes into a new folder"));
  }
  // Checked before anything is copied: a bad --store leaves no half-restored folder.
  if (Status st = store_url.empty() ? Status::Ok() : store::ComprobarUrlAlmacen(store_url);
      !st.ok()) {
    return Fallo("prep restore", Status(st.code(), "--store " + st.message()));
  }
  auto respaldo = store::OpenSqliteStore((fs::path(origen) / kLog).string());
  if (!respaldo.ok()) return Fallo("prep restore", respaldo.status());
  fs::create_directories(data, ec);
  Copiados c;
  auto no_es_respaldo = [](const fs::path& rel) {
    const std::string n = rel.string();
    return n.rfind(kLog, 0) == 0 || n == kManifiesto;
  };
  if (Status s = CopiarArbol(origen, data, +no_es_respaldo, &c); !s.ok()) {
    return Fallo("prep restore", s);
  }
  if (!store_url.empty()) {
    if (Status st = store::GuardarAlmacen(data, store_url); !st.ok()) {
      return Fallo("prep restore", st);
    }
  }
  auto destino = store::OpenStore(data);
  if (!destino.ok()) return Fallo("prep restore", destino.status());
  auto r = store::CopiarBitacora(**respaldo, **destino);
  if (!r.ok()) return Fallo("prep restore", r.status());
  if (r->eventos != j["eventos"].get<int64_t>() ||
      r->ultimo_hash != j["ultimo_hash"].get<std::string>()) {
    return Fallo(
        "prep restore",
        Status::IoError("the restored log ends at event " + std::to_string(r->eventos) + " (" +
                        r->ultimo_hash.substr(0, 16) + "…), not where the backup's manifest says"));
  }
  std::cout << "prep restore: " << r->eventos << " eventos, cadena verificada (último hash "
            << r->ultimo_hash.substr(0, 16) << "…), " << c.archivos << " archivos, en "
            << (store_url.empty() ? data + "/prep.sqlite" : std::string("PostgreSQL")) << "; "
            << Segundos(t0) << " s\n";
  return 0;
}

}  // namespace prep::cli
