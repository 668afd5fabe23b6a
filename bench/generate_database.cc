// prep_generate_database: writes a synthetic PREP results database (the
// IEQROO 2019 layout of ../shared/data/qroo2019-prep-final) with N actas, for
// benchmarking `prep check` at national scale.
//
//   prep_generate_database [--actas N] [--seed S] OUTPUT.csv   (OUTPUT "-" = stdout)
//
// Deliberately independent of src/: the summary block is computed here, from
// the rows this program writes, with the rules of ../shared/data/README.md, so
// `prep check OUTPUT` exiting 0 is a real cross-check and not a tautology.
//
// The output is a pure function of (N, seed): a fixed-seed SplitMix64 PRNG,
// integer arithmetic only (no floating point anywhere, percentages included).
// The rows are produced twice from the same seed: the first pass only tallies
// the summary block (which precedes the rows in the file), the second writes.
//
// Mix of rows (per 10,000 actas, roughly): 20 not captured yet (CONTABILIZADA
// "-"), 150 sin acta, 100 "TODOS ILEGIBLES O SIN DATO", 30 "EXCEDE LISTA
// NOMINAL" (all three CONTABILIZADA 0), 2,000 "ALGUN DATO ILEGIBLE O SIN DATO"
// (CONTABILIZADA 1), the rest clean contabilizadas. Casillas: one básica per
// sección, 0-5 contiguas, some extraordinarias (with contiguas) and a few
// especiales (LISTA_NOMINAL 0, TIPO_ACTA 3). 32 entidades, ~250 secciones per
// distrito.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace {

// ---------------------------------------------------------------- PRNG

