// The night a published PREP database implies, as a Guion: each acta row is
// replayed the way its operators worked it, at the times the file publishes
// (FECHA_HORA_ACOPIO, _CAPTURA, _VERIFICACION, at the corte's UTC offset):
// acopio (or sin acta), an image (a PNG of the row: the original image is
// not published), two equal captures of the published cells, verificación;
// fuera de catálogo rows are registered and scanned; rows never captured are
// registered only if the file gives their acopio time.
//
// Where the publisher withheld the cells of an acta it did not count (every
// cell 0 or empty while OBSERVACIONES names a reason: IEE Puebla 2018), the
// captures type what the observación says was on the acta (every field
// ILEGIBLE; every field empty; votes above the lista nominal), so that the
// replayed acta is classified as the publisher classified it. Its vote
// totals are unaffected: an acta not counted adds no votes.
// Pure: no I/O, no clock.
#pragma once

#include <optional>
#include <string_view>

#include "base/status.h"
#include "domain/election.h"
#include "formats/prep_database.h"
#include "sim/guion.h"

namespace prep::sim {

// A published date-time (YYYY-MM-DD hh:mm[:ss], DD/MM/YYYY hh:mm[:ss],
// YYYY/MM/DD hh:mm) at `offset_minutos` from UTC, as UTC ms; nullopt for
// N/A, "-", empty or anything else.
std::optional<int64_t> FechaPublicada(std::string_view texto, int offset_minutos);
// The UTC offset of a corte line such as "2019/06/03 05:47 (UTC-5)".
std::optional<int> OffsetDeCorte(std::string_view corte);

struct Replay {
  Guion guion;
  int offset_minutos = 0;
  int64_t corte_utc_ms = 0;             // the corte the file publishes (0 if unreadable)
  size_t filas = 0, reconstruidas = 0;  // rows, and rows whose withheld cells were reconstructed
  // Steps whose published time falls outside the night (a typed acopio time
  // of the year before, or after the corte), moved to its nearest edge.
  size_t fuera_de_la_noche = 0;
};

// The longest night a replay plays: times earlier than this before the corte
// are typing errors (IEE Puebla 2018 has an acopio of 2017).
inline constexpr int64_t kNocheMaximaMs = int64_t{30} * 3600 * 1000;

Result<Replay> GuionDeBase(const formats::PrepDatabase& db, const domain::Catalogo& catalogo);

}  // namespace prep::sim
