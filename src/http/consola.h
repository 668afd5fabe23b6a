// The operations console at /consola/: the files of web/consola (compiled in,
// src/web/assets.h) with the headers a page that holds a session needs: no
// caching of stale code, no framing, and a Content-Security-Policy that lets
// it load only its own scripts and talk only to this server.
// Thread-safety: the handlers are pure.
#pragma once

#include "http/server.h"

namespace prep::http {

// GET /consola and /consola/ (the page), /consola/{archivo} (its files).
void MontarConsola(Router& router);

}  // namespace prep::http
