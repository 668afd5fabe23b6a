#include "http/servicio.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>

#include "ops/avance.h"
#include "store/imagenes.h"

namespace prep::http {
namespace {

// Bytes a client sent (a path, a key, a name) may be invalid UTF-8: replaced with U+FFFD when
// written as JSON, never thrown on.
constexpr auto kReemplazarUtf8Invalido = nlohmann::json::error_handler_t::replace;

// A work-queue claim: payload {"fase", "expira_ms"}.
constexpr char kReclamo[] = "reclamo";

using nlohmann::json;
using nlohmann::ordered_json;

int HttpStatus(const Status& s) {
  switch (s.code()) {
    case StatusCode::kInvalidArgument:
      return 422;
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kNotFound:
      return 404;
    default:
      return 500;
  }
}

std::string CodeName(const Status& s) {
  switch (s.code()) {
    case StatusCode::kInvalidArgument:
      return "invalid";
    case StatusCode::kFailedPrecondition:
      return "conflict";
    case StatusCode::kNotFound:
      return "not_found";
    default:
      return "internal";
  }
}

// "valores[3]: ..." → field "valores".
std::string FieldOf(const std::string& message) {
  const size_t colon = message.find(':');
  if (colon == std::string::npos || colon > 40) return "";
  std::string f = message.substr(0, colon);
  const size_t bracket = f.find('[');
  return bracket == std::string::npos ? f : f.substr(0, bracket);
}

Response FromStatus(const Status& s) {
  return Response::Error(HttpStatus(s), CodeName(s), s.message(), FieldOf(s.message()));
}

// The user and audit events go to the same hash-chained log as the actas.
class DiarioEnStore final : public auth::DiarioUsuarios {
 public:
  explicit DiarioEnStore(store::Store& s) : store_(s) {}
  Status Anotar(const auth::EventoUsuario& e) override {
    store::EventDraft d{
        e.tipo,
        "",
        e.actor,
        e.sitio,
        e.at_ms,
        e.payload,
        "u-" + store::Sha256Hex(e.tipo + "\n" + std::to_string(e.at_ms) + "\n" + e.payload)};
    auto r = store_.Append(d);
    return r.ok() ? Status::Ok() : r.status();
  }

 private:
  store::Store& store_;
};

class BitacoraEnStore final : public auth::BitacoraAuditoria {
 public:
  explicit BitacoraEnStore(store::Store& s) : store_(s) {}
  void Registrar(const auth::RegistroAuditoria& r) override {
    auto ticket = Reservar(r);
    if (ticket) (void)store_.Wait(*ticket);
  }
  // Takes the record's place in the chain now; it is committed with the next
  // group commit (the caller waits for it together with its own event).
  std::unique_ptr<store::Ticket> Reservar(const auth::RegistroAuditoria& r) {
    ordered_json j{{"accion", r.accion},
                   {"objetivo", r.objetivo},
                   {"permitido", r.permitido},
                   {"motivo", r.motivo}};
    const std::string key = "a-" + nonce_ + "-" + std::to_string(++counter_);
    auto res = store_.Reserve({"auditoria", "", r.usuario, r.sitio, r.at_ms,
                               j.dump(-1, ' ', false, kReemplazarUtf8Invalido), key});
    if (!res.ok()) {
      std::fprintf(stderr, "audit trail: %s\n", res.status().message().c_str());
      return nullptr;
    }
    return std::move(*res);
  }

 private:
  store::Store& store_;
  std::atomic<uint64_t> counter_{0};
  // Unique per process, so audit keys never repeat across restarts.
  const std::string nonce_ =
      store::Sha256Hex(std::to_string(std::random_device{}()) + "-" + std::to_string(::getpid()) +
                       "-" +
                       std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()))
          .substr(0, 16);
};

// A text field of a request body, or "" (the directory then says what is missing).
std::string Texto(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

// A refused user-management call: 403 for a role that may not manage users,
// otherwise what the directory said (invalid input, unknown user, ...).
Response RespuestaGestion(const auth::Usuario& actor, const Status& st) {
  if (!auth::RolPermite(actor.rol, auth::Accion::kAdministrarUsuarios)) {
    return Response::Error(403, "forbidden", st.message());
  }
  return FromStatus(st);
}

Result<std::vector<domain::CaptureValue>> ValoresDesdeJson(const json& a,
                                                           const std::string& field) {
  if (!a.is_array()) return Status::InvalidArgument(field + ": must be an array");
  std::vector<domain::CaptureValue> out;
  for (size_t i = 0; i < a.size(); ++i) {
    const json& v = a[i];
    if (v.is_number_integer()) {
      out.push_back(domain::CaptureValue::Count(v.get<int64_t>()));
    } else if (v.is_string() && (v == "ILEGIBLE" || v == "ilegible")) {
      out.push_back(domain::CaptureValue::Ilegible());
    } else if (v.is_string() && (v == "SIN DATO" || v == "sin dato")) {
      out.push_back(domain::CaptureValue::SinDato());
    } else {
      return Status::InvalidArgument(field + "[" + std::to_string(i) +
                                     "]: a count, \"ILEGIBLE\" or \"SIN DATO\", not " +
                                     v.dump(-1, ' ', false, kReemplazarUtf8Invalido).substr(0, 30));
    }
  }
  return out;
}

}  // namespace

struct Servicio::Impl {
  ServicioOpciones opciones;
  std::unique_ptr<LimitadorDeTasa> limite_sesion;  // from opciones, set by Abrir
  std::unique_ptr<LimitadorDeTasa> limite_sin_sesion;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<DiarioEnStore> diario;
  std::unique_ptr<BitacoraEnStore> bitacora;
  std::unique_ptr<auth::Directorio> directorio;
  std::mutex mu;  // serialises Proponer → Append → Aplicar
  std::unique_ptr<ops::Operaciones> ops;
  struct Reclamo {
    std::string usuario;
    int64_t expira_ms = 0;
  };
  // By "<clave>/<fase>". Each claim is an event in the log ("reclamo"), so a
  // restart neither hands a claimed acta to someone else nor forgets whose it is.
  std::map<std::string, Reclamo> reclamos;  // guarded by mu

  // The person's work on the acta is done: their claims on it end.
  void Liberar(const std::string& clave, const std::string& usuario) {
    for (const char* fase : {"/captura", "/verificacion"}) {
      auto it = reclamos.find(clave + fase);
      if (it != reclamos.end() && it->second.usuario == usuario) reclamos.erase(it);
    }
  }
  void AplicarReclamo(const store::Event& e) {
    const json p = json::parse(e.payload, nullptr, false);
    if (!p.is_object()) return;
    reclamos[e.acta + "/" + p.value("fase", "")] = {e.actor, p.value("expira_ms", int64_t{0})};
  }
  std::shared_ptr<Router> router;