struct Rng {
  uint64_t state;
  uint64_t Next() {  // SplitMix64
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n), n > 0 (Lemire's multiply-shift; the tiny bias is irrelevant here).
  uint32_t Below(uint32_t n) {
    return static_cast<uint32_t>((static_cast<unsigned __int128>(Next() & 0xFFFFFFFFULL) * n) >>
                                 32);
  }
  int64_t Range(int64_t lo, int64_t hi) { return lo + Below(static_cast<uint32_t>(hi - lo + 1)); }
  bool PerTenThousand(uint32_t p) { return Below(10000) < p; }
};

// ---------------------------------------------------------------- layout

// Column header of QROO_DIP_LOC_2019.csv, byte for byte.
constexpr std::string_view kColumnHeader =
    "CLAVE_CASILLA|CLAVE_ACTA|ID_ESTADO|ESTADO|ID_DISTRITO|DISTRITO|SECCION|ID_CASILLA|"
    "TIPO_CASILLA|EXT_CONTIGUA|UBICACION_CASILLA|TIPO_ACTA|TOTAL_BOLETAS_SOBRANTES|"
    "TOTAL_PERSONAS_VOTARON|"
    "TOTAL_REP_PARTIDO_CI_VOTARON|TOTAL_VOTOS_SACADOS|PAN|PRI|PRD|PVEM|PT|MC|MORENA|MAS|CQROO|"
    "PESQROO|C_PAN_PRD_PESQROO|C_PAN_PRD|C_PAN_PESQROO|C_PRD_PESQROO|C_PVEM_PT_MORENA|C_PVEM_PT|"
    "C_PVEM_MORENA|C_PT_MORENA|CAND_IND_1|CAND_IND_2|CAND_IND_3|NO_REGISTRADOS|NULOS|"
    "TOTAL_VOTOS_ASENTADO|TOTAL_VOTOS_CALCULADO|LISTA_NOMINAL|REPRESENTANTES_PP_CI|OBSERVACIONES|"
    "CONTABILIZADA|MECANISMOS_TRASLADO|SHA|FECHA_HORA_ACOPIO|FECHA_HORA_CAPTURA|"
    "FECHA_HORA_VERIFICACION|ORIGEN|DIGITALIZACION|TIPO_DOCUMENTO";

constexpr std::string_view kSummaryHeader =
    "ACTAS_ESPERADAS|ACTAS_REGISTRADAS|ACTAS_FUERA_CATALOGO|ACTAS_CAPTURADAS|"
    "PORCENTAJE_ACTAS_CAPTURADAS|ACTAS_CONTABILIZADAS|PORCENTAJE_ACTAS_CONTABILIZADAS|"
    "PORCENTAJE_ACTAS_INCONSISTENCIAS|ACTAS_NO_CONTABILIZADAS|LISTA_NOMINAL_ACTAS_CONTABILIZADAS|"
    "TOTAL_VOTOS_C_CS|TOTAL_VOTOS_S_CS|PORCENTAJE_PARTICIPACION_CIUDADANA";

constexpr std::string_view kTitle = "DIPUTACIONES LOCALES";
constexpr std::string_view kCorte = "2024/06/03 05:47 (UTC-6)";

// Vote columns PAN..NULOS, in header order. Relative weights of a typical acta.
constexpr int kVotes = 23;
constexpr int kCoalicionFirst = 10;  // C_PAN_PRD_PESQROO
constexpr int kCoalicionLast = 17;   // C_PT_MORENA
constexpr int kCandInd1 = 18;        // CAND_IND_1..3 = 18, 19, 20
constexpr int kNoRegistrados = 21;
constexpr int kWeights[kVotes] = {170, 110, 45, 70, 35, 55, 260, 40, 35, 30, 6, 7,
                                  2,   1,   4,  2,  3,  4,  12,  10, 8,  4,  60};

constexpr const char* kEstados[32] = {"AGUASCALIENTES", "BAJA CALIFORNIA", "BAJA CALIFORNIA SUR",
                                      "CAMPECHE",       "COAHUILA",        "COLIMA",
                                      "CHIAPAS",        "CHIHUAHUA",       "CIUDAD DE MÉXICO",
                                      "DURANGO",        "GUANAJUATO",      "GUERRERO",
                                      "HIDALGO",        "JALISCO",         "MÉXICO",
                                      "MICHOACÁN",      "MORELOS",         "NAYARIT",
                                      "NUEVO LEÓN",     "OAXACA",          "PUEBLA",
                                      "QUERÉTARO",      "QUINTANA ROO",    "SAN LUIS POTOSÍ",
                                      "SINALOA",        "SONORA",          "TABASCO",
                                      "TAMAULIPAS",     "TLAXCALA",        "VERACRUZ",
                                      "YUCATÁN",        "ZACATECAS"};

constexpr int kSeccionesPorDistrito = 250;

// ---------------------------------------------------------------- one acta

enum class Kind { kLimpia, kAlgunDato, kTodos, kExcede, kSinActa, kNoCapturada };
enum class Cell : uint8_t { kNumber, kSinDato, kIlegible, kNoAplica };

struct Acta {
  int estado = 0;  // 1..32
  int distrito = 0;
  int seccion = 0;
  int id_casilla = 0;
  char tipo = 'B';
  int ext_contigua = 0;
  int ubicacion = 1;
  Kind kind = Kind::kLimpia;
  Cell cell[kVotes] = {};
  int64_t votes[kVotes] = {};
  int64_t lista_nominal = 0;
  int64_t representantes = 0;
  int64_t sobrantes = 0, personas = 0, rep_votaron = 0, sacados = 0;
  bool rep_votaron_sin_dato = false;
  int64_t asentado = 0;
  bool asentado_sin_dato = false;
  int64_t calculado = 0;
  std::string_view observacion;
  char mecanismo = 'F';  // 0 = empty
  uint64_t sha[4] = {};
  bool has_sha = true;
  int64_t acopio = -1, captura = -1, verificacion = -1;  // seconds since 2024-06-02 00:00:00
  bool movil = false;
  std::string_view tipo_documento = "ACTA PREP";

  char Contabilizada() const {
    switch (kind) {
      case Kind::kLimpia:
      case Kind::kAlgunDato:
        return '1';
      case Kind::kNoCapturada:
        return '-';
      default:
        return '0';
    }
  }
};

// Walks the geography (entidad, distrito, sección, casillas) and draws actas.
class Generator {
 public:
  Generator(uint64_t actas, uint64_t seed) : total_(actas), rng_{seed} {}

