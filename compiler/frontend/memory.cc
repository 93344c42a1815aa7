// Memory operators: loads and stores (scalar, v128, extending, splat, zero and lane forms)
// name the memory, the 32-bit index value and the static offset, and leave the base address
// to the backend, which folds base + index + offset into one access guarded by guard pages.
// memory.size reads the memory's length from its MemoryDefinition; memory.grow and the bulk
// operators (fill, copy, init, data.drop) call runtime builtins.
#include "compiler/base/check.h"
#include "compiler/frontend/translator.h"

namespace kiln::frontend {
namespace {

using WasmOp = wasm::Opcode;
using SsaOp = ssa::Opcode;
using ssa::Type;

enum class Access : uint8_t { kLoad, kStore, kLoadLane, kStoreLane };

struct MemoryOp {
  Access access;
  SsaOp op;
  Type type;  // the controlling type (kNone for opcodes without one)
};

std::optional<MemoryOp> Classify(WasmOp op) {
  constexpr Access kLoad = Access::kLoad;
  constexpr Access kStore = Access::kStore;
  switch (op) {
    case WasmOp::kI32Load: return MemoryOp{kLoad, SsaOp::kLoad, Type::kI32};
    case WasmOp::kI64Load: return MemoryOp{kLoad, SsaOp::kLoad, Type::kI64};
    case WasmOp::kF32Load: return MemoryOp{kLoad, SsaOp::kLoad, Type::kF32};
    case WasmOp::kF64Load: return MemoryOp{kLoad, SsaOp::kLoad, Type::kF64};
    case WasmOp::kV128Load: return MemoryOp{kLoad, SsaOp::kLoad, Type::kV128};
    case WasmOp::kI32Load8S: return MemoryOp{kLoad, SsaOp::kSload8, Type::kI32};
    case WasmOp::kI32Load8U: return MemoryOp{kLoad, SsaOp::kUload8, Type::kI32};
    case WasmOp::kI32Load16S: return MemoryOp{kLoad, SsaOp::kSload16, Type::kI32};
    case WasmOp::kI32Load16U: return MemoryOp{kLoad, SsaOp::kUload16, Type::kI32};
    case WasmOp::kI64Load8S: return MemoryOp{kLoad, SsaOp::kSload8, Type::kI64};
    case WasmOp::kI64Load8U: return MemoryOp{kLoad, SsaOp::kUload8, Type::kI64};
    case WasmOp::kI64Load16S: return MemoryOp{kLoad, SsaOp::kSload16, Type::kI64};
    case WasmOp::kI64Load16U: return MemoryOp{kLoad, SsaOp::kUload16, Type::kI64};
    case WasmOp::kI64Load32S: return MemoryOp{kLoad, SsaOp::kSload32, Type::kNone};
    case WasmOp::kI64Load32U: return MemoryOp{kLoad, SsaOp::kUload32, Type::kNone};
    case WasmOp::kV128Load8x8S: return MemoryOp{kLoad, SsaOp::kSload8x8, Type::kNone};
    case WasmOp::kV128Load8x8U: return MemoryOp{kLoad, SsaOp::kUload8x8, Type::kNone};
    case WasmOp::kV128Load16x4S: return MemoryOp{kLoad, SsaOp::kSload16x4, Type::kNone};
    case WasmOp::kV128Load16x4U: return MemoryOp{kLoad, SsaOp::kUload16x4, Type::kNone};
    case WasmOp::kV128Load32x2S: return MemoryOp{kLoad, SsaOp::kSload32x2, Type::kNone};
    case WasmOp::kV128Load32x2U: return MemoryOp{kLoad, SsaOp::kUload32x2, Type::kNone};
    case WasmOp::kV128Load8Splat: return MemoryOp{kLoad, SsaOp::kLoad8Splat, Type::kNone};
    case WasmOp::kV128Load16Splat: return MemoryOp{kLoad, SsaOp::kLoad16Splat, Type::kNone};
    case WasmOp::kV128Load32Splat: return MemoryOp{kLoad, SsaOp::kLoad32Splat, Type::kNone};
    case WasmOp::kV128Load64Splat: return MemoryOp{kLoad, SsaOp::kLoad64Splat, Type::kNone};
    case WasmOp::kV128Load32Zero: return MemoryOp{kLoad, SsaOp::kLoad32Zero, Type::kNone};
    case WasmOp::kV128Load64Zero: return MemoryOp{kLoad, SsaOp::kLoad64Zero, Type::kNone};

    case WasmOp::kI32Store: return MemoryOp{kStore, SsaOp::kStore, Type::kI32};
    case WasmOp::kI64Store: return MemoryOp{kStore, SsaOp::kStore, Type::kI64};
    case WasmOp::kF32Store: return MemoryOp{kStore, SsaOp::kStore, Type::kF32};
    case WasmOp::kF64Store: return MemoryOp{kStore, SsaOp::kStore, Type::kF64};
    case WasmOp::kV128Store: return MemoryOp{kStore, SsaOp::kStore, Type::kV128};
    case WasmOp::kI32Store8: return MemoryOp{kStore, SsaOp::kIstore8, Type::kI32};
    case WasmOp::kI32Store16: return MemoryOp{kStore, SsaOp::kIstore16, Type::kI32};
    case WasmOp::kI64Store8: return MemoryOp{kStore, SsaOp::kIstore8, Type::kI64};
    case WasmOp::kI64Store16: return MemoryOp{kStore, SsaOp::kIstore16, Type::kI64};
    case WasmOp::kI64Store32: return MemoryOp{kStore, SsaOp::kIstore32, Type::kNone};

    case WasmOp::kV128Load8Lane: return MemoryOp{Access::kLoadLane, SsaOp::kLoad8Lane, Type::kNone};
    case WasmOp::kV128Load16Lane: return MemoryOp{Access::kLoadLane, SsaOp::kLoad16Lane, Type::kNone};
    case WasmOp::kV128Load32Lane: return MemoryOp{Access::kLoadLane, SsaOp::kLoad32Lane, Type::kNone};
    case WasmOp::kV128Load64Lane: return MemoryOp{Access::kLoadLane, SsaOp::kLoad64Lane, Type::kNone};
    case WasmOp::kV128Store8Lane: return MemoryOp{Access::kStoreLane, SsaOp::kStore8Lane, Type::kNone};
    case WasmOp::kV128Store16Lane: return MemoryOp{Access::kStoreLane, SsaOp::kStore16Lane, Type::kNone};
    case WasmOp::kV128Store32Lane: return MemoryOp{Access::kStoreLane, SsaOp::kStore32Lane, Type::kNone};
    case WasmOp::kV128Store64Lane: return MemoryOp{Access::kStoreLane, SsaOp::kStore64Lane, Type::kNone};
    default:
      return std::nullopt;
  }
}

}  // namespace

bool Translator::TranslateMemory(const wasm::Instruction& inst) {
  if (std::optional<MemoryOp> access = Classify(inst.opcode)) {
    const wasm::MemArg& arg = inst.memarg;
    switch (access->access) {
      case Access::kLoad: {
        ssa::Value index = Pop();
        Push(builder_.Load(access->op, access->type, arg.memory, index, arg.offset));
        break;
      }
      case Access::kStore: {
        ssa::Value value = Pop();
        ssa::Value index = Pop();
        builder_.Store(access->op, arg.memory, index, arg.offset, value);
        break;
      }
      case Access::kLoadLane: {
        ssa::Value vector = Pop();
        ssa::Value index = Pop();
        Push(builder_.LoadLane(access->op, arg.memory, index, arg.offset, vector,
                               static_cast<uint8_t>(inst.index)));
        break;
      }
      case Access::kStoreLane: {
        ssa::Value vector = Pop();
        ssa::Value index = Pop();
        builder_.StoreLane(access->op, arg.memory, index, arg.offset, vector,
                           static_cast<uint8_t>(inst.index));
        break;
      }
    }
    return true;
  }

  switch (inst.opcode) {
    case WasmOp::kMemorySize: {
      uint32_t offset = 0;
      ssa::Value record = MemoryRecord(inst.index, &offset);
      ssa::Value bytes =
          builder_.VmLoad(Type::kI64, record, offset + vmctx::MemoryDefinition::kLengthOffset);
      ssa::Value pages = builder_.Binary(SsaOp::kUshr, bytes, ConstI64(16));
      Push(builder_.Convert(SsaOp::kIreduce, Type::kI32, pages));
      return true;
    }
    case WasmOp::kMemoryGrow: {
      ssa::Value delta = Pop();
      Push(builder_.CallBuiltin(ssa::Builtin::kMemoryGrow,
                                {vmctx_, ConstI32(inst.index), delta})[0]);
      return true;
    }
    case WasmOp::kMemoryFill: {
      std::vector<ssa::Value> args = PopN(3);  // dst, byte, len
      builder_.CallBuiltin(ssa::Builtin::kMemoryFill,
                           {vmctx_, ConstI32(inst.index), args[0], args[1], args[2]});
      return true;
    }
    case WasmOp::kMemoryCopy: {
      std::vector<ssa::Value> args = PopN(3);  // dst, src, len
      builder_.CallBuiltin(ssa::Builtin::kMemoryCopy,
                           {vmctx_, ConstI32(inst.index), ConstI32(inst.index2), args[0],
                            args[1], args[2]});
      return true;
    }
    case WasmOp::kMemoryInit: {
      std::vector<ssa::Value> args = PopN(3);  // dst, src, len
      builder_.CallBuiltin(ssa::Builtin::kMemoryInit,
                           {vmctx_, ConstI32(inst.index2), ConstI32(inst.index), args[0],
                            args[1], args[2]});
      return true;
    }
    case WasmOp::kDataDrop:
      builder_.CallBuiltin(ssa::Builtin::kDataDrop, {vmctx_, ConstI32(inst.index)});
      return true;
    default:
      return false;
  }
}

ssa::Value Translator::MemoryRecord(uint32_t index, uint32_t* offset) {
  vmctx::Location where = layout_.memory(index);
  if (!where.through_pointer) {
    *offset = where.offset;
    return vmctx_;
  }
  *offset = 0;
  return builder_.VmLoadReadonly(ssa::Type::kRef, vmctx_, where.offset);
}

}  // namespace kiln::frontend
