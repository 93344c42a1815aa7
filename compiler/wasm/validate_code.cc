// The function-body validator: the spec appendix's algorithm with an operand stack of value
// types and a control stack of frames. A frame's `unreachable` flag makes the stack
// polymorphic: after unreachable, br, br_table or return, pops below the frame's height
// succeed and yield kUnknownType, which matches every type.
//
// The hot path is an operator with a fixed signature: one table load, a compare of its params
// against the top of the stack, a resize and a push. Immediates are checked by their kind
// (memory, table, segment and lane indices), so both fixed and hand-typed operators share them.
#include "compiler/wasm/validate_code.h"

#include <algorithm>
#include <array>
#include <utility>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "compiler/base/check.h"
#include "compiler/base/status_macros.h"
#include "compiler/wasm/opcode.h"
#include "compiler/wasm/read_operator.h"

namespace kiln::wasm {
namespace {

// Past this many locals, declared runs are searched instead of expanded (see locals_).
constexpr uint64_t kMaxMaterializedLocals = 1 << 16;

// Messages show at most this many operands from the top of the stack.
constexpr size_t kMaxShownOperands = 8;

constexpr size_t kOpcodeCount = static_cast<size_t>(Opcode::kCount);

// SingleType is the one-element list [type], for block types written as one value type.
absl::Span<const ValType> SingleType(ValType type) {
  static constexpr ValType kTypes[] = {ValType::kI32,      ValType::kI64,  ValType::kF32,
                                       ValType::kF64,      ValType::kV128, ValType::kFuncRef,
                                       ValType::kExternRef};
  for (const ValType& candidate : kTypes) {
    if (candidate == type) return absl::MakeConstSpan(&candidate, 1);
  }
  return {};
}

// NaturalAlignmentLog2 is log2 of the bytes a memory operator accesses: the largest alignment
// its memarg may claim.
uint32_t NaturalAlignmentLog2(Opcode op) {
  // Operators grouped by width read better packed.
  // clang-format off
  switch (op) {
    case Opcode::kI32Load8S: case Opcode::kI32Load8U: case Opcode::kI64Load8S:
    case Opcode::kI64Load8U: case Opcode::kI32Store8: case Opcode::kI64Store8:
    case Opcode::kV128Load8Splat: case Opcode::kV128Load8Lane: case Opcode::kV128Store8Lane:
      return 0;
    case Opcode::kI32Load16S: case Opcode::kI32Load16U: case Opcode::kI64Load16S:
    case Opcode::kI64Load16U: case Opcode::kI32Store16: case Opcode::kI64Store16:
    case Opcode::kV128Load16Splat: case Opcode::kV128Load16Lane:
    case Opcode::kV128Store16Lane:
      return 1;
    case Opcode::kI32Load: case Opcode::kF32Load: case Opcode::kI64Load32S:
    case Opcode::kI64Load32U: case Opcode::kI32Store: case Opcode::kF32Store:
    case Opcode::kI64Store32: case Opcode::kV128Load32Splat: case Opcode::kV128Load32Zero:
    case Opcode::kV128Load32Lane: case Opcode::kV128Store32Lane:
      return 2;
    case Opcode::kI64Load: case Opcode::kF64Load: case Opcode::kI64Store:
    case Opcode::kF64Store: case Opcode::kV128Load8x8S: case Opcode::kV128Load8x8U:
    case Opcode::kV128Load16x4S: case Opcode::kV128Load16x4U: case Opcode::kV128Load32x2S:
    case Opcode::kV128Load32x2U: case Opcode::kV128Load64Splat: case Opcode::kV128Load64Zero:
    case Opcode::kV128Load64Lane: case Opcode::kV128Store64Lane:
      return 3;
    default:  // v128.load, v128.store
      return 4;
  }
  // clang-format on
}

// LaneCount is the number of lanes an extract_lane/replace_lane operator indexes.
uint32_t LaneCount(Opcode op) {
  // Operators grouped by width read better packed.
  // clang-format off
  switch (op) {
    case Opcode::kI8x16ExtractLaneS: case Opcode::kI8x16ExtractLaneU:
    case Opcode::kI8x16ReplaceLane:
      return 16;
    case Opcode::kI16x8ExtractLaneS: case Opcode::kI16x8ExtractLaneU:
    case Opcode::kI16x8ReplaceLane:
      return 8;
    case Opcode::kI32x4ExtractLane: case Opcode::kI32x4ReplaceLane:
    case Opcode::kF32x4ExtractLane: case Opcode::kF32x4ReplaceLane:
      return 4;
    default:  // i64x2 and f64x2
      return 2;
  }
  // clang-format on
}

}  // namespace

// OperatorTyping is one opcode's immediate handling and, unless `special`, its fixed signature,
// gathered once from opcode.h into one small record so the per-operator loop reads a single
// array entry. Fixed signatures pop at most three operands and push at most one.
struct CodeValidator::OperatorTyping {
  ImmKind immediate = ImmKind::kNone;
  bool checks_immediates = false;  // whether CheckImmediates has anything to check
  bool special = true;
  uint8_t num_params = 0;
  uint8_t num_results = 0;
  ValType params[3] = {};
  ValType result = ValType::kI32;
};

namespace {

// FastKind is how CodeValidator::TryFastPath handles a one-byte opcode.
enum class FastKind : uint8_t {
  kGeneral,     // anything else: decoded into an Instruction and checked by CheckInstruction
  kFixed,       // a fixed signature and no immediates (numeric operators)
  kConstI32,    // fixed signature, s32 immediate
  kConstI64,    // fixed signature, s64 immediate
  kConstF32,    // fixed signature, 4 immediate bytes
  kConstF64,    // fixed signature, 8 immediate bytes
  kMemArg,      // fixed signature, memarg immediate (loads and stores)
  kLocalGet,
  kLocalSet,
  kLocalTee,
  kGlobalGet,
  kGlobalSet,
  kCall,
  kBlock,       // block, loop and if with an empty or one-value block type
  kLoop,
  kIf,
  kEnd,
  kBr,
  kBrIf,
  kReturn,
  kDrop,
  kSelect,      // the untyped select
};

FastKind FastKindOf(Opcode opcode, ImmKind immediate, bool special) {
  switch (opcode) {
    case Opcode::kBlock: return FastKind::kBlock;
    case Opcode::kLoop: return FastKind::kLoop;
    case Opcode::kIf: return FastKind::kIf;
    case Opcode::kEnd: return FastKind::kEnd;
    case Opcode::kBr: return FastKind::kBr;
    case Opcode::kBrIf: return FastKind::kBrIf;
    case Opcode::kReturn: return FastKind::kReturn;
    case Opcode::kDrop: return FastKind::kDrop;
    case Opcode::kSelect: return FastKind::kSelect;
    case Opcode::kLocalGet: return FastKind::kLocalGet;
    case Opcode::kLocalSet: return FastKind::kLocalSet;
    case Opcode::kLocalTee: return FastKind::kLocalTee;
    case Opcode::kGlobalGet: return FastKind::kGlobalGet;
    case Opcode::kGlobalSet: return FastKind::kGlobalSet;
    case Opcode::kCall: return FastKind::kCall;
    default: break;
  }
  if (special) return FastKind::kGeneral;
  switch (immediate) {
    case ImmKind::kNone: return FastKind::kFixed;
    case ImmKind::kI32: return FastKind::kConstI32;
    case ImmKind::kI64: return FastKind::kConstI64;
    case ImmKind::kF32: return FastKind::kConstF32;
    case ImmKind::kF64: return FastKind::kConstF64;
    case ImmKind::kMemArg: return FastKind::kMemArg;
    default: return FastKind::kGeneral;
  }
}

}  // namespace

// ByteTyping is what the fast path needs of a one-byte opcode, in one small record: how to
// read its immediates, its fixed signature (for the kinds that have one) and its name for
// messages.
struct CodeValidator::ByteTyping {
  FastKind kind = FastKind::kGeneral;
  uint8_t num_params = 0;
  uint8_t num_results = 0;
  ValType result = ValType::kI32;
  ValType params[3] = {};
  uint8_t natural_align_log2 = 0;  // kMemArg: the largest alignment the memarg may claim
  Opcode opcode = Opcode::kNop;
};

namespace {

// ChecksImmediates is false for immediates that need no check against the module, or whose
// check belongs to the operator's hand-written rule.
bool ChecksImmediates(ImmKind immediate) {
  // Operators grouped by width read better packed.
  // clang-format off
  switch (immediate) {
    case ImmKind::kNone: case ImmKind::kBlockType: case ImmKind::kLabel:
    case ImmKind::kBrTable: case ImmKind::kCallIndirect: case ImmKind::kLocal:
    case ImmKind::kI32: case ImmKind::kI64: case ImmKind::kF32: case ImmKind::kF64:
    case ImmKind::kV128: case ImmKind::kSelectTypes: case ImmKind::kRefType:
      return false;
    case ImmKind::kFunc: case ImmKind::kGlobal: case ImmKind::kTable: case ImmKind::kMemArg:
    case ImmKind::kMemory: case ImmKind::kMemoryInit: case ImmKind::kData:
    case ImmKind::kMemoryCopy: case ImmKind::kTableInit: case ImmKind::kElem:
    case ImmKind::kTableCopy: case ImmKind::kShuffle: case ImmKind::kLane:
    case ImmKind::kMemArgLane:
      return true;
  }
  // clang-format on
  return true;
}

}  // namespace

CodeValidator::CodeValidator(const ValidationContext& context) : c_(context) {
  using Typings = std::array<OperatorTyping, kOpcodeCount>;
  static const Typings kTypings = [] {
    Typings typings;
    for (size_t i = 0; i < kOpcodeCount; ++i) {
      const OpcodeInfo& info = Info(static_cast<Opcode>(i));
      OperatorTyping& typing = typings[i];
      typing.immediate = info.immediate;
      typing.checks_immediates = ChecksImmediates(info.immediate);
      typing.special = info.signature == Signature::kSpecial;
      const SignatureTypes types = Types(info.signature);
      KILN_CHECK(types.params.size() <= 3 && types.results.size() <= 1);
      typing.num_params = static_cast<uint8_t>(types.params.size());
      std::copy(types.params.begin(), types.params.end(), typing.params);
      typing.num_results = static_cast<uint8_t>(types.results.size());
      if (!types.results.empty()) typing.result = types.results[0];
    }
    return typings;
  }();
  typings_ = kTypings.data();
  using ByteTypings = std::array<ByteTyping, 256>;
  static const ByteTypings kByteTypings = [] {
    ByteTypings byte_typings;
    for (size_t byte = 0; byte < 256; ++byte) {
      const OpcodeEntry& entry = kOperatorEncodings.single[byte];
      ByteTyping& typing = byte_typings[byte];
      if (entry.opcode == Opcode::kCount) continue;  // a prefix or no operator: general path
      typing.opcode = entry.opcode;
      typing.kind = FastKindOf(entry.opcode, entry.immediate,
                               Info(entry.opcode).signature == Signature::kSpecial);
      const OperatorTyping& fixed = kTypings[static_cast<size_t>(entry.opcode)];
      typing.num_params = fixed.num_params;
      std::copy(fixed.params, fixed.params + 3, typing.params);
      typing.num_results = fixed.num_results;
      typing.result = fixed.result;
      if (typing.kind == FastKind::kMemArg) {
        typing.natural_align_log2 = static_cast<uint8_t>(NaturalAlignmentLog2(entry.opcode));
      }
    }
    return byte_typings;
  }();
  byte_typings_ = kByteTypings.data();
}

// -- Functions and locals ---------------------------------------------------------------------

absl::Status CodeValidator::ValidateFunction(uint32_t func_index, const Code& code) {
  func_index_ = func_index;
  func_type_ = c_.funcs[func_index];
  offset_ = code.body.offset;
  opcode_ = Opcode::kNop;
  SetUpLocals(*func_type_, code);

  operands_.clear();
  controls_.clear();
  controls_.push_back(ControlFrame{FrameKind::kFunction, false, 0, {}, func_type_->results});

  const absl::Span<const uint8_t> bytes = c_.module->bytes;
  uint32_t pos = code.body.offset;
  const uint32_t end = code.body.offset + code.body.size;
  Instruction inst;
  while (pos < end) {
    if (ABSL_PREDICT_FALSE(controls_.empty())) {
      offset_ = pos;
      Fail("operators after the end of the function");
      return std::move(error_);
    }
    const uint32_t fast = TryFastPath(bytes.data(), pos, end);
    if (ABSL_PREDICT_TRUE(fast != 0)) {
      pos = fast;
      continue;
    }
    const uint32_t simple = ReadSimpleOperator(bytes.data(), pos, end, &inst);
    if (simple != 0) {
      pos = simple;
    } else {
      KILN_RETURN_IF_ERROR(ReadOperator(bytes, &pos, end, br_table_, select_types_, &inst));
    }
    offset_ = inst.offset;
    opcode_ = inst.opcode;
    if (ABSL_PREDICT_FALSE(!CheckInstruction(inst))) return std::move(error_);
  }
  if (!controls_.empty()) {
    Fail("unexpected end of function body");
    return std::move(error_);
  }
  return absl::OkStatus();
}

void CodeValidator::SetUpLocals(const FuncType& type, const Code& code) {
  locals_.assign(type.params.begin(), type.params.end());
  local_runs_.clear();
  num_locals_ = type.params.size() + code.local_count;
  const bool materialize = num_locals_ <= kMaxMaterializedLocals;
  uint64_t end = type.params.size();
  for (const LocalDecl& decl : code.locals) {
    end += decl.count;
    if (materialize) {
      locals_.insert(locals_.end(), decl.count, decl.type);
    } else {
      local_runs_.emplace_back(end, decl.type);
    }
  }
}

bool CodeValidator::LocalType(uint32_t index, ValType* out) const {
  if (index < locals_.size()) {
    *out = locals_[index];
    return true;
  }
  if (index >= num_locals_) return false;
  auto run = std::upper_bound(
      local_runs_.begin(), local_runs_.end(), uint64_t{index},
      [](uint64_t i, const std::pair<uint64_t, ValType>& r) { return i < r.first; });
  if (run == local_runs_.end()) return false;
  *out = run->second;
  return true;
}

// -- One operator -----------------------------------------------------------------------------

// The fast path decodes immediates only when their encoding is short and certainly well formed
// (read_operator.h's ReadShortLeb and friends), and applies a rule only when it holds, so that
// every error, malformed or invalid, is found and reported by the general path exactly as if
// the fast path did not exist.
ABSL_ATTRIBUTE_ALWAYS_INLINE inline uint32_t CodeValidator::TryFastPath(const uint8_t* bytes,
                                                                        uint32_t pos,
                                                                        uint32_t end) {
  const uint8_t* p = bytes + pos;
  const uint32_t available = end - pos - 1;  // bytes after the opcode
  const ByteTyping& typing = byte_typings_[p[0]];
  uint32_t length = 1;  // of the operator, once its immediates are read
  uint32_t index = 0;
  switch (typing.kind) {
    case FastKind::kGeneral:
      return 0;
    case FastKind::kFixed:
      break;
    case FastKind::kConstI32:
    case FastKind::kConstI64: {
      int64_t value = 0;
      const uint32_t n = ReadShortSignedLeb(p + 1, available,
                                            typing.kind == FastKind::kConstI32 ? 32 : 64, &value);
      if (n == 0) return 0;
      length += n;
      break;
    }
    case FastKind::kConstF32:
      if (available < 4) return 0;
      length += 4;
      break;
    case FastKind::kConstF64:
      if (available < 8) return 0;
      length += 8;
      break;
    case FastKind::kMemArg: {
      // A one-byte alignment no larger than natural, a short offset, and memory 0 exists.
      if (available < 2 || p[1] > typing.natural_align_log2 || c_.num_memories == 0) return 0;
      uint32_t offset = 0;
      const uint32_t n = ReadShortLeb(p + 2, available - 1, &offset);
      if (n == 0) return 0;
      length += 1 + n;
      break;
    }
    case FastKind::kLocalGet:
    case FastKind::kLocalSet:
    case FastKind::kLocalTee: {
      const uint32_t n = ReadShortLeb(p + 1, available, &index);
      if (n == 0 || index >= locals_.size()) return 0;
      const ValType local = locals_[index];
      if (typing.kind != FastKind::kLocalGet && !PopFast(&local, 1)) return 0;
      if (typing.kind != FastKind::kLocalSet) Push(local);
      return pos + 1 + n;
    }
    case FastKind::kGlobalGet:
    case FastKind::kGlobalSet: {
      const uint32_t n = ReadShortLeb(p + 1, available, &index);
      if (n == 0 || index >= c_.globals.size()) return 0;
      const GlobalType& global = c_.globals[index];
      if (typing.kind == FastKind::kGlobalGet) {
        Push(global.type);
      } else if (!global.is_mutable || !PopFast(&global.type, 1)) {
        return 0;
      }
      return pos + 1 + n;
    }
    case FastKind::kCall: {
      const uint32_t n = ReadShortLeb(p + 1, available, &index);
      if (n == 0 || index >= c_.funcs.size()) return 0;
      const FuncType& callee = *c_.funcs[index];
      if (!PopFast(callee.params.data(), callee.params.size())) return 0;
      PushTypes(callee.results);
      return pos + 1 + n;
    }
    case FastKind::kBlock:
    case FastKind::kLoop:
    case FastKind::kIf: {
      // An empty or one-value block type takes no params; type indices take the general path.
      if (available < 1) return 0;
      absl::Span<const ValType> results;
      if (p[1] != 0x40) {
        if (!IsValType(p[1])) return 0;
        results = SingleType(static_cast<ValType>(p[1]));
      }
      FrameKind kind = FrameKind::kBlock;
      if (typing.kind == FastKind::kLoop) kind = FrameKind::kLoop;
      if (typing.kind == FastKind::kIf) {
        const ValType condition = ValType::kI32;
        if (!PopFast(&condition, 1)) return 0;
        kind = FrameKind::kIf;
      }
      controls_.push_back(
          ControlFrame{kind, false, static_cast<uint32_t>(operands_.size()), {}, results});
      return pos + 2;
    }
    case FastKind::kEnd: {
      // Exactly the frame's results on the stack: they stay where they are and the frame
      // closes. An if without else must also turn its params into its results.
      const ControlFrame& frame = controls_.back();
      if (frame.kind == FrameKind::kIf && !(frame.params.empty() && frame.results.empty())) {
        return 0;
      }
      if (operands_.size() - frame.height != frame.results.size() ||
          !TopMatches(frame.results.data(), frame.results.size())) {
        return 0;
      }
      controls_.pop_back();
      return pos + 1;
    }
    case FastKind::kBr:
    case FastKind::kBrIf: {
      uint32_t depth = 0;
      const uint32_t n = ReadShortLeb(p + 1, available, &depth);
      if (n == 0 || depth >= controls_.size()) return 0;
      const absl::Span<const ValType> label =
          controls_[controls_.size() - 1 - depth].LabelTypes();
      if (typing.kind == FastKind::kBr) {
        if (!TopMatches(label.data(), label.size())) return 0;
        MarkUnreachable();
      } else {
        // The condition on top, the label's types under it, which stay.
        const ValType condition = ValType::kI32;
        if (!TopMatches(&condition, 1) || !TopMatches(label.data(), label.size(), 1)) return 0;
        operands_.pop_back();
      }
      return pos + 1 + n;
    }
    case FastKind::kReturn:
      if (!TopMatches(func_type_->results.data(), func_type_->results.size())) return 0;
      MarkUnreachable();
      return pos + 1;
    case FastKind::kDrop:
      if (operands_.size() <= controls_.back().height) return 0;
      operands_.pop_back();
      return pos + 1;
    case FastKind::kSelect: {
      // Two equal numeric or vector operands under an i32 condition; the first stays.
      const size_t size = operands_.size();
      if (size - controls_.back().height < 3 || operands_[size - 1] != ValType::kI32) return 0;
      const ValType type = operands_[size - 2];
      if (type != operands_[size - 3] || type == kUnknownType || !IsSelectable(type)) return 0;
      operands_.resize(size - 2);
      return pos + 1;
    }
  }
  if (!PopFast(typing.params, typing.num_params)) return 0;
  if (typing.num_results != 0) Push(typing.result);
  return pos + length;
}

bool CodeValidator::CheckInstruction(const Instruction& inst) {
  const OperatorTyping& typing = typings_[static_cast<size_t>(inst.opcode)];
  if (typing.checks_immediates && !CheckImmediates(inst, typing.immediate)) return false;
  if (ABSL_PREDICT_FALSE(typing.special)) return CheckSpecial(inst);
  if (ABSL_PREDICT_TRUE(PopFast(typing.params, typing.num_params))) {
    if (typing.num_results != 0) Push(typing.result);
    return true;
  }
  return ApplySignature(absl::MakeConstSpan(typing.params, typing.num_params),
                        absl::MakeConstSpan(&typing.result, typing.num_results));
}

bool CodeValidator::CheckMemory(uint32_t memory) {
  if (memory >= c_.num_memories) return Fail(UnknownIndex("memory", memory));
  return true;
}

bool CodeValidator::CheckTable(uint32_t table) {
  if (table >= c_.tables.size()) return Fail(UnknownIndex("table", table));
  return true;
}

bool CodeValidator::CheckImmediates(const Instruction& inst, ImmKind immediate) {
  switch (immediate) {
    case ImmKind::kNone:
    case ImmKind::kBlockType:  // resolved when the block is entered
    case ImmKind::kLabel:      // resolved by the branch
    case ImmKind::kBrTable:
    case ImmKind::kCallIndirect:  // checked in the spec's order by CheckSpecial
    case ImmKind::kLocal:
    case ImmKind::kI32:
    case ImmKind::kI64:
    case ImmKind::kF32:
    case ImmKind::kF64:
    case ImmKind::kV128:
    case ImmKind::kSelectTypes:
    case ImmKind::kRefType:
      return true;
    case ImmKind::kFunc:
      if (inst.index >= c_.funcs.size()) return Fail(UnknownIndex("function", inst.index));
      return true;
    case ImmKind::kGlobal:
      if (inst.index >= c_.globals.size()) return Fail(UnknownIndex("global", inst.index));
      return true;
    case ImmKind::kTable:
      return CheckTable(inst.index);
    case ImmKind::kMemory:
      return CheckMemory(inst.index);
    case ImmKind::kMemArg:
    case ImmKind::kMemArgLane: {
      if (!CheckMemory(inst.memarg.memory)) return false;
      const uint32_t natural = NaturalAlignmentLog2(inst.opcode);
      if (inst.memarg.align_log2 > natural) {
        return Fail("alignment must not be larger than natural");
      }
      // A lane load/store reads one lane of the accessed width: 16 bytes / width lanes.
      if (immediate == ImmKind::kMemArgLane && inst.index >= (16u >> natural)) {
        return Fail("invalid lane index");
      }
      return true;
    }
    case ImmKind::kMemoryInit:
      if (!CheckMemory(inst.index2)) return false;
      if (inst.index >= c_.num_datas) return Fail(UnknownIndex("data segment", inst.index));
      return true;
    case ImmKind::kData:
      if (inst.index >= c_.num_datas) return Fail(UnknownIndex("data segment", inst.index));
      return true;
    case ImmKind::kMemoryCopy:
      if (!CheckMemory(inst.index)) return false;
      return CheckMemory(inst.index2);
    case ImmKind::kTableInit:
      if (!CheckTable(inst.index2)) return false;
      if (inst.index >= c_.elems.size()) return Fail(UnknownIndex("elem segment", inst.index));
      if (c_.tables[inst.index2].element != c_.elems[inst.index]) {
        return Fail(absl::StrCat("type mismatch: table.init copies ",
                                 ValTypeName(c_.elems[inst.index]), " elements into a ",
                                 ValTypeName(c_.tables[inst.index2].element), " table"));
      }
      return true;
    case ImmKind::kElem:
      if (inst.index >= c_.elems.size()) return Fail(UnknownIndex("elem segment", inst.index));
      return true;
    case ImmKind::kTableCopy:
      if (!CheckTable(inst.index)) return false;
      if (!CheckTable(inst.index2)) return false;
      if (c_.tables[inst.index].element != c_.tables[inst.index2].element) {
        return Fail(absl::StrCat("type mismatch: table.copy from a ",
                                 ValTypeName(c_.tables[inst.index2].element), " table to a ",
                                 ValTypeName(c_.tables[inst.index].element), " table"));
      }
      return true;
    case ImmKind::kShuffle:
      for (uint8_t lane : inst.v128) {
        if (lane >= 32) return Fail("invalid lane index");
      }
      return true;
    case ImmKind::kLane:
      if (inst.index >= LaneCount(inst.opcode)) return Fail("invalid lane index");
      return true;
  }
  return true;
}

// -- Operand stack ----------------------------------------------------------------------------

bool CodeValidator::CheckTop(absl::Span<const ValType> expected) {
  const ControlFrame& frame = controls_.back();
  const size_t available = operands_.size() - frame.height;
  const size_t n = expected.size();
  const size_t checked = std::min(n, available);
  const ValType* top = operands_.data() + operands_.size() - checked;
  const ValType* want = expected.data() + (n - checked);
  for (size_t i = 0; i < checked; ++i) {
    if (top[i] != want[i] && top[i] != kUnknownType) {
      return FailMismatch(Name(opcode_), expected, checked);
    }
  }
  if (checked < n && !frame.unreachable) return FailMismatch(Name(opcode_), expected, checked);
  return true;
}

bool CodeValidator::PopTypes(absl::Span<const ValType> expected) {
  if (PopFast(expected.data(), expected.size())) return true;
  if (!CheckTop(expected)) return false;
  const size_t available = operands_.size() - controls_.back().height;
  operands_.resize(operands_.size() - std::min(expected.size(), available));
  return true;
}

bool CodeValidator::ApplySignature(absl::Span<const ValType> params,
                                   absl::Span<const ValType> results) {
  if (!PopTypes(params)) return false;
  PushTypes(results);
  return true;
}

bool CodeValidator::PopAny(ValType* out) {
  const ControlFrame& frame = controls_.back();
  if (operands_.size() > frame.height) {
    *out = operands_.back();
    operands_.pop_back();
    return true;
  }
  if (frame.unreachable) {
    *out = kUnknownType;
    return true;
  }
  return Fail(absl::StrCat("type mismatch: ", Name(opcode_), " expects an operand, got []"));
}

void CodeValidator::MarkUnreachable() {
  ControlFrame& frame = controls_.back();
  operands_.resize(frame.height);
  frame.unreachable = true;
}

// -- Control stack ----------------------------------------------------------------------------

bool CodeValidator::ResolveBlockType(const BlockType& block_type, absl::Span<const ValType>* params,
                                     absl::Span<const ValType>* results) {
  switch (block_type.kind) {
    case BlockType::Kind::kEmpty:
      *params = {};
      *results = {};
      return true;
    case BlockType::Kind::kValue:
      *params = {};
      *results = SingleType(block_type.value);
      return true;
    case BlockType::Kind::kTypeIndex: {
      if (block_type.type_index >= c_.module->types.size()) {
        return Fail(UnknownIndex("type", block_type.type_index));
      }
      const FuncType& type = c_.module->types[block_type.type_index];
      *params = type.params;
      *results = type.results;
      return true;
    }
  }
  return true;
}

bool CodeValidator::EnterBlock(FrameKind kind, const BlockType& block_type) {
  absl::Span<const ValType> params, results;
  if (!ResolveBlockType(block_type, &params, &results)) return false;
  if (kind == FrameKind::kIf)
    if (!Pop(ValType::kI32)) return false;
  if (!PopTypes(params)) return false;
  controls_.push_back(
      ControlFrame{kind, false, static_cast<uint32_t>(operands_.size()), params, results});
  PushTypes(params);
  return true;
}

bool CodeValidator::ExitBlock(absl::string_view what, ControlFrame* out) {
  const ControlFrame& frame = controls_.back();
  const size_t available = operands_.size() - frame.height;
  if (!CheckTop(frame.results)) return false;
  // A block must leave exactly its results: nothing may stay below them.
  if (available > frame.results.size()) {
    return FailMismatch(what, frame.results, available);
  }
  *out = frame;
  operands_.resize(frame.height);
  controls_.pop_back();
  return true;
}

bool CodeValidator::Label(uint32_t depth, const ControlFrame** out) {
  if (depth >= controls_.size()) return Fail(UnknownIndex("label", depth));
  *out = &controls_[controls_.size() - 1 - depth];
  return true;
}

// -- Errors -----------------------------------------------------------------------------------

bool CodeValidator::Fail(absl::string_view message) {
  error_ = absl::InvalidArgumentError(
      absl::StrFormat("%s (func %d, offset 0x%x)", message, func_index_, offset_));
  return false;
}

bool CodeValidator::FailMismatch(absl::string_view what, absl::Span<const ValType> expected,
                                 size_t shown) {
  const size_t count = std::min(shown, kMaxShownOperands);
  const auto top = absl::MakeConstSpan(operands_).subspan(operands_.size() - count);
  std::string got = TypeList(top);
  if (count < shown) got.insert(1, "... ");
  return Fail(
      absl::StrCat("type mismatch: ", what, " expects ", TypeList(expected), ", got ", got));
}

}  // namespace kiln::wasm
