// CodeValidator: the typing rules for function bodies, run as the spec appendix's validation
// algorithm over an operand stack and a control stack. Operators with a fixed signature
// (opcodes.def) are typed from the table; control, parametric, variable, reference and table
// operators are typed by hand. One CodeValidator checks every function of a module and keeps
// its stacks between functions, so validation allocates only while the stacks grow.
//
// The common one-byte operators (fixed signatures, locals, globals, constants, loads and
// stores, calls) are typed straight from the body's bytes through a 256-entry table, without
// building an Instruction; everything else, and every operator whose check fails, goes through
// the general path (ReadOperator + CheckInstruction), which reports errors.
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

  // kUnknownType is the spec's "Unknown": a value popped from a polymorphic stack. It is no
  // binary type code, so it never equals a real ValType.
  static constexpr ValType kUnknownType = static_cast<ValType>(0);

  // IsSelectable says whether the untyped select may choose between values of `type`: numeric
  // and vector types only (an unknown type stands for any of them).
  static bool IsSelectable(ValType type) { return !IsRefType(type); }

  // OperatorTyping caches an operator's immediate kind and fixed signature (see the .cc).
  struct OperatorTyping;
  // ByteTyping says how the fast path handles a one-byte opcode (see the .cc).
  struct ByteTyping;

  // The checks below return true when the rule holds. A broken rule records its message in
  // error_ and returns false, so the per-operator path passes a bool, not an absl::Status.
  void SetUpLocals(const FuncType& type, const Code& code);
  bool LocalType(uint32_t index, ValType* out) const;
  // TryFastPath types the operator at bytes[pos] from its encoding when it is a common one whose
  // immediates are well formed and whose rule holds. It returns the position after it, or 0
  // with nothing changed, and then the general path must decode and check the operator.
  uint32_t TryFastPath(const uint8_t* bytes, uint32_t pos, uint32_t end);
  bool CheckInstruction(const Instruction& inst);
  bool CheckImmediates(const Instruction& inst, ImmKind immediate);
  bool CheckSpecial(const Instruction& inst);
  bool CheckMemory(uint32_t memory);
  bool CheckTable(uint32_t table);
  bool ResolveBlockType(const BlockType& block_type, absl::Span<const ValType>* params,
                        absl::Span<const ValType>* results);

  // -- Operand stack -----------------------------------------------------------------------
  void Push(ValType type) { operands_.push_back(type); }
  void PushTypes(absl::Span<const ValType> types) {
    for (ValType type : types) operands_.push_back(type);
  }
  // TopMatches says whether the `n` operands just below the top `skip` ones are `expected`,
  // all above the current frame (a polymorphic stack's missing operands do not match).
  bool TopMatches(const ValType* expected, size_t n, size_t skip = 0) const {
    const size_t size = operands_.size();
    if (size - controls_.back().height < n + skip) return false;
    const ValType* top = operands_.data() + size - skip - n;
    for (size_t i = 0; i < n; ++i) {
      if (top[i] != expected[i]) return false;
    }
    return true;
  }
  // PopFast pops `n` operands equal to `expected` above the current frame, or changes nothing
  // and returns false (for a mismatch, too few operands, or unknown operands, which the slower
  // PopTypes handles and reports).
  bool PopFast(const ValType* expected, size_t n) {
    if (!TopMatches(expected, n)) return false;
    operands_.resize(operands_.size() - n);
    return true;
  }
  bool Pop(ValType expected) {
    if (PopFast(&expected, 1)) return true;
    return PopTypes(absl::MakeConstSpan(&expected, 1));
  }
  // PopTypes pops operands matching `expected` (its last entry on top); in unreachable code,
  // missing operands count as kUnknownType.
  bool PopTypes(absl::Span<const ValType> expected);
  // PopAny pops one operand of any type (kUnknownType from a polymorphic stack).
  bool PopAny(ValType* out);
  // CheckTop is PopTypes without popping: br_table checks several targets against one stack.
  bool CheckTop(absl::Span<const ValType> expected);
  bool ApplySignature(absl::Span<const ValType> params, absl::Span<const ValType> results);
  // MarkUnreachable drops the current frame's operands and makes its stack polymorphic.
  void MarkUnreachable();

  // -- Control stack -----------------------------------------------------------------------
  // EnterBlock pops a block's params (and an if's condition) and opens its frame.
  bool EnterBlock(FrameKind kind, const BlockType& block_type);
  // ExitBlock checks that exactly the frame's results are on the stack, then closes the frame.
  bool ExitBlock(absl::string_view what, ControlFrame* out);
  // Label finds the frame a branch of relative `depth` targets ("unknown label").
  bool Label(uint32_t depth, const ControlFrame** out);

  // -- Errors ------------------------------------------------------------------------------
  // Fail records `message` with the location in error_ and returns false.
  bool Fail(absl::string_view message);
  // FailMismatch records a type mismatch that shows `expected` and the top `shown` operands.
  bool FailMismatch(absl::string_view what, absl::Span<const ValType> expected, size_t shown);

  const ValidationContext& c_;
  const OperatorTyping* typings_;    // indexed by Opcode
  const ByteTyping* byte_typings_;   // indexed by the first byte of an operator
  std::vector<uint32_t> br_table_;   // br_table targets of the operator being checked
  std::vector<ValType> select_types_;  // typed select's types of the operator being checked
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
  absl::Status error_;            // set by Fail
};

}  // namespace kiln::wasm

#endif  // KILN_COMPILER_WASM_VALIDATE_CODE_H_
