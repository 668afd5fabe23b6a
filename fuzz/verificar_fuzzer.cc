// Arbitrary bytes as a mirror that `prep verify` reads: the input is split at
// "\n--\n" into cortes/index.json, the corte's manifest.json, its signature
// and datos/actas.jsonl (and every other path reads as the rest). Whatever a
// hostile mirror serves must come back as a Status naming a file, never a
// crash, leak or UB.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "publish/verificar.h"

namespace {

class Memoria final : public prep::publish::Fuente {
 public:
  std::map<std::string, std::string> archivos;
  prep::Result<std::string> Leer(const std::string& ruta) override {
    auto it = archivos.find(ruta);
    if (it == archivos.end()) return prep::Status::NotFound(ruta);
    return it->second;
  }
  std::optional<std::vector<std::string>> Listar(const std::string&) override {
    return std::nullopt;
  }
  std::string Nombre() const override { return "fuzz"; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string partes[5];
  for (int i = 0; i < 4; ++i) {
    const size_t corte = in.find("\n--\n");
    partes[i] = std::string(in.substr(0, corte));
    if (corte == std::string_view::npos) {
      in = {};
      break;
    }
    in.remove_prefix(corte + 4);
  }
  partes[4] = std::string(in);
  Memoria m;
  m.archivos["cortes/index.json"] = partes[0];
  for (const char* c : {"cortes/20201018_2000/", ""}) {
    m.archivos[std::string(c) + "manifest.json"] = partes[1];
    m.archivos[std::string(c) + "manifest.json.sig"] = partes[2];
    m.archivos[std::string(c) + "datos/actas.jsonl"] = partes[3];
    m.archivos[std::string(c) + "index.html"] = partes[4];
  }
  m.archivos["clave-publica.txt"] = partes[2];
  prep::publish::OpcionesVerificacion o;
  (void)prep::publish::VerificarEspejo(m, o).ok();
  (void)prep::publish::VerificarCorte(m, "", o).ok();
  return 0;
}
