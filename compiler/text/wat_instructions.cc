// Instructions of the text format, encoded straight to the binary format: plain and folded
// forms, structured blocks with labels, block types, and every immediate kind of opcodes.def
// (memargs with natural alignment, v128 shapes, shuffle and lane indices, table/elem/data
// indices).
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "compiler/base/status_macros.h"
#include "compiler/text/numbers.h"
#include "compiler/text/wat_context.h"
#include "compiler/wasm/opcode.h"

namespace kiln::text {
namespace {

using wasm::ImmKind;
using wasm::Opcode;

void WriteOpcode(BinaryWriter& out, Opcode op) {
  const wasm::OpcodeInfo& info = wasm::Info(op);
  if (info.prefix != 0) {
    out.U8(info.prefix);
    out.U32(info.code);
  } else {
    out.U8(static_cast<uint8_t>(info.code));
  }
}

// NaturalAlignment is the access width in bytes of a load or store, read off its name:
// "i64.load16_s" -> 2, "v128.load8x8_u" -> 8, "f64.store" -> 8, "v128.load32_lane" -> 4.
uint32_t NaturalAlignment(absl::string_view name) {
  size_t dot = name.find('.');
  absl::string_view op = name.substr(dot + 1);
  absl::string_view digits;
  for (absl::string_view verb : {"load", "store"}) {
    if (absl::StartsWith(op, verb)) digits = op.substr(verb.size());
  }
  if (absl::StrContains(digits, 'x')) return 8;  // v128.load8x8_s and friends read 64 bits
  uint32_t bits = 0;
  size_t n = 0;
  while (n < digits.size() && digits[n] >= '0' && digits[n] <= '9') ++n;
  if (n > 0 && absl::SimpleAtoi(digits.substr(0, n), &bits)) return bits / 8;
  absl::string_view type = name.substr(0, dot);
  if (type == "i32" || type == "f32") return 4;
  if (type == "i64" || type == "f64") return 8;
  return 16;
}

uint32_t Log2(uint32_t power_of_two) {
  uint32_t log = 0;
  while ((1u << log) < power_of_two) ++log;
  return log;
}

// InstructionParser encodes the instructions of one function body or constant expression.
class InstructionParser {
 public:
  InstructionParser(TokenCursor& cursor, FunctionContext& context)
      : cursor_(cursor), context_(context), module_(*context.module) {}

  absl::Status ParseSequence(BinaryWriter& out) {
    while (true) {
      const Token& token = cursor_.Peek();
      if (token.kind == TokenKind::kKeyword) {
        if (token.text == "end" || token.text == "else") return absl::OkStatus();
        if (!IsInstruction(token.text)) {
          if (IsStructuralKeyword(token.text)) return absl::OkStatus();
          return UnknownOperator(token);
        }
        KILN_RETURN_IF_ERROR(ParsePlain(out));
      } else if (token.kind == TokenKind::kLParen &&
                 cursor_.Peek(1).kind == TokenKind::kKeyword) {
        const Token& keyword = cursor_.Peek(1);
        if (!IsInstruction(keyword.text)) {
          if (IsStructuralKeyword(keyword.text)) return absl::OkStatus();
          return UnknownOperator(keyword);
        }
        KILN_RETURN_IF_ERROR(ParseFolded(out));
      } else if (token.kind == TokenKind::kReserved) {
        return UnknownOperator(token);
      } else {
        return absl::OkStatus();
      }
    }
  }

  // ParseFolded encodes `(op immediates folded*)`, `(block ...)`, `(loop ...)`, `(if ...)`.
  absl::Status ParseFolded(BinaryWriter& out) {
    KILN_RETURN_IF_ERROR(EnterNesting(cursor_.Peek()));
    absl::Status status = ParseFoldedUnguarded(out);
    --depth_;
    return status;
  }

 private:
  // kMaxNesting bounds the recursion through nested blocks and folded instructions, so that
  // hostile input fails cleanly instead of exhausting the stack.
  static constexpr int kMaxNesting = 10000;

