// The x86_64 machine-IR vocabulary: opcodes (ops.def), condition codes in the hardware's
// numbering, and the small enums that the aux field of some opcodes carries. Shared by
// lowering, the prologue, the printer and the emitter.
#ifndef KILN_BACKEND_X86_64_INST_H_
#define KILN_BACKEND_X86_64_INST_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "backend/common/machine_ir.h"

namespace kiln::backend::x86_64 {

// Op is an x86_64 machine opcode (MachInst::opcode).
enum class Op : uint16_t {
#define X86_OP(name, text, operands) k##name,
#include "backend/x86_64/ops.def"
};

// OpName is the text of `op` for printing.
absl::string_view OpName(Op op);

// Cond is an x86 condition code, numbered as the hardware encodes it (jcc = 0x70 + cond).
enum class Cond : uint8_t {
  kO, kNo, kB, kAe, kE, kNe, kBe, kA, kS, kNs, kP, kNp, kL, kGe, kLe, kG,
};

// Negate returns the condition that holds exactly when `cond` does not.
inline Cond Negate(Cond cond) { return static_cast<Cond>(static_cast<uint8_t>(cond) ^ 1); }

// LoadKind is the aux of Op::kLoad: width and extension.
enum class LoadKind : uint8_t { kZx8, kSx8, kZx16, kSx16, kU32, kSx32, k64 };

// kTrapSiteAux marks, in the aux of a load or store, an access of linear memory: emission
// records it as an out_of_bounds_memory_access trap site.
inline constexpr uint32_t kTrapSiteAux = 0x100;

// DivKind is the aux of Op::kDiv.
enum class DivKind : uint8_t { kUdiv, kSdiv, kUrem, kSrem };

// RoundMode is the aux of Op::kFRound: the SSE4.1 rounding immediate's mode.
enum class RoundMode : uint8_t { kNearest = 0, kFloor = 1, kCeil = 2, kTrunc = 3 };

// FloatToIntAux packs the aux of Op::kFToInt.
struct FloatToIntAux {
  static uint32_t Pack(int src_size, bool is_signed, bool saturating) {
    return static_cast<uint32_t>(src_size) | (is_signed ? 0x100u : 0) | (saturating ? 0x200u : 0);
  }
  static int src_size(uint32_t aux) { return static_cast<int>(aux & 0xff); }
  static bool is_signed(uint32_t aux) { return (aux & 0x100) != 0; }
  static bool saturating(uint32_t aux) { return (aux & 0x200) != 0; }
};

// MakeInst builds a MachInst of `op`.
inline MachInst MakeInst(Op op, uint8_t size, std::initializer_list<Operand> operands,
                         uint32_t aux = 0) {
  MachInst inst;
  inst.opcode = static_cast<uint16_t>(op);
  inst.size = size;
  inst.aux = aux;
  inst.operands.assign(operands.begin(), operands.end());
  return inst;
}

// OpOf reads the opcode of an x86_64 MachInst.
inline Op OpOf(const MachInst& inst) { return static_cast<Op>(inst.opcode); }

// PrintInst renders an instruction: `add.4 %v3i, 1` with registers by name.
std::string PrintInst(const MachInst& inst);

}  // namespace kiln::backend::x86_64

#endif  // KILN_BACKEND_X86_64_INST_H_
