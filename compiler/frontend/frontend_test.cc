// Tests of the frontend on small modules: the printed SSA shows what each construct becomes,
// and every translated function passes the verifier. Whole-function expectations live in the
// filetests under compiler/filetests/frontend; these check the rules one at a time.
#include "compiler/frontend/frontend.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "catch2/catch.hpp"
#include "compiler/ssa/printer.h"
#include "compiler/ssa/verifier.h"
#include "compiler/text/wat_parser.h"
#include "compiler/wasm/decoder.h"
#include "compiler/wasm/validator.h"
#include "testing/status_matchers.h"

namespace kiln::frontend {
namespace {

wasm::Module Load(const char* wat) {
  absl::StatusOr<std::vector<uint8_t>> bytes = text::ParseWat(wat);
  REQUIRE(bytes.ok());
  absl::StatusOr<wasm::Module> module = wasm::Decode(*bytes);
  REQUIRE(module.ok());
  REQUIRE(wasm::Validate(*module).ok());
  return *std::move(module);
}

// Translate translates every function, checks each with the verifier, and returns the text.
std::string Translate(const char* wat) {
  wasm::Module module = Load(wat);
  absl::StatusOr<std::vector<ssa::Function>> functions = TranslateModule(module);
  REQUIRE(functions.ok());
  for (const ssa::Function& fn : *functions) {
    INFO(ssa::Print(fn));
    CHECK(ssa::Verify(fn).ok());
  }
  return ssa::PrintFunctions(*functions);
}

// Count counts the lines of `text` that contain `needle`.
int Count(const std::string& text, absl::string_view needle) {
  int n = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) n += absl::StrContains(line, needle);
  return n;
}

TEST_CASE("frontend passes the VM context first and the Wasm params after it", "[frontend]") {
  std::string text = Translate(R"((module (func (param i64 f32) (result f32) (local.get 1))))");
  CAPTURE(text);
  CHECK(absl::StrContains(text, "function %f0(ref, i64, f32) -> f32 {"));
  CHECK(absl::StrContains(text, "block0(v0: ref, v1: i64, v2: f32):"));
  CHECK(absl::StrContains(text, "return v2"));
}

TEST_CASE("frontend starts declared locals at zero", "[frontend]") {
  std::string text = Translate(R"((module (func (result i64 f64 v128)
      (local i64 f64 v128) (local.get 0) (local.get 1) (local.get 2))))");
  CAPTURE(text);
  CHECK(absl::StrContains(text, "iconst.i64 0"));
  CHECK(absl::StrContains(text, "fconst.f64 0"));
  CHECK(absl::StrContains(text, "vconst 0x00000000000000000000000000000000"));
}

TEST_CASE("frontend continues in place after a block nobody branches to", "[frontend]") {
  std::string text = Translate(R"((module (func (result i32)
      (block (result i32) (block (result i32) (i32.const 1))))))");
  CAPTURE(text);
  CHECK(Count(text, "block") == 1);  // only block0
}

TEST_CASE("frontend turns locals changed in a loop into header parameters and drops the "
          "trivial ones",
          "[frontend]") {
  std::string text = Translate(R"((module (func (param $n i32) (result i32) (local $i i32)
      (loop $l
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
      (local.get $i))))");
  CAPTURE(text);
  // $i changes in the loop and gets a parameter; $n does not, so its parameter was trivial.
  CHECK(absl::StrContains(text, "block1(v2: i32):"));
  CHECK(absl::StrContains(text, "brif"));
  CHECK(Count(text, "block1(") == 3);  // the header, the entry jump, the back edge
}

TEST_CASE("frontend skips code after unconditional branches", "[frontend]") {
  std::string text = Translate(R"((module (func (result i32)
      (return (i32.const 1)) (i32.const 2) (i32.const 3) (i32.add))))");
  CAPTURE(text);
  CHECK(Count(text, "iconst") == 1);
  CHECK_FALSE(absl::StrContains(text, "iadd"));
}