  absl::Status EnterNesting(const Token& at) {
    if (depth_ >= kMaxNesting) {
      return absl::ResourceExhaustedError(
          absl::StrCat("instructions nested too deeply at ", Location(at)));
    }
    ++depth_;
    return absl::OkStatus();
  }

  absl::Status ParseFoldedUnguarded(BinaryWriter& out) {
    if (cursor_.Peek().kind != TokenKind::kLParen) {
      return Unexpected(cursor_.Peek(), "a folded instruction");
    }
    const Token& keyword = cursor_.Peek(1);
    if (keyword.kind != TokenKind::kKeyword) return Unexpected(keyword, "an instruction");
    if (!IsInstruction(keyword.text)) {
      if (IsStructuralKeyword(keyword.text)) return Unexpected(keyword, "an instruction");
      return UnknownOperator(keyword);
    }
    cursor_.Next();
    cursor_.Next();
    if (keyword.text == "block" || keyword.text == "loop") {
      Opcode op = keyword.text == "block" ? Opcode::kBlock : Opcode::kLoop;
      WriteOpcode(out, op);
      KILN_RETURN_IF_ERROR(ParseLabelAndBlockType(out));
      KILN_RETURN_IF_ERROR(ParseSequence(out));
      context_.labels.pop_back();
      out.U8(0x0B);
      return ExpectRParen(cursor_);
    }
    if (keyword.text == "if") return ParseFoldedIf(out);
    KILN_ASSIGN_OR_RETURN(Opcode op, LookupOperator(keyword));
    BinaryWriter immediates;
    KILN_RETURN_IF_ERROR(ParseImmediates(keyword, op, immediates));
    while (cursor_.Peek().kind == TokenKind::kLParen) {
      KILN_RETURN_IF_ERROR(ParseFolded(out));
    }
    KILN_RETURN_IF_ERROR(ExpectRParen(cursor_));
    out.Append(immediates);
    return absl::OkStatus();
  }

  bool IsInstruction(absl::string_view text) const {
    return wasm::LookupText(text).has_value();
  }

  absl::StatusOr<Opcode> LookupOperator(const Token& token) const {
    std::optional<Opcode> op = wasm::LookupText(token.text);
    if (!op) return UnknownOperator(token);
    return *op;
  }

  // -- Structured instructions ------------------------------------------------------------------

  absl::Status ParsePlain(BinaryWriter& out) {
    KILN_RETURN_IF_ERROR(EnterNesting(cursor_.Peek()));
    absl::Status status = ParsePlainUnguarded(out);
    --depth_;
    return status;
  }

  absl::Status ParsePlainUnguarded(BinaryWriter& out) {
    const Token& keyword = cursor_.Next();
    KILN_ASSIGN_OR_RETURN(Opcode op, LookupOperator(keyword));
    if (op == Opcode::kBlock || op == Opcode::kLoop) {
      WriteOpcode(out, op);
      KILN_RETURN_IF_ERROR(ParseLabelAndBlockType(out));
      KILN_RETURN_IF_ERROR(ParseSequence(out));
      KILN_RETURN_IF_ERROR(ParseEnd());
      out.U8(0x0B);
      return absl::OkStatus();
    }
    if (op == Opcode::kIf) {
      WriteOpcode(out, op);
      KILN_RETURN_IF_ERROR(ParseLabelAndBlockType(out));
      KILN_RETURN_IF_ERROR(ParseSequence(out));
      if (PeekKeyword(cursor_, "else")) {
        cursor_.Next();
        KILN_RETURN_IF_ERROR(CheckClosingLabel());
        BinaryWriter else_body;
        KILN_RETURN_IF_ERROR(ParseSequence(else_body));
        // wat2wasm drops an empty else arm; so do we, to stay byte-identical.
        if (!else_body.empty()) {
          out.U8(0x05);
          out.Append(else_body);
        }
      }
      KILN_RETURN_IF_ERROR(ParseEnd());
      out.U8(0x0B);
      return absl::OkStatus();
    }
    if (op == Opcode::kElse || op == Opcode::kEnd) return Unexpected(keyword, "an instruction");
    return ParseImmediates(keyword, op, out);
  }

