// A real PostgreSQL server for a test: initdb in a fresh temporary folder,
// listening only on a unix socket inside it (no TCP port, so tests running in
// parallel never collide), stopped and removed at the end. PostgreSQL refuses
// to run as root, so under root it runs as the `postgres` system user.
#pragma once

#include <libpq-fe.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

namespace prep::prueba {

class PostgresDePrueba {
 public:
  // Empty on failure, with the reason in *error.
  static std::unique_ptr<PostgresDePrueba> Iniciar(std::string* error) {
    const std::string bin = BinDir();
    if (bin.empty()) {
      *error = "no initdb: install postgresql (scripts/setup.sh does)";
      return nullptr;
    }
    char plantilla[] = "/tmp/prep_pg_XXXXXX";
    if (::mkdtemp(plantilla) == nullptr) {
      *error = "mkdtemp failed";
      return nullptr;
    }
    auto pg = std::unique_ptr<PostgresDePrueba>(new PostgresDePrueba(plantilla, bin));
    if (::getuid() == 0) {
      const passwd* p = ::getpwnam("postgres");
      if (p == nullptr || ::chown(plantilla, p->pw_uid, p->pw_gid) != 0) {
        *error = "running as root and cannot hand the folder to the postgres user";
        return nullptr;
      }
    }
    if (!pg->Run(bin + "/initdb -D " + pg->dir_ +
                 "/data -A trust -U postgres -E UTF8 --no-sync"
                 " --no-instructions >" +
                 pg->dir_ + "/initdb.log 2>&1") ||
        !pg->Arrancar()) {
      *error = "cannot start PostgreSQL in " + pg->dir_ + ": " + pg->Log();
      return nullptr;
    }
    return pg;
  }

  ~PostgresDePrueba() {
    Detener();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  PostgresDePrueba(const PostgresDePrueba&) = delete;
  PostgresDePrueba& operator=(const PostgresDePrueba&) = delete;

  std::string Conninfo(const std::string& db = "postgres") const {
    return "host=" + dir_ + " port=5432 user=postgres dbname=" + db;
  }
  const std::string& dir() const { return dir_; }

  // A fresh, empty database; its connection string.
  std::string NuevaBase(const std::string& nombre) {
    Sql("CREATE DATABASE " + nombre);
    return Conninfo(nombre);
  }
  // Runs SQL (behind the store's back); the error text, or "" on success.
  std::string Sql(const std::string& sql, const std::string& db = "postgres") const {
    PGconn* c = PQconnectdb(Conninfo(db).c_str());
    std::string err;
    if (PQstatus(c) != CONNECTION_OK) {
      err = PQerrorMessage(c);
    } else {
      PGresult* r = PQexec(c, sql.c_str());
      if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
        err = PQresultErrorMessage(r);
      PQclear(r);
    }
    PQfinish(c);
    return err;
  }

  // An abrupt stop (like a crash: no checkpoint), and a start on the same data.
  bool Matar() {
    return Run(bin_ + "/pg_ctl -D " + dir_ + "/data -m immediate -w stop >/dev/null 2>&1");
  }
  // `opciones`: more server settings ("-c archive_mode=on ...").
  // Dynamic shared memory as files in the data folder (mmap), not /dev/shm
  // segments: an immediate stop leaves the segments behind, and they would
  // outlive the temporary folder.
  bool Arrancar(const std::string& opciones = "") {
    return Run(bin_ + "/pg_ctl -D " + dir_ + "/data -w -t 120 -l " + dir_ +
               "/server.log -o \"-c listen_addresses='' -c unix_socket_directories=" + dir_ +
               " -c max_connections=50 -c dynamic_shared_memory_type=mmap " + opciones +
               "\" start >/dev/null 2>&1");
  }
  // A shell command as the server's user (its files are that user's).
  bool Comando(const std::string& cmd) { return Run(cmd); }
  const std::string& bin() const { return bin_; }
  // A clean stop; harmless when the server is already down.
  void Detener() {
    (void)Run(bin_ + "/pg_ctl -D " + dir_ + "/data -m fast -w stop >/dev/null 2>&1");
  }

 private:
  PostgresDePrueba(std::string dir, std::string bin) : dir_(std::move(dir)), bin_(std::move(bin)) {}

  static std::string BinDir() {
    if (const char* e = std::getenv("PREP_PG_BINDIR")) return e;
    std::string best;
    std::error_code ec;
    for (const auto& d : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
      if (std::filesystem::exists(d.path() / "bin" / "initdb") && d.path().string() > best)
        best = d.path().string();
    }
    return best.empty() ? "" : best + "/bin";
  }
  // As the postgres user when we are root.
  bool Run(const std::string& cmd) {
    const std::string full =
        ::getuid() == 0 ? "runuser -u postgres -- sh -c '" + Escapar(cmd) + "'" : cmd;
    return std::system(full.c_str()) == 0;
  }
  static std::string Escapar(const std::string& s) {
    std::string out;
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out;
  }
  std::string Log() const {
    std::ifstream a(dir_ + "/initdb.log"), b(dir_ + "/server.log");
    std::stringstream ss;
    ss << a.rdbuf() << b.rdbuf();
    return ss.str().substr(0, 2000);
  }

  std::string dir_;
  std::string bin_;
};

}  // namespace prep::prueba
