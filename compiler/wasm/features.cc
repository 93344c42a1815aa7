#include "compiler/wasm/features.h"

#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "compiler/base/status_macros.h"
#include "compiler/wasm/instruction.h"
#include "compiler/wasm/opcode.h"
#include "compiler/wasm/value_type.h"

namespace kiln::wasm {

absl::string_view FeatureName(uint64_t feature) {
  switch (feature) {
    case kFeatureMutableGlobal: return "mutable-global";
    case kFeatureSignExtensionOps: return "sign-extension-ops";
    case kFeatureMultiValue: return "multi-value";
    case kFeatureNonTrappingFloatToIntConversion: return "nontrapping-float-to-int-conversion";
    case kFeatureBulkMemoryOperations: return "bulk-memory-operations";
    case kFeatureReferenceTypes: return "reference-types";
    case kFeatureSimd: return "simd";
    default: return "";
  }
}

namespace {

// ValueTypeFeature is the feature a value type needs, or 0 for the 1.0 number types.
uint64_t ValueTypeFeature(ValType type) {
  if (type == ValType::kV128) return kFeatureSimd;
  if (IsRefType(type)) return kFeatureReferenceTypes;
  return 0;
}

// OperatorFeature is the feature an operator needs by its opcode alone (0: Wasm 1.0).
uint64_t OperatorFeature(const OpcodeInfo& info) {
  if (info.prefix == 0xFD) return kFeatureSimd;
  if (info.prefix == 0xFC) {
    if (info.code <= 0x07) return kFeatureNonTrappingFloatToIntConversion;
    if (info.code <= 0x0E) return kFeatureBulkMemoryOperations;
    return kFeatureReferenceTypes;  // table.grow, table.size, table.fill
  }
  switch (info.code) {
    case 0xC0: case 0xC1: case 0xC2: case 0xC3: case 0xC4:
      return kFeatureSignExtensionOps;
    case 0x1C:  // select with types
    case 0x25: case 0x26:  // table.get, table.set
    case 0xD0: case 0xD1: case 0xD2:  // ref.null, ref.is_null, ref.func
      return kFeatureReferenceTypes;
    default:
      return 0;
  }
}

// Scanner walks the module and reports each use of a feature in `wanted_`. It stops at the
// first report when `stop_at_first_`; otherwise it drops a feature from `wanted_` once seen,
// so that UsedFeatures stops building strings and, with nothing left, stops reading code.
class Scanner {
 public:
  Scanner(const Module& module, uint64_t wanted, bool stop_at_first)
      : module_(module), wanted_(wanted & kFeaturesAll), stop_at_first_(stop_at_first) {}

  absl::Status Run() {
    if (wanted_ == 0) return absl::OkStatus();
    if (ScanDeclarations()) return absl::OkStatus();
    return ScanCode();
  }

  const std::optional<FeatureUse>& first() const { return first_; }
  uint64_t used() const { return used_; }

 private:
  // Use records a use of `feature` (0: none) and returns true when scanning should stop.
  bool Use(uint64_t feature, absl::FunctionRef<std::string()> what,
           absl::FunctionRef<std::string()> where) {
    if ((feature & wanted_) == 0) return false;
    used_ |= feature;
    if (stop_at_first_) {
      first_ = FeatureUse{feature, what(), where()};
      return true;
    }
    wanted_ &= ~feature;
    return wanted_ == 0;
  }

  bool UseValueType(ValType type, absl::string_view role, absl::FunctionRef<std::string()> where) {
    return Use(
        ValueTypeFeature(type), [&] { return absl::StrCat(ValTypeName(type), " ", role); },
        where);
  }