TEST_CASE("frontend sends if without else straight to the merge with the if's params",
          "[frontend]") {
  std::string text = Translate(R"((module (type $t (func (param i32) (result i32)))
      (func (param i32 i32) (result i32)
        (local.get 0)
        (if (type $t) (local.get 1) (then (i32.const 1) (i32.add))))))");
  CAPTURE(text);
  CHECK(absl::StrContains(text, "brif v2, block1, block2(v1)"));
  CHECK(absl::StrContains(text, "block2(v5: i32):"));
}

TEST_CASE("frontend turns a conditional branch out of the function into a return",
          "[frontend]") {
  std::string text = Translate(R"((module (func (param i32) (result i32)
      (br_if 0 (i32.const 7) (local.get 0)) (drop) (i32.const 8))))");
  CAPTURE(text);
  CHECK(Count(text, "return") == 2);
}

TEST_CASE("frontend emits the call_indirect checks in order", "[frontend]") {
  std::string text = Translate(R"((module (type $t (func)) (table 1 funcref)
      (func (param i32) (call_indirect (type $t) (local.get 0)))))");
  CAPTURE(text);
  size_t bounds = text.find("undefined_element");
  size_t null = text.find("uninitialized_element");
  size_t type = text.find("indirect_call_type_mismatch");
  REQUIRE(bounds != std::string::npos);
  REQUIRE(null != std::string::npos);
  REQUIRE(type != std::string::npos);
  CHECK(bounds < null);
  CHECK(null < type);
  CHECK(absl::StrContains(text, "call_indirect sig0"));
}

TEST_CASE("frontend reads an imported memory's length through its pointer", "[frontend]") {
  std::string text = Translate(R"((module (import "env" "m" (memory 1))
      (func (result i32) (memory.size))))");
  CAPTURE(text);
  CHECK(absl::StrContains(text, "vm_load_readonly.ref v0+32"));
  CHECK(absl::StrContains(text, "vm_load.i64 v1+8"));
}

// LoopNest is `depth` nested loops, each closed by a br_if back edge, around a body that
// increments local 0 and reads locals 1..num_locals-1 without writing them.
std::string LoopNest(int depth, int num_locals) {
  std::string wat = "(module (func (result i32) (local";
  for (int i = 0; i < num_locals; ++i) wat += " i32";
  wat += ")";
  for (int i = 0; i < depth; ++i) wat += "(loop ";
  wat += "(local.set 0 (i32.add (local.get 0) (i32.const 1)))";
  for (int i = 1; i < num_locals; ++i) wat += "(drop (local.get " + std::to_string(i) + "))";
  for (int i = 0; i < depth; ++i) wat += "(br_if 0 (local.get 0)))";
  wat += "(local.get " + std::to_string(num_locals - 1) + ")))";
  return wat;
}

TEST_CASE("frontend keeps only the parameters a deep loop nest needs", "[frontend]") {
  const int depth = 300;
  std::string text = Translate(LoopNest(depth, 8).c_str());
  // Every header keeps exactly one parameter (local 0, written in the innermost body); the
  // other locals' parameters fall in a cascade from the innermost header outwards.
  int headers = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::StartsWith(line, "block") || absl::StartsWith(line, "block0")) continue;
    if (absl::StrContains(line, "(")) {
      ++headers;
      CHECK_FALSE(absl::StrContains(line, ","));
    }
  }
  CHECK(headers == depth);
}

TEST_CASE("frontend translates blocks nested five thousand deep", "[frontend]") {
  std::string wat = "(module (func (param i32) (result i32)";
  const int depth = 5000;  // the text parser allows 10000 levels of nesting
  for (int i = 0; i < depth; ++i) wat += "(block (result i32) ";
  wat += "(br_if 0 (i32.const 1) (local.get 0)) (drop) (local.get 0)";
  for (int i = 0; i < depth; ++i) wat += ")";
  wat += "))";
  std::string text = Translate(wat.c_str());
  CHECK(absl::StrContains(text, "return"));
}

