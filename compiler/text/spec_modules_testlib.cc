// Test support: the module forms of the spec's .wast scripts; see spec_modules_testlib.h.
#include "compiler/text/spec_modules_testlib.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "compiler/base/status_macros.h"
#include "compiler/text/lexer.h"

namespace kiln::text::testing {

absl::StatusOr<std::vector<std::string>> SpecWastFiles() {
  const char* root = std::getenv("KILN_SPECTEST_DIR");
  if (root == nullptr || *root == '\0') {
    return absl::FailedPreconditionError(
        "KILN_SPECTEST_DIR is not set; point it at the spec suite (e.g. /work/shared/spectest)");
  }
  std::filesystem::path dir = std::filesystem::path(root) / "core-2.0";
  std::error_code error;
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (entry.path().extension() == ".wast") files.push_back(entry.path().string());
  }
  if (error || files.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("no .wast files in ", dir.string(), " (KILN_SPECTEST_DIR)"));
  }
  std::sort(files.begin(), files.end());
  return files;
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

absl::StatusOr<std::vector<SpecModule>> SpecModules(const std::string& source,
                                                     const WatOptions& options) {
  KILN_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(source));
  TokenCursor cursor(tokens);
  std::vector<SpecModule> modules;
  // A script may also be the bare fields of one module (inline-module.wast).
  if (cursor.Peek().kind == TokenKind::kLParen && cursor.Peek(1).kind == TokenKind::kKeyword) {
    absl::string_view first = cursor.Peek(1).text;
    if (first != "module" && first != "register" && first != "invoke" && first != "get" &&
        !absl::StartsWith(first, "assert_")) {
      SpecModule module;
      module.command = "module";
      module.command_line = cursor.Peek().line;
      absl::StatusOr<std::vector<uint8_t>> binary = ParseWat(source, options);
      if (binary.ok()) {
        ParsedModule parsed;
        parsed.binary = std::move(*binary);
        parsed.line = module.command_line;
        module.parsed = std::move(parsed);
      } else {
        module.parsed = binary.status();
      }
      modules.push_back(std::move(module));
      return modules;
    }
  }
  while (cursor.Peek().kind == TokenKind::kLParen) {
    size_t command_start = cursor.Position();
    const Token& open = cursor.Peek();
    const Token& keyword = cursor.Peek(1);
    SpecModule module;
    module.command = std::string(keyword.text);
    module.command_line = open.line;
    if (keyword.text == "module") {
      module.parsed = ParseModule(cursor, options);
      if (!module.parsed.ok()) {
        cursor.Reset(command_start);
        cursor.SkipList();
      }
      modules.push_back(std::move(module));
      continue;
    }
    cursor.Next();
    cursor.Next();
    if (cursor.PeekIsListOf("module")) {
      size_t module_start = cursor.Position();
      module.parsed = ParseModule(cursor, options);
      cursor.Reset(module_start);
      cursor.SkipList();
      if (cursor.Peek().kind == TokenKind::kString) module.expected_message = cursor.Peek().value;
      modules.push_back(std::move(module));
    }
    cursor.Reset(command_start);
    cursor.SkipList();
  }
  return modules;
}

absl::StatusOr<std::vector<uint8_t>> ModuleBinary(const ParsedModule& parsed,
                                                  const WatOptions& options) {
  if (parsed.form == ModuleForm::kQuote) return ParseWat(parsed.quote, options);
  return parsed.binary;
}

}  // namespace kiln::text::testing
