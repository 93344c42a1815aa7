// LinearMemory through the api::Memory interface: sizes, growth up to the maximum, a base that
// never moves, bounds-checked little-endian access, and guard pages past the length.
#include "runtime/memory/linear_memory.h"

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <vector>

#include "catch2/catch.hpp"
#include "testing/status_matchers.h"

namespace kiln::runtime {
namespace {

std::unique_ptr<LinearMemory> MakeMemory(uint32_t min, std::optional<uint32_t> max) {
  absl::StatusOr<std::unique_ptr<LinearMemory>> memory =
      LinearMemory::Create(min, max, /*definition=*/nullptr);
  REQUIRE(memory.ok());
  return *std::move(memory);
}

TEST_CASE("a memory starts with its minimum and grows up to its maximum", "[memory]") {
  std::unique_ptr<LinearMemory> owner = MakeMemory(1, 3);
  api::Memory& memory = *owner;
  CHECK(memory.Size() == 65536);
  uint8_t* base = owner->base();
  CHECK(memory.Grow(1) == std::optional<uint32_t>(1));
  CHECK(memory.Size() == 2 * 65536);
  CHECK(memory.Grow(0) == std::optional<uint32_t>(2));
  CHECK_FALSE(memory.Grow(2).has_value());
  CHECK(memory.Grow(1) == std::optional<uint32_t>(2));
  CHECK_FALSE(memory.Grow(1).has_value());
  CHECK(memory.Size() == 3 * 65536);
  CHECK(owner->base() == base);
}

TEST_CASE("a memory without a maximum grows to 65536 pages at most", "[memory]") {
  std::unique_ptr<LinearMemory> memory = MakeMemory(0, std::nullopt);
  CHECK(memory->Size() == 0);
  CHECK_FALSE(memory->ReadByte(0).has_value());
  CHECK_FALSE(memory->Grow(65537).has_value());
  CHECK(memory->max_pages() == 65536);
  CHECK(memory->Grow(2) == std::optional<uint32_t>(0));
  CHECK(memory->WriteByte(2 * 65536 - 1, 7));
  CHECK(memory->ReadByte(2 * 65536 - 1) == std::optional<uint8_t>(7));
}

TEST_CASE("limits past 65536 pages or min above max are rejected", "[memory]") {
  CHECK_THAT(LinearMemory::Create(65537, std::nullopt, nullptr).status(),
             testing::StatusIs(absl::StatusCode::kInvalidArgument, "65536 pages"));
  CHECK_THAT(LinearMemory::Create(2, 1, nullptr).status(),
             testing::StatusIs(absl::StatusCode::kInvalidArgument, "minimum"));
}

TEST_CASE("host reads and writes are little-endian and bounds-checked", "[memory]") {
  std::unique_ptr<LinearMemory> owner = MakeMemory(1, 1);
  api::Memory& memory = *owner;
  REQUIRE(memory.WriteUint32Le(0, 0x04030201));
  CHECK(memory.ReadByte(0) == std::optional<uint8_t>(1));
  CHECK(memory.ReadUint16Le(1) == std::optional<uint16_t>(0x0302));
  REQUIRE(memory.WriteUint64Le(8, 0x1122334455667788));
  CHECK(memory.ReadUint32Le(12) == std::optional<uint32_t>(0x11223344));
  REQUIRE(memory.WriteFloat32Le(16, 1.5f));
  CHECK(memory.ReadFloat32Le(16) == std::optional<float>(1.5f));
  CHECK(memory.ReadUint32Le(16) == std::optional<uint32_t>(0x3fc00000));
  REQUIRE(memory.WriteFloat64Le(24, -2.0));
  CHECK(memory.ReadFloat64Le(24) == std::optional<double>(-2.0));
  REQUIRE(memory.WriteUint16Le(32, 0xbeef));
  CHECK(memory.ReadUint16Le(32) == std::optional<uint16_t>(0xbeef));

  SECTION("accesses that straddle the end fail and write nothing") {
    CHECK(memory.WriteByte(65535, 9));
    CHECK_FALSE(memory.WriteUint16Le(65535, 0xffff));
    CHECK(memory.ReadByte(65535) == std::optional<uint8_t>(9));
    CHECK_FALSE(memory.ReadUint32Le(65533).has_value());
    CHECK_FALSE(memory.ReadUint64Le(0xffffffff).has_value());
    CHECK_FALSE(memory.WriteFloat64Le(65530, 1.0));
    CHECK_FALSE(memory.Write(65534, std::vector<uint8_t>{1, 2, 3}));
    CHECK(memory.ReadByte(65534) == std::optional<uint8_t>(0));
    CHECK_FALSE(memory.Read(65535, 2).has_value());
    CHECK(memory.Read(65536, 0).has_value());
    CHECK_FALSE(memory.Read(65537, 0).has_value());
  }
  SECTION("Read is a view, not a copy") {
    REQUIRE(memory.WriteString(100, "kiln"));
    std::optional<absl::Span<uint8_t>> view = memory.Read(100, 4);
    REQUIRE(view.has_value());
    CHECK(std::string(view->begin(), view->end()) == "kiln");
    (*view)[0] = 'K';
    CHECK(memory.ReadByte(100) == std::optional<uint8_t>('K'));
  }
}

TEST_CASE("the record follows the memory when moved into a vmctx", "[memory]") {
  std::unique_ptr<LinearMemory> memory = MakeMemory(1, 2);
  MemoryRecord in_vmctx;
  memory->MoveRecordTo(&in_vmctx);
  CHECK(memory->record() == &in_vmctx);
  CHECK(in_vmctx.base == memory->base());
  CHECK(in_vmctx.length == 65536);
  memory->Grow(1);
  CHECK(in_vmctx.length == 2 * 65536);
}

// The guard region is what makes compiled code safe without bounds checks: touching a byte
// past the length must fault. The fault is observed in a child process.
TEST_CASE("bytes past the length are not accessible", "[memory]") {
  std::unique_ptr<LinearMemory> memory = MakeMemory(1, 2);
  uint8_t* base = memory->base();
  auto faults = [](volatile uint8_t* address) {
    pid_t child = fork();
    if (child == 0) {
      *address = 1;
      _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV;
  };
  CHECK_FALSE(faults(base + 65535));
  CHECK(faults(base + 65536));
  CHECK(faults(base + (uint64_t{8} << 30)));
  memory->Grow(1);
  CHECK_FALSE(faults(base + 65536));
}

}  // namespace
}  // namespace kiln::runtime
