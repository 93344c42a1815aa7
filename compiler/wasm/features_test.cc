// Tests of the feature scan: each Wasm 2.0 feature is found where it is used, reported with
// its location, and modules that only use Wasm 1.0 pass with every feature disabled.
#include "compiler/wasm/features.h"

#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "catch2/catch.hpp"
#include "compiler/text/wat_parser.h"
#include "compiler/wasm/decoder.h"
#include "testing/status_matchers.h"

namespace kiln::wasm {
namespace {

using testing::IsOk;
using testing::StatusIs;

Module DecodeWat(absl::string_view wat) {
  absl::StatusOr<std::vector<uint8_t>> bytes = text::ParseWat(wat);
  INFO(bytes.status());
  REQUIRE(bytes.ok());
  absl::StatusOr<Module> module = Decode(*bytes);
  INFO(module.status());
  REQUIRE(module.ok());
  return *std::move(module);
}

constexpr uint64_t kV1 = kFeatureMutableGlobal;

TEST_CASE("a Wasm 1.0 module needs no feature", "[wasm][features]") {
  Module module = DecodeWat(R"((module
    (import "env" "g" (global i32))
    (memory 1) (table 2 funcref) (elem (i32.const 0) $f)
    (data (i32.const 0) "hi")
    (global $x (mut i32) (i32.const 1))
    (func $f (param i32) (result i32)
      (block (result i32) (local.get 0))
      (i32.add (global.get $x))
      (call_indirect (param i32) (result i32) (i32.const 0)))
    (export "f" (func $f)))
  )");
  CHECK_THAT(CheckFeatures(module, 0), IsOk());
  CHECK(*UsedFeatures(module) == 0);
}


TEST_CASE("each feature is reported where it is used", "[wasm][features]") {
  auto [wat, feature, message] = GENERATE(table<const char*, uint64_t, const char*>({
      {R"((module (global (export "g") (mut i32) (i32.const 0))))", kFeatureMutableGlobal,
       "feature mutable-global is disabled: mutable global (export \"g\")"},
      {R"((module (import "m" "g" (global (mut i64)))))", kFeatureMutableGlobal,
       "feature mutable-global is disabled: mutable global (import m.g)"},
      {R"((module (func (param i32) (result i32) (i32.extend8_s (local.get 0)))))",
       kFeatureSignExtensionOps,
       "feature sign-extension-ops is disabled: i32.extend8_s (func 0, offset 0x"},
      {R"((module (func (result i32 i32) (i32.const 1) (i32.const 2))))", kFeatureMultiValue,
       "feature multi-value is disabled: 2 results (type 0)"},
      {R"((module (type $t (func (param i32) (result i32)))
                  (func (result i32) (i32.const 1) (block (type $t) (param i32) (result i32)))))",
       kFeatureMultiValue, "feature multi-value is disabled: block with type 0 (func 0, offset"},
      {R"((module (func (param f32) (result i32) (i32.trunc_sat_f32_s (local.get 0)))))",
       kFeatureNonTrappingFloatToIntConversion,
       "feature nontrapping-float-to-int-conversion is disabled: i32.trunc_sat_f32_s (func 0"},
      {R"((module (memory 1) (func (memory.fill (i32.const 0) (i32.const 0) (i32.const 1)))))",
       kFeatureBulkMemoryOperations,
       "feature bulk-memory-operations is disabled: memory.fill (func 0, offset 0x"},
      {R"((module (memory 1) (data "passive")))", kFeatureBulkMemoryOperations,
       "feature bulk-memory-operations is disabled: passive segment (data 0)"},
      {R"((module (func (param externref))))", kFeatureReferenceTypes,
       "feature reference-types is disabled: externref param (type 0)"},
      {R"((module (table 1 funcref) (table 1 funcref)))", kFeatureReferenceTypes,
       "feature reference-types is disabled: 2 tables (table section)"},
      {R"((module (func (result i32) (ref.is_null (ref.null func)))))", kFeatureReferenceTypes,
       "feature reference-types is disabled: ref.null (func 0, offset 0x"},
      {R"((module (func (local v128))))", kFeatureSimd,
       "feature simd is disabled: v128 local (func 0)"},
      {R"((module (func (drop (v128.const i64x2 1 2)))))", kFeatureSimd,
       "feature simd is disabled: v128.const (func 0, offset 0x"},
  }));
  CAPTURE(wat);
  Module module = DecodeWat(wat);
  CHECK_THAT(CheckFeatures(module, kFeaturesAll & ~feature),
             StatusIs(absl::StatusCode::kInvalidArgument, message));
  CHECK_THAT(CheckFeatures(module, kFeaturesAll), IsOk());
  absl::StatusOr<uint64_t> used = UsedFeatures(module);
  REQUIRE(used.ok());
  CHECK((*used & feature) != 0);
}

TEST_CASE("the operator offset is the operator's byte in the module", "[wasm][features]") {
  Module module = DecodeWat(R"((module
    (func $a (result i32) (i32.const 1))
    (func $b (param i32) (result i32) (nop) (i64.extend32_s (i64.const 5)) (drop) (local.get 0))))");
  absl::StatusOr<std::optional<FeatureUse>> use = FindDisabledFeatureUse(module, kV1);
  REQUIRE(use.ok());
  REQUIRE(use->has_value());
  const FeatureUse& found = **use;
  CHECK(found.feature == kFeatureSignExtensionOps);
  CHECK(found.what == "i64.extend32_s");
  // The operator follows nop and i64.const 5 in the second body.
  uint32_t body = module.codes[1].body.offset;
  CHECK(module.bytes[body] == 0x01);       // nop
  CHECK(module.bytes[body + 1] == 0x42);   // i64.const
  CHECK(module.bytes[body + 3] == 0xC4);   // i64.extend32_s
  CHECK(found.where == absl::StrFormat("func 1, offset 0x%x", body + 3));
}

TEST_CASE("UsedFeatures collects every feature of a module", "[wasm][features]") {
  Module module = DecodeWat(R"((module
    (memory 1)
    (func (result i32 i64) (i32.const 1) (i64.const 2))
    (func (memory.copy (i32.const 0) (i32.const 0) (i32.const 0)))
    (func (param f64) (result i64) (i64.trunc_sat_f64_u (local.get 0)))))");
  absl::StatusOr<uint64_t> used = UsedFeatures(module);
  REQUIRE(used.ok());
  CHECK(*used == (kFeatureMultiValue | kFeatureBulkMemoryOperations |
                  kFeatureNonTrappingFloatToIntConversion));
}

TEST_CASE("feature names match api::CoreFeatures'", "[wasm][features]") {
  CHECK(FeatureName(kFeatureSimd) == "simd");
  CHECK(FeatureName(kFeatureMutableGlobal | kFeatureSimd).empty());
  CHECK(FeatureName(kFeatureBulkMemoryOperations) == "bulk-memory-operations");
}

}  // namespace
}  // namespace kiln::wasm
