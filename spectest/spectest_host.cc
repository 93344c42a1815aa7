// The `spectest` host module (see spectest_host.h).
#include "spectest/spectest_host.h"

#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "api/function.h"
#include "api/wasm.h"

namespace kiln::spectest {
namespace {

// FormatArg renders one argument as the reference interpreter does: "<value> : <type>".
std::string FormatArg(api::ValueType type, uint64_t slot) {
  switch (type) {
    case api::kValueTypeI32: return absl::StrCat(api::DecodeI32(slot), " : i32");
    case api::kValueTypeI64: return absl::StrCat(static_cast<int64_t>(slot), " : i64");
    case api::kValueTypeF32: return absl::StrFormat("%g : f32", api::DecodeF32(slot));
    case api::kValueTypeF64: return absl::StrFormat("%g : f64", api::DecodeF64(slot));
    default: return absl::StrCat(slot, " : ", api::ValueTypeName(type));
  }
}

// AddPrint exports one print function taking `params`.
void AddPrint(runtime::HostModule& module, std::string name, std::vector<api::ValueType> params,
              const PrintSink& sink) {
  std::vector<api::ValueType> types = params;
  auto print = [sink, types](const Context&, absl::Span<uint64_t> stack) {
    if (!sink) return;
    std::vector<std::string> parts;
    for (size_t i = 0; i < types.size(); ++i) parts.push_back(FormatArg(types[i], stack[i]));
    sink(absl::StrJoin(parts, " "));
  };
  module.AddFunction(std::move(name), std::move(params), {},
                     std::make_unique<api::HostFunc>(std::move(print)));
}

}  // namespace

runtime::HostModule MakeSpectestModule(PrintSink print) {
  constexpr bool kImmutable = false;
  runtime::HostModule module{std::string(kSpectestModuleName)};
  AddPrint(module, "print", {}, print);
  AddPrint(module, "print_i32", {api::kValueTypeI32}, print);
  AddPrint(module, "print_i64", {api::kValueTypeI64}, print);
  AddPrint(module, "print_f32", {api::kValueTypeF32}, print);
  AddPrint(module, "print_f64", {api::kValueTypeF64}, print);
  AddPrint(module, "print_i32_f32", {api::kValueTypeI32, api::kValueTypeF32}, print);
  AddPrint(module, "print_f64_f64", {api::kValueTypeF64, api::kValueTypeF64}, print);
  module.AddGlobal("global_i32", api::kValueTypeI32, kImmutable, api::EncodeI32(666));
  module.AddGlobal("global_i64", api::kValueTypeI64, kImmutable, api::EncodeI64(666));
  module.AddGlobal("global_f32", api::kValueTypeF32, kImmutable, api::EncodeF32(666.6f));
  module.AddGlobal("global_f64", api::kValueTypeF64, kImmutable, api::EncodeF64(666.6));
  module.AddTable("table", api::kValueTypeFuncRef, 10, 20);
  module.AddMemory("memory", 1, 2);
  return module;
}

}  // namespace kiln::spectest
