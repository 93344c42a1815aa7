// The printer: one line per instruction, laid out by the opcode's Format. Numbers print so
// that the parser reads back the same bits: integers as signed decimals of the type's width,
// floats as the shortest decimal that round-trips (NaNs with their payload), vectors as hex.
#include "compiler/ssa/printer.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace kiln::ssa {
namespace {

void AppendValue(std::string& out, Value v) {
  if (v.valid()) {
    absl::StrAppend(&out, "v", v.id);
  } else {
    out += "v?";
  }
}

void AppendValues(std::string& out, absl::Span<const Value> values) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ", ";
    AppendValue(out, values[i]);
  }
}

void AppendBlockCall(std::string& out, const BlockCall& call) {
  if (call.block == nullptr) {
    out += "block?";
  } else {
    absl::StrAppend(&out, "block", call.block->id());
  }
  if (!call.args.empty()) {
    out += "(";
    AppendValues(out, call.args);
    out += ")";
  }
}

// IsBareNameChar: characters a function name may use without quotes.
bool IsBareNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '.' || c == '$' || c == '-';
}

void AppendFunctionName(std::string& out, absl::string_view name) {
  out += "%";
  bool bare = !name.empty();
  for (char c : name) bare = bare && IsBareNameChar(c);
  if (bare) {
    out.append(name.data(), name.size());
    return;
  }
  out += "\"";
  for (char c : name) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte >= 0x7f) {
      absl::StrAppendFormat(&out, "\\%02x", byte);
    } else {
      out += c;
    }
  }
  out += "\"";
}

std::string FormatIntConst(Type type, uint64_t bits) {
  if (type == Type::kI32) return absl::StrCat(static_cast<int32_t>(static_cast<uint32_t>(bits)));
  return absl::StrCat(static_cast<int64_t>(bits));
}

// ShortestDecimal prints a finite float with the fewest significant digits that read back
// exactly, and always with a '.', 'e' so it reads as a float ("1.0", "-0.0", "1e+20").
template <typename F>
std::string ShortestDecimal(F value, int max_digits) {
  char buf[64];
  for (int digits = 1; digits <= max_digits; ++digits) {
    std::snprintf(buf, sizeof(buf), "%.*g", digits, static_cast<double>(value));
    F back;
    if constexpr (sizeof(F) == 4) {
      back = std::strtof(buf, nullptr);
    } else {
      back = std::strtod(buf, nullptr);
    }
    if (std::memcmp(&back, &value, sizeof(F)) == 0) break;
  }
  std::string text = buf;
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

std::string FormatFloatConst(Type type, uint64_t bits) {
  const bool f32 = type == Type::kF32;
  const int mantissa_bits = f32 ? 23 : 52;
  const uint64_t exponent_mask = f32 ? 0xffu : 0x7ffu;
  const bool negative = ((bits >> (f32 ? 31 : 63)) & 1) != 0;
  const uint64_t exponent = (bits >> mantissa_bits) & exponent_mask;
  const uint64_t mantissa = bits & ((uint64_t{1} << mantissa_bits) - 1);
  const char* sign = negative ? "-" : "";
  if (exponent == exponent_mask) {
    if (mantissa == 0) return absl::StrCat(sign, "inf");
    return absl::StrFormat("%snan:0x%x", sign, mantissa);
  }
  if (f32) {
    auto word = static_cast<uint32_t>(bits);
    float value;
    std::memcpy(&value, &word, sizeof(value));
    return ShortestDecimal(value, 9);
  }
  double value;
  std::memcpy(&value, &bits, sizeof(value));
  return ShortestDecimal(value, 17);
}

void AppendV128(std::string& out, const V128Bytes& bytes) {
  out += "0x";
  for (int i = 15; i >= 0; --i) absl::StrAppendFormat(&out, "%02x", bytes[i]);
}

void AppendAddress(std::string& out, Value base, uint64_t offset) {
  AppendValue(out, base);
  if (offset != 0) absl::StrAppend(&out, "+", offset);
}

// AppendOperandsAfter prints ", a, b" for the operands from `first` on.
void AppendOperandsAfter(std::string& out, const Inst& inst, size_t first) {
  for (size_t i = first; i < inst.args.size(); ++i) {
    out += ", ";
    AppendValue(out, inst.args[i]);
  }
}

Value ArgOrInvalid(const Inst& inst, size_t i) {
  return i < inst.args.size() ? inst.args[i] : Value();
}

}  // namespace

std::string PrintSignature(const Signature& signature) {
  std::string out = "(";
  for (size_t i = 0; i < signature.params.size(); ++i) {
    if (i > 0) out += ", ";
    out.append(TypeName(signature.params[i]).data(), TypeName(signature.params[i]).size());
  }
  out += ")";
  if (!signature.results.empty()) {
    out += " -> ";
    for (size_t i = 0; i < signature.results.size(); ++i) {
      if (i > 0) out += ", ";
      out.append(TypeName(signature.results[i]).data(), TypeName(signature.results[i]).size());
    }
  }
  return out;
}

