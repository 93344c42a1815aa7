// Property test: allocate thousands of random programs on small register files and let the
// symbolic checker prove every allocation correct (each use reads the value it names, fixed
// registers and call clobbers respected, inserted code confined to allocatable registers).
#include <ctime>
#include <cstdint>
#include <string>

#include "backend/regalloc/checker.h"
#include "backend/regalloc/fake_isa.h"
#include "backend/regalloc/regalloc.h"
#include "catch2/catch.hpp"
#include "testing/status_matchers.h"

namespace kiln::backend::regalloc {
namespace {

struct Shape {
  uint32_t num_int;
  uint32_t num_float;
  uint32_t first_callee_saved;
  fake::RandomProgramOptions program;
};

void CheckSeeds(const Shape& shape, uint64_t first_seed, uint64_t count,
                AllocationStats* total) {
  fake::FakeTarget target(shape.num_int, shape.num_float, shape.first_callee_saved);
  for (uint64_t seed = first_seed; seed < first_seed + count; ++seed) {
    MachFunction original = fake::RandomProgram(seed, target, shape.program);
    MachFunction allocated = original;
    AllocateOptions options;
    options.keep_identity_moves = true;
    absl::StatusOr<AllocationStats> stats = AllocateRegisters(allocated, target, options);
    CAPTURE(seed);
    INFO(target.Print(original));
    CAPTURE(stats.status().ToString());
    REQUIRE(stats.ok());
    INFO(target.Print(allocated));
    absl::Status check = CheckAllocation(original, allocated, target.register_info());
    CAPTURE(check.ToString());
    REQUIRE(check.ok());
    total->spill_stores += stats->spill_stores;
    total->reloads += stats->reloads;
    total->moves += stats->moves;
    total->elided_stores += stats->elided_stores;
  }
}

TEST_CASE("random programs allocate correctly on a 3-int, 2-float register file",
          "[regalloc][property]") {
  const uint64_t chunk = GENERATE(range<uint64_t>(0, 10));
  AllocationStats total;
  CheckSeeds({3, 2, 2, {6, 10, 6, 3}}, chunk * 100, 100, &total);
  // The pool is larger than the register file, so these programs must spill.
  CHECK(total.spill_stores > 0);
  CHECK(total.reloads > 0);
}

TEST_CASE("random programs allocate correctly with more registers and bigger CFGs",
          "[regalloc][property]") {
  const uint64_t chunk = GENERATE(range<uint64_t>(0, 5));
  AllocationStats total;
  CheckSeeds({6, 4, 3, {14, 14, 12, 6}}, 100000 + chunk * 100, 100, &total);
  CHECK(total.moves + total.spill_stores + total.reloads > 0);
}

TEST_CASE("random programs allocate correctly under extreme pressure", "[regalloc][property]") {
  const uint64_t chunk = GENERATE(range<uint64_t>(0, 5));
  AllocationStats total;
  // Three integer registers, two of them fixed by every division: values live across a
  // division or a call can only stay in r2 (callee-saved) or the stack.
  CheckSeeds({3, 2, 2, {8, 16, 10, 2}}, 200000 + chunk * 100, 100, &total);
  CHECK(total.spill_stores > 0);
}

TEST_CASE("a large random function allocates correctly on an x86_64-sized register file",
          "[regalloc][property]") {
  // 14 integer registers (5 callee-saved) and 16 float registers, as on x86_64 once rsp, rbp
  // and the vmctx register are taken.
  fake::FakeTarget target(14, 16, 9);
  fake::RandomProgramOptions options;
  options.blocks = 600;
  options.max_insts = 20;
  options.int_values = 40;
  options.float_values = 24;
  MachFunction original = fake::RandomProgram(7, target, options);
  MachFunction allocated = original;
  AllocateOptions allocate_options;
  allocate_options.keep_identity_moves = true;
  const std::clock_t start = std::clock();
  absl::StatusOr<AllocationStats> stats = AllocateRegisters(allocated, target, allocate_options);
  const double ms = 1000.0 * static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
  REQUIRE(stats.ok());
  size_t insts = 0;
  for (const MachBlock& block : original.blocks) insts += block.insts.size();
  UNSCOPED_INFO("allocated " << insts << " instructions in " << ms << " ms of CPU time");
  CHECK(CheckAllocation(original, allocated, target.register_info()) == absl::OkStatus());
}

}  // namespace
}  // namespace kiln::backend::regalloc
