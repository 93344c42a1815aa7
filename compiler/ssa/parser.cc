// The text parser: a hand-written recursive-descent reader over the characters, line-aware
// only where the grammar needs it (an instruction ends at the end of its line, so that an
// operand list may be empty). Ids are kept as written; blocks may be referenced before their
// header, values before their definition (the verifier judges dominance later).
#include "compiler/ssa/parser.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "compiler/base/status_macros.h"

namespace kiln::ssa {
namespace {

bool IsWordChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}

bool IsBareNameChar(char c) { return IsWordChar(c) || c == '$' || c == '-'; }

// kMaxId bounds value and block ids: tables are indexed by id, so a hostile `v4000000000`
// must not allocate gigabytes.
constexpr uint32_t kMaxId = 1u << 24;

// ParseIndexed reads "<prefix><decimal>" (v12, block3, mem0, fn7, sig2).
std::optional<uint32_t> ParseIndexed(absl::string_view word, absl::string_view prefix) {
  if (!absl::ConsumePrefix(&word, prefix) || word.empty()) return std::nullopt;
  for (char c : word) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  if (word.size() > 1 && word[0] == '0') return std::nullopt;  // one spelling per id
  uint32_t value;
  if (!absl::SimpleAtoi(word, &value)) return std::nullopt;
  return value;
}

// ParseUnsigned reads a decimal or 0x-hexadecimal u64.
bool ParseUnsigned(absl::string_view text, uint64_t* value) {
  if (absl::ConsumePrefix(&text, "0x") || absl::ConsumePrefix(&text, "0X")) {
    if (text.empty() || text.size() > 16) return false;
    uint64_t v = 0;
    for (char c : text) {
      int digit;
      if (c >= '0' && c <= '9') {
        digit = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        digit = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        digit = c - 'A' + 10;
      } else {
        return false;
      }
      v = v * 16 + static_cast<uint64_t>(digit);
    }
    *value = v;
    return true;
  }
  return !text.empty() && absl::ascii_isdigit(static_cast<unsigned char>(text[0])) &&
         absl::SimpleAtoi(text, value);
}

class Parser {
 public:
  explicit Parser(absl::string_view text) : text_(text) {}

  absl::StatusOr<std::vector<Function>> ParseAll() {
    std::vector<Function> fns;
    SkipSpace();
    while (pos_ < text_.size()) {
      KILN_ASSIGN_OR_RETURN(Function fn, ParseFunction());
      fns.push_back(std::move(fn));
      SkipSpace();
    }
    return fns;
  }

 private:
  // -- Characters ---------------------------------------------------------------------------