  // ParseEnd reads a block's `end $label?` and leaves its scope.
  absl::Status ParseEnd() {
    KILN_RETURN_IF_ERROR(ExpectKeyword(cursor_, "end"));
    KILN_RETURN_IF_ERROR(CheckClosingLabel());
    context_.labels.pop_back();
    return absl::OkStatus();
  }

  // CheckClosingLabel accepts an optional $label after `end` or `else`; it must repeat the
  // block's own label.
  absl::Status CheckClosingLabel() {
    if (!PeekIsId(cursor_)) return absl::OkStatus();
    const Token& id = cursor_.Next();
    if (context_.labels.back() != IdKey(id)) return Malformed(id, "mismatching label", id.text);
    return absl::OkStatus();
  }

  absl::Status ParseFoldedIf(BinaryWriter& out) {
    const Token* label = PeekIsId(cursor_) ? &cursor_.Next() : nullptr;
    BinaryWriter block_type;
    KILN_RETURN_IF_ERROR(ParseBlockType(block_type));
    // The condition is evaluated before the `if`, outside the block's label scope.
    while (cursor_.Peek().kind == TokenKind::kLParen && !cursor_.PeekIsListOf("then")) {
      KILN_RETURN_IF_ERROR(ParseFolded(out));
    }
    WriteOpcode(out, Opcode::kIf);
    out.Append(block_type);
    context_.labels.push_back(label != nullptr ? IdKey(*label) : std::string());
    KILN_RETURN_IF_ERROR(ExpectLParen(cursor_));
    KILN_RETURN_IF_ERROR(ExpectKeyword(cursor_, "then"));
    KILN_RETURN_IF_ERROR(ParseSequence(out));
    KILN_RETURN_IF_ERROR(ExpectRParen(cursor_));
    if (cursor_.PeekIsListOf("else")) {
      cursor_.Next();
      cursor_.Next();
      BinaryWriter else_body;
      KILN_RETURN_IF_ERROR(ParseSequence(else_body));
      KILN_RETURN_IF_ERROR(ExpectRParen(cursor_));
      if (!else_body.empty()) {
        out.U8(0x05);
        out.Append(else_body);
      }
    }
    context_.labels.pop_back();
    out.U8(0x0B);
    return ExpectRParen(cursor_);
  }

  // ParseLabelAndBlockType reads `$label? blocktype`, writes the block type and enters the
  // block's label scope.
  absl::Status ParseLabelAndBlockType(BinaryWriter& out) {
    const Token* label = PeekIsId(cursor_) ? &cursor_.Next() : nullptr;
    KILN_RETURN_IF_ERROR(ParseBlockType(out));
    context_.labels.push_back(label != nullptr ? IdKey(*label) : std::string());
    return absl::OkStatus();
  }

  // ParseBlockType writes 0x40, a value type, or an s33 type index. Like wat2wasm, a type use
  // whose type has no params and at most one result takes the short form.
  absl::Status ParseBlockType(BinaryWriter& out) {
    const Token& at = cursor_.Peek();
    KILN_ASSIGN_OR_RETURN(TypeUse use, ParseTypeUse(cursor_, /*allow_param_names=*/false));
    wasm::FuncType type = use.inline_type;
    if (use.type_token != nullptr) {
      KILN_ASSIGN_OR_RETURN(uint32_t index, module_.ResolveTypeUse(use, at, &type));
      if (index >= module_.types.size() || !type.params.empty() || type.results.size() > 1) {
        out.S33(index);
        return absl::OkStatus();
      }
    }
    if (type.params.empty() && type.results.empty()) {
      out.U8(0x40);
    } else if (type.params.empty() && type.results.size() == 1) {
      out.U8(static_cast<uint8_t>(type.results[0]));
    } else {
      out.S33(module_.FindOrAddType(type));
    }
    return absl::OkStatus();
  }

  // -- Immediates -------------------------------------------------------------------------------

