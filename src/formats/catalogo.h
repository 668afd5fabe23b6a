// The catálogo and contest implied by a published PREP database: what
// `prep init --from-prep-csv` and `prep replay` start from.
// Thread-safety: pure function.
#pragma once

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

}  // namespace prep::formats
