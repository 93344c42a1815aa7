// WASI preview 1 error numbers, exactly as the spec numbers them (wasi_snapshot_preview1
// `errno`, a u16). Every WASI function returns one of these; the names are the spec's, so a
// test failure prints "noent" rather than a number.
#ifndef KILN_RUNTIME_WASI_ERRNO_H_
#define KILN_RUNTIME_WASI_ERRNO_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace kiln::wasi {

enum class Errno : uint16_t {
  kSuccess = 0,
  k2Big = 1,
  kAcces = 2,
  kAddrinuse = 3,
  kAddrnotavail = 4,
  kAfnosupport = 5,
  kAgain = 6,
  kAlready = 7,
  kBadf = 8,
  kBadmsg = 9,
  kBusy = 10,
  kCanceled = 11,
  kChild = 12,
  kConnaborted = 13,
  kConnrefused = 14,
  kConnreset = 15,
  kDeadlk = 16,
  kDestaddrreq = 17,
  kDom = 18,
  kDquot = 19,
  kExist = 20,
  kFault = 21,
  kFbig = 22,
  kHostunreach = 23,
  kIdrm = 24,
  kIlseq = 25,
  kInprogress = 26,
  kIntr = 27,
  kInval = 28,
  kIo = 29,
  kIsconn = 30,
  kIsdir = 31,
  kLoop = 32,
  kMfile = 33,
  kMlink = 34,
  kMsgsize = 35,
  kMultihop = 36,
  kNametoolong = 37,
  kNetdown = 38,
  kNetreset = 39,
  kNetunreach = 40,
  kNfile = 41,
  kNobufs = 42,
  kNodev = 43,
  kNoent = 44,
  kNoexec = 45,
  kNolck = 46,
  kNolink = 47,
  kNomem = 48,
  kNomsg = 49,
  kNoprotoopt = 50,
  kNospc = 51,
  kNosys = 52,
  kNotconn = 53,
  kNotdir = 54,
  kNotempty = 55,
  kNotrecoverable = 56,
  kNotsock = 57,
  kNotsup = 58,
  kNotty = 59,
  kNxio = 60,
  kOverflow = 61,
  kOwnerdead = 62,
  kPerm = 63,
  kPipe = 64,
  kProto = 65,
  kProtonosupport = 66,
  kPrototype = 67,
  kRange = 68,
  kRofs = 69,
  kSpipe = 70,
  kSrch = 71,
  kStale = 72,
  kTimedout = 73,
  kTxtbsy = 74,
  kXdev = 75,
  kNotcapable = 76,
};

// ErrnoName is the spec's name of `e` ("success", "2big", ..., "notcapable"), or "unknown".
absl::string_view ErrnoName(Errno e);

// ErrnoFromHost maps a Linux errno value to WASI's (EWOULDBLOCK is `again`, ENOTSUP and
// EOPNOTSUPP are `notsup`); an errno WASI has no name for becomes `io`.
Errno ErrnoFromHost(int host_errno);

// ErrnoCode is `e` as the u32 a WASI function returns to Wasm.
inline constexpr uint32_t ErrnoCode(Errno e) { return static_cast<uint32_t>(e); }

}  // namespace kiln::wasi

// KILN_WASI_RETURN_IF_ERRNO(expr) returns the Errno `expr` gives from the enclosing function
// unless it is `success`: the early return of every WASI function's checks.
#define KILN_WASI_RETURN_IF_ERRNO(expr)                                              \
  do {                                                                               \
    if (const ::kiln::wasi::Errno kiln_wasi_errno = (expr);                          \
        kiln_wasi_errno != ::kiln::wasi::Errno::kSuccess) {                          \
      return kiln_wasi_errno;                                                        \
    }                                                                                \
  } while (false)

#endif  // KILN_RUNTIME_WASI_ERRNO_H_