  absl::StatusOr<uint32_t> ParseLabel() {
    const Token& token = cursor_.Peek();
    if (token.kind == TokenKind::kId) {
      std::string key = IdKey(token);
      for (size_t i = context_.labels.size(); i-- > 0;) {
        if (context_.labels[i] == key) {
          cursor_.Next();
          return static_cast<uint32_t>(context_.labels.size() - 1 - i);
        }
      }
      return Malformed(token, "unknown label", token.text);
    }
    if (token.kind != TokenKind::kNumber) return Unexpected(token, "a label");
    absl::StatusOr<uint32_t> depth = ParseU32(token.text);
    if (!depth.ok()) return NumberError(token, depth.status(), "i32 constant out of range");
    cursor_.Next();
    return *depth;
  }

  absl::Status ParseImmediates(const Token& keyword, Opcode op, BinaryWriter& out) {
    const wasm::OpcodeInfo& info = wasm::Info(op);
    switch (info.immediate) {
      case ImmKind::kNone:
        if (op == Opcode::kSelect) return ParseSelect(out);
        WriteOpcode(out, op);
        return absl::OkStatus();
      case ImmKind::kBlockType:
        // Handled by the structured forms; reaching here means `block` as a folded child
        // of a plain operator, which ParseFolded already routed.
        return Unexpected(keyword, "an instruction");
      case ImmKind::kLabel: {
        WriteOpcode(out, op);
        KILN_ASSIGN_OR_RETURN(uint32_t depth, ParseLabel());
        out.U32(depth);
        return absl::OkStatus();
      }
      case ImmKind::kBrTable: {
        WriteOpcode(out, op);
        std::vector<uint32_t> depths;
        while (PeekIsIndex(cursor_)) {
          KILN_ASSIGN_OR_RETURN(uint32_t depth, ParseLabel());
          depths.push_back(depth);
        }
        if (depths.empty()) return Unexpected(cursor_.Peek(), "a label");
        out.U32(static_cast<uint32_t>(depths.size() - 1));
        for (uint32_t depth : depths) out.U32(depth);
        return absl::OkStatus();
      }
      case ImmKind::kFunc:
        return WriteIndex(out, op, module_.funcs);
      case ImmKind::kCallIndirect: {
        WriteOpcode(out, op);
        uint32_t table = 0;
        if (PeekIsIndex(cursor_)) {
          KILN_ASSIGN_OR_RETURN(table, module_.tables.ResolveNext(cursor_));
        }
        const Token& at = cursor_.Peek();
        KILN_ASSIGN_OR_RETURN(TypeUse use, ParseTypeUse(cursor_, /*allow_param_names=*/false));
        KILN_ASSIGN_OR_RETURN(uint32_t type, module_.ResolveTypeUse(use, at, nullptr));
        out.U32(type);
        out.U32(table);
        return absl::OkStatus();
      }
      case ImmKind::kLocal:
        return WriteIndex(out, op, context_.locals);
      case ImmKind::kGlobal:
        return WriteIndex(out, op, module_.globals);
      case ImmKind::kTable: {
        WriteOpcode(out, op);
        uint32_t table = 0;
        if (PeekIsIndex(cursor_)) {
          KILN_ASSIGN_OR_RETURN(table, module_.tables.ResolveNext(cursor_));
        }
        out.U32(table);
        return absl::OkStatus();
      }
      case ImmKind::kMemArg:
        WriteOpcode(out, op);
        return ParseMemArg(keyword, out);
      case ImmKind::kMemory:
        WriteOpcode(out, op);
        out.U8(0x00);
        return absl::OkStatus();
      case ImmKind::kI32: {
        KILN_ASSIGN_OR_RETURN(const Token* token, ExpectNumber());
        absl::StatusOr<uint32_t> value = ParseI32(token->text);
        if (!value.ok()) return NumberError(*token, value.status());
        WriteOpcode(out, op);
        out.S32(static_cast<int32_t>(*value));
        return absl::OkStatus();
      }
      case ImmKind::kI64: {
        KILN_ASSIGN_OR_RETURN(const Token* token, ExpectNumber());
        absl::StatusOr<uint64_t> value = ParseI64(token->text);
        if (!value.ok()) return NumberError(*token, value.status());
        WriteOpcode(out, op);
        out.S64(static_cast<int64_t>(*value));
        return absl::OkStatus();
      }
      case ImmKind::kF32: {
        KILN_ASSIGN_OR_RETURN(const Token* token, ExpectNumber());
        absl::StatusOr<uint32_t> bits = ParseF32(token->text);
        if (!bits.ok()) return NumberError(*token, bits.status());
        WriteOpcode(out, op);
        out.Fixed32(*bits);
        return absl::OkStatus();
      }
      case ImmKind::kF64: {
        KILN_ASSIGN_OR_RETURN(const Token* token, ExpectNumber());
        absl::StatusOr<uint64_t> bits = ParseF64(token->text);
        if (!bits.ok()) return NumberError(*token, bits.status());
        WriteOpcode(out, op);
        out.Fixed64(*bits);
        return absl::OkStatus();
      }
      case ImmKind::kSelectTypes:
        return ParseSelect(out);
      case ImmKind::kRefType: {
        WriteOpcode(out, op);
        const Token& token = cursor_.Peek();
        if (PeekKeyword(cursor_, "func")) {
          out.U8(static_cast<uint8_t>(wasm::ValType::kFuncRef));
        } else if (PeekKeyword(cursor_, "extern")) {
          out.U8(static_cast<uint8_t>(wasm::ValType::kExternRef));
        } else {
          return Unexpected(token, "\"func\" or \"extern\"");
        }
        cursor_.Next();
        return absl::OkStatus();
      }
      case ImmKind::kMemoryInit:
        module_.uses_data_count = true;
        KILN_RETURN_IF_ERROR(WriteIndex(out, op, module_.datas));
        out.U8(0x00);
        return absl::OkStatus();
      case ImmKind::kData:
        module_.uses_data_count = true;
        return WriteIndex(out, op, module_.datas);
      case ImmKind::kMemoryCopy:
        WriteOpcode(out, op);
        out.U8(0x00);
        out.U8(0x00);
        return absl::OkStatus();
      case ImmKind::kTableInit: {
        // table.init $table $elem, or table.init $elem for table 0.
        WriteOpcode(out, op);
        const Token& first = cursor_.Peek();
        if (!PeekIsIndex(cursor_)) return Unexpected(first, "an elem index");
        cursor_.Next();
        uint32_t table = 0;
        uint32_t elem;
        if (PeekIsIndex(cursor_)) {
          KILN_ASSIGN_OR_RETURN(table, module_.tables.Resolve(first));
          KILN_ASSIGN_OR_RETURN(elem, module_.elems.ResolveNext(cursor_));
        } else {
          KILN_ASSIGN_OR_RETURN(elem, module_.elems.Resolve(first));
        }
        out.U32(elem);
        out.U32(table);
        return absl::OkStatus();
      }
      case ImmKind::kElem:
        return WriteIndex(out, op, module_.elems);
      case ImmKind::kTableCopy: {
        WriteOpcode(out, op);
        uint32_t destination = 0;
        uint32_t source = 0;
        if (PeekIsIndex(cursor_)) {
          KILN_ASSIGN_OR_RETURN(destination, module_.tables.ResolveNext(cursor_));
          KILN_ASSIGN_OR_RETURN(source, module_.tables.ResolveNext(cursor_));
        }
        out.U32(destination);
        out.U32(source);
        return absl::OkStatus();
      }
      case ImmKind::kV128:
        WriteOpcode(out, op);
        return ParseV128Const(out);
      case ImmKind::kShuffle:
        WriteOpcode(out, op);
        return ParseShuffle(out);
      case ImmKind::kLane: {
        WriteOpcode(out, op);
        KILN_ASSIGN_OR_RETURN(uint8_t lane, ParseLaneIndex());
        out.U8(lane);
        return absl::OkStatus();
      }
      case ImmKind::kMemArgLane: {
        WriteOpcode(out, op);
        KILN_RETURN_IF_ERROR(ParseMemArg(keyword, out));
        KILN_ASSIGN_OR_RETURN(uint8_t lane, ParseLaneIndex());
        out.U8(lane);
        return absl::OkStatus();
      }
    }
    return Unexpected(keyword, "an instruction");
  }

