// How the WASI functions are defined, and the typed operations two ABIs share.
//
// Each group file (args_environ.cc, clock.cc, fd.cc, path.cc, poll.cc, proc.cc, random.cc,
// sched.cc, sock.cc) returns its functions as FunctionDefs; module.cc puts the preview 1 ones
// in a HostModuleBuilder, and snapshot0.cc builds `wasi_unstable` from the same list,
// replacing the few whose ABI differs (fd_seek, fd_filestat_get, path_filestat_get,
// poll_oneoff) with versions that translate and call the typed operations below.
#ifndef KILN_RUNTIME_WASI_FUNCTIONS_H_
#define KILN_RUNTIME_WASI_FUNCTIONS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "api/context.h"
#include "api/module.h"
#include "api/wasm.h"
#include "runtime/wasi/errno.h"
#include "runtime/wasi/fd_table.h"
#include "runtime/wasi/filestat.h"
#include "runtime/wasi/wasi_state.h"

namespace kiln::wasi {

// WasiCall is one call of a WASI function: the params are stack[0..], encoded as api::ValueType
// slots; the function's Errno result is written to stack[0] by the caller of WasiFn.
struct WasiCall {
  const Context& ctx;
  api::Module& caller;
  // The caller's memory; a caller without one gets an empty memory, so functions that touch
  // none still work and every access by the others fails (`fault`).
  api::Memory& memory;
  WasiState& state;
  absl::Span<uint64_t> stack;
};

// WasiFn implements one function. proc_exit does not return to Wasm: it closes the caller.
using WasiFn = Errno (*)(WasiCall& call);

// FunctionDef is a WASI function: its export name, param types and names (every preview 1
// function returns one i32 errno, except proc_exit which returns nothing), implementation.
struct FunctionDef {
  std::string name;
  std::vector<api::ValueType> params;
  std::vector<std::string> param_names;
  WasiFn fn;
  bool returns_errno = true;
};

// The groups, each from its own file.
std::vector<FunctionDef> ArgsEnvironFunctions();  // args_get, args_sizes_get, environ_*
std::vector<FunctionDef> ClockFunctions();        // clock_res_get, clock_time_get
std::vector<FunctionDef> FdFunctions();           // every fd_*
std::vector<FunctionDef> PathFunctions();         // every path_*
std::vector<FunctionDef> PollFunctions();         // poll_oneoff
std::vector<FunctionDef> ProcFunctions();         // proc_exit, proc_raise
std::vector<FunctionDef> RandomSchedFunctions();  // random_get, sched_yield
std::vector<FunctionDef> SockFunctions();         // sock_accept, sock_recv, sock_send, sock_shutdown

// SnapshotPreview1Functions is all 46, in the order of the spec's witx.
std::vector<FunctionDef> SnapshotPreview1Functions();

// -- Typed operations shared by preview 1 and snapshot 0 -------------------------------------

// FdFilestatGet (fd.cc) and PathFilestatGet (path.cc) fill `out`; they check rights and
// resolve the path exactly as fd_filestat_get / path_filestat_get do. Callers hold state.mu().
Errno FdFilestatGet(WasiState& state, uint32_t fd, Filestat* out);
Errno PathFilestatGet(WasiState& state, uint32_t dirfd, uint32_t lookupflags,
                      absl::string_view path, Filestat* out);

// FdSeek (fd.cc) with preview 1's whence numbering (SET=0, CUR=1, END=2).
Errno FdSeek(WasiState& state, uint32_t fd, int64_t offset, uint8_t whence, uint64_t* new_offset);

// Subscription and Event are poll_oneoff's records, decoded.
struct Subscription {
  uint64_t userdata = 0;
  uint8_t tag = 0;  // 0 clock, 1 fd_read, 2 fd_write
  // tag 0:
  uint32_t clock_id = 0;
  uint64_t timeout = 0;
  uint64_t precision = 0;
  uint16_t flags = 0;  // subclockflags: 1 = abstime
  // tag 1, 2:
  uint32_t fd = 0;
};
struct Event {
  uint64_t userdata = 0;
  Errno error = Errno::kSuccess;
  uint8_t type = 0;
  uint64_t nbytes = 0;     // fd events: bytes available (0 when unknown)
  uint16_t flags = 0;      // eventrwflags: 1 = fd_readwrite_hangup
};

// PollOneoff (poll.cc) waits as poll_oneoff does and returns the events that fired.
// The caller must not hold state.mu().
Errno PollOneoff(WasiCall& call, absl::Span<const Subscription> subscriptions,
                 std::vector<Event>* events);

}  // namespace kiln::wasi

#endif  // KILN_RUNTIME_WASI_FUNCTIONS_H_
