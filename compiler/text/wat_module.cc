// Module fields of the text format, encoded as a binary module; see wat_module.h.
//
// Two passes: the first binds every name (so fields may refer to later ones), parses explicit
// types and checks that imports precede definitions; the second encodes each field into its
// section in textual order, which also fixes the order of inline exports, inline imports and
// the implicit types that type uses append.
#include "compiler/text/wat_module.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "compiler/base/status_macros.h"
#include "compiler/text/binary_writer.h"
#include "compiler/text/wat_context.h"
#include "compiler/text/wat_names.h"

namespace kiln::text {
namespace {

using wasm::ExternKind;
using wasm::ValType;

constexpr uint8_t kRefFuncOpcode = 0xD2;
constexpr uint8_t kEndOpcode = 0x0B;
constexpr uint32_t kPageSize = 65536;

// ElemList is the contents of an element segment: function indices, or expressions of type
// `type`. Expressions that are exactly `ref.func x` also record x, so the segment can use the
// compact index encoding as wat2wasm does.
struct ElemList {
  ValType type = ValType::kFuncRef;
  std::vector<BinaryWriter> exprs;
  std::vector<std::optional<uint32_t>> func_indices;  // one per item

  bool AllFuncIndices() const {
    if (type != ValType::kFuncRef) return false;
    for (const auto& index : func_indices) {
      if (!index) return false;
    }
    return true;
  }
};

// RefFuncIndex recognises an encoded `ref.func x end`.
std::optional<uint32_t> RefFuncIndex(const std::vector<uint8_t>& expr) {
  if (expr.size() < 3 || expr[0] != kRefFuncOpcode || expr.back() != kEndOpcode) {
    return std::nullopt;
  }
  uint32_t value = 0;
  size_t i = 1;
  for (int shift = 0; i < expr.size() - 1; ++i, shift += 7) {
    value |= static_cast<uint32_t>(expr[i] & 0x7f) << shift;
    if ((expr[i] & 0x80) == 0) break;
  }
  if (i != expr.size() - 2) return std::nullopt;
  return value;
}

void WriteLimits(BinaryWriter& out, uint32_t min, std::optional<uint32_t> max) {
  out.U8(max ? 0x01 : 0x00);
  out.U32(min);
  if (max) out.U32(*max);
}

class ModuleParser {
 public:
  ModuleParser(TokenCursor& cursor, const Token* module_id, const WatOptions& options)
      : cursor_(cursor), options_(options) {
    if (module_id != nullptr) names_.SetModuleName(*module_id);
  }

  absl::StatusOr<std::vector<uint8_t>> Parse() {
    size_t start = cursor_.Position();
    KILN_RETURN_IF_ERROR(BindNames());
    cursor_.Reset(start);
    while (cursor_.Peek().kind == TokenKind::kLParen) {
      KILN_RETURN_IF_ERROR(EncodeField());
    }
    if (cursor_.Peek().kind != TokenKind::kRParen && !cursor_.AtEof()) {
      return Unexpected(cursor_.Peek(), "a module field");
    }
    return Assemble();
  }

 private:
  // -- Pass 1: names ----------------------------------------------------------------------------

  absl::Status BindNames() {
    while (cursor_.Peek().kind == TokenKind::kLParen) {
      size_t field_start = cursor_.Position();
      const Token& keyword = cursor_.Peek(1);
      if (keyword.kind != TokenKind::kKeyword) return Unexpected(keyword, "a module field");
      cursor_.Next();
      cursor_.Next();
      absl::string_view kind = keyword.text;
      if (kind == "type") {
        KILN_RETURN_IF_ERROR(ParseTypeDefinition());
      } else if (kind == "func" || kind == "table" || kind == "memory" || kind == "global") {
        KILN_RETURN_IF_ERROR(BindDefinition(kind));
      } else if (kind == "import") {
        KILN_RETURN_IF_ERROR(BindImport(keyword));
      } else if (kind == "elem") {
        KILN_RETURN_IF_ERROR(module_.elems.Add(OptionalId()).status());
      } else if (kind == "data") {
        KILN_RETURN_IF_ERROR(module_.datas.Add(OptionalId()).status());
      } else if (kind != "export" && kind != "start") {
        return Unexpected(keyword, "a module field");
      }
      cursor_.Reset(field_start);
      cursor_.SkipList();
    }
    return absl::OkStatus();
  }

