#include "runtime/wasi/testing/test_support.h"

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "api/wasm.h"
#include "catch2/catch.hpp"
#include "runtime/wasi/functions.h"

namespace kiln::wasi::test_support {

TempDir::TempDir(absl::string_view prefix) {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string pattern = absl::StrCat(base != nullptr ? base : "/tmp", "/", prefix, ".XXXXXX");
  REQUIRE(mkdtemp(pattern.data()) != nullptr);
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::File(absl::string_view name) const { return absl::StrCat(path_, "/", name); }

std::string ReadHostFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "<missing>";
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

void WriteHostFile(const std::string& path, absl::string_view contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  REQUIRE(out.good());
}

std::string ForwardingGuestWat(const std::vector<std::string>& names, int pages,
                               absl::string_view import_module) {
  const std::vector<FunctionDef> all = SnapshotPreview1Functions();
  std::string imports;
  std::string exports;
  for (const std::string& name : names) {
    const FunctionDef* def = nullptr;
    for (const FunctionDef& candidate : all) {
      if (candidate.name == name) def = &candidate;
    }
    REQUIRE(def != nullptr);
    std::string params;
    std::string args;
    for (size_t i = 0; i < def->params.size(); ++i) {
      absl::StrAppend(&params, " ", api::ValueTypeName(def->params[i]));
      absl::StrAppend(&args, " (local.get ", i, ")");
    }
    const std::string result = def->returns_errno ? " (result i32)" : "";
    absl::StrAppend(&imports, "  (import \"", import_module, "\" \"", name, "\" (func $", name,
                    " (param", params, ")", result, "))\n");
    absl::StrAppend(&exports, "  (func (export \"", name, "\") (param", params, ")", result,
                    " (call $", name, args, "))\n");
  }
  return absl::StrCat("(module\n", imports, "  (memory (export \"memory\") ", pages, ")\n",
                      exports, ")\n");
}

}  // namespace kiln::wasi::test_support