  bool Next(Acta* a) {
    if (emitted_ >= total_) return false;
    // Entidad e takes the rows up to total * (e + 1) / 32.
    while (estado_ < 32 && emitted_ >= total_ * static_cast<uint64_t>(estado_) / 32) {
      ++estado_;
      seccion_ = 0;
      pending_ = 0;
    }
    if (pending_ == 0) NewSeccion();
    Draw(a);
    ++emitted_;
    return true;
  }

 private:
  // Plans the casillas of the next sección: a list of (tipo, id, ext).
  void NewSeccion() {
    ++seccion_;
    pending_ = 0;
    cursor_ = 0;
    const int contiguas = static_cast<int>(kContiguas[rng_.Below(16)]);
    const bool extraordinaria = rng_.PerTenThousand(400);
    const bool especial = rng_.PerTenThousand(120);
    ubicacion_ = rng_.PerTenThousand(2500) ? 2 : 1;
    seccion_ln_ = rng_.Range(380, 740);
    Add('B', 1, 0);
    for (int i = 1; i <= contiguas; ++i) Add('C', i, 0);
    if (extraordinaria) {
      const int ext = static_cast<int>(rng_.Range(0, 2));
      for (int e = 0; e <= ext; ++e) Add('E', 1, e);
    }
    if (especial) Add('S', 1, 0);
  }
  void Add(char tipo, int id, int ext) { plan_[pending_++] = {tipo, id, ext}; }

