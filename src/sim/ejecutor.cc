#include "sim/ejecutor.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <queue>
#include <set>
#include <thread>

#include "http/cliente.h"
#include "ops/operaciones.h"
#include "sim/imagen_acta.h"

namespace prep::sim {
namespace {

using nlohmann::ordered_json;

std::string Minusculas(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

uint64_t Hash(std::string_view s) {  // FNV-1a: stable across runs and platforms
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

std::string Capturista(const std::string& ccv, int i) {
  return "capturista." + Minusculas(ccv) + "." + std::to_string(i + 1);
}
std::string Verificador(const std::string& ccv, int i) {
  return "verificador." + Minusculas(ccv) + "." + std::to_string(i + 1);
}

int64_t AhoraRealUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct Tarea {
  int64_t at_ms;
  uint32_t acta;
  uint16_t paso;
  bool operator>(const Tarea& o) const {
    return at_ms != o.at_ms ? at_ms > o.at_ms : acta > o.acta;
  }
};

// One request of a step, ready to send.
struct Solicitud {
  std::string target;
  std::string body;
  std::string content_type;
};

Solicitud SolicitudDe(const Guion& g, const ActaGuion& a, const Paso& p) {
  const std::string base = "/api/v1/actas/" + a.clave;
  Solicitud s;
  s.content_type = "application/json";
  ordered_json j = ordered_json::object();
  switch (p.fase) {
    case Fase::kAcopio:
      if (a.sin_acta == domain::SinActaMotivo::kNoEspecificado) {
        j["sin_acta"] = true;
      } else if (a.sin_acta) {
        j["sin_acta"] = static_cast<int>(*a.sin_acta);
      } else {
        j["mecanismos_traslado"] = a.mecanismos_traslado;
      }
      s.target = base + "/acopio";
      break;
    case Fase::kDigitalizacion:
      s.target = base + "/imagenes?origen=" + a.origen + "&dispositivo=" + a.dispositivo;
      s.body = ImagenDe(g, a, p);
      s.content_type = "image/png";
      return s;
    case Fase::kCaptura:
      j["valores"] = ops::ValoresJson(p.valores);
      s.target = base + "/capturas";
      break;
    case Fase::kVerificacion:
      j["aceptar"] = p.aceptar;
      if (!p.aceptar) {
        j["valores"] = ops::ValoresJson(p.valores);
        j["motivo"] = p.motivo;
      }
      s.target = base + "/verificacion";
      break;
    case Fase::kOrden:
      j["tipo"] = p.redigitalizacion ? "redigitalizacion" : "recaptura";
      j["motivo"] = p.motivo;
      s.target = base + "/ordenes";
      break;
    case Fase::kCotejo:
      j["codigo"] = p.cotejo;
      s.target = base + "/cotejo";
      break;
  }
  s.body = j.dump();
  return s;
}

// Sessions of the simulated users, shared by the worker threads.
class Sesiones {
 public:
  Sesiones(std::string password, std::atomic<bool>* parar)
      : password_(std::move(password)), parar_(parar) {}

  // The user's token, logging in if needed (retrying while the server is away).
  Result<std::string> Token(http::Cliente& c, const std::string& usuario) {
    std::mutex* del_usuario;
    {
      std::lock_guard<std::mutex> l(mu_);
      if (auto it = tokens_.find(usuario); it != tokens_.end()) return it->second;
      del_usuario = &logins_[usuario];
    }
    // One login per user at a time (the server refuses concurrent ones); the
    // others wait for its token.
    std::lock_guard<std::mutex> uno(*del_usuario);
    {
      std::lock_guard<std::mutex> l(mu_);
      if (auto it = tokens_.find(usuario); it != tokens_.end()) return it->second;
    }
    const std::string body = ordered_json{{"usuario", usuario}, {"password", password_}}.dump();
    for (int intento = 0;; ++intento) {
      if (parar_ != nullptr && *parar_) return Status::FailedPrecondition("stopped");
      auto r = c.Enviar("POST", "/api/v1/sesiones", body);
      if (r.ok() && r->status == 201) {
        const auto j = nlohmann::json::parse(r->body, nullptr, false);
        if (j.is_object() && j.contains("token") && j["token"].is_string()) {
          std::lock_guard<std::mutex> l(mu_);
          return tokens_[usuario] = j["token"].get<std::string>();
        }
      }
      if (r.ok() && (r->status == 401 || r->status == 403 || r->status == 422)) {
        return Status::FailedPrecondition(usuario + " cannot log in: HTTP " +
                                          std::to_string(r->status) + " " + r->body);
      }
      if (!r.ok()) c.Cerrar();
      std::this_thread::sleep_for(
          std::chrono::milliseconds(std::min(1000, 20 << std::min(intento, 6))));
    }
  }
  void Olvidar(const std::string& usuario, const std::string& token) {
    std::lock_guard<std::mutex> l(mu_);
    if (auto it = tokens_.find(usuario); it != tokens_.end() && it->second == token)
      tokens_.erase(it);
  }

 private:
  std::string password_;
  std::atomic<bool>* parar_;
  std::mutex mu_;
  std::map<std::string, std::string> tokens_;
  std::map<std::string, std::mutex> logins_;  // node-stable: std::map never moves them
};

}  // namespace

std::vector<Plantilla::Usuario> Plantilla::Usuarios() const {
  std::vector<Usuario> out;
  std::set<std::string> catds;
  for (const auto& [d, id] : catd_de_distrito) catds.insert(id);
  catds.insert(catd_por_omision);
  for (const std::string& c : catds) {
    out.push_back({"acopiador." + Minusculas(c), "acopiador", c});
    out.push_back({"digitalizador." + Minusculas(c), "digitalizador", c});
  }
  for (const std::string& c : ccv) {
    for (int i = 0; i < capturistas_por_ccv; ++i)
      out.push_back({Capturista(c, i), "capturista", c});
    for (int i = 0; i < verificadores_por_ccv; ++i)
      out.push_back({Verificador(c, i), "verificador", c});
    out.push_back({"cotejador." + Minusculas(c), "cotejador", c});
  }
  out.push_back({Coordinador(), "coordinador", "*"});
  out.push_back({Auditor(), "auditor", "*"});
  out.push_back({"consulta", "consulta", "*"});
  return out;
}

std::string Plantilla::Catd(int distrito) const {
  auto it = catd_de_distrito.find(distrito);
  return it == catd_de_distrito.end() ? catd_por_omision : it->second;
}

std::string Plantilla::Ccv(const std::string& clave) const { return ccv[Hash(clave) % ccv.size()]; }

std::string Plantilla::QuienHace(const ActaGuion& a, const Paso& p) const {
  switch (p.fase) {
    case Fase::kAcopio:
      return "acopiador." + Minusculas(Catd(a.distrito));
    case Fase::kDigitalizacion:
      return "digitalizador." + Minusculas(Catd(a.distrito));
    case Fase::kCaptura: {
      // Different operador numbers of one acta are different people (while
      // there are enough capturistas: at least 4 for a recaptura).
      const int n = std::max(1, capturistas_por_ccv);
      return Capturista(Ccv(a.clave), static_cast<int>((Hash(a.clave) + p.operador) % n));
    }
    case Fase::kVerificacion:
    case Fase::kOrden: {
      const int n = std::max(1, verificadores_por_ccv);
      return Verificador(Ccv(a.clave), static_cast<int>(Hash(a.clave) % n));
    }
    case Fase::kCotejo:
      return "cotejador." + Minusculas(Ccv(a.clave));
  }
  return "";
}

std::string ClaveIdempotencia(const ActaGuion& a, size_t paso) {
  return "sim-" + a.clave + "-" + std::to_string(paso);
}

std::string ImagenDe(const Guion& g, const ActaGuion& a, const Paso& p) {
  ActaImagen img;
  img.titulo = a.fuera_de_catalogo ? "ACTA (FUERA DE CATALOGO)" : "ACTA DE ESCRUTINIO Y COMPUTO";
  img.clave = a.clave;
  img.lineas.push_back("DISTRITO " + std::to_string(a.distrito));
  img.lineas.push_back(a.origen == "CASILLA" ? "FOTOGRAFIA PREP CASILLA" : "DIGITALIZADA EN CATD");
  if (p.borrosa) img.lineas.push_back("IMAGEN BORROSA");
  img.semilla = Hash(a.clave) + static_cast<uint64_t>(p.imagen);
  for (size_t k = 0; k < a.valores.size(); ++k) {
    CampoImagen c;
    c.etiqueta = k < g.columnas.size() ? g.columnas[k] : "CAMPO " + std::to_string(k + 1);
    const domain::CaptureValue& v = a.valores[k];
    if (p.borrosa || v.kind == domain::CaptureKind::kIlegible) {
      c.tipo = CampoImagen::Tipo::kIlegible;
    } else if (v.kind == domain::CaptureKind::kSinDato) {
      c.tipo = CampoImagen::Tipo::kVacio;
    } else {
      c.valor = v.count;
    }
    img.campos.push_back(std::move(c));
  }
  return RenderizarActaPng(img);
}

Ejecutor::Ejecutor(OpcionesEjecutor opciones) : o_(std::move(opciones)) {}

Result<Resultado> Ejecutor::Ejecutar(const Guion& g) {
  std::atomic<bool> parar_local{false};
  std::atomic<bool>* parar = o_.parar != nullptr ? o_.parar : &parar_local;
  const RelojSimulado reloj = o_.reloj;
  auto ahora = [&] { return reloj.Ahora(AhoraRealMs()); };
  const Plantilla& plantilla = o_.plantilla;
  const Fallas& fallas = o_.fallas;

  std::set<std::string> catd_lentas;
  if (fallas.catd_lentas > 0) {
    for (const auto& [d, id] : plantilla.catd_de_distrito) {
      if (static_cast<double>((Hash(id) ^ fallas.semilla) % 1000) < fallas.catd_lentas * 1000)
        catd_lentas.insert(id);
    }
  }

  std::mutex mu;
  std::condition_variable cv;
  std::priority_queue<Tarea, std::vector<Tarea>, std::greater<>> cola;
  size_t en_curso = 0;
  Resultado res;
  Avance avance;
  avance.pasos_total = g.Pasos();
  std::vector<uint8_t> verificada(g.actas.size(), 0);
  for (uint32_t i = 0; i < g.actas.size(); ++i) {
    if (!g.actas[i].pasos.empty()) cola.push({g.actas[i].pasos[0].at_ms, i, 0});
  }
  Sesiones sesiones(plantilla.password, parar);
  std::optional<Status> fatal;

  // The instant a CATD that is offline at `t` comes back, or t.
  auto disponible = [&](const ActaGuion& a, const Paso& p, int64_t t) {
    if (p.fase != Fase::kAcopio && p.fase != Fase::kDigitalizacion) return t;
    const std::string catd = plantilla.Catd(a.distrito);
    for (const Desconexion& d : fallas.desconexiones) {
      if (d.sede == catd && t >= d.desde_ms && t < d.hasta_ms) return d.hasta_ms;
    }
    return t;
  };

  auto trabajador = [&](int id) {
    http::OpcionesCliente oc;
    oc.host = o_.host;
    oc.port = o_.port;
    oc.timeout_ms = o_.timeout_ms;
    http::Cliente rapido(oc);
    oc.bytes_por_segundo = fallas.bytes_por_segundo_lento;
    http::Cliente lento(oc);
    uint64_t azar = Hash(std::to_string(id)) ^ fallas.semilla;
    auto tirar = [&azar](double p) {
      azar = azar * 6364136223846793005ULL + 1442695040888963407ULL;
      return p > 0 && static_cast<double>(azar >> 11) * 0x1.0p-53 < p;
    };
    for (;;) {
      Tarea t;
      {
        std::unique_lock<std::mutex> l(mu);
        for (;;) {
          if (*parar || fatal) return;
          if (cola.empty()) {
            if (en_curso == 0) return;
            cv.wait_for(l, std::chrono::milliseconds(100));
            continue;
          }
          const Tarea top = cola.top();
          const ActaGuion& a = g.actas[top.acta];
          const int64_t due = disponible(a, a.pasos[top.paso], top.at_ms);
          if (due != top.at_ms) {  // its CATD is offline: it waits
            cola.pop();
            cola.push({due, top.acta, top.paso});
            continue;
          }
          const int64_t falta = due - ahora();
          if (falta > 0) {
            cv.wait_for(l, std::chrono::milliseconds(
                               std::clamp<int64_t>(reloj.DuracionReal(falta), 1, 200)));
            continue;
          }
          t = top;
          cola.pop();
          ++en_curso;
          break;
        }
      }
      const ActaGuion& a = g.actas[t.acta];
      const Paso& p = a.pasos[t.paso];
      const std::string usuario = plantilla.QuienHace(a, p);
      const Solicitud s = SolicitudDe(g, a, p);
      const std::string clave_idem = ClaveIdempotencia(a, t.paso);
      http::Cliente& cliente =
          p.fase == Fase::kDigitalizacion && catd_lentas.count(plantilla.Catd(a.distrito)) ? lento
                                                                                           : rapido;
      const int64_t inicio = AhoraRealUs();
      int intentos = 0;
      std::optional<http::RespuestaHttp> respuesta;
      std::string rechazo;
      bool soltar = tirar(fallas.soltadas);
      auto encabezados = [&](const std::string& token) {
        return http::Encabezados{{"Authorization", "Bearer " + token},
                                 {"Idempotency-Key", clave_idem},
                                 {"Content-Type", s.content_type}};
      };
      while (!*parar) {
        auto token = sesiones.Token(rapido, usuario);
        if (!token.ok()) {
          if (!*parar) {
            std::lock_guard<std::mutex> l(mu);
            fatal = token.status();
            cv.notify_all();
          }
          break;
        }
        const http::Encabezados h = encabezados(*token);
        ++intentos;
        if (soltar) {
          soltar = false;
          (void)cliente.EnviarYSoltar("POST", s.target, s.body, h);
          std::lock_guard<std::mutex> l(mu);
          ++avance.reintentos;
          continue;
        }
        auto r = cliente.Enviar("POST", s.target, s.body, h);
        if (!r.ok() || r->status >= 500 || r->status == 429) {
          cliente.Cerrar();
          {
            std::lock_guard<std::mutex> l(mu);
            ++(r.ok() ? avance.reintentos : avance.errores_transporte);
          }
          std::this_thread::sleep_for(
              std::chrono::milliseconds(std::min(1000, 10 << std::min(intentos, 7))));
          continue;
        }
        if (r->status == 401) {
          sesiones.Olvidar(usuario, *token);
          continue;
        }
        if (r->status / 100 != 2) {
          rechazo = "HTTP " + std::to_string(r->status) + " " + r->body.substr(0, 300);
          break;
        }
        respuesta = std::move(*r);
        if (tirar(fallas.duplicados)) {
          // The session may expire between the step and its duplicate (12 h
          // of simulated time pass in minutes): the terminal logs in again and
          // the repeat, under the same Idempotency-Key, must still be known.
          std::string token_dup = *token;
          for (int vez = 0; vez < 3 && !*parar; ++vez) {
            auto otra = cliente.Enviar("POST", s.target, s.body, encabezados(token_dup));
            if (otra.ok() && otra->status == 401) {
              sesiones.Olvidar(usuario, token_dup);
              auto nuevo = sesiones.Token(rapido, usuario);
              if (!nuevo.ok()) break;
              token_dup = *nuevo;
              continue;
            }
            if (otra.ok() && otra->status != 200) {
              rechazo = "un duplicado no se reconoció como repetición: HTTP " +
                        std::to_string(otra->status) + " " + otra->body.substr(0, 200);
            }
            break;
          }
        }
        break;
      }
      const int64_t latencia = AhoraRealUs() - inicio;
      std::lock_guard<std::mutex> l(mu);
      --en_curso;
      const int64_t ya = ahora();
      if (respuesta) {
        res.acuses.push_back({t.acta, t.paso, p.fase, respuesta->status, ya, latencia, intentos});
        ++avance.pasos_hechos;
        ++avance.por_fase[static_cast<size_t>(p.fase)];
        if (p.fase == Fase::kVerificacion) verificada[t.acta] = 1;
        if (p.fase == Fase::kOrden) verificada[t.acta] = 0;
        if (t.paso + 1u < a.pasos.size()) {
          cola.push(
              {std::max(a.pasos[t.paso + 1].at_ms, ya), t.acta, static_cast<uint16_t>(t.paso + 1)});
        }
      }
      if (!rechazo.empty()) {
        ++avance.rechazos;
        res.incidentes.push_back({ya, a.clave + " " + std::string(NombreFase(p.fase)) + " (" +
                                          usuario + "): " + rechazo});
      }
      cv.notify_all();
    }
  };

  std::vector<std::thread> hilos;
  for (int i = 0; i < std::max(1, o_.hilos); ++i) hilos.emplace_back(trabajador, i);
  std::atomic<bool> fin_monitor{false};
  std::thread monitor;
  if (o_.avance) {
    monitor = std::thread([&] {
      while (!fin_monitor) {
        std::this_thread::sleep_for(std::chrono::milliseconds(o_.cada_ms));
        Avance copia;
        {
          std::lock_guard<std::mutex> l(mu);
          avance.ahora_ms = ahora();
          avance.actas_verificadas =
              static_cast<size_t>(std::count(verificada.begin(), verificada.end(), 1));
          copia = avance;
        }
        if (!fin_monitor) o_.avance(copia);
      }
    });
  }
  for (auto& h : hilos) h.join();
  fin_monitor = true;
  if (monitor.joinable()) monitor.join();
  if (fatal) return *fatal;
  avance.ahora_ms = ahora();
  avance.actas_verificadas =
      static_cast<size_t>(std::count(verificada.begin(), verificada.end(), 1));
  res.final = avance;
  res.completo = avance.pasos_hechos == avance.pasos_total;
  return res;
}

}  // namespace prep::sim
