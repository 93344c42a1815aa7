// Module files for the command line: reading, text-to-binary, decoding and validation.
#include "tools/load_module.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "compiler/base/huge_pages.h"
#include "compiler/base/status_macros.h"
#include "compiler/text/wat_parser.h"
#include "compiler/wasm/decoder.h"
#include "compiler/wasm/validator.h"

namespace kiln::tools {
namespace {

// ReadFile reads the file at `path` with reads of its exact size into one buffer: modules
// are tens of megabytes, and growing a buffer (or a stream's) costs copies and page faults.
absl::StatusOr<std::vector<uint8_t>> ReadFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) {
      return absl::NotFoundError(absl::StrCat("cannot open ", path));
    }
    return absl::NotFoundError(absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  absl::Cleanup close_fd = [fd] { ::close(fd); };
  struct stat info;
  if (::fstat(fd, &info) != 0) {
    return absl::DataLossError(absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
  }
  if (S_ISDIR(info.st_mode)) {
    return absl::DataLossError(absl::StrCat("cannot read ", path, ": ", std::strerror(EISDIR)));
  }
  // A regular file is read at the size it has now, into a buffer of exactly that size;
  // anything else (a pipe, /dev/stdin) is read until its end into a growing buffer.
  const bool regular = S_ISREG(info.st_mode);
  std::vector<uint8_t> bytes;
  base::ReserveWithHugePages(bytes, regular ? static_cast<size_t>(info.st_size) : 0);
  bytes.resize(regular ? static_cast<size_t>(info.st_size) : 65536);
  size_t done = 0;
  while (true) {
    if (done == bytes.size()) {
      if (regular) break;
      bytes.resize(bytes.size() * 2);
    }
    ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return absl::DataLossError(absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
    }
    if (n == 0) break;  // the end (or a file that shrank: what was read is judged as it is)
    done += static_cast<size_t>(n);
  }
  bytes.resize(done);
  return bytes;
}

}  // namespace

std::string ResolvePath(absl::string_view path) {
  const char* working_dir = std::getenv("BUILD_WORKING_DIRECTORY");
  if (working_dir == nullptr || *working_dir == '\0' || absl::StartsWith(path, "/")) {
    return std::string(path);
  }
  return absl::StrCat(working_dir, "/", path);
}

absl::StatusOr<std::vector<uint8_t>> ReadModuleBytes(absl::string_view path) {
  KILN_ASSIGN_OR_RETURN(std::vector<uint8_t> contents, ReadFile(ResolvePath(path)));
  if (absl::EndsWith(path, ".wat")) {
    // Keep the $names, so that `inspect` (and anything else built on these modules) can show
    // them; a .wasm file has them only if its producer wrote a name section.
    text::WatOptions options;
    options.emit_name_section = true;
    return text::ParseWat(
        absl::string_view(reinterpret_cast<const char*>(contents.data()), contents.size()),
        options);
  }
  return contents;
}

absl::StatusOr<wasm::Module> LoadModule(absl::string_view path) {
  KILN_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, ReadModuleBytes(path));
  KILN_ASSIGN_OR_RETURN(wasm::Module module, wasm::Decode(bytes));
  KILN_RETURN_IF_ERROR(wasm::Validate(module));
  return module;
}

}  // namespace kiln::tools
