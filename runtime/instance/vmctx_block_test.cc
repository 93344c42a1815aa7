#include "runtime/instance/vmctx_block.h"

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "catch2/catch.hpp"
#include "compiler/vmctx/layout.h"

namespace kiln::runtime {
namespace {

// Protection is the "rwxp" column of /proc/self/maps for the mapping holding `address`.
std::string Protection(const void* address) {
  auto a = reinterpret_cast<uintptr_t>(address);
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    uintptr_t begin = 0, end = 0;
    char perms[5] = {};
    if (std::sscanf(line.c_str(), "%lx-%lx %4s", &begin, &end, perms) == 3 && begin <= a &&
        a < end) {
      return perms;
    }
  }
  return "unmapped";
}

uint32_t Flag(const VmctxBlock& block) {
  return *reinterpret_cast<const uint32_t*>(block.vmctx() + vmctx::kInterruptFlagOffset);
}

const uint8_t* PollWord(const VmctxBlock& block) {
  return block.vmctx() + vmctx::kInterruptPollOffset;
}

TEST_CASE("a vmctx block is zeroed, page-aligned and writable after a readable poll page",
          "[runtime][instance]") {
  auto block = VmctxBlock::Map(10000);
  REQUIRE(block.ok());
  const VmctxBlock& b = **block;
  CHECK(reinterpret_cast<uintptr_t>(b.vmctx()) % 4096 == 0);
  for (size_t i = 0; i < 10000; ++i) REQUIRE(b.vmctx()[i] == 0);
  b.vmctx()[9999] = 1;
  CHECK(Protection(b.vmctx()).substr(0, 2) == "rw");
  CHECK(Protection(PollWord(b)).substr(0, 3) == "r--");
  CHECK(*PollWord(b) == 0);
}

TEST_CASE("the poll page is closed exactly while the interrupt flag counts a reason",
          "[runtime][instance]") {
  auto block = VmctxBlock::Map(64);
  REQUIRE(block.ok());
  VmctxBlock& b = **block;
  b.AddInterruptRequest();
  CHECK(Flag(b) == 1);
  CHECK(Protection(PollWord(b)).substr(0, 3) == "---");
  b.AddInterruptRequest();
  b.RemoveInterruptRequest();
  CHECK(Flag(b) == 1);
  CHECK(Protection(PollWord(b)).substr(0, 3) == "---");
  b.RemoveInterruptRequest();
  CHECK(Flag(b) == 0);
  CHECK(Protection(PollWord(b)).substr(0, 3) == "r--");
  CHECK(*PollWord(b) == 0);
}

TEST_CASE("concurrent requests leave the poll page open once all are removed",
          "[runtime][instance]") {
  auto block = VmctxBlock::Map(64);
  REQUIRE(block.ok());
  VmctxBlock& b = **block;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&b] {
      for (int i = 0; i < 500; ++i) {
        b.AddInterruptRequest();
        b.RemoveInterruptRequest();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(Flag(b) == 0);
  CHECK(Protection(PollWord(b)).substr(0, 3) == "r--");
}

}  // namespace
}  // namespace kiln::runtime