  absl::Status ErrorAt(size_t pos, absl::string_view message) const {
    int line = 1;
    int column = 1;
    for (size_t i = 0; i < pos && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    return absl::InvalidArgumentError(absl::StrCat(line, ":", column, ": ", message));
  }
  absl::Status Error(absl::string_view message) const { return ErrorAt(pos_, message); }

  // Describe names what is at the cursor, for "expected X, got Y" messages.
  std::string Describe() const {
    if (pos_ >= text_.size()) return "end of text";
    if (text_[pos_] == '\n') return "end of line";
    size_t end = pos_;
    while (end < text_.size() && IsWordChar(text_[end])) ++end;
    if (end == pos_) end = pos_ + 1;
    return absl::StrCat("'", text_.substr(pos_, end - pos_), "'");
  }

  absl::Status Expected(absl::string_view what) const {
    return Error(absl::StrCat("expected ", what, ", got ", Describe()));
  }

  // SkipSpace skips blanks, newlines and comments.
  void SkipSpace() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        ++pos_;
      } else if (c == ';') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else {
        break;
      }
    }
  }

  // SkipBlanks skips blanks on the current line.
  void SkipBlanks() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  // AtLineEnd: only blanks and a comment remain on this line.
  bool AtLineEnd() {
    SkipBlanks();
    return pos_ >= text_.size() || text_[pos_] == '\n' || text_[pos_] == ';';
  }

  absl::Status ExpectLineEnd() {
    if (!AtLineEnd()) return Expected("end of line");
    SkipSpace();
    return absl::OkStatus();
  }

  bool Peek(char c) {
    SkipBlanks();
    return pos_ < text_.size() && text_[pos_] == c;
  }

  bool Consume(char c) {
    if (!Peek(c)) return false;
    ++pos_;
    return true;
  }

  absl::Status Expect(char c) {
    if (Consume(c)) return absl::OkStatus();
    return Expected(absl::StrCat("'", std::string(1, c), "'"));
  }

  absl::string_view ReadWord() {
    SkipBlanks();
    size_t start = pos_;
    while (pos_ < text_.size() && IsWordChar(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  // ReadLiteral reads a number-like token: digits, letters, '.', ':', '+', '-', '_'.
  absl::string_view ReadLiteral() {
    SkipBlanks();
    size_t start = pos_;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (!(IsWordChar(c) || c == ':' || c == '+' || c == '-')) break;
      ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }

  absl::StatusOr<uint32_t> ExpectIndexed(absl::string_view prefix, absl::string_view what) {
    SkipBlanks();
    size_t start = pos_;
    absl::string_view word = ReadWord();
    std::optional<uint32_t> id = ParseIndexed(word, prefix);
    if (!id) {
      pos_ = start;
      return Expected(what);
    }
    if ((prefix == "v" || prefix == "block") && *id >= kMaxId) {
      return ErrorAt(start, absl::StrCat(word, ": id too large (the limit is ", kMaxId, ")"));
    }
    return *id;
  }

  // -- Types and signatures ---------------------------------------------------------------

  absl::StatusOr<Type> ParseType() {
    SkipBlanks();
    size_t start = pos_;
    absl::string_view word = ReadWord();
    std::optional<Type> type = LookupType(word);
    if (!type) {
      pos_ = start;
      return Expected("a type");
    }
    return *type;
  }

  absl::StatusOr<std::vector<Type>> ParseTypeList() {
    std::vector<Type> types;
    do {
      KILN_ASSIGN_OR_RETURN(Type type, ParseType());
      types.push_back(type);
    } while (Consume(','));
    return types;
  }

  absl::StatusOr<Signature> ParseSignature() {
    Signature sig;
    KILN_RETURN_IF_ERROR(Expect('('));
    if (!Consume(')')) {
      KILN_ASSIGN_OR_RETURN(sig.params, ParseTypeList());
      KILN_RETURN_IF_ERROR(Expect(')'));
    }
    SkipBlanks();
    if (text_.substr(pos_, 2) == "->") {
      pos_ += 2;
      KILN_ASSIGN_OR_RETURN(sig.results, ParseTypeList());
    }
    return sig;
  }

  absl::StatusOr<std::string> ParseFunctionName() {
    KILN_RETURN_IF_ERROR(Expect('%'));
    std::string name;
    if (pos_ < text_.size() && text_[pos_] == '"') {
      ++pos_;
      while (true) {
        if (pos_ >= text_.size() || text_[pos_] == '\n') return Error("unterminated function name");
        char c = text_[pos_++];
        if (c == '"') break;
        if (c != '\\') {
          name += c;
          continue;
        }
        if (pos_ < text_.size() && (text_[pos_] == '"' || text_[pos_] == '\\')) {
          name += text_[pos_++];
          continue;
        }
        uint64_t byte;
        if (pos_ + 2 > text_.size() ||
            !ParseUnsigned(absl::StrCat("0x", text_.substr(pos_, 2)), &byte)) {
          return Error("bad escape in function name");
        }
        name += static_cast<char>(byte);
        pos_ += 2;
      }
      return name;
    }
    size_t start = pos_;
    while (pos_ < text_.size() && IsBareNameChar(text_[pos_])) ++pos_;
    if (pos_ == start) return Expected("a function name");
    return std::string(text_.substr(start, pos_ - start));
  }

  // -- Functions ----------------------------------------------------------------------------

  absl::StatusOr<Function> ParseFunction() {
    size_t start = pos_;
    if (ReadWord() != "function") {
      pos_ = start;
      return Expected("'function'");
    }
    KILN_ASSIGN_OR_RETURN(std::string name, ParseFunctionName());
    KILN_ASSIGN_OR_RETURN(Signature signature, ParseSignature());
    fn_ = Function(std::move(name), std::move(signature));
    block_ = nullptr;
    defined_blocks_.clear();
    block_refs_.clear();
    value_uses_.clear();
    KILN_RETURN_IF_ERROR(Expect('{'));
    KILN_RETURN_IF_ERROR(ExpectLineEnd());

    while (true) {
      SkipSpace();
      if (pos_ >= text_.size()) return Error("expected '}' at the end of the function");
      if (Consume('}')) break;
      size_t line_start = pos_;
      absl::string_view word = ReadWord();
      if (ParseIndexed(word, "sig") && Peek('=')) {
        KILN_RETURN_IF_ERROR(ParseSignatureDecl(line_start, word));
      } else if (ParseIndexed(word, "block") && (Peek('(') || Peek(':'))) {
        pos_ = line_start;
        KILN_RETURN_IF_ERROR(ParseBlockHeader());
      } else {
        pos_ = line_start;
        if (block_ == nullptr) return Error("instruction before the first block");
        KILN_RETURN_IF_ERROR(ParseInstruction());
      }
    }
    KILN_RETURN_IF_ERROR(ExpectLineEnd());
    return Finish();
  }

  absl::StatusOr<Function> Finish() {
    for (const auto& [id, ref_pos] : block_refs_) {
      if (!defined_.contains(id)) {
        return ErrorAt(ref_pos, absl::StrCat("block", id, " is used but not defined"));
      }
    }
    for (const auto& [id, use_pos] : value_uses_) {
      if (!fn_.IsDefined(Value(id))) {
        return ErrorAt(use_pos, absl::StrCat("v", id, " is used but not defined"));
      }
    }
    fn_.SetLayout(defined_blocks_);
    defined_.clear();
    return std::move(fn_);
  }

  absl::Status ParseSignatureDecl(size_t line_start, absl::string_view word) {
    uint32_t index = *ParseIndexed(word, "sig");
    if (index != fn_.signatures().size()) {
      return ErrorAt(line_start, absl::StrCat("expected sig", fn_.signatures().size(),
                                              " (signatures are numbered in order)"));
    }
    if (block_ != nullptr) return ErrorAt(line_start, "signatures must precede the blocks");
    KILN_RETURN_IF_ERROR(Expect('='));
    KILN_ASSIGN_OR_RETURN(Signature sig, ParseSignature());
    // Not AddSignature, which deduplicates: the numbering must stay as written.
    fn_.AppendSignature(std::move(sig));
    return ExpectLineEnd();
  }

  // BlockRef returns block `id`, creating it on first reference.
  Block* BlockRef(uint32_t id, size_t ref_pos) {
    if (Block* block = fn_.block(id)) return block;
    block_refs_.emplace(id, ref_pos);
    return fn_.CreateBlockWithId(id);
  }

  absl::Status ParseBlockHeader() {
    size_t start = pos_;
    KILN_ASSIGN_OR_RETURN(uint32_t id, ExpectIndexed("block", "a block"));
    if (defined_.contains(id))
      return ErrorAt(start, absl::StrCat("block", id, " is defined twice"));
    Block* block = BlockRef(id, start);
    defined_.insert(id);
    defined_blocks_.push_back(block);
    block_ = block;
    if (Consume('(')) {
      if (!Consume(')')) {
        do {
          SkipBlanks();
          size_t value_pos = pos_;
          KILN_ASSIGN_OR_RETURN(uint32_t value_id, ExpectIndexed("v", "a value"));
          KILN_RETURN_IF_ERROR(Expect(':'));
          KILN_ASSIGN_OR_RETURN(Type type, ParseType());
          if (!fn_.IsValueIdFree(value_id)) {
            return ErrorAt(value_pos, absl::StrCat("v", value_id, " is defined twice"));
          }
          fn_.AddBlockParamWithId(block, type, value_id);
        } while (Consume(','));
        KILN_RETURN_IF_ERROR(Expect(')'));
      }
    }
    KILN_RETURN_IF_ERROR(Expect(':'));
    return ExpectLineEnd();
  }

  // -- Instructions -------------------------------------------------------------------------

  absl::StatusOr<Value> ParseValue() {
    SkipBlanks();
    size_t start = pos_;
    KILN_ASSIGN_OR_RETURN(uint32_t id, ExpectIndexed("v", "a value"));
    value_uses_.emplace(id, start);
    return Value(id);
  }

  // ParseValueList reads "a, b, c" into `out` (at least one value).
  absl::Status ParseValueList(absl::InlinedVector<Value, 3>& out) {
    do {
      KILN_ASSIGN_OR_RETURN(Value v, ParseValue());
      out.push_back(v);
    } while (Consume(','));
    return absl::OkStatus();
  }

  // ParseArgsInParens reads "(a, b)" or "()" and appends to inst->args.
  absl::Status ParseArgsInParens(Inst* inst) {
    KILN_RETURN_IF_ERROR(Expect('('));
    if (Consume(')')) return absl::OkStatus();
    KILN_RETURN_IF_ERROR(ParseValueList(inst->args));
    return Expect(')');
  }

  absl::Status ParseBlockCall(BlockCall& call) {
    SkipBlanks();
    size_t start = pos_;
    KILN_ASSIGN_OR_RETURN(uint32_t id, ExpectIndexed("block", "a block"));
    call.block = BlockRef(id, start);
    if (Consume('(') && !Consume(')')) {
      do {
        KILN_ASSIGN_OR_RETURN(Value v, ParseValue());
        call.args.push_back(v);
      } while (Consume(','));
      KILN_RETURN_IF_ERROR(Expect(')'));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<uint64_t> ParseUnsignedLiteral(absl::string_view what) {
    SkipBlanks();
    size_t start = pos_;
    uint64_t value;
    if (!ParseUnsigned(ReadLiteral(), &value)) {
      pos_ = start;
      return Expected(what);
    }
    return value;
  }

  // ParseLane reads a lane index; the verifier checks it against the opcode's lane count.
  absl::StatusOr<uint8_t> ParseLane() {
    size_t start = pos_;
    KILN_ASSIGN_OR_RETURN(uint64_t lane, ParseUnsignedLiteral("a lane index"));
    if (lane > 255) return ErrorAt(start, "lane index out of range");
    return static_cast<uint8_t>(lane);
  }

  absl::StatusOr<uint64_t> ParseIntConst(Type type) {
    SkipBlanks();
    size_t start = pos_;
    absl::string_view token = ReadLiteral();
    bool negative = absl::ConsumePrefix(&token, "-");
    uint64_t magnitude;
    if (!ParseUnsigned(token, &magnitude)) {
      pos_ = start;
      return Expected("an integer");
    }
    const bool i32 = type == Type::kI32;
    const uint64_t max_positive = i32 ? 0xffffffffu : ~uint64_t{0};
    const uint64_t max_negative = i32 ? uint64_t{1} << 31 : uint64_t{1} << 63;
    if (negative ? magnitude > max_negative : magnitude > max_positive) {
      return ErrorAt(start, absl::StrCat("integer out of range for ", TypeName(type)));
    }
    uint64_t bits = negative ? 0 - magnitude : magnitude;
    return i32 ? (bits & 0xffffffffu) : bits;
  }

  absl::StatusOr<uint64_t> ParseFloatConst(Type type) {
    SkipBlanks();
    size_t start = pos_;
    std::string token(ReadLiteral());
    const bool f32 = type == Type::kF32;
    const int mantissa_bits = f32 ? 23 : 52;
    const uint64_t sign_bit = uint64_t{1} << (f32 ? 31 : 63);
    const uint64_t exponent_bits = (f32 ? uint64_t{0xff} : uint64_t{0x7ff}) << mantissa_bits;
    absl::string_view rest = token;
    bool negative = absl::ConsumePrefix(&rest, "-");
    uint64_t sign = negative ? sign_bit : 0;
    if (rest == "inf") return sign | exponent_bits;
    if (absl::ConsumePrefix(&rest, "nan:")) {
      uint64_t payload;
      if (!ParseUnsigned(rest, &payload) || payload == 0 ||
          payload >= (uint64_t{1} << mantissa_bits)) {
        return ErrorAt(start, "bad NaN payload");
      }
      return sign | exponent_bits | payload;
    }
    if (rest.empty() ||
        !(absl::ascii_isdigit(static_cast<unsigned char>(rest[0])) || rest[0] == '.')) {
      pos_ = start;
      return Expected("a float");
    }
    char* end = nullptr;
    if (f32) {
      float value = std::strtof(token.c_str(), &end);
      if (end != token.c_str() + token.size()) return ErrorAt(start, "bad float");
      uint32_t bits;
      std::memcpy(&bits, &value, sizeof(bits));
      return bits;
    }
    double value = std::strtod(token.c_str(), &end);
    if (end != token.c_str() + token.size()) return ErrorAt(start, "bad float");
    uint64_t bits;
    std::memcpy(&bits, &value, sizeof(bits));
    return bits;
  }

  absl::Status ParseV128(V128Bytes& bytes) {
    SkipBlanks();
    size_t start = pos_;
    absl::string_view token = ReadWord();
    if (!absl::ConsumePrefix(&token, "0x") || token.empty() || token.size() > 32) {
      pos_ = start;
      return Expected("a 128-bit hex constant (0x...)");
    }
    bytes.fill(0);
    // Digits run from the most significant nibble; byte 0 is the least significant.
    for (size_t i = 0; i < token.size(); ++i) {
      char c = token[token.size() - 1 - i];
      int digit;
      if (c >= '0' && c <= '9') {
        digit = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        digit = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        digit = c - 'A' + 10;
      } else {
        return ErrorAt(start, "bad hex digit in v128 constant");
      }
      bytes[i / 2] |= static_cast<uint8_t>(digit << ((i % 2) * 4));
    }
    return absl::OkStatus();
  }

  // ParseAddress reads "vN" or "vN+offset" into args[0] and imm.
  absl::Status ParseAddress(Inst* inst) {
    KILN_ASSIGN_OR_RETURN(Value base, ParseValue());
    inst->args.push_back(base);
    if (pos_ < text_.size() && text_[pos_] == '+') {
      ++pos_;
      KILN_ASSIGN_OR_RETURN(inst->imm, ParseUnsignedLiteral("an offset"));
    }
    return absl::OkStatus();
  }

  // ParseRemainingOperands reads ", b, c" until the table's fixed operand count is reached.
  absl::Status ParseRemainingOperands(Inst* inst) {
    while (inst->args.size() < inst->info().num_fixed_operands()) {
      KILN_RETURN_IF_ERROR(Expect(','));
      KILN_ASSIGN_OR_RETURN(Value v, ParseValue());
      inst->args.push_back(v);
    }
    return absl::OkStatus();
  }

  // ParseOpcode reads "iadd.i32" or "i8x16.add" into an opcode and controlling type.
  absl::Status ParseOpcode(Opcode* opcode, Type* type) {
    SkipBlanks();
    size_t start = pos_;
    absl::string_view word = ReadWord();
    if (word.empty()) return Expected("an instruction");
    if (std::optional<Opcode> op = LookupText(word)) {
      *opcode = *op;
      *type = Type::kNone;
    } else {
      size_t dot = word.rfind('.');
      std::optional<Opcode> base =
          dot == absl::string_view::npos ? std::nullopt : LookupText(word.substr(0, dot));
      std::optional<Type> suffix =
          dot == absl::string_view::npos ? std::nullopt : LookupType(word.substr(dot + 1));
      if (!base || !suffix) {
        return ErrorAt(start, absl::StrCat("unknown instruction '", word, "'"));
      }
      *opcode = *base;
      *type = *suffix;
    }
    const OpInfo& info = Info(*opcode);
    if (info.ctrl == CtrlClass::kNone && *type != Type::kNone) {
      return ErrorAt(start, absl::StrCat(info.text, " takes no type suffix"));
    }
    if (info.ctrl != CtrlClass::kNone && *type == Type::kNone) {
      return ErrorAt(start, absl::StrCat(info.text, " needs a type suffix"));
    }
    return absl::OkStatus();
  }

  absl::Status ParseOperands(Inst* inst) {
    const OpInfo& info = inst->info();
    switch (info.format) {
      case Format::kPlain:
        if (!AtLineEnd()) KILN_RETURN_IF_ERROR(ParseValueList(inst->args));
        return absl::OkStatus();
      case Format::kIntConst: {
        KILN_ASSIGN_OR_RETURN(inst->imm, ParseIntConst(inst->type()));
        return absl::OkStatus();
      }
      case Format::kFloatConst: {
        KILN_ASSIGN_OR_RETURN(inst->imm, ParseFloatConst(inst->type()));
        return absl::OkStatus();
      }
      case Format::kV128Const:
        return ParseV128(inst->bytes);
      case Format::kShuffle: {
        KILN_ASSIGN_OR_RETURN(Value first, ParseValue());
        inst->args.push_back(first);
        KILN_RETURN_IF_ERROR(ParseRemainingOperands(inst));
        KILN_RETURN_IF_ERROR(Expect(','));
        KILN_RETURN_IF_ERROR(Expect('['));
        for (int i = 0; i < 16; ++i) {
          KILN_ASSIGN_OR_RETURN(inst->bytes[i], ParseLane());
        }
        return Expect(']');
      }
      case Format::kLane: {
        KILN_ASSIGN_OR_RETURN(Value first, ParseValue());
        inst->args.push_back(first);
        KILN_RETURN_IF_ERROR(ParseRemainingOperands(inst));
        KILN_RETURN_IF_ERROR(Expect(','));
        KILN_ASSIGN_OR_RETURN(inst->lane, ParseLane());
        return absl::OkStatus();
      }
      case Format::kIntCompare:
      case Format::kFloatCompare: {
        SkipBlanks();
        size_t start = pos_;
        absl::string_view word = ReadWord();
        if (info.format == Format::kIntCompare) {
          std::optional<IntCC> cc = LookupIntCC(word);
          if (!cc) return ErrorAt(start, absl::StrCat("unknown integer condition '", word, "'"));
          inst->index = static_cast<uint32_t>(*cc);
        } else {
          std::optional<FloatCC> cc = LookupFloatCC(word);
          if (!cc) return ErrorAt(start, absl::StrCat("unknown float condition '", word, "'"));
          inst->index = static_cast<uint32_t>(*cc);
        }
        return ParseValueList(inst->args);
      }
      case Format::kMemory:
      case Format::kMemoryLane: {
        KILN_ASSIGN_OR_RETURN(inst->index, ExpectIndexed("mem", "a memory (mem0)"));
        KILN_RETURN_IF_ERROR(ParseAddress(inst));
        KILN_RETURN_IF_ERROR(ParseRemainingOperands(inst));
        if (info.format == Format::kMemoryLane) {
          KILN_RETURN_IF_ERROR(Expect(','));
          KILN_ASSIGN_OR_RETURN(inst->lane, ParseLane());
        }
        return absl::OkStatus();
      }
      case Format::kVmField:
        KILN_RETURN_IF_ERROR(ParseAddress(inst));
        return ParseRemainingOperands(inst);
      case Format::kCall: {
        KILN_ASSIGN_OR_RETURN(inst->index, ExpectIndexed("fn", "a function (fn0)"));
        KILN_ASSIGN_OR_RETURN(inst->sig, ExpectIndexed("sig", "a signature (sig0)"));
        return ParseArgsInParens(inst);
      }
      case Format::kCallIndirect: {
        KILN_ASSIGN_OR_RETURN(inst->sig, ExpectIndexed("sig", "a signature (sig0)"));
        KILN_ASSIGN_OR_RETURN(Value callee, ParseValue());
        inst->args.push_back(callee);
        return ParseArgsInParens(inst);
      }
      case Format::kCallBuiltin: {
        SkipBlanks();
        size_t start = pos_;
        absl::string_view word = ReadWord();
        std::optional<Builtin> builtin = LookupBuiltin(word);
        if (!builtin) return ErrorAt(start, absl::StrCat("unknown builtin '", word, "'"));
        inst->index = static_cast<uint32_t>(*builtin);
        return ParseArgsInParens(inst);
      }
      case Format::kTrap: {
        if (info.num_fixed_operands() > 0) {
          KILN_ASSIGN_OR_RETURN(Value first, ParseValue());
          inst->args.push_back(first);
          KILN_RETURN_IF_ERROR(ParseRemainingOperands(inst));
          KILN_RETURN_IF_ERROR(Expect(','));
        }
        SkipBlanks();
        size_t start = pos_;
        absl::string_view word = ReadWord();
        std::optional<trap::TrapCode> code =
            trap::LookupTrapCodeToken(std::string_view(word.data(), word.size()));
        if (!code) {
          pos_ = start;
          return Expected("a trap code");
        }
        inst->index = static_cast<uint32_t>(*code);
        return absl::OkStatus();
      }
      case Format::kJump: {
        inst->targets.emplace_back();
        return ParseBlockCall(inst->targets.back());
      }
      case Format::kBranch: {
        KILN_ASSIGN_OR_RETURN(Value cond, ParseValue());
        inst->args.push_back(cond);
        for (int i = 0; i < 2; ++i) {
          KILN_RETURN_IF_ERROR(Expect(','));
          inst->targets.emplace_back();
          KILN_RETURN_IF_ERROR(ParseBlockCall(inst->targets.back()));
        }
        return absl::OkStatus();
      }
      case Format::kBranchTable: {
        KILN_ASSIGN_OR_RETURN(Value index, ParseValue());
        inst->args.push_back(index);
        KILN_RETURN_IF_ERROR(Expect(','));
        inst->targets.emplace_back();
        KILN_RETURN_IF_ERROR(ParseBlockCall(inst->targets.back()));
        KILN_RETURN_IF_ERROR(Expect(','));
        KILN_RETURN_IF_ERROR(Expect('['));
        if (Consume(']')) return absl::OkStatus();
        do {
          inst->targets.emplace_back();
          KILN_RETURN_IF_ERROR(ParseBlockCall(inst->targets.back()));
        } while (Consume(','));
        return Expect(']');
      }
    }
    return absl::OkStatus();
  }

  // ResultTypes is what the instruction defines: its row's results, or for calls the
  // signature's or builtin's.
  absl::StatusOr<std::vector<Type>> ResultTypes(const Inst* inst, size_t error_pos) {
    const OpInfo& info = inst->info();
    std::vector<Type> types;
    if (!info.variadic_results()) {
      for (char letter : info.results) types.push_back(LetterType(letter, inst->type()));
      return types;
    }
    if (info.format == Format::kCallBuiltin) {
      for (char letter : Info(inst->builtin()).results) {
        types.push_back(LetterType(letter, Type::kNone));
      }
      return types;
    }
    if (inst->sig >= fn_.signatures().size()) {
      return ErrorAt(error_pos, absl::StrCat("unknown signature sig", inst->sig));
    }
    return fn_.signatures()[inst->sig].results;
  }

  absl::Status ParseInstruction() {
    SkipBlanks();
    size_t start = pos_;
    std::vector<std::pair<uint32_t, size_t>> result_ids;
    absl::string_view word = ReadWord();
    if (ParseIndexed(word, "v") && (Peek(',') || Peek('='))) {
      pos_ = start;
      do {
        SkipBlanks();
        size_t value_pos = pos_;
        KILN_ASSIGN_OR_RETURN(uint32_t id, ExpectIndexed("v", "a value"));
        result_ids.emplace_back(id, value_pos);
      } while (Consume(','));
      KILN_RETURN_IF_ERROR(Expect('='));
    } else {
      pos_ = start;
    }
    Opcode opcode = Opcode::kIconst;
    Type type = Type::kNone;
    SkipBlanks();
    size_t op_pos = pos_;
    KILN_RETURN_IF_ERROR(ParseOpcode(&opcode, &type));
    Inst* inst = fn_.CreateInst(opcode, type);
    KILN_RETURN_IF_ERROR(ParseOperands(inst));
    KILN_ASSIGN_OR_RETURN(std::vector<Type> types, ResultTypes(inst, op_pos));
    if (types.size() != result_ids.size()) {
      return ErrorAt(start, absl::StrCat(Info(opcode).text, " defines ", types.size(), " values, ",
                                         result_ids.size(), " named"));
    }
    for (size_t i = 0; i < types.size(); ++i) {
      auto [id, value_pos] = result_ids[i];
      if (!fn_.IsValueIdFree(id)) {
        return ErrorAt(value_pos, absl::StrCat("v", id, " is defined twice"));
      }
      fn_.AddResultWithId(inst, types[i], id);
    }
    fn_.Append(block_, inst);
    return ExpectLineEnd();
  }

  absl::string_view text_;
  size_t pos_ = 0;

  // State of the function being parsed.
  Function fn_;
  Block* block_ = nullptr;
  std::vector<Block*> defined_blocks_;
  absl::flat_hash_set<uint32_t> defined_;
  absl::flat_hash_map<uint32_t, size_t> block_refs_;  // block id -> first reference
  absl::flat_hash_map<uint32_t, size_t> value_uses_;  // value id -> first use
};

}  // namespace

absl::StatusOr<std::vector<Function>> ParseFunctions(absl::string_view text) {
  return Parser(text).ParseAll();
}

absl::StatusOr<Function> ParseFunction(absl::string_view text) {
  KILN_ASSIGN_OR_RETURN(std::vector<Function> fns, ParseFunctions(text));
  if (fns.size() != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected exactly one function, found ", fns.size()));
  }
  return std::move(fns.front());
}

}  // namespace kiln::ssa
