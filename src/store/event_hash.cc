#include <openssl/evp.h>

#include <cstdio>
#include <string>

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
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(canonical.data(), canonical.size(), digest, &len, EVP_sha256(), nullptr);
  std::string hex(2 * len, '0');
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned int i = 0; i < len; ++i) {
    hex[2 * i] = kHex[digest[i] >> 4];
    hex[2 * i + 1] = kHex[digest[i] & 15];
  }
  return hex;
}

}  // namespace prep::store
