#include "formats/election_config.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <system_error>
#include <toml.hpp>
#include <utility>

#include "base/tiempo.h"
#include "formats/csv.h"
#include "formats/text.h"

namespace prep::formats {
namespace {

// Tables keep their keys sorted, so errors come out in a stable order.
using TomlValue = toml::basic_value<toml::discard_comments, std::map, std::vector>;

constexpr size_t kMaxErrors = 1000;
constexpr uintmax_t kMaxFileBytes = uintmax_t{64} << 20;
constexpr int64_t kMaxCoalicionPartidos = 10;  // 2^10 − 11 = 1,013 combination columns
constexpr int64_t kMsPerMinute = int64_t{60} * 1000;
constexpr int64_t kMsPerDay = int64_t{24} * 60 * kMsPerMinute;

// ---------------------------------------------------------------------------
// Errors

class Errors {
 public:
  // `where` is "file:key" (or "file:line: column"); the line is "where: why".
  void Add(const std::string& where, const std::string& why) {
    if (lines_.size() >= kMaxErrors) {
      ++dropped_;
      return;
    }
    lines_.push_back(where + ": " + why);
  }
  // A line that already says where ("file:line: reason").
  void AddLine(const std::string& line) {
    if (lines_.size() >= kMaxErrors) {
      ++dropped_;
      return;
    }
    lines_.push_back(line);
  }
  bool empty() const { return lines_.empty(); }
  size_t count() const { return lines_.size() + dropped_; }

  Status ToStatus() const {
    std::string message;
    for (const std::string& line : lines_) {
      if (!message.empty()) message += '\n';
      message += line;
    }
    if (dropped_ > 0) {
      message += "\n... and " + std::to_string(dropped_) + " more errors";
    }
    return Status::InvalidArgument(std::move(message));
  }

 private:
  std::vector<std::string> lines_;
  size_t dropped_ = 0;
};

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string Describe(const TomlValue& v) {
  switch (v.type()) {
    case toml::value_t::boolean:
      return v.as_boolean() ? "true" : "false";
    case toml::value_t::integer:
      return std::to_string(v.as_integer());
    case toml::value_t::floating: {
      std::ostringstream os;
      os << v.as_floating();
      return "the decimal number " + os.str();
    }
    case toml::value_t::string:
      return Quote(v.as_string().str);
    case toml::value_t::offset_datetime:
      return "a date-time";
    case toml::value_t::local_datetime:
      return "a date-time without UTC offset";
    case toml::value_t::local_date:
      return "a date";
    case toml::value_t::local_time:
      return "a time";
    case toml::value_t::array:
      return "an array";
    case toml::value_t::table:
      return "a table";
    case toml::value_t::empty:
      break;
  }
  return "nothing";
}

// "v is negative" or "v is not between min and max", with an optional reason.
std::string RangeWhy(int64_t v, int64_t min, int64_t max, std::string_view rule = "") {
  std::string why;
  if (v < min && min == 0) {
    why = std::to_string(v) + " is negative";
  } else if (v < min) {
    why = std::to_string(v) + " is below the minimum of " + std::to_string(min);
  } else {
    why = std::to_string(v) + " is above the maximum of " + std::to_string(max);
  }
  if (!rule.empty()) why += " (" + std::string(rule) + ")";
  return why;
}

bool IsUpperAlnum(std::string_view s, bool underscore) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (underscore && c == '_');
  });
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string Indexed(std::string_view path, size_t index0) {
  return std::string(path) + "[" + std::to_string(index0 + 1) + "]";
}

// ---------------------------------------------------------------------------
// Reading TOML tables with every key accounted for

// Reads the keys of one table; reports wrong types, missing required keys and,
// on Finish(), keys the schema does not know (typos).
class TableReader {
 public:
  TableReader(const TomlValue& table, std::string path, const std::string& file, Errors* errors)
      : table_(table), path_(std::move(path)), file_(file), errors_(errors) {}

