// Reading a module file for the kiln command line: `.wat` files go through the text parser,
// anything else is taken as the binary format; then decoding and (optionally) validation.
#ifndef KILN_TOOLS_LOAD_MODULE_H_
#define KILN_TOOLS_LOAD_MODULE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "compiler/wasm/module.h"

namespace kiln::tools {

// ResolvePath makes a relative `path` relative to the directory `bazel run` was started from
// (BUILD_WORKING_DIRECTORY), so `bazel run //tools:kiln -- inspect examples/add.wat` works.
std::string ResolvePath(absl::string_view path);

// ReadModuleBytes returns the binary encoding of the module in `path`: the file itself, or the
// text parser's encoding when the name ends in ".wat".
absl::StatusOr<std::vector<uint8_t>> ReadModuleBytes(absl::string_view path);

// LoadModule reads, decodes and validates the module in `path`.
absl::StatusOr<wasm::Module> LoadModule(absl::string_view path);

}  // namespace kiln::tools

#endif  // KILN_TOOLS_LOAD_MODULE_H_
