// CompiledCode: the backend's output for one module (or for a set of trampolines alone), in a
// form the runtime maps and links without knowing the ISA, and that a cache can store as is.
//
// - `code` is one position-independent blob: calls between the module's functions are
//   PC-relative inside it, and everything instance-specific is reached through the VM context
//   (compiler/vmctx/layout.h), so there are no relocations by design. The runtime copies the
//   blob into executable memory at any address.
// - functions[i] is defined function i (function index num_imported_functions + i).
// - trap_sites maps the code offset of every instruction that may fault or that is an explicit
//   trap (ud2) to its trap code, sorted by offset; FindTrapSite answers the signal handler.
// - entry_trampolines and host_call_stubs have one entry per distinct function type of the
//   module (wasm::FuncType), keyed by that type: the runtime calls defined and imported
//   functions through an entry trampoline of the callee's type, and imports host functions
//   through a host-call stub of the import's type.
// - landing_pad_offset is where a trap resumes (shared by all entry trampolines of the blob).
#ifndef KILN_BACKEND_COMMON_COMPILED_CODE_H_
#define KILN_BACKEND_COMMON_COMPILED_CODE_H_

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/wasm/module.h"
#include "runtime/trap/entry_frame.h"
#include "runtime/trap/trap_codes.h"

namespace kiln::backend {

// TargetIsa names the instruction set a blob is for.
enum class TargetIsa : uint8_t { kX86_64, kAarch64 };

// CpuFeature bits record what the code relies on (part of a cache key).
enum CpuFeature : uint64_t {
  kCpuSse41 = 1 << 0,   // x86_64 baseline: roundss/roundsd, pinsr/pextr, ptest
  kCpuPopcnt = 1 << 1,  // x86_64: popcnt
  kCpuLzcnt = 1 << 2,   // x86_64: lzcnt
  kCpuBmi1 = 1 << 3,    // x86_64: tzcnt
  kCpuAvx = 1 << 4,     // x86_64: VEX encodings (not used yet)
};

// FunctionCode is where one defined function's code lies in the blob.
struct FunctionCode {
  uint32_t offset = 0;
  uint32_t size = 0;
};

// TrapSite maps a faulting or trapping instruction to its trap code.
struct TrapSite {
  uint32_t code_offset = 0;
  trap::TrapCode code = trap::TrapCode::kUnreachable;
};

// EntryTrampoline is a per-signature entry point from C++ (EntryTrampolineFn).
struct EntryTrampoline {
  wasm::FuncType type;
  uint32_t offset = 0;
};

// HostCallStub is a per-signature function with the Wasm calling convention that calls a
// host function (HostFunctionFn) through the record passed as its vmctx.
struct HostCallStub {
  wasm::FuncType type;
  uint32_t offset = 0;
};

// EntryTrampolineFn is the C signature of an entry trampoline: it saves the callee-saved
// registers, stores its stack pointer in frame->saved_sp, calls `callee_code` (a function with
// the Wasm calling convention) with `vmctx` and the parameters read from `stack` (one uint64_t
// per value, two for v128, in order), writes the results to `stack` from slot 0 in the same
// form, and returns kTrampolineOk. After a trap it returns TrapResult(code) from the landing
// pad. `stack` must hold max(params, results) slots.
using EntryTrampolineFn = uint32_t (*)(void* vmctx, const void* callee_code, uint64_t* stack,
                                       trap::EntryFrame* frame);

// HostFunctionFn is the C function in the first field of a runtime HostFuncRecord, called by a
// host-call stub with the record (the callee vmctx the stub received) and an array of the
// arguments (one uint64_t per value, two for v128); the host writes the results to the array
// from slot 0. The array has max(params, results) slots.
using HostFunctionFn = void (*)(void* record, uint64_t* stack);

// kTrampolineOk is what an entry trampoline returns when the call completed.
inline constexpr uint32_t kTrampolineOk = 0;

// TrapResult is the value a trap path puts in the return register (eax / w0) before resuming
// at the landing pad, and thus what the trampoline returns: the trap code plus one.
inline constexpr uint32_t TrapResult(trap::TrapCode code) {
  return static_cast<uint32_t>(code) + 1;
}

// CompiledCode is the compiled form of one module.
struct CompiledCode {
  TargetIsa isa = TargetIsa::kX86_64;
  uint64_t cpu_features = 0;  // CpuFeature bits the code uses
  std::vector<uint8_t> code;
  std::vector<FunctionCode> functions;
  std::vector<TrapSite> trap_sites;  // sorted by code_offset, offsets unique
  std::vector<EntryTrampoline> entry_trampolines;
  std::vector<HostCallStub> host_call_stubs;
  uint32_t landing_pad_offset = 0;

  // FindTrapSite returns the site at exactly `code_offset`, or nullptr.
  const TrapSite* FindTrapSite(uint32_t code_offset) const {
    auto it = std::lower_bound(
        trap_sites.begin(), trap_sites.end(), code_offset,
        [](const TrapSite& site, uint32_t offset) { return site.code_offset < offset; });
    if (it == trap_sites.end() || it->code_offset != code_offset) return nullptr;
    return &*it;
  }
  // FindEntryTrampoline / FindHostCallStub return the entry for `type`, or nullptr.
  const EntryTrampoline* FindEntryTrampoline(const wasm::FuncType& type) const {
    for (const EntryTrampoline& t : entry_trampolines) {
      if (t.type == type) return &t;
    }
    return nullptr;
  }
  const HostCallStub* FindHostCallStub(const wasm::FuncType& type) const {
    for (const HostCallStub& s : host_call_stubs) {
      if (s.type == type) return &s;
    }
    return nullptr;
  }
};

}  // namespace kiln::backend

#endif  // KILN_BACKEND_COMMON_COMPILED_CODE_H_