  int64_t Ahora() const { return opciones.reloj(); }
  std::string CarpetaImagenes() const { return opciones.data_dir + "/imagenes"; }
  std::string CarpetaSubidas() const { return opciones.data_dir + "/subidas"; }
  std::mutex mu_subidas;  // serialises reads and appends of resumable uploads
  // The file of a user's resumable upload: the id is the client's (8 to 128
  // of [0-9A-Za-z_-]); the name is a hash of user and id, so nobody reaches
  // another's upload and no id names a path.
  Result<std::string> RutaSubida(const auth::Usuario& u, const std::string& id) const {
    if (id.size() < 8 || id.size() > 128 ||
        id.find_first_not_of("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-") !=
            std::string::npos) {
      return Status::InvalidArgument("subida: an id of 8 to 128 letters, digits, _ or -");
    }
    return CarpetaSubidas() + "/" + store::Sha256Hex(u.nombre + "\n" + id).substr(0, 32) + ".parte";
  }

  Result<auth::Usuario> Autenticar(const Request& r) {
    const std::string h = r.Header("authorization");
    if (h.rfind("Bearer ", 0) != 0) return Status::NotFound("no session");
    return directorio->Autenticar(h.substr(7), Ahora());
  }

  void Auditar(const auth::Usuario& u, const std::string& accion, const std::string& objetivo,
               bool ok, const std::string& motivo) {
    bitacora->Registrar({Ahora(), u.nombre, u.sitio, accion, objetivo, ok, motivo});
    if (!ok) Incidente({Ahora(), u.nombre, u.sitio, accion, objetivo, false, motivo});
  }

  // The last refusals, for the coordinación's incident list (the audit
  // trail keeps them all; this is what the coordinador sees at a glance).
  static constexpr size_t kIncidentes = 50;
  std::mutex mu_incidentes;
  std::deque<auth::RegistroAuditoria> incidentes;  // guarded by mu_incidentes, newest last
  void Incidente(auth::RegistroAuditoria r) {
    std::lock_guard<std::mutex> l(mu_incidentes);
    incidentes.push_back(std::move(r));
    if (incidentes.size() > kIncidentes) incidentes.pop_front();
  }

  // The CATD/CCV an action on this acta is done for.
  std::string SitioObjetivo(const auth::Usuario& u, const std::string& clave) const {
    auto own = opciones.sedes.find(u.sitio);
    if (own != opciones.sedes.end() && own->second.tipo == "CCV") return u.sitio;
    const auto& cat = ops->catalogo();
    if (auto i = cat.FindActa(clave)) {
      const int distrito = cat.casillas[cat.actas[*i].casilla_index].distrito;
      for (const auto& [id, sede] : opciones.sedes) {
        if (sede.tipo == "CATD" && sede.distrito == distrito) return id;
      }
    }
    // No sede configured for the acta (or fuera de catálogo): the user's own.
    return u.sitio == auth::kSitioCentral ? std::string() : u.sitio;
  }

  Response Escribir(const Request& r, auth::Accion accion,
                    const std::function<Result<ops::Paso>(const auth::Usuario&)>& paso_de) {
    auto usuario = Autenticar(r);
    if (!usuario.ok())
      return Response::Error(401, "unauthenticated", "inicie sesión: falta un token válido");
    const std::string clave = r.params.count("clave") ? r.params.at("clave") : "";
    const std::string key = r.Header("idempotency-key");
    if (key.empty() || key.size() > 128) {
      return Response::Error(
          400, "idempotency_key",
          "cada escritura necesita un encabezado Idempotency-Key (1 a 128 caracteres)",
          "Idempotency-Key");
    }
    const std::string objetivo = SitioObjetivo(*usuario, clave);
    const auth::Decision d = auth::Autorizar(*usuario, accion, objetivo);
    if (!d.permitido) {
      Auditar(*usuario, std::string(auth::NombreAccion(accion)), clave, false, d.motivo);
      return Response::Error(403, "forbidden", d.motivo);
    }
    auto paso = paso_de(*usuario);
    if (!paso.ok()) {
      Auditar(*usuario, std::string(auth::NombreAccion(accion)), clave, false,
              paso.status().message());
      return FromStatus(paso.status());
    }
    std::unique_ptr<store::Ticket> ticket;
    std::unique_ptr<store::Ticket> audit;
    {
      std::lock_guard<std::mutex> lock(mu);
      auto prior = store->FindByKey(usuario->nombre, key);
      if (!prior.ok()) return FromStatus(prior.status());
      if (prior->has_value()) {
        const store::Event& e = **prior;
        if (e.acta != clave || !ops::MismaSolicitud(e, *paso)) {
          return Response::Error(409, "idempotency_conflict",
                                 "la Idempotency-Key '" + key + "' ya se usó para otra solicitud",
                                 "Idempotency-Key");
        }
        // Answered again once it is durable (it may still be in a commit).
        auto again = store->Reserve(e);
        if (!again.ok()) return FromStatus(again.status());
        ticket = std::move(*again);
      } else {
        ops::Solicitud s{clave, std::move(*paso), Ahora(), key};
        auto draft = ops->Proponer({usuario->nombre, usuario->sitio}, s);
        if (!draft.ok()) {
          Auditar(*usuario, std::string(auth::NombreAccion(accion)), clave, false,
                  draft.status().message());
          return FromStatus(draft.status());
        }
        // Reserved and applied under the lock, so the next request sees it;
        // made durable after the lock, so concurrent requests share a commit.
        auto reserved = store->Reserve(*draft);
        if (!reserved.ok()) return FromStatus(reserved.status());
        ticket = std::move(*reserved);
        if (Status st = ops->Aplicar(ticket->event()); !st.ok()) return FromStatus(st);
        Liberar(clave, usuario->nombre);
        audit = bitacora->Reservar({Ahora(), usuario->nombre, usuario->sitio,
                                    std::string(auth::NombreAccion(accion)), clave, true, ""});
      }
    }
    if (Status st = store->Wait(*ticket); !st.ok()) {
      // The state already holds an event the disk refused: stop, and let the
      // restart rebuild the state from the log.
      std::fprintf(stderr, "prep: the event log cannot be written: %s\n", st.message().c_str());
      std::abort();
    }
    if (audit) (void)store->Wait(*audit);
    return Respuesta(ticket->event(), ticket->replayed());
  }

  static Response Respuesta(const store::Event& e, bool replay) {
    ordered_json j;
    j["evento"] = {
        {"seq", e.seq}, {"tipo", e.type}, {"acta", e.acta}, {"at_ms", e.at_ms}, {"hash", e.hash}};
    // What was recorded (an image's SHA-256, the values typed), for the
    // operator's screen; never another person's capture.
    j["datos"] = ordered_json::parse(e.payload, nullptr, false);
    j["replay"] = replay;
    return Response::Json(replay ? 200 : 201, j.dump(-1, ' ', false, kReemplazarUtf8Invalido));
  }

