// Placement of parameters and results for the x86_64 Wasm calling convention.
#include "backend/x86_64/abi.h"

#include "backend/x86_64/registers.h"

namespace kiln::backend::x86_64 {
namespace {

// Placer hands out registers of each class in order and stack slots after them.
class Placer {
 public:
  Placer(const uint8_t* int_regs, int num_int, int num_float, uint32_t stack_start)
      : int_regs_(int_regs), num_int_(num_int), num_float_(num_float), stack_(stack_start) {}

  ValueLocation Place(ssa::Type type) {
    ValueLocation loc;
    loc.type = type;
    bool is_float = ssa::IsFloat(type) || type == ssa::Type::kV128;
    if (!is_float && next_int_ < num_int_) {
      loc.reg = Gpr(int_regs_[next_int_++]);
    } else if (is_float && next_float_ < num_float_) {
      loc.reg = Xmm(next_float_++);
    } else {
      uint32_t size = type == ssa::Type::kV128 ? 16 : 8;
      stack_ = (stack_ + size - 1) & ~(size - 1);
      loc.stack_offset = stack_;
      stack_ += size;
    }
    return loc;
  }
  uint32_t stack_end() const { return stack_; }

 private:
  const uint8_t* int_regs_;
  int num_int_;
  int num_float_;
  int next_int_ = 0;
  int next_float_ = 0;
  uint32_t stack_;
};

}  // namespace

CallLayout ComputeCallLayout(const ssa::Signature& sig) {
  CallLayout layout;
  Placer params(kIntArgRegs, 6, kNumFloatArgRegs, 0);
  for (size_t i = 1; i < sig.params.size(); ++i) layout.params.push_back(params.Place(sig.params[i]));
  Placer results(kIntResultRegs, 2, kNumFloatResultRegs, params.stack_end());
  for (ssa::Type t : sig.results) layout.results.push_back(results.Place(t));
  layout.stack_size = (results.stack_end() + 15) & ~15u;
  return layout;
}

ssa::Type ToSsaType(wasm::ValType type) {
  switch (type) {
    case wasm::ValType::kI32: return ssa::Type::kI32;
    case wasm::ValType::kI64: return ssa::Type::kI64;
    case wasm::ValType::kF32: return ssa::Type::kF32;
    case wasm::ValType::kF64: return ssa::Type::kF64;
    case wasm::ValType::kV128: return ssa::Type::kV128;
    case wasm::ValType::kFuncRef:
    case wasm::ValType::kExternRef: return ssa::Type::kRef;
  }
  return ssa::Type::kNone;
}

ssa::Signature ToSsaSignature(const wasm::FuncType& type) {
  ssa::Signature sig;
  sig.params.push_back(ssa::Type::kRef);
  for (wasm::ValType t : type.params) sig.params.push_back(ToSsaType(t));
  for (wasm::ValType t : type.results) sig.results.push_back(ToSsaType(t));
  return sig;
}

}  // namespace kiln::backend::x86_64
