// `prep verify`: checks published cortes without trusting the publisher's
// server: every file against the signed manifest (size and SHA-256), the
// Ed25519 signature, the Merkle root over the acta records, the chain of
// manifests from the first corte to the last, the index of cortes, and every
// acta image against the SHA-256 in its record. The first file that does not
// match is named in the error ("cortes/20200607_2000/index.html: SHA-256 ...").
// Reads through a Fuente, so a folder and a mirror's URL are checked alike.
// Thread-safety: not thread-safe (a Fuente may hold a connection).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace prep::publish {

// Where the published files are read from. Paths are relative to PUB, with '/'.
class Fuente {
 public:
  virtual ~Fuente() = default;
  // NotFound when the file does not exist; IoError on other failures.
  virtual Result<std::string> Leer(const std::string& ruta) = 0;
  // Every file under `carpeta` (relative paths, recursively), when the
  // source can list (a folder); nullopt when it cannot (HTTP).
  virtual std::optional<std::vector<std::string>> Listar(const std::string& carpeta) = 0;
  // How to name the source in messages: "/srv/pub" or "http://127.0.0.1:8080".
  virtual std::string Nombre() const = 0;
};

std::unique_ptr<Fuente> FuenteCarpeta(std::string carpeta);

struct OpcionesVerificacion {
  // The public key the checker trusts (hex), e.g. read from the institute's
  // acuerdo; empty: the key in the first manifest, which must then be the
  // same in every corte and in clave-publica.txt.
  std::string clave_publica;
  bool imagenes = true;  // also check every acta image
};

struct Verificado {
  std::vector<std::string> cortes;  // ids, oldest first
  uint64_t archivos = 0;
  uint64_t bytes = 0;
  uint64_t imagenes = 0;
  uint64_t actas = 0;  // Merkle leaves of the last corte
  bool simulacro = false;
  std::string clave_publica;
};

// The whole chain of a mirror: PUB/cortes/index.json and every corte it lists.
Result<Verificado> VerificarEspejo(Fuente& fuente, const OpcionesVerificacion& opciones);
// One corte, whose folder is `carpeta` ("" when the source is the corte folder
// itself, "cortes/<id>/" within a mirror). Its link to the previous corte is
// checked only by VerificarEspejo.
Result<Verificado> VerificarCorte(Fuente& fuente, const std::string& carpeta,
                                  const OpcionesVerificacion& opciones);

}  // namespace prep::publish
