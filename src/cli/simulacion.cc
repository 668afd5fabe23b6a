#include "cli/simulacion.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "base/tiempo.h"
#include "check/check.h"
#include "cli/operacion.h"
#include "formats/prep_database.h"
#include "formats/source.h"
#include "http/cliente.h"
#include "publish/verificar.h"
#include "sim/ejecutor.h"
#include "sim/informe.h"
#include "sim/replay.h"
#include "sim/sintetico.h"
#include "store/store.h"

extern char** environ;

namespace prep::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using nlohmann::ordered_json;

constexpr int64_t kMinuto = 60 * 1000;
constexpr char kAdmin[] = "admin";

std::atomic<bool> g_parar{false};
void AlParar(int) { g_parar = true; }

int Falla(const char* cmd, const std::string& m) {
  std::cerr << "prep " << cmd << ": " << m << "\n";
  return 2;
}

std::string Miles(int64_t n) {
  const std::string d = std::to_string(n < 0 ? -n : n);
  std::string s = n < 0 ? "-" : "";
  for (size_t i = 0; i < d.size(); ++i) {
    if (i > 0 && (d.size() - i) % 3 == 0) s += ',';
    s += d[i];
  }
  return s;
}

// A password that meets the policy (12+ characters, several classes).
std::string NuevaPassword() {
  static const char kLetras[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::random_device rd;
  std::string p = "Prep-";
  for (int i = 0; i < 12; ++i) p += kLetras[rd() % (sizeof(kLetras) - 1)];
  return p;
}

Result<int> PuertoLibre() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return Status::IoError("socket: cannot create");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t n = sizeof(a);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n) != 0) {
    ::close(fd);
    return Status::IoError("no free loopback port");
  }
  ::close(fd);
  return static_cast<int>(ntohs(a.sin_port));
}

std::string EsteEjecutable() {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? "prep" : p.string();
}

// `prep serve` as a child process on a loopback port; its output goes to
// DATA/serve.log. A simulacro kills and restarts it.
class Servidor {
 public:
  Servidor(std::string data, int puerto) : data_(std::move(data)), puerto_(puerto) {}
  ~Servidor() { Terminar(); }

