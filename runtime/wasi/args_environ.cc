// args_get, args_sizes_get, environ_get, environ_sizes_get: the ModuleConfig's arguments and
// environment ("KEY=VALUE") as NUL-terminated strings, with an array of pointers to them.
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api/wasm.h"
#include "runtime/wasi/functions.h"

namespace kiln::wasi {
namespace {

// WriteSizes stores the string count and their total size including NULs.
Errno WriteSizes(WasiCall& call, const std::vector<std::string>& strings) {
  uint32_t count_ptr = api::DecodeU32(call.stack[0]);
  uint32_t buf_size_ptr = api::DecodeU32(call.stack[1]);
  uint64_t buf_size = 0;
  for (const std::string& s : strings) buf_size += s.size() + 1;
  // ModuleConfig's strings fit in a 32-bit guest only if the embedder was reasonable.
  if (strings.size() > UINT32_MAX || buf_size > UINT32_MAX) return Errno::kOverflow;
  if (!call.memory.Read(count_ptr, 4).has_value() ||
      !call.memory.Read(buf_size_ptr, 4).has_value()) {
    return Errno::kFault;
  }
  call.memory.WriteUint32Le(count_ptr, static_cast<uint32_t>(strings.size()));
  call.memory.WriteUint32Le(buf_size_ptr, static_cast<uint32_t>(buf_size));
  return Errno::kSuccess;
}

// WriteStrings stores `strings` back to back, each NUL-terminated, at buf_ptr, and the
// address of each at pointers_ptr (4 bytes per string). Both ranges are checked whole before
// anything is written, so a bad pointer leaves memory unchanged.
Errno WriteStrings(WasiCall& call, const std::vector<std::string>& strings) {
  uint32_t pointers_ptr = api::DecodeU32(call.stack[0]);
  uint32_t buf_ptr = api::DecodeU32(call.stack[1]);
  uint64_t pointers_size = uint64_t{4} * strings.size();
  uint64_t buf_size = 0;
  for (const std::string& s : strings) buf_size += s.size() + 1;
  if (pointers_size > UINT32_MAX || buf_size > UINT32_MAX) return Errno::kFault;
  if (!call.memory.Read(pointers_ptr, static_cast<uint32_t>(pointers_size)).has_value() ||
      !call.memory.Read(buf_ptr, static_cast<uint32_t>(buf_size)).has_value()) {
    return Errno::kFault;
  }
  uint32_t offset = 0;
  for (size_t i = 0; i < strings.size(); ++i) {
    uint32_t address = buf_ptr + offset;
    call.memory.WriteUint32Le(pointers_ptr + static_cast<uint32_t>(4 * i), address);
    call.memory.WriteString(address, strings[i]);
    call.memory.WriteByte(address + static_cast<uint32_t>(strings[i].size()), 0);
    offset += static_cast<uint32_t>(strings[i].size() + 1);
  }
  return Errno::kSuccess;
}

std::vector<std::string> Environ(const ModuleConfig& config) {
  std::vector<std::string> environ;
  environ.reserve(config.env().size());
  for (const auto& [key, value] : config.env()) environ.push_back(absl::StrCat(key, "=", value));
  return environ;
}

Errno ArgsGet(WasiCall& call) { return WriteStrings(call, call.state.config().args()); }
Errno ArgsSizesGet(WasiCall& call) { return WriteSizes(call, call.state.config().args()); }
Errno EnvironGet(WasiCall& call) { return WriteStrings(call, Environ(call.state.config())); }
Errno EnvironSizesGet(WasiCall& call) { return WriteSizes(call, Environ(call.state.config())); }

}  // namespace

std::vector<FunctionDef> ArgsEnvironFunctions() {
  constexpr api::ValueType kI32 = api::kValueTypeI32;
  return {
      {"args_get", {kI32, kI32}, {"argv", "argv_buf"}, ArgsGet},
      {"args_sizes_get", {kI32, kI32}, {"result.argc", "result.argv_len"}, ArgsSizesGet},
      {"environ_get", {kI32, kI32}, {"environ", "environ_buf"}, EnvironGet},
      {"environ_sizes_get",
       {kI32, kI32},
       {"result.environc", "result.environv_len"},
       EnvironSizesGet},
  };
}

}  // namespace kiln::wasi
