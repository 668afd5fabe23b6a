// The built-in static server alone (src/http/static_files.h over src/http/server.h), serving a
// publication folder for a load generator: bench/static_bench.sh runs it beside nginx on the
// same files and cores (BENCHMARKS.md).
//
//   prep_static_server --root PUB [--port 8080] [--threads 1] [--address 127.0.0.1]
//
// Prints "listening on ADDRESS:PORT" once it accepts connections (the script waits for that
// line, and --port 0 lets the kernel choose), then serves until SIGINT or SIGTERM. No API routes:
// every path is a file of the site, as behind MountStaticSite in `prep serve`.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "http/server.h"
#include "http/static_files.h"

int main(int argc, char** argv) {
  prep::http::StaticSiteOptions site_options;
  prep::http::ServerOptions server_options;
  server_options.port = 8080;
  server_options.threads = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) return std::fprintf(stderr, "%s needs a value\n", flag.c_str()), 2;
    const char* value = argv[++i];
    if (flag == "--root") {
      site_options.root = value;
    } else if (flag == "--port") {
      server_options.port = static_cast<uint16_t>(std::atoi(value));
    } else if (flag == "--threads") {
      server_options.threads = std::atoi(value);
    } else if (flag == "--address") {
      server_options.address = value;
    } else {
      return std::fprintf(stderr, "unknown flag %s\n", flag.c_str()), 2;
    }
  }
  if (site_options.root.empty()) {
    return std::fprintf(stderr, "usage: %s --root PUB [--port N] [--threads N]\n", argv[0]), 2;
  }

  // Blocked before any thread starts, so that every thread inherits the mask and the
  // signals reach sigwait below instead of killing the process mid-response.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto site = prep::http::StaticSite::Open(site_options);
  if (!site.ok()) return std::fprintf(stderr, "%s\n", site.status().message().c_str()), 2;
  auto router = std::make_shared<prep::http::Router>();
  prep::http::MountStaticSite(*router, *site);
  prep::http::Server server(server_options, router);
  if (const prep::Status started = server.Start(); !started.ok()) {
    return std::fprintf(stderr, "%s\n", started.message().c_str()), 2;
  }
  std::printf("listening on %s:%u\n", server_options.address.c_str(), server.port());
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  server.Stop();
  const auto stats = (*site)->cache_stats();
  std::fprintf(
      stderr, "cache: %llu hits, %llu misses, %llu entries, %llu bytes\n",
      static_cast<unsigned long long>(stats.hits), static_cast<unsigned long long>(stats.misses),
      static_cast<unsigned long long>(stats.entries), static_cast<unsigned long long>(stats.bytes));
  return 0;
}
