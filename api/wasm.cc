// Names of the API's extern and value types.
#include "api/wasm.h"

#include "absl/strings/str_format.h"

namespace kiln::api {

std::string ExternTypeName(ExternType type) {
  switch (type) {
    case kExternTypeFunc: return std::string(kExternTypeFuncName);
    case kExternTypeTable: return std::string(kExternTypeTableName);
    case kExternTypeMemory: return std::string(kExternTypeMemoryName);
    case kExternTypeGlobal: return std::string(kExternTypeGlobalName);
  }
  return absl::StrFormat("%#x", type);
}

absl::string_view ValueTypeName(ValueType type) {
  switch (type) {
    case kValueTypeI32: return "i32";
    case kValueTypeI64: return "i64";
    case kValueTypeF32: return "f32";
    case kValueTypeF64: return "f64";
    case kValueTypeV128: return "v128";
    case kValueTypeFuncRef: return "funcref";
    case kValueTypeExternRef: return "externref";
  }
  return "unknown";
}

}  // namespace kiln::api