  absl::Status WriteIndex(BinaryWriter& out, Opcode op, const IndexSpace& space) {
    WriteOpcode(out, op);
    KILN_ASSIGN_OR_RETURN(uint32_t index, space.ResolveNext(cursor_));
    out.U32(index);
    return absl::OkStatus();
  }

  // ExpectNumber takes the literal of a *.const. Keywords such as nan:canonical belong to
  // scripts, not modules, so they are unexpected here.
  absl::StatusOr<const Token*> ExpectNumber() {
    const Token& token = cursor_.Peek();
    if (token.kind != TokenKind::kNumber) return Unexpected(token, "a number");
    cursor_.Next();
    return &token;
  }

  // ParseSelect writes `select` or, with `(result t*)` clauses, the typed select.
  absl::Status ParseSelect(BinaryWriter& out) {
    if (!cursor_.PeekIsListOf("result")) {
      WriteOpcode(out, Opcode::kSelect);
      return absl::OkStatus();
    }
    std::vector<wasm::ValType> types;
    while (cursor_.PeekIsListOf("result")) {
      cursor_.Next();
      cursor_.Next();
      while (cursor_.Peek().kind != TokenKind::kRParen) {
        KILN_ASSIGN_OR_RETURN(wasm::ValType type, ParseValType(cursor_));
        types.push_back(type);
      }
      cursor_.Next();
    }
    WriteOpcode(out, Opcode::kSelectT);
    out.U32(static_cast<uint32_t>(types.size()));
    for (wasm::ValType type : types) out.U8(static_cast<uint8_t>(type));
    return absl::OkStatus();
  }

