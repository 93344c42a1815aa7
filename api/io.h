// Byte streams between the embedder and a guest: the Reader a module's stdin and random source
// come from, and the Writer its stdout and stderr go to (the C++ form of the io.Reader /
// io.Writer that wazero's ModuleConfig takes). The ready-made ones cover what embedders need
// most often:
//   auto out = std::make_shared<StringWriter>();
//   ModuleConfig config = NewModuleConfig()
//                             .WithStdin(NewStringReader("input line\n"))
//                             .WithStdout(out)
//                             .WithStderr(NewFdWriter(2));  // the host's stderr
//   ... run the module ...
//   std::string printed = out->Contents();
// Implementations must be thread-safe when several instances share them (all of these are).
#ifndef KILN_API_IO_H_
#define KILN_API_IO_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"

namespace kiln {

// Reader is a source of bytes.
class Reader {
 public:
  virtual ~Reader() = default;

  // Read fills up to buffer.size() bytes and returns how many it wrote; zero means the end of
  // the input (for a non-empty buffer). An error is an I/O failure.
  virtual absl::StatusOr<size_t> Read(absl::Span<uint8_t> buffer) = 0;

  // HostFd is the host file descriptor this reader reads, or -1 when it is not one. WASI uses
  // it to tell the guest what its stdin really is (a terminal, a pipe, a file) and to wait for
  // input in poll_oneoff; a reader without one is always ready.
  virtual int HostFd() const { return -1; }
};

// Writer is a sink of bytes.
class Writer {
 public:
  virtual ~Writer() = default;

  // Write consumes all of `data` and returns data.size(), or an error when it could not.
  virtual absl::StatusOr<size_t> Write(absl::Span<const uint8_t> data) = 0;

  // HostFd is the host file descriptor this writer writes, or -1 (see Reader::HostFd).
  virtual int HostFd() const { return -1; }
};

// NewEmptyReader returns a Reader that is always at its end (a module's default stdin).
std::shared_ptr<Reader> NewEmptyReader();

// NewStringReader returns a Reader that yields `contents` once, then its end.
std::shared_ptr<Reader> NewStringReader(std::string contents);

// NewDiscardWriter returns a Writer that drops everything (default stdout and stderr).
std::shared_ptr<Writer> NewDiscardWriter();

// NewFdReader reads from an open file descriptor of the host (e.g. 0 for the host's stdin).
// It does not own `fd`: closing the reader leaves it open.
std::shared_ptr<Reader> NewFdReader(int fd);

// NewFdWriter writes to an open file descriptor of the host (e.g. 1 for the host's stdout,
// 2 for stderr). It does not own `fd`.
std::shared_ptr<Writer> NewFdWriter(int fd);

// NewDeterministicRandSource returns an endless Reader of pseudo-random bytes that are the same
// for the same `seed` on every run and host (a module's default random source). Not for
// cryptography.
std::shared_ptr<Reader> NewDeterministicRandSource(uint64_t seed);

// NewSysRandSource returns an endless Reader of the host's cryptographic random bytes
// (getrandom).
std::shared_ptr<Reader> NewSysRandSource();

// StringWriter collects everything written to it, e.g. to check what a guest printed.
class StringWriter final : public Writer {
 public:
  absl::StatusOr<size_t> Write(absl::Span<const uint8_t> data) override;

  // Contents returns a copy of the bytes written so far.
  std::string Contents() const;

 private:
  mutable absl::Mutex mu_;
  std::string contents_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kiln

#endif  // KILN_API_IO_H_
