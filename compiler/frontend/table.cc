// Table and reference operators. table.get/set and table.size are inline: the element address
// is the table's base plus 8 × index after an explicit bounds check that traps with
// out_of_bounds_table_access. table.grow/fill/copy/init and elem.drop call runtime builtins.
// ref.func is the address of the function's FuncRef record inside the VM context (see
// docs/vmctx.md), so it needs no load.
#include "compiler/frontend/translator.h"

namespace kiln::frontend {

using WasmOp = wasm::Opcode;
using ssa::Type;

bool Translator::TranslateTable(const wasm::Instruction& inst) {
  switch (inst.opcode) {
    case WasmOp::kTableGet: {
      ssa::Value index = Pop();
      ssa::Value element =
          TableElementAddress(inst.index, index, trap::TrapCode::kOutOfBoundsTableAccess);
      Push(builder_.VmLoad(Type::kRef, element, 0));
      return true;
    }
    case WasmOp::kTableSet: {
      ssa::Value value = Pop();
      ssa::Value index = Pop();
      ssa::Value element =
          TableElementAddress(inst.index, index, trap::TrapCode::kOutOfBoundsTableAccess);
      builder_.VmStore(element, 0, value);
      return true;
    }
    case WasmOp::kTableSize: {
      uint32_t offset = 0;
      ssa::Value record = TableRecord(inst.index, &offset);
      Push(builder_.VmLoad(Type::kI32, record, offset + vmctx::TableDefinition::kLengthOffset));
      return true;
    }
    case WasmOp::kTableGrow: {
      ssa::Value delta = Pop();
      ssa::Value init = Pop();
      Push(builder_.CallBuiltin(ssa::Builtin::kTableGrow,
                                {vmctx_, ConstI32(inst.index), init, delta})[0]);
      return true;
    }
    case WasmOp::kTableFill: {
      std::vector<ssa::Value> args = PopN(3);  // dst, ref, len
      builder_.CallBuiltin(ssa::Builtin::kTableFill,
                           {vmctx_, ConstI32(inst.index), args[0], args[1], args[2]});
      return true;
    }
    case WasmOp::kTableCopy: {
      std::vector<ssa::Value> args = PopN(3);  // dst, src, len
      builder_.CallBuiltin(ssa::Builtin::kTableCopy,
                           {vmctx_, ConstI32(inst.index), ConstI32(inst.index2), args[0],
                            args[1], args[2]});
      return true;
    }
    case WasmOp::kTableInit: {
      std::vector<ssa::Value> args = PopN(3);  // dst, src, len
      builder_.CallBuiltin(ssa::Builtin::kTableInit,
                           {vmctx_, ConstI32(inst.index2), ConstI32(inst.index), args[0],
                            args[1], args[2]});
      return true;
    }
    case WasmOp::kElemDrop:
      builder_.CallBuiltin(ssa::Builtin::kElemDrop, {vmctx_, ConstI32(inst.index)});
      return true;
    case WasmOp::kRefNull:
      Push(builder_.RefNull());
      return true;
    case WasmOp::kRefIsNull:
      Push(builder_.RefIsNull(Pop()));
      return true;
    case WasmOp::kRefFunc:
      Push(builder_.PtrAdd(vmctx_, ConstI64(layout_.func_ref(inst.index))));
      return true;
    default:
      return false;
  }
}

ssa::Value Translator::TableRecord(uint32_t index, uint32_t* offset) {
  vmctx::Location where = layout_.table(index);
  if (!where.through_pointer) {
    *offset = where.offset;
    return vmctx_;
  }
  *offset = 0;
  return builder_.VmLoadReadonly(Type::kRef, vmctx_, where.offset);
}

ssa::Value Translator::TableElementAddress(uint32_t table, ssa::Value index,
                                           trap::TrapCode code) {
  uint32_t offset = 0;
  ssa::Value record = TableRecord(table, &offset);
  // Both fields change when the table grows, so they are ordinary (not read-only) loads.
  ssa::Value base = builder_.VmLoad(Type::kRef, record, offset + vmctx::TableDefinition::kBaseOffset);
  ssa::Value length =
      builder_.VmLoad(Type::kI32, record, offset + vmctx::TableDefinition::kLengthOffset);
  builder_.Trapnz(builder_.Icmp(ssa::IntCC::kUge, index, length), code);
  ssa::Value wide = builder_.Convert(ssa::Opcode::kUextend, Type::kI64, index);
  ssa::Value byte_offset = builder_.Binary(ssa::Opcode::kIshl, wide, ConstI64(3));
  return builder_.PtrAdd(base, byte_offset);
}

}  // namespace kiln::frontend
