// The x86_64 register file for the allocator and register names for printing.
#include "backend/x86_64/registers.h"

#include "absl/strings/str_cat.h"

namespace kiln::backend::x86_64 {
namespace {

constexpr const char* kGpNames[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                      "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};

RegisterInfo MakeRegisterInfo() {
  RegisterInfo info;
  // Caller-saved first (free in the prologue), then callee-saved (survive calls).
  for (uint32_t r : {kRax, kRcx, kRdx, kRsi, kRdi, kR8, kR9, kR10, kRbx, kR12, kR13, kR15}) {
    info.allocatable[0].push_back(Gpr(r));
  }
  for (uint32_t x = 0; x < 15; ++x) info.allocatable[1].push_back(Xmm(x));
  info.callee_saved = kCalleeSavedMask;
  for (const char* name : kGpNames) info.names[0].push_back(name);
  for (int x = 0; x < 16; ++x) info.names[1].push_back(absl::StrCat("xmm", x));
  return info;
}

}  // namespace

bool IsAllocatable(Reg reg) {
  if (!reg.is_physical()) return false;
  if (reg.reg_class() == RegClass::kFloat) return reg.id() < 15;
  switch (reg.id()) {
    case kRsp: case kRbp: case kR11: case kR14: return false;
    default: return true;
  }
}

const RegisterInfo& GetRegisterInfo() {
  static const RegisterInfo* info = new RegisterInfo(MakeRegisterInfo());
  return *info;
}

std::string RegName(Reg reg) {
  if (!reg.valid()) return "<none>";
  if (reg.is_virtual()) {
    return absl::StrCat("%v", reg.id(), reg.reg_class() == RegClass::kInt ? "i" : "f");
  }
  if (reg.reg_class() == RegClass::kInt) return kGpNames[reg.id() & 15];
  return absl::StrCat("xmm", reg.id());
}

}  // namespace kiln::backend::x86_64
