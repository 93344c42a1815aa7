// The front-door checks of script modules (see module_check.h).
#include "spectest/module_check.h"

#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "compiler/text/wat_parser.h"
#include "compiler/wasm/decoder.h"
#include "compiler/wasm/instruction.h"
#include "compiler/wasm/opcode.h"
#include "compiler/wasm/validator.h"

namespace kiln::spectest {

absl::string_view StageError(Stage stage) {
  switch (stage) {
    case Stage::kParse: return "text parser rejected it";
    case Stage::kDecode: return "decoder rejected it";
    case Stage::kValidate: return "validator rejected it";
    case Stage::kAccepted: return "accepted";
  }
  return "unknown stage";
}

ModuleCheck CheckModule(const text::ScriptModule& module) {
  ModuleCheck check;
  if (!module.parsed.ok()) return {Stage::kParse, module.parsed.status(), std::nullopt};
  std::vector<uint8_t> quoted_binary;
  const std::vector<uint8_t>* binary = &module.parsed->binary;
  if (module.parsed->form == text::ModuleForm::kQuote) {
    absl::StatusOr<std::vector<uint8_t>> parsed = text::ParseWat(module.parsed->quote);
    if (!parsed.ok()) return {Stage::kParse, parsed.status(), std::nullopt};
    quoted_binary = *std::move(parsed);
    binary = &quoted_binary;
  }
  absl::StatusOr<wasm::Module> decoded = wasm::Decode(*binary);
  if (!decoded.ok()) return {Stage::kDecode, decoded.status(), std::nullopt};
  absl::Status valid = wasm::Validate(*decoded);
  if (!valid.ok()) return {Stage::kValidate, valid, std::nullopt};
  check.module = *std::move(decoded);
  return check;
}

bool UsesSimd(const wasm::Module& module) {
  using wasm::ValType;
  for (const wasm::FuncType& type : module.types) {
    for (ValType t : type.params) if (t == ValType::kV128) return true;
    for (ValType t : type.results) if (t == ValType::kV128) return true;
  }
  for (const wasm::Import& import : module.imports) {
    if (import.kind == wasm::ExternKind::kGlobal && import.global.type == ValType::kV128) {
      return true;
    }
  }
  for (const wasm::Global& global : module.globals) {
    if (global.type.type == ValType::kV128) return true;
  }
  for (const wasm::Code& code : module.codes) {
    for (const wasm::LocalDecl& local : code.locals) {
      if (local.type == ValType::kV128) return true;
    }
    // Validated code decodes, so a reader error cannot happen; stop quietly if it does.
    wasm::CodeReader reader(module.bytes, code.body.offset, code.body.offset + code.body.size);
    wasm::Instruction instruction;
    while (!reader.AtEnd() && reader.Next(&instruction).ok()) {
      if (wasm::Info(instruction.opcode).prefix == 0xfd) return true;
    }
  }
  return false;
}

}  // namespace kiln::spectest
