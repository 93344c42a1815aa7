// Validation of constant expressions: global initializers, segment offsets and element items.
// Wasm 2.0 allows only t.const, ref.null, ref.func and global.get of an imported immutable
// global, and the expression must leave exactly one value of the expected type.
#ifndef KILN_COMPILER_WASM_VALIDATE_CONST_EXPR_H_
#define KILN_COMPILER_WASM_VALIDATE_CONST_EXPR_H_

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "compiler/wasm/module.h"
#include "compiler/wasm/validation_context.h"
#include "compiler/wasm/value_type.h"

namespace kiln::wasm {

// ValidateConstExpr checks that `expr` is a constant expression of type `expected` under `c`.
// `where` names the expression's owner in error locations ("global 2", "elem 0 offset"); it is
// only called when there is an error to report.
// Errors: "constant expression required", "type mismatch", "unknown global N",
// "unknown function N".
absl::Status ValidateConstExpr(const ValidationContext& c, const ConstExpr& expr, ValType expected,
                               absl::FunctionRef<std::string()> where);

}  // namespace kiln::wasm

#endif  // KILN_COMPILER_WASM_VALIDATE_CONST_EXPR_H_