  void Draw(Acta* a) {
    const Planned p = plan_[cursor_++];
    --pending_;
    *a = Acta{};
    a->estado = estado_;
    a->seccion = seccion_;
    a->distrito = 1 + (seccion_ - 1) / kSeccionesPorDistrito;
    a->tipo = p.tipo;
    a->id_casilla = p.id;
    a->ext_contigua = p.ext;
    a->ubicacion = p.tipo == 'E' ? 2 : ubicacion_;
    const bool especial = p.tipo == 'S';
    a->lista_nominal =
        especial ? 0 : (p.tipo == 'E' ? rng_.Range(90, 600) : seccion_ln_ - rng_.Range(0, 3));
    a->representantes = rng_.Range(0, 8);

    // Which independent candidacies run in this distrito ("-" elsewhere).
    const bool ind[3] = {a->distrito % 7 == 3, a->distrito % 11 == 5, a->distrito % 13 == 1};

    const uint32_t r = rng_.Below(10000);
    if (r < 20) {
      a->kind = Kind::kNoCapturada;
    } else if (r < 170) {
      a->kind = Kind::kSinActa;
    } else if (r < 270) {
      a->kind = Kind::kTodos;
    } else if (r < 300 && !especial) {
      a->kind = Kind::kExcede;
    } else if (r < 2300) {
      a->kind = Kind::kAlgunDato;
    } else {
      a->kind = Kind::kLimpia;
    }

    for (int i = 0; i < kVotes; ++i) {
      const bool applies = i < kCandInd1 || i > kCandInd1 + 2 || ind[i - kCandInd1];
      a->cell[i] = applies ? Cell::kNumber : Cell::kNoAplica;
    }
    for (uint64_t& w : a->sha) w = rng_.Next();
    a->mecanismo = "DDDDDDDDDFFFFFFFFFFI"[rng_.Below(20)];
    if (rng_.PerTenThousand(400)) a->mecanismo = 0;
    a->movil = rng_.PerTenThousand(2700);
    // Acopio between 2024-06-02 18:10 and 2024-06-03 05:10; captura and verificación follow.
    a->acopio = 18 * 3600 + 600 + rng_.Range(0, 11 * 3600);
    if (!a->movil) a->acopio -= a->acopio % 60;  // CATD acopio times are whole minutes
    a->captura = a->acopio + rng_.Range(30, 1200);
    a->verificacion = a->captura + rng_.Range(20, 900);

    switch (a->kind) {
      case Kind::kNoCapturada:
        a->has_sha = false;
        a->acopio = a->captura = a->verificacion = -1;
        a->mecanismo = 0;
        a->tipo_documento = "";
        a->observacion = "";
        for (Cell& c : a->cell) c = Cell::kNoAplica;
        return;
      case Kind::kSinActa: {
        static constexpr std::string_view kMotivos[4] = {
            "SIN ACTA POR PAQUETE NO ENTREGADO", "SIN ACTA POR PAQUETE NO ENTREGADO",
            "SIN ACTA POR PAQUETE ENTREGADO SIN SOBRE", "SIN ACTA POR CASILLA NO INSTALADA"};
        a->observacion = kMotivos[rng_.Below(4)];
        a->representantes = 0;
        a->has_sha = false;
        a->acopio = -1;
        a->movil = false;
        a->tipo_documento = "";
        return;  // every count 0
      }
      case Kind::kTodos: {
        const Cell c = rng_.Below(2) ? Cell::kIlegible : Cell::kSinDato;
        for (Cell& x : a->cell) {
          if (x == Cell::kNumber) x = c;
        }
        a->observacion = "TODOS ILEGIBLES O SIN DATO";
        a->movil = false;
        if (rng_.Below(3) == 0) a->tipo_documento = "RPP";
        return;  // every count 0
      }
      default:
        break;
    }

    // Votes: T split by jittered weights; the remainder goes to the largest share.
    int64_t t;
    if (especial) {
      t = rng_.Range(15, 700);
    } else if (a->kind == Kind::kExcede) {
      t = a->lista_nominal + a->representantes + rng_.Range(1, 40);
    } else {
      // Turnout 30 %-78 % of the lista nominal: never above LN + representantes.
      t = a->lista_nominal * rng_.Range(30, 78) / 100;
    }
    int64_t w[kVotes];
    int64_t wsum = 0;
    for (int i = 0; i < kVotes; ++i) {
      w[i] = a->cell[i] == Cell::kNumber ? kWeights[i] * rng_.Range(40, 160) : 0;
      wsum += w[i];
    }
    int64_t given = 0;
    int best = 0;
    for (int i = 0; i < kVotes; ++i) {
      a->votes[i] = t * w[i] / wsum;
      given += a->votes[i];
      if (w[i] > w[best]) best = i;
    }
    a->votes[best] += t - given;

    a->asentado = t;
    if (a->kind == Kind::kAlgunDato) {
      a->observacion = "ALGUN DATO ILEGIBLE O SIN DATO";
      if (rng_.Below(2) == 0) {
        // As in the 2019 file: the whole coalition block and NO_REGISTRADOS left blank.
        for (int i = kCoalicionFirst; i <= kCoalicionLast; ++i) a->cell[i] = Cell::kSinDato;
        a->cell[kNoRegistrados] = Cell::kSinDato;
      } else {
        const int n = static_cast<int>(rng_.Range(1, 3));
        for (int k = 0; k < n; ++k) {
          const int i = static_cast<int>(rng_.Below(kVotes));
          if (a->cell[i] == Cell::kNumber)
            a->cell[i] = rng_.Below(3) ? Cell::kIlegible : Cell::kSinDato;
        }
        // Keep at least one legible count (otherwise it is a "TODOS" acta).
        a->cell[0] = Cell::kNumber;
      }
      if (rng_.Below(4) == 0) a->asentado_sin_dato = true;
      if (rng_.Below(6) == 0) a->rep_votaron_sin_dato = true;
    } else if (a->kind == Kind::kExcede) {
      a->observacion = "EXCEDE LISTA NOMINAL";
    }
    a->calculado = 0;
    for (int i = 0; i < kVotes; ++i) {
      if (a->cell[i] != Cell::kNumber) a->votes[i] = 0;
      a->calculado += a->votes[i];
    }
    a->rep_votaron = a->representantes == 0 ? 0 : rng_.Range(0, a->representantes);
    if (a->rep_votaron > t) a->rep_votaron = t;
    a->personas = t - a->rep_votaron;
    a->sacados = t + (rng_.Below(8) == 0 ? rng_.Range(-2, 2) : 0);
    if (a->sacados < 0) a->sacados = 0;
    const int64_t boletas = especial ? 750 : a->lista_nominal + 2 * a->representantes;
    a->sobrantes = boletas > t ? boletas - t : 0;
  }

