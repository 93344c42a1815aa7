// The frame of one compiled function, shared by both ISAs: spill slots (made by the register
// allocator), fixed-size locals the lowering asks for (e.g. the vmctx save slot), the
// outgoing-argument area for calls with stack arguments or stack results, and the callee-saved
// registers the function writes. Finalize turns them into offsets from the stack pointer after
// the prologue; the emitter resolves kSlot operands through SlotOffset.
//
// x86_64 picture (addresses grow up; rbp is the frame pointer):
//
//   [rbp + 16 ...]          incoming stack arguments, then stack results (caller's area)
//   [rbp + 8]               return address
//   [rbp]                   caller's rbp
//   [rbp - 8*k]             saved callee-saved registers (k = 1..n)
//   [rsp + outgoing ...]    slots (spills, locals), each aligned to its size
//   [rsp + 0 ...]           outgoing arguments and results of calls made by this function
#ifndef KILN_BACKEND_COMMON_FRAME_LAYOUT_H_
#define KILN_BACKEND_COMMON_FRAME_LAYOUT_H_

#include <cstdint>
#include <vector>

#include "backend/common/reg.h"

namespace kiln::backend {

// SlotId names a frame slot.
using SlotId = uint32_t;

// FrameLayout collects a function's frame needs during lowering and allocation, then fixes
// offsets. All sizes are bytes.
class FrameLayout {
 public:
  // AddSlot reserves a slot of `size` bytes (8 or 16), aligned to its size.
  SlotId AddSlot(uint32_t size) {
    slot_sizes_.push_back(size);
    return static_cast<SlotId>(slot_sizes_.size() - 1);
  }
  // AddSpillSlot reserves a slot big enough for any value of `cls` (8 for kInt, 16 for kFloat
  // so that v128 values fit).
  SlotId AddSpillSlot(RegClass cls) { return AddSlot(cls == RegClass::kInt ? 8 : 16); }

  // NeedOutgoingArea grows the outgoing area to at least `size` bytes.
  void NeedOutgoingArea(uint32_t size) {
    if (size > outgoing_size_) outgoing_size_ = size;
  }

  // Finalize computes slot offsets. `callee_saved_bytes` is the size of the register saves
  // that the prologue pushes below the frame pointer; the frame is padded so that the stack
  // pointer is 16-byte aligned after the prologue (calls then see an aligned stack).
  void Finalize(uint32_t callee_saved_bytes) {
    uint32_t offset = (outgoing_size_ + 15) & ~15u;
    slot_offsets_.resize(slot_sizes_.size());
    // 16-byte slots first keeps them aligned without holes.
    for (int pass = 0; pass < 2; ++pass) {
      for (size_t i = 0; i < slot_sizes_.size(); ++i) {
        if ((slot_sizes_[i] == 16) != (pass == 0)) continue;
        slot_offsets_[i] = offset;
        offset += slot_sizes_[i];
      }
    }
    // After push rbp the stack is 16-aligned; the callee-saved pushes then move it by
    // callee_saved_bytes, and the body's allocation restores alignment.
    uint32_t total = offset + callee_saved_bytes;
    total = (total + 15) & ~15u;
    frame_size_ = total - callee_saved_bytes;
    finalized_ = true;
  }

  // saved_registers are the callee-saved registers the prologue saves (set after allocation).
  RegMask saved_registers() const { return saved_registers_; }
  void set_saved_registers(RegMask mask) { saved_registers_ = mask; }

  bool finalized() const { return finalized_; }
  // frame_size is what the prologue subtracts from the stack pointer after saving registers.
  uint32_t frame_size() const { return frame_size_; }
  // SlotOffset is the slot's offset from the stack pointer after the prologue.
  int32_t SlotOffset(SlotId slot) const { return static_cast<int32_t>(slot_offsets_[slot]); }
  uint32_t outgoing_size() const { return outgoing_size_; }
  size_t num_slots() const { return slot_sizes_.size(); }
  uint32_t slot_size(SlotId slot) const { return slot_sizes_[slot]; }

 private:
  std::vector<uint32_t> slot_sizes_;
  std::vector<uint32_t> slot_offsets_;
  uint32_t outgoing_size_ = 0;
  uint32_t frame_size_ = 0;
  RegMask saved_registers_ = 0;
  bool finalized_ = false;
};

}  // namespace kiln::backend

#endif  // KILN_BACKEND_COMMON_FRAME_LAYOUT_H_
