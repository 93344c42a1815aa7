// Tests of LocalSsa with a fake host that numbers values: reads through single-predecessor
// chains, parameters at merges and in unsealed loop headers, and arguments on each edge.
#include "compiler/frontend/local_ssa.h"

#include <vector>

#include "catch2/catch.hpp"

namespace kiln::frontend {
namespace {

// FakeHost numbers initial values 100 + local and parameters from 1000 up.
class FakeHost : public LocalSsa::Host {
 public:
  uint32_t NewLocalParam(uint32_t block, uint32_t local) override {
    params.push_back({block, local});
    return 1000 + static_cast<uint32_t>(params.size()) - 1;
  }
  uint32_t InitialValue(uint32_t local) override { return 100 + local; }

  struct Param {
    uint32_t block;
    uint32_t local;
  };
  std::vector<Param> params;
};

TEST_CASE("local ssa reads the initial value in the entry block", "[frontend][local_ssa]") {
  FakeHost host;
  LocalSsa ssa(host, 2, 0);
  CHECK(ssa.Read(1, 0) == 101);
  ssa.Write(1, 0, 7);
  CHECK(ssa.Read(1, 0) == 7);
  CHECK(host.params.empty());
}

TEST_CASE("local ssa follows single predecessors of sealed blocks", "[frontend][local_ssa]") {
  FakeHost host;
  LocalSsa ssa(host, 1, 0);
  ssa.Write(0, 0, 5);
  for (uint32_t b = 1; b <= 3; ++b) {
    ssa.AddBlock(b);
    ssa.AddPred(b, {b - 1, 0});
    ssa.Seal(b);
  }
  CHECK(ssa.Read(0, 3) == 5);
  CHECK(host.params.empty());
}

TEST_CASE("local ssa creates a parameter where two edges merge", "[frontend][local_ssa]") {
  FakeHost host;
  LocalSsa ssa(host, 1, 0);
  ssa.AddBlock(1);  // then
  ssa.AddPred(1, {0, 0});
  ssa.Seal(1);
  ssa.Write(0, 1, 11);
  ssa.AddBlock(2);  // merge: from then and from the entry's else edge
  ssa.AddPred(2, {1, 0});
  ssa.AddPred(2, {0, 1});
  ssa.Seal(2);
  uint32_t merged = ssa.Read(0, 2);
  REQUIRE(host.params.size() == 1);
  CHECK(host.params[0].block == 2);
  CHECK(merged == 1000);
  REQUIRE(ssa.LocalParams(2).size() == 1);
  const LocalSsa::LocalParam& param = ssa.LocalParams(2)[0];
  CHECK(ssa.ArgumentFor(ssa.Preds(2)[0], param) == 11);
  CHECK(ssa.ArgumentFor(ssa.Preds(2)[1], param) == 100);
}

TEST_CASE("local ssa gives an unsealed loop header a parameter fed by the back edge",
          "[frontend][local_ssa]") {
  FakeHost host;
  LocalSsa ssa(host, 1, 0);
  ssa.AddBlock(1);  // loop header, unsealed while the body is translated
  ssa.AddPred(1, {0, 0});
  uint32_t in_loop = ssa.Read(0, 1);
  CHECK(in_loop == 1000);
  ssa.Write(0, 1, 42);      // local.set inside the loop
  ssa.AddPred(1, {1, 0});   // the back edge
  ssa.Seal(1);
  const LocalSsa::LocalParam& param = ssa.LocalParams(1).at(0);
  CHECK(ssa.ArgumentFor(ssa.Preds(1)[0], param) == 100);
  CHECK(ssa.ArgumentFor(ssa.Preds(1)[1], param) == 42);
  // A second read in the loop sees the write, not a new parameter.
  CHECK(ssa.Read(0, 1) == 42);
  CHECK(host.params.size() == 1);
}

TEST_CASE("local ssa walks long chains without recursion", "[frontend][local_ssa]") {
  FakeHost host;
  LocalSsa ssa(host, 1, 0);
  const uint32_t depth = 100000;
  for (uint32_t b = 1; b <= depth; ++b) {
    ssa.AddBlock(b);
    ssa.AddPred(b, {b - 1, 0});
    ssa.Seal(b);
  }
  CHECK(ssa.Read(0, depth) == 100);
  CHECK(ssa.Read(0, depth / 2) == 100);
}

}  // namespace
}  // namespace kiln::frontend
