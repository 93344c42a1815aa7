// The SSA opcode set, generated from ssa_opcodes.def (+ ssa_simd_opcodes.def), and the condition
// codes that icmp and fcmp carry. Every question about an opcode (its text, operand and result
// types, whether it is pure, may trap, is a terminator) is answered by Info(op): passes, the
// verifier and the backends never keep their own lists of opcodes.
#ifndef KILN_COMPILER_SSA_OPCODE_H_
#define KILN_COMPILER_SSA_OPCODE_H_

#include <cstddef>
#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"
#include "compiler/ssa/types.h"

namespace kiln::ssa {

// Opcode names every SSA operation (one row of ssa_opcodes.def each).
enum class Opcode : uint16_t {
#define SSA_OP(name, text, format, ctrl, results, operands, flags) k##name,
#include "compiler/ssa/ssa_opcodes.def"
};

// kNumOpcodes is the number of rows in the opcode table.
inline constexpr int kNumOpcodes = 0
#define SSA_OP(name, text, format, ctrl, results, operands, flags) +1
#include "compiler/ssa/ssa_opcodes.def"
    ;

// Format says which immediates and branch targets an instruction carries, and fixes its text
// layout (after `vN, ... = opcode[.type] `). Fields named here are Inst's.
enum class Format : uint8_t {
  kPlain,         // `a, b, c`: operands only (and `return a, b`)
  kIntConst,      // `-5`: imm holds the value, zero-extended from the type's width
  kFloatConst,    // `1.5`, `-0.0`, `inf`, `nan:0x400000`: imm holds the IEEE bits
  kV128Const,     // `0x000102...0f`: bytes, printed as one 128-bit hex number (byte 15 first)
  kShuffle,       // `a, b, [0 17 2 ...]`: bytes hold the 16 lane indices
  kLane,          // `a, 3` or `a, b, 3`: lane
  kIntCompare,    // `slt a, b`: cond holds an IntCC
  kFloatCompare,  // `lt a, b`: cond holds a FloatCC
  kMemory,        // `mem0 a+16` or `mem0 a+16, b`: index (memory), imm (offset); args[0] is the
                  // 32-bit index value
  kMemoryLane,    // `mem0 a+16, b, 3`: as kMemory plus lane
  kVmField,       // `a+24` or `a+24, b`: imm (byte offset from the ref args[0])
  kCall,          // `fn2 sig0(a, b)`: index (function), sig
  kCallIndirect,  // `sig1 p(a, b)`: sig; args[0] is the native entry point p
  kCallBuiltin,   // `memory_grow(a, b, c)`: index (Builtin)
  kTrap,          // `integer_overflow` or `a, integer_overflow`: index (trap::TrapCode)
  kJump,          // `block3(a, b)`: targets[0]
  kBranch,        // `c, block1(a), block2(b)`: targets[0] taken when c != 0, else targets[1]
  kBranchTable,   // `i, block4(a), [block1(b), block2(c)]`: targets[0] is the default,
                  // targets[1 + k] is table entry k
};

// CtrlClass is the set of controlling types an opcode accepts (the `ctrl` column).
enum class CtrlClass : uint8_t {
  kNone,   // no controlling type: Inst::type() is Type::kNone and nothing is printed
  kInt,    // i32 i64
  kFloat,  // f32 f64
  kNum,    // i32 i64 f32 f64
  kMem,    // i32 i64 f32 f64 v128
  kAny,    // i32 i64 f32 f64 v128 ref
};

// OpFlag are the property bits of the `flags` column (see ssa_opcodes.def for their meaning).
enum OpFlag : uint16_t {
  kNoFlags = 0,
  kPure = 1 << 0,
  kCommutative = 1 << 1,
  kMayTrap = 1 << 2,
  kReadsMemory = 1 << 3,
  kWritesMemory = 1 << 4,
  kCall = 1 << 5,
  kTerminator = 1 << 6,
};

// OpInfo is one row of the opcode table.
struct OpInfo {
  Opcode opcode;
  absl::string_view text;
  Format format;
  CtrlClass ctrl;
  absl::string_view results;   // type letters, or "*"
  absl::string_view operands;  // type letters, possibly ending in "*"
  uint16_t flags;

