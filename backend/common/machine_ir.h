// Machine IR: what instruction selection produces and the register allocator and the emitter
// consume, shared by both ISAs. A MachFunction holds MachBlocks in layout order; each block is
// a vector of MachInsts whose opcode is ISA-specific (an x86_64::Op or aarch64::Op value) and
// whose operands are registers (virtual or physical), immediates, memory addresses, frame
// slots, blocks and functions. Everything the allocator needs is ISA-neutral: which operands
// are read and written, early clobbers, call clobbers, moves, successors, loop depth.
//
// Shape guarantees made by the lowering (the allocator relies on them):
// - No SSA block parameters remain: the lowering turns block arguments into moves in the
//   predecessor and splits critical edges, so a vreg may be written more than once (it is not
//   SSA) and every edge either leaves a block with one successor or enters a block with one
//   predecessor. Edge code goes before the first terminator of a one-successor block, or at the
//   start of the one-predecessor successor.
// - Physical-register operands (fixed registers: arguments at calls, rax/rdx of a division,
//   results) are block-local: each is defined by an instruction of the block before it is used
//   in that block, and is dead at block boundaries. Incoming arguments are defined by a pseudo
//   instruction at the top of the entry block (kDefinesArgs), returned values are used by the
//   return. The allocator must not keep a vreg in a physical register across a range in which
//   that register is fixed.
// - Terminators (kTerminator) read no virtual registers, except a jump table's index (its
//   block then has successors with one predecessor each).
// - Instructions inserted by the allocator (moves, spills, reloads) come from the ISA's
//   RegAllocTarget hooks and never change condition flags, so they may go between a compare
//   and the branch or select that reads its flags.
#ifndef KILN_BACKEND_COMMON_MACHINE_IR_H_
#define KILN_BACKEND_COMMON_MACHINE_IR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "backend/common/frame_layout.h"
#include "backend/common/reg.h"

namespace kiln::backend {

// OperandKind says what an Operand holds.
enum class OperandKind : uint8_t {
  kNone,
  kReg,       // reg
  kImm,       // imm (sign-extended 64-bit)
  kMem,       // [base + index * scale + disp]; base and index are read (they may be invalid)
  kSlot,      // a frame slot (FrameLayout): [frame + offset of slot imm + disp]
  kBlock,     // a branch target: imm is the MachBlock id
  kFunction,  // a direct call target: imm is the module's function index
};

// OperandRole says how an instruction accesses a kReg operand. Memory operands' base and
// index registers are always read.
enum OperandRole : uint8_t {
  kUse = 1 << 0,           // read
  kDef = 1 << 1,           // written
  kUseDef = kUse | kDef,   // read then written in place (x86's two-address destination)
  kEarlyClobber = 1 << 2,  // with kDef: written before the reads finish, so it must not share
                           // a register with any use of the instruction (scratch temps)
};

// Operand is one operand of a machine instruction.
struct Operand {
  OperandKind kind = OperandKind::kNone;
  uint8_t role = 0;      // OperandRole bits, for kReg
  uint8_t scale = 1;     // kMem: 1, 2, 4 or 8
  Reg reg;               // kReg
  Reg base;              // kMem
  Reg index;             // kMem (invalid: none)
  int32_t disp = 0;      // kMem, kSlot: byte displacement
  int64_t imm = 0;       // kImm value; kSlot slot id; kBlock block id; kFunction index

  static Operand Use(Reg r) { return Make(r, kUse); }
  static Operand Def(Reg r) { return Make(r, kDef); }
  static Operand UseDef(Reg r) { return Make(r, kUseDef); }
  static Operand Temp(Reg r) { return Make(r, kDef | kEarlyClobber); }
  static Operand Imm(int64_t v) {
    Operand o;
    o.kind = OperandKind::kImm;
    o.imm = v;
    return o;
  }
  static Operand Mem(Reg base, Reg index, uint8_t scale, int32_t disp) {
    Operand o;
    o.kind = OperandKind::kMem;
    o.base = base;
    o.index = index;
    o.scale = scale;
    o.disp = disp;
    return o;
  }
  static Operand Slot(SlotId slot, int32_t disp = 0) {
    Operand o;
    o.kind = OperandKind::kSlot;
    o.imm = slot;
    o.disp = disp;
    return o;
  }
  static Operand BlockTarget(uint32_t block_id) {
    Operand o;
    o.kind = OperandKind::kBlock;
    o.imm = block_id;
    return o;
  }
  static Operand Function(uint32_t func_index) {
    Operand o;
    o.kind = OperandKind::kFunction;
    o.imm = func_index;
    return o;
  }

