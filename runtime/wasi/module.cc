// The `wasi_snapshot_preview1` host module: every FunctionDef of the groups, in the witx's
// order, each wrapped as a HostModuleFunction that finds the caller's memory and WASI state,
// runs the function and returns its errno.
#include <algorithm>
#include <iterator>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api/definitions.h"
#include "api/memory.h"
#include "api/wasm.h"
#include "runtime/wasi/functions.h"
#include "runtime/wasi/wasi.h"

namespace kiln::wasi {
namespace {

// kWitxOrder lists the 46 preview 1 functions as the spec's witx declares them.
constexpr absl::string_view kWitxOrder[] = {
    "args_get",
    "args_sizes_get",
    "environ_get",
    "environ_sizes_get",
    "clock_res_get",
    "clock_time_get",
    "fd_advise",
    "fd_allocate",
    "fd_close",
    "fd_datasync",
    "fd_fdstat_get",
    "fd_fdstat_set_flags",
    "fd_fdstat_set_rights",
    "fd_filestat_get",
    "fd_filestat_set_size",
    "fd_filestat_set_times",
    "fd_pread",
    "fd_prestat_get",
    "fd_prestat_dir_name",
    "fd_pwrite",
    "fd_read",
    "fd_readdir",
    "fd_renumber",
    "fd_seek",
    "fd_sync",
    "fd_tell",
    "fd_write",
    "path_create_directory",
    "path_filestat_get",
    "path_filestat_set_times",
    "path_link",
    "path_open",
    "path_readlink",
    "path_remove_directory",
    "path_rename",
    "path_symlink",
    "path_unlink_file",
    "poll_oneoff",
    "proc_exit",
    "proc_raise",
    "sched_yield",
    "random_get",
    "sock_accept",
    "sock_recv",
    "sock_send",
    "sock_shutdown",
};

size_t WitxPosition(absl::string_view name) {
  auto it = std::find(std::begin(kWitxOrder), std::end(kWitxOrder), name);
  return static_cast<size_t>(it - std::begin(kWitxOrder));  // unknown names sort last
}

// EmptyMemoryDefinition / EmptyMemory stand in for the memory of a caller that has none, so
// functions that need no memory (proc_exit, sched_yield, fd_close, ...) still work and every
// access by the others fails as an out-of-range pointer does (`fault`).
class EmptyMemoryDefinition final : public api::MemoryDefinition {
 public:
  absl::string_view ModuleName() const override { return ""; }
  uint32_t Index() const override { return 0; }
  std::optional<api::ImportName> Import() const override { return std::nullopt; }
  absl::Span<const std::string> ExportNames() const override { return {}; }
  uint32_t Min() const override { return 0; }
  std::optional<uint32_t> Max() const override { return 0; }
};

class EmptyMemory final : public api::Memory {
 public:
  const api::MemoryDefinition& Definition() const override { return definition_; }
  uint64_t Size() const override { return 0; }
  std::optional<uint32_t> Grow(uint32_t) override { return std::nullopt; }
  std::optional<uint8_t> ReadByte(uint32_t) const override { return std::nullopt; }
  std::optional<uint16_t> ReadUint16Le(uint32_t) const override { return std::nullopt; }
  std::optional<uint32_t> ReadUint32Le(uint32_t) const override { return std::nullopt; }
  std::optional<float> ReadFloat32Le(uint32_t) const override { return std::nullopt; }
  std::optional<uint64_t> ReadUint64Le(uint32_t) const override { return std::nullopt; }
  std::optional<double> ReadFloat64Le(uint32_t) const override { return std::nullopt; }
  std::optional<absl::Span<uint8_t>> Read(uint32_t offset, uint32_t byte_count) override {
    // Zero bytes at offset zero are in range even of an empty memory.
    if (offset == 0 && byte_count == 0) return absl::Span<uint8_t>();
    return std::nullopt;
  }
  bool WriteByte(uint32_t, uint8_t) override { return false; }
  bool WriteUint16Le(uint32_t, uint16_t) override { return false; }
  bool WriteUint32Le(uint32_t, uint32_t) override { return false; }
  bool WriteFloat32Le(uint32_t, float) override { return false; }
  bool WriteUint64Le(uint32_t, uint64_t) override { return false; }
  bool WriteFloat64Le(uint32_t, double) override { return false; }
  bool Write(uint32_t offset, absl::Span<const uint8_t> bytes) override {
    return offset == 0 && bytes.empty();
  }
  bool WriteString(uint32_t offset, absl::string_view text) override {
    return offset == 0 && text.empty();
  }

