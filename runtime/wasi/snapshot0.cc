// `wasi_unstable` (WASI snapshot 0): the preview 1 module with the four functions whose ABI
// differs replaced by translations onto the typed operations of functions.h.
//
// Checked against the snapshot 0 witx (WebAssembly/WASI phases/old/snapshot_0/witx): errno,
// rights, fdflags, oflags, lookupflags, fstflags, clockid, filetype, eventtype, signal,
// fdstat (24 bytes), dirent (24 bytes), prestat and event (32 bytes) have preview 1's numbering
// and layout, and every other function has preview 1's signature, so those are shared as they
// are. The differences:
//   - whence is numbered CUR=0, END=1, SET=2 (preview 1: SET=0, CUR=1, END=2): fd_seek;
//   - filestat's nlink is a u32 (linkcount), so filestat is 56 bytes, not 64:
//     fd_filestat_get, path_filestat_get;
//   - subscription_clock starts with a u64 `identifier`, so a subscription is 56 bytes,
//     not 48: poll_oneoff;
//   - there is no sock_accept.
#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "absl/base/internal/endian.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "api/function.h"
#include "api/memory.h"
#include "api/wasm.h"
#include "runtime/wasi/functions.h"
#include "runtime/wasi/wasi.h"

namespace kiln::wasi {
namespace {

// Little-endian stores into a record being assembled before one bounds-checked Write.
template <size_t N>
void Put64(std::array<uint8_t, N>& record, size_t offset, uint64_t value) {
  absl::little_endian::Store64(record.data() + offset, value);
}
template <size_t N>
void Put32(std::array<uint8_t, N>& record, size_t offset, uint32_t value) {
  absl::little_endian::Store32(record.data() + offset, value);
}
template <size_t N>
void Put16(std::array<uint8_t, N>& record, size_t offset, uint16_t value) {
  absl::little_endian::Store16(record.data() + offset, value);
}

// -- fd_seek ---------------------------------------------------------------------------------

// Preview 1's whence values, indexed by snapshot 0's (CUR=0, END=1, SET=2).
constexpr uint8_t kPreview1WhenceOf[3] = {/*CUR*/ 1, /*END*/ 2, /*SET*/ 0};
constexpr uint8_t kWhenceInvalid1 = 3;

// fd_seek(fd: fd, offset: filedelta, whence: whence, newoffset: *filesize) -> errno
Errno FdSeek0(WasiCall& call) {
  const uint32_t fd = api::DecodeU32(call.stack[0]);
  const int64_t offset = static_cast<int64_t>(call.stack[1]);
  const uint32_t whence = api::DecodeU32(call.stack[2]);
  const uint32_t newoffset_ptr = api::DecodeU32(call.stack[3]);
  // A result pointer out of range is found before the offset moves (as in preview 1).
  if (!call.memory.Read(newoffset_ptr, 8).has_value()) return Errno::kFault;
  // An unknown whence becomes one preview 1 does not know either, so FdSeek reports it after
  // a bad fd, exactly as preview 1's fd_seek does.
  const uint8_t whence1 = whence < 3 ? kPreview1WhenceOf[whence] : kWhenceInvalid1;
  uint64_t new_offset = 0;
  {
    absl::MutexLock lock(&call.state.mu());
    const Errno error = FdSeek(call.state, fd, offset, whence1, &new_offset);
    if (error != Errno::kSuccess) return error;
  }
  return call.memory.WriteUint64Le(newoffset_ptr, new_offset) ? Errno::kSuccess : Errno::kFault;
}

// -- fd_filestat_get, path_filestat_get --------------------------------------------------------

constexpr uint32_t kFilestat0Size = 56;

// WriteFilestat0 lays `stat` out as snapshot 0's filestat: dev @0, ino @8, filetype u8 @16,
// nlink u32 @20, size @24, atim @32, mtim @40, ctim @48.
Errno WriteFilestat0(api::Memory& memory, uint32_t ptr, const Filestat& stat) {
  std::array<uint8_t, kFilestat0Size> record{};
  Put64(record, 0, stat.dev);
  Put64(record, 8, stat.ino);
  record[16] = static_cast<uint8_t>(stat.filetype);
  // More links than a u32 counts cannot be told; the most it can say is the honest answer.
  constexpr uint64_t kMaxLinkcount = std::numeric_limits<uint32_t>::max();
  Put32(record, 20, static_cast<uint32_t>(stat.nlink < kMaxLinkcount ? stat.nlink : kMaxLinkcount));
  Put64(record, 24, stat.size);
  Put64(record, 32, stat.atim);
  Put64(record, 40, stat.mtim);
  Put64(record, 48, stat.ctim);
  return memory.Write(ptr, record) ? Errno::kSuccess : Errno::kFault;
}

// fd_filestat_get(fd: fd, buf: *filestat) -> errno
Errno FdFilestatGet0(WasiCall& call) {
  const uint32_t fd = api::DecodeU32(call.stack[0]);
  const uint32_t buf_ptr = api::DecodeU32(call.stack[1]);
  Filestat stat;
  {
    absl::MutexLock lock(&call.state.mu());
    const Errno error = FdFilestatGet(call.state, fd, &stat);
    if (error != Errno::kSuccess) return error;
  }
  return WriteFilestat0(call.memory, buf_ptr, stat);
}

// path_filestat_get(fd: fd, flags: lookupflags, path: *u8, path_len: size, buf: *filestat)
//     -> errno
Errno PathFilestatGet0(WasiCall& call) {
  const uint32_t dirfd = api::DecodeU32(call.stack[0]);
  const uint32_t lookupflags = api::DecodeU32(call.stack[1]);
  const uint32_t path_ptr = api::DecodeU32(call.stack[2]);
  const uint32_t path_len = api::DecodeU32(call.stack[3]);
  const uint32_t buf_ptr = api::DecodeU32(call.stack[4]);
  std::optional<absl::Span<uint8_t>> path_bytes = call.memory.Read(path_ptr, path_len);
  if (!path_bytes.has_value()) return Errno::kFault;
  // A copy: the guest's memory is not the host's to keep a view of while resolving.
  const std::string path(path_bytes->begin(), path_bytes->end());
  Filestat stat;
  {
    absl::MutexLock lock(&call.state.mu());
    const Errno error = PathFilestatGet(call.state, dirfd, lookupflags, path, &stat);
    if (error != Errno::kSuccess) return error;
  }
  return WriteFilestat0(call.memory, buf_ptr, stat);
}

// -- poll_oneoff -----------------------------------------------------------------------------

// Snapshot 0's subscription: userdata u64 @0, tag u8 @8, then the union at 16 (aligned for
// its u64s): clock {identifier u64 @16, clock id u32 @24, timeout u64 @32, precision u64 @40,
// flags u16 @48}, or fd_readwrite {fd u32 @16}.
constexpr uint64_t kSubscription0Size = 56;
// The event is preview 1's: userdata u64 @0, error u16 @8, type u8 @10, fd_readwrite
// {nbytes u64 @16, flags u16 @24}.
constexpr uint64_t kEventSize = 32;
constexpr uint8_t kEventTypeClock = 0;

Subscription DecodeSubscription0(const uint8_t* record) {
  Subscription sub;
  sub.userdata = absl::little_endian::Load64(record);
  sub.tag = record[8];
  if (sub.tag == kEventTypeClock) {
    // The identifier (@16) is the guest's own label for the clock; nothing reports it back.
    sub.clock_id = absl::little_endian::Load32(record + 24);
    sub.timeout = absl::little_endian::Load64(record + 32);
    sub.precision = absl::little_endian::Load64(record + 40);
    sub.flags = absl::little_endian::Load16(record + 48);
  } else {
    sub.fd = absl::little_endian::Load32(record + 16);
  }
  return sub;
}

// poll_oneoff(in: *subscription, out: *event, nsubscriptions: size, nevents: *size) -> errno
Errno PollOneoff0(WasiCall& call) {
  const uint32_t in_ptr = api::DecodeU32(call.stack[0]);
  const uint32_t out_ptr = api::DecodeU32(call.stack[1]);
  const uint32_t nsubscriptions = api::DecodeU32(call.stack[2]);
  const uint32_t nevents_ptr = api::DecodeU32(call.stack[3]);
  // No subscription would wait forever; preview 1 (poll.cc) says so the same way.
  if (nsubscriptions == 0) return Errno::kInval;
  const uint64_t in_size = nsubscriptions * kSubscription0Size;
  const uint64_t out_size = nsubscriptions * kEventSize;
  if (in_size > std::numeric_limits<uint32_t>::max() ||
      out_size > std::numeric_limits<uint32_t>::max()) {
    return Errno::kFault;
  }
  std::optional<absl::Span<uint8_t>> in = call.memory.Read(in_ptr, static_cast<uint32_t>(in_size));
  // Every output is checked before waiting, so a bad pointer does not cost a sleep.
  if (!in.has_value() || !call.memory.Read(out_ptr, static_cast<uint32_t>(out_size)).has_value() ||
      !call.memory.Read(nevents_ptr, 4).has_value()) {
    return Errno::kFault;
  }
  std::vector<Subscription> subscriptions;
  subscriptions.reserve(nsubscriptions);
  for (uint32_t i = 0; i < nsubscriptions; ++i)
    subscriptions.push_back(DecodeSubscription0(in->data() + i * kSubscription0Size));

  std::vector<Event> events;
  const Errno error = PollOneoff(call, subscriptions, &events);
  if (error != Errno::kSuccess) return error;
  if (events.size() > nsubscriptions) return Errno::kIo;  // PollOneoff reports one per sub

  for (size_t i = 0; i < events.size(); ++i) {
    std::array<uint8_t, kEventSize> record{};
    Put64(record, 0, events[i].userdata);
    Put16(record, 8, static_cast<uint16_t>(events[i].error));
    record[10] = events[i].type;
    Put64(record, 16, events[i].nbytes);
    Put16(record, 24, events[i].flags);
    if (!call.memory.Write(static_cast<uint32_t>(out_ptr + i * kEventSize), record))
      return Errno::kFault;
  }
  return call.memory.WriteUint32Le(nevents_ptr, static_cast<uint32_t>(events.size()))
             ? Errno::kSuccess
             : Errno::kFault;
}

// -- the module ------------------------------------------------------------------------------

// The functions snapshot 0 lays out differently, by name.
struct Translation {
  absl::string_view name;
  WasiFn fn;
};
constexpr Translation kTranslations[] = {
    {"fd_seek", FdSeek0},
    {"fd_filestat_get", FdFilestatGet0},
    {"path_filestat_get", PathFilestatGet0},
    {"poll_oneoff", PollOneoff0},
};

WasiFn TranslationOf(absl::string_view name) {
  for (const Translation& translation : kTranslations) {
    if (translation.name == name) return translation.fn;
  }
  return nullptr;
}

// Snapshot0HostFunction runs one translated function for a calling instance, as preview 1's
// wrapper (module.cc) does: the caller's WASI state (shared with its preview 1 imports, so
// both see one fd table) and memory.
class Snapshot0HostFunction final : public api::HostModuleFunction {
 public:
  explicit Snapshot0HostFunction(WasiFn fn) : fn_(fn) {}

