// A publish::Fuente over plain HTTP, for `prep verify http://mirror/`: GETs
// each file from the mirror (keep-alive, one connection), no TLS (a mirror
// behind TLS is verified from a downloaded copy, or through a local proxy;
// the signature, not the transport, is what makes the files trustworthy).
// Thread-safety: not thread-safe.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "publish/verificar.h"

namespace prep::http {

// `url`: http://host[:port][/prefix/]. InvalidArgument for another scheme.
Result<std::unique_ptr<publish::Fuente>> FuenteHttp(const std::string& url);

}  // namespace prep::http
