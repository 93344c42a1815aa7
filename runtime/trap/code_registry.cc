// The code registry as a read-copy-update snapshot: readers (signal handlers on any thread)
// announce themselves in a counter, load the current snapshot and search it; writers replace
// the snapshot under a mutex and wait for the counter to drain before freeing the old one.
// Sequentially consistent atomics make the hand-over sound: a reader that incremented the
// counter after the writer saw it at zero necessarily loads the new snapshot.
#include "runtime/trap/code_registry.h"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <vector>

#include "compiler/base/check.h"

namespace kiln::trap {
namespace {

struct Snapshot {
  std::vector<const CodeRange*> ranges;  // sorted by begin()
};

std::atomic<const Snapshot*> g_snapshot{nullptr};
std::atomic<int> g_readers{0};

std::mutex& WriterMutex() {
  static std::mutex* mutex = new std::mutex;
  return *mutex;
}

// Publish installs `next` and frees the previous snapshot once no reader can hold it.
void Publish(const Snapshot* next) {
  const Snapshot* previous = g_snapshot.exchange(next);
  while (g_readers.load() != 0) sched_yield();
  delete previous;
}

}  // namespace

void RegisterCodeRange(const CodeRange* range) {
  std::lock_guard<std::mutex> lock(WriterMutex());
  auto* next = new Snapshot;
  if (const Snapshot* current = g_snapshot.load()) next->ranges = current->ranges;
  auto at = std::lower_bound(
      next->ranges.begin(), next->ranges.end(), range,
      [](const CodeRange* a, const CodeRange* b) { return a->begin() < b->begin(); });
  KILN_CHECK(at == next->ranges.end() || (*at)->begin() >= range->end());
  KILN_CHECK(at == next->ranges.begin() || (*(at - 1))->end() <= range->begin());
  next->ranges.insert(at, range);
  Publish(next);
}

void UnregisterCodeRange(const CodeRange* range) {
  std::lock_guard<std::mutex> lock(WriterMutex());
  auto* next = new Snapshot;
  if (const Snapshot* current = g_snapshot.load()) next->ranges = current->ranges;
  auto at = std::find(next->ranges.begin(), next->ranges.end(), range);
  KILN_CHECK(at != next->ranges.end());
  next->ranges.erase(at);
  Publish(next);
}

CodeLookup LookupCode(uintptr_t pc) {
  CodeLookup result;
  g_readers.fetch_add(1);
  if (const Snapshot* snapshot = g_snapshot.load()) {
    // The last range starting at or before pc is the only candidate.
    auto after = std::upper_bound(
        snapshot->ranges.begin(), snapshot->ranges.end(), pc,
        [](uintptr_t address, const CodeRange* r) { return address < r->begin(); });
    if (after != snapshot->ranges.begin()) {
      const CodeRange* range = *(after - 1);
      if (pc < range->end()) {
        result.range = range;
        result.offset = static_cast<uint32_t>(pc - range->begin());
        result.trap = range->TrapAt(result.offset);
      }
    }
  }
  g_readers.fetch_sub(1);
  return result;
}

}  // namespace kiln::trap
