// The directory compilation cache: reading, atomic writing, compile-once and pruning.
#include "runtime/cache/dir_cache.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "compiler/base/huge_pages.h"
#include "compiler/base/status_macros.h"

namespace kiln::runtime::cache {
namespace {

constexpr absl::string_view kEntrySuffix = ".kiln";
// Temp files are named ".tmp-<entry file name>-<pid>-<counter>": hidden, and never mistaken
// for an entry.
constexpr absl::string_view kTempPrefix = ".tmp-";
// A temp file older than this belongs to a writer that died (a write takes milliseconds).
constexpr int64_t kStaleTempSeconds = 10 * 60;

absl::Status ErrnoStatus(int error, absl::string_view what, absl::string_view path) {
  std::string message = absl::StrCat(what, " ", path, ": ", std::strerror(error));
  switch (error) {
    case ENOENT: return absl::NotFoundError(message);
    case EACCES:
    case EPERM:
    case EROFS: return absl::PermissionDeniedError(message);
    case ENOSPC:
    case EDQUOT: return absl::ResourceExhaustedError(message);
    default: return absl::InternalError(message);
  }
}

// ReadAt fills [out, out + size) from the file at `offset`; returns the bytes read, fewer
// only when the file ended first.
absl::StatusOr<size_t> ReadAt(int fd, uint64_t offset, uint8_t* out, size_t size,
                              const std::string& path) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd, out + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(errno, "cannot read", path);
    if (n == 0) break;  // shrank while reading: what was read is judged as it is
    done += static_cast<size_t>(n);
  }
  return done;
}

// ReadWhole reads the first `size` bytes of the open file (fewer if it is shorter).
absl::StatusOr<std::vector<uint8_t>> ReadWhole(int fd, size_t size, const std::string& path) {
  std::vector<uint8_t> bytes;
  base::ReserveWithHugePages(bytes, size);
  bytes.resize(size);
  KILN_ASSIGN_OR_RETURN(size_t done, ReadAt(fd, 0, bytes.data(), bytes.size(), path));
  bytes.resize(done);
  return bytes;
}

// OpenForReading opens `path` and returns the descriptor and the file's size.
absl::StatusOr<std::pair<int, size_t>> OpenForReading(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "cannot open", path);
  struct stat info;
  if (::fstat(fd, &info) != 0) {
    int error = errno;
    ::close(fd);
    return ErrnoStatus(error, "cannot stat", path);
  }
  return std::make_pair(fd, static_cast<size_t>(info.st_size));
}

absl::StatusOr<std::vector<uint8_t>> ReadFile(const std::string& path) {
  KILN_ASSIGN_OR_RETURN(auto opened, OpenForReading(path));
  absl::Cleanup close_fd = [fd = opened.first] { ::close(fd); };
  return ReadWhole(opened.first, opened.second, path);
}

using ParsedEntry = std::pair<CacheKey, backend::CompiledCode>;

// ReadEntry reads and parses the entry at `path`. The outer status is the file system's
// (cannot open, cannot read); the inner one ParseEntry's. The code blob is read straight into
// the vector the CompiledCode keeps (no buffer of the whole file, no copy of the blob); a file
// whose start does not describe a whole entry is read whole, for ParseEntry to say what is
// wrong with it.
absl::StatusOr<absl::StatusOr<ParsedEntry>> ReadEntry(const std::string& path) {
  KILN_ASSIGN_OR_RETURN(auto opened, OpenForReading(path));
  const int fd = opened.first;
  const size_t file_size = opened.second;
  absl::Cleanup close_fd = [fd] { ::close(fd); };
  std::vector<uint8_t> head(std::min(file_size, kEntryHeadBytes));
  KILN_ASSIGN_OR_RETURN(size_t head_read, ReadAt(fd, 0, head.data(), head.size(), path));
  head.resize(head_read);
  absl::StatusOr<EntryLayout> layout = LocateCode(head, file_size);
  if (layout.ok() && layout->code_begin <= head.size()) {
    std::vector<uint8_t> code;
    base::ReserveWithHugePages(code, layout->code_size);
    code.resize(layout->code_size);
    KILN_ASSIGN_OR_RETURN(size_t code_read,
                          ReadAt(fd, layout->code_begin, code.data(), code.size(), path));
    const size_t code_end = layout->code_begin + code.size();
    std::vector<uint8_t> rest(file_size - code_end);
    KILN_ASSIGN_OR_RETURN(size_t rest_read, ReadAt(fd, code_end, rest.data(), rest.size(), path));
    if (code_read == code.size() && rest_read == rest.size()) {
      head.resize(layout->code_begin);
      return ParseEntryParts(head, std::move(code), rest);
    }
    // The file shrank under us: judge what it holds now.
  }
  KILN_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, ReadWhole(fd, file_size, path));
  return ParseEntry(bytes);
}

