// LocalSsa: SSA construction for Wasm locals after Braun et al., "Simple and Efficient
// Construction of Static Single Assignment Form" (CC 2013), with block parameters in place of
// phi instructions. The translator tells it which block defines which local to which value,
// which edges enter a block and when a block has all its predecessors (sealed); it answers
// "which value does local l have here", creating block parameters where control flow merges.
//
// Unlike the paper, operands of the parameters are not filled in while translating: the
// translator keeps the terminators of all blocks pending until the body is done, so the
// arguments that feed local parameters are computed once at the end (ArgumentFor), which may
// create parameters in further blocks exactly as readVariable would in the paper. Removing
// trivial parameters (every incoming argument is the same value, or the parameter itself) is
// the translator's last step (see translator.cc), over local and label parameters alike.
//
// Blocks and values are the IR's dense numbers; this class knows nothing else of the IR and
// asks its Host to create parameters and initial values.
#ifndef KILN_COMPILER_FRONTEND_LOCAL_SSA_H_
#define KILN_COMPILER_FRONTEND_LOCAL_SSA_H_

#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace kiln::frontend {

// LocalSsa tracks the definitions of `num_locals` locals across blocks.
class LocalSsa {
 public:
  // Host creates what the construction needs in the IR.
  class Host {
   public:
    virtual ~Host() = default;
    // NewLocalParam appends a block parameter of the local's type to `block`; returns its value.
    virtual uint32_t NewLocalParam(uint32_t block, uint32_t local) = 0;
    // InitialValue is the value of `local` on function entry (a parameter, or zero).
    virtual uint32_t InitialValue(uint32_t local) = 0;
  };

  // Pred is one incoming edge: the predecessor block and which successor of its terminator
  // this edge is (a block may reach the same successor more than once, e.g. br_table).
  struct Pred {
    uint32_t block = 0;
    uint32_t edge = 0;
  };

  // LocalParam is a block parameter created for a local.
  struct LocalParam {
    uint32_t local = 0;
    uint32_t value = 0;
  };

  LocalSsa(Host& host, uint32_t num_locals, uint32_t entry_block);

  // AddBlock registers a block (numbers may be sparse); new blocks are unsealed.
  void AddBlock(uint32_t block);
  // AddPred records an edge into `block`, which must not be sealed yet.
  void AddPred(uint32_t block, Pred pred);
  // Seal says `block` has all its predecessors.
  void Seal(uint32_t block);
  bool IsSealed(uint32_t block) const;

  // Write records that `local` has `value` from here to the end of `block` (or the next write).
  void Write(uint32_t local, uint32_t block, uint32_t value);
  // Read returns the value of `local` at the current end of `block`.
  uint32_t Read(uint32_t local, uint32_t block);

  // Preds returns the recorded edges into `block`.
  const std::vector<Pred>& Preds(uint32_t block) const;
  // LocalParams returns the parameters created for locals in `block`, in creation order.
  const std::vector<LocalParam>& LocalParams(uint32_t block) const;

  // ArgumentFor is the value that the edge `pred` passes to local parameter `param` of its
  // target: the local's value at the end of the predecessor. Call only once every block is
  // sealed; it may create parameters in other blocks (which then need arguments too).
  uint32_t ArgumentFor(const Pred& pred, const LocalParam& param);

  // Blocks lists every registered block in registration order.
  const std::vector<uint32_t>& Blocks() const { return block_order_; }

 private:
  struct BlockState {
    std::vector<Pred> preds;
    std::vector<LocalParam> local_params;
    bool sealed = false;
  };

  BlockState& State(uint32_t block);
  const BlockState& State(uint32_t block) const;
  uint32_t ReadRecursive(uint32_t local, uint32_t block);

  static uint64_t Key(uint32_t local, uint32_t block) {
    return (static_cast<uint64_t>(block) << 32) | local;
  }

  Host& host_;
  uint32_t num_locals_;
  uint32_t entry_block_;
  absl::flat_hash_map<uint32_t, BlockState> blocks_;
  std::vector<uint32_t> block_order_;
  absl::flat_hash_map<uint64_t, uint32_t> current_def_;
};

}  // namespace kiln::frontend

#endif  // KILN_COMPILER_FRONTEND_LOCAL_SSA_H_
