#include <string>

#include "store/imagenes.h"
#include "store/store.h"

namespace prep::store {
namespace {

void Field(std::string* out, const std::string& value) {
  out->append(std::to_string(value.size()));
  out->push_back(':');
  out->append(value);
  out->push_back(';');
}

}  // namespace

std::string EventHash(const Event& e) {
  std::string canonical;
  canonical.reserve(256 + e.payload.size());
  Field(&canonical, "prep-event-v1");
  Field(&canonical, e.prev_hash);
  Field(&canonical, std::to_string(e.seq));
  Field(&canonical, e.type);
  Field(&canonical, e.acta);
  Field(&canonical, e.actor);
  Field(&canonical, e.site);
  Field(&canonical, std::to_string(e.at_ms));
  Field(&canonical, e.payload);
  Field(&canonical, e.idempotency_key);
  return Sha256Hex(canonical);
}

}  // namespace prep::store
