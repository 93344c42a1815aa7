// CodeRegistry: the process-wide map from address ranges of kiln-generated code to the object
// that knows their trap sites. The signal handler asks it whether a faulting pc is kiln code
// and which trap that instruction stands for, so lookups must be async-signal-safe: they take
// no lock and allocate nothing. Writers (placing or freeing code) publish an immutable sorted
// snapshot and free the old one only once no handler is reading it.
#ifndef KILN_RUNTIME_TRAP_CODE_REGISTRY_H_
#define KILN_RUNTIME_TRAP_CODE_REGISTRY_H_

#include <cstdint>
#include <optional>
#include <string>

#include "runtime/trap/trap_codes.h"

namespace kiln::trap {

// CodeRange is a block of executable kiln code (runtime/code's CodeMemory implements it).
class CodeRange {
 public:
  virtual ~CodeRange() = default;

  // begin/end bound the executable bytes.
  virtual uintptr_t begin() const = 0;
  virtual uintptr_t end() const = 0;

  // TrapAt returns the trap code of the instruction at `offset` from begin(), or nullopt when
  // it is no trap site. Called from the signal handler: it must not allocate or lock.
  virtual std::optional<TrapCode> TrapAt(uint32_t offset) const = 0;

  // Describe names the function containing `offset` for backtraces, e.g. "m.$3+0x1a".
  // Not called from signal handlers.
  virtual std::string Describe(uint32_t offset) const = 0;
};

// RegisterCodeRange makes `range` visible to the trap handler until UnregisterCodeRange.
// Ranges must not overlap.
void RegisterCodeRange(const CodeRange* range);

// UnregisterCodeRange removes `range`; on return no signal handler still reads it.
void UnregisterCodeRange(const CodeRange* range);

// CodeLookup is what a lookup of a pc finds.
struct CodeLookup {
  const CodeRange* range = nullptr;  // nullptr: the pc is not kiln code
  uint32_t offset = 0;               // pc - range->begin()
  std::optional<TrapCode> trap;      // the trap site's code, if the pc is one
};

// LookupCode finds the range holding `pc` and its trap site. Async-signal-safe.
CodeLookup LookupCode(uintptr_t pc);

}  // namespace kiln::trap

#endif  // KILN_RUNTIME_TRAP_CODE_REGISTRY_H_
