// The catálogo and contest implied by a published PREP database: what
// `prep init --from-prep-csv` and `prep replay` start from.
// Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "base/status.h"
#include "domain/election.h"
#include "formats/prep_database.h"

namespace prep::formats {

// One acta per catalogue row (fuera-de-catálogo rows are left out), grouped
// into casillas by their identification (distrito, sección, tipo, número,
// extensión), never by key alone: published keys can repeat. The vote columns
// keep the file's names and order; combinations (C_A_B or A-B) list their
// partidos. Lista nominal and representantes come from the rows; the boletas
// of casillas especiales are not published, so they stay unknown.
Result<domain::Catalogo> CatalogoFromDatabase(const PrepDatabase& db);

// Per distrito, the vote columns that run there (1) or not (0): a column runs
// in a distrito when any catalogue row of it has a cell other than "-",
// empty or "N/A" in that column (a coalición or candidatura independiente is
// registered per distrito). Vectors indexed like the catálogo's columns.
Result<std::map<int, std::vector<uint8_t>>> ColumnasPorDistrito(const PrepDatabase& db);

}  // namespace prep::formats