  Status Iniciar() {
    const std::string exe = EsteEjecutable();
    const std::string listen = "127.0.0.1:" + std::to_string(puerto_);
    const std::string log = (fs::path(data_) / "serve.log").string();
    // A simulated night plays each person's work on a clock up to hundreds of times faster
    // than real time (a replay: as fast as the server goes), far beyond what one person's
    // session does: the per-session rate limit is off. The per-address limit on logins stays.
    std::vector<std::string> args = {
        exe, "serve", "--data", data_, "--listen", listen, "--tasa-por-sesion", "0"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, exe.c_str(), &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) return Status::IoError(exe + ": cannot start prep serve: " + std::strerror(rc));
    pid_ = pid;
    // Ready when it answers; it may first verify a long log.
    http::OpcionesCliente oc;
    oc.port = std::to_string(puerto_);
    oc.timeout_ms = 2000;
    http::Cliente c(oc);
    for (int i = 0; i < 1200; ++i) {
      auto r = c.Enviar("GET", "/api/v1/ping");
      if (r.ok() && r->status == 200) return Status::Ok();
      int st = 0;
      if (::waitpid(pid_, &st, WNOHANG) == pid_) {
        pid_ = 0;
        return Status::IoError("prep serve stopped at start; see " + log);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return Status::IoError("prep serve does not answer on " + listen + "; see " + log);
  }
  // SIGKILL, as a power cut would.
  void Matar() { Senal(SIGKILL, 0); }
  // SIGTERM, then SIGKILL after 10 s.
  void Terminar() { Senal(SIGTERM, 100); }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(puerto_) + "/"; }
  int puerto() const { return puerto_; }

 private:
  void Senal(int s, int esperas) {
    if (pid_ <= 0) return;
    ::kill(pid_, s);
    int st = 0;
    for (int i = 0; i < esperas; ++i) {
      if (::waitpid(pid_, &st, WNOHANG) == pid_) {
        pid_ = 0;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (s != SIGKILL) ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &st, 0);
    pid_ = 0;
  }
  std::string data_;
  int puerto_;
  pid_t pid_ = 0;
};

// The people of the night for an election: a CATD per distrito as the
// config's sedes say (or one), its CCVs (or one).
sim::Plantilla PlantillaDe(const Eleccion& e, const std::string& password, bool pequena) {
  sim::Plantilla p;
  p.password = password;
  p.ccv.clear();
  for (const auto& [id, sede] : e.opciones.sedes) {
    if (sede.tipo == "CATD") {
      if (!p.catd_de_distrito.count(sede.distrito)) p.catd_de_distrito[sede.distrito] = id;
    } else if (sede.tipo == "CCV") {
      p.ccv.push_back(id);
    }
  }
  if (!p.catd_de_distrito.empty()) p.catd_por_omision = p.catd_de_distrito.begin()->second;
  if (p.ccv.empty()) p.ccv = {"CCV1"};
  if (pequena) {
    p.capturistas_por_ccv = 4;
    p.verificadores_por_ccv = 1;
  }
  return p;
}

// Creates the users of the template that do not exist yet (before the
// server starts: the store has one writer).
Status CrearPlantilla(const std::string& data, const std::string& admin_password,
                      const sim::Plantilla& p) {
  PREP_ASSIGN_OR_RETURN(auto servicio, AbrirServicio(data));
  auth::Directorio& dir = servicio->directorio();
  std::set<std::string> existen;
  for (const auto& u : dir.Usuarios()) existen.insert(u.nombre);
  std::vector<sim::Plantilla::Usuario> faltan;
  for (const auto& u : p.Usuarios()) {
    if (!existen.count(u.nombre)) faltan.push_back(u);
  }
  if (faltan.empty()) return Status::Ok();
  std::cout << "Creando " << faltan.size() << " usuarios (argon2id)..." << std::flush;
  PREP_ASSIGN_OR_RETURN(auto sesion, dir.Login(kAdmin, admin_password, AhoraMs()));
  PREP_ASSIGN_OR_RETURN(auth::Usuario actor, dir.Autenticar(sesion.token, AhoraMs()));
  // Two at a time: hashing a password is the cost.
  std::mutex mu;
  Status primero = Status::Ok();
  std::atomic<size_t> siguiente{0};
  auto crear = [&] {
    for (size_t i; (i = siguiente++) < faltan.size();) {
      const auto& u = faltan[i];
      Status s = dir.CrearUsuario(actor, u.nombre, u.rol, u.sitio, p.password, AhoraMs());
      if (!s.ok()) {
        std::lock_guard<std::mutex> l(mu);
        if (primero.ok()) primero = Status(s.code(), u.nombre + ": " + s.message());
      }
    }
  };
  std::thread otro(crear);
  crear();
  otro.join();
  (void)dir.Logout(sesion.token, AhoraMs());
  std::cout << " listo." << std::endl;
  return primero;
}

// DATA/simulacion.json: what a second run needs to resume (0600: it holds
// the simulated users' password).
struct Estado {
  std::string tipo;  // "demo", "simulacro", "replay"
  std::string password;
  uint64_t semilla = 0;
  double factor = 0;
  int64_t virtual_ms = 0;  // where the night's clock stood when it stopped
  int puerto = 0;
};

std::string RutaEstado(const std::string& data) {
  return (fs::path(data) / "simulacion.json").string();
}

Result<Estado> LeerEstado(const std::string& data) {
  std::ifstream in(RutaEstado(data));
  if (!in) return Status::NotFound(RutaEstado(data) + ": not found");
  const json j = json::parse(in, nullptr, false);
  if (!j.is_object()) return Status::InvalidArgument(RutaEstado(data) + ": not JSON");
  Estado e;
  e.tipo = j.value("tipo", "");
  e.password = j.value("password", "");
  e.semilla = j.value("semilla", uint64_t{0});
  e.factor = j.value("factor", 0.0);
  e.virtual_ms = j.value("virtual_ms", int64_t{0});
  e.puerto = j.value("puerto", 0);
  return e;
}

Status EscribirEstado(const std::string& data, const Estado& e) {
  const std::string ruta = RutaEstado(data);
  {
    std::ofstream out(ruta + ".tmp", std::ios::trunc);
    out << ordered_json{{"tipo", e.tipo},     {"password", e.password},     {"semilla", e.semilla},
                        {"factor", e.factor}, {"virtual_ms", e.virtual_ms}, {"puerto", e.puerto}}
               .dump(2)
        << "\n";
    if (!out) return Status::IoError(ruta + ": cannot write");
  }
  std::error_code ec;
  fs::permissions(ruta + ".tmp", fs::perms::owner_read | fs::perms::owner_write, ec);
  fs::rename(ruta + ".tmp", ruta, ec);
  if (ec) return Status::IoError(ruta + ": " + ec.message());
  return Status::Ok();
}

// The latest acta event's time in the log: a resumed night's clock never
// goes back before it.
int64_t UltimoInstante(const std::string& data) {
  auto st = store::OpenStore(data);
  if (!st.ok()) return 0;
  int64_t ultimo = 0;
  for (int64_t next = 1;;) {
    auto lote = (*st)->Read(next, 10000);
    if (!lote.ok() || lote->empty()) break;
    for (const auto& e : *lote) {
      if (ops::EsEventoDeActa(e.type)) ultimo = std::max(ultimo, e.at_ms);
    }
    next = lote->back().seq + 1;
  }
  return ultimo;
}

struct Indice {
  std::vector<std::string> ids;
  std::vector<int64_t> instantes;
  std::vector<std::string> zips;  // per corte, "" when it has none
  bool final = false;
  std::string clave_publica;
};

Indice LeerIndice(const std::string& pub) {
  Indice out;
  std::ifstream in(fs::path(pub) / "cortes" / "index.json");
  if (!in) return out;
  const json j = json::parse(in, nullptr, false);
  if (!j.is_object() || !j.contains("cortes") || !j["cortes"].is_array()) return out;
  out.clave_publica = j.value("clave_publica", "");
  for (const auto& c : j["cortes"]) {
    out.ids.push_back(c.value("id", ""));
    out.instantes.push_back(c.value("instante_utc_ms", int64_t{0}));
    out.zips.push_back(c.value("base_de_datos", ""));
    out.final = out.final || c.value("final", false);
  }
  return out;
}

// prep verify over the whole chain, and prep check on every database zip.
struct Comprobacion {
  bool verifica = false;
  std::string verificacion;
  int64_t zips = 0, zips_ok = 0;
  std::string primer_fallo;
  bool ok() const { return verifica && zips == zips_ok; }
};

Comprobacion Comprobar(const std::string& data, const std::string& clave_publica) {
  Comprobacion c;
  const std::string pub = (fs::path(data) / "publicacion").string();
  auto fuente = publish::FuenteCarpeta(pub);
  publish::OpcionesVerificacion ov;
  ov.clave_publica = clave_publica;
  ov.imagenes = true;
  auto v = publish::VerificarEspejo(*fuente, ov);
  c.verifica = v.ok();
  c.verificacion = v.ok() ? std::to_string(v->cortes.size()) + " cortes, " +
                                std::to_string(v->archivos) + " archivos y " +
                                std::to_string(v->imagenes) + " imágenes verifican"
                          : v.status().message();
  const Indice idx = LeerIndice(pub);
  for (size_t i = 0; i < idx.ids.size(); ++i) {
    if (idx.zips[i].empty()) continue;
    ++c.zips;
    const std::string zip = (fs::path(pub) / "cortes" / idx.ids[i] / idx.zips[i]).string();
    auto reports = check::CheckPath(zip, {});
    bool ok = reports.ok() && !reports->empty();
    std::string por_que = reports.ok() ? "" : reports.status().message();
    if (reports.ok()) {
      for (const auto& r : *reports) {
        if (r.ExitCode() != 0 || r.reclassification.disagree != 0) {
          ok = false;
          por_que = "el encabezado no coincide con sus filas o la reclasificación difiere";
        }
      }
    }
    if (ok) {
      ++c.zips_ok;
    } else if (c.primer_fallo.empty()) {
      c.primer_fallo = zip + ": " + por_que;
    }
  }
  return c;
}

std::string HoraLocal(int64_t utc_ms, int offset) {
  return FormatearFecha(utc_ms, offset, FormatoFecha::kDiaMesAnio).substr(0, 16);
}

// One progress line: on a terminal it is rewritten in place.
class Progreso {
 public:
  Progreso(const std::string& pub, int offset, size_t actas)
      : pub_(pub), offset_(offset), actas_(actas), tty_(::isatty(1)) {}
  void operator()(const sim::Avance& a) {
    const auto ahora = std::chrono::steady_clock::now();
    if (!tty_ && ahora - ultima_ < std::chrono::seconds(15)) return;
    ultima_ = ahora;
    const Indice idx = LeerIndice(pub_);
    std::ostringstream s;
    s << HoraLocal(a.ahora_ms, offset_) << "  acopio " << Miles(static_cast<int64_t>(a.por_fase[0]))
      << " · imágenes " << Miles(static_cast<int64_t>(a.por_fase[1])) << " · capturas "
      << Miles(static_cast<int64_t>(a.por_fase[2])) << " · verificadas "
      << Miles(static_cast<int64_t>(a.actas_verificadas)) << "/"
      << Miles(static_cast<int64_t>(actas_)) << " · cortes " << idx.ids.size();
    if (a.errores_transporte + a.reintentos > 0)
      s << " · reintentos " << a.errores_transporte + a.reintentos;
    if (a.rechazos > 0) s << " · rechazos " << a.rechazos;
    if (tty_) {
      std::cout << "\r" << s.str() << "   " << std::flush;
    } else {
      std::cout << s.str() << std::endl;
    }
  }
  void Fin() {
    if (tty_) std::cout << std::endl;
  }

 private:
  std::string pub_;
  int offset_;
  size_t actas_;
  bool tty_;
  std::chrono::steady_clock::time_point ultima_{};
};

// Waits (real time) until the final corte is in the index, or `hasta_real_ms`;
// the progress line goes on showing the clock and the cortes.
bool EsperarFinal(const std::string& pub, int64_t hasta_real_ms, Progreso* progreso = nullptr,
                  sim::Avance avance = {}, const sim::RelojSimulado* reloj = nullptr) {
  int64_t siguiente = 0;
  while (!g_parar && sim::AhoraRealMs() < hasta_real_ms) {
    if (LeerIndice(pub).final) return true;
    if (progreso != nullptr && reloj != nullptr && sim::AhoraRealMs() >= siguiente) {
      avance.ahora_ms = reloj->Ahora(sim::AhoraRealMs());
      (*progreso)(avance);
      siguiente = sim::AhoraRealMs() + 1000;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return LeerIndice(pub).final;
}

// Prepares DATA for a simulated night of a config file: a simulacro election
// (created, or found from an earlier run of the same kind), its users, its
// state. `creada` says whether it was made now.
struct Preparada {
  Eleccion eleccion;
  Estado estado;
  sim::Plantilla plantilla;
  bool reanudada = false;
};

Result<Preparada> PrepararDesdeConfig(const std::string& tipo, const std::string& config,
                                      const OpcionesNoche& o, bool reanudar) {
  const std::string& data = o.data;
  std::error_code ec;
  auto previo = LeerEstado(data);
  if (o.desde_cero && fs::exists(data, ec)) {
    if (!previo.ok() && !fs::is_empty(data, ec)) {
      return Status::FailedPrecondition(
          data +
          ": no es una carpeta de prep demo/simulacro (no tiene simulacion.json); no se borra");
    }
    fs::remove_all(data, ec);
    if (ec) return Status::IoError(data + ": cannot remove: " + ec.message());
    previo = Status::NotFound("");
  }
  Preparada p;
  if (previo.ok()) {
    if (previo->tipo != tipo) {
      return Status::FailedPrecondition(data + ": holds a " + previo->tipo + ", not a " + tipo +
                                        "; use another folder or --desde-cero");
    }
    if (!reanudar) {
      return Status::FailedPrecondition(data + ": holds an earlier " + tipo +
                                        "; use another folder or --desde-cero");
    }
    p.estado = *previo;
    p.reanudada = true;
  } else {
    if (fs::exists(data, ec) && !fs::is_empty(data, ec)) {
      return Status::FailedPrecondition(data + ": not empty; choose an empty or new folder");
    }
    p.estado.tipo = tipo;
    p.estado.password = NuevaPassword();
    p.estado.semilla = o.semilla;
    OpcionesInit init;
    init.admin = kAdmin;
    init.admin_password = p.estado.password;
    init.simulacro = true;
    std::cout << "Creando la elección de simulacro en " << data << " desde " << config << "..."
              << std::endl;
    PREP_RETURN_IF_ERROR(InitDesdeConfig(config, data, init));
    PREP_RETURN_IF_ERROR(EscribirEstado(data, p.estado));
  }
  PREP_ASSIGN_OR_RETURN(p.eleccion, CargarEleccion(data));
  if (!p.eleccion.simulacro) {
    return Status::FailedPrecondition(data +
                                      ": is a live election; a simulated night needs a simulacro");
  }
  if (!p.eleccion.acuerdos) {
    return Status::FailedPrecondition(config + ": has no acuerdos (publication schedule)");
  }
  p.plantilla = PlantillaDe(p.eleccion, p.estado.password, false);
  PREP_RETURN_IF_ERROR(CrearPlantilla(data, p.estado.password, p.plantilla));
  return p;
}

// The clock of the night: from 15 minutes before the start of publication to
// 5 minutes after the last update, in `minutos` real minutes; a resumed night
// continues where it stopped.
sim::RelojSimulado RelojDeNoche(const formats::Acuerdos& a, Estado& e, double minutos,
                                const std::string& data) {
  const int64_t desde = a.inicio_publicacion_utc_ms - 15 * kMinuto;
  const int64_t hasta = a.ultima_actualizacion_utc_ms + 5 * kMinuto;
  if (e.factor <= 0) {
    e.factor = static_cast<double>(hasta - desde) / std::max(0.05, minutos) / 60000.0;
  }
  sim::RelojSimulado r;
  r.factor = e.factor;
  r.virtual_ms = std::max({desde, e.virtual_ms, UltimoInstante(data)});
  r.real_ms = sim::AhoraRealMs();
  return r;
}

// The loopback port of the night's server: the one asked for, else the one an
// earlier run of this folder used (a resumed demo keeps its URLs), else a free
// one; recorded in the folder's state.
Result<int> ElegirPuerto(int pedido, bool reusar, Estado& estado, const std::string& data) {
  int puerto = pedido != 0 ? pedido : reusar ? estado.puerto : 0;
  if (puerto == 0) {
    PREP_ASSIGN_OR_RETURN(puerto, PuertoLibre());
  }
  estado.puerto = puerto;
  (void)EscribirEstado(data, estado);
  return puerto;
}

// The executor's options common to every night.
sim::OpcionesEjecutor OpcionesDeNoche(int puerto, const sim::RelojSimulado& reloj, int hilos,
                                      const sim::Plantilla& plantilla, Progreso& progreso) {
  sim::OpcionesEjecutor oe;
  oe.port = std::to_string(puerto);
  oe.reloj = reloj;
  oe.hilos = hilos;
  oe.plantilla = plantilla;
  oe.parar = &g_parar;
  oe.avance = [&progreso](const sim::Avance& a) { progreso(a); };
  return oe;
}

// The synthetic night of a config election (Coahuila's voting profile for entidad 5).
sim::Guion NocheSintetica(const Eleccion& e, uint64_t semilla) {
  sim::OpcionesSintetico os;
  os.semilla = semilla;
  os.cierre_ms = e.acuerdos->inicio_publicacion_utc_ms;
  os.fin_ms = e.acuerdos->ultima_actualizacion_utc_ms;
  if (e.catalogo.entidad_id == 5) os.perfil = sim::PerfilCoahuila2020();
  return sim::GuionSintetico(*e.contienda, os);
}

void Instalar() {
  g_parar = false;
  std::signal(SIGINT, AlParar);
  std::signal(SIGTERM, AlParar);
}

void ImprimirAccesos(const Servidor& srv, const Estado& e, const sim::Plantilla& p) {
  std::cout << "\n  Sitio público:   " << srv.Url() << "\n  API:             " << srv.Url()
            << "api/v1/  (docs/openapi.yaml)\n  Consola:         " << srv.Url()
            << "consola/\n  Usuarios:        " << kAdmin << " (administrador), "
            << sim::Plantilla::Coordinador() << ", " << sim::Plantilla::Auditor() << ", consulta, "
            << p.Usuarios().front().nombre << ", ... (prep users list --data "
            << "<carpeta>)\n  Contraseña de todos: " << e.password << "\n"
            << std::endl;
}

}  // namespace

int Demo(const OpcionesDemo& o) {
  Instalar();
  auto prep = PrepararDesdeConfig("demo", o.config, o.noche, /*reanudar=*/true);
  if (!prep.ok()) return Falla("demo", prep.status().message());
  const std::string& data = o.noche.data;
  const formats::Acuerdos& acuerdos = *prep->eleccion.acuerdos;
  Estado& estado = prep->estado;
  const sim::RelojSimulado reloj = RelojDeNoche(acuerdos, estado, o.noche.minutos, data);
  if (Status s = sim::EscribirReloj(data, reloj); !s.ok()) return Falla("demo", s.message());
  auto puerto_o = ElegirPuerto(o.noche.puerto, /*reusar=*/true, estado, data);
  if (!puerto_o.ok()) return Falla("demo", puerto_o.status().message());
  const int puerto = *puerto_o;

  Servidor srv(data, puerto);
  if (Status s = srv.Iniciar(); !s.ok()) return Falla("demo", s.message());
  const int offset = acuerdos.offset_minutos;
  std::cout << (prep->reanudada ? "Se reanuda la noche" : "La noche del PREP") << " de "
            << prep->eleccion.catalogo.entidad_nombre << ": "
            << Miles(static_cast<int64_t>(prep->eleccion.catalogo.actas.size()))
            << " actas, publicación del " << HoraLocal(acuerdos.inicio_publicacion_utc_ms, offset)
            << " al " << HoraLocal(acuerdos.ultima_actualizacion_utc_ms, offset) << " "
            << EtiquetaOffset(offset) << ", con el reloj " << std::lround(reloj.factor)
            << " veces más rápido (SIMULACRO).";
  ImprimirAccesos(srv, estado, prep->plantilla);

  const sim::Guion guion = NocheSintetica(prep->eleccion, estado.semilla);

  const std::string pub = (fs::path(data) / "publicacion").string();
  Progreso progreso(pub, offset, prep->eleccion.catalogo.actas.size());
  sim::Ejecutor ejecutor(OpcionesDeNoche(puerto, reloj, o.noche.hilos, prep->plantilla, progreso));
  auto res = ejecutor.Ejecutar(guion);
  if (!res.ok()) {
    progreso.Fin();
    srv.Terminar();
    return Falla("demo", res.status().message());
  }
  // The night goes on until its final corte.
  const int64_t fin_real = reloj.RealDe(acuerdos.ultima_actualizacion_utc_ms) + 60'000;
  bool final = !g_parar && EsperarFinal(pub, fin_real, &progreso, res->final, &reloj);
  progreso(res->final);
  progreso.Fin();
  estado.virtual_ms = reloj.Ahora(sim::AhoraRealMs());
  (void)EscribirEstado(data, estado);
  if (g_parar && !final) {
    srv.Terminar();
    std::cout << "Detenida a las " << HoraLocal(estado.virtual_ms, offset)
              << " (hora de la elección). `prep demo --data " << data
              << "` la reanuda; --desde-cero empieza otra." << std::endl;
    return 130;
  }
  for (const auto& i : res->incidentes) {
    std::cout << "  incidente " << HoraLocal(i.at_ms, offset) << ": " << i.que << "\n";
  }
  if (!final) {
    srv.Terminar();
    std::cout << "No se publicó el corte final; ver " << data << "/serve.log" << std::endl;
    return 1;
  }
  const Indice idx = LeerIndice(pub);
  std::cout << "Corte final " << idx.ids.back() << ": " << idx.ids.size()
            << " cortes publicados. Comprobando cada uno con prep verify y prep check..."
            << std::endl;
  const Comprobacion c = Comprobar(data, idx.clave_publica);
  std::cout << "  prep verify: " << (c.verifica ? "verifica — " : "NO VERIFICA — ")
            << c.verificacion << "\n  prep check:  " << c.zips_ok << " de " << c.zips
            << " bases de datos coinciden con sus filas"
            << (c.primer_fallo.empty() ? "" : " (" + c.primer_fallo + ")") << std::endl;
  const bool quedarse = o.quedarse < 0 ? ::isatty(0) && ::isatty(1) : o.quedarse > 0;
  if (quedarse && !g_parar) {
    std::cout << "\nEl sitio sigue en " << srv.Url() << " — Ctrl-C para terminar." << std::endl;
    while (!g_parar) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  srv.Terminar();
  return c.ok() && res->incidentes.empty() ? 0 : 1;
}

namespace {

// A session of the coordinador, to force cortes through the API.
class Coordinacion {
 public:
  Coordinacion(int puerto, std::string password) : password_(std::move(password)) {
    http::OpcionesCliente oc;
    oc.port = std::to_string(puerto);
    oc.timeout_ms = 120'000;
    cliente_ = std::make_unique<http::Cliente>(oc);
  }
  // POST /api/v1/cortes; the corte's id.
  Result<std::string> Corte(bool final) {
    for (int intento = 0; intento < 3; ++intento) {
      if (token_.empty()) {
        auto r = cliente_->Enviar(
            "POST", "/api/v1/sesiones",
            ordered_json{{"usuario", sim::Plantilla::Coordinador()}, {"password", password_}}
                .dump());
        if (!r.ok()) return r.status();
        const json j = json::parse(r->body, nullptr, false);
        if (r->status != 201 || !j.is_object()) {
          return Status::FailedPrecondition("coordinador: login HTTP " + std::to_string(r->status));
        }
        token_ = j.value("token", "");
      }
      auto r = cliente_->Enviar("POST", "/api/v1/cortes", ordered_json{{"final", final}}.dump(),
                                {{"Authorization", "Bearer " + token_}});
      if (!r.ok()) return r.status();
      if (r->status == 401) {
        token_.clear();
        continue;
      }
      const json j = json::parse(r->body, nullptr, false);
      if (r->status != 201 || !j.is_object()) {
        return Status::FailedPrecondition("POST /api/v1/cortes: HTTP " + std::to_string(r->status) +
                                          " " + r->body);
      }
      return j.value("corte", "");
    }
    return Status::FailedPrecondition("coordinador: the session keeps expiring");
  }

 private:
  std::string password_;
  std::string token_;
  std::unique_ptr<http::Cliente> cliente_;
};

// A folder for a new run: empty, or an earlier run's removed with --desde-cero.
Status CarpetaNueva(const OpcionesNoche& o) {
  std::error_code ec;
  if (!fs::exists(o.data, ec) || fs::is_empty(o.data, ec)) return Status::Ok();
  if (!o.desde_cero) {
    return Status::FailedPrecondition(o.data + ": not empty; choose a new folder or --desde-cero");
  }
  if (!LeerEstado(o.data).ok()) {
    return Status::FailedPrecondition(o.data +
                                      ": no es una carpeta de prep demo/simulacro/replay (no tiene "
                                      "simulacion.json); no se borra");
  }
  fs::remove_all(o.data, ec);
  if (ec) return Status::IoError(o.data + ": cannot remove: " + ec.message());
  return Status::Ok();
}

std::string Pct(int64_t x) { return domain::Percent4{x}.ToString(); }

}  // namespace

int Replay(const OpcionesReplay& o) {
  Instalar();
  const std::string& data = o.noche.data;
  // The file, and what prep check recomputes from it with our classifier.
  auto files = formats::ReadResultsFiles(o.archivo);
  if (!files.ok()) return Falla("replay", files.status().message());
  if (files->size() != 1) {
    return Falla("replay", o.archivo + ": holds " + std::to_string(files->size()) +
                               " results tables; give one (a CSV, or a zip with one)");
  }
  auto db = formats::PrepDatabase::Open((*files)[0].name, std::move((*files)[0].bytes));
  if (!db.ok()) return Falla("replay", db.status().message());
  auto esperado = check::CheckDatabase(**db, {});
  if (!esperado.ok()) return Falla("replay", esperado.status().message());
  if (esperado->computos) {
    return Falla("replay", o.archivo + ": a cómputos database; it has no PREP night to replay");
  }
  if (Status s = CarpetaNueva(o.noche); !s.ok()) return Falla("replay", s.message());

  Estado estado;
  estado.tipo = "replay";
  estado.password = NuevaPassword();
  OpcionesInit init;
  init.admin = kAdmin;
  init.admin_password = estado.password;
  init.simulacro = true;
  std::cout << "Creando la elección de " << o.archivo << " en " << data << "..." << std::endl;
  if (Status s = InitDesdePrepCsv(o.archivo, data, init); !s.ok())
    return Falla("replay", s.message());
  if (Status s = EscribirEstado(data, estado); !s.ok()) return Falla("replay", s.message());
  auto eleccion = CargarEleccion(data);
  if (!eleccion.ok()) return Falla("replay", eleccion.status().message());
  const sim::Plantilla plantilla = PlantillaDe(*eleccion, estado.password, true);
  if (Status s = CrearPlantilla(data, estado.password, plantilla); !s.ok())
    return Falla("replay", s.message());
  auto replay = sim::GuionDeBase(**db, eleccion->catalogo);
  if (!replay.ok()) return Falla("replay", replay.status().message());
  if (o.sin_esperas) {
    // Every step is due now; the order within each acta is kept.
    for (auto& a : replay->guion.actas) {
      for (auto& p : a.pasos) p.at_ms = 0;
    }
  }
  const auto [desde, hasta] =
      o.sin_esperas ? std::pair{sim::AhoraRealMs(), sim::AhoraRealMs()} : replay->guion.Intervalo();
  const int offset = replay->offset_minutos;

  sim::RelojSimulado reloj;
  reloj.factor = o.sin_esperas     ? 1
                 : o.velocidad > 0 ? o.velocidad
                                   : static_cast<double>(hasta - desde + 10 * kMinuto) /
                                         std::max(0.05, o.noche.minutos) / 60000.0;
  reloj.virtual_ms = o.sin_esperas ? sim::AhoraRealMs() : desde - kMinuto;
  reloj.real_ms = sim::AhoraRealMs();
  estado.factor = reloj.factor;
  auto puerto_o = ElegirPuerto(o.noche.puerto, /*reusar=*/false, estado, data);
  if (!puerto_o.ok()) return Falla("replay", puerto_o.status().message());
  const int puerto = *puerto_o;
  if (!o.sin_esperas) {
    if (Status s = sim::EscribirReloj(data, reloj); !s.ok()) return Falla("replay", s.message());
  }
  Servidor srv(data, puerto);
  if (Status s = srv.Iniciar(); !s.ok()) return Falla("replay", s.message());
  std::cout << "Repitiendo " << Miles(static_cast<int64_t>(replay->filas)) << " actas del "
            << HoraLocal(desde, offset) << " al " << HoraLocal(hasta, offset) << " "
            << EtiquetaOffset(offset) << ", " << std::lround(reloj.factor)
            << " veces más rápido; un corte cada " << o.cortes_cada_min
            << " minutos de la elección. Sitio: " << srv.Url() << std::endl;
  if (replay->fuera_de_la_noche > 0) {
    std::cout << "  " << replay->fuera_de_la_noche
              << " horas publicadas caen fuera de la noche (antes de 30 h previas al corte, o "
                 "después del corte): se llevan a su orilla"
              << std::endl;
  }
  if (replay->reconstruidas > 0) {
    std::cout << "  " << replay->reconstruidas
              << " actas no contabilizadas se publicaron sin sus cifras; se capturan como dice su "
                 "observación (todo ilegible, vacío, o excede la lista nominal)"
              << std::endl;
  }

  const std::string pub = (fs::path(data) / "publicacion").string();
  Progreso progreso(pub, offset, replay->guion.actas.size());
  const sim::OpcionesEjecutor oe =
      OpcionesDeNoche(puerto, reloj, o.noche.hilos, plantilla, progreso);
  std::optional<Result<sim::Resultado>> res;
  std::atomic<bool> terminado{false};
  const auto t_inicio = std::chrono::steady_clock::now();
  std::thread jugar([&] {
    sim::Ejecutor ejecutor(oe);
    res.emplace(ejecutor.Ejecutar(replay->guion));
    terminado = true;
  });
  // Cortes on the clock, forced by the coordinador (a published database
  // carries no acuerdos).
  Coordinacion coord(puerto, estado.password);
  const int64_t cada = o.cortes_cada_min * kMinuto;
  int64_t siguiente = (desde / cada + 1) * cada;
  int64_t ultimo_corte = 0;
  std::optional<Status> fallo;
  while (!terminado && !g_parar) {
    const int64_t ahora = reloj.Ahora(sim::AhoraRealMs());
    if (ahora >= siguiente) {
      auto c = coord.Corte(false);
      if (!c.ok()) {
        fallo = c.status();
        break;
      }
      ultimo_corte = reloj.Ahora(sim::AhoraRealMs());
      siguiente = (ultimo_corte / cada + 1) * cada;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (fallo) g_parar = true;
  jugar.join();
  progreso.Fin();
  if (fallo) return Falla("replay", fallo->message());
  if (!res->ok()) return Falla("replay", res->status().message());
  if (g_parar) {
    std::cout << "Detenido." << std::endl;
    return 130;
  }
  for (const auto& i : (*res)->incidentes) {
    std::cout << "  incidente " << HoraLocal(i.at_ms, offset) << ": " << i.que << "\n";
  }
  // The final corte, in a minute of its own.
  while (reloj.Ahora(sim::AhoraRealMs()) < std::max(hasta, ultimo_corte) + kMinuto) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const auto t_operacion = std::chrono::steady_clock::now();
  auto final_id = coord.Corte(true);
  if (!final_id.ok()) return Falla("replay", final_id.status().message());
  const auto t_final = std::chrono::steady_clock::now();
  {
    // The whole pipeline, for bench/pipeline_bench.sh: every step through the
    // API (durable), the cortes on the way, and the final corte published.
    const double segundos = std::chrono::duration<double>(t_final - t_inicio).count();
    const double corte_final = std::chrono::duration<double>(t_final - t_operacion).count();
    size_t pasos = 0;
    for (const auto& a : replay->guion.actas) pasos += a.pasos.size();
    std::ostringstream m;
    m.setf(std::ios::fixed);
    m.precision(1);
    m << "TUBERIA actas=" << replay->guion.actas.size() << " pasos=" << pasos
      << " cortes=" << LeerIndice(pub).ids.size() << " segundos=" << segundos
      << " actas_por_segundo=" << static_cast<double>(replay->guion.actas.size()) / segundos
      << " pasos_por_segundo=" << static_cast<double>(pasos) / segundos
      << " corte_final_segundos=" << corte_final;
    std::cout << m.str() << std::endl;
  }
  const Indice idx = LeerIndice(pub);
  srv.Terminar();

  // The final corte against the file, as prep check recomputes it.
  const std::string zip = (fs::path(pub) / "cortes" / *final_id / idx.zips.back()).string();
  auto nuestro = check::CheckPath(zip, {});
  if (!nuestro.ok() || nuestro->size() != 1) {
    return Falla(
        "replay",
        zip + ": " + (nuestro.ok() ? "not one results table" : nuestro.status().message()));
  }
  const check::CheckReport& r = nuestro->front();
  std::cout
      << "Corte final " << *final_id << " (" << idx.ids.size()
      << " cortes) frente a lo que prep check recalcula del archivo con nuestro clasificador:\n";
  int diferencias = 0;
  for (int i = 0; i < domain::kSummaryFieldCount; ++i) {
    const auto f = static_cast<domain::SummaryField>(i);
    const int64_t a = esperado->reclasificado.Get(f), b = r.recomputed.Get(f);
    const bool pct = domain::IsPercentField(f);
    std::cout << "  " << domain::SummaryFieldName(f)
              << std::string(36 - std::min<size_t>(35, domain::SummaryFieldName(f).size()), ' ')
              << (pct ? Pct(a) : Miles(a)) << "  " << (pct ? Pct(b) : Miles(b))
              << (a == b ? "" : "   DIFIERE") << "\n";
    diferencias += a != b;
  }
  if (esperado->columnas_reclasificadas.size() != r.columns.size()) {
    std::cout << "  columnas: " << esperado->columnas_reclasificadas.size() << " en el archivo, "
              << r.columns.size() << " en el corte\n";
    ++diferencias;
  } else {
    int col_dif = 0;
    for (size_t k = 0; k < r.columns.size(); ++k) {
      if (esperado->columnas_reclasificadas[k].second != r.columns[k].second) {
        std::cout << "  " << r.columns[k].first << ": "
                  << esperado->columnas_reclasificadas[k].second << " en el archivo, "
                  << r.columns[k].second << " en el corte   DIFIERE\n";
        ++col_dif;
      }
    }
    std::cout << "  " << r.columns.size() - static_cast<size_t>(col_dif) << " de "
              << r.columns.size() << " columnas de votos suman lo mismo\n";
    diferencias += col_dif;
  }
  const Comprobacion c = Comprobar(data, idx.clave_publica);
  std::cout << "  prep verify: " << (c.verifica ? "verifica — " : "NO VERIFICA — ")
            << c.verificacion << "\n  prep check:  " << c.zips_ok << " de " << c.zips
            << " bases de datos coinciden con sus filas"
            << (c.primer_fallo.empty() ? "" : " (" + c.primer_fallo + ")") << std::endl;
  std::cout << (diferencias == 0 ? "Resultado: el corte final coincide con el archivo.\n"
                                 : "Resultado: el corte final DIFIERE del archivo.\n");
  return diferencias == 0 && c.ok() && (*res)->incidentes.empty() ? 0 : 1;
}

namespace {

double Percentil(std::vector<int64_t>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i =
      std::min(v.size() - 1,
               static_cast<size_t>(std::ceil(p * static_cast<double>(v.size()))) - (p > 0 ? 1 : 0));
  return static_cast<double>(v[i]) / 1000.0;
}

// Cumulative counts of distinct actas over time, from (instant, acta) pairs.
sim::SerieAvance Serie(std::string nombre, std::vector<std::pair<int64_t, uint32_t>> eventos,
                       int64_t paso_ms, int64_t desde, int64_t hasta) {
  std::sort(eventos.begin(), eventos.end());
  std::set<uint32_t> vistas;
  sim::SerieAvance s;
  s.nombre = std::move(nombre);
  size_t i = 0;
  for (int64_t t = desde; t <= hasta; t += paso_ms) {
    while (i < eventos.size() && eventos[i].first <= t) vistas.insert(eventos[i++].second);
    s.puntos.emplace_back(t, static_cast<int64_t>(vistas.size()));
  }
  return s;
}

}  // namespace

int Simulacro(const OpcionesSimulacro& o) {
  Instalar();
  std::set<std::string> fallas(o.fallas.begin(), o.fallas.end());
  if (fallas.count("todas")) fallas = {"reinicio", "lenta", "soltada", "duplicado", "catd"};
  for (const std::string& f : fallas) {
    if (f != "reinicio" && f != "lenta" && f != "soltada" && f != "duplicado" && f != "catd") {
      return Falla("simulacro", "--fallas: '" + f +
                                    "' is not reinicio, lenta, soltada, duplicado, catd or todas");
    }
  }
  if (Status s = CarpetaNueva(o.noche); !s.ok()) return Falla("simulacro", s.message());
  auto prep = PrepararDesdeConfig("simulacro", o.config, o.noche, /*reanudar=*/false);
  if (!prep.ok()) return Falla("simulacro", prep.status().message());
  const std::string& data = o.noche.data;
  const formats::Acuerdos& acuerdos = *prep->eleccion.acuerdos;
  const int offset = acuerdos.offset_minutos;
  Estado& estado = prep->estado;
  const sim::RelojSimulado reloj = RelojDeNoche(acuerdos, estado, o.noche.minutos, data);
  if (Status s = sim::EscribirReloj(data, reloj); !s.ok()) return Falla("simulacro", s.message());
  auto puerto_o = ElegirPuerto(o.noche.puerto, /*reusar=*/false, estado, data);
  if (!puerto_o.ok()) return Falla("simulacro", puerto_o.status().message());
  const int puerto = *puerto_o;
  Servidor srv(data, puerto);
  if (Status s = srv.Iniciar(); !s.ok()) return Falla("simulacro", s.message());
  const int64_t t_real_inicio = sim::AhoraRealMs();

  const sim::Guion guion = NocheSintetica(prep->eleccion, estado.semilla);
  const int64_t cierre = acuerdos.inicio_publicacion_utc_ms;  // the arrival curve's origin

  sim::Fallas f;
  f.semilla = estado.semilla;
  std::vector<std::string> descripciones;
  if (fallas.count("duplicado")) {
    f.duplicados = 0.03;
    descripciones.push_back(
        "3 % de las escrituras se envían dos veces (la segunda debe reconocerse como repetición)");
  }
  if (fallas.count("soltada")) {
    f.soltadas = 0.03;
    descripciones.push_back(
        "3 % de las conexiones se cortan después de enviar la solicitud y antes de la respuesta; "
        "el operador reintenta");
  }
  if (fallas.count("lenta")) {
    f.catd_lentas = 0.25;
    f.bytes_por_segundo_lento = 64 * 1024;
    descripciones.push_back("25 % de los CATD suben sus imágenes por un enlace lento (64 KB/s)");
  }
  if (fallas.count("catd") && !prep->plantilla.catd_de_distrito.empty()) {
    const std::string catd = prep->plantilla.catd_de_distrito.begin()->second;
    f.desconexiones.push_back({catd, cierre + 2 * 60 * kMinuto, cierre + 4 * 60 * kMinuto});
    descripciones.push_back(catd + " sin red de las " +
                            HoraLocal(cierre + 2 * 60 * kMinuto, offset).substr(11) + " a las " +
                            HoraLocal(cierre + 4 * 60 * kMinuto, offset).substr(11) +
                            "; registra y digitaliza lo pendiente al volver");
  }
  const int reinicios = fallas.count("reinicio") ? o.reinicios : 0;
  if (reinicios > 0) {
    descripciones.push_back("el servidor se mata con SIGKILL " + std::to_string(reinicios) +
                            " veces durante la noche y se vuelve a iniciar");
  }
  std::cout << "Simulacro de " << prep->eleccion.catalogo.entidad_nombre << " ("
            << Miles(static_cast<int64_t>(prep->eleccion.catalogo.actas.size()))
            << " actas), reloj " << std::lround(reloj.factor)
            << " veces más rápido. Sitio: " << srv.Url() << "\n";
  for (const auto& d : descripciones) std::cout << "  falla: " << d << "\n";

  const std::string pub = (fs::path(data) / "publicacion").string();
  Progreso progreso(pub, offset, prep->eleccion.catalogo.actas.size());
  sim::OpcionesEjecutor oe =
      OpcionesDeNoche(puerto, reloj, o.noche.hilos, prep->plantilla, progreso);
  oe.fallas = f;
  std::optional<Result<sim::Resultado>> res;
  std::atomic<bool> terminado{false};
  std::thread jugar([&] {
    sim::Ejecutor ejecutor(oe);
    res.emplace(ejecutor.Ejecutar(guion));
    terminado = true;
  });
  // Power cuts: SIGKILL at evenly spaced instants of the busy hours.
  std::vector<sim::ReinicioInforme> cortes_de_luz;
  std::optional<Status> fallo;
  for (int i = 0; i < reinicios && !g_parar && !fallo; ++i) {
    const int64_t cuando = cierre + kMinuto * (60 + i * 8 * 60 / std::max(1, reinicios));
    while (!g_parar && reloj.Ahora(sim::AhoraRealMs()) < cuando) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (g_parar) break;
    const int64_t t0 = sim::AhoraRealMs();
    srv.Matar();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    if (Status s = srv.Iniciar(); !s.ok()) {
      fallo = s;
      break;
    }
    cortes_de_luz.push_back({reloj.Ahora(t0), sim::AhoraRealMs() - t0});
    progreso.Fin();
    std::cout << "  reinicio " << i + 1 << " a las " << HoraLocal(reloj.Ahora(t0), offset) << ": "
              << (sim::AhoraRealMs() - t0) << " ms sin servicio" << std::endl;
  }
  if (fallo) g_parar = true;
  jugar.join();
  if (fallo) return Falla("simulacro", fallo->message());
  if (!res->ok()) return Falla("simulacro", res->status().message());
  const bool final =
      !g_parar && EsperarFinal(pub, reloj.RealDe(acuerdos.ultima_actualizacion_utc_ms) + 60'000,
                               &progreso, (*res)->final, &reloj);
  progreso.Fin();
  srv.Terminar();
  const sim::Resultado& r = **res;

  // Every acknowledged step, looked up in the log.
  sim::DatosInforme d;
  {
    auto st = store::OpenStore(data);
    if (!st.ok()) return Falla("simulacro", st.status().message());
    const Status cadena = (*st)->VerifyChain();
    d.integridad.cadena_ok = cadena.ok();
    d.integridad.cadena = cadena.ok() ? "la cadena de hashes verifica" : cadena.message();
    std::map<std::pair<std::string, std::string>, int> veces;
    for (int64_t next = 1;;) {
      auto lote = (*st)->Read(next, 10000);
      if (!lote.ok()) return Falla("simulacro", lote.status().message());
      if (lote->empty()) break;
      for (const auto& e : *lote) {
        if (ops::EsEventoDeActa(e.type)) ++veces[{e.actor, e.idempotency_key}];
      }
      next = lote->back().seq + 1;
    }
    for (const sim::Acuse& a : r.acuses) {
      const sim::ActaGuion& acta = guion.actas[a.acta];
      const auto it = veces.find({prep->plantilla.QuienHace(acta, acta.pasos[a.paso]),
                                  sim::ClaveIdempotencia(acta, a.paso)});
      ++d.integridad.acuses;
      if (it == veces.end()) {
        ++d.integridad.perdidos;
      } else {
        ++d.integridad.encontrados;
        if (it->second > 1) ++d.integridad.duplicados;
      }
    }
  }
  const Indice idx = LeerIndice(pub);
  const Comprobacion c = Comprobar(data, idx.clave_publica);
  d.publicacion.cortes = static_cast<int64_t>(idx.ids.size());
  d.publicacion.verifica = c.verifica;
  d.publicacion.verificacion = c.verificacion;
  d.publicacion.zips = c.zips;
  d.publicacion.zips_ok = c.zips_ok;
  d.publicacion.final_id = final && !idx.ids.empty() ? idx.ids.back() : "";

  d.titulo = "Simulacro — " + prep->eleccion.catalogo.eleccion + ", " +
             prep->eleccion.catalogo.entidad_nombre;
  d.eleccion = prep->eleccion.catalogo.eleccion;
  d.offset_minutos = offset;
  d.inicio_ms = acuerdos.inicio_publicacion_utc_ms;
  d.fin_ms = acuerdos.ultima_actualizacion_utc_ms;
  d.generado_utc_ms = sim::AhoraRealMs();
  d.factor = reloj.factor;
  d.minutos_reales = static_cast<double>(d.generado_utc_ms - t_real_inicio) / 60000.0;
  d.actas_esperadas = static_cast<int64_t>(prep->eleccion.catalogo.actas.size());
  std::array<std::vector<int64_t>, sim::kFases> latencias;
  std::array<int64_t, sim::kFases> reintentos{};
  std::array<std::vector<std::pair<int64_t, uint32_t>>, sim::kFases> por_fase;
  std::map<uint32_t, int> capturas;
  std::vector<std::pair<int64_t, uint32_t>> capturadas;
  for (const sim::Acuse& a : r.acuses) {
    const auto k = static_cast<size_t>(a.fase);
    latencias[k].push_back(a.latencia_us);
    reintentos[k] += a.intentos - 1;
    if (guion.actas[a.acta].fuera_de_catalogo) continue;
    por_fase[k].emplace_back(a.at_ms, a.acta);
    if (a.fase == sim::Fase::kCaptura && ++capturas[a.acta] == 2)
      capturadas.emplace_back(a.at_ms, a.acta);
    if (a.fase == sim::Fase::kAcopio && guion.actas[a.acta].sin_acta)
      capturadas.emplace_back(a.at_ms, a.acta);
  }
  for (int k = 0; k < sim::kFases; ++k) {
    if (latencias[k].empty()) continue;
    sim::FaseInforme fi;
    fi.fase = std::string(sim::NombreFase(static_cast<sim::Fase>(k)));
    fi.pasos = static_cast<int64_t>(latencias[k].size());
    fi.reintentos = reintentos[k];
    fi.p50_ms = Percentil(latencias[k], 0.5);
    fi.p90_ms = Percentil(latencias[k], 0.9);
    fi.p99_ms = Percentil(latencias[k], 0.99);
    fi.max_ms = Percentil(latencias[k], 1.0);
    d.fases.push_back(fi);
  }
  auto dentro = [&](const std::vector<std::pair<int64_t, uint32_t>>& ev) {
    std::set<uint32_t> s;
    for (const auto& [t, a] : ev) {
      if (t <= d.fin_ms) s.insert(a);
    }
    return static_cast<int64_t>(s.size());
  };
  const int64_t paso = 15 * kMinuto;
  const int64_t desde = acuerdos.inicio_publicacion_utc_ms,
                hasta = acuerdos.ultima_actualizacion_utc_ms;
  for (auto [nombre, fase] : {std::pair{"acopiadas", sim::Fase::kAcopio},
                              std::pair{"digitalizadas", sim::Fase::kDigitalizacion}}) {
    d.dentro_de_ventana.emplace_back(nombre, dentro(por_fase[static_cast<size_t>(fase)]));
    d.avance.push_back(Serie(nombre, por_fase[static_cast<size_t>(fase)], paso, desde, hasta));
  }
  d.dentro_de_ventana.emplace_back("capturadas", dentro(capturadas));
  d.avance.push_back(Serie("capturadas", capturadas, paso, desde, hasta));
  d.dentro_de_ventana.emplace_back("verificadas",
                                   dentro(por_fase[static_cast<size_t>(sim::Fase::kVerificacion)]));
  d.avance.push_back(Serie("verificadas", por_fase[static_cast<size_t>(sim::Fase::kVerificacion)],
                           paso, desde, hasta));
  // Published: ACTAS_CAPTURADAS of each corte, as its entidad.json says.
  sim::SerieAvance publicadas;
  publicadas.nombre = "publicadas";
  for (size_t i = 0; i < idx.ids.size(); ++i) {
    d.cortes_ms.push_back(idx.instantes[i]);
    std::ifstream in(fs::path(pub) / "cortes" / idx.ids[i] / "datos" / "entidad.json");
    const json j = json::parse(in, nullptr, false);
    if (!j.is_object() || !j.contains("resumen")) continue;
    publicadas.puntos.emplace_back(idx.instantes[i],
                                   j["resumen"].value("ACTAS_CAPTURADAS", int64_t{0}));
  }
  d.dentro_de_ventana.emplace_back("publicadas",
                                   publicadas.puntos.empty() ? 0 : publicadas.puntos.back().second);
  d.avance.push_back(std::move(publicadas));
  d.fallas = descripciones;
  d.reinicios = cortes_de_luz;
  for (const auto& i : r.incidentes) d.incidentes.push_back({i.at_ms, i.que});

  const std::string carpeta = o.informe.empty() ? (fs::path(data) / "informe").string() : o.informe;
  std::error_code ec;
  fs::create_directories(carpeta, ec);
  for (auto [nombre, texto] : {std::pair{"index.html", sim::InformeHtml(d)},
                               std::pair{"fases.csv", sim::InformeFasesCsv(d)},
                               std::pair{"avance.csv", sim::InformeAvanceCsv(d)},
                               std::pair{"incidentes.csv", sim::InformeIncidentesCsv(d)}}) {
    std::ofstream out(fs::path(carpeta) / nombre, std::ios::binary | std::ios::trunc);
    out << texto;
    if (!out) return Falla("simulacro", carpeta + "/" + nombre + ": cannot write");
  }
  const bool integro =
      d.integridad.perdidos == 0 && d.integridad.duplicados == 0 && d.integridad.cadena_ok;
  std::cout << "Pasos confirmados: " << d.integridad.acuses
            << "; en la bitácora: " << d.integridad.encontrados
            << "; perdidos: " << d.integridad.perdidos
            << "; duplicados: " << d.integridad.duplicados << "; " << d.integridad.cadena
            << "\nCortes: " << d.publicacion.cortes
            << (final ? " (con el final)" : " (SIN corte final)")
            << "; prep verify: " << (c.verifica ? "verifica" : "NO VERIFICA: " + c.verificacion)
            << "; prep check: " << c.zips_ok << " de " << c.zips << "\nInforme: " << carpeta
            << "/index.html" << std::endl;
  return integro && final && c.ok() ? 0 : 1;
}

}  // namespace prep::cli