 private:
  EmptyMemoryDefinition definition_;
};

// WasiHostFunction runs one FunctionDef for a calling instance.
class WasiHostFunction final : public api::HostModuleFunction {
 public:
  explicit WasiHostFunction(FunctionDef def) : def_(std::move(def)) {}

  void Call(const Context& ctx, api::Module& caller, absl::Span<uint64_t> stack) override {
    std::shared_ptr<WasiState> state = StateOf(caller);
    if (state == nullptr) {
      // The caller was not instantiated by a Runtime (no ModuleConfig), or its mounts could
      // not be opened: there is no WASI state to act on. proc_exit needs none, so it still
      // ends the caller (with a state of defaults); everything else reports `nosys`.
      if (def_.returns_errno) {
        stack[0] = api::EncodeU32(ErrnoCode(Errno::kNosys));
        return;
      }
      absl::StatusOr<std::shared_ptr<WasiState>> fallback =
          WasiState::Create(std::make_shared<ModuleConfig>(NewModuleConfig()));
      if (!fallback.ok()) return;
      state = *std::move(fallback);
    }
    EmptyMemory empty_memory;
    api::Memory* memory = caller.Memory();
    WasiCall call{ctx, caller, memory != nullptr ? *memory : empty_memory, *state, stack};
    Errno result = def_.fn(call);
    if (def_.returns_errno) stack[0] = api::EncodeU32(ErrnoCode(result));
  }

 private:
  FunctionDef def_;
};

void Append(std::vector<FunctionDef>& all, std::vector<FunctionDef> group) {
  all.insert(all.end(), std::make_move_iterator(group.begin()),
             std::make_move_iterator(group.end()));
}

}  // namespace

std::vector<FunctionDef> SnapshotPreview1Functions() {
  std::vector<FunctionDef> all;
  Append(all, ArgsEnvironFunctions());
  Append(all, ClockFunctions());
  Append(all, FdFunctions());
  Append(all, PathFunctions());
  Append(all, PollFunctions());
  Append(all, ProcFunctions());
  Append(all, RandomSchedFunctions());
  Append(all, SockFunctions());
  // The groups are split by topic; the module lists its functions as the witx does.
  std::stable_sort(all.begin(), all.end(), [](const FunctionDef& a, const FunctionDef& b) {
    return WitxPosition(a.name) < WitxPosition(b.name);
  });
  return all;
}

HostModuleBuilder NewSnapshotPreview1Builder(Runtime& runtime) {
  HostModuleBuilder builder = runtime.NewHostModuleBuilder(std::string(kSnapshotPreview1ModuleName));
  for (FunctionDef& def : SnapshotPreview1Functions()) {
    std::vector<api::ValueType> results;
    std::vector<std::string> result_names;
    if (def.returns_errno) {
      results.push_back(api::kValueTypeI32);
      result_names.push_back("errno");
    }
    std::string name = def.name;
    std::vector<api::ValueType> params = def.params;
    std::vector<std::string> param_names = def.param_names;
    builder.NewFunctionBuilder()
        .WithHostModuleFunction(std::make_shared<WasiHostFunction>(std::move(def)),
                                std::move(params), std::move(results))
        .WithParameterNames(std::move(param_names))
        .WithResultNames(std::move(result_names))
        .Export(std::move(name));
  }
  return builder;
}

absl::StatusOr<api::Module*> InstantiateSnapshotPreview1(const Context& ctx, Runtime& runtime) {
  return NewSnapshotPreview1Builder(runtime).Instantiate(ctx);
}

absl::Status InstantiateImportedWasi(const Context& ctx, Runtime& runtime,
                                     const CompiledModule& compiled) {
  std::set<std::string> imported;
  for (const api::FunctionDefinition* function : compiled.ImportedFunctions()) {
    std::optional<api::ImportName> import = function->Import();
    if (import.has_value()) imported.insert(std::string(import->module));
  }
  if (imported.count(std::string(kSnapshotPreview1ModuleName)) != 0 &&
      runtime.Module(kSnapshotPreview1ModuleName) == nullptr) {
    absl::StatusOr<api::Module*> module = InstantiateSnapshotPreview1(ctx, runtime);
    if (!module.ok()) return module.status();
  }
  if (imported.count(std::string(kUnstableModuleName)) != 0 &&
      runtime.Module(kUnstableModuleName) == nullptr) {
    absl::StatusOr<api::Module*> module = InstantiateUnstable(ctx, runtime);
    if (!module.ok()) return module.status();
  }
  return absl::OkStatus();
}

}  // namespace kiln::wasi
