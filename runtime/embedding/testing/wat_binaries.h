// Test helpers for the embedding tests: .wat text to a Wasm binary (with a name section, so
// definitions and backtraces carry names), optionally with custom sections appended.
#ifndef KILN_RUNTIME_EMBEDDING_TESTING_WAT_BINARIES_H_
#define KILN_RUNTIME_EMBEDDING_TESTING_WAT_BINARIES_H_

#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"

namespace kiln::embedding::testing {

// WatToWasm encodes `wat`, failing the running Catch2 test on a parse error.
std::vector<uint8_t> WatToWasm(absl::string_view wat);

// AppendCustomSection appends a custom section `name` holding `data` to `binary`.
void AppendCustomSection(std::vector<uint8_t>& binary, absl::string_view name,
                         absl::string_view data);

}  // namespace kiln::embedding::testing

#endif  // KILN_RUNTIME_EMBEDDING_TESTING_WAT_BINARIES_H_
