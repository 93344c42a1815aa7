// wat2wasm: encodes a text module (.wat) in the binary format with kiln's own text parser.
//   wat2wasm [--debug-names] INPUT.wat OUTPUT.wasm
// The build uses it (examples/wasm_module.bzl) to turn the examples' .wat sources into the
// .wasm files the example programs load, so no external toolchain is needed. --debug-names
// writes a name section, which makes trap backtraces show the functions' $names.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "compiler/text/wat_parser.h"

namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "wat2wasm: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  kiln::text::WatOptions options;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--debug-names") {
      options.emit_name_section = true;
    } else {
      paths.push_back(arg);
    }
  }
  if (paths.size() != 2) {
    std::fprintf(stderr, "usage: wat2wasm [--debug-names] INPUT.wat OUTPUT.wasm\n");
    return 2;
  }
  std::ifstream input(paths[0], std::ios::binary);
  if (!input) return Fail("cannot open " + paths[0]);
  std::ostringstream source;
  source << input.rdbuf();

  absl::StatusOr<std::vector<uint8_t>> bytes = kiln::text::ParseWat(source.str(), options);
  if (!bytes.ok()) return Fail(paths[0] + ": " + std::string(bytes.status().message()));

  std::ofstream output(paths[1], std::ios::binary | std::ios::trunc);
  output.write(reinterpret_cast<const char*>(bytes->data()),
               static_cast<std::streamsize>(bytes->size()));
  output.close();
  if (!output) return Fail("cannot write " + paths[1]);
  return 0;
}
