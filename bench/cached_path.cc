// Timing the stages of a cached load; see cached_path.h.
#include "bench/cached_path.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <utility>
#include <vector>

#include "api/context.h"
#include "compiler/base/sha256.h"
#include "compiler/wasm/decoder.h"
#include "compiler/wasm/validator.h"
#include "runtime/cache/dir_cache.h"
#include "runtime/engine/compiled_module.h"
#include "runtime/engine/store.h"

namespace kiln::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Median(std::vector<double> seconds) {
  std::sort(seconds.begin(), seconds.end());
  size_t n = seconds.size();
  return n % 2 == 1 ? seconds[n / 2] : (seconds[n / 2 - 1] + seconds[n / 2]) / 2;
}

// Stopwatch records the time since the previous lap into one stage's samples.
class Stopwatch {
 public:
  void Lap(std::vector<double>& stage) {
    Clock::time_point now = Clock::now();
    stage.push_back(std::chrono::duration<double>(now - last_).count());
    last_ = now;
  }

 private:
  Clock::time_point last_ = Clock::now();
};

}  // namespace

absl::StatusOr<CachedPathBreakdown> MeasureCachedPath(const std::string& dir,
                                                      absl::Span<const uint8_t> wasm, int runs) {
  absl::StatusOr<std::unique_ptr<runtime::cache::DirCache>> cache =
      runtime::cache::DirCache::Open(dir, /*read_only=*/true);
  if (!cache.ok()) return cache.status();
  absl::StatusOr<std::vector<runtime::cache::EntryInfo>> entries = (*cache)->List();
  if (!entries.ok()) return entries.status();
  if (entries->size() != 1 || !entries->front().key.ok()) {
    return absl::NotFoundError("expected exactly one readable cache entry in " + dir);
  }
  const runtime::cache::CacheKey& key = *entries->front().key;

  CachedPathBreakdown result;
  result.entry_bytes = entries->front().size_bytes;
  std::vector<double> hash, read, decode, place, instantiate;
  for (int i = 0; i < runs; ++i) {
    Stopwatch watch;
    base::Sha256Digest digest = base::Sha256Of(wasm);
    watch.Lap(hash);
    if (digest != key.module_sha256)
      return absl::InvalidArgumentError("entry is for another module");
    absl::StatusOr<backend::CompiledCode> code = (*cache)->Load(key);
    if (!code.ok()) return code.status();
    result.code_bytes = code->code.size();
    watch.Lap(read);
    // As a cache hit does: the entry vouches for the function bodies, so they are delimited
    // but not read; the rest of the module is decoded and validated.
    wasm::DecodeOptions decode_options;
    decode_options.trust_code_bodies = true;
    absl::StatusOr<wasm::Module> module = wasm::Decode(wasm, decode_options);
    if (!module.ok()) return module.status();
    absl::Status valid = wasm::Validate(*module);
    if (!valid.ok()) return valid;
    watch.Lap(decode);
    absl::StatusOr<std::shared_ptr<const runtime::CompiledModule>> compiled =
        runtime::LoadCompiledModule(*std::move(module), *std::move(code));
    if (!compiled.ok()) return compiled.status();
    watch.Lap(place);
    runtime::Store store;
    absl::StatusOr<api::Module*> instance = store.Instantiate(Context(), *compiled, "");
    if (!instance.ok()) return instance.status();
    watch.Lap(instantiate);
  }
  result.hash = Median(hash);
  result.read = Median(read);
  result.decode = Median(decode);
  result.place = Median(place);
  result.instantiate = Median(instantiate);
  return result;
}

}  // namespace kiln::bench
