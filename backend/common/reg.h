// Registers of the machine IR: register classes, virtual and physical registers in one 32-bit
// value, and register masks. Physical registers are numbered per class by the ISA (x86_64:
// the hardware encoding, rax = 0 ... r15 = 15 and xmm0 = 0 ... xmm15 = 15).
#ifndef KILN_BACKEND_COMMON_REG_H_
#define KILN_BACKEND_COMMON_REG_H_

#include <cstdint>

namespace kiln::backend {

// RegClass is a bank of interchangeable registers: general-purpose integer registers (i32,
// i64, ref values) and float/vector registers (f32, f64, v128 values).
enum class RegClass : uint8_t { kInt = 0, kFloat = 1 };

// kNumRegClasses counts the register classes.
inline constexpr int kNumRegClasses = 2;

// kMaxRegsPerClass bounds the physical register numbers of one class.
inline constexpr int kMaxRegsPerClass = 32;

// RegMask is a set of physical registers: bit (class * 32 + number).
using RegMask = uint64_t;

// Reg is a virtual register (an id from MachFunction::NewVReg) or a physical register (an ISA
// register number), each with its class. The default Reg is invalid.
class Reg {
 public:
  constexpr Reg() = default;

  static constexpr Reg Virtual(RegClass cls, uint32_t id) {
    return Reg((static_cast<uint32_t>(cls) << kClassShift) | (id & kIdMask));
  }
  static constexpr Reg Physical(RegClass cls, uint32_t number) {
    return Reg(kPhysicalBit | (static_cast<uint32_t>(cls) << kClassShift) | number);
  }

  constexpr bool valid() const { return bits_ != kInvalid; }
  constexpr bool is_virtual() const { return valid() && (bits_ & kPhysicalBit) == 0; }
  constexpr bool is_physical() const { return valid() && (bits_ & kPhysicalBit) != 0; }
  constexpr RegClass reg_class() const {
    return static_cast<RegClass>((bits_ >> kClassShift) & 3);
  }
  // id is the virtual register id (is_virtual) or the physical register number (is_physical).
  constexpr uint32_t id() const { return bits_ & kIdMask; }
  // mask_bit is this physical register's bit in a RegMask.
  constexpr RegMask mask_bit() const {
    return RegMask{1} << (static_cast<uint32_t>(reg_class()) * kMaxRegsPerClass + id());
  }
  constexpr uint32_t bits() const { return bits_; }

  friend constexpr bool operator==(Reg a, Reg b) { return a.bits_ == b.bits_; }
  friend constexpr bool operator!=(Reg a, Reg b) { return a.bits_ != b.bits_; }

 private:
  static constexpr uint32_t kInvalid = 0xffffffffu;
  static constexpr uint32_t kPhysicalBit = 1u << 30;
  static constexpr uint32_t kClassShift = 28;
  static constexpr uint32_t kIdMask = (1u << 28) - 1;

  constexpr explicit Reg(uint32_t bits) : bits_(bits) {}
  uint32_t bits_ = kInvalid;
};

// MaskOf returns the RegMask bit of physical register `number` of `cls`.
constexpr RegMask MaskOf(RegClass cls, uint32_t number) {
  return RegMask{1} << (static_cast<uint32_t>(cls) * kMaxRegsPerClass + number);
}

}  // namespace kiln::backend

#endif  // KILN_BACKEND_COMMON_REG_H_
