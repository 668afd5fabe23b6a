// `prep init`, `prep users` and `prep serve`: the data folder of an election.
//
// DATA/eleccion.json   what the election was created from (a config file or
//                      a published PREP database) and its SHA-256
// DATA/eleccion/       a copy of that source (and the casillas CSV it names)
// DATA/prep.sqlite     the hash-chained event log
// DATA/imagenes/       the acta images, by SHA-256
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "http/servicio.h"

namespace prep::cli {

struct Eleccion {
  domain::Catalogo catalogo;
  http::ServicioOpciones opciones;  // everything but data_dir and reloj
};

// Creates DATA from a config file (every error listed; nothing created on error).
Status InitDesdeConfig(const std::string& config, const std::string& data, const std::string& admin,
                       const std::string& admin_password);
// Creates DATA from a published PREP database (CSV or zip).
Status InitDesdePrepCsv(const std::string& archivo, const std::string& data,
                        const std::string& admin, const std::string& admin_password);
// Loads the election of DATA (as `prep serve` does).
Result<Eleccion> CargarEleccion(const std::string& data);
Result<std::unique_ptr<http::Servicio>> AbrirServicio(const std::string& data);

int Serve(const std::string& data, const std::string& listen, int threads);

}  // namespace prep::cli
