// Building the validation context C: index spaces with imports first, and C.refs, the set of
// functions a function body may take a reference to. In Wasm 2.0, C.refs holds every function
// index that occurs in the module outside function bodies and the start section: in element
// segments, exports and constant expressions.
#include "compiler/wasm/validation_context.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "compiler/wasm/instruction.h"

namespace kiln::wasm {
namespace {

// DeclareRefsIn adds every function that `expr` takes with ref.func to `refs`. Malformed
// expressions were rejected by the decoder; an index out of range is reported when the
// expression itself is validated, so here it is only skipped.
void DeclareRefsIn(const Module& module, const ConstExpr& expr, std::vector<bool>& refs) {
  CodeReader reader(module.bytes, expr.code.offset, expr.code.offset + expr.code.size);
  Instruction inst;
  while (!reader.AtEnd()) {
    if (!reader.Next(&inst).ok()) return;
    if (inst.opcode == Opcode::kRefFunc && inst.index < refs.size()) refs[inst.index] = true;
  }
}

// DeclareRefs fills C.refs. Segment offsets are not scanned: an offset must leave one i32, and
// no constant operator of Wasm 2.0 pops, so an offset holding ref.func is invalid anyway (and
// reported when segments are checked, before any function body). Skipping them saves a pass
// over modules with thousands of data segments.
void DeclareRefs(const Module& module, std::vector<bool>& refs) {
  for (const Global& global : module.globals) DeclareRefsIn(module, global.init, refs);
  for (const ElemSegment& elem : module.elems) {
    for (uint32_t func : elem.func_indices) {
      if (func < refs.size()) refs[func] = true;
    }
    for (const ConstExpr& item : elem.items) DeclareRefsIn(module, item, refs);
  }
  for (const Export& exp : module.exports) {
    if (exp.kind == ExternKind::kFunc && exp.index < refs.size()) refs[exp.index] = true;
  }
}

}  // namespace

std::string TypeList(absl::Span<const ValType> types) {
  std::string out = "[";
  for (size_t i = 0; i < types.size(); ++i) {
    if (i > 0) out += ' ';
    out += std::string(ValTypeName(types[i]));
  }
  out += ']';
  return out;
}

absl::StatusOr<ValidationContext> BuildValidationContext(const Module& module) {
  ValidationContext c;
  c.module = &module;
  const uint32_t num_types = static_cast<uint32_t>(module.types.size());

  for (size_t i = 0; i < module.imports.size(); ++i) {
    const Import& import = module.imports[i];
    switch (import.kind) {
      case ExternKind::kFunc:
        if (import.func_type >= num_types) {
          return absl::InvalidArgumentError(
              absl::StrCat(UnknownIndex("type", import.func_type), " (import ", i, ")"));
        }
        c.funcs.push_back(&module.types[import.func_type]);
        break;
      case ExternKind::kTable:
        c.tables.push_back(import.table);
        break;
      case ExternKind::kMemory:
        ++c.num_memories;
        break;
      case ExternKind::kGlobal:
        c.globals.push_back(import.global);
        break;
    }
  }
  c.num_imported_globals = static_cast<uint32_t>(c.globals.size());

  for (size_t i = 0; i < module.functions.size(); ++i) {
    const uint32_t type = module.functions[i];
    if (type >= num_types) {
      return absl::InvalidArgumentError(
          absl::StrCat(UnknownIndex("type", type), " (func ", c.funcs.size(), ")"));
    }
    c.funcs.push_back(&module.types[type]);
  }
  c.tables.insert(c.tables.end(), module.tables.begin(), module.tables.end());
  c.num_memories += static_cast<uint32_t>(module.memories.size());
  for (const Global& global : module.globals) c.globals.push_back(global.type);
  for (const ElemSegment& elem : module.elems) c.elems.push_back(elem.type);
  c.num_datas = module.data_count.value_or(static_cast<uint32_t>(module.datas.size()));

  c.refs.assign(c.funcs.size(), false);
  DeclareRefs(module, c.refs);
  return c;
}

}  // namespace kiln::wasm