  static constexpr uint8_t kContiguas[16] = {0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 4, 5};
  struct Planned {
    char tipo;
    int id;
    int ext;
  };

  uint64_t total_;
  uint64_t emitted_ = 0;
  Rng rng_;
  int estado_ = 0;
  int seccion_ = 0;
  int ubicacion_ = 1;
  int64_t seccion_ln_ = 0;
  Planned plan_[16] = {};
  int pending_ = 0;
  int cursor_ = 0;
};

// ---------------------------------------------------------------- summary

struct Summary {
  int64_t rows = 0, capturadas = 0, contabilizadas = 0, inconsistencias = 0;
  int64_t lista_nominal = 0, c_cs = 0, s_cs = 0;

  void Add(const Acta& a) {
    ++rows;
    const char c = a.Contabilizada();
    if (c == '0' || c == '1') ++capturadas;
    if (c == '1') {
      ++contabilizadas;
      lista_nominal += a.lista_nominal;
      c_cs += a.calculado;
      if (a.tipo != 'S') s_cs += a.calculado;
    }
    const std::string_view o = a.observacion;
    for (std::string_view w : {"ILEGIBLE", "SIN DATO", "EXCEDE", "TODOS"}) {
      if (o.find(w) != std::string_view::npos) {
        ++inconsistencias;
        break;
      }
    }
  }
};

// trunc4(100 * a / b) as "ddd.dddd", in integers only.
std::string Trunc4(int64_t a, int64_t b) {
  const int64_t q = b <= 0 || a <= 0
                        ? 0
                        : static_cast<int64_t>(static_cast<unsigned __int128>(a) * 1000000 /
                                               static_cast<unsigned __int128>(b));
  char buf[40];
  std::snprintf(buf, sizeof buf, "%lld.%04lld", static_cast<long long>(q / 10000),
                static_cast<long long>(q % 10000));
  return buf;
}

// ---------------------------------------------------------------- output

class Writer {
 public:
  explicit Writer(FILE* f) : f_(f) { buf_.reserve(kCap + 4096); }
  ~Writer() { Flush(); }
  void S(std::string_view s) { buf_.append(s); }
  void C(char c) { buf_.push_back(c); }
  void Bar() { buf_.push_back('|'); }
  void I(int64_t v) {
    char tmp[24];
    int n = 0;
    const bool neg = v < 0;
    uint64_t u = neg ? static_cast<uint64_t>(-v) : static_cast<uint64_t>(v);
    do {
      tmp[n++] = static_cast<char>('0' + u % 10);
      u /= 10;
    } while (u != 0);
    if (neg) buf_.push_back('-');
    while (n > 0) buf_.push_back(tmp[--n]);
  }
  void Pad(int64_t v, int width) {  // zero-padded
    char tmp[24];
    std::snprintf(tmp, sizeof tmp, "%0*lld", width, static_cast<long long>(v));
    buf_.append(tmp);
  }
  void Hex(uint64_t v) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (int s = 60; s >= 0; s -= 4) buf_.push_back(kHex[(v >> s) & 15]);
  }
  void Time(int64_t t) {  // 2024-06-0D hh:mm:ss, t seconds since 2024-06-02 00:00:00
    if (t < 0) return;
    const int64_t day = 2 + t / 86400;
    t %= 86400;
    S("2024-06-0");
    I(day);
    C(' ');
    Pad(t / 3600, 2);
    C(':');
    Pad(t / 60 % 60, 2);
    C(':');
    Pad(t % 60, 2);
  }
  void MaybeFlush() {
    if (buf_.size() >= kCap) Flush();
  }
  void Flush() {
    if (f_ != nullptr && !buf_.empty() &&
        std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size()) {
      ok_ = false;
    }
    buf_.clear();
  }
  bool ok() const { return ok_; }