TEST_CASE("frontend polls the interrupt flag at loop headers only when asked", "[frontend]") {
  wasm::Module module = Load(R"((module (func (param i32)
      (loop (br_if 0 (local.get 0))) (loop (br_if 0 (local.get 0))))))");
  vmctx::Layout layout = vmctx::Layout::Compute(module);
  absl::StatusOr<ssa::Function> plain = TranslateFunction(module, 0, layout);
  REQUIRE(plain.ok());
  CHECK(Count(ssa::Print(*plain), "interrupted") == 0);

  TranslateOptions options;
  options.interrupt_checks = true;
  absl::StatusOr<ssa::Function> checked = TranslateFunction(module, 0, layout, options);
  REQUIRE(checked.ok());
  CHECK(ssa::Verify(*checked).ok());
  std::string text = ssa::Print(*checked);
  CAPTURE(text);
  CHECK(Count(text, "vm_load.i32 v0+16") == 2);
  CHECK(Count(text, "trapnz") == 2);
  CHECK(Count(text, "interrupted") == 2);
}

TEST_CASE("frontend polls the interrupt flag on entry to functions that call", "[frontend]") {
  // $leaf neither loops nor calls: bounded, no poll. $fib recurses: one poll on entry, before
  // anything else, so every level of a recursion passes one.
  wasm::Module module = Load(R"((module
      (func $leaf (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
      (func $fib (param i32) (result i32)
        (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
          (then (local.get 0))
          (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                         (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
      (table 1 funcref)
      (func $indirect (param i32) (result i32)
        (call_indirect (param i32) (result i32) (local.get 0) (i32.const 0)))))");
  vmctx::Layout layout = vmctx::Layout::Compute(module);
  TranslateOptions options;
  options.interrupt_checks = true;
  for (uint32_t f = 0; f < 3; ++f) {
    absl::StatusOr<ssa::Function> plain = TranslateFunction(module, f, layout);
    REQUIRE(plain.ok());
    CHECK(Count(ssa::Print(*plain), "interrupted") == 0);
  }
  absl::StatusOr<ssa::Function> leaf = TranslateFunction(module, 0, layout, options);
  REQUIRE(leaf.ok());
  CHECK(Count(ssa::Print(*leaf), "interrupted") == 0);
  for (uint32_t f : {1u, 2u}) {
    absl::StatusOr<ssa::Function> calling = TranslateFunction(module, f, layout, options);
    REQUIRE(calling.ok());
    CHECK(ssa::Verify(*calling).ok());
    std::string text = ssa::Print(*calling);
    CAPTURE(text);
    CHECK(Count(text, "interrupted") == 1);
    // The poll is the entry block's first instruction.
    const ssa::Inst* first = calling->entry()->first();
    REQUIRE(first != nullptr);
    CHECK(first->opcode() == ssa::Opcode::kVmLoad);
  }
}

TEST_CASE("frontend names functions from the name section when the name is plain",
          "[frontend]") {
  wasm::Module module = Load(R"((module (func) (func) (func)))");
  module.names.function_names[0] = "add";
  module.names.function_names[1] = "with.dot";
  CHECK(FunctionName(module, 0) == "add");
  CHECK(FunctionName(module, 1) == "f1");
  CHECK(FunctionName(module, 2) == "f2");
}

TEST_CASE("frontend rejects a defined function index out of range", "[frontend]") {
  wasm::Module module = Load("(module (func))");
  vmctx::Layout layout = vmctx::Layout::Compute(module);
  CHECK_THAT(TranslateFunction(module, 1, layout).status(),
             testing::StatusIs(absl::StatusCode::kInternal, "no defined function 1"));
}

}  // namespace
}  // namespace kiln::frontend
