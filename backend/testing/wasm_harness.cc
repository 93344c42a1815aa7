// WasmHarness (wasm_harness.h).
#include "backend/testing/wasm_harness.h"

#include <sys/mman.h>

#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "backend/testing/spill_all_allocator.h"
#include "compiler/base/check.h"
#include "compiler/base/status_macros.h"
#include "compiler/text/wat_parser.h"
#include "compiler/wasm/decoder.h"
#include "compiler/wasm/validator.h"
#include "runtime/trap/entry.h"
#include "runtime/trap/signal_handlers.h"

namespace kiln::backend::testing {
namespace {

constexpr size_t kPageSize = 65536;
constexpr size_t kReservation = (size_t{8} << 30) + kPageSize;

template <typename T>
void Put(uint8_t* base, uint32_t offset, T value) {
  std::memcpy(base + offset, &value, sizeof(T));
}

}  // namespace

absl::StatusOr<std::unique_ptr<WasmHarness>> WasmHarness::Create(absl::string_view wat,
                                                                  AllocateFn allocate) {
  std::unique_ptr<WasmHarness> h(new WasmHarness());
  // Catch2 installs its crash handlers around each test case, over kiln's.
  trap::InstallTrapHandlers();
  KILN_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, text::ParseWat(wat));
  KILN_ASSIGN_OR_RETURN(h->module_, wasm::Decode(bytes));
  KILN_RETURN_IF_ERROR(wasm::Validate(h->module_));
  h->layout_ = vmctx::Layout::Compute(h->module_);
  CompileOptions options;
  options.verify_each = true;
  options.allocate = allocate != nullptr ? allocate : &SpillAllAllocate;
  // The harness allocates its vmctx on the heap, with no poll page before it
  // (compiler/vmctx/layout.h kInterruptPollOffset): a poll would read 8 bytes before a heap
  // block. Code that polls must run in a runtime::VmctxBlock (runtime/instance).
  KILN_CHECK(!options.interrupt_checks &&
             "WasmHarness cannot run interrupt_checks code: its vmctx has no poll page");
  KILN_ASSIGN_OR_RETURN(CompiledCode compiled, CompileModule(h->module_, h->layout_, options));
  KILN_ASSIGN_OR_RETURN(h->code_, runtime::CodeMemory::Place(std::move(compiled)));

  size_t vmctx_size = (h->layout_.size() + 15) & ~size_t{15};
  h->vmctx_ = static_cast<uint8_t*>(std::aligned_alloc(16, vmctx_size == 0 ? 16 : vmctx_size));
  std::memset(h->vmctx_, 0, vmctx_size);
  Put<uintptr_t>(h->vmctx_, vmctx::kStackLimitTlsOffset, trap::StackLimitTlsOffset());
  if (!h->module_.memories.empty()) {
    void* base = mmap(nullptr, kReservation, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) return absl::ResourceExhaustedError("cannot reserve memory");
    h->memory_ = static_cast<uint8_t*>(base);
    h->reservation_ = kReservation;
    size_t bytes_open = h->module_.memories[0].limits.min * kPageSize;
    if (bytes_open > 0 && mprotect(base, bytes_open, PROT_READ | PROT_WRITE) != 0) {
      return absl::ResourceExhaustedError("cannot open memory pages");
    }
    uint32_t record = h->layout_.memory(0).offset;
    Put<uintptr_t>(h->vmctx_, record + vmctx::MemoryDefinition::kBaseOffset,
                   reinterpret_cast<uintptr_t>(base));
    Put<uint64_t>(h->vmctx_, record + vmctx::MemoryDefinition::kLengthOffset, bytes_open);
  }
  // Type ids: the index of the first equal type.
  auto type_id = [&](uint32_t t) {
    for (uint32_t u = 0; u <= t; ++u) {
      if (h->module_.types[u] == h->module_.types[t]) return u;
    }
    return t;
  };
  for (uint32_t t = 0; t < h->module_.types.size(); ++t) {
    Put<uint32_t>(h->vmctx_, h->layout_.type_id(t), type_id(t));
  }
  for (uint32_t i = 0; i < h->module_.functions.size(); ++i) {
    uint32_t f = h->module_.num_imported_functions + i;
    uint32_t rec = h->layout_.func_ref(f);
    Put<uintptr_t>(h->vmctx_, rec + vmctx::FuncRef::kCodeOffset,
                   reinterpret_cast<uintptr_t>(h->code_->FunctionEntry(i)));
    Put<uintptr_t>(h->vmctx_, rec + vmctx::FuncRef::kVmctxOffset,
                   reinterpret_cast<uintptr_t>(h->vmctx_));
    Put<uint32_t>(h->vmctx_, rec + vmctx::FuncRef::kTypeIdOffset, type_id(h->module_.functions[i]));
  }
  return h;
}

WasmHarness::~WasmHarness() {
  if (memory_ != nullptr) munmap(memory_, reservation_);
  std::free(vmctx_);
}

absl::StatusOr<CallResult> WasmHarness::Call(absl::string_view name, std::vector<uint64_t> args) {
  for (const wasm::Export& e : module_.exports) {
    if (e.kind != wasm::ExternKind::kFunc || e.name != name) continue;
    if (e.index < module_.num_imported_functions) {
      return absl::UnimplementedError("harness: imported functions are not supported");
    }
    uint32_t defined = e.index - module_.num_imported_functions;
    const wasm::FuncType& type = module_.types[module_.functions[defined]];
    trap::TrampolineFn trampoline = code_->EntryTrampoline(type);
    if (trampoline == nullptr) return absl::InternalError("harness: no trampoline");
    std::vector<uint64_t> stack(std::max<size_t>(2 * type.params.size(), 2 * type.results.size()) + 2);
    std::copy(args.begin(), args.end(), stack.begin());
    trap::EntryFrame frame;
    std::optional<trap::TrapCode> trapped =
        trap::EnterWasm(trampoline, code_->landing_pad(), vmctx_, code_->FunctionEntry(defined),
                        stack.data(), &frame);
    CallResult result;
    result.trap = trapped;
    if (!trapped) {
      size_t slots = 0;
      for (wasm::ValType t : type.results) slots += t == wasm::ValType::kV128 ? 2 : 1;
      result.results.assign(stack.begin(), stack.begin() + slots);
    }
    return result;
  }
  return absl::NotFoundError(absl::StrCat("harness: no exported function ", name));
}

}  // namespace kiln::backend::testing