  // ParseMemArg reads `offset=N? align=N?` and writes the alignment exponent and the offset.
  absl::Status ParseMemArg(const Token& keyword, BinaryWriter& out) {
    uint32_t offset = 0;
    uint32_t align = NaturalAlignment(keyword.text);
    if (cursor_.Peek().kind == TokenKind::kKeyword &&
        absl::StartsWith(cursor_.Peek().text, "offset=")) {
      const Token& token = cursor_.Next();
      absl::StatusOr<uint32_t> value = ParseU32(token.text.substr(7));
      if (!value.ok()) return NumberError(token, value.status(), "i32 constant out of range");
      offset = *value;
    }
    if (cursor_.Peek().kind == TokenKind::kKeyword &&
        absl::StartsWith(cursor_.Peek().text, "align=")) {
      const Token& token = cursor_.Next();
      absl::StatusOr<uint32_t> value = ParseU32(token.text.substr(6));
      if (!value.ok()) return NumberError(token, value.status(), "i32 constant out of range");
      if (*value == 0 || (*value & (*value - 1)) != 0) {
        return Malformed(token, "alignment must be a power of two", token.text);
      }
      align = *value;
    }
    out.U32(Log2(align));
    out.U32(offset);
    return absl::OkStatus();
  }

  // ParseLaneIndex reads the lane of extract_lane, replace_lane and the lane loads/stores: a
  // plain natural number below 256.
  absl::StatusOr<uint8_t> ParseLaneIndex() {
    const Token& token = cursor_.Peek();
    if (token.kind != TokenKind::kNumber || token.text[0] < '0' || token.text[0] > '9') {
      return Unexpected(token, "a lane index");
    }
    absl::StatusOr<uint32_t> lane = ParseU32(token.text);
    if (!lane.ok()) {
      if (absl::StrContains(lane.status().message(), "out of range")) {
        return Malformed(token, "malformed lane index", token.text);
      }
      return Unexpected(token, "a lane index");
    }
    if (*lane > 255) return Malformed(token, "malformed lane index", token.text);
    cursor_.Next();
    return static_cast<uint8_t>(*lane);
  }

