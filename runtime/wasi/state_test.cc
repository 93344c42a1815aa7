// Tests of the WASI state: errno names and host mapping, the fd table's numbering, and the
// entries WasiState::Create makes from a ModuleConfig (stdio, mounts, preopened sockets).
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "api/kiln.h"
#include "catch2/catch.hpp"
#include "runtime/embedding/testing/wat_binaries.h"
#include "runtime/wasi/errno.h"
#include "runtime/wasi/fd_table.h"
#include "runtime/wasi/testing/test_support.h"
#include "runtime/wasi/wasi_state.h"
#include "testing/status_matchers.h"

namespace kiln::wasi {
namespace {

using test_support::TempDir;
using testing::IsOk;
using testing::StatusIs;


std::unique_ptr<FileEntry> NewEntry() { return std::make_unique<FileEntry>(); }

// IsOpen tells whether the host descriptor `fd` is open in this process.
bool IsOpen(int fd) { return fcntl(fd, F_GETFD) != -1; }

// -- Errno -----------------------------------------------------------------------------------

TEST_CASE("errno names are the spec's", "[wasi][errno]") {
  CHECK(ErrnoName(Errno::kSuccess) == "success");
  CHECK(ErrnoName(Errno::k2Big) == "2big");
  CHECK(ErrnoName(Errno::kBadf) == "badf");
  CHECK(ErrnoName(Errno::kInval) == "inval");
  CHECK(ErrnoName(Errno::kNoent) == "noent");
  CHECK(ErrnoName(Errno::kNotsock) == "notsock");
  CHECK(ErrnoName(Errno::kXdev) == "xdev");
  CHECK(ErrnoName(Errno::kNotcapable) == "notcapable");
  CHECK(ErrnoName(static_cast<Errno>(77)) == "unknown");
  CHECK(ErrnoCode(Errno::kNotcapable) == 76u);
}

TEST_CASE("host errno values map to WASI's, unknown ones to io", "[wasi][errno]") {
  CHECK(ErrnoFromHost(0) == Errno::kSuccess);
  CHECK(ErrnoFromHost(ENOENT) == Errno::kNoent);
  CHECK(ErrnoFromHost(EWOULDBLOCK) == Errno::kAgain);
  CHECK(ErrnoFromHost(EOPNOTSUPP) == Errno::kNotsup);
  CHECK(ErrnoFromHost(ELOOP) == Errno::kLoop);
  CHECK(ErrnoFromHost(ENOTEMPTY) == Errno::kNotempty);
  CHECK(ErrnoFromHost(EXDEV) == Errno::kXdev);
  CHECK(ErrnoFromHost(ENOTSOCK) == Errno::kNotsock);
  CHECK(ErrnoFromHost(ECHRNG) == Errno::kIo);  // WASI has no name for it
}

// -- FdTable ---------------------------------------------------------------------------------

TEST_CASE("the fd table hands out the lowest free number", "[wasi][fd_table]") {
  FdTable fds;
  uint32_t fd = 99;
  REQUIRE(fds.Insert(NewEntry(), &fd) == Errno::kSuccess);
  CHECK(fd == 0u);
  fds.InsertAt(1, NewEntry());
  fds.InsertAt(3, NewEntry());
  REQUIRE(fds.Insert(NewEntry(), &fd) == Errno::kSuccess);
  CHECK(fd == 2u);
  REQUIRE(fds.Insert(NewEntry(), &fd) == Errno::kSuccess);
  CHECK(fd == 4u);
  REQUIRE(fds.Remove(1) == Errno::kSuccess);
  CHECK(fds.Get(1) == nullptr);
  CHECK(fds.Remove(1) == Errno::kBadf);
  REQUIRE(fds.Insert(NewEntry(), &fd) == Errno::kSuccess);
  CHECK(fd == 1u);
  CHECK(fds.Get(5) == nullptr);
}

TEST_CASE("renumbering moves an entry onto an open fd and closes what it held",
          "[wasi][fd_table]") {
  FdTable fds;
  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  auto reader = NewEntry();
  reader->host_fd = pipe_fds[0];
  auto writer = NewEntry();
  writer->host_fd = pipe_fds[1];
  fds.InsertAt(3, std::move(reader));
  fds.InsertAt(4, std::move(writer));
  FileEntry* moved = fds.Get(3);

  CHECK(fds.Renumber(3, 9) == Errno::kBadf);  // the target must be open
  CHECK(fds.Renumber(8, 4) == Errno::kBadf);
  CHECK(fds.Renumber(3, 3) == Errno::kSuccess);
  CHECK(fds.Get(3) == moved);

  REQUIRE(fds.Renumber(3, 4) == Errno::kSuccess);
  CHECK(fds.Get(3) == nullptr);
  CHECK(fds.Get(4) == moved);
  CHECK_FALSE(IsOpen(pipe_fds[1]));  // the replaced entry closed its host descriptor
  CHECK(IsOpen(pipe_fds[0]));
  REQUIRE(fds.Remove(4) == Errno::kSuccess);
  CHECK_FALSE(IsOpen(pipe_fds[0]));
}

TEST_CASE("an entry that does not own its host descriptor leaves it open", "[wasi][fd_table]") {
  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  {
    FdTable fds;
    auto entry = NewEntry();
    entry->host_fd = pipe_fds[0];
    entry->owns_host_fd = false;
    fds.InsertAt(0, std::move(entry));
  }
  CHECK(IsOpen(pipe_fds[0]));
  close(pipe_fds[0]);
  close(pipe_fds[1]);
}

// -- WasiState::Create -----------------------------------------------------------------------

TEST_CASE("a default config gives only stdio, with wasmtime's rights", "[wasi][state]") {
  absl::StatusOr<std::shared_ptr<WasiState>> state =
      WasiState::Create(std::make_shared<ModuleConfig>(NewModuleConfig()));
  REQUIRE_THAT(state.status(), IsOk());
  absl::MutexLock lock(&(*state)->mu());
  FdTable& fds = (*state)->fds();
  FileEntry* in = fds.Get(0);
  FileEntry* out = fds.Get(1);
  FileEntry* err = fds.Get(2);
  REQUIRE(in != nullptr);
  REQUIRE(out != nullptr);
  REQUIRE(err != nullptr);
  CHECK(fds.Get(3) == nullptr);
  // Neither stream is a host descriptor: reported like a pipe.
  CHECK(in->filetype == Filetype::kUnknown);
  CHECK(out->filetype == Filetype::kUnknown);
  CHECK(in->reader != nullptr);
  CHECK(out->writer != nullptr);
  CHECK(err->writer != nullptr);
  CHECK(in->rights_base == (1u << 1));   // fd_read
  CHECK(out->rights_base == (1u << 6));  // fd_write
  CHECK(err->rights_base == (1u << 6));
  CHECK_FALSE(in->is_preopen);
  CHECK(in->host_fd == -1);
  CHECK(in->mount == nullptr);
}

TEST_CASE("stdio backed by host descriptors reports what they are", "[wasi][state]") {
  TempDir dir;
  REQUIRE_FALSE(dir.path().empty());
  int file_fd = open((dir.path() + "/in.txt").c_str(), O_RDWR | O_CREAT, 0644);
  REQUIRE(file_fd >= 0);
  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  int null_fd = open("/dev/null", O_WRONLY);
  REQUIRE(null_fd >= 0);

  ModuleConfig config = NewModuleConfig()
                            .WithStdin(NewFdReader(file_fd))
                            .WithStdout(NewFdWriter(pipe_fds[1]))
                            .WithStderr(NewFdWriter(null_fd));
  absl::StatusOr<std::shared_ptr<WasiState>> state =
      WasiState::Create(std::make_shared<ModuleConfig>(config));
  REQUIRE_THAT(state.status(), IsOk());
  {
    absl::MutexLock lock(&(*state)->mu());
    CHECK((*state)->fds().Get(0)->filetype == Filetype::kRegularFile);
    CHECK((*state)->fds().Get(1)->filetype == Filetype::kUnknown);  // a pipe, as in wasmtime
    CHECK((*state)->fds().Get(2)->filetype == Filetype::kCharacterDevice);
  }
  state->reset();
  // The state never owned the embedder's descriptors.
  CHECK(IsOpen(file_fd));
  CHECK(IsOpen(pipe_fds[1]));
  close(file_fd);
  close(null_fd);
  close(pipe_fds[0]);
  close(pipe_fds[1]);
}

TEST_CASE("each mount becomes a directory preopen, in order, after stdio", "[wasi][state]") {
  TempDir first, second;
  REQUIRE_FALSE(first.path().empty());
  REQUIRE_FALSE(second.path().empty());
  REQUIRE(mkdir((second.path() + "/sub").c_str(), 0755) == 0);
  ModuleConfig config = NewModuleConfig().WithFSConfig(
      NewFSConfig().WithDirMount(first.path(), "").WithReadOnlyDirMount(second.path(), "/data"));
  absl::StatusOr<std::shared_ptr<WasiState>> state =
      WasiState::Create(std::make_shared<ModuleConfig>(config));
  REQUIRE_THAT(state.status(), IsOk());
  absl::MutexLock lock(&(*state)->mu());
  FileEntry* root = (*state)->fds().Get(3);
  FileEntry* data = (*state)->fds().Get(4);
  REQUIRE(root != nullptr);
  REQUIRE(data != nullptr);
  CHECK((*state)->fds().Get(5) == nullptr);

  CHECK(root->filetype == Filetype::kDirectory);
  CHECK(root->is_preopen);
  CHECK(root->path_in_mount.empty());
  REQUIRE(root->mount != nullptr);
  CHECK(root->mount->guest_path == "/");  // "" means the root
  CHECK_FALSE(root->mount->read_only);
  CHECK(root->writable);
  CHECK((root->rights_base & (1u << 13)) != 0);        // path_open
  CHECK((root->rights_base & (1u << 2)) == 0);         // no fd_seek on a directory
  CHECK((root->rights_inheriting & (1u << 6)) != 0);   // files below may be written

  REQUIRE(data->mount != nullptr);
  CHECK(data->mount->guest_path == "/data");
  CHECK(data->mount->read_only);
  CHECK_FALSE(data->writable);
  // Both descriptors are the mounted directory: "sub" is found below them.
  struct stat st;
  CHECK(fstatat(data->mount->root_fd, "sub", &st, 0) == 0);
  CHECK(fstatat(data->host_fd, "sub", &st, 0) == 0);
  CHECK(data->host_fd != data->mount->root_fd);
}

TEST_CASE("a mount that cannot be opened fails with its host path", "[wasi][state]") {
  ModuleConfig config = NewModuleConfig().WithFSConfig(
      NewFSConfig().WithDirMount("/nonexistent/kiln/wasi/dir", "/"));
  CHECK_THAT(WasiState::Create(std::make_shared<ModuleConfig>(config)).status(),
             StatusIs(absl::StatusCode::kFailedPrecondition, "/nonexistent/kiln/wasi/dir"));
}

TEST_CASE("preopened sockets follow the mounts and are the state's own duplicates",
          "[wasi][state]") {
  TempDir dir;
  int sockets[2];
  REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sockets) == 0);
  int datagrams[2];
  REQUIRE(socketpair(AF_UNIX, SOCK_DGRAM, 0, datagrams) == 0);
  ModuleConfig config = NewModuleConfig()
                            .WithFSConfig(NewFSConfig().WithDirMount(dir.path(), "/"))
                            .WithPreopenedSocket(sockets[0])
                            .WithPreopenedSocket(datagrams[0]);
  absl::StatusOr<std::shared_ptr<WasiState>> state =
      WasiState::Create(std::make_shared<ModuleConfig>(config));
  REQUIRE_THAT(state.status(), IsOk());
  int duplicate = -1;
  {
    absl::MutexLock lock(&(*state)->mu());
    FileEntry* stream = (*state)->fds().Get(4);
    FileEntry* dgram = (*state)->fds().Get(5);
    REQUIRE(stream != nullptr);
    REQUIRE(dgram != nullptr);
    CHECK(stream->filetype == Filetype::kSocketStream);
    CHECK(dgram->filetype == Filetype::kSocketDgram);
    CHECK(stream->is_preopen);
    CHECK(stream->mount == nullptr);
    CHECK((stream->rights_base & (1u << 28)) != 0);  // sock_shutdown
    duplicate = stream->host_fd;
    CHECK(duplicate != sockets[0]);
    // The duplicate is the same socket: what is written to its peer arrives there.
    REQUIRE(write(sockets[1], "x", 1) == 1);
    char byte = 0;
    CHECK(read(duplicate, &byte, 1) == 1);
    CHECK(byte == 'x');
  }
  state->reset();
  CHECK_FALSE(IsOpen(duplicate));
  CHECK(IsOpen(sockets[0]));  // the embedder's stays open
  for (int fd : {sockets[0], sockets[1], datagrams[0], datagrams[1]}) close(fd);
}