  const Token* OptionalId() { return PeekIsId(cursor_) ? &cursor_.Next() : nullptr; }

  IndexSpace& SpaceOf(absl::string_view kind) {
    if (kind == "func") return module_.funcs;
    if (kind == "table") return module_.tables;
    if (kind == "memory") return module_.memories;
    return module_.globals;
  }

  // ParseTypeDefinition reads `$id? (func (param ...)* (result ...)*))` of a (type ...) field.
  absl::Status ParseTypeDefinition() {
    const Token* id = OptionalId();
    KILN_RETURN_IF_ERROR(ExpectLParen(cursor_));
    KILN_RETURN_IF_ERROR(ExpectKeyword(cursor_, "func"));
    TypeUse use;
    KILN_RETURN_IF_ERROR(ParseParamsAndResults(cursor_, /*allow_param_names=*/true, use));
    KILN_RETURN_IF_ERROR(ExpectRParen(cursor_));
    KILN_RETURN_IF_ERROR(ExpectRParen(cursor_));
    KILN_RETURN_IF_ERROR(module_.type_names.Add(id).status());
    module_.types.push_back(use.inline_type);
    return absl::OkStatus();
  }

  // BindDefinition binds a func/table/memory/global field, which is an import when it carries
  // an inline (import ...), and any segment its abbreviations define.
  absl::Status BindDefinition(absl::string_view kind) {
    const Token* id = OptionalId();
    while (cursor_.PeekIsListOf("export")) cursor_.SkipList();
    if (cursor_.PeekIsListOf("import")) {
      KILN_RETURN_IF_ERROR(CheckImportOrder(cursor_.Peek(1)));
      return SpaceOf(kind).Add(id).status();
    }
    if (!first_definition_) first_definition_ = kind == "func" ? "function" : std::string(kind);
    KILN_RETURN_IF_ERROR(SpaceOf(kind).Add(id).status());
    // (table reftype (elem ...)) and (memory (data ...)) also define a segment.
    if (kind == "table" && PeekValType(cursor_) && cursor_.Peek(1).kind == TokenKind::kLParen &&
        PeekKeyword(cursor_, "elem", 2)) {
      return module_.elems.Add(nullptr).status();
    }
    if (kind == "memory" && cursor_.PeekIsListOf("data")) {
      return module_.datas.Add(nullptr).status();
    }
    return absl::OkStatus();
  }

  absl::Status CheckImportOrder(const Token& at) {
    if (first_definition_) return Malformed(at, absl::StrCat("import after ", *first_definition_));
    return absl::OkStatus();
  }

  absl::Status BindImport(const Token& keyword) {
    KILN_RETURN_IF_ERROR(CheckImportOrder(keyword));
    KILN_RETURN_IF_ERROR(ExpectString(cursor_).status());
    KILN_RETURN_IF_ERROR(ExpectString(cursor_).status());
    KILN_RETURN_IF_ERROR(ExpectLParen(cursor_));
    const Token& kind = cursor_.Peek();
    if (!PeekKeyword(cursor_, "func") && !PeekKeyword(cursor_, "table") &&
        !PeekKeyword(cursor_, "memory") && !PeekKeyword(cursor_, "global")) {
      return Unexpected(kind, "an import kind");
    }
    cursor_.Next();
    return SpaceOf(kind.text).Add(OptionalId()).status();
  }

  // -- Pass 2: fields ---------------------------------------------------------------------------