  bool is_reg() const { return kind == OperandKind::kReg; }
  bool reads() const { return is_reg() && (role & kUse) != 0; }
  bool writes() const { return is_reg() && (role & kDef) != 0; }

 private:
  static Operand Make(Reg r, uint8_t role) {
    Operand o;
    o.kind = OperandKind::kReg;
    o.role = role;
    o.reg = r;
    return o;
  }
};

// MachInstFlag are properties the allocator and the emitter read without knowing the ISA.
enum MachInstFlag : uint8_t {
  kNoMachFlags = 0,
  kIsMove = 1 << 0,        // a register-to-register copy: operands {Def(dst), Use(src)}, same
                           // class; the allocator may coalesce it or drop it when dst == src
  kTerminator = 1 << 1,    // ends the block (jumps, branches, returns, traps)
  kIsCall = 1 << 2,        // clobbers the registers in `clobbers` (besides its defs)
  kDefinesArgs = 1 << 3,   // the entry pseudo instruction that defines the incoming argument
                           // registers (no code)
  kAllocatorInserted = 1 << 4,  // a move, spill or reload the allocator added (for printing)
};

// MachInst is one machine instruction (or an ISA pseudo instruction that the emitter expands).
struct MachInst {
  uint16_t opcode = 0;   // the ISA's opcode enumerator
  uint8_t flags = 0;     // MachInstFlag bits
  uint8_t size = 0;      // operation width in bytes (4, 8, 16), ISA-interpreted
  uint32_t aux = 0;      // ISA-interpreted immediate: condition code, trap code, ...
  RegMask clobbers = 0;  // kIsCall: registers the call destroys
  absl::InlinedVector<Operand, 4> operands;

  bool is_move() const { return (flags & kIsMove) != 0; }
  bool is_terminator() const { return (flags & kTerminator) != 0; }
  bool is_call() const { return (flags & kIsCall) != 0; }
};

// MachBlock is a basic block of machine instructions.
struct MachBlock {
  uint32_t id = 0;               // index in MachFunction::blocks
  std::vector<MachInst> insts;   // the allocator may rebuild this vector
  absl::InlinedVector<uint32_t, 2> succs;  // successor block ids, in terminator order
  absl::InlinedVector<uint32_t, 2> preds;  // predecessor block ids
  uint32_t loop_depth = 0;       // 0 outside loops: spill placement prefers shallow blocks
};

// MachFunction is one function in machine IR, blocks in layout (emission) order with
// blocks[0] the entry. Block ids equal their index in `blocks`.
struct MachFunction {
  std::string name;
  uint32_t func_index = 0;  // the module's function index (imports first)
  std::vector<MachBlock> blocks;
  // num_vregs bounds the ids of virtual registers (dense, from 0), for side tables.
  uint32_t num_vregs = 0;
  // vreg_class is the register class of each virtual register.
  std::vector<RegClass> vreg_class;
  FrameLayout frame;

  // NewVReg makes a fresh virtual register of `cls`.
  Reg NewVReg(RegClass cls) {
    vreg_class.push_back(cls);
    return Reg::Virtual(cls, num_vregs++);
  }
  // NewBlock appends an empty block and returns its id.
  uint32_t NewBlock() {
    blocks.emplace_back();
    blocks.back().id = static_cast<uint32_t>(blocks.size() - 1);
    return blocks.back().id;
  }
};

// ForEachRegOperand calls fn(Reg, uint8_t role) for every register an instruction accesses:
// kReg operands with their role, and kMem base/index registers as kUse.
template <typename Fn>
void ForEachRegOperand(const MachInst& inst, Fn&& fn) {
  for (const Operand& op : inst.operands) {
    if (op.kind == OperandKind::kReg) {
      fn(op.reg, op.role);
    } else if (op.kind == OperandKind::kMem) {
      if (op.base.valid()) fn(op.base, static_cast<uint8_t>(kUse));
      if (op.index.valid()) fn(op.index, static_cast<uint8_t>(kUse));
    }
  }
}

// RewriteRegs replaces every register the instruction accesses by map(reg, role) (the
// allocator's final assignment step).
template <typename Fn>
void RewriteRegs(MachInst& inst, Fn&& map) {
  for (Operand& op : inst.operands) {
    if (op.kind == OperandKind::kReg) {
      op.reg = map(op.reg, op.role);
    } else if (op.kind == OperandKind::kMem) {
      if (op.base.valid()) op.base = map(op.base, static_cast<uint8_t>(kUse));
      if (op.index.valid()) op.index = map(op.index, static_cast<uint8_t>(kUse));
    }
  }
}

}  // namespace kiln::backend

#endif  // KILN_BACKEND_COMMON_MACHINE_IR_H_
