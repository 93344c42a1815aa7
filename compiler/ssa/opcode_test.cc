// Walks the opcode and builtin tables: names are unique and round-trip through LookupText,
// the columns are consistent with each other (terminators are not pure, pure opcodes neither
// trap nor touch memory, type letters are known, formats fit the operand columns), and every
// Wasm SIMD operator has an SSA opcode.
#include "compiler/ssa/opcode.h"

#include <set>
#include <string>

#include "catch2/catch.hpp"
#include "compiler/ssa/builtin.h"
#include "compiler/wasm/opcode.h"

namespace kiln::ssa {
namespace {

bool KnownLetters(absl::string_view letters, absl::string_view allowed) {
  for (char c : letters) {
    if (allowed.find(c) == absl::string_view::npos) return false;
  }
  return true;
}

TEST_CASE("every opcode has a unique name that round-trips through LookupText", "[ssa]") {
  std::set<absl::string_view> names;
  for (int i = 0; i < kNumOpcodes; ++i) {
    auto op = static_cast<Opcode>(i);
    const OpInfo& info = Info(op);
    CAPTURE(info.text);
    CHECK(info.opcode == op);
    CHECK(names.insert(info.text).second);
    auto found = LookupText(info.text);
    REQUIRE(found.has_value());
    CHECK(*found == op);
  }
  CHECK_FALSE(LookupText("iadd.i32").has_value());
  CHECK_FALSE(LookupText("i32.add").has_value());
}

TEST_CASE("opcode properties are consistent with each other", "[ssa]") {
  for (int i = 0; i < kNumOpcodes; ++i) {
    const OpInfo& info = Info(static_cast<Opcode>(i));
    CAPTURE(info.text);
    // Type letters: results may be "*" alone; operands may end in "*".
    CHECK(KnownLetters(info.operands, "TBilfdvrIF*"));
    CHECK((info.results == "*" || KnownLetters(info.results, "TBilfdvr")));
    CHECK(info.operands.find('*') >= info.operands.size() - 1);
    // A 'T' or 'B' needs a controlling type, and a controlling type must be used somewhere.
    const bool uses_ctrl = info.operands.find_first_of("TB") != absl::string_view::npos ||
                           info.results.find_first_of("TB") != absl::string_view::npos;
    CHECK(uses_ctrl == (info.ctrl != CtrlClass::kNone));
    if (info.pure()) {
      CHECK_FALSE(info.may_trap());
      CHECK_FALSE(info.reads_memory());
      CHECK_FALSE(info.writes_memory());
      CHECK_FALSE(info.is_call());
      CHECK_FALSE(info.is_terminator());
      CHECK_FALSE(info.has_side_effects());
      CHECK(info.results.size() == 1);  // pure opcodes exist for their one result
    }
    if (info.commutative()) {
      CHECK(info.pure());
      CHECK(info.operands.size() == 2);
      CHECK(info.operands[0] == info.operands[1]);
    }
    if (info.is_terminator()) {
      CHECK(info.results.empty());
      CHECK(info.has_side_effects());
    }
    if (info.is_call()) {
      CHECK(info.may_trap());
      CHECK(info.reads_memory());
      CHECK(info.writes_memory());
      CHECK(info.variadic_results());
      CHECK(info.variadic_operands());
    }
    if (info.writes_memory() && !info.is_call()) CHECK(info.results.empty());
    // Formats with targets are exactly the terminators other than return and trap.
    const bool has_targets = info.format == Format::kJump || info.format == Format::kBranch ||
                             info.format == Format::kBranchTable;
    if (has_targets) CHECK(info.is_terminator());
    // Memory formats take the index first; lane formats have a lane count.
    if (info.format == Format::kMemory || info.format == Format::kMemoryLane) {
      CHECK(info.operands.substr(0, 1) == "i");
      CHECK(info.may_trap());
    }
    if (info.format == Format::kVmField) CHECK(info.operands.substr(0, 1) == "r");
    if (info.format == Format::kLane || info.format == Format::kMemoryLane) {
      CHECK(NumLanes(info.opcode) >= 2);
    } else {
      CHECK(NumLanes(info.opcode) == 0);
    }
  }
}

TEST_CASE("every Wasm SIMD operator that is not a load, store or constant has an SSA opcode",
          "[ssa]") {
  int simd = 0;
  for (int i = 0; i < static_cast<int>(wasm::Opcode::kCount); ++i) {
    const wasm::OpcodeInfo& info = wasm::Info(static_cast<wasm::Opcode>(i));
    if (info.prefix != 0xFD) continue;
    if (info.immediate == wasm::ImmKind::kMemArg || info.immediate == wasm::ImmKind::kMemArgLane ||
        info.immediate == wasm::ImmKind::kV128) {
      continue;
    }
    CAPTURE(info.text);
    auto op = LookupText(info.text);
    REQUIRE(op.has_value());
    CHECK(Info(*op).pure());
    ++simd;
  }
  CHECK(simd > 200);
}

TEST_CASE("type letters resolve against the controlling type", "[ssa]") {
  CHECK(LetterType('T', Type::kI64) == Type::kI64);
  CHECK(LetterType('B', Type::kI32) == Type::kF32);
  CHECK(LetterType('B', Type::kF64) == Type::kI64);
  CHECK(LetterType('r', Type::kNone) == Type::kRef);
  CHECK(LetterType('I', Type::kI32) == Type::kNone);
  CHECK(LetterAccepts('I', Type::kNone, Type::kI64));
  CHECK_FALSE(LetterAccepts('I', Type::kNone, Type::kF32));
  CHECK(LetterAccepts('F', Type::kI32, Type::kF64));
  CHECK_FALSE(LetterAccepts('T', Type::kI32, Type::kI64));
  CHECK(AcceptsCtrl(CtrlClass::kMem, Type::kV128));
  CHECK_FALSE(AcceptsCtrl(CtrlClass::kMem, Type::kRef));
  CHECK(AcceptsCtrl(CtrlClass::kAny, Type::kRef));
  CHECK_FALSE(AcceptsCtrl(CtrlClass::kInt, Type::kF32));
}

TEST_CASE("condition codes round-trip and swap and invert consistently", "[ssa]") {
  for (int i = 0; i < kNumIntCC; ++i) {
    auto cc = static_cast<IntCC>(i);
    CAPTURE(IntCCName(cc));
    CHECK(LookupIntCC(IntCCName(cc)) == cc);
    CHECK(SwapIntCC(SwapIntCC(cc)) == cc);
    CHECK(InvertIntCC(InvertIntCC(cc)) == cc);
    CHECK(InvertIntCC(cc) != cc);
  }
  CHECK(SwapIntCC(IntCC::kUlt) == IntCC::kUgt);
  CHECK(InvertIntCC(IntCC::kSlt) == IntCC::kSge);
  for (int i = 0; i < kNumFloatCC; ++i) {
    auto cc = static_cast<FloatCC>(i);
    CHECK(LookupFloatCC(FloatCCName(cc)) == cc);
  }
}

TEST_CASE("every builtin has a unique name, takes the VM context first and uses fixed types",
          "[ssa]") {
  std::set<absl::string_view> names;
  for (int i = 0; i < kNumBuiltins; ++i) {
    const BuiltinInfo& info = Info(static_cast<Builtin>(i));
    CAPTURE(info.text);
    CHECK(names.insert(info.text).second);
    CHECK(LookupBuiltin(info.text) == info.builtin);
    CHECK(info.params.substr(0, 1) == "r");
    CHECK(KnownLetters(info.params, "ilfdvr"));
    CHECK(KnownLetters(info.results, "ilfdvr"));
  }
}

}  // namespace
}  // namespace kiln::ssa