  absl::Status EncodeField() {
    const Token& keyword = cursor_.Peek(1);
    absl::string_view kind = keyword.text;
    if (kind == "type") {
      cursor_.SkipList();  // parsed in the first pass
      return absl::OkStatus();
    }
    cursor_.Next();
    cursor_.Next();
    if (kind == "func") return EncodeFunc();
    if (kind == "table") return EncodeTable();
    if (kind == "memory") return EncodeMemory();
    if (kind == "global") return EncodeGlobal();
    if (kind == "import") return EncodeImport();
    if (kind == "export") return EncodeExport();
    if (kind == "start") return EncodeStart(keyword);
    if (kind == "elem") return EncodeElem();
    return EncodeData();
  }

  // InlineExports writes each `(export "name")` of a definition.
  absl::Status InlineExports(ExternKind kind, uint32_t index) {
    while (cursor_.PeekIsListOf("export")) {
      cursor_.Next();
      cursor_.Next();
      KILN_ASSIGN_OR_RETURN(std::string name, ExpectName(cursor_));
      KILN_RETURN_IF_ERROR(ExpectRParen(cursor_));
      exports_.Name(name);
      exports_.U8(static_cast<uint8_t>(kind));
      exports_.U32(index);
      ++export_count_;
    }
    return absl::OkStatus();
  }

  // InlineImport reads `(import "module" "name")` if present and starts the import entry.
  absl::StatusOr<bool> InlineImport(ExternKind kind) {
    if (!cursor_.PeekIsListOf("import")) return false;
    cursor_.Next();
    cursor_.Next();
    KILN_ASSIGN_OR_RETURN(std::string module, ExpectName(cursor_));
    KILN_ASSIGN_OR_RETURN(std::string name, ExpectName(cursor_));
    KILN_RETURN_IF_ERROR(ExpectRParen(cursor_));
    StartImport(module, name, kind);
    return true;
  }

  void StartImport(absl::string_view module, absl::string_view name, ExternKind kind) {
    imports_.Name(module);
    imports_.Name(name);
    imports_.U8(static_cast<uint8_t>(kind));
    ++import_count_;
  }

  absl::Status EncodeFunc() {
    uint32_t index = func_index_++;
    if (const Token* id = OptionalId()) names_.AddFunctionName(index, *id);
    KILN_RETURN_IF_ERROR(InlineExports(ExternKind::kFunc, index));
    KILN_ASSIGN_OR_RETURN(bool imported, InlineImport(ExternKind::kFunc));
    const Token& at = cursor_.Peek();
    KILN_ASSIGN_OR_RETURN(TypeUse use, ParseTypeUse(cursor_, /*allow_param_names=*/true));
    wasm::FuncType type;
    KILN_ASSIGN_OR_RETURN(uint32_t type_index, module_.ResolveTypeUse(use, at, &type));
    AddParamNames(index, use);
    if (imported) {
      imports_.U32(type_index);
      return ExpectRParen(cursor_);
    }
    functions_.U32(type_index);
    ++function_count_;

    FunctionContext context;
    context.module = &module_;
    for (size_t i = 0; i < type.params.size(); ++i) {
      const Token* id = use.has_inline ? use.param_ids[i] : nullptr;
      KILN_RETURN_IF_ERROR(context.locals.Add(id).status());
    }
    std::vector<ValType> locals;
    while (cursor_.PeekIsListOf("local")) {
      cursor_.Next();
      cursor_.Next();
      if (PeekIsId(cursor_)) {
        const Token& id = cursor_.Next();
        KILN_ASSIGN_OR_RETURN(uint32_t local_index, context.locals.Add(&id));
        names_.AddLocalName(index, local_index, id);
        KILN_ASSIGN_OR_RETURN(ValType local, ParseValType(cursor_));
        locals.push_back(local);
      } else {
        while (cursor_.Peek().kind != TokenKind::kRParen) {
          KILN_ASSIGN_OR_RETURN(ValType local, ParseValType(cursor_));
          KILN_RETURN_IF_ERROR(context.locals.Add(nullptr).status());
          locals.push_back(local);
        }
      }
      KILN_RETURN_IF_ERROR(ExpectRParen(cursor_));
    }
    BinaryWriter body;
    WriteLocalDecls(body, locals);
    KILN_RETURN_IF_ERROR(ParseInstructions(cursor_, context, body));
    KILN_RETURN_IF_ERROR(ExpectRParen(cursor_));
    body.U8(kEndOpcode);
    codes_.U32(static_cast<uint32_t>(body.size()));
    codes_.Append(body);
    return absl::OkStatus();
  }

