// WASI `rights` (a u64 bit set per fd, "base" for the fd itself and "inheriting" for fds
// opened through it), numbered as preview 1's witx numbers them; snapshot 0 numbers bits 0-28
// the same way.
#ifndef KILN_RUNTIME_WASI_RIGHTS_H_
#define KILN_RUNTIME_WASI_RIGHTS_H_

#include <cstdint>

namespace kiln::wasi::rights {

inline constexpr uint64_t kFdDatasync = uint64_t{1} << 0;
inline constexpr uint64_t kFdRead = uint64_t{1} << 1;
inline constexpr uint64_t kFdSeek = uint64_t{1} << 2;
inline constexpr uint64_t kFdFdstatSetFlags = uint64_t{1} << 3;
inline constexpr uint64_t kFdSync = uint64_t{1} << 4;
inline constexpr uint64_t kFdTell = uint64_t{1} << 5;
inline constexpr uint64_t kFdWrite = uint64_t{1} << 6;
inline constexpr uint64_t kFdAdvise = uint64_t{1} << 7;
inline constexpr uint64_t kFdAllocate = uint64_t{1} << 8;
inline constexpr uint64_t kPathCreateDirectory = uint64_t{1} << 9;
inline constexpr uint64_t kPathCreateFile = uint64_t{1} << 10;
inline constexpr uint64_t kPathLinkSource = uint64_t{1} << 11;
inline constexpr uint64_t kPathLinkTarget = uint64_t{1} << 12;
inline constexpr uint64_t kPathOpen = uint64_t{1} << 13;
inline constexpr uint64_t kFdReaddir = uint64_t{1} << 14;
inline constexpr uint64_t kPathReadlink = uint64_t{1} << 15;
inline constexpr uint64_t kPathRenameSource = uint64_t{1} << 16;
inline constexpr uint64_t kPathRenameTarget = uint64_t{1} << 17;
inline constexpr uint64_t kPathFilestatGet = uint64_t{1} << 18;
inline constexpr uint64_t kPathFilestatSetSize = uint64_t{1} << 19;
inline constexpr uint64_t kPathFilestatSetTimes = uint64_t{1} << 20;
inline constexpr uint64_t kFdFilestatGet = uint64_t{1} << 21;
inline constexpr uint64_t kFdFilestatSetSize = uint64_t{1} << 22;
inline constexpr uint64_t kFdFilestatSetTimes = uint64_t{1} << 23;
inline constexpr uint64_t kPathSymlink = uint64_t{1} << 24;
inline constexpr uint64_t kPathRemoveDirectory = uint64_t{1} << 25;
inline constexpr uint64_t kPathUnlinkFile = uint64_t{1} << 26;
inline constexpr uint64_t kPollFdReadwrite = uint64_t{1} << 27;
inline constexpr uint64_t kSockShutdown = uint64_t{1} << 28;
inline constexpr uint64_t kSockAccept = uint64_t{1} << 29;

}  // namespace kiln::wasi::rights

#endif  // KILN_RUNTIME_WASI_RIGHTS_H_
