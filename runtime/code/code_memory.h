// CodeMemory: a CompiledCode blob placed in executable memory. The bytes are copied into
// fresh anonymous pages while they are writable, then the pages become read+execute (never
// writable and executable at once), and the range is registered with the trap handler's
// code registry so faults inside it become Wasm traps. It answers where each function,
// entry trampoline, host-call stub and the landing pad ended up.
#ifndef KILN_RUNTIME_CODE_CODE_MEMORY_H_
#define KILN_RUNTIME_CODE_CODE_MEMORY_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "backend/common/compiled_code.h"
#include "compiler/wasm/module.h"
#include "runtime/trap/code_registry.h"
#include "runtime/trap/entry.h"

namespace kiln::runtime {

// CodeMemory is one placed, registered code blob; unregistered and unmapped on destruction.
class CodeMemory final : public trap::CodeRange {
 public:
  // Place maps `code` executable and registers it. `function_names[i]` names defined function
  // i in backtraces (may be shorter than the function list; missing names print as
  // "$<defined index>"). kResourceExhausted when the pages cannot be mapped.
  static absl::StatusOr<std::unique_ptr<CodeMemory>> Place(
      backend::CompiledCode code, std::vector<std::string> function_names = {});

  ~CodeMemory() override;
  CodeMemory(const CodeMemory&) = delete;
  CodeMemory& operator=(const CodeMemory&) = delete;

  const backend::CompiledCode& compiled() const { return code_; }

  // FunctionEntry is the entry of defined function `defined_index` (Wasm calling convention).
  const void* FunctionEntry(uint32_t defined_index) const {
    return base_ + code_.functions[defined_index].offset;
  }
  // EntryTrampoline returns the trampoline for `type`, or nullptr when the blob has none.
  trap::TrampolineFn EntryTrampoline(const wasm::FuncType& type) const;
  // HostCallStub returns the host-call stub for `type`, or nullptr when the blob has none.
  const void* HostCallStub(const wasm::FuncType& type) const;
  // landing_pad is where traps resume (shared by all trampolines of this blob).
  uintptr_t landing_pad() const {
    return reinterpret_cast<uintptr_t>(base_) + code_.landing_pad_offset;
  }

  // -- trap::CodeRange --------------------------------------------------------------------------
  uintptr_t begin() const override { return reinterpret_cast<uintptr_t>(base_); }
  uintptr_t end() const override { return reinterpret_cast<uintptr_t>(base_) + code_.code.size(); }
  std::optional<trap::TrapCode> TrapAt(uint32_t offset) const override;
  std::string Describe(uint32_t offset) const override;

 private:
  CodeMemory(backend::CompiledCode code, std::vector<std::string> function_names, uint8_t* base,
             size_t mapped_size);

  backend::CompiledCode code_;
  std::vector<std::string> function_names_;
  uint8_t* base_;
  size_t mapped_size_;
};

}  // namespace kiln::runtime

#endif  // KILN_RUNTIME_CODE_CODE_MEMORY_H_
