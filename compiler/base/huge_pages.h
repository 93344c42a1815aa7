// Large fresh buffers (a module's binary, a cache entry's code: tens of megabytes) cost one
// page fault per 4 KiB page on first touch, and on virtualised hosts a fault costs several
// microseconds: filling a 64 MiB buffer spent over a second in faults, against ~50 ms with
// transparent huge pages (one fault per 2 MiB). Linux gives them to anonymous memory only
// where asked (transparent_hugepage=madvise, the usual default), so buffers that are filled
// once and read whole ask for them before they are first touched.
#ifndef KILN_COMPILER_BASE_HUGE_PAGES_H_
#define KILN_COMPILER_BASE_HUGE_PAGES_H_

#include <cstddef>
#include <vector>

namespace kiln::base {

// kHugePageMinBytes: smaller buffers are left alone (they span no whole huge page, or too few
// faults to matter).
inline constexpr size_t kHugePageMinBytes = size_t{4} << 20;

// AdviseHugePages asks the kernel to back the whole 2 MiB pages inside [data, data + size)
// with huge pages. Best effort: a no-op for small buffers, on kernels without transparent
// huge pages and off Linux. Only affects memory not yet touched.
void AdviseHugePages(void* data, size_t size);

// ReserveWithHugePages reserves room for `count` elements in the empty vector `v` and advises
// that storage before anything is written to it: fill it afterwards (assign, resize, insert).
template <typename T>
void ReserveWithHugePages(std::vector<T>& v, size_t count) {
  if (!v.empty() || count <= v.capacity()) {
    v.reserve(count);
    return;
  }
  v.reserve(count);
  AdviseHugePages(v.data(), v.capacity() * sizeof(T));
}

}  // namespace kiln::base

#endif  // KILN_COMPILER_BASE_HUGE_PAGES_H_