absl::Status WriteAndSync(int fd, absl::Span<const uint8_t> bytes, const std::string& path) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(errno, "cannot write", path);
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return ErrnoStatus(errno, "cannot sync", path);
  return absl::OkStatus();
}

// SyncDirectory makes a link or rename inside `dir` durable; best effort (some file systems
// refuse fsync on directories, and the entry is complete either way).
void SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

absl::Status MakeDirectories(const std::string& dir) {
  std::string prefix;
  for (size_t at = 0; at <= dir.size(); ++at) {
    if (at < dir.size() && dir[at] != '/') continue;
    prefix = dir.substr(0, at);
    if (prefix.empty()) continue;
    if (::mkdir(prefix.c_str(), 0777) != 0 && errno != EEXIST) {
      return ErrnoStatus(errno, "cannot create cache directory", prefix);
    }
  }
  return absl::OkStatus();
}

// LoadFile reads and checks the entry at `path` for `key`.
absl::StatusOr<backend::CompiledCode> LoadFile(const std::string& path, const CacheKey& key) {
  absl::StatusOr<absl::StatusOr<ParsedEntry>> read = ReadEntry(path);
  if (!read.ok()) {
    if (absl::IsNotFound(read.status())) {
      return absl::NotFoundError(absl::StrCat("no cache entry ", path));
    }
    return read.status();
  }
  absl::StatusOr<ParsedEntry>& entry = *read;
  if (!entry.ok()) {
    return absl::DataLossError(absl::StrCat(path, ": ", entry.status().message()));
  }
  if (!(entry->first == key)) {
    return absl::DataLossError(absl::StrCat(path, " is an entry for another key (",
                                            absl::StrJoin(entry->first.Differences(key), "; "),
                                            ")"));
  }
  return std::move(entry->second);
}

std::string TempPath(const std::string& dir, const std::string& file_name) {
  static std::atomic<uint64_t> counter{0};
  return absl::StrCat(dir, "/", kTempPrefix, file_name, "-", ::getpid(), "-",
                      counter.fetch_add(1));
}

}  // namespace

// InFlight tracks the keys being compiled in this process, so each is compiled once. One
// table serves every DirCache of the process.
struct DirCache::InFlight {
  struct Compile {
    absl::Notification done;
    absl::StatusOr<backend::CompiledCode> result;
    bool hit = false;
  };
  absl::Mutex mutex;
  std::map<std::string, std::shared_ptr<Compile>> by_file ABSL_GUARDED_BY(mutex);
};

DirCache::DirCache(std::string dir, bool read_only) : dir_(std::move(dir)), read_only_(read_only) {
  static const std::shared_ptr<InFlight>* process_in_flight =
      new std::shared_ptr<InFlight>(std::make_shared<InFlight>());
  in_flight_ = *process_in_flight;
  char* real = ::realpath(dir_.c_str(), nullptr);
  // A read-only cache's answer to a miss (kNotFound) is no answer for a writable one.
  in_flight_key_ = absl::StrCat(read_only_ ? "ro:" : "rw:", real != nullptr ? real : dir_.c_str());
  std::free(real);
}

absl::StatusOr<std::unique_ptr<DirCache>> DirCache::Open(std::string dir, bool read_only) {
  if (dir.empty()) return absl::InvalidArgumentError("cache directory name is empty");
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  if (!read_only) KILN_RETURN_IF_ERROR(MakeDirectories(dir));
  struct stat info;
  if (::stat(dir.c_str(), &info) != 0) return ErrnoStatus(errno, "cannot open cache directory", dir);
  if (!S_ISDIR(info.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat("cache directory ", dir, " is not a directory"));
  }
  return std::unique_ptr<DirCache>(new DirCache(std::move(dir), read_only));
}

