// Variables: local.get/set/tee through LocalSsa (Braun et al.'s construction; locals start at
// zero as Wasm requires, parameters at the entry block's parameters), and global.get/set as
// loads and stores at the global's place in the VM context.
#include "compiler/base/check.h"
#include "compiler/frontend/translator.h"

namespace kiln::frontend {

bool Translator::TranslateVariable(const wasm::Instruction& inst) {
  switch (inst.opcode) {
    case wasm::Opcode::kLocalGet:
      Push(ssa::Value(locals_.Read(inst.index, current()->id())));
      return true;
    case wasm::Opcode::kLocalSet:
      locals_.Write(inst.index, current()->id(), Pop().id);
      return true;
    case wasm::Opcode::kLocalTee:
      locals_.Write(inst.index, current()->id(), Top().id);
      return true;
    case wasm::Opcode::kGlobalGet: {
      wasm::GlobalType type = GlobalTypeOf(inst.index);
      uint32_t offset = 0;
      ssa::Value base = GlobalAddress(inst.index, &offset);
      // An immutable global is set before any code of the instance runs.
      Push(type.is_mutable ? builder_.VmLoad(SsaType(type.type), base, offset)
                           : builder_.VmLoadReadonly(SsaType(type.type), base, offset));
      return true;
    }
    case wasm::Opcode::kGlobalSet: {
      ssa::Value value = Pop();
      uint32_t offset = 0;
      ssa::Value base = GlobalAddress(inst.index, &offset);
      builder_.VmStore(base, offset, value);
      return true;
    }
    default:
      return false;
  }
}

wasm::GlobalType Translator::GlobalTypeOf(uint32_t index) {
  if (index >= module_.num_imported_globals) {
    return module_.globals[index - module_.num_imported_globals].type;
  }
  if (imported_global_types_.empty()) {
    for (const wasm::Import& import : module_.imports) {
      if (import.kind == wasm::ExternKind::kGlobal) imported_global_types_.push_back(import.global);
    }
  }
  return imported_global_types_[index];
}

ssa::Value Translator::GlobalAddress(uint32_t global, uint32_t* offset) {
  vmctx::Location where = layout_.global(global);
  if (!where.through_pointer) {
    *offset = where.offset;
    return vmctx_;
  }
  *offset = 0;
  return builder_.VmLoadReadonly(ssa::Type::kRef, vmctx_, where.offset);
}

// -- LocalSsa::Host ---------------------------------------------------------------------------

uint32_t Translator::NewLocalParam(uint32_t block, uint32_t local) {
  if (finishing_) grown_blocks_.push_back(block);
  return fn_.AddBlockParam(fn_.block(block), local_types_[local]).id;
}

uint32_t Translator::InitialValue(uint32_t local) {
  if (local < type_.params.size()) return entry_->params()[1 + local].id;
  return Zero(local_types_[local]).id;
}

ssa::Value Translator::Zero(ssa::Type type) {
  auto it = zeros_.find(type);
  if (it != zeros_.end()) return it->second;
  // Constants go to the start of the entry block, which dominates every use, wherever the
  // translation currently is.
  ssa::Builder at_entry(fn_);
  if (entry_->empty()) {
    at_entry.SetInsertPoint(entry_);
  } else {
    at_entry.SetInsertBefore(entry_->first());
  }
  ssa::Value zero;
  switch (type) {
    case ssa::Type::kI32:
    case ssa::Type::kI64:
      zero = at_entry.Iconst(type, 0);
      break;
    case ssa::Type::kF32:
      zero = at_entry.F32const(0);
      break;
    case ssa::Type::kF64:
      zero = at_entry.F64const(0);
      break;
    case ssa::Type::kV128:
      zero = at_entry.Vconst(ssa::V128Bytes{});
      break;
    case ssa::Type::kRef:
      zero = at_entry.RefNull();
      break;
    case ssa::Type::kNone:
      KILN_CHECK(false && "a local has no type");
      break;
  }
  zeros_[type] = zero;
  return zero;
}

}  // namespace kiln::frontend
