#include "publish/verificar.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

#include "base/texto.h"
#include "publish/firma.h"
#include "store/imagenes.h"
#include "store/store.h"

namespace prep::publish {
namespace {

namespace fs = std::filesystem;

class Carpeta final : public Fuente {
 public:
  explicit Carpeta(std::string raiz) : raiz_(std::move(raiz)) {}
  Result<std::string> Leer(const std::string& ruta) override {
    const fs::path p = fs::path(raiz_) / ruta;
    std::error_code ec;
    if (!fs::is_regular_file(p, ec)) return Status::NotFound(ruta + ": no such file");
    std::ifstream in(p, std::ios::binary);
    if (!in) return Status::IoError(ruta + ": cannot read");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::optional<std::vector<std::string>> Listar(const std::string& carpeta) override {
    std::vector<std::string> out;
    const fs::path base = fs::path(raiz_) / carpeta;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(base, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file() || it->is_symlink()) {
        out.push_back(fs::relative(it->path(), base).generic_string());
      }
    }
    return out;
  }
  std::string Nombre() const override { return raiz_; }

 private:
  std::string raiz_;
};

Status Falla(const std::string& archivo, const std::string& por_que) {
  return Status::InvalidArgument(archivo + ": " + por_que);
}

Result<nlohmann::json> Json(const std::string& archivo, const std::string& texto) {
  auto j = nlohmann::json::parse(texto, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Falla(archivo, "not a JSON object");
  return j;
}

std::string Texto(const nlohmann::json& j, const char* k) {
  auto it = j.find(k);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

struct Estado {
  Verificado v;
  std::set<std::string> imagenes_vistas;
};

// Where an acta record's image is, under PUB: imagenes/<sha256>.<extension>
// (prep-corte/3), or the record's "ruta" (up to prep-corte/2). Empty for a
// record that names no image; nullopt for a name that is not a hash and an
// extension, or a path that could leave PUB.
std::optional<std::string> RutaImagen(const nlohmann::json& imagen) {
  const std::string sha = Texto(imagen, "sha256");
  const std::string ext = Texto(imagen, "extension");
  const auto solo = [](const std::string& t, auto valido) {
    return std::all_of(t.begin(), t.end(), valido);
  };
  if (!ext.empty()) {
    const bool hex = sha.size() == 64 && solo(sha, [](char c) {
                       return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                     });
    const bool nombre = ext.size() <= 5 && solo(ext, [](char c) {
                          return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
                        });
    if (!hex || !nombre) return std::nullopt;
    return "imagenes/" + sha + "." + ext;
  }
  std::string ruta = Texto(imagen, "ruta");
  if (ruta.find("..") != std::string::npos) return std::nullopt;
  if (!ruta.empty() && ruta[0] == '/') ruta.erase(0, 1);
  return ruta;
}

Result<std::string> VerificarUnoJson(Fuente& f, const std::string& carpeta,
                                     const OpcionesVerificacion& o, Estado& e,
                                     nlohmann::json* manifiesto_out) {
  const std::string nombre_manifest = carpeta + "manifest.json";
  PREP_ASSIGN_OR_RETURN(std::string manifest, f.Leer(nombre_manifest));
  PREP_ASSIGN_OR_RETURN(std::string firma, f.Leer(carpeta + "manifest.json.sig"));
  PREP_ASSIGN_OR_RETURN(nlohmann::json m, Json(nombre_manifest, manifest));
  const std::string clave = Texto(m, "clave_publica");
  if (!o.clave_publica.empty() && clave != o.clave_publica) {
    return Falla(nombre_manifest,
                 "signed with key " + clave + ", not the trusted key " + o.clave_publica);
  }
  if (e.v.clave_publica.empty()) {
    e.v.clave_publica = clave;
  } else if (clave != e.v.clave_publica) {
    return Falla(nombre_manifest,
                 "signed with a key that differs from the earlier cortes' (" + clave + ")");
  }
  firma = std::string(SinFinDeLinea(firma));
  if (!FirmaValida(manifest, firma, clave)) {
    // Which of the two was altered cannot be told; a valid-looking signature
    // points at the manifest.
    const bool firma_bien_formada = firma.size() == 128 && DesdeHex(firma).has_value();
    return Falla(firma_bien_formada ? nombre_manifest : carpeta + "manifest.json.sig",
                 "the Ed25519 signature does not verify with key " + clave);
  }
  if (!m.contains("archivos") || !m["archivos"].is_array()) {
    return Falla(nombre_manifest, "no list of files");
  }
  std::set<std::string> listados{"manifest.json", "manifest.json.sig"};
  std::string actas_jsonl;
  for (const auto& a : m["archivos"]) {
    const std::string ruta = Texto(a, "ruta");
    if (ruta.empty() || ruta.find("..") != std::string::npos || ruta[0] == '/') {
      return Falla(nombre_manifest, "lists a bad path '" + ruta + "'");
    }
    listados.insert(ruta);
    auto bytes = f.Leer(carpeta + ruta);
    if (!bytes.ok())
      return Falla(carpeta + ruta, "listed in the manifest but " + bytes.status().message());
    const int64_t esperado = a.value("bytes", int64_t{-1});
    if (static_cast<int64_t>(bytes->size()) != esperado) {
      return Falla(carpeta + ruta, std::to_string(bytes->size()) + " bytes; the manifest says " +
                                       std::to_string(esperado));
    }
    const std::string sha = store::Sha256Hex(*bytes);
    if (sha != Texto(a, "sha256")) {
      return Falla(carpeta + ruta,
                   "SHA-256 " + sha + " differs from the manifest's " + Texto(a, "sha256"));
    }
    ++e.v.archivos;
    e.v.bytes += bytes->size();
    if (ruta == "datos/actas.jsonl") actas_jsonl = std::move(*bytes);
  }
  if (auto todos = f.Listar(carpeta)) {
    for (const std::string& r : *todos) {
      if (!listados.contains(r)) return Falla(carpeta + r, "is not in the signed manifest");
    }
  }
  // The Merkle root over the acta records, one per line.
  std::vector<std::string_view> hojas;
  size_t inicio = 0;
  while (inicio < actas_jsonl.size()) {
    size_t fin = actas_jsonl.find('\n', inicio);
    if (fin == std::string::npos) fin = actas_jsonl.size();
    hojas.emplace_back(actas_jsonl.data() + inicio, fin - inicio);
    inicio = fin + 1;
  }
  const auto& merkle = m.value("merkle", nlohmann::json::object());
  const std::string raiz = RaizMerkle(hojas);
  if (raiz != Texto(merkle, "raiz") ||
      merkle.value("hojas", int64_t{-1}) != static_cast<int64_t>(hojas.size())) {
    return Falla(carpeta + "datos/actas.jsonl", "Merkle root " + raiz + " over " +
                                                    std::to_string(hojas.size()) +
                                                    " records differs from the manifest's");
  }
  e.v.actas = hojas.size();
  if (o.imagenes) {
    // Images live beside the cortes (PUB/imagenes); from a lone corte folder
    // there is nowhere to read them.
    const bool en_espejo = carpeta.starts_with("cortes/");
    for (std::string_view linea : hojas) {
      auto r = nlohmann::json::parse(linea, nullptr, false);
      if (r.is_discarded() || !r.contains("imagen")) continue;
      const std::string sha = Texto(r["imagen"], "sha256");
      const std::optional<std::string> donde = RutaImagen(r["imagen"]);
      if (!donde) {
        return Falla(carpeta + "datos/actas.jsonl",
                     "acta " + Texto(r, "clave_acta") + " names its image file badly");
      }
      const std::string& ruta = *donde;
      if (!en_espejo || ruta.empty() || !e.imagenes_vistas.insert(ruta).second) continue;
      auto img = f.Leer(ruta);
      if (!img.ok())
        return Falla(ruta,
                     "image of acta " + Texto(r, "clave_acta") + ": " + img.status().message());
      if (store::Sha256Hex(*img) != sha) {
        return Falla(ruta,
                     "SHA-256 differs from the one published for acta " + Texto(r, "clave_acta"));
      }
      ++e.v.imagenes;
    }
  }
  const bool simulacro = m.value("simulacro", false);
  if (!e.v.cortes.empty() && simulacro != e.v.simulacro) {
    return Falla(nombre_manifest, "simulacro flag differs from the earlier cortes'");
  }
  e.v.simulacro = simulacro;
  e.v.cortes.push_back(Texto(m.value("corte", nlohmann::json::object()), "id"));
  if (manifiesto_out) *manifiesto_out = std::move(m);
  return store::Sha256Hex(manifest);
}

// A mirror's JSON may have any shape: a value of the wrong type is a finding
// about that corte, not a crash.
Result<std::string> VerificarUno(Fuente& f, const std::string& carpeta,
                                 const OpcionesVerificacion& o, Estado& e,
                                 nlohmann::json* manifiesto_out) {
  try {
    return VerificarUnoJson(f, carpeta, o, e, manifiesto_out);
  } catch (const nlohmann::json::exception& ex) {
    return Falla(carpeta + "manifest.json",
                 std::string("a field has the wrong type: ") + ex.what());
  }
}

Result<Verificado> VerificarEspejoJson(Fuente& f, const OpcionesVerificacion& o);

}  // namespace

std::unique_ptr<Fuente> FuenteCarpeta(std::string carpeta) {
  return std::make_unique<Carpeta>(std::move(carpeta));
}

Result<Verificado> VerificarCorte(Fuente& f, const std::string& carpeta,
                                  const OpcionesVerificacion& o) {
  Estado e;
  PREP_RETURN_IF_ERROR(VerificarUno(f, carpeta, o, e, nullptr).status());
  return e.v;
}

Result<Verificado> VerificarEspejo(Fuente& f, const OpcionesVerificacion& o) {
  try {
    return VerificarEspejoJson(f, o);
  } catch (const nlohmann::json::exception& ex) {
    return Falla("cortes/index.json", std::string("a field has the wrong type: ") + ex.what());
  }
}

namespace {
Result<Verificado> VerificarEspejoJson(Fuente& f, const OpcionesVerificacion& o) {
  const std::string nombre_indice = "cortes/index.json";
  PREP_ASSIGN_OR_RETURN(std::string texto, f.Leer(nombre_indice));
  PREP_ASSIGN_OR_RETURN(nlohmann::json indice, Json(nombre_indice, texto));
  if (!indice.contains("cortes") || !indice["cortes"].is_array() || indice["cortes"].empty()) {
    return Falla(nombre_indice, "lists no cortes");
  }
  Estado e;
  std::string anterior_id;
  std::string anterior_sha = store::kGenesisHash;
  for (const auto& c : indice["cortes"]) {
    const std::string id = Texto(c, "id");
    if (id.empty() || id.find('/') != std::string::npos || id.find("..") != std::string::npos) {
      return Falla(nombre_indice, "lists a bad corte id '" + id + "'");
    }
    const std::string carpeta = "cortes/" + id + "/";
    nlohmann::json m;
    PREP_ASSIGN_OR_RETURN(std::string sha, VerificarUno(f, carpeta, o, e, &m));
    const auto& ant = m.value("anterior", nlohmann::json::object());
    const std::string ant_id =
        ant.contains("id") && ant["id"].is_string() ? ant["id"].get<std::string>() : "";
    if (ant_id != anterior_id || Texto(ant, "sha256_manifest") != anterior_sha) {
      return Falla(carpeta + "manifest.json",
                   "does not chain to the previous corte " +
                       (anterior_id.empty() ? std::string("(none)") : anterior_id) +
                       " (its manifest's SHA-256 is " + anterior_sha + ")");
    }
    if (Texto(c, "sha256_manifest") != sha) {
      return Falla(nombre_indice, "the SHA-256 it gives for corte " + id +
                                      "'s manifest differs from the manifest's");
    }
    if (c.value("final", false) != m["corte"].value("final", false)) {
      return Falla(nombre_indice, "final flag of corte " + id + " differs from its manifest");
    }
    anterior_id = id;
    anterior_sha = sha;
  }
  if (indice.value("simulacro", false) != e.v.simulacro) {
    return Falla(nombre_indice, "simulacro flag differs from the cortes'");
  }
  if (Texto(indice, "clave_publica") != e.v.clave_publica) {
    return Falla(nombre_indice, "public key differs from the one that signed the cortes");
  }
  auto publicada = f.Leer("clave-publica.txt");
  if (publicada.ok()) {
    if (SinFinDeLinea(*publicada) != e.v.clave_publica) {
      return Falla("clave-publica.txt", "differs from the key that signed the cortes");
    }
  } else if (publicada.status().code() != StatusCode::kNotFound) {
    return publicada.status();
  }
  // Every corte folder of the mirror is in the index (a folder source can tell).
  if (auto todos = f.Listar("cortes")) {
    std::set<std::string> ids(e.v.cortes.begin(), e.v.cortes.end());
    for (const std::string& r : *todos) {
      const std::string primero = r.substr(0, r.find('/'));
      if (r == "index.json" || primero.starts_with(".")) continue;
      if (!ids.contains(primero)) return Falla("cortes/" + r, "belongs to no corte of the index");
    }
  }
  return e.v;
}
}  // namespace

}  // namespace prep::publish
