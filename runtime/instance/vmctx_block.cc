// VmctxBlock: the mapping of a vmctx with its poll page (vmctx_block.h).
#include "runtime/instance/vmctx_block.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "compiler/base/check.h"
#include "compiler/vmctx/layout.h"

namespace kiln::runtime {

absl::StatusOr<std::unique_ptr<VmctxBlock>> VmctxBlock::Map(size_t vmctx_size) {
  static_assert(vmctx::kInterruptPollOffset < 0, "the poll word lies before the vmctx");
  size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  size_t body = (vmctx_size + page - 1) / page * page;
  if (body == 0) body = page;
  size_t mapped = page + body;
  void* base = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) {
    return absl::ResourceExhaustedError(
        absl::StrCat("cannot map the vmctx (", mapped, " bytes): ", std::strerror(errno)));
  }
  // Anonymous pages are zero: the flag starts at zero. The poll page is written once so that
  // it is a page of its own: a never-written anonymous page is the kernel's shared zero page,
  // which every such page of every process maps, and loads through many addresses that alias
  // one physical line are slow on some cores. Nothing writes it after that.
  static_cast<volatile uint8_t*>(base)[page + vmctx::kInterruptPollOffset] = 0;
  if (mprotect(base, page, PROT_READ) != 0) {
    int error = errno;
    munmap(base, mapped);
    return absl::ResourceExhaustedError(
        absl::StrCat("cannot protect the interrupt poll page: ", std::strerror(error)));
  }
  return std::unique_ptr<VmctxBlock>(new VmctxBlock(static_cast<uint8_t*>(base), mapped, page));
}

VmctxBlock::~VmctxBlock() { munmap(base_, mapped_); }

uint32_t* VmctxBlock::flag() const {
  return reinterpret_cast<uint32_t*>(vmctx() + vmctx::kInterruptFlagOffset);
}

void VmctxBlock::SetPollPage(bool readable) {
  // Failing here would leave compiled code running past a close (or stopping for no reason):
  // mprotect on a page of our own mapping fails only when the kernel is out of mappings.
  KILN_CHECK(mprotect(base_, page_size_, readable ? PROT_READ : PROT_NONE) == 0);
}

void VmctxBlock::AddInterruptRequest() {
  absl::MutexLock lock(&mu_);
  // The flag is raised first: host code and builtins that read it see the request no later
  // than compiled code, which faults once mprotect returns (it shoots down every core's TLB).
  if (__atomic_fetch_add(flag(), 1, __ATOMIC_RELEASE) == 0) SetPollPage(false);
}

void VmctxBlock::RemoveInterruptRequest() {
  absl::MutexLock lock(&mu_);
  if (__atomic_fetch_sub(flag(), 1, __ATOMIC_RELEASE) == 1) SetPollPage(true);
}

}  // namespace kiln::runtime
