// poll_oneoff: waits until a clock subscription's time comes or an fd subscription is ready.
//
// Clock-only polls (how guests sleep) go through the ModuleConfig's Nanosleep, so the fake
// default returns at once and WithSysNanosleep really sleeps. Fd subscriptions on host
// descriptors (stdio given as host fds, sockets, pipes) wait in poll(2), with the earliest
// clock as its timeout; regular files, directories and stdio streams that are not host
// descriptors are always ready, as POSIX says of files.
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "api/wasm.h"
#include "runtime/wasi/functions.h"

namespace kiln::wasi {
namespace {

// Subscription and event tags (WASI `eventtype`).
constexpr uint8_t kEventClock = 0;
constexpr uint8_t kEventFdRead = 1;
constexpr uint8_t kEventFdWrite = 2;

constexpr uint32_t kClockRealtime = 0;
constexpr uint32_t kClockMonotonic = 1;
constexpr uint16_t kSubclockAbstime = 1;
constexpr uint16_t kEventFdReadwriteHangup = 1;

constexpr uint64_t kNanosPerSecond = 1'000'000'000;
constexpr uint64_t kNanosPerMilli = 1'000'000;

// Preview 1's records in guest memory.
constexpr uint32_t kSubscriptionSize = 48;
constexpr uint32_t kEventSize = 32;

// ClockNow reads the clock a subscription names, in nanoseconds; nullopt for a clock poll
// cannot wait on (the CPU-time clocks: `inval`, as in wasmtime).
std::optional<uint64_t> ClockNow(const ModuleConfig& config, uint32_t clock_id) {
  if (clock_id == kClockRealtime) {
    WallTimestamp now = config.walltime()();
    if (now.seconds < 0) return 0;
    return static_cast<uint64_t>(now.seconds) * kNanosPerSecond +
           static_cast<uint64_t>(now.nanos);
  }
  if (clock_id == kClockMonotonic) {
    int64_t now = config.nanotime()();
    return now < 0 ? 0 : static_cast<uint64_t>(now);
  }
  return std::nullopt;
}

// FdTarget is how one fd subscription is waited on.
struct FdTarget {
  Errno error = Errno::kSuccess;  // `badf` for an fd that is not open
  int host_fd = -1;               // poll(2) this, or -1 when always ready
  uint64_t ready_nbytes = 0;      // for an always-ready read: bytes left to read, if known
};

// FdTargetOf looks `fd` up under the state's lock and copies out what the wait needs.
FdTarget FdTargetOf(WasiState& state, uint32_t fd, uint8_t tag) {
  FdTarget target;
  absl::MutexLock lock(&state.mu());
  FileEntry* entry = state.fds().Get(fd);
  if (entry == nullptr) {
    target.error = Errno::kBadf;
    return target;
  }
  if (entry->reader != nullptr) {
    target.host_fd = tag == kEventFdRead ? entry->reader->HostFd() : -1;
    return target;
  }
  if (entry->writer != nullptr) {
    target.host_fd = tag == kEventFdWrite ? entry->writer->HostFd() : -1;
    return target;
  }
  if (entry->host_fd < 0) return target;
  if (entry->filetype == Filetype::kRegularFile || entry->filetype == Filetype::kDirectory) {
    if (entry->filetype == Filetype::kRegularFile && tag == kEventFdRead) {
      struct stat st;
      off_t position = lseek(entry->host_fd, 0, SEEK_CUR);
      if (fstat(entry->host_fd, &st) == 0 && position >= 0 && st.st_size > position) {
        target.ready_nbytes = static_cast<uint64_t>(st.st_size - position);
      }
    }
    return target;
  }
  target.host_fd = entry->host_fd;
  return target;
}

// IndexedEvent keeps the subscription an event answers, so events come out in the order
// the guest subscribed.
using IndexedEvent = std::pair<size_t, Event>;

Event MakeEvent(const Subscription& sub, Errno error) {
  Event event;
  event.userdata = sub.userdata;
  event.error = error;
  event.type = sub.tag;
  return event;
}

// ToPollTimeout turns a wait in nanoseconds into poll(2)'s milliseconds, rounding up so a
// short sleep is never a busy loop.
int ToPollTimeout(uint64_t nanos) {
  uint64_t millis = nanos / kNanosPerMilli + (nanos % kNanosPerMilli != 0 ? 1 : 0);
  return millis > INT_MAX ? INT_MAX : static_cast<int>(millis);
}

// -- The preview 1 ABI -----------------------------------------------------------------------

Subscription DecodeSubscription(api::Memory& memory, uint32_t address) {
  Subscription sub;
  sub.userdata = *memory.ReadUint64Le(address);
  sub.tag = *memory.ReadByte(address + 8);
  if (sub.tag == kEventClock) {
    sub.clock_id = *memory.ReadUint32Le(address + 16);
    sub.timeout = *memory.ReadUint64Le(address + 24);
    sub.precision = *memory.ReadUint64Le(address + 32);
    sub.flags = *memory.ReadUint16Le(address + 40);
  } else {
    sub.fd = *memory.ReadUint32Le(address + 16);
  }
  return sub;
}

void EncodeEvent(api::Memory& memory, uint32_t address, const Event& event) {
  uint8_t zeros[kEventSize] = {};
  memory.Write(address, zeros);  // the padding too: the guest may compare whole records
  memory.WriteUint64Le(address, event.userdata);
  memory.WriteUint16Le(address + 8, static_cast<uint16_t>(event.error));
  memory.WriteByte(address + 10, event.type);
  memory.WriteUint64Le(address + 16, event.nbytes);
  memory.WriteUint16Le(address + 24, event.flags);
}

Errno PollOneoffPreview1(WasiCall& call) {
  uint32_t in_ptr = api::DecodeU32(call.stack[0]);
  uint32_t out_ptr = api::DecodeU32(call.stack[1]);
  uint32_t nsubscriptions = api::DecodeU32(call.stack[2]);
  uint32_t nevents_ptr = api::DecodeU32(call.stack[3]);
  if (nsubscriptions == 0) return Errno::kInval;  // it would wait forever
  uint64_t in_size = uint64_t{kSubscriptionSize} * nsubscriptions;
  uint64_t out_size = uint64_t{kEventSize} * nsubscriptions;
  // Check every range before waiting, so a bad pointer never costs a sleep.
  if (in_size > UINT32_MAX || out_size > UINT32_MAX ||
      !call.memory.Read(in_ptr, static_cast<uint32_t>(in_size)).has_value() ||
      !call.memory.Read(out_ptr, static_cast<uint32_t>(out_size)).has_value() ||
      !call.memory.Read(nevents_ptr, 4).has_value()) {
    return Errno::kFault;
  }
  std::vector<Subscription> subscriptions;
  subscriptions.reserve(nsubscriptions);
  for (uint32_t i = 0; i < nsubscriptions; ++i) {
    subscriptions.push_back(DecodeSubscription(call.memory, in_ptr + i * kSubscriptionSize));
  }
  std::vector<Event> events;
  KILN_WASI_RETURN_IF_ERRNO(PollOneoff(call, subscriptions, &events));
  // Waiting runs no Wasm, so the memory cannot have shrunk: the ranges are still good.
  for (size_t i = 0; i < events.size(); ++i) {
    EncodeEvent(call.memory, out_ptr + static_cast<uint32_t>(i) * kEventSize, events[i]);
  }
  call.memory.WriteUint32Le(nevents_ptr, static_cast<uint32_t>(events.size()));
  return Errno::kSuccess;
}

}  // namespace

Errno PollOneoff(WasiCall& call, absl::Span<const Subscription> subscriptions,
                 std::vector<Event>* events) {
  if (subscriptions.empty()) return Errno::kInval;
  const ModuleConfig& config = call.state.config();

  std::vector<IndexedEvent> ready;
  std::vector<std::pair<size_t, uint64_t>> clocks;  // subscription, nanoseconds from now
  std::vector<size_t> waiting;                      // subscriptions polled on host fds
  std::vector<pollfd> pollfds;
  for (size_t i = 0; i < subscriptions.size(); ++i) {
    const Subscription& sub = subscriptions[i];
    switch (sub.tag) {
      case kEventClock: {
        std::optional<uint64_t> now = ClockNow(config, sub.clock_id);
        if (!now.has_value()) return Errno::kInval;
        uint64_t wait = sub.timeout;
        if ((sub.flags & kSubclockAbstime) != 0) wait = sub.timeout > *now ? sub.timeout - *now : 0;
        clocks.emplace_back(i, wait);
        break;
      }
      case kEventFdRead:
      case kEventFdWrite: {
        FdTarget target = FdTargetOf(call.state, sub.fd, sub.tag);
        if (target.error != Errno::kSuccess || target.host_fd < 0) {
          Event event = MakeEvent(sub, target.error);
          if (target.error == Errno::kSuccess) event.nbytes = target.ready_nbytes;
          ready.emplace_back(i, event);
        } else {
          waiting.push_back(i);
          pollfds.push_back(pollfd{target.host_fd,
                                   static_cast<short>(sub.tag == kEventFdRead ? POLLIN : POLLOUT),
                                   0});
        }
        break;
      }
      default:
        return Errno::kInval;
    }
  }

  std::optional<uint64_t> earliest;
  for (const auto& [index, wait] : clocks) earliest = std::min(wait, earliest.value_or(wait));
  // With something ready already, nothing waits: only clocks already due fire.
  uint64_t waited = 0;
  bool timed_out = false;
  if (!ready.empty()) {
    waited = 0;
    timed_out = true;
  } else if (pollfds.empty()) {
    // Only clocks: sleep until the earliest (there is one, the list being non-empty).
    if (*earliest > 0) {
      config.nanosleep()(*earliest > uint64_t{INT64_MAX} ? INT64_MAX
                                                         : static_cast<int64_t>(*earliest));
    }
    waited = *earliest;
    timed_out = true;
  }
  if (!pollfds.empty()) {
    bool had_ready = !ready.empty();
    int timeout = !ready.empty() ? 0 : earliest.has_value() ? ToPollTimeout(*earliest) : -1;
    int n;
    do {
      n = poll(pollfds.data(), pollfds.size(), timeout);
    } while (n < 0 && errno == EINTR);
    if (n < 0) return ErrnoFromHost(errno);
    if (n == 0 && !had_ready && earliest.has_value()) {
      waited = *earliest;
      timed_out = true;
    }
    for (size_t k = 0; k < pollfds.size(); ++k) {
      short revents = pollfds[k].revents;
      if (revents == 0) continue;
      const Subscription& sub = subscriptions[waiting[k]];
      Event event = MakeEvent(sub, Errno::kSuccess);
      if ((revents & POLLNVAL) != 0) {
        event.error = Errno::kBadf;
      } else if ((revents & POLLERR) != 0 && (revents & (POLLIN | POLLOUT)) == 0) {
        event.error = Errno::kIo;
      } else {
        if ((revents & POLLHUP) != 0) event.flags = kEventFdReadwriteHangup;
        int available = 0;
        if (sub.tag == kEventFdRead && ioctl(pollfds[k].fd, FIONREAD, &available) == 0 &&
            available > 0) {
          event.nbytes = static_cast<uint64_t>(available);
        }
      }
      ready.emplace_back(waiting[k], event);
    }
  }
  if (timed_out) {
    for (const auto& [index, wait] : clocks) {
      if (wait <= waited) ready.emplace_back(index, MakeEvent(subscriptions[index], Errno::kSuccess));
    }
  }

  std::sort(ready.begin(), ready.end(),
            [](const IndexedEvent& a, const IndexedEvent& b) { return a.first < b.first; });
  events->clear();
  for (auto& [index, event] : ready) events->push_back(event);
  return Errno::kSuccess;
}

std::vector<FunctionDef> PollFunctions() {
  constexpr api::ValueType kI32 = api::kValueTypeI32;
  return {
      {"poll_oneoff",
       {kI32, kI32, kI32, kI32},
       {"in", "out", "nsubscriptions", "result.nevents"},
       PollOneoffPreview1},
  };
}

}  // namespace kiln::wasi
