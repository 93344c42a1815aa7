// CodeValidator::CheckSpecial: the typing rules written by hand, for the operators whose
// signature depends on their immediates, on the module, or on the stack itself (control,
// parametric, variable, reference and table operators). The validator's general path calls it
// (validate_code.cc); the fast path handles the common cases of some of these operators itself
// and leaves everything else, errors included, to these rules.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "compiler/wasm/opcode.h"
#include "compiler/wasm/validate_code.h"
#include "compiler/wasm/validation_context.h"

namespace kiln::wasm {

// CheckSpecial types the operators whose signature depends on immediates, on the module, or on
// the stack itself. Index immediates were checked by CheckImmediates.
bool CodeValidator::CheckSpecial(const Instruction& inst) {
  switch (inst.opcode) {
    case Opcode::kUnreachable:
      MarkUnreachable();
      return true;
    case Opcode::kNop:
      return true;
    case Opcode::kBlock:
      return EnterBlock(FrameKind::kBlock, inst.block_type);
    case Opcode::kLoop:
      return EnterBlock(FrameKind::kLoop, inst.block_type);
    case Opcode::kIf:
      return EnterBlock(FrameKind::kIf, inst.block_type);
    case Opcode::kElse: {
      if (controls_.back().kind != FrameKind::kIf) return Fail("else without matching if");
      ControlFrame frame;
      if (!ExitBlock("else", &frame)) return false;
      frame.kind = FrameKind::kElse;
      frame.unreachable = false;
      frame.height = static_cast<uint32_t>(operands_.size());
      controls_.push_back(frame);
      PushTypes(frame.params);
      return true;
    }
    case Opcode::kEnd: {
      ControlFrame frame;
      if (!ExitBlock("end", &frame)) return false;
      // An if without else has an empty else branch, which must turn params into results.
      if (frame.kind == FrameKind::kIf && !std::equal(frame.params.begin(), frame.params.end(),
                                                      frame.results.begin(), frame.results.end())) {
        return Fail(absl::StrCat("type mismatch: if without else must have equal params ",
                                 TypeList(frame.params), " and results ", TypeList(frame.results)));
      }
      if (frame.kind != FrameKind::kFunction) PushTypes(frame.results);
      return true;
    }
    case Opcode::kBr: {
      const ControlFrame* target;
      if (!Label(inst.index, &target)) return false;
      if (!PopTypes(target->LabelTypes())) return false;
      MarkUnreachable();
      return true;
    }
    case Opcode::kBrIf: {
      const ControlFrame* target;
      if (!Label(inst.index, &target)) return false;
      if (!Pop(ValType::kI32)) return false;
      return ApplySignature(target->LabelTypes(), target->LabelTypes());
    }
    case Opcode::kBrTable: {
      if (!Pop(ValType::kI32)) return false;
      const ControlFrame* fallback;
      if (!Label(inst.br_table.back(), &fallback)) return false;
      const size_t arity = fallback->LabelTypes().size();
      // Wasm 2.0: the targets may carry different types as long as they have one arity and
      // the operands match each of them (the stack may be polymorphic).
      for (uint32_t depth : inst.br_table) {
        const ControlFrame* target;
        if (!Label(depth, &target)) return false;
        if (target->LabelTypes().size() != arity) {
          return Fail(absl::StrCat("type mismatch: br_table target ", depth, " carries ",
                                   TypeList(target->LabelTypes()), " but the default carries ",
                                   TypeList(fallback->LabelTypes())));
        }
        if (!CheckTop(target->LabelTypes())) return false;
      }
      MarkUnreachable();
      return true;
    }
    case Opcode::kReturn:
      if (!PopTypes(func_type_->results)) return false;
      MarkUnreachable();
      return true;
    case Opcode::kCall: {
      const FuncType& callee = *c_.funcs[inst.index];
      return ApplySignature(callee.params, callee.results);
    }
    case Opcode::kCallIndirect: {
      if (!CheckTable(inst.index2)) return false;
      if (c_.tables[inst.index2].element != ValType::kFuncRef) {
        return Fail(absl::StrCat("type mismatch: call_indirect needs a funcref table, table ",
                                 inst.index2, " holds ",
                                 ValTypeName(c_.tables[inst.index2].element)));
      }
      if (inst.index >= c_.module->types.size()) return Fail(UnknownIndex("type", inst.index));
      const FuncType& callee = c_.module->types[inst.index];
      if (!Pop(ValType::kI32)) return false;
      return ApplySignature(callee.params, callee.results);
    }
    case Opcode::kDrop: {
      ValType ignored;
      return PopAny(&ignored);
    }
    case Opcode::kSelect: {
      if (!Pop(ValType::kI32)) return false;
      ValType second, first;
      if (!PopAny(&second)) return false;
      if (!PopAny(&first)) return false;
      if (!IsSelectable(first) || !IsSelectable(second)) {
        return Fail(
            absl::StrCat("type mismatch: select without a type needs numeric or "
                         "vector operands, got ",
                         TypeList({first, second})));
      }
      if (first != second && first != kUnknownType && second != kUnknownType) {
        return Fail(
            absl::StrCat("type mismatch: select operands differ, got ", TypeList({first, second})));
      }
      Push(first == kUnknownType ? second : first);
      return true;
    }
    case Opcode::kSelectT: {
      if (inst.select_types.size() != 1) return Fail("invalid result arity");
      const ValType type = inst.select_types[0];
      const ValType params[] = {type, type, ValType::kI32};
      return ApplySignature(params, inst.select_types);
    }
    case Opcode::kLocalGet:
    case Opcode::kLocalSet:
    case Opcode::kLocalTee: {
      if (ABSL_PREDICT_TRUE(inst.index < locals_.size())) {
        const ValType local = locals_[inst.index];
        if (inst.opcode == Opcode::kLocalGet) {
          Push(local);
          return true;
        }
        if (PopFast(&local, 1)) {
          if (inst.opcode == Opcode::kLocalTee) Push(local);
          return true;
        }
      }
      ValType type;
      if (!LocalType(inst.index, &type)) return Fail(UnknownIndex("local", inst.index));
      const auto one = absl::MakeConstSpan(&type, 1);
      if (inst.opcode == Opcode::kLocalGet) return ApplySignature({}, one);
      if (inst.opcode == Opcode::kLocalSet) return ApplySignature(one, {});
      return ApplySignature(one, one);
    }
    case Opcode::kGlobalGet:
      Push(c_.globals[inst.index].type);
      return true;
    case Opcode::kGlobalSet: {
      const GlobalType& global = c_.globals[inst.index];
      if (!global.is_mutable) return Fail("global is immutable");
      return Pop(global.type);
    }
    case Opcode::kTableGet: {
      const ValType element = c_.tables[inst.index].element;
      const ValType params[] = {ValType::kI32};
      return ApplySignature(params, absl::MakeConstSpan(&element, 1));
    }
    case Opcode::kTableSet: {
      const ValType params[] = {ValType::kI32, c_.tables[inst.index].element};
      return ApplySignature(params, {});
    }
    case Opcode::kTableGrow: {
      const ValType params[] = {c_.tables[inst.index].element, ValType::kI32};
      const ValType results[] = {ValType::kI32};
      return ApplySignature(params, results);
    }
    case Opcode::kTableFill: {
      const ValType params[] = {ValType::kI32, c_.tables[inst.index].element, ValType::kI32};
      return ApplySignature(params, {});
    }
    case Opcode::kRefNull:
      Push(inst.ref_type);
      return true;
    case Opcode::kRefIsNull: {
      ValType type;
      if (!PopAny(&type)) return false;
      if (type != kUnknownType && !IsRefType(type)) {
        return Fail(
            absl::StrCat("type mismatch: ref.is_null expects a reference, got ", TypeList({type})));
      }
      Push(ValType::kI32);
      return true;
    }
    case Opcode::kRefFunc:
      if (!c_.refs[inst.index]) return Fail("undeclared function reference");
      Push(ValType::kFuncRef);
      return true;
    default:
      // A new operator marked Special in opcodes.def without a rule here: a kiln bug.
      error_ = absl::InternalError(absl::StrCat("validator has no typing rule for ",
                                                Name(inst.opcode), " (func ", func_index_, ")"));
      return false;
  }
}

}  // namespace kiln::wasm
