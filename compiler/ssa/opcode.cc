// The opcode table as data (one OpInfo per row of ssa_opcodes.def), text lookup, the type
// letters of the results/operands columns, and the condition codes.
#include "compiler/ssa/opcode.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"

namespace kiln::ssa {
namespace {

constexpr OpInfo kOpInfos[] = {
#define SSA_OP(name, text, format, ctrl, results, operands, flags)                         \
  OpInfo{Opcode::k##name, text, Format::k##format, CtrlClass::k##ctrl, results, operands, \
         static_cast<uint16_t>(flags)},
#include "compiler/ssa/ssa_opcodes.def"
};

static_assert(sizeof(kOpInfos) / sizeof(kOpInfos[0]) == kNumOpcodes);

constexpr absl::string_view kIntCCNames[kNumIntCC] = {"eq",  "ne",  "slt", "sle", "sgt",
                                                      "sge", "ult", "ule", "ugt", "uge"};
constexpr absl::string_view kFloatCCNames[kNumFloatCC] = {"eq", "ne", "lt", "le", "gt", "ge"};

}  // namespace

const OpInfo& Info(Opcode op) { return kOpInfos[static_cast<size_t>(op)]; }

std::optional<Opcode> LookupText(absl::string_view text) {
  // Built on first use; immutable afterwards (a function-local static, not mutable state).
  static const auto* const by_text = [] {
    auto* map = new absl::flat_hash_map<absl::string_view, Opcode>();
    for (const OpInfo& info : kOpInfos) map->emplace(info.text, info.opcode);
    return map;
  }();
  auto it = by_text->find(text);
  if (it == by_text->end()) return std::nullopt;
  return it->second;
}

bool AcceptsCtrl(CtrlClass ctrl, Type type) {
  switch (ctrl) {
    case CtrlClass::kNone: return type == Type::kNone;
    case CtrlClass::kInt: return IsInt(type);
    case CtrlClass::kFloat: return IsFloat(type);
    case CtrlClass::kNum: return IsInt(type) || IsFloat(type);
    case CtrlClass::kMem: return IsInt(type) || IsFloat(type) || type == Type::kV128;
    case CtrlClass::kAny: return type != Type::kNone;
  }
  return false;
}

Type LetterType(char letter, Type ctrl) {
  switch (letter) {
    case 'T': return ctrl;
    case 'B':
      switch (ctrl) {
        case Type::kI32: return Type::kF32;
        case Type::kF32: return Type::kI32;
        case Type::kI64: return Type::kF64;
        case Type::kF64: return Type::kI64;
        default: return Type::kNone;
      }
    case 'i': return Type::kI32;
    case 'l': return Type::kI64;
    case 'f': return Type::kF32;
    case 'd': return Type::kF64;
    case 'v': return Type::kV128;
    case 'r': return Type::kRef;
    default: return Type::kNone;
  }
}

bool LetterAccepts(char letter, Type ctrl, Type actual) {
  switch (letter) {
    case 'I': return IsInt(actual);
    case 'F': return IsFloat(actual);
    case '*': return actual != Type::kNone;
    default: {
      Type expected = LetterType(letter, ctrl);
      return expected != Type::kNone && expected == actual;
    }
  }
}

int NumLanes(Opcode op) {
  const OpInfo& info = Info(op);
  if (info.format == Format::kLane) {
    // The lane shape is the text's prefix: "i8x16.", "f64x2." ...
    absl::string_view shape = info.text.substr(0, info.text.find('.'));
    if (shape == "i8x16") return 16;
    if (shape == "i16x8") return 8;
    if (shape == "i32x4" || shape == "f32x4") return 4;
    if (shape == "i64x2" || shape == "f64x2") return 2;
    return 0;
  }
  if (info.format == Format::kMemoryLane) {
    // "load8_lane", "store64_lane": 128 / access width.
    absl::string_view text = info.text;
    if (absl::StrContains(text, "64")) return 2;
    if (absl::StrContains(text, "32")) return 4;
    if (absl::StrContains(text, "16")) return 8;
    return 16;
  }
  return 0;
}

absl::string_view IntCCName(IntCC cc) { return kIntCCNames[static_cast<int>(cc)]; }
absl::string_view FloatCCName(FloatCC cc) { return kFloatCCNames[static_cast<int>(cc)]; }

std::optional<IntCC> LookupIntCC(absl::string_view text) {
  for (int i = 0; i < kNumIntCC; ++i) {
    if (kIntCCNames[i] == text) return static_cast<IntCC>(i);
  }
  return std::nullopt;
}

std::optional<FloatCC> LookupFloatCC(absl::string_view text) {
  for (int i = 0; i < kNumFloatCC; ++i) {
    if (kFloatCCNames[i] == text) return static_cast<FloatCC>(i);
  }
  return std::nullopt;
}

IntCC SwapIntCC(IntCC cc) {
  switch (cc) {
    case IntCC::kEq: return IntCC::kEq;
    case IntCC::kNe: return IntCC::kNe;
    case IntCC::kSlt: return IntCC::kSgt;
    case IntCC::kSle: return IntCC::kSge;
    case IntCC::kSgt: return IntCC::kSlt;
    case IntCC::kSge: return IntCC::kSle;
    case IntCC::kUlt: return IntCC::kUgt;
    case IntCC::kUle: return IntCC::kUge;
    case IntCC::kUgt: return IntCC::kUlt;
    case IntCC::kUge: return IntCC::kUle;
  }
  return cc;
}

IntCC InvertIntCC(IntCC cc) {
  switch (cc) {
    case IntCC::kEq: return IntCC::kNe;
    case IntCC::kNe: return IntCC::kEq;
    case IntCC::kSlt: return IntCC::kSge;
    case IntCC::kSle: return IntCC::kSgt;
    case IntCC::kSgt: return IntCC::kSle;
    case IntCC::kSge: return IntCC::kSlt;
    case IntCC::kUlt: return IntCC::kUge;
    case IntCC::kUle: return IntCC::kUgt;
    case IntCC::kUgt: return IntCC::kUle;
    case IntCC::kUge: return IntCC::kUlt;
  }
  return cc;
}

}  // namespace kiln::ssa
