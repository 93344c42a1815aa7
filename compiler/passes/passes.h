// The entry points of kiln's optimization passes, one per file of this directory. Each file
// opens with what its pass does, what it requires and what it invalidates; pipeline.cc runs
// them in order. All take a verified function and leave a verified function.
#ifndef KILN_COMPILER_PASSES_PASSES_H_
#define KILN_COMPILER_PASSES_PASSES_H_

#include "compiler/passes/pass_context.h"
#include "compiler/ssa/function.h"

namespace kiln::passes {

// RunUnreachableBlocks removes the blocks that no path from the entry reaches.
void RunUnreachableBlocks(ssa::Function& fn, PassContext& ctx);

// RunConstFold folds instructions on constants, simplifies algebraic identities and turns
// branches on constants into jumps.
void RunConstFold(ssa::Function& fn, PassContext& ctx);

// RunCopyProp replaces block parameters that receive one value on every edge.
void RunCopyProp(ssa::Function& fn, PassContext& ctx);

// RunGvn replaces a pure instruction by an equal one that dominates it.
void RunGvn(ssa::Function& fn, PassContext& ctx);

// RunLicm hoists loop-invariant pure instructions into loop preheaders.
void RunLicm(ssa::Function& fn, PassContext& ctx);

// RunDce removes side-effect-free instructions and block parameters whose values are unused.
void RunDce(ssa::Function& fn, PassContext& ctx);

}  // namespace kiln::passes

#endif  // KILN_COMPILER_PASSES_PASSES_H_