  Result<json> Cuerpo(const Request& r) const {
    if (r.body.size() > opciones.max_json_bytes) {
      return Status::InvalidArgument("body: larger than " +
                                     std::to_string(opciones.max_json_bytes) + " bytes");
    }
    json j = json::parse(r.body, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      return Status::InvalidArgument("body: not a JSON object");
    return j;
  }

  ordered_json VistaActa(const auth::Usuario& u, const ops::Expediente& x) const {
    ordered_json j;
    j["clave_acta"] = x.clave_acta;
    j["en_catalogo"] = x.en_catalogo;
    j["acopiada"] = x.acopiada;
    j["sin_acta"] = x.sin_acta ? static_cast<int>(*x.sin_acta) : 0;
    ordered_json imgs = ordered_json::array();
    for (const auto& i : x.imagenes) {
      imgs.push_back({{"sha256", i.sha256},
                      {"origen", i.origen},
                      {"dispositivo", i.dispositivo},
                      {"bytes", i.bytes}});
    }
    j["imagenes"] = imgs;
    j["capturas"] = x.capturas.size();
    j["discrepancia"] = x.Discrepancia();
    j["verificada"] = x.verificada;
    j["cotejo"] = x.cotejo ? *x.cotejo : 0;
    // Captures are blind: only roles that resolve them see the values.
    const bool ve_valores = u.rol == auth::Rol::kVerificador || u.rol == auth::Rol::kCoordinador ||
                            u.rol == auth::Rol::kAuditor || u.rol == auth::Rol::kAdministrador ||
                            u.rol == auth::Rol::kCotejador;
    if (ve_valores) {
      ordered_json caps = ordered_json::array();
      for (const auto& c : x.capturas)
        caps.push_back({{"usuario", c.usuario}, {"valores", ops::ValoresJson(c.valores)}});
      j["valores_capturas"] = caps;
      if (x.verificada) j["valores"] = ops::ValoresJson(x.valores);
      ordered_json corr = ordered_json::array();
      for (const auto& c : x.correcciones) {
        corr.push_back({{"usuario", c.usuario},
                        {"antes", ops::ValoresJson(c.antes)},
                        {"despues", ops::ValoresJson(c.despues)},
                        {"motivo", c.motivo}});
      }
      j["correcciones"] = corr;
      if (auto cl = ops->Clasificacion(x.clave_acta)) {
        j["contabilizada"] = cl->contabilizada;
        j["observaciones"] = cl->observaciones.ToString(cl->sin_acta_motivo);
      }
    } else {
      j["capturada_por_mi"] = x.capturistas.count(u.nombre) > 0;
    }
    return j;
  }

  void Rutas();
};

Servicio::Servicio(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Servicio::~Servicio() = default;
std::shared_ptr<const Router> Servicio::Rutas() { return impl_->router; }
auth::Directorio& Servicio::directorio() { return *impl_->directorio; }
store::Store& Servicio::store() { return *impl_->store; }
const ops::Operaciones& Servicio::operaciones() const { return *impl_->ops; }

Result<std::unique_ptr<Servicio>> Servicio::Abrir(domain::Catalogo catalogo,
                                                  ServicioOpciones opciones) {
  auto impl = std::make_unique<Impl>();
  if (!opciones.reloj) return Status::InvalidArgument("reloj: a clock is required");
  impl->opciones = std::move(opciones);
  impl->limite_sesion = std::make_unique<LimitadorDeTasa>(impl->opciones.tasa_por_sesion);
  impl->limite_sin_sesion = std::make_unique<LimitadorDeTasa>(impl->opciones.tasa_sin_sesion);
  PREP_ASSIGN_OR_RETURN(impl->store, store::OpenStore(impl->opciones.data_dir));
  impl->diario = std::make_unique<DiarioEnStore>(*impl->store);
  impl->bitacora = std::make_unique<BitacoraEnStore>(*impl->store);
  impl->directorio =
      std::make_unique<auth::Directorio>(impl->opciones.directorio, *impl->diario, *impl->bitacora);
  impl->ops = std::make_unique<ops::Operaciones>(std::move(catalogo), impl->opciones.ajustes);
  // Rebuild every piece of state from the log.
  int64_t next = 1;
  while (true) {
    PREP_ASSIGN_OR_RETURN(auto batch, impl->store->Read(next, 10000));
    if (batch.empty()) break;
    for (const store::Event& e : batch) {
      if (e.type == "auditoria" || e.type.rfind("eleccion_", 0) == 0) continue;
      if (e.type == kReclamo) {
        impl->AplicarReclamo(e);
      } else if (auth::EsEventoUsuario(e.type)) {
        PREP_RETURN_IF_ERROR(
            impl->directorio->Aplicar({e.type, e.actor, e.site, e.at_ms, e.payload}));
      } else {
        PREP_RETURN_IF_ERROR(impl->ops->Aplicar(e));
        if (ops::EsEventoDeActa(e.type)) impl->Liberar(e.acta, e.actor);
      }
    }
    next = batch.back().seq + 1;
  }
  // Resumable uploads abandoned for two days are not coming back.
  {
    std::error_code ec;
    const auto limite = std::filesystem::file_time_type::clock::now() - std::chrono::hours(48);
    for (const auto& f : std::filesystem::directory_iterator(impl->CarpetaSubidas(), ec)) {
      if (f.path().extension() == ".parte" && f.last_write_time(ec) < limite) {
        std::filesystem::remove(f.path(), ec);
      }
    }
  }
  impl->Rutas();
  return std::unique_ptr<Servicio>(new Servicio(std::move(impl)));
}

void Servicio::Impl::Rutas() {
  router = std::make_shared<Router>();
  Impl* self = this;

  router->Add("GET", "/api/v1/ping",
              [](const Request&) { return Response::Json(200, R"({"ok":true})"); });

  router->Add("POST", "/api/v1/sesiones", [self](const Request& r) {
    auto body = self->Cuerpo(r);
    if (!body.ok()) return FromStatus(body.status());
    const json& j = *body;
    if (!j.contains("usuario") || !j["usuario"].is_string() || !j.contains("password") ||
        !j["password"].is_string()) {
      return Response::Error(422, "invalid", "usuario y password son obligatorios", "usuario");
    }
    auto s = self->directorio->Login(j["usuario"].get<std::string>(),
                                     j["password"].get<std::string>(), self->Ahora());
    if (!s.ok()) {
      if (s.status().code() == StatusCode::kResourceExhausted) {
        return Response::Error(429, "too_many_attempts", s.status().message());
      }
      return Response::Error(401, "unauthenticated", s.status().message());
    }
    ordered_json out{{"token", s->token},
                     {"usuario", s->nombre},
                     {"rol", auth::NombreRol(s->rol)},
                     {"sitio", s->sitio},
                     {"expira_ms", s->expira_ms}};
    return Response::Json(201, out.dump(-1, ' ', false, kReemplazarUtf8Invalido));
  });

  router->Add("DELETE", "/api/v1/sesiones", [self](const Request& r) {
    const std::string h = r.Header("authorization");
    if (h.rfind("Bearer ", 0) != 0)
      return Response::Error(401, "unauthenticated", "falta el token");
    auto st = self->directorio->Logout(h.substr(7), self->Ahora());
    return st.ok() ? Response::Json(200, "{}")
                   : Response::Error(401, "unauthenticated", st.message());
  });

  router->Add("POST", "/api/v1/actas/{clave}/acopio", [self](const Request& r) {
    return self->Escribir(
        r, auth::Accion::kRegistrarAcopio, [&](const auth::Usuario&) -> Result<ops::Paso> {
          PREP_ASSIGN_OR_RETURN(json j, self->Cuerpo(r));
          ops::Acopio a;
          if (j.contains("sin_acta")) {
            // true: sin acta, reason not recorded (databases before 2021 give none).
            if (j["sin_acta"].is_boolean()) {
              if (j["sin_acta"].get<bool>()) a.sin_acta = domain::SinActaMotivo::kNoEspecificado;
            } else if (!j["sin_acta"].is_number_integer() || j["sin_acta"] < 0 ||
                       j["sin_acta"] > 4) {
              return Status::InvalidArgument(
                  "sin_acta: 0 (hay acta), a reason 1 to 4, or true (reason not recorded)");
            } else if (j["sin_acta"] != 0) {
              a.sin_acta = static_cast<domain::SinActaMotivo>(j["sin_acta"].get<int>());
            }
          }
          if (j.contains("mecanismos_traslado")) {
            if (!j["mecanismos_traslado"].is_string())
              return Status::InvalidArgument("mecanismos_traslado: must be text");
            a.mecanismos_traslado = j["mecanismos_traslado"].get<std::string>();
          }
          a.hora_ms = self->Ahora();
          return ops::Paso(a);
        });
  });

  // Resumable uploads: a phone on a weak link (PREP Casilla) sends a large
  // photo in pieces, each appended where the server's copy ends, and after a
  // cut asks how much arrived and goes on from there. The last call,
  // POST .../imagenes?subida=ID, stores it as any image (its Idempotency-Key
  // should be the upload's id, so a retry is answered, not applied, again).
  router->Add("GET", "/api/v1/subidas/{id}", [self](const Request& r) {
    auto u = self->Autenticar(r);
    if (!u.ok()) return Response::Error(401, "unauthenticated", "inicie sesión");
    auto ruta = self->RutaSubida(*u, r.params.at("id"));
    if (!ruta.ok()) return FromStatus(ruta.status());
    std::lock_guard<std::mutex> l(self->mu_subidas);
    std::error_code ec;
    const auto n = std::filesystem::exists(*ruta, ec) ? std::filesystem::file_size(*ruta, ec) : 0;
    return Response::Json(
        200, ordered_json{{"recibidos", n}}.dump(-1, ' ', false, kReemplazarUtf8Invalido));
  });
  router->Add("PUT", "/api/v1/subidas/{id}", [self](const Request& r) {
    auto u = self->Autenticar(r);
    if (!u.ok()) return Response::Error(401, "unauthenticated", "inicie sesión");
    if (!auth::RolPermite(u->rol, auth::Accion::kDigitalizar)) {
      self->Auditar(*u, "subir_imagen", "", false, "el rol no digitaliza actas");
      return Response::Error(403, "forbidden", "su rol no digitaliza actas");
    }
    auto ruta = self->RutaSubida(*u, r.params.at("id"));
    if (!ruta.ok()) return FromStatus(ruta.status());
    const auto desde = r.query.find("desde");
    if (desde == r.query.end() || desde->second.empty() ||
        desde->second.find_first_not_of("0123456789") != std::string::npos ||
        desde->second.size() > 12) {
      return Response::Error(422, "invalid", "desde: the byte offset this piece starts at",
                             "desde");
    }
    const uint64_t inicio = std::stoull(desde->second);
    std::lock_guard<std::mutex> l(self->mu_subidas);
    std::error_code ec;
    std::filesystem::create_directories(self->CarpetaSubidas(), ec);
    const uint64_t tiene =
        std::filesystem::exists(*ruta, ec) ? std::filesystem::file_size(*ruta, ec) : 0;
    if (inicio != tiene) {
      // Not where the copy ends: say where, so the client goes on from there.
      return Response::Json(
          409, ordered_json{{"error",
                             {{"code", "offset"},
                              {"message", "la subida va en el byte " + std::to_string(tiene)},
                              {"field", "desde"}}},
                            {"recibidos", tiene}}
                   .dump(-1, ' ', false, kReemplazarUtf8Invalido));
    }
    if (tiene + r.body.size() > static_cast<uint64_t>(store::kMaxBytesImagen)) {
      return Response::Error(413, "too_large", "la imagen pasa del límite de tamaño");
    }
    std::ofstream out(*ruta, std::ios::binary | std::ios::app);
    out.write(r.body.data(), static_cast<std::streamsize>(r.body.size()));
    out.close();
    if (!out) return Response::Error(500, "internal", "la subida no se pudo guardar");
    return Response::Json(200, ordered_json{{"recibidos", tiene + r.body.size()}}.dump(
                                   -1, ' ', false, kReemplazarUtf8Invalido));
  });

  router->Add("POST", "/api/v1/actas/{clave}/imagenes", [self](const Request& r) {
    return self->Escribir(
        r, auth::Accion::kDigitalizar, [&](const auth::Usuario& u) -> Result<ops::Paso> {
          const std::string origen = r.query.count("origen") ? r.query.at("origen") : "CATD";
          const std::string dispositivo =
              r.query.count("dispositivo") ? r.query.at("dispositivo") : "ESCANER";
          // The bytes: the body, or a finished resumable upload.
          std::string armada;
          if (r.query.count("subida")) {
            PREP_ASSIGN_OR_RETURN(std::string ruta, self->RutaSubida(u, r.query.at("subida")));
            std::lock_guard<std::mutex> l(self->mu_subidas);
            std::ifstream in(ruta, std::ios::binary);
            if (!in) return Status::NotFound("subida: nothing was uploaded under this id");
            armada.assign(std::istreambuf_iterator<char>(in), {});
          }
          const std::string_view bytes = r.query.count("subida") ? armada : r.body;
          PREP_ASSIGN_OR_RETURN(store::TipoImagen tipo, store::TipoPorContenido(bytes));
          (void)tipo;
          if (static_cast<int64_t>(bytes.size()) > store::kMaxBytesImagen) {
            return Status::InvalidArgument("imagen: larger than the limit");
          }
          // Stored before the event: content-addressed, so a retry stores nothing new.
          PREP_ASSIGN_OR_RETURN(store::ImagenGuardada g,
                                store::GuardarImagen(self->CarpetaImagenes(), bytes));
          return ops::Paso(ops::Digitalizacion{g.sha256, origen, dispositivo, g.bytes});
        });
  });

  router->Add("POST", "/api/v1/actas/{clave}/capturas", [self](const Request& r) {
    return self->Escribir(
        r, auth::Accion::kCapturar, [&](const auth::Usuario&) -> Result<ops::Paso> {
          PREP_ASSIGN_OR_RETURN(json j, self->Cuerpo(r));
          if (!j.contains("valores")) return Status::InvalidArgument("valores: missing");
          PREP_ASSIGN_OR_RETURN(auto valores, ValoresDesdeJson(j["valores"], "valores"));
          return ops::Paso(ops::Captura{std::move(valores)});
        });
  });

  router->Add("POST", "/api/v1/actas/{clave}/verificacion", [self](const Request& r) {
    return self->Escribir(
        r, auth::Accion::kVerificar, [&](const auth::Usuario&) -> Result<ops::Paso> {
          PREP_ASSIGN_OR_RETURN(json j, self->Cuerpo(r));
          ops::Verificacion v;
          if (j.contains("aceptar")) {
            if (!j["aceptar"].is_boolean())
              return Status::InvalidArgument("aceptar: true or false");
            v.aceptar = j["aceptar"].get<bool>();
          }
          if (j.contains("valores")) {
            PREP_ASSIGN_OR_RETURN(v.valores, ValoresDesdeJson(j["valores"], "valores"));
          }
          if (j.contains("motivo") && j["motivo"].is_string())
            v.motivo = j["motivo"].get<std::string>();
          return ops::Paso(v);
        });
  });

  router->Add("POST", "/api/v1/actas/{clave}/ordenes", [self](const Request& r) {
    return self->Escribir(
        r, auth::Accion::kOrdenarRecaptura, [&](const auth::Usuario&) -> Result<ops::Paso> {
          PREP_ASSIGN_OR_RETURN(json j, self->Cuerpo(r));
          const std::string tipo = Texto(j, "tipo");
          const std::string motivo = Texto(j, "motivo");
          if (tipo == "recaptura") return ops::Paso(ops::OrdenRecaptura{motivo});
          if (tipo == "redigitalizacion") return ops::Paso(ops::OrdenRedigitalizacion{motivo});
          return Status::InvalidArgument("tipo: \"recaptura\" or \"redigitalizacion\"");
        });
  });

  router->Add("POST", "/api/v1/actas/{clave}/cotejo", [self](const Request& r) {
    return self->Escribir(r, auth::Accion::kCotejar,
                          [&](const auth::Usuario&) -> Result<ops::Paso> {
                            PREP_ASSIGN_OR_RETURN(json j, self->Cuerpo(r));
                            if (!j.contains("codigo") || !j["codigo"].is_number_integer())
                              return Status::InvalidArgument("codigo: 1, 2 or 3");
                            return ops::Paso(ops::Cotejo{j["codigo"].get<int>()});
                          });
  });

  router->Add("GET", "/api/v1/actas/{clave}", [self](const Request& r) {
    auto u = self->Autenticar(r);
    if (!u.ok()) return Response::Error(401, "unauthenticated", "inicie sesión");
    std::lock_guard<std::mutex> lock(self->mu);
    const ops::Expediente* x = self->ops->Buscar(r.params.at("clave"));
    if (x == nullptr) {
      const bool en_catalogo = self->ops->catalogo().FindActa(r.params.at("clave")).has_value();
      if (!en_catalogo)
        return Response::Error(404, "not_found", "acta desconocida: " + r.params.at("clave"),
                               "clave");
      ordered_json j{
          {"clave_acta", r.params.at("clave")}, {"en_catalogo", true}, {"acopiada", false}};
      return Response::Json(200, j.dump(-1, ' ', false, kReemplazarUtf8Invalido));
    }
    return Response::Json(200,
                          self->VistaActa(*u, *x).dump(-1, ' ', false, kReemplazarUtf8Invalido));
  });

  // The work queue: the next acta this person can take for a phase.
  router->Add("POST", "/api/v1/cola/{fase}", [self](const Request& r) {
    auto u = self->Autenticar(r);
    if (!u.ok()) return Response::Error(401, "unauthenticated", "inicie sesión");
    const std::string fase = r.params.at("fase");
    const auth::Accion accion =
        fase == "captura" ? auth::Accion::kCapturar : auth::Accion::kVerificar;
    if (fase != "captura" && fase != "verificacion") {
      return Response::Error(404, "not_found", "fase: captura or verificacion", "fase");
    }
    if (!auth::RolPermite(u->rol, accion)) {
      self->Auditar(*u, "cola_" + fase, "", false, "el rol no permite " + fase);
      return Response::Error(403, "forbidden", "su rol no permite " + fase);
    }
    const int64_t now = self->Ahora();
    std::unique_ptr<store::Ticket> ticket;
    ordered_json j{{"clave_acta", nullptr}};
    {
      std::lock_guard<std::mutex> lock(self->mu);
      for (const auto& acta : self->ops->catalogo().actas) {
        const std::string clave = acta.clave.empty() ? acta.id.Clave() : acta.clave;
        const ops::Expediente* x = self->ops->Buscar(clave);
        if (x == nullptr || x->sin_acta || x->verificada || x->capturistas.count(u->nombre))
          continue;
        const bool lista = fase == "captura" ? x->Digitalizada() && x->capturas.size() < 2
                                             : x->CapturasCompletas();
        if (!lista) continue;
        if (!auth::Autorizar(*u, accion, self->SitioObjetivo(*u, clave)).permitido) continue;
        auto rc = self->reclamos.find(clave + "/" + fase);
        if (rc != self->reclamos.end() && rc->second.usuario != u->nombre &&
            rc->second.expira_ms > now)
          continue;
        const int64_t expira = now + self->opciones.reclamo_ms;
        const std::string payload = ordered_json{{"fase", fase}, {"expira_ms", expira}}.dump(
            -1, ' ', false, kReemplazarUtf8Invalido);
        auto reservado = self->store->Reserve(
            {kReclamo, clave, u->nombre, u->sitio, now, payload,
             "r-" + store::Sha256Hex(u->nombre + "\n" + clave + "\n" + payload)});
        if (!reservado.ok()) return FromStatus(reservado.status());
        ticket = std::move(*reservado);
        self->AplicarReclamo(ticket->event());
        j = {{"clave_acta", clave}, {"reclamo_expira_ms", expira}};
        j["imagen"] = x->imagenes.empty() ? "" : x->imagenes.back().sha256;
        ordered_json cols = ordered_json::array();
        for (const auto& c : self->ops->catalogo().columns) cols.push_back(c.name);
        j["columnas"] = cols;
        break;
      }
    }
    // The claim is answered once it is on disk, outside the lock (group commit).
    if (ticket) {
      if (Status st = self->store->Wait(*ticket); !st.ok()) {
        std::fprintf(stderr, "prep: the event log cannot be written: %s\n", st.message().c_str());
        std::abort();
      }
    }
    return Response::Json(200, j.dump(-1, ' ', false, kReemplazarUtf8Invalido));
  });

  router->Add("GET", "/api/v1/imagenes/{sha}", [self](const Request& r) {
    auto u = self->Autenticar(r);
    if (!u.ok()) return Response::Error(401, "unauthenticated", "inicie sesión");
    const std::string sha = r.params.at("sha");
    if (sha.size() != 64 || sha.find_first_not_of("0123456789abcdef") != std::string::npos) {
      return Response::Error(404, "not_found", "no such image", "sha");
    }
    for (store::TipoImagen tipo :
         {store::TipoImagen::kPng, store::TipoImagen::kJpeg, store::TipoImagen::kPdf}) {
      std::ifstream in(self->CarpetaImagenes() + "/" + sha.substr(0, 2) + "/" + sha + "." +
                           std::string(store::ExtensionDe(tipo)),
                       std::ios::binary);
      if (!in) continue;
      Response resp;
      resp.body.assign(std::istreambuf_iterator<char>(in), {});
      resp.content_type = std::string(store::MimeDe(tipo));
      return resp;
    }
    return Response::Error(404, "not_found", "no such image", "sha");
  });

  router->Add("POST", "/api/v1/usuarios", [self](const Request& r) {
    auto u = self->Autenticar(r);
    if (!u.ok()) return Response::Error(401, "unauthenticated", "inicie sesión");
    auto body = self->Cuerpo(r);
    if (!body.ok()) return FromStatus(body.status());
    const json& j = *body;
    auto text = [&j](const char* k) { return Texto(j, k); };
    Status st = self->directorio->CrearUsuario(*u, text("nombre"), text("rol"), text("sitio"),
                                               text("password"), self->Ahora());
    if (!st.ok()) return RespuestaGestion(*u, st);
    return Response::Json(201, ordered_json{{"nombre", text("nombre")}}.dump(
                                   -1, ' ', false, kReemplazarUtf8Invalido));
  });

  // Changes to one user: {"accion": "reasignar", "rol", "sitio"} | "desactivar" |
  // "reactivar" | {"accion": "cambiar_contrasena", "password"} (administrador).
  router->Add("POST", "/api/v1/usuarios/{nombre}", [self](const Request& r) {
    auto u = self->Autenticar(r);
    if (!u.ok()) return Response::Error(401, "unauthenticated", "inicie sesión");
    auto body = self->Cuerpo(r);
    if (!body.ok()) return FromStatus(body.status());
    const json& j = *body;
    auto text = [&j](const char* k) { return Texto(j, k); };
    const std::string nombre = r.params.at("nombre");
    const std::string accion = text("accion");
    const int64_t now = self->Ahora();
    Status st;
    if (accion == "reasignar") {
      st = self->directorio->Reasignar(*u, nombre, text("rol"), text("sitio"), now);
    } else if (accion == "desactivar") {
      st = self->directorio->Desactivar(*u, nombre, now);
    } else if (accion == "reactivar") {
      st = self->directorio->Reactivar(*u, nombre, now);
    } else if (accion == "cambiar_contrasena") {
      st = self->directorio->CambiarContrasena(*u, nombre, text("password"), now);
    } else {
      return Response::Error(422, "invalid",
                             "accion: reasignar, desactivar, reactivar or cambiar_contrasena",
                             "accion");
    }
    if (!st.ok()) return RespuestaGestion(*u, st);
    return Response::Json(200, ordered_json{{"nombre", nombre}, {"accion", accion}}.dump(
                                   -1, ' ', false, kReemplazarUtf8Invalido));
  });

  // A corte now: a drill, or the close ({"final": true}).
  router->Add("POST", "/api/v1/cortes", [self](const Request& r) {
    auto u = self->Autenticar(r);
    if (!u.ok()) return Response::Error(401, "unauthenticated", "inicie sesión");
    if (!auth::RolPermite(u->rol, auth::Accion::kForzarCorte)) {
      self->Auditar(*u, "forzar_corte", "", false, "el rol no permite forzar un corte");
      return Response::Error(403, "forbidden", "el rol no permite forzar un corte");
    }
    auto body = self->Cuerpo(r);
    if (!body.ok()) return FromStatus(body.status());
    if (body->contains("final") && !(*body)["final"].is_boolean()) {
      return Response::Error(422, "invalid", "final: true or false", "final");
    }
    const bool final = body->contains("final") && (*body)["final"].get<bool>();
    if (!self->opciones.forzar_corte) {
      return Response::Error(409, "conflict", "este servidor no publica cortes");
    }
    auto id = self->opciones.forzar_corte(final);
    self->Auditar(*u, "forzar_corte", id.ok() ? *id : "", id.ok(),
                  id.ok() ? (final ? "final" : "") : id.status().message());
    if (!id.ok()) return FromStatus(id.status());
    return Response::Json(201, ordered_json{{"corte", *id}, {"final", final}}.dump(
                                   -1, ' ', false, kReemplazarUtf8Invalido));
  });

  // The election as the console needs it: names, columns, distritos, sedes,
  // and where publication stands. Any signed-in user.
  router->Add("GET", "/api/v1/eleccion", [self](const Request& r) {
    auto u = self->Autenticar(r);
    if (!u.ok()) return Response::Error(401, "unauthenticated", "inicie sesión");
    const domain::Catalogo& cat = self->ops->catalogo();
    ordered_json j;
    j["entidad"] = cat.entidad_nombre;
    j["eleccion"] = cat.eleccion;
    j["actas"] = cat.actas.size();
    ordered_json cols = ordered_json::array();
    for (const auto& c : cat.columns) cols.push_back(c.name);
    j["columnas"] = cols;
    ordered_json ds = ordered_json::array();
    for (const auto& d : cat.distritos)
      ds.push_back({{"distrito", d.id}, {"cabecera", d.cabecera}});
    j["distritos"] = ds;
    ordered_json sedes = ordered_json::array();
    for (const auto& [id, sede] : self->opciones.sedes) {
      sedes.push_back({{"sede", id}, {"tipo", sede.tipo}, {"distrito", sede.distrito}});
    }
    j["sedes"] = sedes;
    j["usuario"] = {{"nombre", u->nombre}, {"rol", auth::NombreRol(u->rol)}, {"sitio", u->sitio}};
    j["ahora_ms"] = self->Ahora();
    j["publicacion"] =
        self->opciones.estado_publicacion
            ? ordered_json::parse(self->opciones.estado_publicacion(), nullptr, false)
            : ordered_json();
    return Response::Json(200, j.dump(-1, ' ', false, kReemplazarUtf8Invalido));
  });

  // The last Sobres registered for the user's site (the acopio screen).
  router->Add("GET", "/api/v1/acopios", [self](const Request& r) {
    auto u = self->Autenticar(r);
    if (!u.ok()) return Response::Error(401, "unauthenticated", "inicie sesión");
    if (!auth::RolPermite(u->rol, auth::Accion::kRegistrarAcopio) &&
        !auth::RolPermite(u->rol, auth::Accion::kCoordinar)) {
      return Response::Error(403, "forbidden", "su rol no registra acopios");
    }
    std::vector<const ops::Expediente*> suyos;
    {
      std::lock_guard<std::mutex> lock(self->mu);
      for (const auto& [clave, x] : self->ops->Expedientes()) {
        if (!x.acopiada) continue;
        if (u->sitio != auth::kSitioCentral && self->SitioObjetivo(*u, clave) != u->sitio) continue;
        suyos.push_back(&x);
      }
      std::sort(suyos.begin(), suyos.end(),
                [](const auto* a, const auto* b) { return a->hora_acopio_ms > b->hora_acopio_ms; });
      if (suyos.size() > 20) suyos.resize(20);
      ordered_json a = ordered_json::array();
      for (const auto* x : suyos) {
        a.push_back({{"clave_acta", x->clave_acta},
                     {"hora_ms", x->hora_acopio_ms},
                     {"en_catalogo", x->en_catalogo},
                     {"sin_acta", x->sin_acta ? static_cast<int>(*x->sin_acta) : 0},
                     {"mecanismos_traslado", x->mecanismos_traslado}});
      }
      return Response::Json(200, a.dump(-1, ' ', false, kReemplazarUtf8Invalido));
    }
  });

  // What the user's CATD has to scan: registered, not sin acta, and without
  // an image or with a redigitalización ordered.
  router->Add("GET", "/api/v1/pendientes", [self](const Request& r) {
    auto u = self->Autenticar(r);
    if (!u.ok()) return Response::Error(401, "unauthenticated", "inicie sesión");
    if (!auth::RolPermite(u->rol, auth::Accion::kDigitalizar)) {
      return Response::Error(403, "forbidden", "su rol no digitaliza actas");
    }
    std::lock_guard<std::mutex> lock(self->mu);
    ordered_json a = ordered_json::array();
    for (const auto& [clave, x] : self->ops->Expedientes()) {
      if (x.sin_acta || (!x.imagenes.empty() && !x.redigitalizacion_pendiente)) continue;
      if (u->sitio != auth::kSitioCentral && self->SitioObjetivo(*u, clave) != u->sitio) continue;
      a.push_back({{"clave_acta", clave},
                   {"redigitalizacion", x.redigitalizacion_pendiente},
                   {"hora_acopio_ms", x.hora_acopio_ms}});
      if (a.size() >= 500) break;
    }
    return Response::Json(200, a.dump(-1, ' ', false, kReemplazarUtf8Invalido));
  });

  // The coordinación's figures: progress per phase, distrito, CATD and CCV,
  // throughput, latencies, actas stuck, and where publication stands.
  router->Add("GET", "/api/v1/avance", [self](const Request& r) {
    auto u = self->Autenticar(r);
    if (!u.ok()) return Response::Error(401, "unauthenticated", "inicie sesión");
    if (!auth::RolPermite(u->rol, auth::Accion::kCoordinar) &&
        !auth::RolPermite(u->rol, auth::Accion::kConsultar)) {
      self->Auditar(*u, "consultar_avance", "", false, "el rol no consulta el avance");
      return Response::Error(403, "forbidden", "su rol no consulta el avance");
    }
    std::map<int, std::string> catd;
    for (const auto& [id, sede] : self->opciones.sedes) {
      if (sede.tipo == "CATD" && !catd.count(sede.distrito)) catd[sede.distrito] = id;
    }
    ordered_json j;
    {
      std::lock_guard<std::mutex> lock(self->mu);
      j = ops::AvanceJson(ops::CalcularAvance(*self->ops, catd, self->Ahora()));
    }
    j["publicacion"] =
        self->opciones.estado_publicacion
            ? ordered_json::parse(self->opciones.estado_publicacion(), nullptr, false)
            : ordered_json();
    ordered_json inc = ordered_json::array();
    {
      std::lock_guard<std::mutex> l(self->mu_incidentes);
      for (auto it = self->incidentes.rbegin(); it != self->incidentes.rend(); ++it) {
        inc.push_back({{"at_ms", it->at_ms},
                       {"usuario", it->usuario},
                       {"sitio", it->sitio},
                       {"accion", it->accion},
                       {"acta", it->objetivo},
                       {"motivo", it->motivo}});
      }
    }
    j["incidentes"] = inc;
    return Response::Json(200, j.dump(-1, ' ', false, kReemplazarUtf8Invalido));
  });

  // Puesta en ceros (spec §8.3): whether the store holds any acta data yet;
  // before the night it must hold none (users and the election's own events
  // are not acta data).
  router->Add("GET", "/api/v1/puesta-en-ceros", [self](const Request& r) {
    auto u = self->Autenticar(r);
    if (!u.ok()) return Response::Error(401, "unauthenticated", "inicie sesión");
    if (!auth::RolPermite(u->rol, auth::Accion::kAdministrarConfiguracion) &&
        !auth::RolPermite(u->rol, auth::Accion::kLeerAuditoria)) {
      self->Auditar(*u, "puesta_en_ceros", "", false, "sólo administración y auditoría");
      return Response::Error(403, "forbidden", "sólo administración y auditoría");
    }
    int64_t eventos = 0, total = 0;
    std::map<std::string, int64_t> por_tipo;
    for (int64_t next = 1;;) {
      auto lote = self->store->Read(next, 10000);
      if (!lote.ok()) return FromStatus(lote.status());
      if (lote->empty()) break;
      for (const auto& e : *lote) {
        ++total;
        if (ops::EsEventoDeActa(e.type)) {
          ++eventos;
          ++por_tipo[e.type];
        }
      }
      next = lote->back().seq + 1;
    }
    size_t actas;
    {
      std::lock_guard<std::mutex> lock(self->mu);
      actas = self->ops->Expedientes().size();
    }
    ordered_json tipos = ordered_json::object();
    for (const auto& [t, n] : por_tipo) tipos[t] = n;
    const Status cadena = self->store->VerifyChain();
    ordered_json j{{"en_ceros", eventos == 0 && actas == 0},
                   {"eventos_de_actas", eventos},
                   {"actas_con_datos", actas},
                   {"por_tipo", tipos},
                   {"eventos_en_bitacora", total},
                   {"cadena_verifica", cadena.ok()},
                   {"cadena", cadena.ok() ? "la cadena de hashes verifica" : cadena.message()},
                   {"ahora_ms", self->Ahora()}};
    self->Auditar(*u, "puesta_en_ceros", "", true, "");
    return Response::Json(200, j.dump(-1, ' ', false, kReemplazarUtf8Invalido));
  });

  router->Add("GET", "/api/v1/usuarios", [self](const Request& r) {
    auto u = self->Autenticar(r);
    if (!u.ok()) return Response::Error(401, "unauthenticated", "inicie sesión");
    if (!auth::RolPermite(u->rol, auth::Accion::kAdministrarUsuarios)) {
      self->Auditar(*u, "listar_usuarios", "", false, "sólo administración");
      return Response::Error(403, "forbidden", "sólo administración gestiona usuarios");
    }
    ordered_json a = ordered_json::array();
    for (const auto& x : self->directorio->Usuarios()) {
      a.push_back({{"nombre", x.nombre},
                   {"rol", auth::NombreRol(x.rol)},
                   {"sitio", x.sitio},
                   {"activo", x.activo}});
    }
    return Response::Json(200, a.dump(-1, ' ', false, kReemplazarUtf8Invalido));
  });

  router->Add("GET", "/api/v1/auditoria", [self](const Request& r) {
    auto u = self->Autenticar(r);
    if (!u.ok()) return Response::Error(401, "unauthenticated", "inicie sesión");
    if (!auth::RolPermite(u->rol, auth::Accion::kLeerAuditoria)) {
      self->Auditar(*u, "leer_auditoria", "", false, "el rol no permite leer la auditoría");
      return Response::Error(403, "forbidden", "su rol no permite leer la auditoría");
    }
    // A page of at most 1,000 events from `desde`, optionally only those of a
    // user, a type or an acta (the next page starts after the last seq).
    const int64_t desde = r.query.count("desde") ? std::atoll(r.query.at("desde").c_str()) : 1;
    auto filtro = [&](const char* k) { return r.query.count(k) ? r.query.at(k) : std::string(); };
    const std::string f_usuario = filtro("usuario"), f_tipo = filtro("tipo"),
                      f_acta = filtro("acta");
    const bool filtra = !f_usuario.empty() || !f_tipo.empty() || !f_acta.empty();
    Result<std::vector<store::Event>> events = std::vector<store::Event>();
    for (int64_t next = std::max<int64_t>(1, desde); events->size() < 1000;) {
      auto lote = self->store->Read(next, filtra ? 10000 : 1000);
      if (!lote.ok()) return FromStatus(lote.status());
      if (lote->empty()) break;
      next = lote->back().seq + 1;
      for (auto& e : *lote) {
        if ((!f_usuario.empty() && e.actor != f_usuario) || (!f_tipo.empty() && e.type != f_tipo) ||
            (!f_acta.empty() && e.acta != f_acta)) {
          continue;
        }
        if (events->size() < 1000) events->push_back(std::move(e));
      }
      if (!filtra) break;
    }
    // A user event's payload holds a password hash: never exported.
    auto payload = [](const store::Event& e) {
      return e.type == "auditoria" || e.type.rfind("usuario", 0) != 0 ? e.payload : "{}";
    };
    const auto formato = r.query.find("formato");
    if (formato != r.query.end() && formato->second == "csv") {
      // For a spreadsheet: RFC 4180 quoting, one event per row, with the chain
      // (prev_hash, hash) so the export can be checked against the log.
      auto celda = [](const std::string& v) {
        std::string out = "\"";
        for (char c : v) {
          if (c == '"') out += '"';
          out += c;
        }
        return out + "\"";
      };
      std::string csv = "seq,tipo,acta,usuario,sitio,at_ms,prev_hash,hash,payload\r\n";
      for (const auto& e : *events) {
        csv += std::to_string(e.seq) + "," + celda(e.type) + "," + celda(e.acta) + "," +
               celda(e.actor) + "," + celda(e.site) + "," + std::to_string(e.at_ms) + "," +
               e.prev_hash + "," + e.hash + "," + celda(payload(e)) + "\r\n";
      }
      Response resp;
      resp.content_type = "text/csv; charset=utf-8";
      resp.headers["Content-Disposition"] = "attachment; filename=\"auditoria.csv\"";
      resp.body = std::move(csv);
      return resp;
    }
    if (formato != r.query.end() && formato->second != "json") {
      return Response::Error(422, "invalid", "formato: json (por omisión) o csv", "formato");
    }
    ordered_json a = ordered_json::array();
    for (const auto& e : *events) {
      a.push_back({{"seq", e.seq},
                   {"tipo", e.type},
                   {"acta", e.acta},
                   {"usuario", e.actor},
                   {"sitio", e.site},
                   {"at_ms", e.at_ms},
                   {"payload", payload(e)},
                   {"prev_hash", e.prev_hash},
                   {"hash", e.hash}});
    }
    return Response::Json(200, a.dump(-1, ' ', false, kReemplazarUtf8Invalido));
  });

  // Rate limits, before any handler: by session when the token is a live one, otherwise by
  // address (a made-up token is no way around the address's limit). Then the handler, with a
  // net for a JSON value of a type it did not check (found by fuzz/api_fuzzer): a 400.
  router->WrapRoutes([self](Handler h) -> Handler {
    return [self, h = std::move(h)](const Request& r) {
      const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now().time_since_epoch())
                              .count();
      int64_t espera_ms = 0;
      const std::string_view auth_header = r.HeaderView("authorization");
      const bool con_sesion = auth_header.rfind("Bearer ", 0) == 0 && self->Autenticar(r).ok();
      const bool permitido =
          con_sesion ? self->limite_sesion->Permitir(auth_header.substr(7), now, &espera_ms)
                     : self->limite_sin_sesion->Permitir(r.peer, now, &espera_ms);
      if (permitido) {
        // A JSON value of an unexpected type that a handler did not check: the client's
        // mistake, not an internal error (the handlers check what they read; this is the net).
        try {
          return h(r);
        } catch (const nlohmann::json::exception& e) {
          return Response::Error(400, "invalid",
                                 std::string("a JSON value of the wrong type: ") + e.what());
        }
      }
      Response resp = Response::Error(
          429, "rate_limited",
          con_sesion ? "demasiadas solicitudes de esta sesión; espere un momento"
                     : "demasiadas solicitudes desde esta dirección; espere un momento");
      resp.headers["Retry-After"] = std::to_string(std::max<int64_t>(1, (espera_ms + 999) / 1000));
      return resp;
    };
  });
}

}  // namespace prep::http
