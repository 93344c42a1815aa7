#include "runtime/embedding/compilation_cache_impl.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace kiln::embedding {

CompilationCacheImpl::CompilationCacheImpl(std::unique_ptr<runtime::cache::DirCache> dir)
    : dir_(std::move(dir)) {}

absl::Status CompilationCacheImpl::Close(const Context& /*ctx*/) {
  std::map<std::string, std::shared_ptr<Entry>> released;
  {
    absl::MutexLock lock(&mu_);
    closed_ = true;
    released.swap(entries_);
  }
  // `released` drops the cache's references outside the lock; modules still in use live on.
  return absl::OkStatus();
}

absl::string_view CompilationCacheImpl::Dir() const {
  return dir_ == nullptr ? absl::string_view() : absl::string_view(dir_->dir());
}

bool CompilationCacheImpl::ReadOnly() const { return dir_ != nullptr && dir_->read_only(); }

CompilationCacheStats CompilationCacheImpl::Stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

void CompilationCacheImpl::Count(CacheOutcome outcome) {
  absl::MutexLock lock(&mu_);
  switch (outcome) {
    case CacheOutcome::kMemoryHit: ++stats_.memory_hits; break;
    case CacheOutcome::kDirHit: ++stats_.dir_hits; break;
    case CacheOutcome::kCompiled: ++stats_.compiles; break;
  }
}

absl::StatusOr<std::shared_ptr<const runtime::CompiledModule>> CompilationCacheImpl::GetOrProduce(
    const std::string& memory_key, const Produce& produce) {
  std::shared_ptr<Entry> entry;
  {
    absl::MutexLock lock(&mu_);
    if (!closed_) {
      std::shared_ptr<Entry>& slot = entries_[memory_key];
      if (slot == nullptr) slot = std::make_shared<Entry>();
      entry = slot;
    }
  }
  if (entry == nullptr) {  // closed: the directory still answers, memory keeps nothing
    CacheOutcome outcome = CacheOutcome::kCompiled;
    auto produced = produce(&outcome);
    if (produced.ok()) Count(outcome);
    return produced;
  }
  absl::MutexLock entry_lock(&entry->mu);
  if (entry->module != nullptr) {
    Count(CacheOutcome::kMemoryHit);
    return entry->module;
  }
  CacheOutcome outcome = CacheOutcome::kCompiled;
  absl::StatusOr<std::shared_ptr<const runtime::CompiledModule>> produced = produce(&outcome);
  if (!produced.ok()) return produced.status();
  Count(outcome);
  entry->module = *produced;
  return produced;
}


}  // namespace kiln::embedding

namespace kiln {

std::shared_ptr<CompilationCache> NewCompilationCache() {
  return std::make_shared<embedding::CompilationCacheImpl>(nullptr);
}

namespace {

absl::StatusOr<std::shared_ptr<CompilationCache>> OpenDirCache(absl::string_view dir,
                                                               bool read_only) {
  if (dir.empty()) {
    return absl::InvalidArgumentError("compilation cache: the directory name is empty");
  }
  absl::StatusOr<std::unique_ptr<runtime::cache::DirCache>> opened =
      runtime::cache::DirCache::Open(std::string(dir), read_only);
  if (!opened.ok()) {
    return absl::Status(opened.status().code(),
                        absl::StrCat("compilation cache: ", opened.status().message()));
  }
  return std::shared_ptr<CompilationCache>(
      std::make_shared<embedding::CompilationCacheImpl>(*std::move(opened)));
}

}  // namespace

absl::StatusOr<std::shared_ptr<CompilationCache>> NewCompilationCacheWithDir(
    absl::string_view dir) {
  return OpenDirCache(dir, /*read_only=*/false);
}

absl::StatusOr<std::shared_ptr<CompilationCache>> NewReadOnlyCompilationCacheWithDir(
    absl::string_view dir) {
  return OpenDirCache(dir, /*read_only=*/true);
}

}  // namespace kiln
