// sock_accept, sock_recv, sock_send and sock_shutdown, on preopened sockets and the
// connections accepted from them. Any other open fd is `notsock`, a closed one `badf`.
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "api/wasm.h"
#include "runtime/wasi/functions.h"
#include "runtime/wasi/rights.h"

namespace kiln::wasi {
namespace {

constexpr uint16_t kFdflagNonblock = 1 << 2;
constexpr uint16_t kRiflagRecvPeek = 1 << 0;
constexpr uint16_t kRiflagRecvWaitall = 1 << 1;
constexpr uint16_t kRoflagRecvDataTruncated = 1 << 0;
constexpr uint8_t kSdflagRd = 1 << 0;
constexpr uint8_t kSdflagWr = 1 << 1;
// kMaxIovecs is Linux's IOV_MAX: recvmsg and sendmsg take no more.
constexpr uint32_t kMaxIovecs = 1024;

// What an accepted connection may do: read, write, poll, shut down, and the fd operations
// that make sense on a stream.
constexpr uint64_t kConnectionRights = rights::kFdRead | rights::kFdFdstatSetFlags |
                                       rights::kFdWrite | rights::kFdFilestatGet |
                                       rights::kPollFdReadwrite | rights::kSockShutdown;

bool IsSocket(Filetype type) {
  return type == Filetype::kSocketStream || type == Filetype::kSocketDgram;
}

// Socket is what a sock_* call needs of its fd, copied out under the state's lock so the
// lock is not held while the call blocks on the network.
struct Socket {
  int host_fd = -1;
  bool nonblocking = false;
};

Errno LookUpSocket(WasiState& state, uint32_t fd, Socket* socket) {
  absl::MutexLock lock(&state.mu());
  FileEntry* entry = state.fds().Get(fd);
  if (entry == nullptr) return Errno::kBadf;
  // Stdio backed by a host socket has no host_fd of its own here: not usable as one.
  if (!IsSocket(entry->filetype) || entry->host_fd < 0) return Errno::kNotsock;
  socket->host_fd = entry->host_fd;
  socket->nonblocking = (entry->fdflags & kFdflagNonblock) != 0;
  return Errno::kSuccess;
}

// GuestIovecs points host iovecs at the guest buffers described by the `count` (buf u32,
// len u32) records at `iovs_ptr`; `fault` when any record or buffer is out of range.
Errno GuestIovecs(api::Memory& memory, uint32_t iovs_ptr, uint32_t count,
                  std::vector<iovec>* iovecs) {
  if (count > kMaxIovecs) return Errno::kInval;
  for (uint32_t i = 0; i < count; ++i) {
    uint64_t record = uint64_t{iovs_ptr} + uint64_t{8} * i;
    if (record > UINT32_MAX) return Errno::kFault;
    std::optional<uint32_t> buf = memory.ReadUint32Le(static_cast<uint32_t>(record));
    std::optional<uint32_t> len = memory.ReadUint32Le(static_cast<uint32_t>(record + 4));
    if (!buf.has_value() || !len.has_value()) return Errno::kFault;
    std::optional<absl::Span<uint8_t>> bytes = memory.Read(*buf, *len);
    if (!bytes.has_value()) return Errno::kFault;
    iovecs->push_back(iovec{bytes->data(), bytes->size()});
  }
  return Errno::kSuccess;
}

Errno SockAccept(WasiCall& call) {
  uint32_t fd = api::DecodeU32(call.stack[0]);
  uint32_t flags = api::DecodeU32(call.stack[1]);
  uint32_t result_ptr = api::DecodeU32(call.stack[2]);
  Socket listener;
  KILN_WASI_RETURN_IF_ERRNO(LookUpSocket(call.state, fd, &listener));
  if ((flags & ~uint32_t{kFdflagNonblock}) != 0) return Errno::kInval;
  if (!call.memory.Read(result_ptr, 4).has_value()) return Errno::kFault;
  if (listener.nonblocking) {
    // The host socket may itself block: ask first, so a nonblocking guest gets `again`.
    pollfd ready{listener.host_fd, POLLIN, 0};
    int n = poll(&ready, 1, 0);
    if (n < 0) return ErrnoFromHost(errno);
    if (n == 0) return Errno::kAgain;
  }
  int accept_flags = SOCK_CLOEXEC | ((flags & kFdflagNonblock) != 0 ? SOCK_NONBLOCK : 0);
  int connection = accept4(listener.host_fd, nullptr, nullptr, accept_flags);
  if (connection < 0) return ErrnoFromHost(errno);
  auto entry = std::make_unique<FileEntry>();
  entry->filetype = Filetype::kSocketStream;
  entry->host_fd = connection;
  entry->rights_base = kConnectionRights;
  entry->rights_inheriting = kConnectionRights;
  entry->fdflags = static_cast<uint16_t>(flags & kFdflagNonblock);
  entry->readable = true;
  entry->writable = true;
  uint32_t new_fd = 0;
  {
    absl::MutexLock lock(&call.state.mu());
    if (Errno e = call.state.fds().Insert(std::move(entry), &new_fd); e != Errno::kSuccess) {
      return e;  // the entry closed the connection
    }
  }
  call.memory.WriteUint32Le(result_ptr, new_fd);  // checked above
  return Errno::kSuccess;
}

Errno SockRecv(WasiCall& call) {
  uint32_t fd = api::DecodeU32(call.stack[0]);
  uint32_t iovs_ptr = api::DecodeU32(call.stack[1]);
  uint32_t iovs_len = api::DecodeU32(call.stack[2]);
  uint32_t ri_flags = api::DecodeU32(call.stack[3]);
  uint32_t datalen_ptr = api::DecodeU32(call.stack[4]);
  uint32_t roflags_ptr = api::DecodeU32(call.stack[5]);
  Socket socket;
  KILN_WASI_RETURN_IF_ERRNO(LookUpSocket(call.state, fd, &socket));
  if ((ri_flags & ~uint32_t{kRiflagRecvPeek | kRiflagRecvWaitall}) != 0) return Errno::kInval;
  std::vector<iovec> iovecs;
  KILN_WASI_RETURN_IF_ERRNO(GuestIovecs(call.memory, iovs_ptr, iovs_len, &iovecs));
  if (!call.memory.Read(datalen_ptr, 4).has_value() ||
      !call.memory.Read(roflags_ptr, 2).has_value()) {
    return Errno::kFault;
  }
  msghdr message{};
  message.msg_iov = iovecs.data();
  message.msg_iovlen = iovecs.size();
  int host_flags = ((ri_flags & kRiflagRecvPeek) != 0 ? MSG_PEEK : 0) |
                   ((ri_flags & kRiflagRecvWaitall) != 0 ? MSG_WAITALL : 0) |
                   (socket.nonblocking ? MSG_DONTWAIT : 0);
  ssize_t n = recvmsg(socket.host_fd, &message, host_flags);
  if (n < 0) return ErrnoFromHost(errno);
  uint16_t ro_flags = (message.msg_flags & MSG_TRUNC) != 0 ? kRoflagRecvDataTruncated : 0;
  call.memory.WriteUint32Le(datalen_ptr, static_cast<uint32_t>(n));
  call.memory.WriteUint16Le(roflags_ptr, ro_flags);
  return Errno::kSuccess;
}

Errno SockSend(WasiCall& call) {
  uint32_t fd = api::DecodeU32(call.stack[0]);
  uint32_t iovs_ptr = api::DecodeU32(call.stack[1]);
  uint32_t iovs_len = api::DecodeU32(call.stack[2]);
  // stack[3] is si_flags: the spec defines none, so there is nothing to honour.
  uint32_t datalen_ptr = api::DecodeU32(call.stack[4]);
  Socket socket;
  KILN_WASI_RETURN_IF_ERRNO(LookUpSocket(call.state, fd, &socket));
  std::vector<iovec> iovecs;
  KILN_WASI_RETURN_IF_ERRNO(GuestIovecs(call.memory, iovs_ptr, iovs_len, &iovecs));
  if (!call.memory.Read(datalen_ptr, 4).has_value()) return Errno::kFault;
  msghdr message{};
  message.msg_iov = iovecs.data();
  message.msg_iovlen = iovecs.size();
  // MSG_NOSIGNAL: a peer that went away is the guest's `pipe`, never the host's SIGPIPE.
  int host_flags = MSG_NOSIGNAL | (socket.nonblocking ? MSG_DONTWAIT : 0);
  ssize_t n = sendmsg(socket.host_fd, &message, host_flags);
  if (n < 0) return ErrnoFromHost(errno);
  call.memory.WriteUint32Le(datalen_ptr, static_cast<uint32_t>(n));
  return Errno::kSuccess;
}

Errno SockShutdown(WasiCall& call) {
  uint32_t fd = api::DecodeU32(call.stack[0]);
  uint32_t how = api::DecodeU32(call.stack[1]);
  Socket socket;
  KILN_WASI_RETURN_IF_ERRNO(LookUpSocket(call.state, fd, &socket));
  int host_how;
  switch (how) {
    case kSdflagRd: host_how = SHUT_RD; break;
    case kSdflagWr: host_how = SHUT_WR; break;
    case kSdflagRd | kSdflagWr: host_how = SHUT_RDWR; break;
    default: return Errno::kInval;
  }
  if (shutdown(socket.host_fd, host_how) != 0) return ErrnoFromHost(errno);
  return Errno::kSuccess;
}

}  // namespace

std::vector<FunctionDef> SockFunctions() {
  constexpr api::ValueType kI32 = api::kValueTypeI32;
  return {
      {"sock_accept", {kI32, kI32, kI32}, {"fd", "flags", "result.fd"}, SockAccept},
      {"sock_recv",
       {kI32, kI32, kI32, kI32, kI32, kI32},
       {"fd", "ri_data", "ri_data_len", "ri_flags", "result.ro_datalen", "result.ro_flags"},
       SockRecv},
      {"sock_send",
       {kI32, kI32, kI32, kI32, kI32},
       {"fd", "si_data", "si_data_len", "si_flags", "result.so_datalen"},
       SockSend},
      {"sock_shutdown", {kI32, kI32}, {"fd", "how"}, SockShutdown},
  };
}

}  // namespace kiln::wasi
