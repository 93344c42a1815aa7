// Builder: every helper creates an instruction, fills its operands and immediates, and hands it
// to Insert, which adds the results the opcode table (or the callee's signature) prescribes.
#include "compiler/ssa/builder.h"

#include <utility>

#include "compiler/base/check.h"

namespace kiln::ssa {
namespace {

// TruncateToWidth keeps the low bits an integer constant of `type` has.
uint64_t TruncateToWidth(Type type, uint64_t value) {
  return type == Type::kI32 ? (value & 0xffffffffu) : value;
}

// CtrlFor is `type` when `opcode` has a controlling type, else none.
Type CtrlFor(Opcode opcode, Type type) {
  return Info(opcode).ctrl == CtrlClass::kNone ? Type::kNone : type;
}

}  // namespace

Inst* Builder::Insert(Inst* inst, absl::Span<const Type> variadic_results) {
  KILN_CHECK(block_ != nullptr);
  const OpInfo& info = inst->info();
  if (info.variadic_results()) {
    for (Type type : variadic_results) fn_.AddResult(inst, type);
  } else {
    KILN_DCHECK(variadic_results.empty());
    for (char letter : info.results) {
      Type type = LetterType(letter, inst->type());
      KILN_CHECK(type != Type::kNone);
      fn_.AddResult(inst, type);
    }
  }
  if (before_ != nullptr) {
    fn_.InsertBefore(before_, inst);
  } else {
    fn_.Append(block_, inst);
  }
  return inst;
}

Inst* Builder::Build(Opcode opcode, Type type, absl::Span<const Value> args,
                     absl::Span<const Type> variadic_results) {
  Inst* inst = fn_.CreateInst(opcode, type);
  inst->args.assign(args.begin(), args.end());
  return Insert(inst, variadic_results);
}

std::vector<Value> Builder::Results(const Inst* inst) const {
  return std::vector<Value>(inst->results().begin(), inst->results().end());
}

// -- Constants ------------------------------------------------------------------------------------

Value Builder::Iconst(Type type, uint64_t value) {
  Inst* inst = fn_.CreateInst(Opcode::kIconst, type);
  inst->imm = TruncateToWidth(type, value);
  return One(Insert(inst));
}

Value Builder::F32const(uint32_t bits) {
  Inst* inst = fn_.CreateInst(Opcode::kFconst, Type::kF32);
  inst->imm = bits;
  return One(Insert(inst));
}

Value Builder::F64const(uint64_t bits) {
  Inst* inst = fn_.CreateInst(Opcode::kFconst, Type::kF64);
  inst->imm = bits;
  return One(Insert(inst));
}

Value Builder::Vconst(const V128Bytes& bytes) {
  Inst* inst = fn_.CreateInst(Opcode::kVconst);
  inst->bytes = bytes;
  return One(Insert(inst));
}

Value Builder::RefNull() { return One(Build(Opcode::kRefNull, Type::kNone, {})); }

// -- Arithmetic, comparison, conversion -----------------------------------------------------

Value Builder::Unary(Opcode opcode, Value a) {
  return One(Build(opcode, CtrlFor(opcode, fn_.value_type(a)), {a}));
}

Value Builder::Binary(Opcode opcode, Value a, Value b) {
  return One(Build(opcode, CtrlFor(opcode, fn_.value_type(a)), {a, b}));
}

Value Builder::Ternary(Opcode opcode, Value a, Value b, Value c) {
  return One(Build(opcode, CtrlFor(opcode, fn_.value_type(a)), {a, b, c}));
}

Value Builder::Icmp(IntCC cc, Value a, Value b) {
  Inst* inst = fn_.CreateInst(Opcode::kIcmp, fn_.value_type(a));
  inst->index = static_cast<uint32_t>(cc);
  inst->args = {a, b};
  return One(Insert(inst));
}

Value Builder::Fcmp(FloatCC cc, Value a, Value b) {
  Inst* inst = fn_.CreateInst(Opcode::kFcmp, fn_.value_type(a));
  inst->index = static_cast<uint32_t>(cc);
  inst->args = {a, b};
  return One(Insert(inst));
}

Value Builder::Convert(Opcode opcode, Type to, Value a) {
  return One(Build(opcode, CtrlFor(opcode, to), {a}));
}

Value Builder::Select(Value cond, Value if_true, Value if_false) {
  return One(Build(Opcode::kSelect, fn_.value_type(if_true), {cond, if_true, if_false}));
}

// -- SIMD -----------------------------------------------------------------------------------------

Value Builder::Simd(Opcode opcode, absl::Span<const Value> args) {
  return One(Build(opcode, Type::kNone, args));
}

Value Builder::Lane(Opcode opcode, absl::Span<const Value> args, uint8_t lane) {
  Inst* inst = fn_.CreateInst(opcode);
  inst->args.assign(args.begin(), args.end());
  inst->lane = lane;
  return One(Insert(inst));
}

Value Builder::Shuffle(Value a, Value b, const V128Bytes& lanes) {
  Inst* inst = fn_.CreateInst(Opcode::kI8x16Shuffle);
  inst->args = {a, b};
  inst->bytes = lanes;
  return One(Insert(inst));
}

// -- Linear memory --------------------------------------------------------------------------------

Value Builder::Load(Opcode opcode, Type type, uint32_t memory, Value index, uint64_t offset) {
  Inst* inst = fn_.CreateInst(opcode, CtrlFor(opcode, type));
  inst->args = {index};
  inst->index = memory;
  inst->imm = offset;
  return One(Insert(inst));
}

void Builder::Store(Opcode opcode, uint32_t memory, Value index, uint64_t offset, Value value) {
  Inst* inst = fn_.CreateInst(opcode, CtrlFor(opcode, fn_.value_type(value)));
  inst->args = {index, value};
  inst->index = memory;
  inst->imm = offset;
  Insert(inst);
}

Value Builder::LoadLane(Opcode opcode, uint32_t memory, Value index, uint64_t offset, Value vector,
                        uint8_t lane) {
  Inst* inst = fn_.CreateInst(opcode);
  inst->args = {index, vector};
  inst->index = memory;
  inst->imm = offset;
  inst->lane = lane;
  return One(Insert(inst));
}

void Builder::StoreLane(Opcode opcode, uint32_t memory, Value index, uint64_t offset, Value vector,
                        uint8_t lane) {
  Inst* inst = fn_.CreateInst(opcode);
  inst->args = {index, vector};
  inst->index = memory;
  inst->imm = offset;
  inst->lane = lane;
  Insert(inst);
}

// -- VM data
// ----------------------------------------------------------------------------------------

Value Builder::VmLoad(Type type, Value base, uint32_t offset) {
  Inst* inst = fn_.CreateInst(Opcode::kVmLoad, type);
  inst->args = {base};
  inst->imm = offset;
  return One(Insert(inst));
}

Value Builder::VmLoadReadonly(Type type, Value base, uint32_t offset) {
  Inst* inst = fn_.CreateInst(Opcode::kVmLoadReadonly, type);
  inst->args = {base};
  inst->imm = offset;
  return One(Insert(inst));
}

void Builder::VmStore(Value base, uint32_t offset, Value value) {
  Inst* inst = fn_.CreateInst(Opcode::kVmStore, fn_.value_type(value));
  inst->args = {base, value};
  inst->imm = offset;
  Insert(inst);
}

Value Builder::PtrAdd(Value base, Value offset_i64) {
  return One(Build(Opcode::kPtrAdd, Type::kNone, {base, offset_i64}));
}

Value Builder::RefIsNull(Value ref) { return One(Build(Opcode::kRefIsNull, Type::kNone, {ref})); }

// -- Calls ----------------------------------------------------------------------------------------

std::vector<Value> Builder::Call(uint32_t function_index, const Signature& signature,
                                 absl::Span<const Value> args) {
  Inst* inst = fn_.CreateInst(Opcode::kCall);
  inst->index = function_index;
  inst->sig = fn_.AddSignature(signature);
  inst->args.assign(args.begin(), args.end());
  return Results(Insert(inst, signature.results));
}

std::vector<Value> Builder::CallIndirect(const Signature& signature, Value code,
                                         absl::Span<const Value> args) {
  Inst* inst = fn_.CreateInst(Opcode::kCallIndirect);
  inst->sig = fn_.AddSignature(signature);
  inst->args.push_back(code);
  inst->args.insert(inst->args.end(), args.begin(), args.end());
  return Results(Insert(inst, signature.results));
}

std::vector<Value> Builder::CallBuiltin(Builtin builtin, absl::Span<const Value> args) {
  Inst* inst = fn_.CreateInst(Opcode::kCallBuiltin);
  inst->index = static_cast<uint32_t>(builtin);
  inst->args.assign(args.begin(), args.end());
  std::vector<Type> results;
  for (char letter : Info(builtin).results) results.push_back(LetterType(letter, Type::kNone));
  return Results(Insert(inst, results));
}

// -- Traps
// ------------------------------------------------------------------------------------------

void Builder::Trapz(Value cond, trap::TrapCode code) {
  Inst* inst = fn_.CreateInst(Opcode::kTrapz);
  inst->args = {cond};
  inst->index = static_cast<uint32_t>(code);
  Insert(inst);
}

void Builder::Trapnz(Value cond, trap::TrapCode code) {
  Inst* inst = fn_.CreateInst(Opcode::kTrapnz);
  inst->args = {cond};
  inst->index = static_cast<uint32_t>(code);
  Insert(inst);
}

// -- Terminators
// ------------------------------------------------------------------------------------

void Builder::Jump(Block* target, absl::Span<const Value> args) {
  Inst* inst = fn_.CreateInst(Opcode::kJump);
  inst->targets.push_back(BlockCall{target, {args.begin(), args.end()}});
  Insert(inst);
}

void Builder::Brif(Value cond, Block* then_block, absl::Span<const Value> then_args,
                   Block* else_block, absl::Span<const Value> else_args) {
  Inst* inst = fn_.CreateInst(Opcode::kBrif);
  inst->args = {cond};
  inst->targets.push_back(BlockCall{then_block, {then_args.begin(), then_args.end()}});
  inst->targets.push_back(BlockCall{else_block, {else_args.begin(), else_args.end()}});
  Insert(inst);
}

void Builder::BrTable(Value index, BlockCall default_target, std::vector<BlockCall> table) {
  Inst* inst = fn_.CreateInst(Opcode::kBrTable);
  inst->args = {index};
  inst->targets.push_back(std::move(default_target));
  for (BlockCall& entry : table) inst->targets.push_back(std::move(entry));
  Insert(inst);
}

void Builder::Return(absl::Span<const Value> values) {
  Build(Opcode::kReturn, Type::kNone, values);
}

void Builder::Trap(trap::TrapCode code) {
  Inst* inst = fn_.CreateInst(Opcode::kTrap);
  inst->index = static_cast<uint32_t>(code);
  Insert(inst);
}

}  // namespace kiln::ssa
