// CodeValidator: the typing rules for function bodies, run as the spec appendix's validation
// algorithm over an operand stack and a control stack. Operators with a fixed signature
// (opcodes.def) are typed from the table; control, parametric, variable, reference and table
// operators are typed by hand. One CodeValidator checks every function of a module and keeps
// its stacks between functions, so validation allocates only while the stacks grow.
#ifndef KILN_COMPILER_WASM_VALIDATE_CODE_H_
#define KILN_COMPILER_WASM_VALIDATE_CODE_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "compiler/wasm/instruction.h"
#include "compiler/wasm/module.h"
#include "compiler/wasm/validation_context.h"
#include "compiler/wasm/value_type.h"

namespace kiln::wasm {

// CodeValidator checks function bodies against a module's validation context.
class CodeValidator {
 public:
  explicit CodeValidator(const ValidationContext& context);

  // ValidateFunction checks the body of function `func_index` (an index in the function
  // space, imports included). Errors end with "(func N, offset 0x...)".
  absl::Status ValidateFunction(uint32_t func_index, const Code& code);

 private:
  // FrameKind says which construct opened a control frame.
  enum class FrameKind : uint8_t { kFunction, kBlock, kLoop, kIf, kElse };

  // ControlFrame is one entry of the control stack: the block's type, the operand stack height
  // when it was entered (its params excluded), and whether the rest of it is unreachable.
  struct ControlFrame {
    FrameKind kind;
    bool unreachable;
    uint32_t height;
    absl::Span<const ValType> params;
    absl::Span<const ValType> results;

    // LabelTypes is what a branch to this frame carries: a loop's params, else its results.
    absl::Span<const ValType> LabelTypes() const {
      return kind == FrameKind::kLoop ? params : results;
    }
  };

  // OperatorTyping caches an operator's immediate kind and fixed signature (see the .cc).
  struct OperatorTyping;

  void SetUpLocals(const FuncType& type, const Code& code);
  bool LocalType(uint32_t index, ValType* out) const;
  absl::Status CheckInstruction(const Instruction& inst);
  absl::Status CheckImmediates(const Instruction& inst, ImmKind immediate);
  absl::Status CheckSpecial(const Instruction& inst);
  absl::Status CheckMemory(uint32_t memory) const;
  absl::Status CheckTable(uint32_t table) const;
  absl::Status ResolveBlockType(const BlockType& block_type, absl::Span<const ValType>* params,
                                absl::Span<const ValType>* results) const;

  // -- Operand stack (validate_code.cc keeps these next to each other) ----------------------
  void Push(ValType type) { operands_.push_back(type); }
  void PushTypes(absl::Span<const ValType> types) {
    operands_.insert(operands_.end(), types.begin(), types.end());
  }
  absl::Status Pop(ValType expected) { return PopTypes(absl::MakeConstSpan(&expected, 1)); }
  absl::Status PopTypes(absl::Span<const ValType> expected);
  absl::Status PopAny(ValType* out);
  absl::Status CheckTop(absl::Span<const ValType> expected) const;
  absl::Status ApplySignature(absl::Span<const ValType> params,
                              absl::Span<const ValType> results);
  void MarkUnreachable();

  // -- Control stack -----------------------------------------------------------------------
  absl::Status EnterBlock(FrameKind kind, const BlockType& block_type);
  absl::Status ExitBlock(absl::string_view what, ControlFrame* out);
  absl::Status Label(uint32_t depth, const ControlFrame** out) const;

  // -- Errors ------------------------------------------------------------------------------
  absl::Status Error(absl::string_view message) const;
  absl::Status MismatchError(absl::string_view what, absl::Span<const ValType> expected,
                             size_t shown) const;

  const ValidationContext& c_;
  const OperatorTyping* typings_;  // indexed by Opcode
  std::vector<ValType> operands_;
  std::vector<ControlFrame> controls_;
  // Locals: params then declared locals, materialized up to a bound; past it (a body declaring
  // huge runs of locals) a lookup searches `local_runs_`, so memory stays proportional to the
  // declarations rather than to their counts.
  std::vector<ValType> locals_;
  std::vector<std::pair<uint64_t, ValType>> local_runs_;  // (end index, type) past locals_
  uint64_t num_locals_ = 0;
  const FuncType* func_type_ = nullptr;
  uint32_t func_index_ = 0;
  uint32_t offset_ = 0;           // offset of the operator being checked
  Opcode opcode_ = Opcode::kNop;  // the operator being checked, named in messages
};

}  // namespace kiln::wasm

#endif  // KILN_COMPILER_WASM_VALIDATE_CODE_H_
