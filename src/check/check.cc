#include "check/check.h"

#include <algorithm>
#include <cstdio>
#include <thread>

#include "domain/classifier.h"
#include "formats/source.h"

namespace prep::check {
namespace {

using domain::CaptureValue;
using domain::Observacion;
using domain::ObservacionSet;
using domain::SummaryField;
using formats::ActaRecord;
using formats::RowKind;

constexpr ObservacionSet kTodos = {Observacion::kTodosIlegibles, Observacion::kTodosSinDato,
                                   Observacion::kTodosIlegiblesOSinDato};

// What one thread gathers over its slice of the acta table.
struct Accumulator {
  domain::LevelTally tally;
  // As our classifier would publish it; the mixed ILEGIBLE/SIN DATO actas
  // wait in `mixto` (as contabilizadas [1] and as not [0]) until the file's
  // convention is known.
  domain::LevelTally reclasificado;
  domain::LevelTally mixto[2];
  ActaCounts actas;
  Reclassification reclass;
  domain::ActaCaptura captura;  // applicable vote columns only
  size_t max_examples = 5;
  bool computos = false;  // no CONTABILIZADA to reclassify against
  // Mixed ILEGIBLE/SIN DATO actas, by published CONTABILIZADA; which of the two
  // lists disagrees is known only once the whole file is read.
  std::vector<ReclassificationExample> mixto_examples[2];

  void AddExample(const std::string& reason, ReclassificationExample example) {
    AddTo(reclass.examples[reason], std::move(example));
  }
  void AddTo(std::vector<ReclassificationExample>& list, ReclassificationExample example) {
    if (list.size() < max_examples) list.push_back(std::move(example));
  }