std::string PrintInst(const Function& fn, const Inst& inst) {
  (void)fn;
  std::string out;
  if (!inst.results().empty()) {
    AppendValues(out, inst.results());
    out += " = ";
  }
  const OpInfo& info = inst.info();
  out.append(info.text.data(), info.text.size());
  if (inst.type() != Type::kNone) absl::StrAppend(&out, ".", TypeName(inst.type()));

  switch (info.format) {
    case Format::kPlain:
      if (!inst.args.empty()) {
        out += " ";
        AppendValues(out, inst.args);
      }
      break;
    case Format::kIntConst:
      absl::StrAppend(&out, " ", FormatIntConst(inst.type(), inst.imm));
      break;
    case Format::kFloatConst:
      absl::StrAppend(&out, " ", FormatFloatConst(inst.type(), inst.imm));
      break;
    case Format::kV128Const:
      out += " ";
      AppendV128(out, inst.bytes);
      break;
    case Format::kShuffle:
      out += " ";
      AppendValues(out, inst.args);
      out += ", [";
      for (int i = 0; i < 16; ++i) absl::StrAppend(&out, i > 0 ? " " : "", inst.bytes[i]);
      out += "]";
      break;
    case Format::kLane:
      out += " ";
      AppendValues(out, inst.args);
      absl::StrAppend(&out, ", ", inst.lane);
      break;
    case Format::kIntCompare:
    case Format::kFloatCompare:
      absl::StrAppend(&out, " ",
                      info.format == Format::kIntCompare ? IntCCName(inst.int_cc())
                                                         : FloatCCName(inst.float_cc()),
                      " ");
      AppendValues(out, inst.args);
      break;
    case Format::kMemory:
    case Format::kMemoryLane:
      absl::StrAppend(&out, " mem", inst.index, " ");
      AppendAddress(out, ArgOrInvalid(inst, 0), inst.imm);
      AppendOperandsAfter(out, inst, 1);
      if (info.format == Format::kMemoryLane) absl::StrAppend(&out, ", ", inst.lane);
      break;
    case Format::kVmField:
      out += " ";
      AppendAddress(out, ArgOrInvalid(inst, 0), inst.imm);
      AppendOperandsAfter(out, inst, 1);
      break;
    case Format::kCall:
      absl::StrAppend(&out, " fn", inst.index, " sig", inst.sig, "(");
      AppendValues(out, inst.args);
      out += ")";
      break;
    case Format::kCallIndirect: {
      absl::StrAppend(&out, " sig", inst.sig, " ");
      AppendValue(out, ArgOrInvalid(inst, 0));
      out += "(";
      absl::Span<const Value> args(inst.args.data(), inst.args.size());
      AppendValues(out, args.empty() ? args : args.subspan(1));
      out += ")";
      break;
    }
    case Format::kCallBuiltin:
      out += " ";
      if (inst.index < static_cast<uint32_t>(kNumBuiltins)) {
        absl::string_view name = Info(inst.builtin()).text;
        out.append(name.data(), name.size());
      } else {
        absl::StrAppend(&out, "builtin?", inst.index);
      }
      out += "(";
      AppendValues(out, inst.args);
      out += ")";
      break;
    case Format::kTrap:
      out += " ";
      if (!inst.args.empty()) {
        AppendValues(out, inst.args);
        out += ", ";
      }
      if (inst.index < static_cast<uint32_t>(trap::kNumTrapCodes)) {
        std::string_view token = trap::TrapCodeToken(inst.trap_code());
        out.append(token.data(), token.size());
      } else {
        absl::StrAppend(&out, "trap?", inst.index);
      }
      break;
    case Format::kJump:
    case Format::kBranch:
    case Format::kBranchTable: {
      // Operands, then targets; a br_table brackets its table after the default target.
      const bool table = info.format == Format::kBranchTable;
      std::string sep = " ";
      if (!inst.args.empty()) {
        out += sep;
        AppendValues(out, inst.args);
        sep = ", ";
      }
      for (size_t i = 0; i < inst.targets.size(); ++i) {
        out += (table && i == 1) ? ", [" : sep;
        AppendBlockCall(out, inst.targets[i]);
        sep = ", ";
      }
      if (table) out += inst.targets.size() <= 1 ? ", []" : "]";
      break;
    }
  }
  return out;
}

std::string Print(const Function& fn) {
  std::string out = "function ";
  AppendFunctionName(out, fn.name());
  absl::StrAppend(&out, PrintSignature(fn.signature()), " {\n");
  for (size_t i = 0; i < fn.signatures().size(); ++i) {
    absl::StrAppend(&out, "    sig", i, " = ", PrintSignature(fn.signatures()[i]), "\n");
  }
  for (const Block* block : fn.blocks()) {
    absl::StrAppend(&out, "block", block->id());
    if (!block->params().empty()) {
      out += "(";
      for (size_t i = 0; i < block->params().size(); ++i) {
        if (i > 0) out += ", ";
        Value param = block->params()[i];
        AppendValue(out, param);
        absl::StrAppend(&out, ": ", TypeName(fn.value_type(param)));
      }
      out += ")";
    }
    out += ":\n";
    for (const Inst* inst = block->first(); inst != nullptr; inst = inst->next()) {
      absl::StrAppend(&out, "    ", PrintInst(fn, *inst), "\n");
    }
  }
  out += "}\n";
  return out;
}

std::string PrintFunctions(absl::Span<const Function> fns) {
  std::string out;
  for (size_t i = 0; i < fns.size(); ++i) {
    if (i > 0) out += "\n";
    out += Print(fns[i]);
  }
  return out;
}

}  // namespace kiln::ssa