 private:
  static constexpr size_t kCap = 1 << 20;
  FILE* f_;
  std::string buf_;
  bool ok_ = true;
};

void WriteRow(const Acta& a, Writer& w) {
  // CLAVE_CASILLA ="EESSSSTIIXX", CLAVE_ACTA EESSSSTIIXXAA (AA = TIPO_ACTA 02 or 03).
  const int tipo_acta = a.tipo == 'S' ? 3 : 2;
  w.S("=\"");
  w.Pad(a.estado, 2);
  w.Pad(a.seccion, 4);
  w.C(a.tipo);
  w.Pad(a.id_casilla, 2);
  w.Pad(a.ext_contigua, 2);
  w.S("\"|");
  w.Pad(a.estado, 2);
  w.Pad(a.seccion, 4);
  w.C(a.tipo);
  w.Pad(a.id_casilla, 2);
  w.Pad(a.ext_contigua, 2);
  w.Pad(tipo_acta, 2);
  w.Bar();
  w.I(a.estado);
  w.Bar();
  w.S(kEstados[a.estado - 1]);
  w.Bar();
  w.I(a.distrito);
  w.S("|DISTRITO ");
  w.I(a.distrito);
  w.Bar();
  w.I(a.seccion);
  w.Bar();
  w.I(a.id_casilla);
  w.Bar();
  w.C(a.tipo);
  w.Bar();
  w.I(a.ext_contigua);
  w.Bar();
  w.I(a.ubicacion);
  w.Bar();
  w.I(tipo_acta);
  w.Bar();

  const bool no_capturada = a.kind == Kind::kNoCapturada;
  auto count = [&](int64_t v, bool sin_dato) {
    if (no_capturada) {
      w.C('-');
    } else if (sin_dato) {
      w.S("SIN DATO");
    } else {
      w.I(v);
    }
    w.Bar();
  };
  count(a.sobrantes, false);
  count(a.personas, false);
  count(a.rep_votaron, a.rep_votaron_sin_dato);
  count(a.sacados, false);
  for (int i = 0; i < kVotes; ++i) {
    switch (a.cell[i]) {
      case Cell::kNumber:
        w.I(a.votes[i]);
        break;
      case Cell::kSinDato:
        w.S("SIN DATO");
        break;
      case Cell::kIlegible:
        w.S("ILEGIBLE");
        break;
      case Cell::kNoAplica:
        w.C('-');
        break;
    }
    w.Bar();
  }
  count(a.asentado, a.asentado_sin_dato);
  count(a.calculado, false);
  w.I(a.lista_nominal);
  w.Bar();
  w.I(a.representantes);
  w.Bar();
  w.S(a.observacion);
  w.Bar();
  w.C(a.Contabilizada());
  w.Bar();
  if (a.mecanismo != 0) w.C(a.mecanismo);
  w.Bar();
  if (a.has_sha) {
    for (uint64_t s : a.sha) w.Hex(s);
  }
  w.Bar();
  w.Time(a.acopio);
  w.Bar();
  w.Time(a.captura);
  w.Bar();
  w.Time(a.verificacion);
  w.Bar();
  if (no_capturada) {
    w.Bar();  // ORIGEN and DIGITALIZACION empty
  } else {
    w.S(a.movil ? "CASILLA|MOVIL" : "CATD|ESCANER");
  }
  w.Bar();
  w.S(a.tipo_documento);
  w.C('\n');
}

int Usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s [--actas N] [--seed S] OUTPUT.csv   (OUTPUT '-' writes to stdout)\n",
               argv0);
  return 2;
}

