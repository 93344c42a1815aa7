#include "api/io.h"

#include <errno.h>
#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace kiln {
namespace {

absl::Status ErrnoError(absl::string_view what, int error) {
  return absl::UnknownError(absl::StrCat(what, ": ", std::strerror(error)));
}

class EmptyReader final : public Reader {
 public:
  absl::StatusOr<size_t> Read(absl::Span<uint8_t>) override { return 0; }
};

class StringReader final : public Reader {
 public:
  explicit StringReader(std::string contents) : contents_(std::move(contents)) {}
  absl::StatusOr<size_t> Read(absl::Span<uint8_t> buffer) override {
    absl::MutexLock lock(&mu_);
    size_t n = std::min(buffer.size(), contents_.size() - position_);
    std::memcpy(buffer.data(), contents_.data() + position_, n);
    position_ += n;
    return n;
  }

 private:
  absl::Mutex mu_;
  const std::string contents_;
  size_t position_ ABSL_GUARDED_BY(mu_) = 0;
};

class DiscardWriter final : public Writer {
 public:
  absl::StatusOr<size_t> Write(absl::Span<const uint8_t> data) override { return data.size(); }
};

class FdReader final : public Reader {
 public:
  explicit FdReader(int fd) : fd_(fd) {}
  int HostFd() const override { return fd_; }
  absl::StatusOr<size_t> Read(absl::Span<uint8_t> buffer) override {
    while (true) {
      ssize_t n = read(fd_, buffer.data(), buffer.size());
      if (n >= 0) return static_cast<size_t>(n);
      if (errno != EINTR) return ErrnoError(absl::StrCat("read fd ", fd_), errno);
    }
  }

 private:
  int fd_;
};

class FdWriter final : public Writer {
 public:
  explicit FdWriter(int fd) : fd_(fd) {}
  int HostFd() const override { return fd_; }
  absl::StatusOr<size_t> Write(absl::Span<const uint8_t> data) override {
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = write(fd_, data.data() + done, data.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoError(absl::StrCat("write fd ", fd_), errno);
      }
      done += static_cast<size_t>(n);
    }
    return done;
  }

 private:
  int fd_;
};

// DeterministicRandSource is splitmix64: tiny, fast, and the same sequence everywhere.
class DeterministicRandSource final : public Reader {
 public:
  explicit DeterministicRandSource(uint64_t seed) : state_(seed) {}
  absl::StatusOr<size_t> Read(absl::Span<uint8_t> buffer) override {
    absl::MutexLock lock(&mu_);
    for (uint8_t& byte : buffer) {
      if (available_ == 0) {
        uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        word_ = z ^ (z >> 31);
        available_ = 8;
      }
      byte = static_cast<uint8_t>(word_);
      word_ >>= 8;
      --available_;
    }
    return buffer.size();
  }

 private:
  absl::Mutex mu_;
  uint64_t state_ ABSL_GUARDED_BY(mu_);
  uint64_t word_ ABSL_GUARDED_BY(mu_) = 0;
  int available_ ABSL_GUARDED_BY(mu_) = 0;
};

class SysRandSource final : public Reader {
 public:
  absl::StatusOr<size_t> Read(absl::Span<uint8_t> buffer) override {
    size_t done = 0;
    while (done < buffer.size()) {
      ssize_t n = getrandom(buffer.data() + done, buffer.size() - done, 0);
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoError("getrandom", errno);
      }
      done += static_cast<size_t>(n);
    }
    return done;
  }
};

}  // namespace

std::shared_ptr<Reader> NewEmptyReader() { return std::make_shared<EmptyReader>(); }

std::shared_ptr<Reader> NewStringReader(std::string contents) {
  return std::make_shared<StringReader>(std::move(contents));
}

std::shared_ptr<Writer> NewDiscardWriter() { return std::make_shared<DiscardWriter>(); }

std::shared_ptr<Reader> NewFdReader(int fd) { return std::make_shared<FdReader>(fd); }

std::shared_ptr<Writer> NewFdWriter(int fd) { return std::make_shared<FdWriter>(fd); }

std::shared_ptr<Reader> NewDeterministicRandSource(uint64_t seed) {
  return std::make_shared<DeterministicRandSource>(seed);
}

std::shared_ptr<Reader> NewSysRandSource() { return std::make_shared<SysRandSource>(); }

absl::StatusOr<size_t> StringWriter::Write(absl::Span<const uint8_t> data) {
  absl::MutexLock lock(&mu_);
  contents_.append(reinterpret_cast<const char*>(data.data()), data.size());
  return data.size();
}

std::string StringWriter::Contents() const {
  absl::MutexLock lock(&mu_);
  return contents_;
}

}  // namespace kiln
