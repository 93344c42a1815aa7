// The runtime-backed Executor (see store_executor.h).
#include "spectest/store_executor.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "api/definitions.h"
#include "api/global.h"
#include "runtime/engine/compiled_module.h"
#include "spectest/spectest_host.h"

namespace kiln::spectest {
namespace {

// ToValType converts an api value type (the same binary-format byte) to the compiler's enum.
absl::StatusOr<wasm::ValType> ToValType(api::ValueType type) {
  if (!wasm::IsValType(type)) {
    return absl::InternalError(absl::StrCat("the runtime reported value type ", type));
  }
  return static_cast<wasm::ValType>(type);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Executor>> StoreExecutor::Create(
    backend::CompileOptions options) {
  std::unique_ptr<StoreExecutor> executor(new StoreExecutor(options));
  absl::StatusOr<api::Module*> spectest = executor->store_.InstantiateHost(MakeSpectestModule());
  if (!spectest.ok()) return spectest.status();
  return std::unique_ptr<Executor>(std::move(executor));
}

Instantiation StoreExecutor::Instantiate(wasm::Module module) {
  Instantiation result;
  absl::StatusOr<std::shared_ptr<const runtime::CompiledModule>> compiled =
      runtime::CompileModule(std::move(module), options_);
  if (!compiled.ok()) {
    result.compiled = compiled.status();
    return result;
  }
  absl::StatusOr<api::Module*> instance = store_.Instantiate(ctx_, *std::move(compiled), "");
  if (!instance.ok()) {
    result.instantiated = instance.status();
    return result;
  }
  instances_.push_back(*instance);
  result.instance = static_cast<InstanceId>(instances_.size());
  return result;
}

absl::StatusOr<api::Module*> StoreExecutor::Find(InstanceId instance) const {
  if (instance == 0 || instance > instances_.size()) {
    return absl::InternalError(absl::StrCat("no instance ", instance));
  }
  return instances_[instance - 1];
}

absl::Status StoreExecutor::Register(absl::string_view name, InstanceId instance) {
  absl::StatusOr<api::Module*> module = Find(instance);
  if (!module.ok()) return module.status();
  return store_.Register(name, *module);
}

absl::StatusOr<std::vector<RuntimeValue>> StoreExecutor::Invoke(
    InstanceId instance, absl::string_view name, absl::Span<const text::Value> args) {
  absl::StatusOr<api::Module*> module = Find(instance);
  if (!module.ok()) return module.status();
  api::Function* fn = (*module)->ExportedFunction(name);
  if (fn == nullptr) return absl::NotFoundError(absl::StrCat("no function exported as ", name));
  const api::FunctionDefinition& definition = fn->Definition();

  absl::Span<const api::ValueType> params = definition.ParamTypes();
  if (params.size() != args.size()) {
    return absl::InvalidArgumentError(absl::StrCat(name, " takes ", params.size(),
                                                   " arguments, the script passes ",
                                                   args.size()));
  }
  for (size_t i = 0; i < params.size(); ++i) {
    if (params[i] != static_cast<api::ValueType>(args[i].type)) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, " takes ", api::ValueTypeName(params[i]), " as argument ", i,
                       ", the script passes ", wasm::ValTypeName(args[i].type)));
    }
  }
  std::vector<wasm::ValType> result_types;
  size_t result_slots = 0;
  for (api::ValueType type : definition.ResultTypes()) {
    absl::StatusOr<wasm::ValType> converted = ToValType(type);
    if (!converted.ok()) return converted.status();
    result_types.push_back(*converted);
    result_slots += SlotCount(*converted);
  }
  std::vector<uint64_t> arg_slots = EncodeArgs(args);
  stack_.assign(std::max(arg_slots.size(), result_slots), 0);
  std::copy(arg_slots.begin(), arg_slots.end(), stack_.begin());
  absl::Status called = fn->CallWithStack(ctx_, absl::MakeSpan(stack_));
  if (!called.ok()) return called;
  return DecodeResults(result_types, absl::MakeConstSpan(stack_).subspan(0, result_slots));
}

absl::StatusOr<RuntimeValue> StoreExecutor::Get(InstanceId instance, absl::string_view name) {
  absl::StatusOr<api::Module*> module = Find(instance);
  if (!module.ok()) return module.status();
  api::Global* global = (*module)->ExportedGlobal(name);
  if (global == nullptr) return absl::NotFoundError(absl::StrCat("no global exported as ", name));
  absl::StatusOr<wasm::ValType> type = ToValType(global->Type());
  if (!type.ok()) return type.status();
  uint64_t slot = global->Get();
  std::vector<uint64_t> slots = {slot, 0};  // a v128 global reads as its low 64 bits only
  absl::StatusOr<std::vector<RuntimeValue>> decoded =
      DecodeResults({*type}, absl::MakeConstSpan(slots));
  if (!decoded.ok()) return decoded.status();
  return (*decoded)[0];
}

ExecutorFactory StoreExecutors(backend::CompileOptions options) {
  return [options] { return StoreExecutor::Create(options); };
}

}  // namespace kiln::spectest
