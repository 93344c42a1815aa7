// decode_validate_fuzzer: a libFuzzer target that feeds arbitrary bytes to Decode and, when
// they decode, to Validate. Besides the sanitizers' own checks it asserts the contracts that
// later stages rely on: every failure is kInvalidArgument with a message, and a decoded module
// only holds byte ranges inside its bytes, with one code entry per defined function, and every
// body and constant expression it accepted reads back with CodeReader over exactly its own
// range (what the validator and the frontend do), ending with its final `end`.
//
// Built by compiler/wasm/fuzz/run_fuzzer.sh (clang++ -fsanitize=fuzzer,address); the Bazel
// target is tagged manual because Bazel here uses gcc.
#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "compiler/base/check.h"
#include "compiler/wasm/decoder.h"
#include "compiler/wasm/instruction.h"
#include "compiler/wasm/module.h"
#include "compiler/wasm/validator.h"

namespace kiln::wasm {
namespace {

bool Inside(const Module& module, ByteRange range) {
  return static_cast<uint64_t>(range.offset) + range.size <= module.bytes.size();
}

void CheckRanges(const Module& module) {
  for (const Global& global : module.globals) KILN_CHECK(Inside(module, global.init.code));
  for (const ElemSegment& elem : module.elems) {
    KILN_CHECK(Inside(module, elem.offset.code));
    for (const ConstExpr& item : elem.items) KILN_CHECK(Inside(module, item.code));
  }
  for (const DataSegment& data : module.datas) {
    KILN_CHECK(Inside(module, data.offset.code));
    KILN_CHECK(Inside(module, data.init));
  }
  for (const Code& code : module.codes) {
    KILN_CHECK(Inside(module, code.whole));
    KILN_CHECK(Inside(module, code.body));
    KILN_CHECK(code.local_count <= 0xffffffffull);
  }
  for (const CustomSection& custom : module.customs) KILN_CHECK(Inside(module, custom.data));
  KILN_CHECK(module.functions.size() == module.codes.size());
}

// CheckReadsBack walks `range` with CodeReader: every operator must decode, and the last one
// must be `end`.
void CheckReadsBack(const Module& module, ByteRange range) {
  CodeReader reader(module.bytes, range.offset, range.offset + range.size);
  Instruction instruction;
  KILN_CHECK(!reader.AtEnd());
  while (!reader.AtEnd()) KILN_CHECK(reader.Next(&instruction).ok());
  KILN_CHECK(instruction.opcode == Opcode::kEnd);
}

void CheckCodeReadsBack(const Module& module) {
  for (const Global& global : module.globals) CheckReadsBack(module, global.init.code);
  for (const ElemSegment& elem : module.elems) {
    if (elem.mode == SegmentMode::kActive) CheckReadsBack(module, elem.offset.code);
    for (const ConstExpr& item : elem.items) CheckReadsBack(module, item.code);
  }
  for (const DataSegment& data : module.datas) {
    if (data.mode == SegmentMode::kActive) CheckReadsBack(module, data.offset.code);
  }
  for (const Code& code : module.codes) CheckReadsBack(module, code.body);
}

void CheckError(const absl::Status& status) {
  KILN_CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  KILN_CHECK(!status.message().empty());
}

}  // namespace
}  // namespace kiln::wasm

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::StatusOr<kiln::wasm::Module> module = kiln::wasm::Decode(absl::MakeConstSpan(data, size));
  if (!module.ok()) {
    kiln::wasm::CheckError(module.status());
    return 0;
  }
  kiln::wasm::CheckRanges(*module);
  kiln::wasm::CheckCodeReadsBack(*module);
  const absl::Status valid = kiln::wasm::Validate(*module);
  if (!valid.ok()) kiln::wasm::CheckError(valid);
  // Decode validates the bodies on its way (Module::code_validation); validating them afresh
  // must give the same answer, message included.
  kiln::wasm::Module fresh = *module;
  fresh.code_validation.reset();
  KILN_CHECK(kiln::wasm::Validate(fresh) == valid);
  return 0;
}
