// Calls. A call to a function this module defines is a direct `call fnN` that passes the
// caller's VM context. A call to an imported function, and every call_indirect, goes through
// a FuncRef record (docs/vmctx.md): its code pointer and its callee VM context.
// call_indirect checks, each with an explicit trap: the index against the table's length
// (undefined_element), the element against null (uninitialized_element), and the record's
// canonical type id against the expected type's id in the VM context
// (indirect_call_type_mismatch).
#include "compiler/frontend/translator.h"

namespace kiln::frontend {
uint32_t Translator::FuncTypeIndex(uint32_t index) {
  if (index >= module_.num_imported_functions) {
    return module_.functions[index - module_.num_imported_functions];
  }
  // Imports of all kinds are interleaved; index the function imports once per translator.
  if (imported_func_types_.empty()) {
    for (const wasm::Import& import : module_.imports) {
      if (import.kind == wasm::ExternKind::kFunc) imported_func_types_.push_back(import.func_type);
    }
  }
  return imported_func_types_[index];
}

bool Translator::TranslateCall(const wasm::Instruction& inst) {
  using ssa::Type;
  switch (inst.opcode) {
    case wasm::Opcode::kCall: {
      makes_calls_ = true;
      const wasm::FuncType& type = module_.types[FuncTypeIndex(inst.index)];
      ssa::Signature signature = SsaSignature(type);
      std::vector<ssa::Value> args = PopN(type.params.size());
      std::vector<ssa::Value> results;
      if (inst.index >= module_.num_imported_functions) {
        args.insert(args.begin(), vmctx_);
        results = builder_.Call(inst.index, signature, args);
      } else {
        // The record of an imported function is filled at instantiation and never changes.
        uint32_t record = layout_.func_ref(inst.index);
        ssa::Value code =
            builder_.VmLoadReadonly(Type::kRef, vmctx_, record + vmctx::FuncRef::kCodeOffset);
        ssa::Value callee =
            builder_.VmLoadReadonly(Type::kRef, vmctx_, record + vmctx::FuncRef::kVmctxOffset);
        args.insert(args.begin(), callee);
        results = builder_.CallIndirect(signature, code, args);
      }
      for (ssa::Value result : results) Push(result);
      return true;
    }
    case wasm::Opcode::kCallIndirect: {
      makes_calls_ = true;
      const wasm::FuncType& type = module_.types[inst.index];
      ssa::Signature signature = SsaSignature(type);
      ssa::Value index = Pop();
      std::vector<ssa::Value> args = PopN(type.params.size());

      ssa::Value element =
          TableElementAddress(inst.index2, index, trap::TrapCode::kUndefinedElement);
      ssa::Value func_ref = builder_.VmLoad(Type::kRef, element, 0);
      builder_.Trapnz(builder_.RefIsNull(func_ref), trap::TrapCode::kUninitializedElement);
      // The record's fields are read with ordinary loads: a read-only (pure) load could be
      // hoisted above the null check.
      ssa::Value actual = builder_.VmLoad(Type::kI32, func_ref, vmctx::FuncRef::kTypeIdOffset);
      ssa::Value expected = builder_.VmLoadReadonly(Type::kI32, vmctx_, layout_.type_id(inst.index));
      builder_.Trapnz(builder_.Icmp(ssa::IntCC::kNe, actual, expected),
                      trap::TrapCode::kIndirectCallTypeMismatch);
      ssa::Value code = builder_.VmLoad(Type::kRef, func_ref, vmctx::FuncRef::kCodeOffset);
      ssa::Value callee = builder_.VmLoad(Type::kRef, func_ref, vmctx::FuncRef::kVmctxOffset);
      args.insert(args.begin(), callee);
      for (ssa::Value result : builder_.CallIndirect(signature, code, args)) Push(result);
      return true;
    }
    default:
      return false;
  }
}

}  // namespace kiln::frontend
