// api::Memory and api::MemoryDefinition of instances: data segments seen by the embedder,
// host writes seen by Wasm, growth from both sides up to the maximum.
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

TEST_CASE("memories are shared with the embedder and grow without moving", "[engine]") {
  Store store;
  api::Module* m = InstantiateWat(store, R"((module
    (memory (export "mem") 1 3)
    (data (i32.const 16) "kiln")
    (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
    (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "size") (result i32) (memory.size))))");
  api::Memory* memory = m->ExportedMemory("mem");
  REQUIRE(memory != nullptr);
  CHECK(m->Memory() == memory);
  CHECK(memory->Definition().Min() == 1);
  CHECK(memory->Definition().Max() == std::optional<uint32_t>(3));
  CHECK(m->ExportedMemoryDefinitions().at("mem") == &memory->Definition());
  std::optional<absl::Span<uint8_t>> view = memory->Read(16, 4);
  REQUIRE(view.has_value());
  CHECK(std::string(view->begin(), view->end()) == "kiln");
  REQUIRE(memory->WriteUint32Le(100, 0xdeadbeef));
  CHECK(CallU32(m, "load", {EncodeU32(100)}) == 0xdeadbeef);
  REQUIRE(CallStatus(m, "store", {EncodeU32(200), EncodeU32(77)}).ok());
  CHECK(memory->ReadUint32Le(200) == std::optional<uint32_t>(77));
  CHECK(CallU32(m, "grow", {EncodeU32(1)}) == 1);
  CHECK(memory->Size() == 2 * 65536);
  CHECK(memory->Grow(1) == std::optional<uint32_t>(2));
  CHECK(CallU32(m, "size", {}) == 3);
  CHECK(CallU32(m, "grow", {EncodeU32(1)}) == 0xffffffff);
  REQUIRE(CallStatus(m, "store", {EncodeU32(3 * 65536 - 4), EncodeU32(5)}).ok());
  CHECK(memory->ReadUint32Le(3 * 65536 - 4) == std::optional<uint32_t>(5));
}

}  // namespace
}  // namespace kiln::runtime
