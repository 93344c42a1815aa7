// Execution tests of the x86_64 backend on the host: .wat modules compiled by CompileModule,
// placed by runtime/code and called through the entry trampolines, results checked bit for bit
// and traps by code.
#include <cmath>
#include <cstring>
#include <limits>

#include "backend/regalloc/regalloc.h"
#include "backend/testing/spill_all_allocator.h"
#include "backend/testing/wasm_harness.h"
#include "catch2/catch.hpp"

namespace kiln::backend {
namespace {

using testing::CallResult;
using testing::WasmHarness;

// Each test runs once per allocator: the trivial spill-all one and backend/regalloc.
AllocateFn CurrentAllocator() {
  return GENERATE(values<AllocateFn>({&testing::SpillAllAllocate, &regalloc::Allocate}));
}

std::unique_ptr<WasmHarness> Compile(absl::string_view wat) {
  AllocateFn allocate = CurrentAllocator();
  INFO((allocate == &regalloc::Allocate ? "regalloc" : "spill-all"));
  auto h = WasmHarness::Create(wat, allocate);
  INFO(h.status().ToString());
  REQUIRE(h.ok());
  return std::move(*h);
}

CallResult Run(WasmHarness& h, absl::string_view name, std::vector<uint64_t> args) {
  auto r = h.Call(name, std::move(args));
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return *r;
}

uint64_t One(WasmHarness& h, absl::string_view name, std::vector<uint64_t> args) {
  CallResult r = Run(h, name, std::move(args));
  INFO("trap " << (r.trap ? static_cast<int>(*r.trap) : -1));
  REQUIRE(!r.trap);
  REQUIRE(r.results.size() == 1);
  return r.results[0];
}

std::optional<trap::TrapCode> TrapOf(WasmHarness& h, absl::string_view name,
                                     std::vector<uint64_t> args) {
  return Run(h, name, std::move(args)).trap;
}

uint64_t F64(double d) {
  uint64_t b;
  std::memcpy(&b, &d, 8);
  return b;
}
uint64_t F32(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}
double AsF64(uint64_t b) {
  double d;
  std::memcpy(&d, &b, 8);
  return d;
}
float AsF32(uint64_t b) {
  uint32_t b32 = static_cast<uint32_t>(b);
  float f;
  std::memcpy(&f, &b32, 4);
  return f;
}
uint64_t U32(int32_t v) { return static_cast<uint32_t>(v); }

TEST_CASE("i32 arithmetic, shifts and bit counts run natively", "[backend][x86_64][exec]") {
  auto h = Compile(R"(
    (module
      (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
      (func (export "sub") (param i32 i32) (result i32) (i32.sub (local.get 0) (local.get 1)))
      (func (export "mul") (param i32 i32) (result i32) (i32.mul (local.get 0) (local.get 1)))
      (func (export "addimm") (param i32) (result i32) (i32.add (local.get 0) (i32.const -7)))
      (func (export "shl") (param i32 i32) (result i32) (i32.shl (local.get 0) (local.get 1)))
      (func (export "shr_s") (param i32 i32) (result i32) (i32.shr_s (local.get 0) (local.get 1)))
      (func (export "shr_u") (param i32 i32) (result i32) (i32.shr_u (local.get 0) (local.get 1)))
      (func (export "rotl") (param i32 i32) (result i32) (i32.rotl (local.get 0) (local.get 1)))
      (func (export "clz") (param i32) (result i32) (i32.clz (local.get 0)))
      (func (export "ctz") (param i32) (result i32) (i32.ctz (local.get 0)))
      (func (export "popcnt") (param i32) (result i32) (i32.popcnt (local.get 0)))
      (func (export "lt_s") (param i32 i32) (result i32) (i32.lt_s (local.get 0) (local.get 1)))
      (func (export "ge_u") (param i32 i32) (result i32) (i32.ge_u (local.get 0) (local.get 1)))
      (func (export "eqz") (param i32) (result i32) (i32.eqz (local.get 0)))
      (func (export "ext8") (param i32) (result i32) (i32.extend8_s (local.get 0)))
      (func (export "select") (param i32 i32 i32) (result i32)
        (select (local.get 0) (local.get 1) (local.get 2)))
      (func (export "min_s") (param i32 i32) (result i32)
        (select (local.get 0) (local.get 1) (i32.lt_s (local.get 0) (local.get 1))))
      (func (export "max_u64") (param i64 i64) (result i64)
        (select (local.get 0) (local.get 1) (i64.gt_u (local.get 0) (local.get 1)))))
  )");
  CHECK(One(*h, "add", {5, 7}) == 12);
  CHECK(One(*h, "add", {0xffffffff, 1}) == 0);
  CHECK(One(*h, "sub", {3, 5}) == U32(-2));
  CHECK(One(*h, "mul", {0x10000, 0x10000}) == 0);
  CHECK(One(*h, "mul", {U32(-3), 7}) == U32(-21));
  CHECK(One(*h, "addimm", {10}) == 3);
  CHECK(One(*h, "shl", {1, 33}) == 2);
  CHECK(One(*h, "shr_s", {U32(-16), 2}) == U32(-4));
  CHECK(One(*h, "shr_u", {U32(-16), 28}) == 15);
  CHECK(One(*h, "rotl", {0x80000001u, 1}) == 3);
  CHECK(One(*h, "clz", {0}) == 32);
  CHECK(One(*h, "clz", {1}) == 31);
  CHECK(One(*h, "ctz", {0}) == 32);
  CHECK(One(*h, "ctz", {0x80}) == 7);
  CHECK(One(*h, "popcnt", {0xf0f0}) == 8);
  CHECK(One(*h, "lt_s", {U32(-1), 0}) == 1);
  CHECK(One(*h, "ge_u", {U32(-1), 0}) == 1);
  CHECK(One(*h, "eqz", {0}) == 1);
  CHECK(One(*h, "eqz", {9}) == 0);
  CHECK(One(*h, "ext8", {0x80}) == U32(-128));
  CHECK(One(*h, "select", {11, 22, 1}) == 11);
  CHECK(One(*h, "select", {11, 22, 0}) == 22);
  CHECK(One(*h, "min_s", {U32(-5), 3}) == U32(-5));
  CHECK(One(*h, "min_s", {7, 3}) == 3);
  CHECK(One(*h, "max_u64", {~uint64_t{0}, 3}) == ~uint64_t{0});
  CHECK(One(*h, "max_u64", {2, 3}) == 3);
}

TEST_CASE("i64 arithmetic and conversions run natively", "[backend][x86_64][exec]") {
  auto h = Compile(R"(
    (module
      (func (export "add") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
      (func (export "mul") (param i64 i64) (result i64) (i64.mul (local.get 0) (local.get 1)))
      (func (export "big") (result i64) (i64.const 0x123456789abcdef0))
      (func (export "clz") (param i64) (result i64) (i64.clz (local.get 0)))
      (func (export "wrap") (param i64) (result i32) (i32.wrap_i64 (local.get 0)))
      (func (export "extend_s") (param i32) (result i64) (i64.extend_i32_s (local.get 0)))
      (func (export "extend_u") (param i32) (result i64) (i64.extend_i32_u (local.get 0)))
      (func (export "rotr") (param i64 i64) (result i64) (i64.rotr (local.get 0) (local.get 1))))
  )");
  CHECK(One(*h, "add", {~uint64_t{0}, 2}) == 1);
  CHECK(One(*h, "mul", {0x100000000ull, 0x100000000ull}) == 0);
  CHECK(One(*h, "big", {}) == 0x123456789abcdef0ull);
  CHECK(One(*h, "clz", {1}) == 63);
  CHECK(One(*h, "clz", {0}) == 64);
  CHECK(One(*h, "wrap", {0x1234567887654321ull}) == 0x87654321u);
  CHECK(One(*h, "extend_s", {0x80000000u}) == 0xffffffff80000000ull);
  CHECK(One(*h, "extend_u", {0x80000000u}) == 0x80000000ull);
  CHECK(One(*h, "rotr", {1, 1}) == 0x8000000000000000ull);
}

TEST_CASE("integer division follows Wasm, trapping on zero and on overflow",
          "[backend][x86_64][exec]") {
  auto h = Compile(R"(
    (module
      (func (export "div_s") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
      (func (export "div_u") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
      (func (export "rem_s") (param i32 i32) (result i32) (i32.rem_s (local.get 0) (local.get 1)))
      (func (export "rem_u") (param i32 i32) (result i32) (i32.rem_u (local.get 0) (local.get 1)))
      (func (export "div_s64") (param i64 i64) (result i64) (i64.div_s (local.get 0) (local.get 1)))
      (func (export "rem_s64") (param i64 i64) (result i64) (i64.rem_s (local.get 0) (local.get 1))))
  )");
  CHECK(One(*h, "div_s", {U32(-7), 2}) == U32(-3));
  CHECK(One(*h, "div_u", {U32(-7), 2}) == 0x7ffffffcu);
  CHECK(One(*h, "rem_s", {U32(-7), 2}) == U32(-1));
  CHECK(One(*h, "rem_u", {7, 3}) == 1);
  CHECK(One(*h, "div_s", {7, U32(-1)}) == U32(-7));
  CHECK(One(*h, "rem_s", {0x80000000u, U32(-1)}) == 0);
  CHECK(TrapOf(*h, "div_s", {0x80000000u, U32(-1)}) == trap::TrapCode::kIntegerOverflow);
  CHECK(TrapOf(*h, "div_s", {1, 0}) == trap::TrapCode::kIntegerDivideByZero);
  CHECK(TrapOf(*h, "div_u", {1, 0}) == trap::TrapCode::kIntegerDivideByZero);
  CHECK(TrapOf(*h, "rem_u", {1, 0}) == trap::TrapCode::kIntegerDivideByZero);
  CHECK(TrapOf(*h, "div_s64", {0x8000000000000000ull, ~uint64_t{0}}) ==
        trap::TrapCode::kIntegerOverflow);
  CHECK(One(*h, "rem_s64", {0x8000000000000000ull, ~uint64_t{0}}) == 0);
  CHECK(One(*h, "div_s64", {~uint64_t{0} - 9, 5}) == ~uint64_t{0} - 1);
}

TEST_CASE("loops, branches, br_table and recursion run natively", "[backend][x86_64][exec]") {
  auto h = Compile(R"(
    (module
      (func $fac (export "fac") (param i64) (result i64)
        (if (result i64) (i64.eqz (local.get 0))
          (then (i64.const 1))
          (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
      (func (export "sum") (param i32) (result i32) (local i32)
        (block $done
          (loop $next
            (br_if $done (i32.eqz (local.get 0)))
            (local.set 1 (i32.add (local.get 1) (local.get 0)))
            (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
            (br $next)))
        (local.get 1))
      (func (export "switch") (param i32) (result i32)
        (block $d (block $c (block $b (block $a
          (br_table $a $b $c $d (local.get 0)))
          (return (i32.const 10)))
          (return (i32.const 20)))
          (return (i32.const 30)))
        (i32.const 99))
      (func $fib (export "fib") (param i32) (result i32)
        (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
          (then (local.get 0))
          (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                         (call $fib (i32.sub (local.get 0) (i32.const 2))))))))
  )");
  CHECK(One(*h, "fac", {20}) == 2432902008176640000ull);
  CHECK(One(*h, "sum", {100}) == 5050);
  CHECK(One(*h, "switch", {0}) == 10);
  CHECK(One(*h, "switch", {1}) == 20);
  CHECK(One(*h, "switch", {2}) == 30);
  CHECK(One(*h, "switch", {3}) == 99);
  CHECK(One(*h, "switch", {1000}) == 99);
  CHECK(One(*h, "fib", {20}) == 6765);
}

TEST_CASE("calls pass stack arguments and return many results", "[backend][x86_64][exec]") {
  auto h = Compile(R"(
    (module
      (func $many (param i32 i32 i32 i32 i32 i32 i32 i32 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
                  (result i32 i64 f64 f64 f64 i32 i32)
        (i32.add (local.get 0) (local.get 7))
        (i64.extend_i32_u (i32.mul (local.get 6) (local.get 5)))
        (f64.add (local.get 8) (local.get 17))
        (local.get 16)
        (local.get 9)
        (local.get 1)
        (local.get 2))
      (func (export "caller") (result i32 i64 f64 f64 f64 i32 i32)
        (call $many (i32.const 1) (i32.const 2) (i32.const 3) (i32.const 4) (i32.const 5)
                    (i32.const 6) (i32.const 7) (i32.const 8)
                    (f64.const 0.5) (f64.const 1) (f64.const 2) (f64.const 3) (f64.const 4)
                    (f64.const 5) (f64.const 6) (f64.const 7) (f64.const 8) (f64.const 9.25)))
      (func (export "swap") (param i32 i64) (result i64 i32) (local.get 1) (local.get 0)))
  )");
  CallResult r = Run(*h, "caller", {});
  REQUIRE(!r.trap);
  REQUIRE(r.results.size() == 7);
  CHECK(r.results[0] == 9);
  CHECK(r.results[1] == 42);
  CHECK(AsF64(r.results[2]) == 9.75);
  CHECK(AsF64(r.results[3]) == 8.0);
  CHECK(AsF64(r.results[4]) == 1.0);
  CHECK(r.results[5] == 2);
  CHECK(r.results[6] == 3);
  CallResult s = Run(*h, "swap", {5, 0x1122334455667788ull});
  REQUIRE(s.results.size() == 2);
  CHECK(s.results[0] == 0x1122334455667788ull);
  CHECK(s.results[1] == 5);
}

TEST_CASE("float arithmetic follows Wasm's NaN, signed-zero and rounding rules",
          "[backend][x86_64][exec]") {
  auto h = Compile(R"(
    (module
      (func (export "add") (param f64 f64) (result f64) (f64.add (local.get 0) (local.get 1)))
      (func (export "min") (param f64 f64) (result f64) (f64.min (local.get 0) (local.get 1)))
      (func (export "max") (param f64 f64) (result f64) (f64.max (local.get 0) (local.get 1)))
      (func (export "minf") (param f32 f32) (result f32) (f32.min (local.get 0) (local.get 1)))
      (func (export "nearest") (param f64) (result f64) (f64.nearest (local.get 0)))
      (func (export "floor") (param f32) (result f32) (f32.floor (local.get 0)))
      (func (export "sqrt") (param f64) (result f64) (f64.sqrt (local.get 0)))
      (func (export "neg") (param f64) (result f64) (f64.neg (local.get 0)))
      (func (export "abs") (param f32) (result f32) (f32.abs (local.get 0)))
      (func (export "copysign") (param f64 f64) (result f64) (f64.copysign (local.get 0) (local.get 1)))
      (func (export "lt") (param f64 f64) (result i32) (f64.lt (local.get 0) (local.get 1)))
      (func (export "ne") (param f32 f32) (result i32) (f32.ne (local.get 0) (local.get 1)))
      (func (export "eq") (param f32 f32) (result i32) (f32.eq (local.get 0) (local.get 1)))
      (func (export "promote") (param f32) (result f64) (f64.promote_f32 (local.get 0)))
      (func (export "const") (result f32) (f32.const 1.5))
      (func (export "fselect") (param f64 f64 i32) (result f64)
        (select (local.get 0) (local.get 1) (local.get 2))))
  )");
  double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK(AsF64(One(*h, "add", {F64(1.25), F64(2.5)})) == 3.75);
  CHECK(std::isnan(AsF64(One(*h, "min", {F64(nan), F64(1)}))));
  CHECK(std::isnan(AsF64(One(*h, "max", {F64(1), F64(nan)}))));
  CHECK(One(*h, "min", {F64(0.0), F64(-0.0)}) == F64(-0.0));
  CHECK(One(*h, "max", {F64(-0.0), F64(0.0)}) == F64(0.0));
  CHECK(AsF64(One(*h, "min", {F64(3), F64(-2)})) == -2);
  CHECK(AsF32(One(*h, "minf", {F32(3), F32(-2)})) == -2.0f);
  CHECK(AsF64(One(*h, "nearest", {F64(2.5)})) == 2.0);
  CHECK(AsF64(One(*h, "nearest", {F64(3.5)})) == 4.0);
  CHECK(AsF64(One(*h, "nearest", {F64(-0.5)})) == 0.0);
  CHECK(std::signbit(AsF64(One(*h, "nearest", {F64(-0.5)}))));
  CHECK(AsF32(One(*h, "floor", {F32(-1.5f)})) == -2.0f);
  CHECK(AsF64(One(*h, "sqrt", {F64(16)})) == 4.0);
  CHECK(One(*h, "neg", {F64(0.0)}) == F64(-0.0));
  CHECK(One(*h, "abs", {F32(-3.0f)}) == F32(3.0f));
  CHECK(AsF64(One(*h, "copysign", {F64(2), F64(-0.0)})) == -2.0);
  CHECK(AsF64(One(*h, "copysign", {F64(-2), F64(1)})) == 2.0);
  CHECK(One(*h, "lt", {F64(1), F64(2)}) == 1);
  CHECK(One(*h, "lt", {F64(nan), F64(2)}) == 0);
  CHECK(One(*h, "ne", {F32(NAN), F32(NAN)}) == 1);
  CHECK(One(*h, "eq", {F32(NAN), F32(NAN)}) == 0);
  CHECK(One(*h, "eq", {F32(2), F32(2)}) == 1);
  CHECK(AsF64(One(*h, "promote", {F32(1.5f)})) == 1.5);
  CHECK(One(*h, "const", {}) == F32(1.5f));
  CHECK(AsF64(One(*h, "fselect", {F64(1), F64(2), 0})) == 2.0);
  CHECK(AsF64(One(*h, "fselect", {F64(1), F64(2), 7})) == 1.0);
}

TEST_CASE("float to int conversions trap or saturate as Wasm says", "[backend][x86_64][exec]") {
  auto h = Compile(R"(
    (module
      (func (export "i32_f64_s") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
      (func (export "i32_f32_u") (param f32) (result i32) (i32.trunc_f32_u (local.get 0)))
      (func (export "i64_f64_u") (param f64) (result i64) (i64.trunc_f64_u (local.get 0)))
      (func (export "i64_f32_s") (param f32) (result i64) (i64.trunc_f32_s (local.get 0)))
      (func (export "sat_i32_s") (param f64) (result i32) (i32.trunc_sat_f64_s (local.get 0)))
      (func (export "sat_i32_u") (param f32) (result i32) (i32.trunc_sat_f32_u (local.get 0)))
      (func (export "sat_i64_u") (param f64) (result i64) (i64.trunc_sat_f64_u (local.get 0)))
      (func (export "u64_to_f64") (param i64) (result f64) (f64.convert_i64_u (local.get 0)))
      (func (export "u32_to_f32") (param i32) (result f32) (f32.convert_i32_u (local.get 0)))
      (func (export "s32_to_f64") (param i32) (result f64) (f64.convert_i32_s (local.get 0))))
  )");
  double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK(One(*h, "i32_f64_s", {F64(-3.9)}) == U32(-3));
  CHECK(One(*h, "i32_f64_s", {F64(-2147483648.9)}) == 0x80000000u);
  CHECK(TrapOf(*h, "i32_f64_s", {F64(-2147483649.0)}) == trap::TrapCode::kIntegerOverflow);
  CHECK(TrapOf(*h, "i32_f64_s", {F64(2147483648.0)}) == trap::TrapCode::kIntegerOverflow);
  CHECK(TrapOf(*h, "i32_f64_s", {F64(nan)}) == trap::TrapCode::kInvalidConversionToInteger);
  CHECK(One(*h, "i32_f32_u", {F32(-0.9f)}) == 0);
  CHECK(One(*h, "i32_f32_u", {F32(4294967040.0f)}) == 4294967040u);
  CHECK(TrapOf(*h, "i32_f32_u", {F32(4294967296.0f)}) == trap::TrapCode::kIntegerOverflow);
  CHECK(TrapOf(*h, "i32_f32_u", {F32(-1.0f)}) == trap::TrapCode::kIntegerOverflow);
  CHECK(One(*h, "i64_f64_u", {F64(18446744073709549568.0)}) == 18446744073709549568ull);
  CHECK(One(*h, "i64_f64_u", {F64(9223372036854775808.0)}) == 9223372036854775808ull);
  CHECK(TrapOf(*h, "i64_f64_u", {F64(18446744073709551616.0)}) == trap::TrapCode::kIntegerOverflow);
  CHECK(One(*h, "i64_f32_s", {F32(-9223372036854775808.0f)}) == 0x8000000000000000ull);
  CHECK(TrapOf(*h, "i64_f32_s", {F32(9223372036854775808.0f)}) == trap::TrapCode::kIntegerOverflow);
  CHECK(One(*h, "sat_i32_s", {F64(1e10)}) == 0x7fffffffu);
  CHECK(One(*h, "sat_i32_s", {F64(-1e10)}) == 0x80000000u);
  CHECK(One(*h, "sat_i32_s", {F64(nan)}) == 0);
  CHECK(One(*h, "sat_i32_u", {F32(-5.0f)}) == 0);
  CHECK(One(*h, "sat_i32_u", {F32(1e20f)}) == 0xffffffffu);
  CHECK(One(*h, "sat_i64_u", {F64(1e30)}) == ~uint64_t{0});
  CHECK(One(*h, "sat_i64_u", {F64(12345.7)}) == 12345);
  CHECK(AsF64(One(*h, "u64_to_f64", {~uint64_t{0}})) == 18446744073709551616.0);
  CHECK(AsF64(One(*h, "u64_to_f64", {12345})) == 12345.0);
  CHECK(AsF32(One(*h, "u32_to_f32", {0xffffffffu})) == 4294967296.0f);
  CHECK(AsF64(One(*h, "s32_to_f64", {U32(-5)})) == -5.0);
}

TEST_CASE("linear memory loads and stores fold addresses and trap out of bounds",
          "[backend][x86_64][exec]") {
  auto h = Compile(R"(
    (module
      (memory 1)
      (func (export "store") (param i32 i64) (i64.store offset=8 (local.get 0) (local.get 1)))
      (func (export "load") (param i32) (result i64) (i64.load offset=8 (local.get 0)))
      (func (export "load8_s") (param i32) (result i32) (i32.load8_s (local.get 0)))
      (func (export "load16_u") (param i32) (result i64) (i64.load16_u (local.get 0)))
      (func (export "storef") (param i32 f32) (f32.store (local.get 0) (local.get 1)))
      (func (export "loadf") (param i32) (result f32) (f32.load (local.get 0)))
      (func (export "store_const") (param i32) (i32.store8 offset=3 (local.get 0) (i32.const 200)))
      (func (export "far") (param i32) (result i32) (i32.load offset=0xfffffff0 (local.get 0))))
  )");
  CallResult r = Run(*h, "store", {16, 0x8877665544332211ull});
  CHECK(!r.trap);
  CHECK(One(*h, "load", {16}) == 0x8877665544332211ull);
  CHECK(h->memory()[24] == 0x11);
  CHECK(One(*h, "load8_s", {31}) == U32(-120));
  CHECK(One(*h, "load16_u", {30}) == 0x8877);
  CHECK(!Run(*h, "storef", {100, F32(2.5f)}).trap);
  CHECK(AsF32(One(*h, "loadf", {100})) == 2.5f);
  CHECK(!Run(*h, "store_const", {40}).trap);
  CHECK(h->memory()[43] == 200);
  CHECK(TrapOf(*h, "load", {65536 - 15}) == trap::TrapCode::kOutOfBoundsMemoryAccess);
  CHECK(TrapOf(*h, "load", {0xfffffff0u}) == trap::TrapCode::kOutOfBoundsMemoryAccess);
  CHECK(TrapOf(*h, "far", {0xffffffffu}) == trap::TrapCode::kOutOfBoundsMemoryAccess);
  CHECK(TrapOf(*h, "store", {65536, 1}) == trap::TrapCode::kOutOfBoundsMemoryAccess);
  // The instance survives its traps.
  CHECK(One(*h, "load", {16}) == 0x8877665544332211ull);
}

TEST_CASE("unreachable traps and deep recursion exhausts the stack", "[backend][x86_64][exec]") {
  auto h = Compile(R"(
    (module
      (func (export "boom") (unreachable))
      (func $down (export "down") (param i32) (result i32)
        (i32.add (i32.const 1) (call $down (local.get 0)))))
  )");
  CHECK(TrapOf(*h, "boom", {}) == trap::TrapCode::kUnreachable);
  CHECK(TrapOf(*h, "down", {0}) == trap::TrapCode::kCallStackExhausted);
  CHECK(TrapOf(*h, "boom", {}) == trap::TrapCode::kUnreachable);
}

}  // namespace
}  // namespace kiln::backend