  // ScanDeclarations covers everything outside function bodies; true when done.
  bool ScanDeclarations() {
    const Module& m = module_;
    for (size_t t = 0; t < m.types.size(); ++t) {
      auto where = [&] { return absl::StrCat("type ", t); };
      const FuncType& type = m.types[t];
      for (ValType param : type.params) {
        if (UseValueType(param, "param", where)) return true;
      }
      for (ValType result : type.results) {
        if (UseValueType(result, "result", where)) return true;
      }
      if (type.results.size() > 1 &&
          Use(kFeatureMultiValue,
              [&] { return absl::StrCat(type.results.size(), " results"); }, where)) {
        return true;
      }
    }
    for (size_t i = 0; i < m.imports.size(); ++i) {
      const Import& import = m.imports[i];
      auto where = [&] { return absl::StrCat("import ", import.module, ".", import.name); };
      if (import.kind == ExternKind::kGlobal) {
        if (UseValueType(import.global.type, "global", where)) return true;
        if (import.global.is_mutable &&
            Use(kFeatureMutableGlobal, [] { return std::string("mutable global"); }, where)) {
          return true;
        }
      } else if (import.kind == ExternKind::kTable) {
        if (import.table.element != ValType::kFuncRef &&
            UseValueType(import.table.element, "table", where)) {
          return true;
        }
      }
    }
    if (m.num_tables() > 1 &&
        Use(kFeatureReferenceTypes,
            [&] { return absl::StrCat(m.num_tables(), " tables"); },
            [] { return std::string("table section"); })) {
      return true;
    }
    for (size_t t = 0; t < m.tables.size(); ++t) {
      if (m.tables[t].element != ValType::kFuncRef &&
          UseValueType(m.tables[t].element, "table",
                       [&] { return absl::StrCat("table ", m.num_imported_tables + t); })) {
        return true;
      }
    }
    for (size_t g = 0; g < m.globals.size(); ++g) {
      if (UseValueType(m.globals[g].type.type, "global",
                       [&] { return absl::StrCat("global ", m.num_imported_globals + g); })) {
        return true;
      }
    }
    for (const Export& e : m.exports) {
      if (e.kind != ExternKind::kGlobal) continue;
      bool is_mutable = e.index < m.num_imported_globals
                            ? ImportedGlobal(e.index).is_mutable
                            : e.index - m.num_imported_globals < m.globals.size() &&
                                  m.globals[e.index - m.num_imported_globals].type.is_mutable;
      if (is_mutable &&
          Use(kFeatureMutableGlobal, [] { return std::string("mutable global"); },
              [&] { return absl::StrCat("export \"", e.name, "\""); })) {
        return true;
      }
    }
    for (size_t i = 0; i < m.elems.size(); ++i) {
      const ElemSegment& elem = m.elems[i];
      auto where = [&] { return absl::StrCat("elem ", i); };
      if (elem.mode == SegmentMode::kPassive &&
          Use(kFeatureBulkMemoryOperations, [] { return std::string("passive segment"); },
              where)) {
        return true;
      }
      if (elem.mode == SegmentMode::kDeclarative &&
          Use(kFeatureReferenceTypes, [] { return std::string("declarative segment"); },
              where)) {
        return true;
      }
      if (elem.mode == SegmentMode::kActive && elem.table != 0 &&
          Use(kFeatureReferenceTypes,
              [&] { return absl::StrCat("segment for table ", elem.table); }, where)) {
        return true;
      }
      if (!elem.uses_indices &&
          Use(kFeatureBulkMemoryOperations, [] { return std::string("element expressions"); },
              where)) {
        return true;
      }
      if (elem.type != ValType::kFuncRef && UseValueType(elem.type, "elements", where)) {
        return true;
      }
    }
    if (m.data_count.has_value() &&
        Use(kFeatureBulkMemoryOperations, [] { return std::string("data count section"); },
            [] { return std::string("section 12"); })) {
      return true;
    }
    for (size_t i = 0; i < m.datas.size(); ++i) {
      if (m.datas[i].mode == SegmentMode::kPassive &&
          Use(kFeatureBulkMemoryOperations, [] { return std::string("passive segment"); },
              [&] { return absl::StrCat("data ", i); })) {
        return true;
      }
    }
    return false;
  }