bool ParseU64(const char* s, uint64_t* out) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || s[0] == '-') return false;
  *out = v;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t actas = 500000;
  uint64_t seed = 20240602;
  const char* output = nullptr;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if ((arg == "--actas" || arg == "-n") && i + 1 < argc) {
      if (!ParseU64(argv[++i], &actas) || actas == 0 || actas > 100000000) return Usage(argv[0]);
    } else if (arg == "--seed" && i + 1 < argc) {
      if (!ParseU64(argv[++i], &seed)) return Usage(argv[0]);
    } else if (arg == "-h" || arg == "--help") {
      Usage(argv[0]);
      return 0;
    } else if (output == nullptr && (arg == "-" || arg.substr(0, 1) != "-")) {
      output = argv[i];
    } else {
      return Usage(argv[0]);
    }
  }
  if (output == nullptr) return Usage(argv[0]);

  // Pass 1: the summary block.
  Summary sum;
  {
    Generator gen(actas, seed);
    Acta a;
    while (gen.Next(&a)) sum.Add(a);
  }

  const bool to_stdout = std::string_view(output) == "-";
  const std::string tmp = to_stdout ? "" : std::string(output) + ".tmp";
  FILE* f = to_stdout ? stdout : std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) {
    std::fprintf(stderr, "%s: cannot create: %s\n", tmp.c_str(), std::strerror(errno));
    return 2;
  }
  Summary check;
  bool ok;
  {
    Writer w(f);
    w.S("sep=|\n");
    w.S(kTitle);
    w.C('\n');
    w.S(kCorte);
    w.C('\n');
    w.S(kSummaryHeader);
    w.C('\n');
    const int64_t no_contabilizadas = sum.capturadas - sum.contabilizadas;
    w.I(sum.rows);  // ACTAS_ESPERADAS
    w.Bar();
    w.I(sum.capturadas);  // ACTAS_REGISTRADAS (+0 fuera)
    w.S("|0|");           // ACTAS_FUERA_CATALOGO
    w.I(sum.capturadas);  // ACTAS_CAPTURADAS
    w.Bar();
    w.S(Trunc4(sum.capturadas, sum.rows));  // PORCENTAJE_ACTAS_CAPTURADAS
    w.Bar();
    w.I(sum.contabilizadas);
    w.Bar();
    w.S(Trunc4(sum.contabilizadas, sum.rows));
    w.Bar();
    w.S(Trunc4(sum.inconsistencias, sum.rows));
    w.Bar();
    w.I(no_contabilizadas);
    w.Bar();
    w.I(sum.lista_nominal);
    w.Bar();
    w.I(sum.c_cs);
    w.Bar();
    w.I(sum.s_cs);
    w.Bar();
    w.S(Trunc4(sum.c_cs, sum.lista_nominal));  // participación, C_CS
    w.S("\n\n");
    w.S(kColumnHeader);
    w.C('\n');

    // Pass 2: the same rows again, written this time.
    Generator gen(actas, seed);
    Acta a;
    while (gen.Next(&a)) {
      check.Add(a);
      WriteRow(a, w);
      w.MaybeFlush();
    }
    w.C('\n');  // the 2019 file ends with an empty line
    w.Flush();
    ok = w.ok();
  }
  if (!to_stdout) {
    ok = std::fclose(f) == 0 && ok;
    if (ok && std::rename(tmp.c_str(), output) != 0) ok = false;
    if (!ok) std::remove(tmp.c_str());
  } else {
    ok = std::fflush(stdout) == 0 && ok;
  }
  if (!ok) {
    std::fprintf(stderr, "%s: write failed: %s\n", output, std::strerror(errno));
    return 2;
  }
  if (check.c_cs != sum.c_cs || check.rows != sum.rows ||
      check.inconsistencias != sum.inconsistencias) {
    std::fprintf(stderr, "internal error: the two passes differ\n");
    return 3;
  }
  std::fprintf(stderr,
               "%s: %lld actas, %lld capturadas, %lld contabilizadas, %lld con inconsistencias, "
               "TOTAL_VOTOS_C_CS %lld, LISTA_NOMINAL %lld\n",
               output, static_cast<long long>(sum.rows), static_cast<long long>(sum.capturadas),
               static_cast<long long>(sum.contabilizadas),
               static_cast<long long>(sum.inconsistencias), static_cast<long long>(sum.c_cs),
               static_cast<long long>(sum.lista_nominal));
  return 0;
}
