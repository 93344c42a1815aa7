// Global views: typed reads and writes of natural-size storage.
#include "runtime/instance/global_view.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "api/wasm.h"

namespace kiln::runtime {
namespace {

std::string Describe(wasm::ValType type, uint64_t value) {
  std::string text = absl::StrCat("global(", wasm::ValTypeName(type), ") = ");
  switch (type) {
    case wasm::ValType::kI32:
      absl::StrAppend(&text, api::DecodeI32(value));
      break;
    case wasm::ValType::kI64:
      absl::StrAppend(&text, static_cast<int64_t>(value));
      break;
    case wasm::ValType::kF32:
      absl::StrAppend(&text, api::DecodeF32(value));
      break;
    case wasm::ValType::kF64:
      absl::StrAppend(&text, api::DecodeF64(value));
      break;
    case wasm::ValType::kV128:
    case wasm::ValType::kFuncRef:
    case wasm::ValType::kExternRef:
      absl::StrAppend(&text, "0x", absl::Hex(value));
      break;
  }
  return text;
}

class GlobalView final : public api::Global {
 public:
  GlobalView(wasm::ValType type, void* address) : type_(type), address_(address) {}
  std::string String() const override { return Describe(type_, Get()); }
  api::ValueType Type() const override { return static_cast<api::ValueType>(type_); }
  uint64_t Get() const override { return ReadGlobal(type_, address_); }

 private:
  wasm::ValType type_;
  void* address_;
};

class MutableGlobalView final : public api::MutableGlobal {
 public:
  MutableGlobalView(wasm::ValType type, void* address) : type_(type), address_(address) {}
  std::string String() const override { return Describe(type_, Get()); }
  api::ValueType Type() const override { return static_cast<api::ValueType>(type_); }
  uint64_t Get() const override { return ReadGlobal(type_, address_); }
  void Set(uint64_t value) override { WriteGlobal(type_, address_, value); }

 private:
  wasm::ValType type_;
  void* address_;
};

}  // namespace

uint64_t ReadGlobal(wasm::ValType type, const void* address) {
  if (type == wasm::ValType::kI32 || type == wasm::ValType::kF32) {
    uint32_t value;
    std::memcpy(&value, address, 4);
    return value;
  }
  uint64_t value;
  std::memcpy(&value, address, 8);
  return value;
}

void WriteGlobal(wasm::ValType type, void* address, uint64_t value) {
  if (type == wasm::ValType::kI32 || type == wasm::ValType::kF32) {
    uint32_t narrow = static_cast<uint32_t>(value);
    std::memcpy(address, &narrow, 4);
    return;
  }
  std::memcpy(address, &value, 8);
}

std::unique_ptr<api::Global> MakeGlobalView(const wasm::GlobalType& type, void* address) {
  if (type.is_mutable) return std::make_unique<MutableGlobalView>(type.type, address);
  return std::make_unique<GlobalView>(type.type, address);
}

}  // namespace kiln::runtime
