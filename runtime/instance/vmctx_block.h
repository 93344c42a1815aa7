// VmctxBlock is the memory of one Wasm instance's vmctx and of the interrupt poll page right
// before it (compiler/vmctx/layout.h kInterruptPollOffset). It also keeps the vmctx interrupt
// flag and the page in step: the page is readable while the flag is zero and PROT_NONE while
// it counts a reason to stop, so compiled code, which polls by loading from the page, faults
// at its next poll and the trap handler ends the call with `interrupted`.
//
//   auto block = VmctxBlock::Map(layout.size());   // page-aligned: [poll page][vmctx ...]
//   uint8_t* vmctx = (*block)->vmctx();
//   (*block)->AddInterruptRequest();     // flag 0 → 1: the poll page closes
//   (*block)->RemoveInterruptRequest();  // flag 1 → 0: it opens again
#ifndef KILN_RUNTIME_INSTANCE_VMCTX_BLOCK_H_
#define KILN_RUNTIME_INSTANCE_VMCTX_BLOCK_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace kiln::runtime {

class VmctxBlock {
 public:
  // Map maps a poll page followed by `vmctx_size` zeroed bytes (rounded up to whole pages).
  static absl::StatusOr<std::unique_ptr<VmctxBlock>> Map(size_t vmctx_size);
  ~VmctxBlock();
  VmctxBlock(const VmctxBlock&) = delete;
  VmctxBlock& operator=(const VmctxBlock&) = delete;

  uint8_t* vmctx() const { return base_ + page_size_; }

  // AddInterruptRequest / RemoveInterruptRequest add and remove one reason to stop in the
  // vmctx interrupt flag, closing the poll page when the count leaves zero and opening it
  // when it returns there. Thread-safe; they may run on any thread, also while compiled code
  // of this instance runs.
  void AddInterruptRequest();
  void RemoveInterruptRequest();

 private:
  VmctxBlock(uint8_t* base, size_t mapped, size_t page_size)
      : base_(base), mapped_(mapped), page_size_(page_size) {}
  uint32_t* flag() const;
  void SetPollPage(bool readable);

  uint8_t* const base_;  // the poll page; the vmctx starts one page later
  const size_t mapped_;  // bytes mapped at base_
  const size_t page_size_;
  // Serialises the flag's transitions through zero with the page's protection changes, so
  // that the page is closed exactly while the flag is non-zero.
  absl::Mutex mu_;
};

}  // namespace kiln::runtime

#endif  // KILN_RUNTIME_INSTANCE_VMCTX_BLOCK_H_