  // AddParamNames records the $ids of a function's inline parameters, which are its first
  // locals. Imported functions get them too, as wat2wasm does; a (type x) use alone names none.
  void AddParamNames(uint32_t function, const TypeUse& use) {
    if (!use.has_inline) return;
    for (size_t i = 0; i < use.param_ids.size(); ++i) {
      if (use.param_ids[i] != nullptr) {
        names_.AddLocalName(function, static_cast<uint32_t>(i), *use.param_ids[i]);
      }
    }
  }

  // WriteLocalDecls groups runs of equal local types into (count, type) entries.
  static void WriteLocalDecls(BinaryWriter& out, const std::vector<ValType>& locals) {
    std::vector<std::pair<uint32_t, ValType>> runs;
    for (ValType type : locals) {
      if (!runs.empty() && runs.back().second == type) {
        ++runs.back().first;
      } else {
        runs.emplace_back(1, type);
      }
    }
    out.U32(static_cast<uint32_t>(runs.size()));
    for (const auto& [count, type] : runs) {
      out.U32(count);
      out.U8(static_cast<uint8_t>(type));
    }
  }

  // ParseLimits reads `min max?` as 32-bit numbers.
  absl::Status ParseLimits(uint32_t& min, std::optional<uint32_t>& max) {
    KILN_ASSIGN_OR_RETURN(min, ParseNat32(cursor_));
    if (cursor_.Peek().kind == TokenKind::kNumber) {
      KILN_ASSIGN_OR_RETURN(max, ParseNat32(cursor_));
    }
    return absl::OkStatus();
  }

  absl::Status ParseTableType(BinaryWriter& out) {
    uint32_t min;
    std::optional<uint32_t> max;
    KILN_RETURN_IF_ERROR(ParseLimits(min, max));
    KILN_ASSIGN_OR_RETURN(ValType type, ParseRefType(cursor_));
    out.U8(static_cast<uint8_t>(type));
    WriteLimits(out, min, max);
    return absl::OkStatus();
  }

  absl::Status ParseGlobalType(BinaryWriter& out) {
    if (cursor_.PeekIsListOf("mut")) {
      cursor_.Next();
      cursor_.Next();
      KILN_ASSIGN_OR_RETURN(ValType type, ParseValType(cursor_));
      KILN_RETURN_IF_ERROR(ExpectRParen(cursor_));
      out.U8(static_cast<uint8_t>(type));
      out.U8(0x01);
      return absl::OkStatus();
    }
    KILN_ASSIGN_OR_RETURN(ValType type, ParseValType(cursor_));
    out.U8(static_cast<uint8_t>(type));
    out.U8(0x00);
    return absl::OkStatus();
  }