  const GlobalType& ImportedGlobal(uint32_t index) const {
    uint32_t seen = 0;
    for (const Import& import : module_.imports) {
      if (import.kind != ExternKind::kGlobal) continue;
      if (seen++ == index) return import.global;
    }
    static const GlobalType kNone;
    return kNone;
  }

  absl::Status ScanCode() {
    constexpr uint64_t kCodeFeatures =
        kFeatureSimd | kFeatureReferenceTypes | kFeatureSignExtensionOps | kFeatureMultiValue |
        kFeatureNonTrappingFloatToIntConversion | kFeatureBulkMemoryOperations;
    const Module& m = module_;
    Instruction instruction;
    for (size_t i = 0; i < m.codes.size() && (wanted_ & kCodeFeatures) != 0; ++i) {
      uint32_t func_index = m.num_imported_functions + static_cast<uint32_t>(i);
      const Code& code = m.codes[i];
      for (const LocalDecl& local : code.locals) {
        if (local.count != 0 &&
            UseValueType(local.type, "local",
                         [&] { return absl::StrFormat("func %d", func_index); })) {
          return absl::OkStatus();
        }
      }
      CodeReader reader(m.bytes, code.body.offset, code.body.offset + code.body.size);
      while (!reader.AtEnd()) {
        KILN_RETURN_IF_ERROR(reader.Next(&instruction));
        if (ScanOperator(instruction, func_index)) return absl::OkStatus();
      }
    }
    return absl::OkStatus();
  }

  // ScanOperator records what one operator needs; true when scanning should stop.
  bool ScanOperator(const Instruction& in, uint32_t func_index) {
    auto where = [&] { return absl::StrFormat("func %d, offset 0x%x", func_index, in.offset); };
    auto name = [&] { return std::string(Name(in.opcode)); };
    const OpcodeInfo& info = Info(in.opcode);
    if (Use(OperatorFeature(info), name, where)) return true;
    if (info.immediate == ImmKind::kBlockType) {
      if (in.block_type.kind == BlockType::Kind::kTypeIndex) {
        return Use(
            kFeatureMultiValue,
            [&] { return absl::StrCat(Name(in.opcode), " with type ", in.block_type.type_index); },
            where);
      }
      if (in.block_type.kind == BlockType::Kind::kValue) {
        return Use(
            ValueTypeFeature(in.block_type.value),
            [&] { return absl::StrCat(Name(in.opcode), " with ", ValTypeName(in.block_type.value)); },
            where);
      }
    }
    if (info.immediate == ImmKind::kCallIndirect && in.index2 != 0) {
      return Use(
          kFeatureReferenceTypes,
          [&] { return absl::StrCat("call_indirect on table ", in.index2); }, where);
    }
    return false;
  }

  const Module& module_;
  uint64_t wanted_;
  bool stop_at_first_;
  uint64_t used_ = 0;
  std::optional<FeatureUse> first_;
};

}  // namespace

absl::StatusOr<std::optional<FeatureUse>> FindDisabledFeatureUse(const Module& module,
                                                                uint64_t enabled) {
  Scanner scanner(module, ~enabled, /*stop_at_first=*/true);
  KILN_RETURN_IF_ERROR(scanner.Run());
  return scanner.first();
}

absl::Status CheckFeatures(const Module& module, uint64_t enabled) {
  KILN_ASSIGN_OR_RETURN(std::optional<FeatureUse> use, FindDisabledFeatureUse(module, enabled));
  if (!use.has_value()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("feature ", FeatureName(use->feature),
                                                 " is disabled: ", use->what, " (", use->where,
                                                 ")"));
}

absl::StatusOr<uint64_t> UsedFeatures(const Module& module) {
  Scanner scanner(module, kFeaturesAll, /*stop_at_first=*/false);
  KILN_RETURN_IF_ERROR(scanner.Run());
  return scanner.used();
}

}  // namespace kiln::wasm
