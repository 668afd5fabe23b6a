// `prep`: the command line. Thin: parse flags, call the libraries, map
// Status to exit codes (0 ok, 1 a finding such as a mismatch, 2 unusable input).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>

#include "check/check.h"

namespace {

int RunCheck(const std::string& file, bool json, size_t threads, size_t examples) {
  prep::check::CheckOptions options;
  options.threads = threads;
  options.max_examples = examples;
  auto reports = prep::check::CheckPath(file, options);
  if (!reports.ok()) {
    std::cerr << reports.status().message() << "\n";
    return 2;
  }
  int exit_code = 0;
  for (const auto& r : *reports) exit_code = std::max(exit_code, r.ExitCode());
  if (json) {
    if (reports->size() == 1) {
      std::cout << prep::check::ToJson(reports->front()).dump(2) << "\n";
    } else {
      nlohmann::ordered_json all;
      all["files"] = nlohmann::ordered_json::array();
      for (const auto& r : *reports) all["files"].push_back(prep::check::ToJson(r));
      all["exit_code"] = exit_code;
      std::cout << all.dump(2) << "\n";
    }
  } else {
    for (size_t i = 0; i < reports->size(); ++i) {
      if (i > 0) std::cout << "\n" << std::string(72, '=') << "\n\n";
      std::cout << prep::check::FormatHuman((*reports)[i]);
    }
  }
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"prep: Programa de Resultados Electorales Preliminares, verificable"};
  app.require_subcommand(1);

  std::string file;
  bool json = false;
  size_t threads = std::max(1u, std::min(2u, std::thread::hardware_concurrency()));
  size_t examples = 5;
  CLI::App* check = app.add_subcommand(
      "check",
      "Recalcula una base de datos PREP publicada (CSV o zip) y la compara con su encabezado");
  check->add_option("FILE", file, "CSV de resultados o zip publicado")->required();
  check->add_flag("--json", json, "una salida JSON (documentada en README.md)");
  check->add_option("--threads", threads, "hilos para leer las actas")->check(CLI::Range(1, 64));
  check->add_option("--examples", examples, "ejemplos por tipo de discrepancia")
      ->check(CLI::Range(0, 1000));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (check->parsed()) return RunCheck(file, json, threads, examples);
  return 2;
}