  const std::string& path() const { return path_; }
  // "acuerdos.inicio_publicacion"; the table itself for an empty key.
  std::string Key(std::string_view key) const {
    if (key.empty()) return path_;
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  std::string Where(std::string_view key) const { return file_ + ":" + Key(key); }
  void Error(std::string_view key, const std::string& why) { errors_->Add(Where(key), why); }
  Errors* errors() const { return errors_; }
  const std::string& file() const { return file_; }

  const TomlValue* Find(std::string_view key) {
    known_.emplace(key);
    const auto& t = table_.as_table();
    auto it = t.find(std::string(key));
    return it == t.end() ? nullptr : &it->second;
  }

  std::optional<int64_t> Int(std::string_view key, bool required) {
    const TomlValue* v = Find(key);
    if (v == nullptr) {
      if (required) Error(key, "is missing");
      return std::nullopt;
    }
    if (!v->is_integer()) {
      Error(key, "expected a whole number, got " + Describe(*v));
      return std::nullopt;
    }
    return v->as_integer();
  }

  // An integer in [min, max]; nullopt (after reporting) when missing or bad.
  std::optional<int64_t> IntIn(std::string_view key, bool required, int64_t min, int64_t max,
                               std::string_view rule = "") {
    std::optional<int64_t> v = Int(key, required);
    if (v && (*v < min || *v > max)) {
      Error(key, RangeWhy(*v, min, max, rule));
      return std::nullopt;
    }
    return v;
  }

  // A string; when required, also non-empty (after trimming spaces).
  std::optional<std::string> Str(std::string_view key, bool required) {
    const TomlValue* v = Find(key);
    if (v == nullptr) {
      if (required) Error(key, "is missing");
      return std::nullopt;
    }
    if (!v->is_string()) {
      Error(key, "expected a text in quotes, got " + Describe(*v));
      return std::nullopt;
    }
    std::string s(TrimSpaces(v->as_string().str));
    if (required && s.empty()) {
      Error(key, "is empty");
      return std::nullopt;
    }
    return s;
  }

  std::optional<bool> Bool(std::string_view key) {
    const TomlValue* v = Find(key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_boolean()) {
      Error(key, "expected true or false, got " + Describe(*v));
      return std::nullopt;
    }
    return v->as_boolean();
  }

  // One of `choices`; nullopt when missing or not one of them.
  std::optional<std::string> Choice(std::string_view key,
                                    std::initializer_list<const char*> choices,
                                    bool required = false) {
    std::optional<std::string> s = Str(key, required);
    if (!s) return std::nullopt;
    for (const char* c : choices) {
      if (*s == c) return s;
    }
    std::string list;
    for (const char* c : choices) list += (list.empty() ? "" : ", ") + Quote(c);
    Error(key, "unknown value " + Quote(*s) + " (one of: " + list + ")");
    return std::nullopt;
  }

  // Reports every key that no Find() asked for.
  void Finish() {
    static const std::set<std::string, std::less<>> kTopLevel = {
        "entidad",     "eleccion",  "acuerdos",     "ajustes", "partidos",
        "coaliciones", "distritos", "candidaturas", "sedes",   "casillas"};
    for (const auto& [key, value] : table_.as_table()) {
      if (known_.count(key) > 0) continue;
      if (!path_.empty() && kTopLevel.count(key) > 0) {
        // The TOML trap: every key after a [table] or [[array]] header belongs
        // to that table, down to the next header.
        const size_t bracket = path_.find('[');
        const std::string header = bracket == std::string::npos
                                       ? "[" + path_ + "]"
                                       : "[[" + path_.substr(0, bracket) + "]]";
        Error(key, "unknown key: written after the " + header + " header, it belongs to " + path_ +
                       "; move it above the first [table] header");
        continue;
      }
      std::string list;
      for (const std::string& k : known_) list += (list.empty() ? "" : ", ") + k;
      Error(key, "unknown key (known here: " + list + ")");
    }
  }

 private:
  const TomlValue& table_;
  std::string path_;
  const std::string& file_;
  Errors* errors_;
  std::set<std::string, std::less<>> known_;
};

// The table at `key` of `parent`, or nullopt (reported when required).
const TomlValue* SubTable(TableReader& parent, std::string_view key, bool required) {
  const TomlValue* v = parent.Find(key);
  if (v == nullptr) {
    if (required) parent.Error(key, "is missing");
    return nullptr;
  }
  if (!v->is_table()) {
    parent.Error(key, "expected a table, got " + Describe(*v));
    return nullptr;
  }
  return v;
}

// Calls fn(reader, index0) for each table in the array at `key`; returns the
// number of elements (0 when missing; reported when `required`).
size_t ForEachTable(TableReader& parent, std::string_view key, bool required,
                    const std::function<void(TableReader&, size_t)>& fn) {
  const TomlValue* v = parent.Find(key);
  if (v == nullptr) {
    if (required) parent.Error(key, "is missing");
    return 0;
  }
  if (!v->is_array()) {
    parent.Error(key, "expected an array of tables ([[" + parent.Key(key) +
                          "]] or [ {...}, ... ]), got " + Describe(*v));
    return 0;
  }
  const auto& array = v->as_array();
  if (required && array.empty()) parent.Error(key, "is empty");
  for (size_t i = 0; i < array.size(); ++i) {
    const std::string path = Indexed(parent.Key(key), i);
    if (!array[i].is_table()) {
      parent.errors()->Add(parent.file() + ":" + path,
                           "expected a table { ... }, got " + Describe(array[i]));
      continue;
    }
    TableReader element(array[i], path, parent.file(), parent.errors());
    fn(element, i);
    element.Finish();
  }
  return array.size();
}

// ---------------------------------------------------------------------------
// Date-times

struct Instant {
  int64_t utc_ms = 0;
  int offset_minutos = 0;
  int local_minute_of_day = 0;  // hour * 60 + minute, local
  bool on_the_minute = true;    // seconds and milliseconds are zero
};

std::optional<Instant> DateTime(TableReader& t, std::string_view key) {
  const TomlValue* v = t.Find(key);
  if (v == nullptr) {
    t.Error(key, "is missing (a date-time with its UTC offset, e.g. 2020-10-18T18:00:00-05:00)");
    return std::nullopt;
  }
  if (v->is_local_datetime()) {
    t.Error(key,
            "has no UTC offset; write the local time with its offset, e.g. "
            "2020-10-18T18:00:00-05:00 for 18:00 at UTC-5");
    return std::nullopt;
  }
  if (!v->is_offset_datetime()) {
    t.Error(key,
            "expected a date-time with its UTC offset (e.g. 2020-10-18T18:00:00-05:00, no "
            "quotes), got " +
                Describe(*v));
    return std::nullopt;
  }
  const toml::offset_datetime& dt = v->as_offset_datetime();
  const int offset = static_cast<int>(std::chrono::minutes(dt.offset).count());
  const int64_t local_ms =
      DiasDesdeCivil(dt.date.year, dt.date.month + 1, dt.date.day) * kMsPerDay +
      ((dt.time.hour * 60 + dt.time.minute) * 60 + dt.time.second) * int64_t{1000} +
      dt.time.millisecond;
  Instant out;
  out.utc_ms = local_ms - offset * kMsPerMinute;
  out.offset_minutos = offset;
  out.local_minute_of_day = dt.time.hour * 60 + dt.time.minute;
  out.on_the_minute = dt.time.second == 0 && dt.time.millisecond == 0 && dt.time.microsecond == 0 &&
                      dt.time.nanosecond == 0;
  return out;
}

std::string Duration(int64_t ms) {
  const int64_t minutes = ms / kMsPerMinute;
  std::string out = std::to_string(minutes / 60) + " h";
  if (minutes % 60 != 0) out += " " + std::to_string(minutes % 60) + " min";
  return out;
}

// ---------------------------------------------------------------------------
// Casillas

// One casilla as written (inline table or CSV row), before the checks.
struct CasillaFields {
  std::optional<int64_t> distrito, municipio, seccion, id_casilla, ext_contigua, ubicacion,
      lista_nominal, representantes, boletas;
  std::optional<std::string> tipo;
  // Fields that were written but could not be read; already reported.
  std::set<std::string, std::less<>> unreadable;
};

// Where a casilla was written: Where("lista_nominal") gives the "file:key" of a
// field, Where("") the casilla itself; label names it in another error.
struct CasillaSite {
  std::function<std::string(std::string_view field)> where;
  std::string label;  // "casillas.lista[3]" or "line 5"
};

struct CasillaBuilder {
  int entidad = 0;
  const std::set<int>* distritos = nullptr;
  Errors* errors = nullptr;
  std::vector<domain::Casilla> casillas;
  std::map<std::string, std::string> clave_site;             // CLAVE_CASILLA → label
  std::map<int, std::tuple<int, int, std::string>> seccion;  // → distrito, municipio, label
  size_t rows = 0;                                           // casillas written
  size_t rejected = 0;                                       // of which had errors

  void Add(const CasillaFields& f, const CasillaSite& site) {
    ++rows;
    const size_t errors_before = errors->count();
    AddChecked(f, site);
    if (errors->count() != errors_before || !f.unreadable.empty()) ++rejected;
  }

