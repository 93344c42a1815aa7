// DirCache: the compilation cache kept in a directory, one file per compiled module (see
// docs/cache.md for the file format). An entry is the key's manifest, then the CompiledCode
// (position-independent code, trap table, function offsets, trampolines) and a checksum.
//
// Guarantees:
//   - Writes are atomic: a temp file in the same directory, fsync, then link/rename, so a
//     reader sees a whole entry or none.
//   - An entry that is truncated, fails its checksum, was written by another compiler version
//     or has another key is a miss: Load reports why, and GetOrCompile recompiles and replaces
//     it. A damaged entry is never executed.
//   - Concurrency: inside one process, GetOrCompile compiles a given key once (other threads
//     asking for it wait for that result), also through different DirCache objects on the
//     same directory; across processes, an entry is written once (a process that finds a
//     valid entry already written keeps it).
//   - Read-only mode never writes; GetOrCompile fails with kNotFound on a miss instead of
//     compiling.
// Entries are read into memory and copied into fresh anonymous executable memory by the
// caller (runtime::CodeMemory), never mapped from the file: replacing a file under a running
// process cannot change code that runs.
#ifndef KILN_RUNTIME_CACHE_DIR_CACHE_H_
#define KILN_RUNTIME_CACHE_DIR_CACHE_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "backend/common/compiled_code.h"
#include "runtime/cache/cache_key.h"
#include "runtime/cache/entry_format.h"  // SerializeEntry, ParseEntry, ReadManifest

namespace kiln::runtime::cache {

// EntryInfo describes one file of a cache directory (for `kiln cache list`).
struct EntryInfo {
  std::string path;
  uint64_t size_bytes = 0;
  int64_t modified_unix_seconds = 0;
  absl::StatusOr<CacheKey> key;  // the parsed manifest, or why it could not be read
  absl::Status integrity;        // OK when the whole entry parses (checksum included)
};

class DirCache {
 public:
  // Open uses `dir` (created, with parents, unless read-only). kInvalidArgument when it is not
  // a directory; kPermissionDenied / kNotFound as the file system reports.
  static absl::StatusOr<std::unique_ptr<DirCache>> Open(std::string dir, bool read_only = false);

  const std::string& dir() const { return dir_; }
  bool read_only() const { return read_only_; }

  // Load reads the entry for `key`: kNotFound when absent; kDataLoss when truncated, damaged
  // or written for another key or compiler version (the message says which).
  absl::StatusOr<backend::CompiledCode> Load(const CacheKey& key) const;

  // Store writes the entry for `key` atomically. Does nothing if a valid entry for the key is
  // already there; replaces a damaged one. kFailedPrecondition in read-only mode.
  absl::Status Store(const CacheKey& key, const backend::CompiledCode& code) const;

  // GetOrCompile returns the cached code for `key`, or runs `compile`, stores its result and
  // returns it (see the concurrency guarantees above). `hit` (optional) tells which happened.
  absl::StatusOr<backend::CompiledCode> GetOrCompile(
      const CacheKey& key, const std::function<absl::StatusOr<backend::CompiledCode>()>& compile,
      bool* hit = nullptr);

  // List describes every entry file of the directory, sorted by path.
  absl::StatusOr<std::vector<EntryInfo>> List() const;

  // EntryPath is where the entry for `key` lives.
  std::string EntryPath(const CacheKey& key) const;

  // Prune removes entries that are not valid for the running compiler (other compiler version,
  // damaged, temp files left by a writer that died more than ten minutes ago), and then, when `max_total_bytes` is set, the least recently
  // modified entries until the directory holds at most that many bytes. Returns the paths
  // removed.
  absl::StatusOr<std::vector<std::string>> Prune(std::optional<uint64_t> max_total_bytes) const;

 private:
  DirCache(std::string dir, bool read_only);
  std::string dir_;
  bool read_only_;
  // in_flight_key_ names this directory and mode in the process-wide compile-once table
  // (the directory's real path, so two spellings of it share compiles).
  std::string in_flight_key_;
  struct InFlight;
  std::shared_ptr<InFlight> in_flight_;  // process-wide compile-once bookkeeping
};

}  // namespace kiln::runtime::cache

#endif  // KILN_RUNTIME_CACHE_DIR_CACHE_H_
