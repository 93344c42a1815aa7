// Formatting of `kiln inspect`. Function names and signatures come from the runtime's
// definitions, so the command line shows exactly what the embedding API would report.
#include "tools/inspect.h"

#include <cstdint>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/wasm.h"
#include "compiler/wasm/value_type.h"
#include "runtime/definitions/definitions.h"

namespace kiln::tools {
namespace {

std::string TypeList(absl::Span<const api::ValueType> types) {
  return absl::StrCat(
      "(", absl::StrJoin(types, ", ", [](std::string* out, api::ValueType type) {
        absl::StrAppend(out, api::ValueTypeName(type));
      }),
      ")");
}

std::string Signature(const api::FunctionDefinition& def) {
  return absl::StrCat(TypeList(def.ParamTypes()), " -> ", TypeList(def.ResultTypes()));
}

std::string LimitsText(const wasm::Limits& limits) {
  std::string text = absl::StrCat("min=", limits.min);
  if (limits.max.has_value()) absl::StrAppend(&text, " max=", *limits.max);
  return text;
}

std::string TableText(const wasm::TableType& table) {
  return absl::StrCat(wasm::ValTypeName(table.element), " ", LimitsText(table.limits));
}

std::string GlobalText(const wasm::GlobalType& global) {
  absl::string_view type = wasm::ValTypeName(global.type);
  return global.is_mutable ? absl::StrCat("(mut ", type, ")") : std::string(type);
}

absl::string_view KindName(wasm::ExternKind kind) {
  switch (kind) {
    case wasm::ExternKind::kFunc: return "func";
    case wasm::ExternKind::kTable: return "table";
    case wasm::ExternKind::kMemory: return "memory";
    case wasm::ExternKind::kGlobal: return "global";
  }
  return "unknown";
}

// Quoted puts a name in double quotes, escaping quotes, backslashes and bytes that are not
// printable ASCII so that odd names cannot garble the listing.
std::string Quoted(absl::string_view name) {
  return absl::StrCat("\"", absl::CHexEscape(name), "\"");
}

}  // namespace

std::string DescribeModule(const wasm::Module& module) {
  const runtime::ModuleDefinitions defs = runtime::BuildDefinitions(module);
  std::string out;
  if (module.names.module_name.has_value()) {
    absl::StrAppend(&out, "module $", *module.names.module_name, "\n");
  }

  uint32_t next_function = 0;
  for (const wasm::Import& import : module.imports) {
    absl::StrAppend(&out, "import ", Quoted(import.module), " ", Quoted(import.name), " ",
                    KindName(import.kind), " ");
    switch (import.kind) {
      case wasm::ExternKind::kFunc:
        absl::StrAppend(&out, Signature(defs.Function(next_function++)));
        break;
      case wasm::ExternKind::kTable:
        absl::StrAppend(&out, TableText(import.table));
        break;
      case wasm::ExternKind::kMemory:
        absl::StrAppend(&out, LimitsText(import.memory.limits));
        break;
      case wasm::ExternKind::kGlobal:
        absl::StrAppend(&out, GlobalText(import.global));
        break;
    }
    absl::StrAppend(&out, "\n");
  }

  for (uint32_t i = 0; i < defs.function_count(); ++i) {
    const api::FunctionDefinition& def = defs.Function(i);
    absl::StrAppend(&out, "func[", i, "]");
    if (!def.Name().empty()) absl::StrAppend(&out, " $", def.Name());
    absl::StrAppend(&out, " ", Signature(def));
    if (def.Import().has_value()) absl::StrAppend(&out, " (imported)");
    absl::StrAppend(&out, "\n");
  }
  for (size_t i = 0; i < module.tables.size(); ++i) {
    absl::StrAppend(&out, "table[", module.num_imported_tables + i, "] ",
                    TableText(module.tables[i]), "\n");
  }
  for (size_t i = 0; i < module.memories.size(); ++i) {
    absl::StrAppend(&out, "memory[", module.num_imported_memories + i, "] ",
                    LimitsText(module.memories[i].limits), "\n");
  }
  for (size_t i = 0; i < module.globals.size(); ++i) {
    absl::StrAppend(&out, "global[", module.num_imported_globals + i, "] ",
                    GlobalText(module.globals[i].type), "\n");
  }

  for (const wasm::Export& exported : module.exports) {
    absl::StrAppend(&out, "export ", Quoted(exported.name), " ", KindName(exported.kind), "[",
                    exported.index, "]\n");
  }
  if (module.start.has_value()) absl::StrAppend(&out, "start func[", *module.start, "]\n");
  return out;
}

}  // namespace kiln::tools
