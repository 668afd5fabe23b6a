// `prep backup` and `prep restore`: a consistent copy of an election's data
// folder that any store can be rebuilt from (docs/continuidad.md).
//
// A backup is a folder: respaldo.sqlite (the event log, copied event by event
// through the Store interface from whichever store DATA uses, so it is a
// consistent snapshot even while `prep serve` writes), every other file of
// DATA (election, keys, images, published cortes; the store's own files and
// DATA/almacen left out), and respaldo.json (events, last hash, files). Files
// already in DEST with the same size are not copied again, so a backup into
// the same folder is incremental (images and cortes never change once written).
#pragma once

#include <string>

namespace prep::cli {

// Exit 0 done; 2 on error (DEST keeps what was there).
int Backup(const std::string& data, const std::string& destino);
// Into DATA, which must not exist or be empty; `store` (a PostgreSQL
// connection string, an empty database) puts the log there instead of
// DATA/prep.sqlite. Exit 0 restored and the chain verified; 2 on error.
int Restore(const std::string& origen, const std::string& data, const std::string& store);

}  // namespace prep::cli