  absl::Status ParseShuffle(BinaryWriter& out) {
    std::vector<const Token*> lanes;
    while (cursor_.Peek().kind == TokenKind::kNumber ||
           cursor_.Peek().kind == TokenKind::kReserved) {
      lanes.push_back(&cursor_.Next());
    }
    if (lanes.size() != 16) {
      return Malformed(cursor_.Peek(), "invalid lane length",
                       absl::StrCat("i8x16.shuffle needs 16 lane indices, got ", lanes.size()));
    }
    for (const Token* token : lanes) {
      absl::StatusOr<uint32_t> lane = ParseU32(token->text);
      if (!lane.ok() || *lane > 255 || token->text[0] < '0' || token->text[0] > '9') {
        return Malformed(*token, "malformed lane index", token->text);
      }
      out.U8(static_cast<uint8_t>(*lane));
    }
    return absl::OkStatus();
  }

  absl::Status ParseV128Const(BinaryWriter& out) {
    const Token& shape = cursor_.Peek();
    if (shape.kind != TokenKind::kKeyword) return Unexpected(shape, "a v128 shape");
    int lanes;
    absl::string_view s = shape.text;
    if (s == "i8x16") {
      lanes = 16;
    } else if (s == "i16x8") {
      lanes = 8;
    } else if (s == "i32x4" || s == "f32x4") {
      lanes = 4;
    } else if (s == "i64x2" || s == "f64x2") {
      lanes = 2;
    } else {
      return Unexpected(shape, "a v128 shape");
    }
    cursor_.Next();
    std::vector<const Token*> literals;
    // Keywords such as nan:1 are malformed float literals, not the next instruction.
    while (cursor_.Peek().kind == TokenKind::kNumber ||
           cursor_.Peek().kind == TokenKind::kReserved ||
           (cursor_.Peek().kind == TokenKind::kKeyword &&
            (absl::StartsWith(cursor_.Peek().text, "nan") ||
             absl::StartsWith(cursor_.Peek().text, "inf")))) {
      literals.push_back(&cursor_.Next());
    }
    if (literals.size() != static_cast<size_t>(lanes)) {
      return Malformed(shape, "wrong number of lane literals",
                       absl::StrCat(s, " needs ", lanes, ", got ", literals.size()));
    }
    for (const Token* token : literals) {
      if (token->kind != TokenKind::kNumber) return Unexpected(*token, "a number");
      absl::Status status;
      if (s == "i8x16") {
        absl::StatusOr<uint8_t> v = ParseI8(token->text);
        if (v.ok()) out.U8(*v);
        status = v.status();
      } else if (s == "i16x8") {
        absl::StatusOr<uint16_t> v = ParseI16(token->text);
        if (v.ok()) {
          out.U8(static_cast<uint8_t>(*v));
          out.U8(static_cast<uint8_t>(*v >> 8));
        }
        status = v.status();
      } else if (s == "i32x4") {
        absl::StatusOr<uint32_t> v = ParseI32(token->text);
        if (v.ok()) out.Fixed32(*v);
        status = v.status();
      } else if (s == "i64x2") {
        absl::StatusOr<uint64_t> v = ParseI64(token->text);
        if (v.ok()) out.Fixed64(*v);
        status = v.status();
      } else if (s == "f32x4") {
        absl::StatusOr<uint32_t> v = ParseF32(token->text);
        if (v.ok()) out.Fixed32(*v);
        status = v.status();
      } else {
        absl::StatusOr<uint64_t> v = ParseF64(token->text);
        if (v.ok()) out.Fixed64(*v);
        status = v.status();
      }
      if (!status.ok()) return NumberError(*token, status);
    }
    return absl::OkStatus();
  }

  TokenCursor& cursor_;
  FunctionContext& context_;
  WatModule& module_;
  int depth_ = 0;
};

}  // namespace

absl::Status ParseInstructions(TokenCursor& cursor, FunctionContext& context, BinaryWriter& out) {
  return InstructionParser(cursor, context).ParseSequence(out);
}

absl::Status ParseFoldedInstruction(TokenCursor& cursor, FunctionContext& context,
                                    BinaryWriter& out) {
  return InstructionParser(cursor, context).ParseFolded(out);
}

absl::Status ParseExpression(TokenCursor& cursor, WatModule& module, BinaryWriter& out) {
  FunctionContext context;
  context.module = &module;
  KILN_RETURN_IF_ERROR(ParseInstructions(cursor, context, out));
  out.U8(0x0B);
  return absl::OkStatus();
}

}  // namespace kiln::text
