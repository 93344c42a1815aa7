// Module files for the command line: reading, text-to-binary, decoding and validation.
#include "tools/load_module.h"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "compiler/base/status_macros.h"
#include "compiler/text/wat_parser.h"
#include "compiler/wasm/decoder.h"
#include "compiler/wasm/validator.h"

namespace kiln::tools {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::ostringstream contents;
  contents << file.rdbuf();
  if (file.bad()) return absl::DataLossError(absl::StrCat("cannot read ", path));
  return contents.str();
}

}  // namespace

std::string ResolvePath(absl::string_view path) {
  const char* working_dir = std::getenv("BUILD_WORKING_DIRECTORY");
  if (working_dir == nullptr || *working_dir == '\0' || absl::StartsWith(path, "/")) {
    return std::string(path);
  }
  return absl::StrCat(working_dir, "/", path);
}

absl::StatusOr<std::vector<uint8_t>> ReadModuleBytes(absl::string_view path) {
  KILN_ASSIGN_OR_RETURN(std::string contents, ReadFile(ResolvePath(path)));
  if (absl::EndsWith(path, ".wat")) {
    // Keep the $names, so that `inspect` (and anything else built on these modules) can show
    // them; a .wasm file has them only if its producer wrote a name section.
    text::WatOptions options;
    options.emit_name_section = true;
    return text::ParseWat(contents, options);
  }
  return std::vector<uint8_t>(contents.begin(), contents.end());
}

absl::StatusOr<wasm::Module> LoadModule(absl::string_view path) {
  KILN_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, ReadModuleBytes(path));
  KILN_ASSIGN_OR_RETURN(wasm::Module module, wasm::Decode(bytes));
  KILN_RETURN_IF_ERROR(wasm::Validate(module));
  return module;
}

}  // namespace kiln::tools
