// Internal to src/auth: libsodium's one-time initialisation.
// Thread-safety: safe from many threads (a function-local static).
#pragma once

namespace prep::auth::internal {

// Initialises libsodium once; false if it cannot run (no entropy source).
bool SodiumListo();

}  // namespace prep::auth::internal
