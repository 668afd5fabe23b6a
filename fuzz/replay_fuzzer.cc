// Feeds arbitrary bytes to what `prep replay` and `prep init --from-prep-csv`
// do with a published database: the layout finder, the catálogo it implies,
// the columns that run per distrito, and the night it implies (published
// times read at the corte's offset, withheld cells reconstructed, times
// brought into the night). Also the date and offset readers on their own.
// Any crash, leak or UB is a finding; errors are expected and fine.
#include <cstddef>
#include <cstdint>
#include <string>

#include "formats/catalogo.h"
#include "formats/prep_database.h"
#include "sim/replay.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  const std::string_view cabeza = std::string_view(bytes).substr(0, 64);
  (void)prep::sim::FechaPublicada(cabeza, static_cast<int>(size % 1500) - 750);
  (void)prep::sim::OffsetDeCorte(cabeza);
  auto db = prep::formats::PrepDatabase::Open("fuzz.csv", prep::formats::Bytes(bytes));
  if (!db.ok()) return 0;
  auto cat = prep::formats::CatalogoFromDatabase(**db);
  if (!cat.ok()) return 0;
  (void)prep::formats::ColumnasPorDistrito(**db);
  auto r = prep::sim::GuionDeBase(**db, *cat);
  if (r.ok()) (void)r->guion.Intervalo();
  return 0;
}