  absl::Status EncodeTable() {
    uint32_t index = table_index_++;
    OptionalId();
    KILN_RETURN_IF_ERROR(InlineExports(ExternKind::kTable, index));
    KILN_ASSIGN_OR_RETURN(bool imported, InlineImport(ExternKind::kTable));
    if (imported) {
      KILN_RETURN_IF_ERROR(ParseTableType(imports_));
      return ExpectRParen(cursor_);
    }
    ++table_count_;
    if (PeekValType(cursor_)) {
      // (table reftype (elem ...)): a table exactly as large as its active segment at 0.
      KILN_ASSIGN_OR_RETURN(ValType type, ParseRefType(cursor_));
      KILN_RETURN_IF_ERROR(ExpectLParen(cursor_));
      KILN_RETURN_IF_ERROR(ExpectKeyword(cursor_, "elem"));
      ElemList list;
      list.type = type;
      if (cursor_.Peek().kind == TokenKind::kLParen) {
        KILN_RETURN_IF_ERROR(ParseElemExprs(list));
      } else {
        KILN_RETURN_IF_ERROR(ParseFuncIndices(list));
      }
      KILN_RETURN_IF_ERROR(ExpectRParen(cursor_));
      uint32_t size = static_cast<uint32_t>(list.exprs.size());
      tables_.U8(static_cast<uint8_t>(type));
      WriteLimits(tables_, size, size);
      BinaryWriter offset;
      offset.U8(0x41);  // i32.const 0
      offset.U8(0x00);
      offset.U8(kEndOpcode);
      WriteElemSegment(wasm::SegmentMode::kActive, index, &offset, list);
      return ExpectRParen(cursor_);
    }
    KILN_RETURN_IF_ERROR(ParseTableType(tables_));
    return ExpectRParen(cursor_);
  }

  absl::Status EncodeMemory() {
    uint32_t index = memory_index_++;
    OptionalId();
    KILN_RETURN_IF_ERROR(InlineExports(ExternKind::kMemory, index));
    KILN_ASSIGN_OR_RETURN(bool imported, InlineImport(ExternKind::kMemory));
    BinaryWriter& out = imported ? imports_ : memories_;
    if (!imported) ++memory_count_;
    if (!imported && cursor_.PeekIsListOf("data")) {
      // (memory (data ...)): just enough pages for the bytes, filled from address 0.
      cursor_.Next();
      cursor_.Next();
      std::string bytes = ParseStrings(cursor_);
      KILN_RETURN_IF_ERROR(ExpectRParen(cursor_));
      uint32_t pages = static_cast<uint32_t>((bytes.size() + kPageSize - 1) / kPageSize);
      WriteLimits(out, pages, pages);
      datas_.U8(index == 0 ? 0x00 : 0x02);
      if (index != 0) datas_.U32(index);
      datas_.U8(0x41);
      datas_.U8(0x00);
      datas_.U8(kEndOpcode);
      datas_.Name(bytes);
      ++data_count_;
      return ExpectRParen(cursor_);
    }
    uint32_t min;
    std::optional<uint32_t> max;
    KILN_RETURN_IF_ERROR(ParseLimits(min, max));
    WriteLimits(out, min, max);
    return ExpectRParen(cursor_);
  }

  absl::Status EncodeGlobal() {
    uint32_t index = global_index_++;
    OptionalId();
    KILN_RETURN_IF_ERROR(InlineExports(ExternKind::kGlobal, index));
    KILN_ASSIGN_OR_RETURN(bool imported, InlineImport(ExternKind::kGlobal));
    if (imported) {
      KILN_RETURN_IF_ERROR(ParseGlobalType(imports_));
      return ExpectRParen(cursor_);
    }
    ++global_count_;
    KILN_RETURN_IF_ERROR(ParseGlobalType(globals_));
    KILN_RETURN_IF_ERROR(ParseExpression(cursor_, module_, globals_));
    return ExpectRParen(cursor_);
  }

