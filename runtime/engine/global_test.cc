// api::Global and api::MutableGlobal of instances: immutable and mutable exports, values
// written by Wasm seen through Get and values Set seen by Wasm.
#include <string>
#include <vector>

#include "api/function.h"
#include "api/global.h"
#include "api/memory.h"
#include "api/module.h"
#include "api/wasm.h"
#include "catch2/catch.hpp"
#include "runtime/engine/store.h"
#include "runtime/engine/testing/wat_instances.h"
#include "runtime/trap/trap_error.h"
#include "testing/status_matchers.h"

namespace kiln::runtime {
namespace {

using api::DecodeU32;
using api::EncodeI32;
using api::EncodeU32;
using ::kiln::testing::StatusIs;
using testing::CallStatus;
using testing::CallU32;
using testing::CompileWat;
using testing::InstantiateWat;

TEST_CASE("globals are read and written through Global and MutableGlobal", "[engine]") {
  Store store;
  api::Module* m = InstantiateWat(store, R"((module
    (global (export "const") i32 (i32.const 42))
    (global $counter (export "counter") (mut i64) (i64.const 7))
    (global (export "pi") f64 (f64.const 3.5))
    (func (export "bump") (result i64)
      (global.set $counter (i64.add (global.get $counter) (i64.const 1)))
      (global.get $counter))))");
  api::Global* constant = m->ExportedGlobal("const");
  REQUIRE(constant != nullptr);
  CHECK(dynamic_cast<api::MutableGlobal*>(constant) == nullptr);
  CHECK(constant->Type() == api::kValueTypeI32);
  CHECK(constant->Get() == 42);
  CHECK(constant->String() == "global(i32) = 42");
  CHECK(api::DecodeF64(m->ExportedGlobal("pi")->Get()) == 3.5);
  auto* counter = dynamic_cast<api::MutableGlobal*>(m->ExportedGlobal("counter"));
  REQUIRE(counter != nullptr);
  CHECK(counter->Get() == 7);
  absl::StatusOr<std::vector<uint64_t>> bumped = m->ExportedFunction("bump")->Call(Context(), {});
  REQUIRE(bumped.ok());
  CHECK((*bumped)[0] == 8);
  CHECK(counter->Get() == 8);
  counter->Set(100);
  CHECK(m->ExportedFunction("bump")->Call(Context(), {}).value()[0] == 101);
  CHECK(m->ExportedGlobal("bump") == nullptr);
}

}  // namespace
}  // namespace kiln::runtime
