// The text `kiln inspect` prints for a module: its imports, its functions with their
// signatures and names, its other definitions (tables, memories, globals) and its exports.
#ifndef KILN_TOOLS_INSPECT_H_
#define KILN_TOOLS_INSPECT_H_

#include <string>

#include "compiler/wasm/module.h"

namespace kiln::tools {

// DescribeModule formats a validated module, one entity per line, e.g.
//   import "env" "log" func (i32) -> ()
//   func[1] $add (i32, i32) -> (i32)
//   export "add" func[1]
std::string DescribeModule(const wasm::Module& module);

}  // namespace kiln::tools

#endif  // KILN_TOOLS_INSPECT_H_