std::string DirCache::EntryPath(const CacheKey& key) const {
  return absl::StrCat(dir_, "/", key.FileName());
}

absl::StatusOr<backend::CompiledCode> DirCache::Load(const CacheKey& key) const {
  return LoadFile(EntryPath(key), key);
}

absl::Status DirCache::Store(const CacheKey& key, const backend::CompiledCode& code) const {
  if (read_only_) {
    return absl::FailedPreconditionError(
        absl::StrCat("cache directory ", dir_, " is read-only: not writing ", key.FileName()));
  }
  const std::string path = EntryPath(key);
  if (LoadFile(path, key).ok()) return absl::OkStatus();

  const std::vector<uint8_t> bytes = SerializeEntry(key, code);
  const std::string temp = TempPath(dir_, key.FileName());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus(errno, "cannot create", temp);
  absl::Cleanup remove_temp = [&temp] { ::unlink(temp.c_str()); };
  absl::Status written = WriteAndSync(fd, bytes, temp);
  ::close(fd);
  KILN_RETURN_IF_ERROR(written);

  // link() fails with EEXIST when the name is taken, so the first complete entry written by
  // any process wins and is never replaced by an equal one under a reader's feet.
  if (::link(temp.c_str(), path.c_str()) == 0) {
    SyncDirectory(dir_);
    return absl::OkStatus();
  }
  const int link_error = errno;
  if (link_error == EEXIST && LoadFile(path, key).ok()) return absl::OkStatus();
  if (link_error != EEXIST && link_error != EPERM && link_error != ENOTSUP &&
      link_error != EOPNOTSUPP) {
    return ErrnoStatus(link_error, "cannot link cache entry", path);
  }
  // The file there is damaged or for another key (or the file system has no hard links):
  // rename replaces it atomically.
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    return ErrnoStatus(errno, "cannot rename cache entry into place", path);
  }
  SyncDirectory(dir_);
  return absl::OkStatus();
}

absl::StatusOr<backend::CompiledCode> DirCache::GetOrCompile(
    const CacheKey& key, const std::function<absl::StatusOr<backend::CompiledCode>()>& compile,
    bool* hit) {
  const std::string file_name = absl::StrCat(in_flight_key_, "/", key.FileName());
  std::shared_ptr<InFlight::Compile> job;
  bool leader = false;
  {
    absl::MutexLock lock(&in_flight_->mutex);
    auto& slot = in_flight_->by_file[file_name];
    if (slot == nullptr) {
      slot = std::make_shared<InFlight::Compile>();
      leader = true;
    }
    job = slot;
  }
  if (!leader) {
    job->done.WaitForNotification();
    if (hit != nullptr) *hit = job->hit;
    return job->result;
  }

  absl::StatusOr<backend::CompiledCode> loaded = Load(key);
  if (loaded.ok()) {
    job->hit = true;
    job->result = std::move(loaded);
  } else if (read_only_) {
    // Load's message names the file, and what is wrong with it when it is there.
    job->result = absl::NotFoundError(
        absl::IsNotFound(loaded.status())
            ? absl::StrCat("read-only compilation cache has no entry ", EntryPath(key))
            : absl::StrCat("read-only compilation cache has no valid entry: ",
                           loaded.status().message()));
  } else {
    job->result = compile();
    if (job->result.ok()) {
      // A failed write leaves the cache without this entry; the compiled code is still good,
      // so the caller gets it and the next run compiles again.
      (void)Store(key, *job->result);
    }
  }
  {
    absl::MutexLock lock(&in_flight_->mutex);
    in_flight_->by_file.erase(file_name);
  }
  job->done.Notify();
  if (hit != nullptr) *hit = job->hit;
  return job->result;
}