  bool pure() const { return (flags & kPure) != 0; }
  bool commutative() const { return (flags & kCommutative) != 0; }
  bool may_trap() const { return (flags & kMayTrap) != 0; }
  bool reads_memory() const { return (flags & kReadsMemory) != 0; }
  bool writes_memory() const { return (flags & kWritesMemory) != 0; }
  bool is_call() const { return (flags & kCall) != 0; }
  bool is_terminator() const { return (flags & kTerminator) != 0; }
  // has_side_effects: the instruction must stay even when its results are unused, and must
  // not be reordered with other instructions that have side effects.
  bool has_side_effects() const {
    return (flags & (kMayTrap | kWritesMemory | kCall | kTerminator)) != 0;
  }
  bool variadic_results() const { return results == "*"; }
  bool variadic_operands() const { return !operands.empty() && operands.back() == '*'; }
  // num_fixed_operands counts the operands before a "*" tail (all of them without one).
  size_t num_fixed_operands() const {
    return variadic_operands() ? operands.size() - 1 : operands.size();
  }
};

// Info returns the table row of `op`.
const OpInfo& Info(Opcode op);

// Name returns the text mnemonic of `op` ("iadd", "i8x16.add").
inline absl::string_view Name(Opcode op) { return Info(op).text; }

// LookupText finds the opcode spelled `text` (without a type suffix).
std::optional<Opcode> LookupText(absl::string_view text);

// AcceptsCtrl is true when `type` may be the controlling type of an opcode of class `ctrl`.
bool AcceptsCtrl(CtrlClass ctrl, Type type);

// LetterType resolves a fixed type letter of the results/operands columns ('T' to `ctrl`,
// 'B' to ctrl's same-width twin, 'i' 'l' 'f' 'd' 'v' 'r' to their types); kNone for the
// letters that name a set ('I', 'F') and for '*'.
Type LetterType(char letter, Type ctrl);

// LetterAccepts is true when a value of type `actual` fits the type letter `letter` of an
// instruction whose controlling type is `ctrl`.
bool LetterAccepts(char letter, Type ctrl, Type actual);

// NumLanes is the number of lanes a lane immediate of `op` selects from (16 for
// i8x16.extract_lane_s and load8_lane, 2 for f64x2.replace_lane ...); 0 when `op` has none.
int NumLanes(Opcode op);

// -- Condition codes -----------------------------------------------------------------------

// IntCC is the condition of icmp; s/u prefixes mean signed/unsigned.
enum class IntCC : uint8_t { kEq, kNe, kSlt, kSle, kSgt, kSge, kUlt, kUle, kUgt, kUge };

// FloatCC is the condition of fcmp. All are ordered (false on NaN) except kNe (true on NaN),
// matching Wasm's f32.eq ... f64.ge.
enum class FloatCC : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };

// kNumIntCC and kNumFloatCC count the condition codes.
inline constexpr int kNumIntCC = 10;
inline constexpr int kNumFloatCC = 6;

// IntCCName / FloatCCName return the text spelling ("slt", "ge").
absl::string_view IntCCName(IntCC cc);
absl::string_view FloatCCName(FloatCC cc);

// LookupIntCC / LookupFloatCC parse a condition code.
std::optional<IntCC> LookupIntCC(absl::string_view text);
std::optional<FloatCC> LookupFloatCC(absl::string_view text);

// SwapIntCC returns the condition that holds for (b, a) exactly when `cc` holds for (a, b).
IntCC SwapIntCC(IntCC cc);
// InvertIntCC returns the condition that holds exactly when `cc` does not.
IntCC InvertIntCC(IntCC cc);

}  // namespace kiln::ssa

#endif  // KILN_COMPILER_SSA_OPCODE_H_