  absl::Status EncodeImport() {
    KILN_ASSIGN_OR_RETURN(std::string module, ExpectName(cursor_));
    KILN_ASSIGN_OR_RETURN(std::string name, ExpectName(cursor_));
    KILN_RETURN_IF_ERROR(ExpectLParen(cursor_));
    absl::string_view kind = cursor_.Next().text;
    const Token* id = OptionalId();
    if (kind == "func") {
      uint32_t index = func_index_++;
      if (id != nullptr) names_.AddFunctionName(index, *id);
      const Token& at = cursor_.Peek();
      KILN_ASSIGN_OR_RETURN(TypeUse use, ParseTypeUse(cursor_, /*allow_param_names=*/true));
      KILN_ASSIGN_OR_RETURN(uint32_t type_index, module_.ResolveTypeUse(use, at, nullptr));
      AddParamNames(index, use);
      StartImport(module, name, ExternKind::kFunc);
      imports_.U32(type_index);
    } else if (kind == "table") {
      ++table_index_;
      StartImport(module, name, ExternKind::kTable);
      KILN_RETURN_IF_ERROR(ParseTableType(imports_));
    } else if (kind == "memory") {
      ++memory_index_;
      StartImport(module, name, ExternKind::kMemory);
      uint32_t min;
      std::optional<uint32_t> max;
      KILN_RETURN_IF_ERROR(ParseLimits(min, max));
      WriteLimits(imports_, min, max);
    } else {
      ++global_index_;
      StartImport(module, name, ExternKind::kGlobal);
      KILN_RETURN_IF_ERROR(ParseGlobalType(imports_));
    }
    KILN_RETURN_IF_ERROR(ExpectRParen(cursor_));
    return ExpectRParen(cursor_);
  }

  absl::Status EncodeExport() {
    KILN_ASSIGN_OR_RETURN(std::string name, ExpectName(cursor_));
    KILN_RETURN_IF_ERROR(ExpectLParen(cursor_));
    const Token& kind = cursor_.Peek();
    ExternKind extern_kind;
    const IndexSpace* space;
    if (kind.text == "func") {
      extern_kind = ExternKind::kFunc;
      space = &module_.funcs;
    } else if (kind.text == "table") {
      extern_kind = ExternKind::kTable;
      space = &module_.tables;
    } else if (kind.text == "memory") {
      extern_kind = ExternKind::kMemory;
      space = &module_.memories;
    } else if (kind.text == "global") {
      extern_kind = ExternKind::kGlobal;
      space = &module_.globals;
    } else {
      return Unexpected(kind, "an export kind");
    }
    cursor_.Next();
    KILN_ASSIGN_OR_RETURN(uint32_t index, space->ResolveNext(cursor_));
    KILN_RETURN_IF_ERROR(ExpectRParen(cursor_));
    exports_.Name(name);
    exports_.U8(static_cast<uint8_t>(extern_kind));
    exports_.U32(index);
    ++export_count_;
    return ExpectRParen(cursor_);
  }

  absl::Status EncodeStart(const Token& keyword) {
    if (start_) return Malformed(keyword, "multiple start sections");
    KILN_ASSIGN_OR_RETURN(start_, module_.funcs.ResolveNext(cursor_));
    return ExpectRParen(cursor_);
  }

  // -- Segments ---------------------------------------------------------------------------------

  // ParseOffset reads `(offset instr*)` or one folded instruction, as a constant expression.
  absl::Status ParseOffset(BinaryWriter& out) {
    if (cursor_.PeekIsListOf("offset")) {
      cursor_.Next();
      cursor_.Next();
      KILN_RETURN_IF_ERROR(ParseExpression(cursor_, module_, out));
      return ExpectRParen(cursor_);
    }
    FunctionContext context;
    context.module = &module_;
    KILN_RETURN_IF_ERROR(ParseFoldedInstruction(cursor_, context, out));
    out.U8(kEndOpcode);
    return absl::OkStatus();
  }

  absl::Status ParseFuncIndices(ElemList& list) {
    while (PeekIsIndex(cursor_)) {
      KILN_ASSIGN_OR_RETURN(uint32_t index, module_.funcs.ResolveNext(cursor_));
      BinaryWriter expr;
      expr.U8(kRefFuncOpcode);
      expr.U32(index);
      expr.U8(kEndOpcode);
      list.exprs.push_back(std::move(expr));
      list.func_indices.push_back(index);
    }
    return absl::OkStatus();
  }

