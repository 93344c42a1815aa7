// PrintFunction: the text form of a machine function, one block per paragraph, built on the
// ISA's PrintInst.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "backend/common/isa.h"

namespace kiln::backend {

std::string PrintFunction(const MachFunction& fn, const Isa& isa) {
  std::string out = absl::StrCat("function %", fn.name, " {\n");
  for (const MachBlock& block : fn.blocks) {
    absl::StrAppend(&out, "mblock", block.id);
    if (!block.preds.empty()) absl::StrAppend(&out, " (preds ", absl::StrJoin(block.preds, " "), ")");
    if (block.loop_depth > 0) absl::StrAppend(&out, " (loop depth ", block.loop_depth, ")");
    absl::StrAppend(&out, ":\n");
    for (const MachInst& inst : block.insts) {
      absl::StrAppend(&out, "    ", isa.PrintInst(inst), "\n");
    }
  }
  absl::StrAppend(&out, "}\n");
  return out;
}

}  // namespace kiln::backend