absl::StatusOr<std::vector<EntryInfo>> DirCache::List() const {
  DIR* directory = ::opendir(dir_.c_str());
  if (directory == nullptr) return ErrnoStatus(errno, "cannot list cache directory", dir_);
  absl::Cleanup close_directory = [directory] { ::closedir(directory); };
  std::vector<std::string> names;
  while (dirent* entry = ::readdir(directory)) {
    absl::string_view name = entry->d_name;
    if (absl::EndsWith(name, kEntrySuffix) && !absl::StartsWith(name, kTempPrefix)) {
      names.emplace_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  std::vector<EntryInfo> infos;
  for (const std::string& name : names) {
    EntryInfo info;
    info.path = absl::StrCat(dir_, "/", name);
    struct stat file_info;
    if (::stat(info.path.c_str(), &file_info) != 0) continue;  // removed meanwhile
    info.size_bytes = static_cast<uint64_t>(file_info.st_size);
    info.modified_unix_seconds = file_info.st_mtime;
    absl::StatusOr<std::vector<uint8_t>> bytes = ReadFile(info.path);
    if (!bytes.ok()) {
      info.key = bytes.status();
      info.integrity = bytes.status();
    } else {
      absl::StatusOr<std::string> manifest = ReadManifest(*bytes);
      info.key = manifest.ok() ? CacheKey::ParseManifest(*manifest)
                               : absl::StatusOr<CacheKey>(manifest.status());
      info.integrity = ParseEntry(*bytes).status();
    }
    infos.push_back(std::move(info));
  }
  return infos;
}

absl::StatusOr<std::vector<std::string>> DirCache::Prune(
    std::optional<uint64_t> max_total_bytes) const {
  if (read_only_) {
    return absl::FailedPreconditionError(
        absl::StrCat("cache directory ", dir_, " is read-only: not pruning"));
  }
  std::vector<std::string> removed;
  auto remove = [&removed](const std::string& path) -> absl::Status {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      return ErrnoStatus(errno, "cannot remove", path);
    }
    removed.push_back(path);
    return absl::OkStatus();
  };

  // Temp files of writers that died.
  {
    DIR* directory = ::opendir(dir_.c_str());
    if (directory == nullptr) return ErrnoStatus(errno, "cannot list cache directory", dir_);
    absl::Cleanup close_directory = [directory] { ::closedir(directory); };
    const int64_t now = ::time(nullptr);
    std::vector<std::string> stale;
    while (dirent* entry = ::readdir(directory)) {
      if (!absl::StartsWith(entry->d_name, kTempPrefix)) continue;
      std::string path = absl::StrCat(dir_, "/", entry->d_name);
      struct stat info;
      if (::stat(path.c_str(), &info) == 0 && now - info.st_mtime > kStaleTempSeconds) {
        stale.push_back(std::move(path));
      }
    }
    std::sort(stale.begin(), stale.end());
    for (const std::string& path : stale) KILN_RETURN_IF_ERROR(remove(path));
  }

  KILN_ASSIGN_OR_RETURN(std::vector<EntryInfo> entries, List());
  std::vector<EntryInfo> kept;
  for (EntryInfo& entry : entries) {
    const bool usable = entry.integrity.ok() && entry.key.ok() &&
                        entry.key->compiler_version == CompilerVersion() &&
                        absl::StrCat(dir_, "/", entry.key->FileName()) == entry.path;
    if (usable) {
      kept.push_back(std::move(entry));
    } else {
      KILN_RETURN_IF_ERROR(remove(entry.path));
    }
  }
  if (max_total_bytes.has_value()) {
    uint64_t total = 0;
    for (const EntryInfo& entry : kept) total += entry.size_bytes;
    // Oldest first; ties by path so the choice is deterministic.
    std::sort(kept.begin(), kept.end(), [](const EntryInfo& a, const EntryInfo& b) {
      if (a.modified_unix_seconds != b.modified_unix_seconds) {
        return a.modified_unix_seconds < b.modified_unix_seconds;
      }
      return a.path < b.path;
    });
    for (const EntryInfo& entry : kept) {
      if (total <= *max_total_bytes) break;
      KILN_RETURN_IF_ERROR(remove(entry.path));
      total -= entry.size_bytes;
    }
  }
  return removed;
}

}  // namespace kiln::runtime::cache