  Status Visit(const ActaRecord& acta);
  // `line_offset` turns the other's slice-relative line numbers into file lines.
  void Merge(Accumulator&& other, size_t line_offset);
};

std::string DisagreementReason(const ActaRecord& acta, const domain::Classification& ours) {
  const ObservacionSet pub = acta.observacion.set;
  if (acta.kind == RowKind::kContabilizada) {
    if (ours.observaciones.Has(Observacion::kSinActa)) return "sin_acta_contabilizada";
    if (ours.observaciones.Has(Observacion::kExcedeListaNominal)) return "excede_lista_nominal";
    if (ours.observaciones.Intersects(kTodos)) return "todos_ilegibles_o_sin_dato";
    return "contabilizada_otro";
  }
  if (pub.Empty() && acta.observaciones_raw.empty()) return "no_contabilizada_sin_observacion";
  if (pub.Has(Observacion::kExcedeListaNominal)) return "excede_lista_nominal_no_reproducido";
  if (pub.Intersects(kTodos)) return "todos_ilegibles_no_reproducido";
  return "no_contabilizada_otro";
}

Status Accumulator::Visit(const ActaRecord& acta) {
  ++actas.rows;
  const bool en_catalogo = acta.kind != RowKind::kFueraDeCatalogo;
  const bool capturada =
      acta.kind == RowKind::kContabilizada || acta.kind == RowKind::kNoContabilizada;
  if (!en_catalogo) ++actas.fuera_de_catalogo;
  if (en_catalogo) ++actas.catalogue;
  if (acta.kind == RowKind::kNoCapturada) ++actas.not_captured;
  if (capturada) ++actas.capturadas;
  if (acta.kind == RowKind::kContabilizada) ++actas.contabilizadas;

  const int64_t sum = domain::TotalVotos(acta.votos);

  domain::ActaTallyInput input;
  input.en_catalogo = en_catalogo;
  input.capturada = capturada;
  input.contabilizada = acta.kind == RowKind::kContabilizada;
  input.observaciones = acta.observacion.set;
  input.especial = acta.tipo_casilla == domain::TipoCasilla::kEspecial;
  input.lista_nominal = acta.lista_nominal;
  input.total_votos = acta.total_votos_calculado.value_or(sum);
  tally.Add(input, acta.votos);

  if (!acta.observacion.recognised)
    ++reclass.unrecognised_observaciones[std::string(acta.observaciones_raw)];
  if (!capturada || computos) {
    reclasificado.Add(input, acta.votos);
    return Status::Ok();
  }

  if (acta.total_votos_calculado && *acta.total_votos_calculado != sum &&
      acta.kind == RowKind::kContabilizada) {
    ++reclass.total_votos_calculado_differs;
    AddExample("total_votos_calculado_difiere",
               {acta.line, std::string(acta.clave_acta), true, true,
                std::string(acta.observaciones_raw), "",
                "TOTAL_VOTOS_CALCULADO " + std::to_string(*acta.total_votos_calculado) +
                    " ≠ suma de las columnas de votos " + std::to_string(sum)});
  }

  captura.votos.clear();
  for (size_t i = 0; i < acta.votos.size(); ++i) {
    if (acta.aplica[i]) captura.votos.push_back(acta.votos[i]);
  }
  captura.en_catalogo = true;
  captura.sin_acta.reset();
  if (acta.observacion.set.Has(Observacion::kSinActa)) captura.sin_acta = acta.observacion.motivo;
  domain::ActaLimits limits;
  limits.lista_nominal = acta.lista_nominal;
  limits.representantes = acta.representantes;
  limits.especial = input.especial;
  // The boletas of a casilla especial are not published; nor is a lista
  // nominal for some casilla types ("N/A"): the excede test is skipped there.
  if (!acta.lista_nominal_known && !limits.especial) {
    limits.especial = true;
    limits.boletas_especial.reset();
  }
  const domain::Classification ours = domain::Classify(captura, limits);
  const bool published = acta.kind == RowKind::kContabilizada;
  auto add_ours = [&](domain::LevelTally& t, const domain::Classification& c) {
    domain::ActaTallyInput mine = input;
    mine.contabilizada = c.contabilizada;
    mine.observaciones = c.observaciones;
    mine.total_votos = c.total_votos_calculado;
    t.Add(mine, acta.votos);
  };
  if (ours.observaciones.Has(Observacion::kTodosIlegiblesOSinDato)) {
    domain::ClassifierSettings contabiliza;
    contabiliza.mixto_ilegible_sin_dato_contabiliza = true;
    add_ours(mixto[0], ours);
    add_ours(mixto[1], domain::Classify(captura, limits, contabiliza));
    ++(published ? reclass.mixto_contabilizadas : reclass.mixto_no_contabilizadas);
    AddTo(mixto_examples[published ? 1 : 0],
          {acta.line, std::string(acta.clave_acta), published, false,
           std::string(acta.observaciones_raw), ours.observaciones.ToString(),
           "sólo campos ILEGIBLE y SIN DATO, mezclados"});
    return Status::Ok();
  }
  if (ours.contabilizada == published) {
    ++reclass.agree;
    add_ours(reclasificado, ours);
    return Status::Ok();
  }
  const bool cells_withheld =
      !published && !acta.observacion.set.Empty() &&
      std::all_of(captura.votos.begin(), captura.votos.end(), [](const CaptureValue& v) {
        return v.Votes() == 0 && v.kind != domain::CaptureKind::kIlegible;
      });
  if (cells_withheld) {
    ++reclass.unverifiable;
    reclasificado.Add(input, acta.votos);
    return Status::Ok();
  }
  add_ours(reclasificado, ours);
  ++reclass.disagree;
  const std::string reason = DisagreementReason(acta, ours);
  ++reclass.reasons[reason];
  std::string detail = "TOTAL_VOTOS_CALCULADO " + std::to_string(ours.total_votos_calculado);
  if (!limits.especial) {
    detail +=
        (ours.total_votos_calculado > acta.lista_nominal + acta.representantes ? " > " : " ≤ ");
    detail += "LISTA_NOMINAL " + std::to_string(acta.lista_nominal) + " + REPRESENTANTES_PP_CI " +
              std::to_string(acta.representantes);
  }
  AddExample(reason, {acta.line, std::string(acta.clave_acta), published, ours.contabilizada,
                      std::string(acta.observaciones_raw),
                      ours.observaciones.ToString(ours.sin_acta_motivo), detail});
  return Status::Ok();
}

void Accumulator::Merge(Accumulator&& o, size_t line_offset) {
  for (auto& [k, list] : o.reclass.examples) {
    for (auto& e : list) e.line += line_offset;
  }
  for (auto& list : o.mixto_examples) {
    for (auto& e : list) e.line += line_offset;
  }
  tally.Merge(o.tally);
  reclasificado.Merge(o.reclasificado);
  mixto[0].Merge(o.mixto[0]);
  mixto[1].Merge(o.mixto[1]);
  actas.rows += o.actas.rows;
  actas.catalogue += o.actas.catalogue;
  actas.fuera_de_catalogo += o.actas.fuera_de_catalogo;
  actas.not_captured += o.actas.not_captured;
  actas.capturadas += o.actas.capturadas;
  actas.contabilizadas += o.actas.contabilizadas;
  reclass.agree += o.reclass.agree;
  reclass.disagree += o.reclass.disagree;
  reclass.unverifiable += o.reclass.unverifiable;
  reclass.total_votos_calculado_differs += o.reclass.total_votos_calculado_differs;
  reclass.mixto_contabilizadas += o.reclass.mixto_contabilizadas;
  reclass.mixto_no_contabilizadas += o.reclass.mixto_no_contabilizadas;
  for (int k = 0; k < 2; ++k) {
    for (auto& e : o.mixto_examples[k]) AddTo(mixto_examples[k], std::move(e));
  }
  for (auto& [k, v] : o.reclass.reasons) reclass.reasons[k] += v;
  for (auto& [k, v] : o.reclass.unrecognised_observaciones)
    reclass.unrecognised_observaciones[k] += v;
  // Slices are in file order, so appending keeps the earliest examples first.
  for (auto& [k, list] : o.reclass.examples) {
    for (auto& e : list) AddExample(k, std::move(e));
  }
}

Result<Accumulator> Accumulate(const formats::PrepDatabase& db, const CheckOptions& options) {
  auto visitor = [](Accumulator& acc) {
    return [&acc](const ActaRecord& a) { return acc.Visit(a); };
  };
  const size_t threads = std::max<size_t>(1, options.threads);
  const auto slices = db.Slices(threads);
  if (slices.size() > 1) {
    std::vector<Accumulator> accs(slices.size());
    std::vector<Status> statuses(slices.size());
    std::vector<size_t> lines(slices.size(), 0);
    std::vector<std::thread> workers;
    for (size_t i = 0; i < slices.size(); ++i) {
      accs[i].max_examples = options.max_examples;
      accs[i].computos = db.layout().computos;
      workers.emplace_back([&, i] {
        statuses[i] = db.ForEachActaIn(slices[i], visitor(accs[i]), &lines[i],
                                       formats::PrepDatabase::Cells::kCounting);
      });
    }
    for (auto& w : workers) w.join();
    const bool all_ok =
        std::all_of(statuses.begin(), statuses.end(), [](const Status& s) { return s.ok(); });
    if (all_ok) {
      // Slice i starts after the lines of slices 0..i-1; it counted from 1.
      size_t next_line = slices[0].first_line + lines[0];
      for (size_t i = 1; i < accs.size(); ++i) {
        accs[0].Merge(std::move(accs[i]), next_line - 1);
        next_line += lines[i];
      }
      return std::move(accs[0]);
    }
    // A slice failed: maybe a quoted field spans the cut. The sequential pass
    // below gives the true answer and the first error in file order.
  }
  Accumulator acc;
  acc.max_examples = options.max_examples;
  acc.computos = db.layout().computos;
  const auto whole = db.Slices(1);
  if (!whole.empty()) {
    PREP_RETURN_IF_ERROR(
        db.ForEachActaIn(whole[0], visitor(acc), nullptr, formats::PrepDatabase::Cells::kCounting));
  }
  return acc;
}

// Mixed ILEGIBLE/SIN DATO actas agree under the convention the file follows
// for most of them; the others are disagreements.
void SettleMixto(Accumulator& acc) {
  Reclassification& rc = acc.reclass;
  const int64_t contab = rc.mixto_contabilizadas;
  const int64_t no = rc.mixto_no_contabilizadas;
  if (contab + no == 0) return;
  const bool contabiliza = contab > no;
  acc.reclasificado.Merge(acc.mixto[contabiliza ? 1 : 0]);
  rc.mixto_convention = contabiliza ? "contabilizada" : "no contabilizada";
  rc.agree += contabiliza ? contab : no;
  const int64_t minority = contabiliza ? no : contab;
  if (minority == 0) return;
  const std::string reason = contabiliza ? "mixto_ilegible_sin_dato_no_contabilizada"
                                         : "mixto_ilegible_sin_dato_contabilizada";
  rc.disagree += minority;
  rc.reasons[reason] += minority;
  for (auto& e : acc.mixto_examples[contabiliza ? 0 : 1]) {
    e.recomputed_contabilizada = contabiliza;
    acc.AddExample(reason, std::move(e));
  }
}

}  // namespace

Result<CheckReport> CheckDatabase(const formats::PrepDatabase& db, const CheckOptions& options) {
  PREP_ASSIGN_OR_RETURN(Accumulator acc, Accumulate(db, options));
  SettleMixto(acc);
  const formats::Layout& layout = db.layout();
  CheckReport r;
  r.file = layout.name;
  r.computos = layout.computos;
  r.dialect = layout.dialect;
  r.eleccion = layout.eleccion;
  r.corte = layout.corte;
  r.published = layout.summary;
  r.actas = acc.actas;
  r.reclassification = std::move(acc.reclass);
  for (size_t k = 0; k < layout.vote_columns.size(); ++k) {
    const int64_t total = k < acc.tally.votos.size() ? acc.tally.votos[k] : 0;
    r.columns.emplace_back(layout.columns[layout.vote_columns[k]].key, total);
  }

  // Both participation and both inconsistency conventions are computed; the
  // recomputed block shows the one the publisher followed, if any.
  const domain::SummaryCounts& c = acc.tally.counts;
  domain::TallySettings settings;
  settings.participacion = domain::Participacion::kAnexo13;
  settings.ultimo_corte = true;
  settings.inconsistencias = domain::PublishedInconsistencias();
  const domain::SummaryBlock con_cs = domain::Summarize(c, settings);
  settings.participacion = domain::Participacion::kSinCasillasEspeciales;
  const domain::SummaryBlock sin_cs = domain::Summarize(c, settings);
  settings.inconsistencias = domain::LeemeInconsistencias();
  const domain::SummaryBlock leeme = domain::Summarize(c, settings);

  r.recomputed = con_cs;
  const auto& pub_part = r.published.Get(SummaryField::kPorcentajeParticipacionCiudadana);
  const SummaryField part = SummaryField::kPorcentajeParticipacionCiudadana;
  if (pub_part && *pub_part == con_cs.Get(part)) {
    r.participacion = "C_CS";
  } else if (pub_part && *pub_part == sin_cs.Get(part)) {
    r.participacion = "S_CS";
    r.recomputed.Set(part, sin_cs.Get(part));
  } else {
    r.participacion = pub_part ? "ninguna" : "sin dato";
  }
  const SummaryField inc = SummaryField::kPorcentajeActasInconsistencias;
  const auto& pub_inc = r.published.Get(inc);
  if (pub_inc && *pub_inc == con_cs.Get(inc)) {
    r.inconsistencias = "LEEME+TODOS";
  } else if (pub_inc && *pub_inc == leeme.Get(inc)) {
    r.inconsistencias = "LEEME";
    r.recomputed.Set(inc, leeme.Get(inc));
  } else {
    r.inconsistencias = pub_inc ? "ninguna" : "sin dato";
  }
  for (int i = 0; i < domain::kSummaryFieldCount; ++i) {
    const auto f = static_cast<SummaryField>(i);
    if (r.published.Get(f) && *r.published.Get(f) != r.recomputed.Get(f)) r.mismatches.push_back(f);
  }

  // Under our classifier, with the conventions the file follows (C_CS and
  // LEEME+TODOS where it follows none).
  if (!r.computos) {
    domain::TallySettings mine;
    mine.ultimo_corte = true;
    mine.participacion = r.participacion == "S_CS" ? domain::Participacion::kSinCasillasEspeciales
                                                   : domain::Participacion::kAnexo13;
    mine.inconsistencias = r.inconsistencias == "LEEME" ? domain::LeemeInconsistencias()
                                                        : domain::PublishedInconsistencias();
    r.reclasificado = domain::Summarize(acc.reclasificado.counts, mine);
    for (size_t k = 0; k < layout.vote_columns.size(); ++k) {
      const int64_t total = k < acc.reclasificado.votos.size() ? acc.reclasificado.votos[k] : 0;
      r.columnas_reclasificadas.emplace_back(layout.columns[layout.vote_columns[k]].key, total);
    }
  }
  return r;
}

Result<std::vector<CheckReport>> CheckPath(const std::string& path, const CheckOptions& options) {
  PREP_ASSIGN_OR_RETURN(std::vector<formats::SourceFile> files, formats::ReadResultsFiles(path));
  std::vector<CheckReport> reports;
  for (formats::SourceFile& f : files) {
    PREP_ASSIGN_OR_RETURN(auto db, formats::PrepDatabase::Open(f.name, std::move(f.bytes)));
    PREP_ASSIGN_OR_RETURN(CheckReport report, CheckDatabase(*db, options));
    reports.push_back(std::move(report));
  }
  return reports;
}

nlohmann::ordered_json ToJson(const CheckReport& r) {
  using nlohmann::ordered_json;
  auto value = [](SummaryField f, int64_t v) -> ordered_json {
    if (domain::IsPercentField(f)) return domain::Percent4{v}.ToString();
    return v;
  };
  ordered_json j;
  j["file"] = r.file;
  j["kind"] = r.computos ? "computos" : "prep";
  j["eleccion"] = r.eleccion;
  j["corte"] = r.corte;
  j["dialect"] = {{"encoding", formats::EncodingName(r.dialect.encoding)},
                  {"delimiter", std::string(1, r.dialect.delimiter)},
                  {"sep_line", r.dialect.sep_line},
                  {"line_ends", r.dialect.line_ends},
                  {"column_header_line", r.dialect.column_header_line}};
  ordered_json published = ordered_json::object();
  ordered_json recomputed = ordered_json::object();
  for (int i = 0; i < domain::kSummaryFieldCount; ++i) {
    const auto f = static_cast<SummaryField>(i);
    const std::string name(domain::SummaryFieldName(f));
    if (r.published.Get(f)) published[name] = value(f, *r.published.Get(f));
    recomputed[name] = value(f, r.recomputed.Get(f));
  }
  ordered_json mismatches = ordered_json::array();
  for (SummaryField f : r.mismatches) mismatches.push_back(domain::SummaryFieldName(f));
  ordered_json published_names = ordered_json::object();
  for (int i = 0; i < domain::kSummaryFieldCount; ++i) {
    if (!r.published.published_names[i].empty()) {
      published_names[std::string(domain::SummaryFieldName(static_cast<SummaryField>(i)))] =
          r.published.published_names[i];
    }
  }
  j["summary"] = {{"published", published},
                  {"published_names", published_names},
                  {"recomputed", recomputed},
                  {"mismatches", mismatches},
                  {"participation_convention", r.participacion},
                  {"inconsistency_convention", r.inconsistencias}};
  ordered_json columns = ordered_json::object();
  for (const auto& [k, v] : r.columns) columns[k] = v;
  j["columns"] = columns;
  j["actas"] = {{"rows", r.actas.rows},
                {"catalogue", r.actas.catalogue},
                {"fuera_de_catalogo", r.actas.fuera_de_catalogo},
                {"not_captured", r.actas.not_captured},
                {"capturadas", r.actas.capturadas},
                {"contabilizadas", r.actas.contabilizadas}};
  const Reclassification& rc = r.reclassification;
  ordered_json reasons = ordered_json::object();
  for (const auto& [k, v] : rc.reasons) reasons[k] = v;
  ordered_json examples = ordered_json::object();
  for (const auto& [k, list] : rc.examples) {
    ordered_json arr = ordered_json::array();
    for (const auto& e : list) {
      arr.push_back({{"line", e.line},
                     {"clave_acta", e.clave_acta},
                     {"published_contabilizada", e.published_contabilizada ? 1 : 0},
                     {"recomputed_contabilizada", e.recomputed_contabilizada ? 1 : 0},
                     {"published_observaciones", e.published_observaciones},
                     {"recomputed_observaciones", e.recomputed_observaciones},
                     {"detail", e.detail}});
    }
    examples[k] = arr;
  }
  ordered_json unrecognised = ordered_json::object();
  for (const auto& [k, v] : rc.unrecognised_observaciones) unrecognised[k] = v;
  ordered_json reclasificado = ordered_json::object();
  ordered_json columnas_reclasificadas = ordered_json::object();
  if (!r.computos) {
    for (int i = 0; i < domain::kSummaryFieldCount; ++i) {
      const auto f = static_cast<SummaryField>(i);
      reclasificado[std::string(domain::SummaryFieldName(f))] = value(f, r.reclasificado.Get(f));
    }
    for (const auto& [k, v] : r.columnas_reclasificadas) columnas_reclasificadas[k] = v;
  }
  j["reclassification"] = {{"agree", rc.agree},
                           {"disagree", rc.disagree},
                           {"unverifiable", rc.unverifiable},
                           {"reasons", reasons},
                           {"examples", examples},
                           {"mixto_ilegible_sin_dato",
                            {{"convention", rc.mixto_convention},
                             {"contabilizadas", rc.mixto_contabilizadas},
                             {"no_contabilizadas", rc.mixto_no_contabilizadas}}},
                           {"total_votos_calculado_differs", rc.total_votos_calculado_differs},
                           {"unrecognised_observaciones", unrecognised},
                           {"summary", reclasificado},
                           {"columns", columnas_reclasificadas}};
  j["exit_code"] = r.ExitCode();
  return j;
}

namespace {

std::string Pad(std::string s, size_t width, bool right) {
  // Width in characters, not bytes: count UTF-8 lead bytes.
  size_t chars = 0;
  for (unsigned char c : s) chars += (c & 0xC0) != 0x80;
  if (chars >= width) return s;
  const std::string fill(width - chars, ' ');
  return right ? fill + s : s + fill;
}

std::string ParticipationText(const std::string& p) {
  if (p == "C_CS") return "con votos de casillas especiales (C_CS: último corte, Anexo 13)";
  if (p == "S_CS") return "sin votos de casillas especiales (S_CS: durante la operación)";
  if (p == "ninguna") return "no coincide con C_CS ni con S_CS";
  return "el archivo no la publica";
}

std::string InconsistencyText(const std::string& p) {
  if (p == "LEEME+TODOS") return "Excede LN, Ilegible, Sin dato y «todos ilegibles/vacíos»";
  if (p == "LEEME") return "Excede LN, Ilegible y Sin dato (texto del LEEME)";
  if (p == "ninguna") return "no coincide con ninguna de las dos convenciones";
  return "el archivo no lo publica";
}

std::string FormatReclassification(const Reclassification& rc) {
  std::string o = "Reclasificación de cada acta capturada con las reglas del Anexo 13:\n";
  o += "  coinciden con CONTABILIZADA publicada: " + std::to_string(rc.agree) + "\n";
  o += "  difieren: " + std::to_string(rc.disagree) + "\n";
  o += "  no verificables (no contabilizadas publicadas sin votos): " +
       std::to_string(rc.unverifiable) + "\n";
  for (const auto& [reason, n] : rc.reasons) {
    o += "    " + reason + ": " + std::to_string(n) + "\n";
    auto it = rc.examples.find(reason);
    if (it == rc.examples.end()) continue;
    for (const auto& e : it->second) {
      o += "      línea " + std::to_string(e.line) + " " + e.clave_acta + ": publicada " +
           (e.published_contabilizada ? "1" : "0") + " «" + e.published_observaciones +
           "», recalculada " + (e.recomputed_contabilizada ? "1" : "0") + " «" +
           e.recomputed_observaciones + "»; " + e.detail + "\n";
    }
  }
  if (!rc.mixto_convention.empty()) {
    o += "  actas con sólo ILEGIBLE y SIN DATO mezclados: " +
         std::to_string(rc.mixto_contabilizadas + rc.mixto_no_contabilizadas) +
         "; este archivo las publica como " + rc.mixto_convention +
         (rc.mixto_convention == "contabilizada" ? " (como INE 2023)" : " (como IEQROO 2019)") +
         "\n";
  }
  if (rc.total_votos_calculado_differs > 0) {
    o += "  TOTAL_VOTOS_CALCULADO distinto de la suma de sus columnas: " +
         std::to_string(rc.total_votos_calculado_differs) + " actas\n";
  }
  return o;
}

}  // namespace

std::string FormatHuman(const CheckReport& r) {
  std::string o;
  o += "Archivo:   " + r.file + "\n";
  if (!r.eleccion.empty()) o += "Elección:  " + r.eleccion + "\n";
  if (!r.corte.empty()) o += "Corte:     " + r.corte + "\n";
  o += "Formato:   " + std::string(formats::EncodingName(r.dialect.encoding)) + ", delimitador '" +
       std::string(1, r.dialect.delimiter) + "', fin de línea " + r.dialect.line_ends +
       ", encabezado de columnas en la línea " + std::to_string(r.dialect.column_header_line) +
       "\n\n";

  o += Pad("Bloque de resumen", 38, false) + Pad("Publicado", 12, true) +
       Pad("Recalculado", 14, true) + "\n";
  for (int i = 0; i < domain::kSummaryFieldCount; ++i) {
    const auto f = static_cast<SummaryField>(i);
    const auto& pub = r.published.Get(f);
    const std::string pub_s =
        pub ? (domain::IsPercentField(f) ? domain::Percent4{*pub}.ToString() : std::to_string(*pub))
            : "—";
    const bool differs =
        std::find(r.mismatches.begin(), r.mismatches.end(), f) != r.mismatches.end();
    std::string label(domain::SummaryFieldName(f));
    if (!r.published.published_names[i].empty()) label = r.published.published_names[i];
    o += "  " + Pad(label, 36, false) + Pad(pub_s, 12, true) +
         Pad(r.recomputed.Format(f), 14, true) + (pub ? (differs ? "   DIFIERE" : "   ok") : "") +
         "\n";
  }
  o += "  Participación ciudadana: " + ParticipationText(r.participacion) + "\n";
  o += "  Actas con inconsistencias: " + InconsistencyText(r.inconsistencias) + "\n\n";

  o += "Actas: " + std::to_string(r.actas.rows) + " filas; " + std::to_string(r.actas.catalogue) +
       " en el catálogo (" + std::to_string(r.actas.capturadas) + " capturadas, " +
       std::to_string(r.actas.contabilizadas) + " contabilizadas, " +
       std::to_string(r.actas.not_captured) + " sin capturar), " +
       std::to_string(r.actas.fuera_de_catalogo) + " fuera de catálogo\n\n";

  o += "Votos por columna (suma sobre actas contabilizadas):\n";
  int64_t total = 0;
  for (const auto& [k, v] : r.columns) {
    o += "  " + Pad(k, 36, false) + Pad(std::to_string(v), 12, true) + "\n";
    total += v;
  }
  o += "  " + Pad("TOTAL", 36, false) + Pad(std::to_string(total), 12, true) + "\n\n";

  const Reclassification& rc = r.reclassification;
  if (r.computos) {
    o += "Reclasificación: no aplica (base de cómputos: no publica CONTABILIZADA)\n";
  } else {
    o += FormatReclassification(rc);
  }
  for (const auto& [text, n] : rc.unrecognised_observaciones) {
    o += "Observación no reconocida «" + text + "»: " + std::to_string(n) + " actas\n";
  }
  o += "\n";
  if (r.mismatches.empty()) {
    o += "Resultado: el bloque de resumen publicado coincide con sus propias filas de actas.\n";
  } else {
    o += "Resultado: el bloque de resumen publicado NO coincide con sus filas en:";
    for (SummaryField f : r.mismatches) o += " " + std::string(domain::SummaryFieldName(f));
    o += "\n";
  }
  return o;
}

}  // namespace prep::check
