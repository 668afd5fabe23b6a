// Running the `prep` binary from the CLI tests, as an operator at a shell.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace prep::testing {

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string LeerArchivo(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// `prep ARGS` with `input` (printf syntax) on standard input; its output is kept
// in `dir`/stdout and `dir`/stderr.
inline Outcome RunPrep(const std::filesystem::path& dir, const std::string& args,
                       const std::string& input = "") {
  const std::string out = (dir / "stdout").string(), err = (dir / "stderr").string();
  const std::string cmd = "printf '" + input + "' | " + std::string(PREP_BINARY) + " " + args +
                          " >" + out + " 2>" + err;
  const int status = std::system(cmd.c_str());
  Outcome o;
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  o.out = LeerArchivo(out);
  o.err = LeerArchivo(err);
  return o;
}

}  // namespace prep::testing