  // ParseElemExprs reads `(item instr*)` or single folded instructions.
  absl::Status ParseElemExprs(ElemList& list) {
    while (cursor_.Peek().kind == TokenKind::kLParen) {
      BinaryWriter expr;
      if (cursor_.PeekIsListOf("item")) {
        cursor_.Next();
        cursor_.Next();
        KILN_RETURN_IF_ERROR(ParseExpression(cursor_, module_, expr));
        KILN_RETURN_IF_ERROR(ExpectRParen(cursor_));
      } else {
        FunctionContext context;
        context.module = &module_;
        KILN_RETURN_IF_ERROR(ParseFoldedInstruction(cursor_, context, expr));
        expr.U8(kEndOpcode);
      }
      list.func_indices.push_back(RefFuncIndex(expr.bytes()));
      list.exprs.push_back(std::move(expr));
    }
    return absl::OkStatus();
  }

  // ParseElemList reads `func funcidx*`, `reftype elemexpr*`, or (in the active abbreviation
  // only) bare function indices.
  absl::Status ParseElemList(ElemList& list, bool allow_bare_indices) {
    if (PeekKeyword(cursor_, "func")) {
      cursor_.Next();
      return ParseFuncIndices(list);
    }
    if (PeekValType(cursor_)) {
      KILN_ASSIGN_OR_RETURN(list.type, ParseRefType(cursor_));
      return ParseElemExprs(list);
    }
    if (!allow_bare_indices) return Unexpected(cursor_.Peek(), "an element list");
    return ParseFuncIndices(list);
  }

  absl::Status EncodeElem() {
    OptionalId();
    ElemList list;
    if (PeekKeyword(cursor_, "declare")) {
      cursor_.Next();
      KILN_RETURN_IF_ERROR(ParseElemList(list, /*allow_bare_indices=*/false));
      WriteElemSegment(wasm::SegmentMode::kDeclarative, 0, nullptr, list);
    } else if (cursor_.Peek().kind == TokenKind::kLParen) {
      uint32_t table = 0;
      if (cursor_.PeekIsListOf("table")) {
        cursor_.Next();
        cursor_.Next();
        KILN_ASSIGN_OR_RETURN(table, module_.tables.ResolveNext(cursor_));
        KILN_RETURN_IF_ERROR(ExpectRParen(cursor_));
      }
      BinaryWriter offset;
      KILN_RETURN_IF_ERROR(ParseOffset(offset));
      KILN_RETURN_IF_ERROR(ParseElemList(list, /*allow_bare_indices=*/true));
      WriteElemSegment(wasm::SegmentMode::kActive, table, &offset, list);
    } else {
      KILN_RETURN_IF_ERROR(ParseElemList(list, /*allow_bare_indices=*/false));
      WriteElemSegment(wasm::SegmentMode::kPassive, 0, nullptr, list);
    }
    return ExpectRParen(cursor_);
  }

  // WriteElemSegment picks the binary form wat2wasm picks: function indices whenever every
  // item is a ref.func of a funcref segment, an explicit table index only when it is not 0.
  void WriteElemSegment(wasm::SegmentMode mode, uint32_t table, const BinaryWriter* offset,
                        const ElemList& list) {
    bool indices = list.AllFuncIndices();
    uint8_t flags = indices ? 0 : 4;
    bool explicit_table = false;
    if (mode == wasm::SegmentMode::kPassive) {
      flags |= 1;
    } else if (mode == wasm::SegmentMode::kDeclarative) {
      flags |= 3;
    } else if (table != 0 || list.type != ValType::kFuncRef) {
      flags |= 2;
      explicit_table = true;
    }
    elems_.U8(flags);
    if (explicit_table) elems_.U32(table);
    if (offset != nullptr) elems_.Append(*offset);
    // Flags 0 and 4 imply funcref; every other form spells the element kind or type.
    if (flags != 0 && flags != 4) {
      elems_.U8(indices ? 0x00 : static_cast<uint8_t>(list.type));
    }
    elems_.U32(static_cast<uint32_t>(list.exprs.size()));
    for (size_t i = 0; i < list.exprs.size(); ++i) {
      if (indices) {
        elems_.U32(*list.func_indices[i]);
      } else {
        elems_.Append(list.exprs[i]);
      }
    }
    ++elem_count_;
  }

