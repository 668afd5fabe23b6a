// `prep audit ...`: what the ente auditor, the notary and the COTAPREP run to
// check the system without trusting it (spec §8.3).
//
//   manifest   SHA-256 of the binary, the console's files, the store's schema,
//              the election's source files and the public keys: a printable
//              document for the notary act, and its JSON (`--json FILE`)
//   compare    two such JSON manifests, item by item
//   zero       the puesta en ceros: the store holds no acta data
//   close      the closing report for the acta circunstanciada: actas and votes
//              per level in the final corte, its time, the final hashes, and
//              the checks (signatures, chains) run again
//   recompute  every published corte rebuilt from the event log alone and
//              compared with what was published, file by file, byte by byte
#pragma once

#include <string>

namespace prep::cli {

// Exit 0; 2 when DATA cannot be read.
int AuditManifest(const std::string& data, const std::string& json_salida);
// Exit 0 equal, 1 different (each difference named), 2 unreadable.
int AuditCompare(const std::string& a, const std::string& b);
// Exit 0 en ceros, 1 not, 2 unreadable.
int AuditZero(const std::string& data);
// Exit 0 every corte (or `solo`) identical, 1 some differ (named), 2 unreadable.
// `salida`: keep the rebuilt cortes there (SALIDA/<id>/cortes/<id>) for inspection.
// Exit 0 closed and every check passes; 1 not the final corte or a check fails; 2 unreadable.
int AuditClose(const std::string& data);
int AuditRecompute(const std::string& data, const std::string& solo, const std::string& salida);

}  // namespace prep::cli
