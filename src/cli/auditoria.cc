#include "cli/auditoria.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "base/tiempo.h"
#include "cli/operacion.h"
#include "cli/publicacion.h"
#include "ops/operaciones.h"
#include "publish/motor.h"
#include "publish/publicador.h"
#include "publish/verificar.h"
#include "sim/replay.h"
#include "store/imagenes.h"
#include "store/store.h"
#include "web/assets.h"

namespace prep::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using nlohmann::ordered_json;

int Falla(const char* cmd, const std::string& m) {
  std::cerr << "prep audit " << cmd << ": " << m << "\n";
  return 2;
}

Result<std::string> LeerTodo(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return Status::IoError(p.string() + ": cannot read");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string AhoraIso() {
  const int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  return FormatearFecha(ms, 0, FormatoFecha::kIso8601);
}

struct Componente {
  std::string tipo, ruta, sha256;
  uint64_t bytes = 0;
};

// The SQL that creates the store's tables and indexes, in name order.
Result<std::vector<Componente>> Componentes(const std::string& data) {
  std::vector<Componente> c;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return Status::IoError("/proc/self/exe: " + ec.message());
  PREP_ASSIGN_OR_RETURN(std::string binario, LeerTodo(exe));
  c.push_back({"programa", exe.filename().string(), store::Sha256Hex(binario), binario.size()});
  for (const auto& a : web::Assets()) {
    c.push_back(
        {"consola", std::string(a.ruta), store::Sha256Hex(a.contenido), a.contenido.size()});
  }
  if (data.empty()) return c;
  // The schema the store in use reports (SQLite's sqlite_master, or PostgreSQL's catalogue).
  PREP_ASSIGN_OR_RETURN(auto almacen, store::OpenStore(data));
  PREP_ASSIGN_OR_RETURN(std::string esquema, almacen->Schema());
  const std::string nombre = fs::exists(fs::path(data) / store::kArchivoAlmacen)
                                 ? std::string("postgresql:events")
                                 : std::string("prep.sqlite");
  c.push_back({"esquema", nombre, store::Sha256Hex(esquema), esquema.size()});
  for (const char* carpeta : {"eleccion", "claves"}) {
    std::vector<fs::path> archivos;
    for (const auto& e : fs::recursive_directory_iterator(fs::path(data) / carpeta, ec)) {
      // Public keys only: a secret key is nobody's to read, not even as a hash.
      if (e.is_regular_file() &&
          (std::string(carpeta) != "claves" || e.path().extension() == ".pub"))
        archivos.push_back(e.path());
    }
    if (ec) return Status::IoError(data + "/" + carpeta + ": " + ec.message());
    std::sort(archivos.begin(), archivos.end());
    for (const auto& p : archivos) {
      PREP_ASSIGN_OR_RETURN(std::string b, LeerTodo(p));
      c.push_back({carpeta == std::string("eleccion") ? "eleccion" : "clave",
                   fs::relative(p, data).string(), store::Sha256Hex(b), b.size()});
    }
  }
  return c;
}

std::string Huella(const std::vector<Componente>& c) {
  std::string lineas;
  for (const auto& x : c) lineas += x.tipo + "\t" + x.ruta + "\t" + x.sha256 + "\n";
  return store::Sha256Hex(lineas);
}

// "2020-10-19T18:05:00-05:00" → UTC ms (the manifest's firmado).
std::optional<int64_t> FechaIso(const std::string& s) {
  if (s.size() < 20) return std::nullopt;
  auto offset = sim::OffsetDeCorte("(UTC" + s.substr(19) + ")");
  if (s.substr(19) == "Z") offset = 0;
  if (!offset) return std::nullopt;
  return sim::FechaPublicada(s.substr(0, 19), *offset);
}

// Every regular file under `dir`, relative, sorted.
std::vector<std::string> Archivos(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file()) out.push_back(fs::relative(e.path(), dir).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

int AuditManifest(const std::string& data, const std::string& json_salida) {
  auto c = Componentes(data);
  if (!c.ok()) return Falla("manifest", c.status().message());
  const std::string huella = Huella(*c);
  const std::string generado = AhoraIso();
  std::cout << "MANIFIESTO DEL SISTEMA PREP\n"
            << "Generado: " << generado << " (UTC)\n"
            << "Carpeta de datos: " << (data.empty() ? "(ninguna)" : data) << "\n\n"
            << "SHA-256 de cada componente (tipo, archivo, bytes, SHA-256):\n";
  for (const auto& x : *c) {
    std::cout << "  " << x.tipo << std::string(10 - std::min<size_t>(9, x.tipo.size()), ' ')
              << x.ruta << "  " << x.bytes << "  " << x.sha256 << "\n";
  }
  std::cout << "\nHuella del manifiesto (SHA-256 de las líneas «tipo\\truta\\tsha256\\n»):\n  "
            << huella << "\n\nCompárese con `prep audit compare` contra un manifiesto anterior.\n"
            << "\nFirma y sello del notario: ______________________________\n";
  if (!json_salida.empty()) {
    ordered_json j{{"esquema", "prep-manifiesto-sistema/1"},
                   {"generado", generado},
                   {"huella", huella},
                   {"componentes", ordered_json::array()}};
    for (const auto& x : *c) {
      j["componentes"].push_back(
          {{"tipo", x.tipo}, {"ruta", x.ruta}, {"bytes", x.bytes}, {"sha256", x.sha256}});
    }
    std::ofstream out(json_salida, std::ios::trunc);
    out << j.dump(2) << "\n";
    if (!out) return Falla("manifest", json_salida + ": cannot write");
  }
  return 0;
}

int AuditCompare(const std::string& a, const std::string& b) {
  std::map<std::string, std::string> m[2];
  const std::string rutas[2] = {a, b};
  for (int i = 0; i < 2; ++i) {
    auto t = LeerTodo(rutas[i]);
    if (!t.ok()) return Falla("compare", t.status().message());
    const json j = json::parse(*t, nullptr, false);
    if (!j.is_object() || !j.contains("componentes") || !j["componentes"].is_array()) {
      return Falla("compare", rutas[i] + ": not a manifest of prep audit manifest --json");
    }
    for (const auto& x : j["componentes"]) {
      m[i][x.value("tipo", "") + " " + x.value("ruta", "")] = x.value("sha256", "");
    }
  }
  int diferencias = 0;
  for (const auto& [k, v] : m[0]) {
    auto it = m[1].find(k);
    if (it == m[1].end()) {
      std::cout << "falta en el segundo: " << k << "\n";
      ++diferencias;
    } else if (it->second != v) {
      std::cout << "cambió: " << k << "\n  " << v << "\n  " << it->second << "\n";
      ++diferencias;
    }
  }
  for (const auto& [k, v] : m[1]) {
    if (!m[0].count(k)) {
      std::cout << "nuevo en el segundo: " << k << "\n";
      ++diferencias;
    }
  }
  std::cout << (diferencias == 0 ? "Los dos manifiestos coinciden: " + std::to_string(m[0].size()) +
                                       " componentes con el mismo SHA-256.\n"
                                 : std::to_string(diferencias) + " diferencia(s).\n");
  return diferencias == 0 ? 0 : 1;
}

int AuditZero(const std::string& data) {
  auto st = store::OpenStore(data);
  if (!st.ok()) return Falla("zero", st.status().message());
  const Status cadena = (*st)->VerifyChain();
  std::map<std::string, int64_t> por_tipo;
  std::set<std::string> actas;
  int64_t total = 0;
  for (int64_t next = 1;;) {
    auto lote = (*st)->Read(next, 10000);
    if (!lote.ok()) return Falla("zero", lote.status().message());
    if (lote->empty()) break;
    for (const auto& e : *lote) {
      ++total;
      if (ops::EsEventoDeActa(e.type)) {
        ++por_tipo[e.type];
        actas.insert(e.acta);
      }
    }
    next = lote->back().seq + 1;
  }
  std::error_code ec;
  const auto publicados = Archivos(fs::path(data) / "publicacion" / "cortes");
  const bool ceros = por_tipo.empty() && publicados.empty();
  std::cout << "PUESTA EN CEROS\nComprobado: " << AhoraIso() << " (UTC)\nCarpeta: " << data
            << "\n\nEventos en la bitácora: " << total << " (" << cadena.message() << ")\n"
            << "Eventos de actas: ";
  int64_t de_actas = 0;
  for (const auto& [t, n] : por_tipo) de_actas += n;
  std::cout << de_actas << " de " << actas.size() << " actas\n";
  for (const auto& [t, n] : por_tipo) std::cout << "  " << t << ": " << n << "\n";
  std::cout << "Archivos publicados: " << publicados.size() << "\n\n"
            << (ceros ? "RESULTADO: EN CEROS. La base de datos no tiene datos de ninguna acta y no "
                        "se ha publicado ningún corte.\n"
                      : "RESULTADO: NO ESTÁ EN CEROS.\n")
            << (cadena.ok() ? "" : "ATENCIÓN: la cadena de hashes no verifica.\n")
            << "\nFirma y sello del notario: ______________________________\n";
  return ceros && cadena.ok() ? 0 : 1;
}

int AuditRecompute(const std::string& data, const std::string& solo, const std::string& salida) {
  auto e = CargarEleccion(data);
  if (!e.ok()) return Falla("recompute", e.status().message());
  auto store = store::OpenStore(data);
  if (!store.ok()) return Falla("recompute", store.status().message());
  if (Status s = (*store)->VerifyChain(); !s.ok()) return Falla("recompute", s.message());
  const fs::path pub = fs::path(data) / "publicacion";
  auto texto_indice = LeerTodo(pub / "cortes" / "index.json");
  if (!texto_indice.ok()) return Falla("recompute", texto_indice.status().message());
  const ordered_json indice = ordered_json::parse(*texto_indice, nullptr, false);
  if (!indice.is_object() || !indice.contains("cortes")) {
    return Falla("recompute", (pub / "cortes" / "index.json").string() + ": not an index");
  }
  const fs::path trabajo =
      salida.empty() ? fs::temp_directory_path() / ("prep_recompute_" + std::to_string(::getpid()))
                     : fs::path(salida);
  std::error_code ec;
  if (salida.empty()) fs::remove_all(trabajo, ec);
  // One engine for every corte, oldest first: its snapshot only moves forward.
  auto om = OpcionesDeMotor(data, *e, OpcionesPublicar{}, [] { return int64_t{0}; });
  if (!om.ok()) return Falla("recompute", om.status().message());
  // Its own publisher is never used (it needs the image store only to know
  // each image's extension); every corte is written by one of its own below.
  om->publicador.raiz = (trabajo / "motor").string();
  auto motor = publish::MotorPublicacion::Abrir(*om, **store);
  if (!motor.ok()) return Falla("recompute", motor.status().message());
  const publish::Calendario& cal = (*motor)->calendario();

  int identicos = 0, distintos = 0;
  const ordered_json& cortes = indice["cortes"];
  for (size_t k = 0; k < cortes.size(); ++k) {
    const std::string id = cortes[k].value("id", "");
    if (!solo.empty() && id != solo) {
      // Later cortes still need this one's snapshot to advance past it.
      if (solo < id) break;
      continue;
    }
    auto tm = LeerTodo(pub / "cortes" / id / "manifest.json");
    if (!tm.ok()) return Falla("recompute", tm.status().message());
    const json m = json::parse(*tm, nullptr, false);
    const json rec = m.value("reconstruccion", json::object());
    publish::CorteInfo info;
    info.id = id;
    info.instante_utc_ms = m["corte"].value("instante_utc_ms", int64_t{0});
    info.offset_minutos = cal.offset_minutos();
    info.final = m["corte"].value("final", false);
    info.simulacro = m.value("simulacro", false);
    info.base_de_datos =
        m["corte"].contains("base_de_datos") && !m["corte"]["base_de_datos"].is_null();
    if (!info.final) {
      if (auto s = cal.Siguiente(info.instante_utc_ms)) info.siguiente_utc_ms = s->instante_utc_ms;
    }
    info.eventos_hasta_seq = rec.value("eventos_hasta_seq", int64_t{0});
    auto corte = (*motor)->Construir(info);
    if (!corte.ok()) return Falla("recompute", id + ": " + corte.status().message());

    // A publication root holding only the corte before, as the live one did.
    const fs::path raiz = trabajo / id;
    fs::create_directories(raiz / "cortes", ec);
    if (k > 0) {
      ordered_json previo{{"esquema", "prep-cortes/1"},
                          {"simulacro", indice.value("simulacro", false)},
                          {"cortes", ordered_json::array()}};
      for (size_t i = 0; i < k; ++i) previo["cortes"].push_back(cortes[i]);
      std::ofstream(raiz / "cortes" / "index.json") << previo.dump();
      const std::string anterior = cortes[k - 1].value("id", "");
      fs::create_directory_symlink(fs::absolute(pub / "cortes" / anterior),
                                   raiz / "cortes" / anterior, ec);
    }
    publish::OpcionesPublicador op = om->publicador;
    op.raiz = raiz.string();
    op.carpeta_imagenes.clear();
    op.durable = false;  // compared, then deleted
    if (auto d = publish::DialectoDesdeNombre(rec.value("dialecto", "ieqroo2019")))
      op.dialecto = *d;
    op.organo = rec.value("organo", "");
    const auto firmado = FechaIso(m.value("firmado", ""));
    op.reloj = [f = firmado.value_or(0)] { return f; };
    auto publicador = publish::Publicador::Abrir(op);
    if (!publicador.ok()) return Falla("recompute", publicador.status().message());
    auto r = (*publicador)->Publicar(*corte);
    if (!r.ok()) return Falla("recompute", id + ": " + r.status().message());

    // File by file, byte by byte.
    const fs::path a = pub / "cortes" / id, b = raiz / "cortes" / id;
    const auto fa = Archivos(a), fb = Archivos(b);
    std::vector<std::string> difieren;
    std::set<std::string> todos(fa.begin(), fa.end());
    todos.insert(fb.begin(), fb.end());
    for (const auto& f : todos) {
      auto x = LeerTodo(a / f), y = LeerTodo(b / f);
      if (!x.ok() || !y.ok() || *x != *y) difieren.push_back(f);
    }
    if (difieren.empty()) {
      ++identicos;
      std::cout << id << "  idéntico (" << fa.size() << " archivos)"
                << (rec.empty() ? " — el manifiesto no dice hasta qué evento leyó" : "") << "\n";
    } else {
      ++distintos;
      std::cout << id << "  DIFIERE en " << difieren.size() << " de " << todos.size()
                << " archivos:";
      for (size_t i = 0; i < difieren.size() && i < 5; ++i) std::cout << " " << difieren[i];
      std::cout << "\n";
    }
    if (salida.empty()) fs::remove_all(raiz, ec);
  }
  if (salida.empty()) fs::remove_all(trabajo, ec);
  if (identicos + distintos == 0)
    return Falla("recompute", solo.empty() ? "no cortes" : solo + ": no such corte");
  std::cout << "Recalculados desde la bitácora: " << identicos + distintos
            << " cortes; idénticos: " << identicos << "; distintos: " << distintos << ".\n";
  return distintos == 0 ? 0 : 1;
}

namespace {

// "1234567" -> "1,234,567": the report is read aloud and signed.
std::string Miles(int64_t n) {
  std::string d = std::to_string(n < 0 ? -n : n), out;
  for (size_t i = 0; i < d.size(); ++i) {
    if (i > 0 && (d.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(d[i]);
  }
  return n < 0 ? "-" + out : out;
}

std::string Firma(const fs::path& corte) {
  auto sig = LeerTodo(corte / "manifest.json.sig");
  if (!sig.ok()) return "(no está)";
  std::string t = *sig;
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
  return t;
}

std::string Valor(const json& v) {
  if (v.is_number_integer()) return Miles(v.get<int64_t>());
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

// The votes of a level as "COLUMNA  n" lines, in the order of the file.
void ImprimirVotos(const json& votos, const char* sangria) {
  for (const auto& [columna, n] : votos.items()) {
    std::cout << sangria << columna
              << std::string(columna.size() < 24 ? 24 - columna.size() : 1, ' ') << Valor(n)
              << "\n";
  }
}

}  // namespace

int AuditClose(const std::string& data) {
  const fs::path pub = fs::path(data) / "publicacion";
  auto texto_indice = LeerTodo(pub / "cortes" / "index.json");
  if (!texto_indice.ok())
    return Falla("close", texto_indice.status().message() + " (no corte published)");
  const json indice = json::parse(*texto_indice, nullptr, false);
  if (!indice.is_object() || !indice.contains("cortes") || !indice["cortes"].is_array() ||
      indice["cortes"].empty()) {
    return Falla("close", (pub / "cortes" / "index.json").string() + ": no corte listed");
  }
  const json& cortes = indice["cortes"];
  const std::string id = cortes.back().value("id", "");
  const fs::path dir = pub / "cortes" / id;
  auto tm = LeerTodo(dir / "manifest.json");
  if (!tm.ok()) return Falla("close", tm.status().message());
  auto te = LeerTodo(dir / "datos" / "entidad.json");
  if (!te.ok()) return Falla("close", te.status().message());
  const json m = json::parse(*tm, nullptr, false);
  const json ent = json::parse(*te, nullptr, false);
  if (!m.is_object() || !ent.is_object())
    return Falla("close", id + ": unreadable manifest or entidad.json");
  const bool final = m["corte"].value("final", false);

  // What anyone can check: the final corte against its signature, the chain of cortes, and the
  // event log against its hash chain.
  auto fuente = publish::FuenteCarpeta(pub.string());
  publish::OpcionesVerificacion ov;
  ov.imagenes = false;  // every image is checked by `prep verify`; the report needs the hashes
  auto verificado = publish::VerificarEspejo(*fuente, ov);
  auto store = store::OpenStore(data);
  if (!store.ok()) return Falla("close", store.status().message());
  const Status cadena = (*store)->VerifyChain();
  auto ultimo_seq = (*store)->LastSeq();
  std::string ultimo_hash;
  if (ultimo_seq.ok() && *ultimo_seq > 0) {
    auto ev = (*store)->Read(*ultimo_seq, 1);
    if (ev.ok() && !ev->empty()) ultimo_hash = ev->front().hash;
  }

  std::cout << "INFORME DE CIERRE DEL PREP" << (m.value("simulacro", false) ? " (SIMULACRO)" : "")
            << "\n"
            << ent.value("nombre", "") << " — " << ent.value("eleccion", "")
            << "\nElaborado: " << AhoraIso() << " (UTC)\nCarpeta: " << data << "\n\n";
  std::cout << "Último corte: " << id << " (" << m["corte"].value("instante", "") << ")"
            << (final ? ", corte final" : ", NO ES EL CORTE FINAL: el PREP no ha cerrado") << "\n"
            << "Cortes publicados: " << cortes.size() << ", del " << cortes.front().value("id", "")
            << " al " << id << "\n\n";

  std::cout << "RESULTADOS DE LA ENTIDAD\n";
  if (ent.contains("resumen")) {
    for (const auto& [campo, v] : ent["resumen"].items()) {
      std::cout << "  " << campo << std::string(campo.size() < 36 ? 36 - campo.size() : 1, ' ')
                << Valor(v) << "\n";
    }
  }
  std::cout << "  Votos:\n";
  if (ent.contains("votos")) ImprimirVotos(ent["votos"], "    ");

  std::cout << "\nPOR DISTRITO\n";
  if (ent.contains("distritos")) {
    for (const auto& d : ent["distritos"]) {
      const int n = d.value("distrito", 0);
      char nombre[32];
      std::snprintf(nombre, sizeof nombre, "%02d.json", n);
      std::cout << "  Distrito " << n << " " << d.value("cabecera", "") << ": actas esperadas "
                << Miles(d.value("actas_esperadas", int64_t{0})) << ", capturadas "
                << Miles(d.value("actas_capturadas", int64_t{0})) << ", contabilizadas "
                << Miles(d.value("actas_contabilizadas", int64_t{0})) << "\n";
      auto td = LeerTodo(dir / "datos" / "distritos" / nombre);
      const json dj = td.ok() ? json::parse(*td, nullptr, false) : json();
      if (dj.is_object() && dj.contains("votos")) {
        ImprimirVotos(dj["votos"], "      ");
      } else {
        std::cout << "      (sin " << (fs::path("datos") / "distritos" / nombre).string() << ")\n";
      }
    }
  }

  std::cout << "\nHASHES FINALES\n"
            << "  manifest.json del corte final (SHA-256): " << store::Sha256Hex(*tm) << "\n"
            << "  Raíz Merkle de las " << Miles(m["merkle"].value("hojas", int64_t{0}))
            << " actas: " << m["merkle"].value("raiz", "") << "\n";
  const json bd = ent.value("base_de_datos", json());
  if (bd.is_object()) {
    std::cout << "  Base de datos " << bd.value("archivo", "")
              << " (SHA-256): " << bd.value("sha256", "") << "\n";
  }
  std::cout << "  Clave pública (Ed25519): " << m.value("clave_publica", "") << "\n"
            << "  Firma del manifiesto (manifest.json.sig): " << Firma(dir) << "\n"
            << "  Bitácora: " << (ultimo_seq.ok() ? Miles(*ultimo_seq) : "?")
            << " eventos; hash del último: " << ultimo_hash << "\n\n";
  std::cout << "COMPROBACIONES\n  Cadena de cortes, firmas, hashes y raíces Merkle: "
            << (verificado.ok()
                    ? "correctas (" + Miles(static_cast<int64_t>(verificado->archivos)) +
                          " archivos en " + std::to_string(verificado->cortes.size()) + " cortes)"
                    : "FALLA: " + verificado.status().message())
            << "\n  Cadena de hashes de la bitácora: "
            << (cadena.ok() ? "verifica" : "FALLA: " + cadena.message()) << "\n"
            << "  Cualquiera puede repetirlas: prep verify " << pub.string() << "\n\n"
            << "Firma y sello del notario: ______________________________\n";
  return final && verificado.ok() && cadena.ok() ? 0 : 1;
}

}  // namespace prep::cli
