// The fd table: lowest-free-number allocation as POSIX does, and the host descriptors that
// entries and mounts own.
#include "runtime/wasi/fd_table.h"

#include <unistd.h>

#include <utility>

namespace kiln::wasi {

Mount::~Mount() {
  if (root_fd >= 0) close(root_fd);
}

FileEntry::~FileEntry() {
  if (owns_host_fd && host_fd >= 0) close(host_fd);
}

FileEntry* FdTable::Get(uint32_t fd) const {
  auto it = entries_.find(fd);
  return it == entries_.end() ? nullptr : it->second.get();
}

Errno FdTable::Insert(std::unique_ptr<FileEntry> entry, uint32_t* fd) {
  if (entries_.size() >= kMaxFds) return Errno::kNfile;
  // The map is ordered, so the first gap in its keys is the lowest free number.
  uint32_t candidate = 0;
  for (const auto& [number, unused] : entries_) {
    if (number != candidate) break;
    ++candidate;
  }
  entries_.emplace(candidate, std::move(entry));
  *fd = candidate;
  return Errno::kSuccess;
}

void FdTable::InsertAt(uint32_t fd, std::unique_ptr<FileEntry> entry) {
  entries_[fd] = std::move(entry);
}

Errno FdTable::Remove(uint32_t fd) {
  auto it = entries_.find(fd);
  if (it == entries_.end()) return Errno::kBadf;
  entries_.erase(it);
  return Errno::kSuccess;
}

Errno FdTable::Renumber(uint32_t from, uint32_t to) {
  auto from_it = entries_.find(from);
  auto to_it = entries_.find(to);
  if (from_it == entries_.end() || to_it == entries_.end()) return Errno::kBadf;
  if (from == to) return Errno::kSuccess;
  to_it->second = std::move(from_it->second);  // destroying the old entry closes it
  entries_.erase(from_it);
  return Errno::kSuccess;
}

}  // namespace kiln::wasi
