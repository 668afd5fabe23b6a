// Writes cortes into the publication root (PUB) so that readers never see a
// half-written one and anyone can check every byte:
//
//   PUB/cortes/<id>/        one corte, immutable once written:
//       <id>_PREP_<ELEC>_<ENT>.zip (+ .sha256)  the database (when on the database cadence)
//       datos/entidad.json, datos/distritos/NN.json
//                           the tally per level: entidad, distrito and sección (in its
//                           distrito's file) (docs/publicacion.md, version 3)
//       datos/actas.jsonl   one canonical JSON line per acta (the casilla level): the
//                           Merkle leaves
//       datos/cambios.json  actas new, with a changed status, or corrected since the last corte
//       index.html, ...     the public site (publish/sitio.h)
//       FILE.gz             gzip of the pages above the secciones, estilo.css, buscar.js
//                           and entidad.json, for servers that send it precompressed
//       manifest.json       SHA-256 and size of every other file, the previous corte's
//                           manifest hash, the Merkle root, the public key
//       manifest.json.sig   Ed25519 signature of manifest.json's bytes (hex)
//   PUB/cortes/index.json   every corte, oldest first (rewritten by rename)
//   PUB/actual -> cortes/<id>   the current corte (a symlink replaced by rename)
//   PUB/imagenes/<sha256>.<ext> the acta images (hard links into the image store)
//   PUB/clave-publica.txt   the key that signs these cortes
//
// A corte is written into cortes/.<id>.tmp, flushed to disk (syncfs), renamed
// to cortes/<id>, and only then made current. A crash at any point leaves the
// previous corte current and, at worst, a .tmp folder that the next Abrir removes.
// Thread-safety: not thread-safe; one process publishes into a PUB.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/status.h"
#include "publish/base_de_datos.h"
#include "publish/corte.h"
#include "publish/firma.h"
#include "publish/json_texto.h"

namespace prep::publish {

inline constexpr char kEsquemaCorte[] = "prep-corte/3";

struct OpcionesPublicador {
  std::string raiz;              // PUB; created if missing
  std::string carpeta_imagenes;  // the image store (store/imagenes.h); "" = publish no images
  DialectoBase dialecto = DialectoBase::kIeqroo2019;
  std::string organo;  // the institute, for the site's header
  ParClaves claves;    // of this mode: the live key, or the simulacro key
  bool simulacro = false;
  bool gzip = true;
  // Flush each corte to disk before it becomes visible. Only a throwaway
  // rebuild (prep audit recompute, which compares and deletes) turns it off.
  bool durable = true;
  std::function<int64_t()> reloj;  // UTC ms, for "firmado"; REQUIRED
};

struct CortePublicado {
  std::string id;
  std::string carpeta;          // PUB/cortes/<id>
  std::string sha256_manifest;  // of manifest.json's bytes: the next corte chains to it
  std::string raiz_merkle;
  size_t archivos = 0;
  uint64_t bytes = 0;
  // Wall seconds of each step of Publicar, in order (for corte_bench).
  std::vector<std::pair<std::string, double>> etapas;
};

class Publicador {
 public:
  // Reads PUB's chain (the last corte's manifest and acta records, for the
  // chain and the change list), removes leftover .tmp folders and lists a
  // corte that a crash left renamed into place but not yet in index.json.
  static Result<std::unique_ptr<Publicador>> Abrir(OpcionesPublicador opciones);
  // Use Abrir; public for make_unique.
  explicit Publicador(OpcionesPublicador o) : o_(std::move(o)) {}

  // Writes `corte` and makes it current. Refused if a corte with its id exists,
  // if PUB already holds a final corte, or if PUB's mode (simulacro or not) differs.
  Result<CortePublicado> Publicar(const Corte& corte);

  // The cortes published so far, oldest first.
  size_t cortes() const { return indice_.size(); }
  bool cerrado() const { return cerrado_; }
  int64_t ultimo_instante_utc_ms() const { return ultimo_instante_; }

 private:
  Status Cargar();
  // Lists corte `id` (its index.json object `entrada`) after the ones listed,
  // then points `actual` at it.
  Status Anunciar(const std::string& id, const std::string& entrada);
  Status ListarInterrumpidos();
  Status ApuntarActual(const std::string& id);  // `actual` -> cortes/<id>, atomically
  struct Anterior {
    std::string clave_acta;
    std::string_view estado;  // one of EstadoActa's literals; "" if unknown
    HuellaMerkle hoja;        // of its record: a change in any field changes it
  };
  // The last corte's acta at position `i` if it has this clave (the order of
  // actas is the catálogo's, so it almost always does), else the one with this
  // clave anywhere; null if none.
  const Anterior* BuscarAnterior(size_t i, const std::string& clave_acta);
  OpcionesPublicador o_;
  std::vector<std::string> indice_;  // JSON objects of index.json, as written
  std::string ultimo_id_;
  int64_t ultimo_instante_ = 0;
  std::string ultimo_sha256_manifest_;
  bool cerrado_ = false;
  std::vector<Anterior> anteriores_;  // the last corte's actas, in its order
  // CLAVE_ACTA -> position in anteriores_; built on the first lookup that
  // misses its position (a catálogo that changed between cortes).
  std::unordered_map<std::string_view, size_t> indice_anteriores_;
  bool indice_hecho_ = false;
};

// The acta's canonical record (one line of datos/actas.jsonl, no newline).
std::string RegistroActa(const Corte& corte, const ActaPublicada& acta);
// The same, appended to `j` at its top level.
void AnadirRegistroActa(JsonTexto& j, const Corte& corte, const ActaPublicada& acta);
// "contabilizada", "no_contabilizada", "sin_capturar" or "fuera_de_catalogo".
std::string_view EstadoActa(const ActaPublicada& acta);
// The same literal for a state read back from a record; "" for any other text.
std::string_view EstadoLeido(std::string_view estado);

}  // namespace prep::publish
