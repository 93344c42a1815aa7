// Validate: the module-level rules of the Wasm 2.0 validation chapter, in the order the spec
// interpreter checks them (imports and types while building C, then globals, tables, memories,
// element and data segments, function bodies, the start function and exports). Constant
// expressions and function bodies have their own files; this one owns limits, index spaces
// and segment typing.
#include "compiler/wasm/validator.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "compiler/base/status_macros.h"
#include "compiler/wasm/validate_code.h"
#include "compiler/wasm/validate_const_expr.h"
#include "compiler/wasm/validation_context.h"

namespace kiln::wasm {
namespace {

// A memory holds at most 2^16 pages of 64 KiB (4 GiB), Wasm 2.0's 32-bit address space.
constexpr uint64_t kMaxMemoryPages = 65536;
// Table sizes are u32 in the binary format; the bound is stated for decoders that widen them.
constexpr uint64_t kMaxTableSize = 0xffffffffu;

absl::Status Invalid(absl::string_view message, absl::string_view where) {
  return absl::InvalidArgumentError(absl::StrCat(message, " (", where, ")"));
}

// LimitsError is the spec's message for limits that break `bound`, or nullptr when they are
// valid.
const char* LimitsError(const Limits& limits, uint64_t bound, const char* too_large) {
  if (limits.min > bound) return too_large;
  if (limits.max.has_value()) {
    if (*limits.max > bound) return too_large;
    if (limits.min > *limits.max) return "size minimum must not be greater than maximum";
  }
  return nullptr;
}

const char* TableTypeError(const TableType& table) {
  return LimitsError(table.limits, kMaxTableSize, "table size must be at most 2^32-1");
}

const char* MemoryTypeError(const MemoryType& memory) {
  return LimitsError(memory.limits, kMaxMemoryPages,
                     "memory size must be at most 65536 pages (4GiB)");
}

// CheckImportTypes checks the limits of imported tables and memories (function type indices
// were checked while building C).
absl::Status CheckImportTypes(const Module& module) {
  for (size_t i = 0; i < module.imports.size(); ++i) {
    const Import& import = module.imports[i];
    const char* error = nullptr;
    if (import.kind == ExternKind::kTable) error = TableTypeError(import.table);
    if (import.kind == ExternKind::kMemory) error = MemoryTypeError(import.memory);
    if (error != nullptr) return Invalid(error, absl::StrCat("import ", i));
  }
  return absl::OkStatus();
}

absl::Status CheckGlobals(const ValidationContext& c) {
  const Module& module = *c.module;
  for (size_t i = 0; i < module.globals.size(); ++i) {
    const Global& global = module.globals[i];
    KILN_RETURN_IF_ERROR(ValidateConstExpr(c, global.init, global.type.type, [&] {
      return absl::StrCat("global ", c.num_imported_globals + i);
    }));
  }
  return absl::OkStatus();
}

absl::Status CheckTablesAndMemories(const ValidationContext& c) {
  const Module& module = *c.module;
  for (size_t i = 0; i < module.tables.size(); ++i) {
    if (const char* error = TableTypeError(module.tables[i])) {
      return Invalid(error, absl::StrCat("table ", module.num_imported_tables + i));
    }
  }
  for (size_t i = 0; i < module.memories.size(); ++i) {
    if (const char* error = MemoryTypeError(module.memories[i])) {
      return Invalid(error, absl::StrCat("memory ", module.num_imported_memories + i));
    }
  }
  // Multi-memory is a Wasm 3.0 feature.
  if (c.num_memories > 1) return Invalid("multiple memories", "module");
  return absl::OkStatus();
}

absl::Status CheckElem(const ValidationContext& c, uint32_t index) {
  const ElemSegment& elem = c.module->elems[index];
  auto where = [&] { return absl::StrCat("elem ", index); };
  if (elem.mode == SegmentMode::kActive) {
    if (elem.table >= c.tables.size()) return Invalid(UnknownIndex("table", elem.table), where());
    KILN_RETURN_IF_ERROR(ValidateConstExpr(c, elem.offset, ValType::kI32,
                                           [&] { return absl::StrCat(where(), " offset"); }));
    const ValType table_type = c.tables[elem.table].element;
    if (table_type != elem.type) {
      return Invalid(absl::StrCat("type mismatch: segment of ", ValTypeName(elem.type),
                                  " for a table of ", ValTypeName(table_type)),
                     where());
    }
  }
  if (elem.uses_indices) {
    for (uint32_t func : elem.func_indices) {
      if (func >= c.funcs.size()) return Invalid(UnknownIndex("function", func), where());
    }
    if (elem.type != ValType::kFuncRef && !elem.func_indices.empty()) {
      return Invalid("type mismatch: function indices in a non-funcref segment", where());
    }
    return absl::OkStatus();
  }
  for (size_t i = 0; i < elem.items.size(); ++i) {
    KILN_RETURN_IF_ERROR(ValidateConstExpr(c, elem.items[i], elem.type,
                                           [&] { return absl::StrCat(where(), " item ", i); }));
  }
  return absl::OkStatus();
}

absl::Status CheckData(const ValidationContext& c, uint32_t index) {
  const DataSegment& data = c.module->datas[index];
  if (data.mode != SegmentMode::kActive) return absl::OkStatus();
  auto where = [&] { return absl::StrCat("data ", index); };
  if (data.memory >= c.num_memories) return Invalid(UnknownIndex("memory", data.memory), where());
  return ValidateConstExpr(c, data.offset, ValType::kI32,
                           [&] { return absl::StrCat(where(), " offset"); });
}

absl::Status CheckCode(const ValidationContext& c) {
  const Module& module = *c.module;
  if (module.codes.size() != module.functions.size()) {
    return Invalid("function and code section have inconsistent lengths", "module");
  }
  if (module.code_validation.has_value()) return *module.code_validation;  // see module.h
  CodeValidator validator(c);
  for (size_t i = 0; i < module.codes.size(); ++i) {
    KILN_RETURN_IF_ERROR(
        validator.ValidateFunction(module.num_imported_functions + i, module.codes[i]));
  }
  return absl::OkStatus();
}

absl::Status CheckStart(const ValidationContext& c) {
  if (!c.module->start.has_value()) return absl::OkStatus();
  const uint32_t start = *c.module->start;
  if (start >= c.funcs.size()) return Invalid(UnknownIndex("function", start), "start");
  const FuncType& type = *c.funcs[start];
  if (!type.params.empty() || !type.results.empty()) {
    return Invalid(absl::StrCat("start function must have type [] -> [], function ", start, " has ",
                                TypeList(type.params), " -> ", TypeList(type.results)),
                   "start");
  }
  return absl::OkStatus();
}

absl::Status CheckExports(const ValidationContext& c) {
  absl::flat_hash_set<absl::string_view> names;
  const auto& exports = c.module->exports;
  for (size_t i = 0; i < exports.size(); ++i) {
    const Export& exp = exports[i];
    auto where = [&] { return absl::StrCat("export ", i, " \"", exp.name, "\""); };
    const char* space = nullptr;
    switch (exp.kind) {
      case ExternKind::kFunc:
        if (exp.index >= c.funcs.size()) space = "function";
        break;
      case ExternKind::kTable:
        if (exp.index >= c.tables.size()) space = "table";
        break;
      case ExternKind::kMemory:
        if (exp.index >= c.num_memories) space = "memory";
        break;
      case ExternKind::kGlobal:
        if (exp.index >= c.globals.size()) space = "global";
        break;
    }
    if (space != nullptr) return Invalid(UnknownIndex(space, exp.index), where());
    if (!names.insert(exp.name).second) return Invalid("duplicate export name", where());
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Validate(const Module& module) {
  KILN_ASSIGN_OR_RETURN(const ValidationContext c, BuildValidationContext(module));
  KILN_RETURN_IF_ERROR(CheckImportTypes(module));
  KILN_RETURN_IF_ERROR(CheckGlobals(c));
  KILN_RETURN_IF_ERROR(CheckTablesAndMemories(c));
  for (uint32_t i = 0; i < module.elems.size(); ++i) KILN_RETURN_IF_ERROR(CheckElem(c, i));
  for (uint32_t i = 0; i < module.datas.size(); ++i) KILN_RETURN_IF_ERROR(CheckData(c, i));
  KILN_RETURN_IF_ERROR(CheckCode(c));
  KILN_RETURN_IF_ERROR(CheckStart(c));
  return CheckExports(c);
}

}  // namespace kiln::wasm