  absl::Status EncodeData() {
    OptionalId();
    if (cursor_.Peek().kind == TokenKind::kLParen) {
      uint32_t memory = 0;
      if (cursor_.PeekIsListOf("memory")) {
        cursor_.Next();
        cursor_.Next();
        KILN_ASSIGN_OR_RETURN(memory, module_.memories.ResolveNext(cursor_));
        KILN_RETURN_IF_ERROR(ExpectRParen(cursor_));
      }
      datas_.U8(memory == 0 ? 0x00 : 0x02);
      if (memory != 0) datas_.U32(memory);
      KILN_RETURN_IF_ERROR(ParseOffset(datas_));
    } else {
      datas_.U8(0x01);
    }
    datas_.Name(ParseStrings(cursor_));
    ++data_count_;
    return ExpectRParen(cursor_);
  }

  // -- Assembly ---------------------------------------------------------------------------------

  std::vector<uint8_t> Assemble() {
    BinaryWriter out;
    out.Bytes(absl::string_view("\0asm\1\0\0\0", 8));
    BinaryWriter types;
    for (const wasm::FuncType& type : module_.types) {
      types.U8(0x60);
      types.U32(static_cast<uint32_t>(type.params.size()));
      for (ValType t : type.params) types.U8(static_cast<uint8_t>(t));
      types.U32(static_cast<uint32_t>(type.results.size()));
      for (ValType t : type.results) types.U8(static_cast<uint8_t>(t));
    }
    WriteVecSection(out, 1, static_cast<uint32_t>(module_.types.size()), types);
    WriteVecSection(out, 2, import_count_, imports_);
    WriteVecSection(out, 3, function_count_, functions_);
    WriteVecSection(out, 4, table_count_, tables_);
    WriteVecSection(out, 5, memory_count_, memories_);
    WriteVecSection(out, 6, global_count_, globals_);
    WriteVecSection(out, 7, export_count_, exports_);
    if (start_) {
      BinaryWriter start;
      start.U32(*start_);
      WriteSection(out, 8, start);
    }
    WriteVecSection(out, 9, elem_count_, elems_);
    if (module_.uses_data_count) {
      BinaryWriter count;
      count.U32(data_count_);
      WriteSection(out, 12, count);
    }
    WriteVecSection(out, 10, function_count_, codes_);
    WriteVecSection(out, 11, data_count_, datas_);
    // Custom sections may go anywhere; the name section goes last, where the appendix
    // recommends and wat2wasm puts it.
    if (options_.emit_name_section) names_.Write(out);
    return out.Release();
  }

  TokenCursor& cursor_;
  const WatOptions& options_;
  WatModule module_;
  NameSectionBuilder names_;  // filled in the second pass; written only when options_ ask
  std::optional<std::string> first_definition_;  // kind of the first non-imported definition

  // Running indices of the second pass (imports included), matching the first pass's binding.
  uint32_t func_index_ = 0;
  uint32_t table_index_ = 0;
  uint32_t memory_index_ = 0;
  uint32_t global_index_ = 0;

  BinaryWriter imports_, functions_, tables_, memories_, globals_, exports_, elems_, codes_,
      datas_;
  uint32_t import_count_ = 0, function_count_ = 0, table_count_ = 0, memory_count_ = 0,
           global_count_ = 0, export_count_ = 0, elem_count_ = 0, data_count_ = 0;
  std::optional<uint32_t> start_;
};

}  // namespace

absl::StatusOr<std::vector<uint8_t>> EncodeModuleFields(TokenCursor& cursor,
                                                        const Token* module_id,
                                                        const WatOptions& options) {
  return ModuleParser(cursor, module_id, options).Parse();
}

}  // namespace kiln::text
