// Placing code: map RW, copy, flip to RX, register; the reverse on destruction.
#include "runtime/code/code_memory.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace kiln::runtime {

static_assert(backend::TrapResult(trap::TrapCode::kUnreachable) ==
                  trap::TrapResult(trap::TrapCode::kUnreachable),
              "the runtime and the backend agree on landing-pad results");

absl::StatusOr<std::unique_ptr<CodeMemory>> CodeMemory::Place(
    backend::CompiledCode code, std::vector<std::string> function_names) {
  size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  size_t mapped_size = std::max<size_t>(page, (code.code.size() + page - 1) / page * page);
  // MAP_POPULATE: every page is written right away, and faulting them in one by one costs
  // several times more (most of placing a multi-MB module from the compilation cache).
  void* memory = mmap(nullptr, mapped_size, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (memory == MAP_FAILED) {
    return absl::ResourceExhaustedError(
        absl::StrCat("cannot map code memory: ", std::strerror(errno)));
  }
  if (!code.code.empty()) std::memcpy(memory, code.code.data(), code.code.size());
  if (mprotect(memory, mapped_size, PROT_READ | PROT_EXEC) != 0) {
    int error = errno;
    munmap(memory, mapped_size);
    return absl::ResourceExhaustedError(
        absl::StrCat("cannot make code executable: ", std::strerror(error)));
  }
  // x86_64 keeps instruction caches coherent; aarch64 needs the flush.
  __builtin___clear_cache(static_cast<char*>(memory),
                          static_cast<char*>(memory) + code.code.size());
  std::unique_ptr<CodeMemory> placed(new CodeMemory(
      std::move(code), std::move(function_names), static_cast<uint8_t*>(memory), mapped_size));
  if (!placed->code_.code.empty()) trap::RegisterCodeRange(placed.get());
  return placed;
}

CodeMemory::CodeMemory(backend::CompiledCode code, std::vector<std::string> function_names,
                       uint8_t* base, size_t mapped_size)
    : code_(std::move(code)),
      function_names_(std::move(function_names)),
      base_(base),
      mapped_size_(mapped_size) {}

CodeMemory::~CodeMemory() {
  if (!code_.code.empty()) trap::UnregisterCodeRange(this);
  munmap(base_, mapped_size_);
}

trap::TrampolineFn CodeMemory::EntryTrampoline(const wasm::FuncType& type) const {
  const backend::EntryTrampoline* found = code_.FindEntryTrampoline(type);
  if (found == nullptr) return nullptr;
  return reinterpret_cast<trap::TrampolineFn>(base_ + found->offset);
}

const void* CodeMemory::HostCallStub(const wasm::FuncType& type) const {
  const backend::HostCallStub* found = code_.FindHostCallStub(type);
  if (found == nullptr) return nullptr;
  return base_ + found->offset;
}

std::optional<trap::TrapCode> CodeMemory::TrapAt(uint32_t offset) const {
  const backend::TrapSite* site = code_.FindTrapSite(offset);
  if (site == nullptr) return std::nullopt;
  return site->code;
}

std::string CodeMemory::Describe(uint32_t offset) const {
  for (size_t i = 0; i < code_.functions.size(); ++i) {
    const backend::FunctionCode& function = code_.functions[i];
    if (offset < function.offset || offset - function.offset >= function.size) continue;
    std::string name = i < function_names_.size() ? function_names_[i] : absl::StrCat("$", i);
    return absl::StrFormat("%s+0x%x", name, offset - function.offset);
  }
  return "";
}

}  // namespace kiln::runtime