  void AddChecked(const CasillaFields& f, const CasillaSite& site) {
    bool ok = f.unreadable.empty();
    auto field = [&](const std::optional<int64_t>& v, std::string_view name, bool required,
                     int64_t def, int64_t min, int64_t max, std::string_view rule = "") -> int64_t {
      if (!v) {
        if (required && f.unreadable.count(name) == 0) {
          errors->Add(site.where(name), "is missing");
          ok = false;
        }
        return def;
      }
      if (*v < min || *v > max) {
        errors->Add(site.where(name), RangeWhy(*v, min, max, rule));
        ok = false;
        return def;
      }
      return *v;
    };
    domain::Casilla c;
    c.id.entidad = entidad;
    c.distrito = static_cast<int>(field(f.distrito, "distrito", true, 0, 1, 999));
    c.municipio = static_cast<int>(field(f.municipio, "municipio", true, 0, 1, 999));
    c.id.seccion = static_cast<int>(
        field(f.seccion, "seccion", true, 0, 1, 9999, "four digits in CLAVE_CASILLA"));
    c.id.id_casilla = static_cast<int>(
        field(f.id_casilla, "id_casilla", false, 1, 1, 99, "two digits in CLAVE_CASILLA"));
    c.id.ext_contigua = static_cast<int>(
        field(f.ext_contigua, "ext_contigua", false, 0, 0, 99, "two digits in CLAVE_CASILLA"));
    c.ubicacion =
        static_cast<int>(field(f.ubicacion, "ubicacion", false, 1, 1, 2, "1 urbana, 2 no urbana"));
    c.lista_nominal = field(f.lista_nominal, "lista_nominal", true, 0, 0, 100'000'000);
    c.representantes.propietarios_locales =
        field(f.representantes, "representantes", false, 0, 0, 10'000);

    if (f.distrito && c.distrito != 0 && distritos->count(c.distrito) == 0) {
      errors->Add(site.where("distrito"),
                  "distrito " + std::to_string(c.distrito) + " is not in distritos");
      ok = false;
    }
    bool tipo_ok = false;
    if (!f.tipo) {
      if (f.unreadable.count("tipo") == 0) errors->Add(site.where("tipo"), "is missing");
      ok = false;
    } else {
      const std::string_view t = TrimSpaces(*f.tipo);
      std::optional<domain::TipoCasilla> tipo;
      if (t.size() == 1) tipo = domain::TipoCasillaFromLetter(t[0]);
      if (!tipo) {
        errors->Add(site.where("tipo"),
                    "unknown tipo de casilla " + Quote(t) +
                        " (B básica, C contigua, E extraordinaria, S especial, M mesa de voto "
                        "en el extranjero, P/V prisión preventiva, A voto anticipado)");
        ok = false;
      } else {
        c.id.tipo = *tipo;
        tipo_ok = true;
      }
    }
    if (tipo_ok && c.id.ext_contigua != 0 && c.id.tipo != domain::TipoCasilla::kExtraordinaria) {
      errors->Add(site.where("ext_contigua"),
                  std::to_string(c.id.ext_contigua) +
                      " but only an extraordinaria has contiguas of its own (ext_contigua 0)");
      ok = false;
    }
    if (tipo_ok && c.IsEspecial()) {
      if (f.lista_nominal && *f.lista_nominal != 0) {
        errors->Add(site.where("lista_nominal"),
                    std::to_string(*f.lista_nominal) +
                        " but a casilla especial has no lista nominal (write 0; its limit is "
                        "its boletas)");
        ok = false;
      }
      if (!f.boletas) {
        errors->Add(site.where("boletas"),
                    "is missing: a casilla especial needs the number of boletas approved for it "
                    "(its excede-lista-nominal limit)");
        ok = false;
      } else if (*f.boletas < 1 || *f.boletas > 100'000) {
        errors->Add(site.where("boletas"), RangeWhy(*f.boletas, 1, 100'000));
        ok = false;
      } else {
        c.boletas_especial = *f.boletas;
      }
    } else if (tipo_ok && f.boletas) {
      errors->Add(site.where("boletas"),
                  std::to_string(*f.boletas) +
                      " but only a casilla especial (tipo S) has boletas here; leave it empty");
      ok = false;
    }
    if (!ok) return;

    const std::string clave = c.id.Clave();
    auto [it, inserted] = clave_site.emplace(clave, site.label);
    if (!inserted) {
      errors->Add(site.where(""),
                  "casilla " + clave + " is listed twice (first at " + it->second + ")");
      return;
    }
    auto [sec, first] =
        seccion.emplace(c.id.seccion, std::tuple{c.distrito, c.municipio, site.label});
    if (!first) {
      const auto& [d, m, label] = sec->second;
      if (d != c.distrito) {
        errors->Add(site.where("distrito"), "sección " + std::to_string(c.id.seccion) +
                                                " is in distrito " + std::to_string(c.distrito) +
                                                " here but in distrito " + std::to_string(d) +
                                                " at " + label);
        return;
      }
      if (m != c.municipio) {
        errors->Add(site.where("municipio"), "sección " + std::to_string(c.id.seccion) +
                                                 " is in municipio " + std::to_string(c.municipio) +
                                                 " here but in municipio " + std::to_string(m) +
                                                 " at " + label);
        return;
      }
    }
    casillas.push_back(c);
  }
};

// The inline form: casillas.lista = [ { distrito = 1, ... }, ... ].
void ReadInlineCasillas(TableReader& casillas_table, CasillaBuilder* builder) {
  ForEachTable(casillas_table, "lista", false, [&](TableReader& t, size_t) {
    CasillaFields f;
    auto integer = [&](std::string_view key, std::optional<int64_t>* out) {
      const TomlValue* v = t.Find(key);
      if (v == nullptr) return;
      if (!v->is_integer()) {
        t.Error(key, "expected a whole number, got " + Describe(*v));
        f.unreadable.emplace(key);
        return;
      }
      *out = v->as_integer();
    };
    integer("distrito", &f.distrito);
    integer("municipio", &f.municipio);
    integer("seccion", &f.seccion);
    integer("id_casilla", &f.id_casilla);
    integer("ext_contigua", &f.ext_contigua);
    integer("ubicacion", &f.ubicacion);
    integer("lista_nominal", &f.lista_nominal);
    integer("representantes", &f.representantes);
    integer("boletas", &f.boletas);
    if (const TomlValue* v = t.Find("tipo"); v != nullptr) {
      if (v->is_string()) {
        f.tipo = v->as_string().str;
      } else {
        t.Error("tipo", "expected a letter in quotes (\"B\", \"C\", \"E\", \"S\", ...), got " +
                            Describe(*v));
        f.unreadable.emplace("tipo");
      }
    }
    CasillaSite site;
    const std::string file = t.file();
    const std::string path = t.path();
    site.where = [file, path](std::string_view field) {
      return file + ":" + path + (field.empty() ? "" : "." + std::string(field));
    };
    site.label = path;
    builder->Add(f, site);
  });
}

enum class CasillaColumn : uint8_t {
  kDistrito,
  kMunicipio,
  kSeccion,
  kTipo,
  kIdCasilla,
  kExtContigua,
  kUbicacion,
  kListaNominal,
  kRepresentantes,
  kBoletas,
};
constexpr int kCasillaColumnCount = 10;

struct ColumnName {
  CasillaColumn column;
  std::string_view name;  // the documented name
  bool required;
  std::array<std::string_view, 4> aliases;  // CanonicalName forms, LEEME names included
};

const std::array<ColumnName, kCasillaColumnCount>& CasillaColumns() {
  static const std::array<ColumnName, kCasillaColumnCount> kColumns = {{
      {CasillaColumn::kDistrito,
       "distrito",
       true,
       {"DISTRITO", "ID_DISTRITO", "ID_DISTRITO_LOCAL", "DISTRITO_LOCAL"}},
      {CasillaColumn::kMunicipio,
       "municipio",
       true,
       {"MUNICIPIO", "ID_MUNICIPIO", "ID_MUNICIPIO_LOCAL"}},
      {CasillaColumn::kSeccion, "seccion", true, {"SECCION"}},
      {CasillaColumn::kTipo, "tipo", true, {"TIPO", "TIPO_CASILLA"}},
      {CasillaColumn::kIdCasilla, "id_casilla", false, {"ID_CASILLA"}},
      {CasillaColumn::kExtContigua, "ext_contigua", false, {"EXT_CONTIGUA"}},
      {CasillaColumn::kUbicacion, "ubicacion", false, {"UBICACION", "UBICACION_CASILLA"}},
      {CasillaColumn::kListaNominal, "lista_nominal", true, {"LISTA_NOMINAL"}},
      {CasillaColumn::kRepresentantes,
       "representantes",
       false,
       {"REPRESENTANTES", "REPRESENTANTES_PP_CI"}},
      {CasillaColumn::kBoletas, "boletas", false, {"BOLETAS"}},
  }};
  return kColumns;
}

// The delimiter of the header line: the most frequent of , ; TAB | (Excel in a
// Spanish locale writes ';').
char GuessDelimiter(std::string_view text) {
  const std::string_view line = text.substr(0, text.find_first_of("\r\n"));
  char best = ',';
  size_t best_count = 0;
  for (char d : {',', ';', '\t', '|'}) {
    const size_t n = static_cast<size_t>(std::count(line.begin(), line.end(), d));
    if (n > best_count) {
      best = d;
      best_count = n;
    }
  }
  return best;
}

std::optional<int64_t> ParseWholeNumber(std::string_view s) {
  if (s.empty() || s.size() > 15) return std::nullopt;
  bool negative = false;
  if (s[0] == '-' || s[0] == '+') {
    negative = s[0] == '-';
    s.remove_prefix(1);
    if (s.empty()) return std::nullopt;
  }
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return negative ? -v : v;
}

Result<std::string> ReadWholeFile(const std::string& path) {
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) return Status::NotFound(path + ": cannot read: " + ec.message());
  if (size > kMaxFileBytes) {
    return Status::InvalidArgument(path + ": " + std::to_string(size) +
                                   " bytes is more than a configuration file may hold (" +
                                   std::to_string(kMaxFileBytes) + ")");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError(path + ": cannot open");
  std::string bytes(static_cast<size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (static_cast<uintmax_t>(in.gcount()) != size) return Status::IoError(path + ": read failed");
  return bytes;
}

// The CSV form: one row per casilla under a header naming the columns.
void ReadCasillasCsv(const std::string& csv_name, std::string_view bytes, CasillaBuilder* builder) {
  Errors* errors = builder->errors;
  Result<DecodedText> decoded = DecodeText(bytes, csv_name);
  if (!decoded.ok()) {
    errors->AddLine(decoded.status().message());
    return;
  }
  const std::string_view text = decoded->text;
  CsvTokenizer tokenizer(text, GuessDelimiter(text), csv_name);
  CsvRecord record;
  // Header.
  while (tokenizer.Next(&record) && record.IsBlank()) {
  }
  if (!tokenizer.status().ok()) {
    errors->AddLine(tokenizer.status().message());
    return;
  }
  if (record.fields.empty()) {
    errors->Add(csv_name + ":1", "the file is empty; it needs a header line naming its columns");
    return;
  }
  const size_t header_line = record.line;
  const std::string at_header = csv_name + ":" + std::to_string(header_line);
  std::array<int, kCasillaColumnCount> index;
  index.fill(-1);
  bool header_ok = true;
  for (size_t i = 0; i < record.fields.size(); ++i) {
    const std::string canonical = CanonicalName(TrimSpaces(record.fields[i]));
    bool found = false;
    for (const ColumnName& c : CasillaColumns()) {
      for (std::string_view alias : c.aliases) {
        if (alias.empty() || canonical != alias) continue;
        found = true;
        int& slot = index[static_cast<size_t>(c.column)];
        if (slot >= 0) {
          errors->Add(at_header, "column " + std::string(c.name) + " appears twice");
          header_ok = false;
        }
        slot = static_cast<int>(i);
      }
    }
    if (!found) {
      std::string known;
      for (const ColumnName& c : CasillaColumns()) {
        known += (known.empty() ? "" : ", ") + std::string(c.name);
      }
      errors->Add(at_header, "unknown column " + Quote(record.fields[i]) + " (the columns are " +
                                 known + "; remove any other)");
      header_ok = false;
    }
  }
  for (const ColumnName& c : CasillaColumns()) {
    if (c.required && index[static_cast<size_t>(c.column)] < 0) {
      errors->Add(at_header, "missing column " + std::string(c.name));
      header_ok = false;
    }
  }
  if (!header_ok) return;
  const size_t columns = record.fields.size();

  size_t rows = 0;
  while (tokenizer.Next(&record)) {
    if (record.IsBlank()) continue;
    ++rows;
    const std::string at_line = csv_name + ":" + std::to_string(record.line);
    if (record.fields.size() != columns) {
      errors->Add(at_line, "has " + std::to_string(record.fields.size()) +
                               " fields but the header has " + std::to_string(columns));
      continue;
    }
    CasillaFields f;
    auto cell = [&](CasillaColumn c) -> std::optional<std::string_view> {
      const int i = index[static_cast<size_t>(c)];
      if (i < 0) return std::nullopt;
      const std::string_view v = TrimSpaces(record.fields[static_cast<size_t>(i)]);
      if (v.empty()) return std::nullopt;
      return v;
    };
    for (const ColumnName& c : CasillaColumns()) {
      if (c.column == CasillaColumn::kTipo) continue;
      const std::optional<std::string_view> v = cell(c.column);
      if (!v) continue;
      const std::optional<int64_t> n = ParseWholeNumber(*v);
      if (!n) {
        errors->Add(at_line + ": " + std::string(c.name), Quote(*v) + " is not a whole number");
        f.unreadable.emplace(c.name);
        continue;
      }
      std::optional<int64_t>* slot = nullptr;
      switch (c.column) {
        case CasillaColumn::kDistrito:
          slot = &f.distrito;
          break;
        case CasillaColumn::kMunicipio:
          slot = &f.municipio;
          break;
        case CasillaColumn::kSeccion:
          slot = &f.seccion;
          break;
        case CasillaColumn::kIdCasilla:
          slot = &f.id_casilla;
          break;
        case CasillaColumn::kExtContigua:
          slot = &f.ext_contigua;
          break;
        case CasillaColumn::kUbicacion:
          slot = &f.ubicacion;
          break;
        case CasillaColumn::kListaNominal:
          slot = &f.lista_nominal;
          break;
        case CasillaColumn::kRepresentantes:
          slot = &f.representantes;
          break;
        case CasillaColumn::kBoletas:
          slot = &f.boletas;
          break;
        case CasillaColumn::kTipo:
          break;
      }
      if (slot != nullptr) *slot = *n;
    }
    if (std::optional<std::string_view> t = cell(CasillaColumn::kTipo)) f.tipo = std::string(*t);
    CasillaSite site;
    site.where = [at_line](std::string_view field) {
      return field.empty() ? at_line : at_line + ": " + std::string(field);
    };
    site.label = "line " + std::to_string(record.line);
    builder->Add(f, site);
  }
  if (!tokenizer.status().ok()) {
    errors->AddLine(tokenizer.status().message());
  } else if (rows == 0) {
    errors->Add(at_header, "no casillas after the header");
  }
}

// ---------------------------------------------------------------------------
// TOML syntax errors

// "file:line: TOML syntax error: what (hint)" from toml11's multi-line message.
std::string SyntaxErrorLine(const toml::syntax_error& e, const std::string& name) {
  std::istringstream lines(e.what());
  std::string line;
  std::string headline;
  std::string hint;
  size_t line_number = e.location().line();
  size_t last_code_line = 0;
  while (std::getline(lines, line)) {
    if (headline.empty()) {
      headline = line;
      continue;
    }
    // " 4 | c = " (code) and "   |     ^--- hint".
    const size_t bar = line.find(" | ");
    if (bar != std::string::npos) {
      const std::string_view number = TrimSpaces(std::string_view(line).substr(0, bar));
      if (std::optional<int64_t> n = ParseWholeNumber(number); n && *n > 0) {
        last_code_line = static_cast<size_t>(*n);
      }
    }
    const size_t caret = line.find("^---");
    if (caret != std::string::npos) {
      hint = std::string(TrimSpaces(std::string_view(line).substr(caret + 4)));
      if (last_code_line > 0) line_number = last_code_line;
    }
  }
  // "[error] toml::parse_key_value_pair: missing value ..." → "missing value ...".
  std::string_view what = headline;
  if (what.substr(0, 8) == "[error] ") what.remove_prefix(8);
  if (what.substr(0, 6) == "toml::") {
    const size_t colon = what.find(": ");
    if (colon != std::string_view::npos) what.remove_prefix(colon + 2);
  }
  std::string out = name + ":" + std::to_string(line_number) +
                    ": TOML syntax error: " + std::string(TrimSpaces(what));
  if (!hint.empty()) out += " (" + hint + ")";
  return out;
}

// ---------------------------------------------------------------------------
// The config

class ConfigReader {
 public:
  ConfigReader(std::string name, Errors* errors) : name_(std::move(name)), errors_(errors) {}

  void Read(const TomlValue& root, EleccionConfig* out) {
    TableReader top(root, "", name_, errors_);
    ReadEntidad(top, out);
    ReadEleccion(top, out);
    ReadAcuerdos(top, out);
    ReadAjustes(top, out);
    ReadPartidos(top, out);
    ReadCoaliciones(top, out);
    ReadDistritos(top, out);
    ReadCandidaturas(top, out);
    ReadSedes(top, out);
    ReadCasillas(top, out);
    top.Finish();
    if (errors_->empty()) Derive(out);
  }

 private:
  void ReadEntidad(TableReader& top, EleccionConfig* out) {
    const TomlValue* v = SubTable(top, "entidad", true);
    if (v == nullptr) return;
    TableReader t(*v, "entidad", name_, errors_);
    if (auto id = t.IntIn("id", true, 1, 32, "the INE number of the entidad, 1 to 32")) {
      out->catalogo.entidad_id = static_cast<int>(*id);
    }
    if (auto nombre = t.Str("nombre", true)) out->catalogo.entidad_nombre = *nombre;
    if (auto siglas = t.Str("siglas", true)) {
      if (!IsUpperAlnum(*siglas, false)) {
        t.Error("siglas", Quote(*siglas) +
                              " must be capital letters and digits (e.g. COAH): it "
                              "names the published files");
      } else {
        out->entidad_siglas = *siglas;
      }
    }
    t.Finish();
  }

  void ReadEleccion(TableReader& top, EleccionConfig* out) {
    const TomlValue* v = SubTable(top, "eleccion", true);
    if (v == nullptr) return;
    TableReader t(*v, "eleccion", name_, errors_);
    if (auto nombre = t.Str("nombre", true)) out->catalogo.eleccion = *nombre;
    if (auto clave = t.Str("clave", true)) {
      if (!IsUpperAlnum(*clave, true)) {
        t.Error("clave", Quote(*clave) +
                             " must be capital letters, digits and '_' (e.g. "
                             "DIP_LOC): it names the published files");
      } else {
        out->clave_eleccion = *clave;
      }
    }
    auto tipo_acta = [&](std::string_view key, std::string* slot) {
      if (auto s = t.Str(key, false)) {
        if (!IsUpperAlnum(*s, false) || s->size() > 5) {
          t.Error(key, Quote(*s) +
                           " must be 1 to 5 capital letters or digits, as TIPO_ACTA is "
                           "published (e.g. \"2\")");
        } else {
          *slot = *s;
        }
      }
    };
    tipo_acta("tipo_acta_mr", &out->tipo_acta_mr);
    tipo_acta("tipo_acta_rp", &out->tipo_acta_rp);
    if (auto rp = t.Bool("acta_rp_casillas_especiales")) rp_en_especiales_ = *rp;
    if (rp_en_especiales_ && out->tipo_acta_mr == out->tipo_acta_rp) {
      t.Error("tipo_acta_rp", Quote(out->tipo_acta_rp) +
                                  " is also tipo_acta_mr; the two actas of a casilla especial "
                                  "need different TIPO_ACTA");
    }
    t.Finish();
  }

  void ReadAcuerdos(TableReader& top, EleccionConfig* out) {
    const TomlValue* v = SubTable(top, "acuerdos", true);
    if (v == nullptr) return;
    TableReader t(*v, "acuerdos", name_, errors_);
    Acuerdos& a = out->acuerdos;
    const std::optional<Instant> inicio = DateTime(t, "inicio_publicacion");
    if (inicio) {
      a.inicio_publicacion_utc_ms = inicio->utc_ms;
      a.offset_minutos = inicio->offset_minutos;
      const int m = inicio->local_minute_of_day;
      if (m < 18 * 60 || m > 20 * 60 || (m == 20 * 60 && !inicio->on_the_minute)) {
        char buf[16];
        std::snprintf(buf, sizeof(buf), "%02d:%02d", m / 60 % 24, m % 60);
        t.Error("inicio_publicacion",
                std::string("starts at ") + buf +
                    " local time; a local election's PREP starts publishing between 18:00 and "
                    "20:00 local time (Reglamento de Elecciones)");
      }
    }
    // At least three per hour (Anexo 13); at most one a minute.
    auto per_hour = [&](std::string_view key, int* slot) {
      const std::optional<int64_t> n = t.Int(key, true);
      if (!n) return;
      if (*n < 3) {
        t.Error(key, RangeWhy(*n, 3, 60, "Anexo 13: at least three per hour"));
      } else if (*n > 60) {
        t.Error(key, RangeWhy(*n, 3, 60, "one a minute"));
      } else {
        *slot = static_cast<int>(*n);
      }
    };
    per_hour("actualizaciones_datos_por_hora", &a.actualizaciones_datos_por_hora);
    per_hour("actualizaciones_bd_por_hora", &a.actualizaciones_bd_por_hora);
    const std::optional<Instant> ultima = DateTime(t, "ultima_actualizacion");
    if (ultima) a.ultima_actualizacion_utc_ms = ultima->utc_ms;
    if (inicio && ultima) {
      const int64_t span = ultima->utc_ms - inicio->utc_ms;
      if (span <= 0) {
        t.Error("ultima_actualizacion", "is not after inicio_publicacion");
      } else if (span > kMsPerDay) {
        t.Error("ultima_actualizacion",
                "is " + Duration(span) +
                    " after inicio_publicacion; the PREP publishes for at most 24 h from its "
                    "start (Reglamento de Elecciones)");
      }
    }
    t.Finish();
  }

  void ReadAjustes(TableReader& top, EleccionConfig* out) {
    const TomlValue* v = SubTable(top, "ajustes", false);
    if (v == nullptr) return;
    TableReader t(*v, "ajustes", name_, errors_);
    if (auto p = t.Choice("participacion", {"anexo13", "sin_casillas_especiales"})) {
      out->participacion = *p == "anexo13" ? domain::Participacion::kAnexo13
                                           : domain::Participacion::kSinCasillasEspeciales;
    }
    if (auto i = t.Choice("inconsistencias", {"leeme", "leeme_y_todos"})) {
      out->inconsistencias =
          *i == "leeme" ? domain::LeemeInconsistencias() : domain::PublishedInconsistencias();
    }
    if (auto d = t.Choice("desempate_captura", {"verificador", "tercera_captura"})) {
      out->desempate =
          *d == "verificador" ? DesempateCaptura::kVerificador : DesempateCaptura::kTerceraCaptura;
    }
    if (auto b = t.Bool("mixto_ilegible_sin_dato_contabiliza")) {
      out->clasificador.mixto_ilegible_sin_dato_contabiliza = *b;
    }
    t.Finish();
  }

  void ReadPartidos(TableReader& top, EleccionConfig* out) {
    std::map<std::string, std::string> first;  // upper-case siglas → key
    ForEachTable(top, "partidos", true, [&](TableReader& t, size_t) {
      const std::optional<std::string> siglas = t.Str("siglas", true);
      const std::optional<std::string> nombre = t.Str("nombre", true);
      if (!siglas) return;
      partidos_.insert(*siglas);
      bool ok = true;
      const bool chars_ok = std::all_of(siglas->begin(), siglas->end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '_';
      });
      if (!chars_ok) {
        t.Error("siglas", Quote(*siglas) +
                              " must be letters, digits and '_' only: it is the "
                              "name of a vote column");
        ok = false;
      } else if (domain::ClassifyVoteColumnName(*siglas) != domain::VoteColumnKind::kPartido) {
        t.Error("siglas", Quote(*siglas) +
                              " would be read as a coalition, candidatura "
                              "independiente, no registrados or nulos column");
        ok = false;
      }
      auto [it, inserted] = first.emplace(Upper(*siglas), t.Key("siglas"));
      if (!inserted) {
        t.Error("siglas", "duplicate partido " + Quote(*siglas) + " (first at " + it->second + ")");
        ok = false;
      }
      if (ok && nombre) out->catalogo.partidos.push_back({*siglas, *nombre});
    });
  }

  void ReadCoaliciones(TableReader& top, EleccionConfig* out) {
    std::map<std::string, std::string> en_coalicion;  // partido → coalition key
    std::map<std::string, std::string> first;         // nombre → key
    ForEachTable(top, "coaliciones", false, [&](TableReader& t, size_t) {
      const std::optional<std::string> nombre = t.Str("nombre", true);
      bool ok = nombre.has_value();
      if (nombre) {
        coaliciones_[*nombre];
        auto [it, inserted] = first.emplace(*nombre, t.Key("nombre"));
        if (!inserted) {
          t.Error("nombre",
                  "duplicate coalición " + Quote(*nombre) + " (first at " + it->second + ")");
          ok = false;
        }
      }
      domain::Coalicion c;
      if (nombre) c.nombre = *nombre;
      const TomlValue* list = t.Find("partidos");
      if (list == nullptr) {
        t.Error("partidos", "is missing (the siglas of its partidos, in ballot order)");
        return;
      }
      if (!list->is_array()) {
        t.Error("partidos",
                "expected an array of siglas, e.g. [\"PAN\", \"PRD\"], got " + Describe(*list));
        return;
      }
      const auto& items = list->as_array();
      std::set<std::string> seen;
      for (size_t i = 0; i < items.size(); ++i) {
        const std::string key = Indexed("partidos", i);
        if (!items[i].is_string()) {
          t.Error(key, "expected siglas in quotes, got " + Describe(items[i]));
          ok = false;
          continue;
        }
        const std::string s = items[i].as_string().str;
        if (partidos_.count(s) == 0) {
          t.Error(key, "unknown partido " + Quote(s) + " (not in partidos)");
          ok = false;
        } else if (!seen.insert(s).second) {
          t.Error(key, "partido " + Quote(s) + " is listed twice");
          ok = false;
        } else if (auto [it, inserted] = en_coalicion.emplace(s, t.path()); !inserted) {
          t.Error(key, "partido " + Quote(s) + " is already in the coalición at " + it->second);
          ok = false;
        }
        c.partidos.push_back(s);
        if (nombre) coaliciones_[*nombre].insert(s);
      }
      if (items.size() < 2) {
        t.Error("partidos", "a coalición needs at least two partidos");
        ok = false;
      } else if (static_cast<int64_t>(items.size()) > kMaxCoalicionPartidos) {
        t.Error("partidos", std::to_string(items.size()) + " partidos is more than the " +
                                std::to_string(kMaxCoalicionPartidos) + " supported");
        ok = false;
      }
      if (ok) out->catalogo.coaliciones.push_back(std::move(c));
    });
  }

  void ReadDistritos(TableReader& top, EleccionConfig* out) {
    std::map<int64_t, std::string> first;
    ForEachTable(top, "distritos", true, [&](TableReader& t, size_t) {
      const std::optional<int64_t> id = t.IntIn("id", true, 1, 999);
      const std::optional<std::string> cabecera = t.Str("cabecera", true);
      if (!id) return;
      distritos_.insert(static_cast<int>(*id));
      auto [it, inserted] = first.emplace(*id, t.Key("id"));
      if (!inserted) {
        t.Error("id",
                "duplicate distrito " + std::to_string(*id) + " (first at " + it->second + ")");
        return;
      }
      distrito_key_[static_cast<int>(*id)] = t.path();
      if (cabecera) out->catalogo.distritos.push_back({static_cast<int>(*id), *cabecera});
    });
  }

  // A distrito referred to from elsewhere; reported when unknown.
  std::optional<int> KnownDistrito(TableReader& t, std::string_view key, bool required) {
    const std::optional<int64_t> d = t.IntIn(key, required, 1, 999);
    if (!d) return std::nullopt;
    if (distritos_.count(static_cast<int>(*d)) == 0) {
      t.Error(key, "distrito " + std::to_string(*d) + " is not in distritos");
      return std::nullopt;
    }
    return static_cast<int>(*d);
  }

  void ReadCandidaturas(TableReader& top, EleccionConfig* out) {
    // (distrito, postulante) → key, where postulante is "p:PAN" or "c:nombre".
    std::map<std::pair<int, std::string>, std::string> first;
    ForEachTable(top, "candidaturas", false, [&](TableReader& t, size_t) {
      Candidatura c;
      const std::optional<int> distrito = KnownDistrito(t, "distrito", true);
      const std::optional<std::string> partido = t.Str("partido", false);
      const std::optional<std::string> coalicion = t.Str("coalicion", false);
      const std::optional<bool> independiente = t.Bool("independiente");
      const std::optional<std::string> propietario = t.Str("propietario", true);
      const std::optional<std::string> suplente = t.Str("suplente", false);
      const int postulantes =
          (partido ? 1 : 0) + (coalicion ? 1 : 0) + (independiente.value_or(false) ? 1 : 0);
      bool ok = distrito && propietario;
      if (postulantes != 1) {
        t.Error("",
                "give exactly one of partido = \"SIGLAS\", coalicion = \"Nombre\" or "
                "independiente = true");
        ok = false;
      }
      if (partido && partidos_.count(*partido) == 0) {
        t.Error("partido", "unknown partido " + Quote(*partido) + " (not in partidos)");
        ok = false;
      }
      if (coalicion && coaliciones_.count(*coalicion) == 0) {
        t.Error("coalicion", "unknown coalición " + Quote(*coalicion) + " (not in coaliciones)");
        ok = false;
      }
      if (!ok) return;
      c.distrito = *distrito;
      c.partido = partido.value_or("");
      c.coalicion = coalicion.value_or("");
      c.independiente = independiente.value_or(false);
      c.propietario = *propietario;
      c.suplente = suplente.value_or("");
      // A partido postulates once per distrito, alone or through its coalición.
      std::vector<std::string> claims;
      if (partido) claims.push_back("p:" + *partido);
      if (coalicion) {
        claims.push_back("c:" + *coalicion);
        for (const std::string& p : coaliciones_[*coalicion]) claims.push_back("p:" + p);
      }
      if (c.independiente) claims.push_back("i:" + Upper(c.propietario));
      for (const std::string& claim : claims) {
        auto [it, inserted] = first.emplace(std::pair{c.distrito, claim}, t.path());
        if (inserted) continue;
        const std::string who = claim.substr(2);
        t.Error("", std::string(claim[0] == 'p'   ? "partido "
                                : claim[0] == 'c' ? "coalición "
                                                  : "candidatura independiente ") +
                        Quote(who) + " already has a candidatura in distrito " +
                        std::to_string(c.distrito) + " (at " + it->second + ")");
        ok = false;
        break;
      }
      if (!ok) return;
      if (c.independiente) {
        out->catalogo.candidaturas_independientes.push_back({c.propietario, c.distrito});
      }
      out->candidaturas.push_back(std::move(c));
    });
  }

  void ReadSedes(TableReader& top, EleccionConfig* out) {
    std::map<std::string, std::string> first;
    int catd = 0;
    const size_t n = ForEachTable(top, "sedes", true, [&](TableReader& t, size_t) {
      Sede s;
      const std::optional<std::string> id = t.Str("id", true);
      const std::optional<std::string> tipo = t.Choice("tipo", {"CATD", "CCV"}, true);
      const std::optional<std::string> nombre = t.Str("nombre", true);
      bool ok = id && tipo && nombre;
      if (id) {
        auto [it, inserted] = first.emplace(*id, t.Key("id"));
        if (!inserted) {
          t.Error("id", "duplicate sede " + Quote(*id) + " (first at " + it->second + ")");
          ok = false;
        }
      }
      if (tipo && *tipo == "CATD") {
        ++catd;
        const std::optional<int> d = KnownDistrito(t, "distrito", true);
        if (!d) ok = false;
        s.distrito = d.value_or(0);
      } else if (tipo) {
        const std::optional<int64_t> d = t.Int("distrito", false);
        if (d && *d != 0) {
          t.Error("distrito", std::to_string(*d) +
                                  " but a CCV serves the whole entidad; "
                                  "leave distrito out");
          ok = false;
        }
      } else {
        t.Find("distrito");
      }
      if (!ok) return;
      s.id = *id;
      s.tipo = *tipo;
      s.nombre = *nombre;
      out->sedes.push_back(std::move(s));
    });
    if (n > 0 && catd == 0) {
      top.Error("sedes", "no CATD: actas are received (acopio) at a CATD; list at least one");
    }
  }

  void ReadCasillas(TableReader& top, EleccionConfig* out) {
    const TomlValue* v = SubTable(top, "casillas", true);
    if (v == nullptr) return;
    TableReader t(*v, "casillas", name_, errors_);
    CasillaBuilder builder;
    builder.entidad = out->catalogo.entidad_id;
    builder.distritos = &distritos_;
    builder.errors = errors_;
    const bool has_archivo = v->as_table().count("archivo") > 0;
    const bool has_lista = v->as_table().count("lista") > 0;
    const std::optional<std::string> archivo = t.Str("archivo", false);
    if (has_archivo == has_lista) {
      t.Error("",
              "give either archivo = \"casillas.csv\" (a CSV file next to this one) or "
              "lista = [ { ... }, ... ], not both and not neither");
    }
    if (has_lista) ReadInlineCasillas(t, &builder);
    if (archivo && !has_lista) {
      const std::filesystem::path relative(*archivo);
      const bool escapes = std::any_of(relative.begin(), relative.end(),
                                       [](const std::filesystem::path& p) { return p == ".."; });
      if (archivo->empty()) {
        t.Error("archivo", "is empty");
      } else if (relative.is_absolute() || relative.has_root_name() || escapes) {
        // The store keeps the config and its CSV together, side by side.
        t.Error("archivo", Quote(*archivo) +
                               " must be a path relative to this file's folder, "
                               "inside it (e.g. \"casillas.csv\")");
      } else {
        const std::string csv_name =
            (std::filesystem::path(name_).parent_path() / relative).string();
        Result<std::string> bytes = ReadWholeFile(csv_name);
        if (!bytes.ok()) {
          t.Error("archivo", "cannot read the casillas file: " + bytes.status().message());
        } else {
          out->casillas_archivo = *archivo;
          ReadCasillasCsv(csv_name, *bytes, &builder);
        }
      }
    }
    t.Finish();
    if (builder.rows == 0) {
      if (has_lista && !has_archivo) t.Error("lista", "is empty: no casillas");
      return;
    }
    if (builder.rejected > 0) return;
    // Every distrito needs actas esperadas.
    std::set<int> with_casillas;
    for (const domain::Casilla& c : builder.casillas) with_casillas.insert(c.distrito);
    for (const auto& [id, key] : distrito_key_) {
      if (with_casillas.count(id) == 0) {
        errors_->Add(name_ + ":" + key, "distrito " + std::to_string(id) + " has no casillas");
      }
    }
    out->catalogo.casillas = std::move(builder.casillas);
  }

  // Actas, columns and the index, from a config without errors.
  void Derive(EleccionConfig* out) {
    domain::Catalogo& cat = out->catalogo;
    for (size_t i = 0; i < cat.casillas.size(); ++i) {
      const domain::Casilla& c = cat.casillas[i];
      domain::Acta mr;
      mr.id = {c.id, out->tipo_acta_mr};
      mr.kind = domain::ActaKind::kMayoriaRelativa;
      mr.casilla_index = i;
      cat.actas.push_back(std::move(mr));
      if (c.IsEspecial() && rp_en_especiales_) {
        domain::Acta rp;
        rp.id = {c.id, out->tipo_acta_rp};
        rp.kind = domain::ActaKind::kRepresentacionProporcional;
        rp.casilla_index = i;
        cat.actas.push_back(std::move(rp));
      }
    }
    std::map<int, int> independientes;
    int most = 0;
    for (const domain::CandidaturaIndependiente& ci : cat.candidaturas_independientes) {
      most = std::max(most, ++independientes[ci.distrito]);
    }
    cat.columns = domain::ContestColumns(cat.partidos, cat.coaliciones, most);
    cat.RebuildIndex();
  }

  std::string name_;
  Errors* errors_;
  bool rp_en_especiales_ = true;
  std::set<std::string> partidos_;                            // siglas as written
  std::map<std::string, std::set<std::string>> coaliciones_;  // nombre → partidos
  std::set<int> distritos_;
  std::map<int, std::string> distrito_key_;  // id → "distritos[3]"
};

}  // namespace

Result<EleccionConfig> ParseElectionConfig(std::string_view toml_text, std::string_view name) {
  const std::string file(name);
  try {
    Result<DecodedText> decoded = DecodeText(toml_text, file);
    if (!decoded.ok()) return decoded.status();
    std::istringstream in{std::string(decoded->text)};
    TomlValue root;
    try {
      root = toml::parse<toml::discard_comments, std::map, std::vector>(in, file);
    } catch (const toml::syntax_error& e) {
      return Status::InvalidArgument(SyntaxErrorLine(e, file));
    }
    Errors errors;
    EleccionConfig config;
    ConfigReader(file, &errors).Read(root, &config);
    if (!errors.empty()) return errors.ToStatus();
    return config;
  } catch (const std::exception& e) {
    return Status::Internal(file + ": reading the configuration failed: " + e.what());
  }
}

Result<EleccionConfig> ReadElectionConfig(const std::string& path) {
  Result<std::string> bytes = ReadWholeFile(path);
  if (!bytes.ok()) return bytes.status();
  return ParseElectionConfig(*bytes, path);
}

}  // namespace prep::formats