  void Call(const Context& ctx, api::Module& caller, absl::Span<uint64_t> stack) override {
    std::shared_ptr<WasiState> state = StateOf(caller);
    if (state == nullptr) {
      // No ModuleConfig (not instantiated by a Runtime) or mounts that failed to open.
      stack[0] = api::EncodeU32(ErrnoCode(Errno::kNosys));
      return;
    }
    api::Memory* memory = caller.Memory();
    if (memory == nullptr) {
      // Each translated function writes its result to memory, which the caller lacks.
      stack[0] = api::EncodeU32(ErrnoCode(Errno::kFault));
      return;
    }
    WasiCall call{ctx, caller, *memory, *state, stack};
    stack[0] = api::EncodeU32(ErrnoCode(fn_(call)));
  }

 private:
  WasiFn fn_;
};

}  // namespace

HostModuleBuilder NewUnstableBuilder(Runtime& runtime) {
  // Preview 1's functions, wrapped once by module.cc, are reused as they are: same
  // signatures, same param names, same implementation objects.
  HostModuleBuilder preview1 = NewSnapshotPreview1Builder(runtime);
  HostModuleBuilder builder = runtime.NewHostModuleBuilder(std::string(kUnstableModuleName));
  for (const HostFunctionSpec& spec : preview1.functions()) {
    if (spec.export_name == "sock_accept") continue;  // added in preview 1
    HostFunctionBuilder function = builder.NewFunctionBuilder();
    if (WasiFn translation = TranslationOf(spec.export_name)) {
      function.WithHostModuleFunction(std::make_shared<Snapshot0HostFunction>(translation),
                                      spec.params, spec.results);
    } else if (const auto* module_fn =
                   std::get_if<std::shared_ptr<api::HostModuleFunction>>(&spec.impl)) {
      function.WithHostModuleFunction(*module_fn, spec.params, spec.results);
    } else {
      function.WithHostFunction(std::get<std::shared_ptr<api::HostFunction>>(spec.impl),
                                spec.params, spec.results);
    }
    function.WithName(spec.name)
        .WithParameterNames(spec.param_names)
        .WithResultNames(spec.result_names)
        .Export(spec.export_name);
  }
  return builder;
}

absl::StatusOr<api::Module*> InstantiateUnstable(const Context& ctx, Runtime& runtime) {
  return NewUnstableBuilder(runtime).Instantiate(ctx);
}

}  // namespace kiln::wasi