// -- StateOf ---------------------------------------------------------------------------------

TEST_CASE("StateOf gives each instance one state, made from its config", "[wasi][state]") {
  Context ctx;
  std::unique_ptr<Runtime> runtime = NewRuntime(ctx);
  absl::StatusOr<std::shared_ptr<const CompiledModule>> compiled =
      runtime->CompileModule(ctx, embedding::testing::WatToWasm("(module (memory 1))"));
  REQUIRE_THAT(compiled.status(), IsOk());
  TempDir dir;
  absl::StatusOr<api::Module*> with_mount = runtime->InstantiateModule(
      ctx, *compiled,
      NewModuleConfig().WithName("a").WithFSConfig(NewFSConfig().WithDirMount(dir.path(), "/")));
  REQUIRE_THAT(with_mount.status(), IsOk());
  absl::StatusOr<api::Module*> without = runtime->InstantiateModule(
      ctx, *compiled, NewModuleConfig().WithName("b").WithArgs({"prog"}));
  REQUIRE_THAT(without.status(), IsOk());

  std::shared_ptr<WasiState> a = StateOf(**with_mount);
  std::shared_ptr<WasiState> b = StateOf(**without);
  REQUIRE(a != nullptr);
  REQUIRE(b != nullptr);
  CHECK(a != b);
  CHECK(StateOf(**with_mount) == a);  // made once
  CHECK(b->config().args() == std::vector<std::string>{"prog"});
  {
    absl::MutexLock lock(&a->mu());
    CHECK(a->fds().Get(3) != nullptr);
  }
  {
    absl::MutexLock lock(&b->mu());
    CHECK(b->fds().Get(3) == nullptr);
  }
}

}  // namespace
}  // namespace kiln::wasi
